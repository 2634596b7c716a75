"""IP-intensive industries and regions by a CNIPA-style rule, with the evidence behind each call.

Rule (DOMAIN.md §5): 专利密集型产业 are industries whose invention-patent density and
invention-patent scale both reach set standards (国家统计局 & 国家知识产权局, 专利密集型产业
增加值数据公告 2022/2023; 《知识产权(专利)密集型产业统计分类(2019)》). The published
selection compared each industry with the national average; the exact numeric thresholds are
not verified [M], so both thresholds are parameters and the default is "above the reference
average":

* density_i = invention patents_i / (employment_i / 10,000)  (per 10,000 employees);
  default threshold = the reference's pooled density Σ patents / (Σ employment / 10,000)
  (the employment-weighted average), or the given reference unit's density;
* scale_i = invention patents_i (or another scale measure given as ``scale``); default
  threshold = the mean scale over the units (or the given reference value).

A unit is IP-intensive when both criteria pass (strictly above).

Units: ``employment`` is the **average annual** number of persons over the window (never
persons summed over years); ``patents`` are summed over the window; the density is therefore
"invention grants in the window per 10,000 average employed".

Basis of the industry comparison (:data:`BASES`, made explicit on every page):
``whole_economy`` compares each industry with the whole economy's pooled density (all
invention grants, including those no classified industry receives, e.g. universities');
``industries`` compares it with the pooled density of the classified industries together,
as the NBS 2019 classification compared industries with the average of industries.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from ipbench.analysis._inputs import align, as_series
from ipbench.analysis.interpretation import Sentence, label, num, pct
from ipbench.errors import InputError

#: the rule as every page states it, with its source
RULE = Sentence(
    zh="专利密集型产业指发明专利密集度、规模达到规定标准，依靠知识产权参与市场竞争，符合创新发展导向的"
       "产业集合（国家统计局、国家知识产权局《知识产权（专利）密集型产业统计分类（2019）》；"
       "《2022年全国专利密集型产业增加值数据公告》）。密集度 = 窗口期发明专利授权量 ÷ 窗口期年均从业"
       "人员（万人）；规模 = 窗口期发明专利授权量；两项均高于门槛为密集型。官方数值门槛未经核实，作为参数。",
    en="Patent-intensive industries are those whose invention-patent density and scale reach set"
       " standards and that compete on IP (NBS & CNIPA, IP (patent)-intensive industries statistical"
       " classification 2019; 2022 value-added bulletin). Density = invention grants in the window ÷"
       " average annual employment (10k persons); scale = invention grants in the window; both above"
       " their thresholds = intensive. Official numeric thresholds are not verified: parameters.",
)

#: basis key → (zh, en) statement of what the industries are compared with
BASES: dict[str, tuple[str, str]] = {
    "whole_economy": ("门槛为全部产业（全社会）的平均发明专利密集度",
                      "threshold: the whole economy's average invention density"),
    "industries": ("门槛为所列产业合计的平均发明专利密集度",
                   "threshold: the pooled average density of the listed industries"),
}


def industry_reference(economy: Mapping[str, float] | None, basis: str = "whole_economy"
                       ) -> dict[str, float] | None:
    """The ``reference`` argument of :func:`ip_intensive` for industries on ``basis``:
    the whole economy's totals (``whole_economy``) or None, i.e. the industries pooled
    (``industries``)."""
    if basis not in BASES:
        raise InputError(f"basis must be one of {sorted(BASES)}, got {basis!r}")
    if basis == "industries":
        return None
    if not economy or not {"patents", "employment"} <= set(economy):
        raise InputError("basis 'whole_economy' needs the economy's 'patents' and 'employment'")
    return {"patents": float(economy["patents"]), "employment": float(economy["employment"])}


def ip_intensive(
    patents: Any,
    employment: Any,
    scale: Any = None,
    density_threshold: float | None = None,
    scale_threshold: float | None = None,
    reference: Mapping[str, float] | None = None,
    per: float = 10_000.0,
) -> pd.DataFrame:
    """Classify units (industries or regions) as IP-intensive; one row per unit with evidence.

    ``patents``: invention patents per unit (e.g. grants summed over a multi-year window);
    ``employment``: average annual employees over the same window (persons, not summed over
    years); ``scale``: scale measure (default ``patents``).
    ``reference``: optional totals of a reference unit outside the table, keys ``patents``
    and ``employment`` (for the density) and ``scale`` (for the scale threshold), e.g. the
    national industrial economy. Explicit thresholds override the reference.

    Columns: ``patents``, ``employment``, ``density``, ``density_threshold``,
    ``density_pass``, ``scale``, ``scale_threshold``, ``scale_pass``, ``intensive``,
    ``density_ratio`` (density / threshold).
    """
    p = as_series(patents, "patents", nonnegative=True)
    e = as_series(employment, "employment", positive=True)
    p, e = align(p, e, "patents", "employment")
    s = p.copy() if scale is None else align(p, as_series(scale, "scale", nonnegative=True), "patents", "scale")[1]
    if per <= 0:
        raise InputError(f"per must be > 0, got {per!r}")
    ref = dict(reference or {})
    unknown = set(ref) - {"patents", "employment", "scale"}
    if unknown:
        raise InputError(f"reference has unknown keys {sorted(unknown)}; use patents, employment, scale")
    density = p / (e / per)
    if density_threshold is None:
        if ("patents" in ref) != ("employment" in ref):
            raise InputError("reference needs both 'patents' and 'employment' for the density")
        rp, re_ = (ref["patents"], ref["employment"]) if "patents" in ref else (p.sum(), e.sum())
        if re_ <= 0:
            raise InputError(f"reference employment must be > 0, got {re_!r}")
        density_threshold = float(rp) / (float(re_) / per)
    if scale_threshold is None:
        scale_threshold = float(ref["scale"]) if "scale" in ref else float(s.mean())
    out = pd.DataFrame(
        {
            "patents": p,
            "employment": e,
            "density": density,
            "density_threshold": float(density_threshold),
            "density_pass": density > density_threshold,
            "scale": s,
            "scale_threshold": float(scale_threshold),
            "scale_pass": s > scale_threshold,
        }
    )
    out["intensive"] = out["density_pass"] & out["scale_pass"]
    out["density_ratio"] = out["density"] / out["density_threshold"] if density_threshold > 0 else float("nan")
    return out


def intensive_share(value_added: Any, intensive: Any, total: float | None = None) -> float:
    """Share of value added (or GDP) produced by IP-intensive units:
    Σ_{i intensive} VA_i / total (default total = Σ_i VA_i). E.g. the Nantong 2026 target of
    patent-intensive industries at 17 % of GDP, with ``total`` = GDP."""
    va = as_series(value_added, "value_added", nonnegative=True)
    flag = intensive["intensive"] if isinstance(intensive, pd.DataFrame) else intensive
    if not isinstance(flag, pd.Series) or not pd.api.types.is_bool_dtype(flag):
        raise InputError("intensive must be a boolean Series or the frame from ip_intensive()")
    va, flag = align(va, flag, "value_added", "intensive")
    tot = float(va.sum()) if total is None else float(total)
    if tot <= 0:
        raise InputError(f"total value added must be > 0, got {tot!r}")
    if total is not None and va[flag].sum() > tot * (1 + 1e-12):
        raise InputError(f"value added of intensive units ({va[flag].sum()!r}) exceeds the total {tot!r}")
    return float(va[flag.to_numpy()].sum() / tot)


#: what the units of a table are, for its sentence: (中文 noun, English plural)
UNIT_NOUNS = {"units": ("单元", "units"), "regions": ("区域", "regions"),
              "industries": ("产业", "industries"),
              "regions_in_industry": ("本产业内的区域", "regions within the industry")}


def describe_intensive(table: pd.DataFrame, names: Mapping[Any, Any] | None = None, max_listed: int = 5,
                       basis: str | None = None, units: str = "units") -> Sentence:
    """Sentence listing the IP-intensive units (up to ``max_listed``, densest first); with
    ``basis`` (a key of :data:`BASES`) it says what the threshold is; ``units`` (a key of
    :data:`UNIT_NOUNS`) names what the table's rows are."""
    for col in ("intensive", "density", "density_threshold", "scale_threshold"):
        if col not in table.columns:
            raise InputError(f"describe_intensive needs the frame from ip_intensive(); {col!r} missing")
    hits = table[table["intensive"].astype(bool)].sort_values("density", ascending=False)
    b_zh, b_en = (f"；{BASES[basis][0]}", f"; {BASES[basis][1]}") if basis in BASES else ("", "")
    thr = float(table["density_threshold"].iloc[0])
    n, k = len(table), len(hits)
    noun_zh, noun_en = UNIT_NOUNS[units]
    inside = noun_zh.startswith("本产业内")
    head_zh = f"本产业内{n}个区域" if inside else f"{n}个{noun_zh}"
    if k == 0:
        return Sentence(
            zh=f"{head_zh}中没有一个同时达到发明专利密集度（>{num(thr)}件/万人）和规模门槛{b_zh}。",
            en=f"None of the {n} {noun_en} passes both the invention-patent density (> {num(thr)}"
            f" per 10,000 employees) and the scale threshold{b_en}.",
        )
    shown = hits.index[:max_listed]
    more_zh = "等" if k > max_listed else ""
    more_en = ", …" if k > max_listed else ""
    return Sentence(
        zh=f"{head_zh}中{k}个（{pct(k / n, 0)}）为知识产权密集型：{'、'.join(label(u, names, 'zh') for u in shown)}{more_zh}"
        f"（发明专利密集度门槛{num(thr)}件/万名从业人员{b_zh}）。",
        en=f"{k} of {n} {noun_en} ({pct(k / n, 0)}) are IP-intensive: {', '.join(label(u, names, 'en') for u in shown)}{more_en}"
        f" (density threshold {num(thr)} invention patents per 10,000 employees{b_en}).",
    )
