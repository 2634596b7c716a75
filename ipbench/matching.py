"""Matching between subsystems: coupling coordination, relative development, LQ, share matching.

Rows are units (regions, industries, years), columns are subsystem scores or quantities.
Formulas and sources: ``../shared/DOMAIN.md`` sections 2-4. Grade bands are data
(:class:`Bands`), so parameter files can pass their own.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from ipbench._checks import as_frame, check_finite, check_nonnegative, check_weights, first_cell
from ipbench.errors import InputError

__all__ = [
    "COUPLING_BANDS",
    "FOUR_BANDS",
    "TEN_BANDS",
    "Bands",
    "coupling_coordination",
    "location_quotient",
    "relative_development",
    "share_matching",
]

_ROUND = 12  # decimals kept before comparing with band edges / tolerances (0.1+0.2 != 0.3)


@dataclass(frozen=True)
class Bands:
    """Grade bands: ``edges`` (increasing, k+1 values) and k bilingual labels.

    ``closed="right"`` means intervals (lo, hi] (the lowest band also takes its lower edge);
    ``closed="left"`` means [lo, hi) (the highest band also takes its upper edge).
    """

    edges: tuple[float, ...]
    labels_zh: tuple[str, ...]
    labels_en: tuple[str, ...]
    closed: Literal["right", "left"] = "right"
    name: str = "custom"

    def __post_init__(self) -> None:
        e = np.asarray(self.edges, dtype=float)
        k = len(self.labels_zh)
        if len(e) != k + 1 or len(self.labels_en) != k or k == 0:
            raise InputError(
                f"bands {self.name!r}: {len(e)} edges need {len(e) - 1} zh and en labels,"
                f" got {k} zh and {len(self.labels_en)} en"
            )
        if not np.all(np.isfinite(e)) or np.any(np.diff(e) <= 0):
            raise InputError(f"bands {self.name!r}: edges {list(self.edges)} must increase")
        if self.closed not in ("right", "left"):
            raise InputError(f"bands {self.name!r}: closed={self.closed!r}, use 'right' or 'left'")

    @classmethod
    def from_mapping(cls, spec: Mapping[str, Any]) -> Bands:
        """Build from a params-style mapping with keys edges, labels_zh, labels_en[, closed]."""
        unknown = set(spec) - {"edges", "labels_zh", "labels_en", "closed", "name"}
        if unknown:
            raise InputError(f"unknown bands keys {sorted(unknown)}")
        try:
            return cls(
                edges=tuple(float(v) for v in spec["edges"]),
                labels_zh=tuple(spec["labels_zh"]),
                labels_en=tuple(spec["labels_en"]),
                closed=spec.get("closed", "right"),
                name=spec.get("name", "custom"),
            )
        except KeyError as exc:
            raise InputError(f"bands mapping misses key {exc.args[0]!r}") from None

    def classify(
        self, values: Any, closed: Literal["right", "left"] | None = None, what: str = "value"
    ) -> np.ndarray:
        """Band number (1..k) of each value; values outside [edges[0], edges[-1]] are errors."""
        closed = closed or self.closed
        if closed not in ("right", "left"):
            raise InputError(f"closed={closed!r}: use 'right' or 'left'")
        v = np.round(np.asarray(values, dtype=float), _ROUND)
        lo, hi = self.edges[0], self.edges[-1]
        bad = (v < lo) | (v > hi) | ~np.isfinite(v)
        if bad.any():
            i = int(np.argmax(bad))
            raise InputError(f"{what} {v.flat[i]!r} lies outside the bands [{lo}, {hi}]")
        return self._band(v, closed)

    def _band(self, v: np.ndarray, closed: str) -> np.ndarray:
        inner = np.asarray(self.edges[1:-1], dtype=float)
        side = "left" if closed == "right" else "right"
        return np.searchsorted(inner, np.round(v, _ROUND), side=side) + 1

    def intervals(self, closed: Literal["right", "left"] | None = None) -> list[str]:
        """Each band's interval as text, as :meth:`classify` draws it: ``(0.1,0.2]`` closed
        right (the lowest band takes its lower edge, ``[0,0.1]``), ``[0.1,0.2)`` closed left (the
        highest takes its upper edge)."""
        right = (closed or self.closed) == "right"
        k = len(self.labels_zh)
        return [f"{'[' if not right or i == 0 else '('}{self.edges[i]:g},{self.edges[i + 1]:g}"
                f"{']' if right or i == k - 1 else ')'}" for i in range(k)]

    def text(self, values: Any, closed: Literal["right", "left"] | None = None,
             decimals: int = 2, most: int = 6) -> np.ndarray:
        """Each value as text with ``decimals`` places, or more where that rounding would put
        the shown figure in another band than the value's own (D = 0.8996 of (0.8, 0.9] is
        "0.90" — which a reader would put in the same band —, D = 0.8022 of (0.8, 0.9] is
        "0.802", not "0.80", which lies in (0.7, 0.8]): a reader grading the shown figure by
        hand finds the grade shown beside it. At most ``most`` places."""
        closed = closed or self.closed
        v = np.asarray(values, dtype=float).ravel()
        own = self.classify(v, closed)
        places = np.full(v.shape, decimals)
        for k in range(decimals, most):
            shown = np.array([float(f"{x:.{k}f}") for x in v])
            places[(places == k) & (self._band(shown, closed) != own)] = k + 1
        return np.array([f"{x:.{k}f}" for x, k in zip(v, places, strict=True)], dtype=object)


_TEN_ZH = ("极度失调", "严重失调", "中度失调", "轻度失调", "濒临失调",
           "勉强协调", "初级协调", "中级协调", "良好协调", "优质协调")
_TEN_EN = ("Extreme imbalance", "Serious imbalance", "Moderate imbalance", "Mild imbalance",
           "On the verge of imbalance", "Barely coordinated", "Primary coordination",
           "Intermediate coordination", "Good coordination", "High-quality coordination")

#: D bands, 10 levels of width 0.1, (lo, hi] (田深圳等 2021 地理学报 76(4):781, Table 1).
TEN_BANDS = Bands(tuple(round(0.1 * i, 1) for i in range(11)), _TEN_ZH, _TEN_EN, "right", "ten")
#: D bands, 4 levels, [lo, hi) (李恒吉等 2021 干旱区地理, Tab. 2).
FOUR_BANDS = Bands(
    (0.0, 0.4, 0.5, 0.6, 1.0),
    ("失调衰退", "濒临失调衰退", "勉强协调发展", "协调发展"),
    ("Imbalanced decline", "Verge of imbalance decline", "Barely coordinated development",
     "Coordinated development"),
    "left",
    "four",
)
#: C stages, (lo, hi] (田深圳等 2021 Table 1).
COUPLING_BANDS = Bands(
    (0.0, 0.3, 0.5, 0.8, 1.0),
    ("低水平耦合", "拮抗阶段", "磨合阶段", "高水平耦合"),
    ("Low-level coupling", "Antagonism", "Running-in", "High-level coupling"),
    "right",
    "coupling",
)
_NAMED_BANDS = {"ten": TEN_BANDS, "four": FOUR_BANDS, "coupling": COUPLING_BANDS}


def _resolve_bands(bands: Bands | str | Mapping[str, Any]) -> Bands:
    if isinstance(bands, Bands):
        return bands
    if isinstance(bands, str):
        if bands not in _NAMED_BANDS:
            raise InputError(f"unknown bands {bands!r}: use {sorted(_NAMED_BANDS)} or a Bands")
        return _NAMED_BANDS[bands]
    if isinstance(bands, Mapping):
        return Bands.from_mapping(bands)
    raise InputError(f"bands must be a name, a Bands or a mapping, got {type(bands).__name__}")


def _scores(U: Any, name: str = "U") -> pd.DataFrame:
    """Subsystem scores: finite, in [0, 1]; errors name unit and subsystem."""
    df = as_frame(U, name)
    check_finite(df, name)
    a = df.to_numpy()
    bad = (a < 0) | (a > 1)
    if bad.any():
        unit, col, value = first_cell(bad, df)
        raise InputError(
            f"{name}: score {value:g} of subsystem {col!r} at unit {unit!r}"
            " is outside [0, 1]; normalise subsystem scores first",
            indicator=col,
            unit=unit,
        )
    return df


def coupling_coordination(
    U: Any,
    weights: Any = None,
    bands: Bands | str | Mapping[str, Any] = "ten",
    closed: Literal["right", "left"] | None = None,
    modified: bool = False,
    c_bands: Bands | str | Mapping[str, Any] = "coupling",
) -> pd.DataFrame:
    """Coupling degree C, coordination index T and coupling-coordination degree D.

    ``U``: rows = units, columns = n >= 2 subsystem scores in [0, 1].

    - ``C = {prod_i U_i / [(sum_i U_i)/n]^n}^(1/n)`` = geometric mean / arithmetic mean
      (李恒吉等 2021 sec. 2.4; n = 2: ``C = 2 sqrt(U1 U2)/(U1 + U2)``, 王淑佳等 2021
      自然资源学报 36(3):793).
    - ``modified=True`` [M: exact form not checked against the primary source] uses the
      modified coupling degree of 王淑佳等 (2021):
      ``C = sqrt{[1 - sum_{i>j} |U_i - U_j| / sum_{m=1}^{n-1} m] · [prod_i U_i/max U]^(1/(n-1))}``,
      for n = 2 ``sqrt{(1 - |U1 - U2|) · U_min/U_max}``.
    - ``T = sum_i a_i U_i`` (``weights`` a_i >= 0 summing to 1, default equal);
      ``D = sqrt(C · T)``.

    Zeros: any ``U_i = 0`` gives ``C = 0`` and hence ``D = 0`` (all zero: C = T = D = 0).

    Grades: ``bands`` = ``"ten"`` (田深圳等 2021, default, (lo, hi]), ``"four"`` (李恒吉等 2021,
    [lo, hi)), a :class:`Bands` or a mapping; ``closed`` overrides the bands' interval
    convention. C stages use ``c_bands`` (田深圳等 2021). Values are rounded to 12 decimals
    before banding, so D = 0.3 computed as 0.30000000000000004 falls in (0.2, 0.3].

    Returns a DataFrame indexed like ``U`` with columns C, T, D, ``D_text`` (D as shown: two
    decimals, more where rounding would cross a band edge, :meth:`Bands.text`), grade (1..k),
    and the labels grade_zh, grade_en, C_stage_zh, C_stage_en as ordered categoricals (lowest
    band first).
    """
    df = _scores(U)
    n = df.shape[1]
    if n < 2:
        raise InputError(f"coupling needs at least 2 subsystems (columns), got {n}")
    a = df.to_numpy()
    w = (
        np.full(n, 1.0 / n)
        if weights is None
        else check_weights(weights, df.columns).to_numpy()
    )
    t = a @ w
    if modified:
        iu, ju = np.triu_indices(n, 1)
        spread = np.abs(a[:, iu] - a[:, ju]).sum(axis=1) / (n * (n - 1) / 2)
        top = a.max(axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            rel = np.where(top[:, None] > 0, a / top[:, None], 0.0)
        c = np.sqrt(np.clip(1.0 - spread, 0.0, None) * np.prod(rel, axis=1) ** (1.0 / (n - 1)))
    else:
        mean = a.mean(axis=1)
        geo = np.prod(a, axis=1) ** (1.0 / n)
        with np.errstate(divide="ignore", invalid="ignore"):
            c = np.where(mean > 0, geo / mean, 0.0)
    c = np.clip(c, 0.0, 1.0)
    d = np.sqrt(c * t)
    d_bands, cb = _resolve_bands(bands), _resolve_bands(c_bands)
    g = d_bands.classify(d, closed, what="D")
    s = cb.classify(c, closed, what="C")
    return pd.DataFrame(
        {
            "C": c,
            "T": t,
            "D": d,
            "D_text": d_bands.text(d, closed),
            "grade": g,
            "grade_zh": _labels(g, d_bands.labels_zh),
            "grade_en": _labels(g, d_bands.labels_en),
            "C_stage_zh": _labels(s, cb.labels_zh),
            "C_stage_en": _labels(s, cb.labels_en),
        },
        index=df.index,
    )


def _labels(codes: np.ndarray, labels: Sequence[str]) -> pd.Categorical:
    """Band labels as an ordered categorical (sorts by band, cheap for many units)."""
    return pd.Categorical.from_codes(codes - 1, categories=list(labels), ordered=True)


def _bilingual(name: Any) -> tuple[str, str]:
    if isinstance(name, tuple | list) and len(name) == 2:
        return str(name[0]), str(name[1])
    return str(name), str(name)


def relative_development(
    U_a: Any,
    U_b: Any = None,
    tolerance: float = 0.1,
    names: Sequence[Any] | None = None,
    measure: Literal["ratio", "difference"] = "ratio",
) -> pd.DataFrame:
    """Relative development type of two subsystems, naming the lagging one [M].

    Rule (a common convention, not from a checked primary source; ``tolerance`` and
    ``measure`` are parameters): with ``r = U_b / U_a`` (``measure="ratio"``, default)
    ``|r - 1| <= tolerance`` → 同步型 / synchronous; ``r > 1 + tolerance`` → a lags;
    ``r < 1 - tolerance`` → b lags. With ``measure="difference"`` the same on
    ``delta = U_a - U_b`` against ±tolerance. ``U_a = U_b = 0`` is synchronous; ``U_a = 0 <
    U_b`` gives r = inf (a lags).

    ``U_a``: a Series/array, or a DataFrame with exactly two columns (then ``U_b`` is None).
    ``names``: two names, each a string or a (zh, en) pair, e.g.
    ``[("创造能力", "capability"), ("运用", "use")]``; default the column/Series names.

    Returns ratio, difference, type (``synchronous`` | ``a_lagging`` | ``b_lagging``),
    type_zh ("创造能力滞后型"), type_en ("capability lagging") and lagging (subsystem name,
    or missing when synchronous).
    """
    if U_b is None:
        df = _scores(U_a)
        if df.shape[1] != 2:
            raise InputError(
                f"relative_development needs two subsystems, got columns {list(df.columns)}"
            )
    else:
        sa = U_a if isinstance(U_a, pd.Series) else pd.Series(np.asarray(U_a, dtype=float))
        sb = U_b if isinstance(U_b, pd.Series) else pd.Series(np.asarray(U_b, dtype=float))
        if len(sa) != len(sb) or not sa.index.equals(sb.index):
            raise InputError("U_a and U_b must have the same units (index)")
        na = sa.name if sa.name is not None else "U_a"
        nb = sb.name if sb.name is not None else "U_b"
        if na == nb:
            na, nb = "U_a", "U_b"
        df = _scores(pd.DataFrame({na: sa, nb: sb}))
    if not tolerance >= 0:
        raise InputError(f"tolerance {tolerance!r} must be >= 0")
    if names is None:
        names = list(df.columns)
    if len(names) != 2:
        raise InputError(f"names needs two entries, got {len(names)}")
    (za, ea), (zb, eb) = _bilingual(names[0]), _bilingual(names[1])
    a, b = df.iloc[:, 0].to_numpy(), df.iloc[:, 1].to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(a > 0, b / a, np.where(b > 0, np.inf, 1.0))
    diff = a - b
    if measure == "ratio":
        x = np.round(ratio - 1.0, _ROUND)
        a_lags, b_lags = x > tolerance, x < -tolerance
    elif measure == "difference":
        x = np.round(diff, _ROUND)
        a_lags, b_lags = x < -tolerance, x > tolerance
    else:
        raise InputError(f"unknown measure {measure!r}: use 'ratio' or 'difference'")
    kind = np.where(a_lags, "a_lagging", np.where(b_lags, "b_lagging", "synchronous"))
    zh = np.where(a_lags, f"{za}滞后型", np.where(b_lags, f"{zb}滞后型", "同步型"))
    en = np.where(a_lags, f"{ea} lagging", np.where(b_lags, f"{eb} lagging", "synchronous"))
    lag = pd.array(np.where(a_lags, ea, np.where(b_lags, eb, "")), dtype="str")
    lag[~(a_lags | b_lags)] = pd.NA
    return pd.DataFrame(
        {
            "ratio": ratio,
            "difference": diff,
            "type": pd.array(kind, dtype="str"),
            "type_zh": pd.array(zh, dtype="str"),
            "type_en": pd.array(en, dtype="str"),
            "lagging": lag,
        },
        index=df.index,
    )


def location_quotient(
    values: Any,
    totals: Any = None,
    reference: Any = None,
    reference_total: float | None = None,
) -> pd.DataFrame:
    """Location quotient (区位熵) ``LQ_ij = (e_ij / e_i) / (E_j / E)``.

    ``values``: rows = regions, columns = industries or IP types (quantities >= 0: value
    added, employment, patents ...). ``totals``: each region's total ``e_i`` (default: row
    sums, i.e. the table covers everything). ``reference``: ``E_j`` per column (Series), or
    the label of a row of ``values`` that holds the reference (e.g. the national row; it is
    then left out of the result); default column sums over all rows. ``reference_total``:
    ``E`` (default: ``totals[reference row]`` if given, else sum of ``E_j``).
    LQ > 1: the region is specialised in that category. Source: DOMAIN.md sec. 4.
    """
    df = as_frame(values, "values")
    check_finite(df, "values")
    check_nonnegative(df, "values", why="location quotients need quantities >= 0")
    ref_row = None
    if reference is None:
        ref = df.sum(axis=0)
    elif isinstance(reference, pd.Series | Mapping):
        ref = pd.Series(dict(reference)) if isinstance(reference, Mapping) else reference
        missing = df.columns.difference(ref.index)
        if len(missing):
            raise InputError(
                f"reference lacks categories {list(missing)}", indicator=missing[0]
            )
        ref = ref.reindex(df.columns).astype(float)
    elif reference in df.index:
        ref_row = reference
        ref = df.loc[reference]
    else:
        raise InputError(f"reference {reference!r} is neither a Series nor a row of values")
    if totals is None:
        tot = df.sum(axis=1)
    else:
        tot = pd.Series(dict(totals)) if isinstance(totals, Mapping) else pd.Series(totals)
        missing = df.index.difference(tot.index)
        if len(missing):
            raise InputError(f"totals lack regions {list(missing)}", unit=missing[0])
        tot = tot.reindex(df.index).astype(float)
    if reference_total is None:
        big_e = float(tot[ref_row]) if (ref_row is not None and totals is not None) else float(ref.sum())
    else:
        big_e = float(reference_total)
    for col, v in ref.items():
        if not v > 0:
            raise InputError(f"reference total of category {col!r} is {v!r}; need > 0",
                             indicator=col)
    for unit, v in tot.items():
        if not v > 0:
            raise InputError(f"total of region {unit!r} is {v!r}; need > 0", unit=unit)
    if not big_e > 0:
        raise InputError(f"reference total E = {big_e!r}; need > 0")
    lq = (df.to_numpy() / tot.to_numpy()[:, None]) / (ref.to_numpy() / big_e)[None, :]
    out = pd.DataFrame(lq, index=df.index, columns=df.columns)
    return out.drop(index=ref_row) if ref_row is not None else out


def share_matching(
    a: Any,
    b: Any = None,
    totals: tuple[float, float] | None = None,
) -> pd.DataFrame:
    """Share-based matching of two quantities across regions [M] (DOMAIN.md sec. 3).

    ``s_a = a_i / A``, ``s_b = b_i / B`` (A, B = column sums, or ``totals`` = (A, B) when the
    regions are part of a larger reference); ``M_i = 1 - |s_a - s_b| / (s_a + s_b)`` in [0, 1]
    (1 = same share) and ``ratio = s_a / s_b``. A region with both shares 0 gets M = 1 and a
    missing ratio; ``s_b = 0 < s_a`` gives ratio = inf.

    ``a``, ``b``: Series over the same regions, or ``a`` a two-column DataFrame.
    """
    if b is None:
        df = as_frame(a, "a")
        if df.shape[1] != 2:
            raise InputError(f"share_matching needs two quantities, got {list(df.columns)}")
    else:
        sa = a if isinstance(a, pd.Series) else pd.Series(np.asarray(a, dtype=float))
        sb = b if isinstance(b, pd.Series) else pd.Series(np.asarray(b, dtype=float))
        missing = sa.index.symmetric_difference(sb.index)
        if len(missing) or len(sa) != len(sb):
            raise InputError(f"a and b cover different regions: {list(missing)}",
                             unit=missing[0] if len(missing) else None)
        df = as_frame(pd.DataFrame({"a": sa, "b": sb.reindex(sa.index)}), "a, b")
    check_finite(df, "a, b")
    check_nonnegative(df, "a, b", why="shares need quantities >= 0")
    x = df.to_numpy()
    tot = x.sum(axis=0) if totals is None else np.asarray(totals, dtype=float)
    if tot.shape != (2,) or not np.all(tot > 0):
        raise InputError(f"totals {tot.tolist()} must be two positive numbers")
    s = x / tot
    ssum = s.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        m = np.where(ssum > 0, 1.0 - np.abs(s[:, 0] - s[:, 1]) / ssum, 1.0)
        ratio = np.where(ssum > 0, s[:, 0] / s[:, 1], np.nan)
    return pd.DataFrame(
        {"share_a": s[:, 0], "share_b": s[:, 1], "ratio": ratio, "matching": m},
        index=df.index,
    )
