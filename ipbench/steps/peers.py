"""Step ``peers``: each region against its own peer group and the reference unit on every
indicator in the base year (:func:`ipbench.analysis.peers.peer_comparison`).

Peer groups (``peers.rule``): an explicit mapping, the regions with the same parent, or the
``k`` nearest by a named variable. The reference is compared like with like: intensities and
ratios as they are; counts and amounts (units without "/" and not "%") against the
reference's **average per sub-unit** (its total ÷ its number of sub-units, e.g. the national
total ÷ 31 provinces), never against its total.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ipbench.params import params_error
from ipbench.steps._common import sentences
from ipbench.steps.registry import Skip, StepContext, step

BASIS_COLUMNS = ["indicator", "basis", "basis_zh", "basis_en", "divisor"]


def is_extensive(unit: str) -> bool:
    """A count or an amount (件, 亿元, 万人, 家 …), as opposed to an intensity or a share."""
    u = str(unit).strip()
    return u != "" and "/" not in u and "%" not in u and "‰" not in u


def parent_of(ctx: StepContext, code: str) -> str | None:
    r = ctx.data.regions()
    row = r.loc[r["region_code"] == code, "parent_code"]
    return None if row.empty or pd.isna(row.iloc[0]) else str(row.iloc[0])


def peer_groups(ctx: StepContext) -> dict[str, list[str]]:
    """region → its peers (itself included) by ``peers.rule``."""
    spec, scope = ctx.params.peers, ctx.params.scope
    regions = list(scope.regions)
    rule = spec.rule or ("explicit" if spec.groups or scope.peer_group else "same_parent")
    if rule == "explicit":
        for code, group in spec.groups.items():
            if code not in regions:
                raise params_error(f"peers.groups.{code}", code, "not one of scope.regions", regions)
            for j, p in enumerate(group):
                if p not in regions:
                    raise params_error(f"peers.groups.{code}[{j}]", p, "not one of scope.regions",
                                       regions)
        default = list(scope.peer_group or regions)
        return {c: list(dict.fromkeys([c, *spec.groups.get(c, default)])) for c in regions}
    if rule == "same_parent":
        parents = {c: parent_of(ctx, c) for c in regions}
        return {c: [p for p in regions if parents[p] == parents[c]] for c in regions}
    var = ctx.variables({"peers.by": (spec.by, spec.by or "")})["peers.by"]
    v = ctx.facts_wide([var]).xs(scope.base_year, level="year")[var].reindex(regions)
    if v.isna().any():
        raise params_error("peers.by", var, f"no value in {scope.base_year} for"
                           f" {list(v.index[v.isna()])}")
    k = min(spec.k, len(regions) - 1)
    out = {}
    for c in regions:
        dist = (np.log1p(v.clip(lower=0)) - np.log1p(max(v[c], 0))).abs().drop(c)
        out[c] = [c, *dist.sort_values(kind="stable").index[:k]]
    return out


def reference_values(ctx: StepContext, columns: list[str], cat: pd.DataFrame
                     ) -> tuple[pd.Series | None, pd.DataFrame]:
    """Reference values comparable with one region, and how each was obtained."""
    scope = ctx.params.scope
    refs = ctx.stages.get("reference_indicators")
    if not scope.reference or refs is None or not len(refs):
        return None, pd.DataFrame(columns=BASIS_COLUMNS)
    r = refs[refs["year"] == scope.base_year]
    if not len(r):
        return None, pd.DataFrame(columns=BASIS_COLUMNS)
    raw = r.iloc[0].reindex(columns).astype(float)
    regions = ctx.data.regions()
    children = set(regions.loc[regions["parent_code"].astype("string") == scope.reference,
                               "region_code"].astype(str))
    # only the sub-units the data hold add up to the reference's total (the yearbook's 全国
    # is the sum of 31 provinces; Hong Kong, Macao and Taiwan are in the region table only)
    held = set(ctx.data.facts(years=[scope.base_year])["region_code"].astype(str))
    n_sub = len(children & held)
    if n_sub == 0:
        n_sub = len(scope.regions)
    zh, en = ctx.region_names().get(scope.reference, ("参照单位", "the reference unit"))
    rows, values = [], {}
    for c in columns:
        if is_extensive(cat.at[c, "unit"]):
            values[c] = raw[c] / n_sub
            rows.append((c, "per_unit_average", f"{zh}÷{n_sub}（平均每单元）",
                         f"{en} ÷ {n_sub} (average per unit)", n_sub))
        else:
            values[c] = raw[c]
            rows.append((c, "value", f"{zh}本身", f"{en}'s own value", 1))
    return pd.Series(values, dtype=float), pd.DataFrame(rows, columns=BASIS_COLUMNS)


@step("peers", reads=("peers", "scope"), needs=("imputed", "catalogue", "regions"),
      makes=("peers", "peer_groups", "peers_reference_basis", "peers_sentences"), switch="peers")
def peers(ctx: StepContext) -> dict[str, Any]:
    """Best, gap to best and rank within each region's peers; gap and ratio to the reference."""
    from ipbench.analysis.peers import describe_peers, peer_comparison

    scope = ctx.params.scope
    X = ctx.panel("imputed").xs(scope.base_year, level="year")
    cat = ctx.stages["catalogue"].set_index("code")
    d = cat["direction"].reindex(X.columns).astype(int)
    ref, basis = reference_values(ctx, list(X.columns), cat)
    groups = peer_groups(ctx)
    if all(len(g) < 2 for g in groups.values()):
        raise Skip("every peer group has one region only", reason_zh="各地区的对标组均只有自身",
                   key="peers.rule", how="choose peers.rule: explicit with groups, or nearest")
    labels = {c: (cat.at[c, "name_zh"], cat.at[c, "name_en"]) for c in X.columns}
    names = ctx.region_names()
    ref_name = names.get(scope.reference or "", ("参照单位", "the reference unit"))
    per_unit = basis[basis["basis"] == "per_unit_average"]
    if len(per_unit):  # totals are compared with the reference's average per sub-unit: say so
        k = int(per_unit["divisor"].iloc[0])
        ref_name = (f"{ref_name[0]}（总量指标与{ref_name[0]}÷{k}的平均值比较）",
                    f"{ref_name[1]} (totals against its average per sub-unit, ÷ {k})")
    frames, rows = [], []
    for code in scope.regions:
        t = peer_comparison(X, code, peers=groups[code], reference=ref, directions=d)
        frames.append(t.reset_index().assign(region_code=code))
        rows.append((code, "peers", describe_peers(t, names.get(code, code), ref_name, labels)))
    out = pd.concat(frames, ignore_index=True)
    out["best_unit"] = out["best_unit"].astype("string")
    out["unit"] = out["indicator"].map(cat["unit"])
    g = pd.DataFrame([(c, p) for c, ps in groups.items() for p in ps], columns=["region_code", "peer"])
    return {"peers": out, "peer_groups": g, "peers_reference_basis": basis,
            "peers_sentences": sentences(rows)}
