"""Step ``load``: the facts of the scope (regions, reference, industries, years)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from ipbench.params import params_error
from ipbench.steps.registry import StepContext, step

#: the whole country as a region (GB/T 2260 uses 100000 for 中华人民共和国)
COUNTRY = "100000"


def _units(ctx: StepContext) -> list[str]:
    scope = ctx.params.scope
    return [*scope.regions, *([scope.reference] if scope.reference else [])]


def check_scope(facts: pd.DataFrame, params: Any) -> None:
    """Every region, the reference and every industry of the scope have facts, and the scope's
    years hold data; errors name the key path (``scope.regions[3]``, ``scope.years``)."""
    scope = params.scope
    known_r = set(facts["region_code"].astype(str).unique())
    for i, code in enumerate(scope.regions):
        if code not in known_r:
            raise params_error(f"scope.regions[{i}]", code, "no data for this region", known_r)
    if scope.reference and scope.reference not in known_r:
        hint = " (the whole country is 100000)" if scope.reference.endswith("0000") else ""
        raise params_error("scope.reference", scope.reference, f"no data for this unit{hint}",
                           known_r)
    known_i = set(facts["industry_code"].astype(str).unique())
    for i, code in enumerate(scope.industries):
        if code not in known_i:
            raise params_error(f"scope.industries[{i}]", code, "no data for this industry", known_i)
    mine = facts[facts["region_code"].isin(scope.regions)]
    years = sorted(int(y) for y in mine["year"].unique())
    inside = [y for y in years if scope.years.first <= y <= scope.years.last]
    if not inside:
        span = f"{years[0]}-{years[-1]}" if years else "none"
        raise params_error("scope.years", f"{scope.years.first}-{scope.years.last}",
                           f"the data hold no year in this range for the scope's regions"
                           f" (years with data: {span})")
    if scope.base_year not in inside:
        raise params_error("scope.base_year", scope.base_year,
                           f"the data hold no fact for the scope's regions in this year"
                           f" (years with data in scope: {inside[0]}-{inside[-1]})")


@step("load", reads=("scope", "data"), makes=("facts", "regions", "industries"))
def load(ctx: StepContext) -> dict[str, Any]:
    """The facts of the scope's regions (and reference), industries and years."""
    scope = ctx.params.scope
    facts = ctx.data.facts()
    check_scope(facts, ctx.params)
    units = _units(ctx)
    inds = sorted({"ALL", *scope.industries})
    keep = (
        facts["region_code"].isin(units)
        & facts["industry_code"].isin(inds)
        & facts["year"].between(scope.years.first, scope.years.last)
    )
    regions = ctx.data.regions()
    industries = ctx.data.industries()
    return {
        "facts": facts.loc[keep].reset_index(drop=True),
        "regions": regions[regions["region_code"].isin(units)].reset_index(drop=True),
        "industries": industries[industries["industry_code"].isin(inds)].reset_index(drop=True),
    }
