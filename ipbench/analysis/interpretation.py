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

# English names of the 10-level coupling-coordination grades (田深圳等 2021, 地理学报 76(4):781,
# Table 1) and the 4-level grades (李恒吉等, Table 2); see DOMAIN.md §2.
GRADE_EN: dict[str, str] = {
    "极度失调": "extreme imbalance",
    "严重失调": "severe imbalance",
    "中度失调": "moderate imbalance",
    "轻度失调": "mild imbalance",
    "濒临失调": "on the verge of imbalance",
    "勉强协调": "barely coordinated",
    "初级协调": "primary coordination",
    "中级协调": "intermediate coordination",
    "良好协调": "good coordination",
    "优质协调": "high-quality coordination",
    "失调衰退": "imbalanced, declining",
    "濒临失调衰退": "on the verge of imbalance",
    "勉强协调发展": "barely coordinated",
    "协调发展": "coordinated development",
}


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
    """English name of a coordination grade; unknown grades are returned unchanged."""
    return GRADE_EN.get(str(grade), str(grade))


def describe_matching(
    unit_name: str | tuple[str, str],
    u_a: float,
    u_b: float,
    D: float,
    grade: str,
    side_a: tuple[str, str] = ("创造潜力", "creation potential"),
    side_b: tuple[str, str] = ("创造能力", "creation capability"),
    tolerance: float = 0.1,
) -> Sentence:
    """Sentence for one matching pair: which side lags, with D and its grade.

    Side b lags side a when ``u_a - u_b > tolerance``, side a lags when ``u_b - u_a >
    tolerance``, otherwise the two are synchronous. This is the difference form of the
    relative-development typing (DOMAIN.md §2, [M]; tolerance ±0.1 as commonly used).

    >>> print(describe_matching("南通市", 0.7, 0.5, 0.62, "初级协调").zh)
    南通市创造能力滞后于创造潜力（D=0.62，初级协调）。
    """
    for what, v in (("u_a", u_a), ("u_b", u_b), ("D", D)):
        if v is None or not math.isfinite(float(v)):
            raise InputError(f"describe_matching: {what} must be a finite number, got {v!r}")
    if tolerance < 0:
        raise InputError(f"tolerance must be >= 0, got {tolerance!r}")
    zh_name, en_name = (unit_name, unit_name) if isinstance(unit_name, str) else unit_name
    diff = float(u_a) - float(u_b)
    g_en = grade_en(grade)
    if diff > tolerance:
        zh = f"{zh_name}{side_b[0]}滞后于{side_a[0]}"
        en = f"In {en_name}, {side_b[1]} lags behind {side_a[1]}"
    elif -diff > tolerance:
        zh = f"{zh_name}{side_a[0]}滞后于{side_b[0]}"
        en = f"In {en_name}, {side_a[1]} lags behind {side_b[1]}"
    else:
        zh = f"{zh_name}{side_a[0]}与{side_b[0]}基本同步"
        en = f"In {en_name}, {side_a[1]} and {side_b[1]} develop in step"
    return Sentence(
        zh=f"{zh}（D={float(D):.2f}，{grade}）。",
        en=f"{en} (D = {float(D):.2f}, {g_en}; U = {float(u_a):.2f} vs {float(u_b):.2f}).",
    )
