"""Step ``intensive``: IP-intensive industries and regions (:mod:`ipbench.analysis.intensive`).

Density follows CNIPA's rule for patent-intensive industries (《知识产权（专利）密集型产业统计
分类（2019）》 and its 2016 catalogue): invention-patent grants summed over the window, per
10,000 persons of **average annual** employment over the same window (persons are not summed
over years). Industries are compared with the whole economy of the scope's regions; regions
with the scope's reference unit when it has data, else with the regions pooled.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from ipbench.steps._common import sentences, window
from ipbench.steps.registry import KEY, Skip, StepContext, step

DEFAULTS = {"patents": "patent_grant_invention", "employment": "employment",
            "value_added": "value_added", "gdp": "gdp"}
#: derived target indicator: value added of IP-intensive industries, % of GDP
INTENSIVE_SHARE = "intensive_va_share_gdp"
MAKES = ("intensive_regions", "intensive_industries", "intensive_region_industry",
         "intensive_share", "intensive_sentences")


def _var(ctx: StepContext, role: str) -> str:
    return getattr(ctx.params.intensive, role) or DEFAULTS[role]


def window_totals(ctx: StepContext, years: list[int], patents: str, employment: str) -> pd.DataFrame:
    """Per (region, industry): patents summed over ``years``, employment averaged over them."""
    facts = ctx.stages["facts"]
    f = facts[facts["year"].isin(years) & facts["variable"].isin([patents, employment])]
    per_year = f.pivot_table(index=["region_code", "industry_code", "year"], columns="variable",
                             values="value", aggfunc="sum")
    g = per_year.groupby(level=["region_code", "industry_code"])
    return pd.DataFrame({"patents": g[patents].sum(min_count=1),
                         "employment": g[employment].mean()})


@step("intensive", reads=("intensive", "scope"), needs=("facts", "regions", "industries"),
      makes=MAKES, switch="intensive")
def intensive(ctx: StepContext) -> dict[str, Any]:
    """IP-intensive regions, industries, regions within each industry, and the intensive
    industries' value added as a share of GDP."""
    from ipbench.analysis import intensive as ii

    spec, scope = ctx.params.intensive, ctx.params.scope
    got = ctx.variables({"intensive.patents": (spec.patents, DEFAULTS["patents"]),
                         "intensive.employment": (spec.employment, DEFAULTS["employment"])})
    patents, employment = got["intensive.patents"], got["intensive.employment"]
    years = window(ctx.params, spec.window)
    win = window_totals(ctx, years, patents, employment).dropna()
    args = {"density_threshold": spec.density_threshold, "scale_threshold": spec.scale_threshold,
            "per": spec.per}
    regs = win.loc[win.index.get_level_values("region_code").isin(scope.regions)]
    names, ind_names = ctx.region_names(), ctx.industry_names()
    allr = regs.xs("ALL", level="industry_code")
    ref = None
    if scope.reference and (scope.reference, "ALL") in win.index:
        r = win.loc[(scope.reference, "ALL")]
        ref = {"patents": float(r["patents"]), "employment": float(r["employment"])}
    reg_t = ii.ip_intensive(allr["patents"], allr["employment"], reference=ref, **args)
    reg_t["window"] = f"{years[0]}-{years[-1]}"
    out: dict[str, Any] = {"intensive_regions": reg_t.rename_axis("region_code").reset_index()}
    rows = [("", "regions", ii.describe_intensive(reg_t, names, units="regions"))]
    inds = [i for i in scope.industries if i != "ALL"]
    byind = regs[regs.index.get_level_values("industry_code").isin(inds)]
    if not inds or byind.empty:
        ctx.skip_part(Skip(f"no per-industry {patents} and {employment}: industries not classified",
                           reason_zh=f"缺少分行业的{patents}与{employment}：未识别专利密集型产业",
                           part="industries", missing=[patents, employment],
                           key="intensive", how="load per-industry patents and employment"))
    else:
        tot = byind.groupby(level="industry_code").agg({"patents": "sum", "employment": "sum"})
        econ = allr.sum()
        ref_i = ii.industry_reference({"patents": float(econ["patents"]),
                                       "employment": float(econ["employment"])}, spec.basis)
        ind_t = ii.ip_intensive(tot["patents"], tot["employment"], reference=ref_i, **args)
        ind_t["window"] = f"{years[0]}-{years[-1]}"
        ind_t["basis"] = spec.basis
        out["intensive_industries"] = ind_t.rename_axis("industry_code").reset_index()
        rows.append(("", "industries", ii.describe_intensive(ind_t, ind_names, basis=spec.basis,
                                                                units="industries")))
        within = []
        for code, g in byind.groupby(level="industry_code"):
            t = ii.ip_intensive(g.droplevel("industry_code")["patents"],
                                g.droplevel("industry_code")["employment"], **args)
            within.append(t.rename_axis("region_code").reset_index().assign(industry_code=code))
            rows.append((code, "regions_in_industry",
                         ii.describe_intensive(t, names, units="regions_in_industry")))
        out["intensive_region_industry"] = pd.concat(within, ignore_index=True)
        try:
            out["intensive_share"] = intensive_share(ctx, set(ind_t.index[ind_t["intensive"]]))
        except Skip as note:
            ctx.skip_part(note)
    out["intensive_sentences"] = sentences(rows)
    return out


def intensive_share(ctx: StepContext, intensive_set: set[str]) -> pd.DataFrame:
    """Per region × year: value added of the intensive industries / GDP × 100."""
    va_var, gdp_var = _var(ctx, "value_added"), _var(ctx, "gdp")
    facts = ctx.stages["facts"]
    f = facts[facts["region_code"].isin(ctx.params.scope.regions)]
    gdp = f[(f["variable"] == gdp_var) & (f["industry_code"] == "ALL")].set_index(KEY)["value"]
    if gdp.empty:
        raise Skip(f"no {gdp_var}: the intensive industries' share of GDP is not computed",
                   reason_zh=f"缺少{gdp_var}：不计算专利密集型产业增加值占GDP比重",
                   part="share", missing=[gdp_var], key="intensive.gdp")
    va = f[(f["variable"] == va_var) & f["industry_code"].isin(sorted(intensive_set))]
    va = va.groupby(KEY)["value"].sum()
    t = pd.DataFrame({"value_added_intensive": va.reindex(gdp.index).fillna(0.0), "gdp": gdp})
    t[INTENSIVE_SHARE] = t["value_added_intensive"] / t["gdp"] * 100
    return t.reset_index()
