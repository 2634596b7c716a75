"""Step ``industry``: per industry × region × year, IP quantity, value added, employment,
intensity, location quotients and share matching (``ipbench.matching``)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from ipbench.steps.registry import Skip, StepContext, step

COLUMNS = ["region_code", "industry_code", "year", "patents", "value_added", "employment",
           "ip_intensity", "lq_ip", "lq_va", "share_ip", "share_va", "share_matching"]
DEFAULTS = {"patents": "patent_grant_invention", "value_added": "value_added",
            "employment": "employment"}


def industry_variables(ctx: StepContext) -> dict[str, str]:
    """role → facts variable (per-industry facts must exist for at least one key industry)."""
    spec = ctx.params.industry
    inds = [i for i in ctx.params.scope.industries if i != "ALL"]
    facts = ctx.stages["facts"]
    per = facts[facts["industry_code"].isin(inds) & facts["region_code"].isin(ctx.params.scope.regions)]
    have = set(per["variable"].astype(str))
    out, missing = {}, []
    for role, default in DEFAULTS.items():
        explicit = getattr(spec, role)
        var = explicit or default
        if var in have:
            out[role] = var
        elif explicit:
            from ipbench.params import params_error

            raise params_error(f"industry.{role}", explicit,
                               "no per-industry facts of this variable for the scope", sorted(have))
        elif role != "employment":
            missing.append(var)
    if missing:
        raise Skip(f"needs per-industry facts {', '.join(missing)}",
                   reason_zh=f"缺少分行业数据 {'、'.join(missing)}", missing=missing,
                   key="industry", how="load per-industry facts (e.g. a patent_records source"
                   " for patents, a yearbook table by industry for value added)")
    return out


@step("industry", reads=("industry", "scope"), needs=("facts",),
      makes=("industry_profile", "industry_concentration", "industry_sentences"), switch="industry")
def industry(ctx: StepContext) -> dict[str, Any]:
    """Invention grants, value added (亿元), employment (万人), grants per 10k employed,
    location quotients of patents and value added (reference = scope.reference when it has
    data, else the scope's regions together) and share matching, per industry."""
    from ipbench import matching

    scope = ctx.params.scope
    inds = [i for i in scope.industries if i != "ALL"]
    if not inds:
        raise Skip("no key industry in scope.industries", reason_zh="范围内未设重点产业",
                   key="scope.industries", how="list key industries in scope.industries")
    roles = industry_variables(ctx)
    facts = ctx.stages["facts"]
    f = facts[facts["variable"].isin(roles.values())]
    wide = f.pivot_table(index=["region_code", "industry_code", "year"], columns="variable",
                         values="value", aggfunc="sum")
    wide = wide.rename(columns={v: k for k, v in roles.items()})
    if "employment" not in wide:
        wide["employment"] = float("nan")
        ctx.skip_part(Skip("employment by industry is absent: no IP intensity per employee",
                           reason_zh="缺少分行业从业人员：不计算每万从业人员专利", part="intensity",
                           missing=[DEFAULTS["employment"]], key="industry.employment"))
    wide["value_added"] = wide["value_added"] / 1e8
    wide["employment"] = wide["employment"] / 1e4
    ref = scope.reference
    frames = []
    for year in scope.years.span:
        try:
            yr = wide.xs(year, level="year")
        except KeyError:
            continue
        lq = {}
        for q in ("patents", "value_added"):
            table = yr[q].unstack("industry_code")
            if "ALL" not in table.columns:
                raise Skip(f"no whole-economy (ALL) total of {roles[q]} in {year}",
                           reason_zh=f"{year}年缺少{roles[q]}的全行业合计", missing=[roles[q]],
                           key=f"industry.{q}", how="load the whole-economy total (industry ALL)")
            values = table[[i for i in inds if i in table.columns]].fillna(0.0)
            totals = table["ALL"]
            use_ref = ref if ref in values.index else None
            keep = values.index.isin([*scope.regions, *([use_ref] if use_ref else [])])
            lq[q] = matching.location_quotient(values[keep], totals=totals[keep],
                                               reference=use_ref).stack().rename(q)
        sub = yr[yr.index.get_level_values("region_code").isin(scope.regions)]
        sub = sub[sub.index.get_level_values("industry_code").isin(inds)].copy()
        sub["lq_ip"] = lq["patents"].reindex(sub.index).to_numpy()
        sub["lq_va"] = lq["value_added"].reindex(sub.index).to_numpy()
        for _, g in sub.groupby(level="industry_code"):
            sm = matching.share_matching(g["patents"].droplevel("industry_code"),
                                         g["value_added"].droplevel("industry_code"))
            sub.loc[g.index, "share_ip"] = sm["share_a"].to_numpy()
            sub.loc[g.index, "share_va"] = sm["share_b"].to_numpy()
            sub.loc[g.index, "share_matching"] = sm["matching"].to_numpy()
        sub["ip_intensity"] = sub["patents"] / sub["employment"]
        frames.append(sub.assign(year=year).reset_index())
    if not frames:
        raise Skip("no year with per-industry facts", reason_zh="没有分行业数据的年份",
                   key="scope.years", missing=list(roles.values()))
    profile = pd.concat(frames, ignore_index=True)[COLUMNS]
    conc_t, said = concentration(ctx, profile, roles)
    return {"industry_profile": profile, "industry_concentration": conc_t,
            "industry_sentences": said}


def concentration(ctx: StepContext, profile: pd.DataFrame,
                  roles: dict[str, str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per key industry in the base year: how concentrated its patents and value added are over
    the scope's regions (Gini, HHI, CR1, CR3, top region; :mod:`ipbench.analysis.concentration`)
    and one sentence on the patents (topic ``concentration``, unit = industry code)."""
    from ipbench.analysis import concentration as conc
    from ipbench.steps._common import sentences
    from ipbench.steps.situation import variable_names

    labels = variable_names(ctx, {"patents": roles["patents"]})
    names = ctx.region_names()
    base = profile[profile["year"] == ctx.params.scope.base_year]
    tables, rows = [], []
    for ind, g in base.groupby("industry_code", sort=False):
        t = g.set_index("region_code")
        if not (t["patents"].fillna(0.0) > 0).any() or t["value_added"].isna().any():
            continue
        rows.append((str(ind), "concentration", conc.describe_concentration(
            t["patents"].fillna(0.0), what=labels["patents"], k=min(3, len(t)), names=names)))
        ct = conc.concentration_table(t[["patents", "value_added"]].fillna({"patents": 0.0}),
                                      k=(1, 3)).reset_index()
        tables.append(ct.assign(industry_code=str(ind), year=int(ctx.params.scope.base_year)))
    cols = ["industry_code", "year", "indicator", "n_units", "gini", "hhi", "cr1", "cr3",
            "top_unit", "top_share"]
    table = (pd.concat(tables, ignore_index=True) if tables else pd.DataFrame(columns=cols))
    table = table[[c for c in cols if c in table.columns]]
    table["top_unit"] = table["top_unit"].astype("string")
    return table, sentences(rows)
