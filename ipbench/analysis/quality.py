"""Overall quality and layout value: invention share, patents per unit of R&D input,
high-value patents per 10,000 people, and a layout-quality composite."""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from ipbench import aggregate, normalize
from ipbench._checks import (
    as_frame,
    check_finite,
    check_nonconstant,
    check_weights,
    resolve_directions,
)
from ipbench.analysis._inputs import align, as_series
from ipbench.analysis.interpretation import Sentence, label
from ipbench.errors import InputError

# Bilingual names of the standard quality indicators built by :func:`quality_indicators`.
QUALITY_LABELS: dict[str, tuple[str, str]] = {
    "invention_share": ("发明专利占比", "invention share"),
    "patents_per_rd": ("单位研发投入专利产出", "patents per unit of R&D input"),
    "high_value_per_10k": ("每万人口高价值发明专利拥有量", "high-value invention patents per 10,000 people"),
}


def invention_share(invention: Any, total: Any) -> pd.Series:
    """Invention share = invention patents / all patents (three types), per unit; 0 ≤ · ≤ 1."""
    inv = as_series(invention, "invention", nonnegative=True)
    tot = as_series(total, "total", nonnegative=True)
    inv, tot = align(inv, tot, "invention", "total")
    for unit in inv.index:
        if tot[unit] <= 0:
            raise InputError(f"total patents are 0 at unit {unit!r}: invention share undefined", unit=unit)
        if inv[unit] > tot[unit]:
            raise InputError(
                f"invention patents ({inv[unit]!r}) exceed the total ({tot[unit]!r}) at unit {unit!r}",
                unit=unit,
            )
    return (inv / tot).rename("invention_share")


def per_unit(numerator: Any, denominator: Any, per: float = 1.0, name: str = "ratio") -> pd.Series:
    """Ratio indicator numerator / (denominator / per), e.g. patents per 亿元 of R&D
    (``per`` = 1 with R&D in 亿元) or per 10,000 people (``per`` = 10,000, people in persons)."""
    num_ = as_series(numerator, "numerator", nonnegative=True)
    den = as_series(denominator, "denominator", positive=True)
    num_, den = align(num_, den, "numerator", "denominator")
    if per <= 0:
        raise InputError(f"per must be > 0, got {per!r}")
    return (num_ / (den / per)).rename(name)


def patents_per_rd(patents: Any, rd_input: Any, per: float = 1.0) -> pd.Series:
    """Patents per unit of R&D input = patents / (R&D input / per) (DOMAIN.md §3, PNID
    "专利与科技匹配度", e.g. invention grants per 亿元 R&D expenditure)."""
    return per_unit(patents, rd_input, per, name="patents_per_rd")


def per_10k_people(count: Any, population_persons: Any) -> pd.Series:
    """Count per 10,000 people = count / (population / 10,000), population in persons
    (e.g. 每万人口高价值发明专利拥有量; DOMAIN.md §4)."""
    return per_unit(count, population_persons, 10_000.0, name="per_10k_people")


def quality_indicators(
    invention: Any = None,
    total: Any = None,
    patents: Any = None,
    rd_input: Any = None,
    rd_per: float = 1.0,
    high_value: Any = None,
    population_persons: Any = None,
) -> pd.DataFrame:
    """Table of the quality indicators whose data exist (pass None for what is missing).

    Columns (when their inputs are given): ``invention_share`` (invention, total),
    ``patents_per_rd`` (patents, rd_input, rd_per), ``high_value_per_10k`` (high_value,
    population_persons). Giving one input of a pair without the other raises.
    """
    cols: dict[str, pd.Series] = {}
    pairs = (
        ("invention_share", invention, total, lambda a, b: invention_share(a, b)),
        ("patents_per_rd", patents, rd_input, lambda a, b: patents_per_rd(a, b, rd_per)),
        ("high_value_per_10k", high_value, population_persons, per_10k_people),
    )
    for name, a, b, fn in pairs:
        if (a is None) != (b is None):
            raise InputError(f"{name} needs both its inputs; one of them is missing", indicator=name)
        if a is not None:
            cols[name] = fn(a, b).rename(name)
    if not cols:
        raise InputError("no quality indicator can be computed: no inputs given")
    first = next(iter(cols.values()))
    for name, s in cols.items():
        align(first, s, next(iter(cols)), name)
    return pd.DataFrame({k: v.reindex(first.index) for k, v in cols.items()})


