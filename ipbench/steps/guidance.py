"""Step ``guidance``: guidance catalogues (导向目录) of industries within regions and of
regions (:func:`ipbench.analysis.guidance.guidance_catalogue`)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ipbench.steps._common import sentences, window
from ipbench.steps.registry import Skip, StepContext, step


def _growth(wide: pd.DataFrame, var: str, years: list[int]) -> pd.Series:
    """CAGR of ``var`` per row-unit between the first and last of ``years`` (NaN if undefined)."""
    a, b = wide.get((var, years[0])), wide.get((var, years[-1]))
    if a is None or b is None or len(years) < 2:
        return pd.Series(np.nan, index=wide.index)
    n = years[-1] - years[0]
    return ((b / a.where(a > 0)) ** (1.0 / n) - 1.0).astype(float)


@step("guidance", reads=("guidance", "scope"), needs=("regions", "industries"),
      makes=("guidance_industries", "guidance_regions", "guidance_sentences"), switch="guidance")
def guidance(ctx: StepContext) -> dict[str, Any]:
    """Guidance catalogues (导向目录) in the base year: every region's industries (IP advantage
    = patent location quotient, industry advantage = value-added location quotient, from the
    ``industry`` step; growth = CAGR over the window) and the regions (IP advantage = location
    quotient of invention grants against population, industry advantage = that of value added
    against population; growth = CAGR of both)."""
    from ipbench.analysis.guidance import describe_guidance, guidance_catalogue

    spec = ctx.params.guidance
    scope = ctx.params.scope
    years = window(ctx.params, spec.window + 1)
    args = {"ip_cut": spec.ip_cut, "industry_cut": spec.industry_cut,
            "tolerance": spec.tolerance, "growth_cut": spec.growth_cut}
    names, ind_names = ctx.region_names(), ctx.industry_names()
    out: dict[str, Any] = {}
    rows = []
    prof = ctx.stages.get("industry_profile")
    if prof is not None and len(prof):
        w = prof[prof["year"].isin([years[0], years[-1]])].pivot_table(
            index=["region_code", "industry_code"], columns="year",
            values=["patents", "value_added"])
        cur = prof[prof["year"] == scope.base_year].set_index(["region_code", "industry_code"])
        unit = [f"{r}/{i}" for r, i in cur.index]
        label = {f"{r}/{i}": (f"{names.get(r, (r, r))[0]} · {ind_names.get(i, (i, i))[0]}",
                              f"{names.get(r, (r, r))[1]} · {ind_names.get(i, (i, i))[1]}")
                 for r, i in cur.index}
        gi = _growth(w, "patents", years).reindex(cur.index)
        gv = _growth(w, "value_added", years).reindex(cur.index)
        cat = guidance_catalogue(
            pd.Series(cur["lq_ip"].to_numpy(), index=unit),
            pd.Series(cur["lq_va"].to_numpy(), index=unit),
            ip_growth=pd.Series(gi.fillna(0.0).to_numpy(), index=unit),
            industry_growth=pd.Series(gv.fillna(0.0).to_numpy(), index=unit),
            names=label, **args)
        cat = cat.rename_axis("unit").reset_index()
        cat.insert(1, "region_code", cat["unit"].str.split("/").str[0])
        cat.insert(2, "industry_code", cat["unit"].str.split("/").str[1])
        cat["name_en"] = cat["unit"].map(lambda u: label[u][1])
        out["guidance_industries"] = cat
        for code, g in cat.groupby("region_code"):
            sub = g.set_index("industry_code")
            rows.append((code, "industries", describe_guidance(sub, ind_names)))
        for code, g in cat.groupby("industry_code"):
            rows.append((code, "regions_in_industry", describe_guidance(g.set_index("region_code"), names)))
    sit = ctx.stages.get("situation_shares")
    need = {"lq_ip_population", "share_industry", "share_population"}
    if sit is None or not need <= set(sit.columns):
        note = Skip("regional guidance needs IP, industry and population shares from situation",
                    reason_zh="地区导向目录需要知识产权、产业和人口份额（现状分析）",
                    part="regions", missing=["value_added", "population"], key="situation",
                    how="load value added and population, or see the situation notes")
        if "guidance_industries" not in out:
            raise note
        ctx.skip_part(note)
        out["guidance_sentences"] = sentences(rows)
        return out
    cur_r = sit[sit["year"] == scope.base_year].set_index("region_code")
    w = sit[sit["year"].isin([years[0], years[-1]])].pivot_table(
        index="region_code", columns="year", values=["ip", "industry"])
    lq_va = cur_r["share_industry"] / cur_r["share_population"]
    reg = guidance_catalogue(
        cur_r["lq_ip_population"], lq_va,
        ip_growth=_growth(w, "ip", years).reindex(cur_r.index).fillna(0.0),
        industry_growth=_growth(w, "industry", years).reindex(cur_r.index).fillna(0.0),
        names=names, **args)
    reg = reg.rename_axis("unit").reset_index()
    reg["name_en"] = reg["unit"].map(lambda u: names.get(u, (u, u))[1])
    out["guidance_regions"] = reg
    rows.append(("", "regions", describe_guidance(reg.set_index("unit"), names)))
    out["guidance_sentences"] = sentences(rows)
    return out
