"""Step ``aggregate``: sub-indices (and dimensions) and the composite with its rank."""

from __future__ import annotations

from typing import Any

import pandas as pd

from ipbench.steps.registry import StepContext, step


@step("aggregate", reads=("aggregation", "indicators"), needs=("normalized", "weights", "catalogue"),
      makes=("subindices", "composite", "dimensions"))
def aggregate(ctx: StepContext) -> dict[str, Any]:
    """Sub-indices and composite by :func:`ipbench.aggregate.hierarchical`. The final
    indicator weights mu_j (summing to 1) are split into within-parent weights along the
    tree, so that for arithmetic aggregation the composite equals sum_j mu_j x'_j."""
    wt = ctx.stages["weights"].set_index("indicator")["weight"]
    res = aggregate_panel(ctx.panel("normalized"), wt, indicator_tree(ctx),
                          ctx.params.aggregation.method)
    levels = list(indicator_tree(ctx).columns)
    sub = res.levels["subsystem"] if "subsystem" in res.levels else res.levels[levels[1]]
    comp = res.index.rename("score").reset_index()
    comp["rank"] = comp.groupby("year")["score"].rank(ascending=False, method="min").astype(int)
    out = {"subindices": sub.reset_index(), "composite": comp}
    if "dimension" in res.levels:
        out["dimensions"] = res.levels["dimension"].reset_index()
    return out


def aggregate_panel(X: pd.DataFrame, wt: pd.Series, tree: pd.DataFrame, method: str) -> Any:
    """:func:`ipbench.aggregate.hierarchical` of ``X`` with final indicator weights ``wt``
    split into within-parent weights along ``tree``."""
    from ipbench import aggregate as agg

    levels = list(tree.columns)
    weights: dict[str, pd.Series] = {}
    by_ind = tree.set_index("indicator")
    for k, level in enumerate(levels):
        member = wt.index.to_series() if level == "indicator" else by_ind[level].reindex(wt.index)
        member_w = wt.groupby(member.to_numpy()).sum()
        if k + 1 < len(levels):
            parent = tree.drop_duplicates(level).set_index(level)[levels[k + 1]]
            parent_w = member_w.groupby(parent.reindex(member_w.index)).transform("sum")
        else:
            parent_w = pd.Series(member_w.sum(), index=member_w.index)
        weights[level] = member_w / parent_w
    return agg.hierarchical(X, tree, weights=weights, method=method)


def indicator_tree(ctx: StepContext) -> pd.DataFrame:
    """Tree table: indicator → subsystem (→ dimension when ``indicators.hierarchy`` is set;
    a subsystem not named in the hierarchy is its own dimension)."""
    meta = ctx.stages["catalogue"]
    tree = pd.DataFrame({"indicator": meta["code"], "subsystem": meta["subsystem"]})
    hier = ctx.params.indicators.hierarchy
    if hier:
        dim_of = {s: dim for dim, members in hier.items() for s in members}
        tree["dimension"] = tree["subsystem"].map(lambda s: dim_of.get(s, s))
    return tree