@dataclass(frozen=True)
class QualityComposite:
    """Layout-quality composite: indicators, their min-max scores, weights, composite, rank."""

    indicators: pd.DataFrame
    normalized: pd.DataFrame
    weights: pd.Series
    composite: pd.Series
    rank: pd.Series
    dropped: tuple[str, ...]

    def table(self) -> pd.DataFrame:
        return self.indicators.join(self.composite).join(self.rank)

    def summary(self) -> str:
        w = ", ".join(f"{k} {v:.2f}" for k, v in self.weights.items())
        drop = f"; dropped (no data): {', '.join(self.dropped)}" if self.dropped else ""
        return f"layout-quality composite (min-max, weights: {w}){drop}\n" + self.table().to_string()

    def _repr_html_(self) -> str:
        return f"<p>{html.escape(self.summary().splitlines()[0])}</p>" + self.table().to_html()


def quality_composite(
    indicators: pd.DataFrame, weights: Any = None, directions: Any = None
) -> QualityComposite:
    """Layout-quality composite Q_i = Σ_j w_j x'_ij, x'_ij = min-max score across units.

    x'_ij = (x_ij − min_j)/(max_j − min_j) for benefit indicators, (max_j − x_ij)/(max_j −
    min_j) for cost ones (DOMAIN.md §1). Equal weights by default [M: design choice]; columns
    that are entirely missing ("where data exist") are dropped and listed in ``dropped``
    (weights, if given, must then cover only the kept ones); a partially missing column or
    a constant one raises. Rank 1 = best. Needs at least 2 units.
    """
    df = as_frame(indicators, name="indicators")
    empty = [c for c in df.columns if df[c].isna().all()]
    df = df.drop(columns=empty)
    if df.shape[1] == 0:
        raise InputError("no quality indicator has data")
    if len(df) < 2:
        raise InputError("the composite compares units: at least 2 are needed")
    check_finite(df, name="indicators")
    check_nonconstant(df, name="indicators")
    d = resolve_directions(directions if not isinstance(directions, Mapping) else
                           {k: v for k, v in directions.items() if k not in empty}, df.columns)
    w = (pd.Series(1.0 / df.shape[1], index=df.columns) if weights is None
         else check_weights(weights, df.columns))
    norm = normalize.minmax(df, d)
    comp = aggregate.arithmetic(norm, w).rename("quality_composite")
    rank = comp.rank(ascending=False, method="min").astype(int).rename("rank")
    return QualityComposite(df, norm, w, comp, rank, tuple(map(str, empty)))


def describe_quality(result: QualityComposite, unit: Any, names: Mapping[Any, Any] | None = None) -> Sentence:
    """Sentence: the unit's composite, rank, and its strongest and weakest indicator."""
    if unit not in result.composite.index:
        raise InputError(f"unit {unit!r} is not in the composite", unit=unit)
    row = result.normalized.loc[unit]
    best, worst = row.idxmax(), row.idxmin()
    bz, be = QUALITY_LABELS.get(str(best), (str(best), str(best)))
    wz, we = QUALITY_LABELS.get(str(worst), (str(worst), str(worst)))
    n = len(result.composite)
    q, r = float(result.composite[unit]), int(result.rank[unit])
    tail_zh = f"，相对优势在{bz}，短板在{wz}" if best != worst else ""
    tail_en = f"; relatively strongest on {be}, weakest on {we}" if best != worst else ""
    return Sentence(
        zh=f"{label(unit, names, 'zh')}布局质量综合得分{q:.2f}，在{n}个区域中排第{r}{tail_zh}。",
        en=f"{label(unit, names, 'en')} scores {q:.2f} on layout quality, rank {r} of {n}{tail_en}.",
    )
