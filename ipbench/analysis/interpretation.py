"""Bilingual interpretation sentences generated from the numbers.

Reports show one or two sentences next to each analysis. Every ``describe_*`` function in
:mod:`ipbench.analysis` returns a :class:`Sentence` (Chinese + English); this module holds the
type, the shared number formatting and the sentence for a matching pair (issue 5, item 1).
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ipbench.errors import InputError


def _grade_names() -> dict[str, str]:
    """zh → en grade names from the bands of :mod:`ipbench.matching` (DOMAIN.md §2)."""
    from ipbench.matching import COUPLING_BANDS, FOUR_BANDS, TEN_BANDS

    out: dict[str, str] = {}
    for b in (TEN_BANDS, FOUR_BANDS, COUPLING_BANDS):
        out.update({zh: en[:1].lower() + en[1:] for zh, en in zip(b.labels_zh, b.labels_en, strict=True)})
    return out


@dataclass(frozen=True)
class Sentence:
    """One interpretation in Chinese and English. ``str()`` gives both, Chinese first."""

    zh: str
    en: str

    def text(self, lang: str = "zh") -> str:
        """The sentence in ``lang`` ('zh' or 'en')."""
        if lang not in ("zh", "en"):
            raise InputError(f"unknown language {lang!r}: use 'zh' or 'en'")
        return self.zh if lang == "zh" else self.en

    def __str__(self) -> str:
        return f"{self.zh}\n{self.en}"

    def summary(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        return (
            f'<p lang="zh">{html.escape(self.zh)}</p>'
            f'<p lang="en"><em>{html.escape(self.en)}</em></p>'
        )


def num(x: float, digits: int = 2) -> str:
    """Fixed-point number with thousands separators; 'n/a' for NaN/None."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    return f"{x:,.{digits}f}"


def pct(x: float, digits: int = 1, signed: bool = False) -> str:
    """A fraction as a percentage: 0.1234 → '12.3%' (or '+12.3%' when ``signed``)."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    return f"{100 * x:{'+' if signed else ''}.{digits}f}%"


def label(unit: Any, names: Mapping[Any, Any] | None, lang: str) -> str:
    """Display name of ``unit``: ``names[unit]`` is a str or a (zh, en) pair; else the label."""
    if names is None or unit not in names:
        return str(unit)
    name = names[unit]
    if isinstance(name, str):
        return name
    zh, en = name
    return zh if lang == "zh" else en


def grade_en(grade: str) -> str:
    """English name (lower case) of a coordination grade or coupling stage given in Chinese,
    from the bands of :mod:`ipbench.matching`; unknown names are returned unchanged."""
    return _grade_names().get(str(grade), str(grade))


def describe_matching(
    unit_name: str | tuple[str, str],
    u_a: float,
    u_b: float,
    D: float,
    grade: str | tuple[str, str],
    side_a: tuple[str, str] = ("创造潜力", "creation potential"),
    side_b: tuple[str, str] = ("创造能力", "creation capability"),
    tolerance: float = 0.1,
    measure: str = "ratio",
) -> Sentence:
    """Sentence for one matching pair: which side lags, with D and its grade.

    The lagging side comes from :func:`ipbench.matching.relative_development` (``measure``
    "ratio": U_b/U_a against 1 ± tolerance, or "difference": U_a − U_b against ±tolerance;
    DOMAIN.md §2 [M]). ``grade``: the Chinese grade (English looked up) or a (zh, en) pair,
    e.g. ``grade_zh``/``grade_en`` of :func:`ipbench.matching.coupling_coordination`.

    >>> print(describe_matching("南通市", 0.7, 0.5, 0.62, "初级协调").zh)
    南通市创造能力滞后于创造潜力（D=0.62，初级协调）。
    """
    import pandas as pd

    from ipbench.matching import relative_development

    for what, v in (("u_a", u_a), ("u_b", u_b), ("D", D)):
        if v is None or not math.isfinite(float(v)):
            raise InputError(f"describe_matching: {what} must be a finite number, got {v!r}")
    zh_name, en_name = (unit_name, unit_name) if isinstance(unit_name, str) else unit_name
    g_zh, g_en = (grade, grade_en(grade)) if isinstance(grade, str) else (grade[0], grade[1].lower())
    rd = relative_development(
        pd.Series([float(u_a)], name="a"), pd.Series([float(u_b)], name="b"),
        tolerance=tolerance, measure=measure,  # type: ignore[arg-type]
    )
    kind = rd["type"].iloc[0]
    if kind == "b_lagging":
        zh = f"{zh_name}{side_b[0]}滞后于{side_a[0]}"
        en = f"In {en_name}, {side_b[1]} lags behind {side_a[1]}"
    elif kind == "a_lagging":
        zh = f"{zh_name}{side_a[0]}滞后于{side_b[0]}"
        en = f"In {en_name}, {side_a[1]} lags behind {side_b[1]}"
    else:
        zh = f"{zh_name}{side_a[0]}与{side_b[0]}基本同步"
        en = f"In {en_name}, {side_a[1]} and {side_b[1]} develop in step"
    return Sentence(
        zh=f"{zh}（D={float(D):.2f}，{g_zh}）。",
        en=f"{en} (D = {float(D):.2f}, {g_en}; U = {float(u_a):.2f} vs {float(u_b):.2f}).",
    )
