"""Step ``weight``: indicator weights (objective method, AHP judgments, or both combined)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ipbench.params import Combination, Params, params_error
from ipbench.steps.registry import StepContext, step


@step("weight", reads=("weighting",), needs=("treated", "catalogue"), makes=("weights", "ahp"))
def weight(ctx: StepContext) -> dict[str, Any]:
    """Final indicator weights with their objective and subjective parts."""
    from ipbench import weights as W

    spec = ctx.params.weighting
    X = ctx.panel("treated")
    meta = ctx.stages["catalogue"].set_index("code").reindex(X.columns)
    d = meta["direction"]
    objective = None
    if spec.method != "ahp":
        fn = getattr(W, spec.method)
        res = fn(X, directions=d)
        objective = getattr(res, "weights", res).reindex(X.columns)
    out: dict[str, Any] = {}
    subjective = None
    if spec.ahp is not None:
        subjective, out["ahp"] = _ahp_weights(spec.ahp, meta)
    if spec.method == "ahp":
        final = subjective
    elif subjective is not None:
        how = spec.combine or Combination()
        final = W.combine(subjective, objective, method=how.method, alpha=how.alpha)
    else:
        final = objective
    table = pd.DataFrame(
        {
            "indicator": X.columns,
            "subsystem": meta["subsystem"].to_numpy(),
            "objective": objective.to_numpy() if objective is not None else np.nan,
            "subjective": subjective.reindex(X.columns).to_numpy() if subjective is not None else np.nan,
            "weight": final.reindex(X.columns).to_numpy(),
        }
    )
    table["method"] = _method_label(ctx.params)
    out["weights"] = table
    return out


def _method_label(params: Params) -> str:
    w = params.weighting
    if w.ahp is None:
        return w.method
    if w.method == "ahp":
        return f"ahp ({w.ahp.method})"
    c = w.combine
    how = f"{c.method}, alpha={c.alpha:g}" if c and c.method == "linear" else "multiplicative"
    return f"ahp ({w.ahp.method}) x {w.method} ({how})"


def _ahp_weights(spec: Any, meta: pd.DataFrame) -> tuple[pd.Series, pd.DataFrame]:
    """Indicator-level AHP weights a_j = W(element of j) / n(element) when the elements are
    subsystems (product of layer weights, equal within a subsystem; DOMAIN.md sec. 1), or the
    AHP weights themselves when the elements are indicator codes."""
    from ipbench import weights as W

    subsystems = list(dict.fromkeys(meta["subsystem"]))
    codes = list(meta.index)
    by_sub = all(e in subsystems for e in spec.elements)
    by_code = all(e in codes for e in spec.elements)
    if not (by_sub or by_code):
        bad = next(e for e in spec.elements if e not in subsystems and e not in codes)
        i = spec.elements.index(bad)
        raise params_error(
            f"weighting.ahp.elements[{i}]", bad, "neither a subsystem nor an indicator",
            subsystems + codes,
        )
    expected = set(subsystems if by_sub else codes)
    if set(spec.elements) != expected:
        raise params_error(
            "weighting.ahp.elements", spec.elements,
            f"must list every {'subsystem' if by_sub else 'indicator'} once: {sorted(expected)}",
        )
    mats = {e.name: np.array(e.matrix, dtype=float) for e in spec.experts}
    singles = {e.name: W.ahp(e.matrix, ri=spec.ri, labels=spec.elements, cr_threshold=np.inf)
               for e in spec.experts}
    for i, e in enumerate(spec.experts):
        if spec.strict and singles[e.name].cr > spec.cr_threshold:
            raise params_error(
                f"weighting.ahp.experts[{i}].matrix", e.name,
                f"judgments are inconsistent (CR = {singles[e.name].cr:.4f} >"
                f" {spec.cr_threshold}); revise them, or set weighting.ahp.strict: false to"
                " continue with a warning",
            )
    ew = np.array([e.weight for e in spec.experts], dtype=float)
    group = W.ahp_group(
        mats, method=spec.method, expert_weights=ew / ew.sum(), ri=spec.ri,
        cr_threshold=spec.cr_threshold, strict=spec.strict, labels=spec.elements,
    )
    gw = group.weights.reindex(spec.elements)
    table = pd.DataFrame({"element": [*spec.elements, "CR"]})
    # AIJ aggregates the judgments into one matrix with its own CR; AIP has no group matrix.
    group_cr = group.aggregate.cr if group.aggregate is not None else np.nan
    table["group"] = [*gw.to_numpy(), group_cr]
    for e in spec.experts:
        single = singles[e.name]
        table[e.name] = [*single.weights.reindex(spec.elements).to_numpy(), single.cr]
    if by_code:
        return gw.reindex(codes).rename("subjective"), table
    n = meta["subsystem"].value_counts()
    a = meta["subsystem"].map(lambda s: gw[s] / n[s]).astype(float)
    return (a / a.sum()).rename("subjective"), table
