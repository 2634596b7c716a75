"""Steps ``impute``, ``treat`` and ``normalize``: complete, treated and normalised panels."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ipbench.errors import DataError
from ipbench.steps.registry import StepContext, step

IMPUTATION_LOG = ["region_code", "year", "indicator", "value", "method"]


def _require_complete(X: pd.DataFrame, why: str) -> None:
    bad = X.isna().to_numpy()
    if bad.any():
        r, c = np.argwhere(bad)[0]
        raise DataError(
            f"{why}: indicator {X.columns[c]!r} is missing for {X.index[r]}"
            f" ({int(bad.sum())} missing cell(s)); choose an imputation method"
        )


@step("impute", reads=("imputation",), needs=("indicators",), makes=("imputed", "imputation_log"))
def impute(ctx: StepContext) -> dict[str, Any]:
    """Missing indicator values filled by ``imputation.method`` then ``imputation.then``."""
    from ipbench import impute as imp

    spec = ctx.params.imputation
    X = ctx.panel("indicators")
    log = pd.DataFrame(columns=IMPUTATION_LOG)
    if spec.method == "none":
        _require_complete(X, "imputation.method is 'none'")
        return {"imputed": X.reset_index(), "imputation_log": log}
    if spec.method == "interpolate":
        first = imp.interpolate(X, time="year", extrapolate=spec.extrapolate)
    elif spec.method in ("group_mean", "group_median"):
        first = getattr(imp, spec.method)(X, by=spec.by)
    else:
        first = getattr(imp, spec.method)(X)
    data, logs = first.data, [first.imputed]
    if spec.then != "none" and data.isna().to_numpy().any():
        second = getattr(imp, spec.then)(data, by=spec.by)
        data = second.data
        logs.append(second.imputed)
    _require_complete(data, f"imputation ({spec.method}, then {spec.then}) left gaps")
    filled = [lg for lg in logs if len(lg)]
    if filled:
        log = pd.concat(filled, ignore_index=True)
    return {"imputed": data.reset_index(), "imputation_log": log}


def treat_panel(X: pd.DataFrame, spec: Any) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(treated panel, per-indicator treatment details) by :func:`ipbench.treat.treat`."""
    if not spec.enabled:
        return X, pd.DataFrame(columns=["indicator", "action"])
    from ipbench.treat import treat as treat_fn

    res = treat_fn(X, **spec.model_dump(exclude={"enabled"}))
    return res.data, res.details.rename_axis("indicator").reset_index()


@step("treat", reads=("treatment",), needs=("imputed",), makes=("treated", "treatment"))
def treat(ctx: StepContext) -> dict[str, Any]:
    """Outlier treatment (skew/kurtosis → winsorising → log), or none."""
    data, details = treat_panel(ctx.panel("imputed"), ctx.params.treatment)
    return {"treated": data.reset_index(), "treatment": details}


def normalize_panel(X: pd.DataFrame, directions: pd.Series, method: str, scale: float,
                    across: str) -> pd.DataFrame:
    """Normalise ``X`` by ``ipbench.normalize.<method>`` over the pooled panel or per year."""
    from ipbench import normalize as norm

    fn = getattr(norm, method)
    kwargs: dict[str, Any] = {"directions": directions.reindex(X.columns)}
    if method == "minmax":
        kwargs["scale"] = scale
    if across == "panel":
        return fn(X, **kwargs)
    return pd.concat([fn(g, **kwargs) for _, g in X.groupby(level="year")]).loc[X.index]


@step("normalize", reads=("normalization",), needs=("treated", "catalogue"), makes=("normalized",))
def normalize(ctx: StepContext) -> dict[str, Any]:
    """Normalised indicators (cost indicators reversed)."""
    spec = ctx.params.normalization
    out = normalize_panel(ctx.panel("treated"), ctx.directions(), spec.method, spec.scale,
                          spec.across)
    return {"normalized": out.reset_index()}
