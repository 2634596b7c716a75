"""Step ``lagging``: how firm the lagging-side call of each matching pair is in the base year.

The skew rule of outlier treatment may log-transform one side of a pair only, and the
normalisation changes the scale of the sub-indices; both can flip which side "lags". Each pair
is recomputed with treatment on and off × every normalisation of
``robustness.normalisations`` (the weights and aggregation as evaluated); the call is *firm*
when at least ``lagging.firm_share`` of the variants agree with the evaluation's own call.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from ipbench.steps.aggregate import aggregate_panel, indicator_tree
from ipbench.steps.match import unit_scores
from ipbench.steps.prepare import normalize_panel, treat_panel
from ipbench.steps.registry import Skip, StepContext, step

COLUMNS = ["pair", "region_code", "year", "type", "agreement", "n_variants", "firm", "variants"]


@step("lagging", reads=("lagging", "robustness", "treatment", "normalization", "matching"),
      needs=("imputed", "weights", "catalogue", "coupling"),
      makes=("lagging_stability",), switch="lagging")
def lagging(ctx: StepContext) -> dict[str, Any]:
    """Share of method variants that agree with each base-year lagging-side call."""
    from ipbench import matching

    coupling = ctx.stages["coupling"]
    base = ctx.params.scope.base_year
    nominal = coupling[coupling["year"] == base]
    if nominal.empty:
        raise Skip("no matching pair was evaluated", reason_zh="没有可评价的匹配对",
                   key="matching")
    X = ctx.panel("imputed")
    wt = ctx.stages["weights"].set_index("indicator")["weight"]
    tree = indicator_tree(ctx)
    d = ctx.directions()
    norm = ctx.params.normalization
    calls: dict[str, pd.DataFrame] = {}
    for treated in (True, False):
        spec = ctx.params.treatment.model_copy(update={"enabled": treated})
        Xt, _ = treat_panel(X, spec)
        for method in dict.fromkeys([norm.method, *ctx.params.robustness.normalisations]):
            Xn = normalize_panel(Xt, d, method, norm.scale if method == "minmax" else 1.0,
                                 norm.across)
            res = aggregate_panel(Xn, wt, tree, ctx.params.aggregation.method)
            sub = res.levels["subsystem"]
            U = unit_scores(sub, norm.model_copy(update={"method": method,
                                                         "scale": norm.scale if method == "minmax" else 1.0}))
            U = U.xs(base, level="year")
            label = f"{'treated' if treated else 'untreated'}/{method}"
            rows = []
            for pair in ctx.params.matching:
                if not set(pair.subsystems) <= set(U.columns):
                    continue
                pu = U[list(pair.subsystems)].clip(0, 1)
                rd = matching.relative_development(pu)
                rows.append(pd.DataFrame({"pair": pair.name, "region_code": pu.index,
                                          "type": rd["type"].to_numpy()}))
            if rows:
                calls[label] = pd.concat(rows, ignore_index=True).set_index(["pair", "region_code"])
    if not calls:
        raise Skip("no pair could be recomputed", reason_zh="没有可重新计算的匹配对", key="matching")
    votes = pd.concat({k: v["type"] for k, v in calls.items()}, axis=1)
    nom = nominal.set_index(["pair", "region_code"])["type"]
    votes = votes.reindex(nom.index)
    agree = votes.eq(nom, axis=0)
    out = nom.rename("type").reset_index()
    out["year"] = base
    out["agreement"] = agree.mean(axis=1).to_numpy()
    out["n_variants"] = votes.shape[1]
    out["firm"] = out["agreement"] >= ctx.params.lagging.firm_share
    out["variants"] = [", ".join(f"{k}: {v}" for k, v in row.items()) for _, row in votes.iterrows()]
    return {"lagging_stability": out[COLUMNS]}
