"""Imputation of missing indicator values (缺失值插补).

Each function takes ``X`` (rows = units, columns = indicators; NaN = missing) and returns an
:class:`ImputeResult` with the completed data and a table of every imputed cell, so that a
report can show which numbers are estimates. Cells that a method cannot fill stay NaN and are
listed by :attr:`ImputeResult.unfilled`; downstream methods reject NaN with a clear message.

Methods: group mean/median (e.g. the province or year mean; COINr ``Impute`` with
``i_mean_grp``/``i_median_grp``), linear interpolation over years within each unit (COINr
``impute_panel``), and k-nearest neighbours / iterative (chained-equations) imputation via
scikit-learn (Troyanskaya et al. 2001; van Buuren & Groothuis-Oudshoorn 2011).
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ipbench._checks import as_frame, check_finite
from ipbench.errors import InputError

__all__ = [
    "ImputeResult",
    "group_mean",
    "group_median",
    "interpolate",
    "iterative",
    "knn",
]


def _unit_columns(index: pd.Index, rows: np.ndarray) -> dict[str, Any]:
    if isinstance(index, pd.MultiIndex):
        return {
            (name if name is not None else f"level_{k}"): index.get_level_values(k)[rows]
            for k, name in enumerate(index.names)
        }
    return {"unit": index[rows]}


def _cells(before: pd.DataFrame, after: np.ndarray, method: Any) -> pd.DataFrame:
    """Table of cells NaN in ``before`` and filled in ``after`` (one row per cell)."""
    filled = np.isnan(before.to_numpy(dtype=float)) & ~np.isnan(after)
    rows, cols = np.nonzero(filled)
    table = _unit_columns(before.index, rows)
    methods = method[rows, cols] if isinstance(method, np.ndarray) else method
    table |= {"indicator": before.columns[cols], "method": methods, "value": after[rows, cols]}
    return pd.DataFrame(table)


@dataclass(frozen=True)
class ImputeResult:
    """Completed ``data`` and ``imputed``: one row per filled cell with the unit (its index
    level(s)), ``indicator``, ``method`` and imputed ``value``."""

    data: pd.DataFrame
    imputed: pd.DataFrame
    method: str

    @property
    def unfilled(self) -> pd.DataFrame:
        """Cells still missing after imputation (unit level(s), ``indicator``)."""
        rows, cols = np.nonzero(np.isnan(self.data.to_numpy(dtype=float)))
        return pd.DataFrame(
            _unit_columns(self.data.index, rows) | {"indicator": self.data.columns[cols]}
        )

    def summary(self) -> str:
        counts = self.imputed.groupby("indicator", sort=False).size()
        lines = [
            f"缺失值插补 · Imputation ({self.method})",
            f"imputed cells 已插补: {len(self.imputed)};"
            f" still missing 仍缺失: {len(self.unfilled)}",
        ]
        if len(counts):
            per = ", ".join(f"{k}: {v}" for k, v in counts.items())
            lines.append(f"per indicator 各指标插补数: {per}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        return f"<pre>{html.escape(self.summary())}</pre>" + self.imputed.head(50).to_html()


def _validated(X: Any) -> pd.DataFrame:
    df = as_frame(X)
    check_finite(df, allow_nan=True)
    empty = df.isna().all().to_numpy()
    if empty.any():
        col = df.columns[int(np.flatnonzero(empty)[0])]
        raise InputError(
            f"indicator {col!r} has no observed value at all; nothing to impute from: drop it",
            indicator=col,
        )
    return df


def _group_keys(df: pd.DataFrame, by: Any) -> dict[str, Any]:
    """groupby keyword arguments for ``by`` = index level name(s) or row-aligned labels.

    A string is a level name; a list of strings is read as level names unless it has one
    entry per row (then it is labels)."""
    as_names = isinstance(by, str) or (
        isinstance(by, list | tuple)
        and len(by) != len(df)
        and all(isinstance(b, str) for b in by)
    )
    if as_names:
        names = [by] if isinstance(by, str) else list(by)
        unknown = [n for n in names if n not in df.index.names]
        if unknown:
            raise InputError(
                f"group(s) {unknown} are not index levels of X (levels: {list(df.index.names)});"
                " pass a level name or labels aligned with the rows"
            )
        return {"level": names}
    if isinstance(by, pd.Series) and by.index.equals(df.index):
        return {"by": by.to_numpy()}
    labels = np.asarray(by)
    if labels.ndim != 1 or len(labels) != len(df):
        raise InputError(f"groups must give one label per unit: got {labels.shape} for {len(df)} units")
    return {"by": labels}


def _group(X: Any, by: Any, how: str) -> ImputeResult:
    df = _validated(X)
    kw = _group_keys(df, by)
    grouped = df.groupby(**kw, sort=False, dropna=True)
    fill = grouped.transform(how)
    out = df.where(df.notna(), fill)
    method = f"group_{how}"
    return ImputeResult(out, _cells(df, out.to_numpy(dtype=float), method), method)


def group_mean(X: Any, by: Any) -> ImputeResult:
    """Replace each missing value by the mean of the observed values of the same indicator in
    the unit's group. ``by``: index level name(s) (e.g. ``"year"``) or labels aligned with the
    rows (e.g. the province of each prefecture). Groups with no observed value stay NaN.
    Reference: COINr ``i_mean_grp``; OECD/JRC (2008) Handbook, sec. 4."""
    return _group(X, by, "mean")


def group_median(X: Any, by: Any) -> ImputeResult:
    """As :func:`group_mean` with the median (robust to outliers). COINr ``i_median_grp``."""
    return _group(X, by, "median")


def interpolate(X: Any, time: str = "year", extrapolate: bool | str = False) -> ImputeResult:
    """Linear interpolation over time within each unit.

    ``X`` has an index level ``time`` (numeric, e.g. years); the other index levels identify
    the unit series (e.g. ``region_code``, ``industry_code``). A gap between observed years
    ``t0 < t < t1`` gets ``y0 + (t - t0)(y1 - y0)/(t1 - t0)`` — unequal spacing is respected.

    Only interior gaps are filled by default: extrapolating a trend beyond the data invents
    numbers. ``extrapolate="nearest"`` copies the nearest observed year to leading/trailing
    gaps (last/next observation carried, COINr ``impute_panel`` ``"latest"``); the table marks
    those cells ``extrapolate_nearest``.
    """
    if extrapolate not in (False, "nearest"):
        raise InputError(f"extrapolate must be False or 'nearest', got {extrapolate!r}")
    df = _validated(X)
    if time not in df.index.names:
        raise InputError(f"time level {time!r} not in the index levels {list(df.index.names)} of X")
    t = pd.to_numeric(pd.Series(df.index.get_level_values(time)), errors="coerce").to_numpy(float)
    if np.isnan(t).any():
        bad = df.index[int(np.flatnonzero(np.isnan(t))[0])]
        raise InputError(f"time level {time!r} must be numeric (years); unit {bad!r} is not", unit=bad)
    if isinstance(df.index, pd.MultiIndex):
        g = df.index.droplevel(time).factorize()[0]
    else:
        g = np.zeros(len(df), dtype=np.int64)

    order = np.lexsort((t, g))
    xs = df.to_numpy(dtype=float)[order]
    ts, gs = t[order], g[order]
    n = len(xs)
    valid = ~np.isnan(xs)
    rows = np.arange(n)[:, None]
    prev = np.maximum.accumulate(np.where(valid, rows, -1), axis=0)
    nxt = np.minimum.accumulate(np.where(valid, rows, n)[::-1], axis=0)[::-1]
    prev_c, next_c = np.clip(prev, 0, n - 1), np.clip(nxt, 0, n - 1)
    gcol = gs[:, None]
    has_prev = (prev >= 0) & (gs[prev_c] == gcol)
    has_next = (nxt < n) & (gs[next_c] == gcol)
    y0 = np.take_along_axis(xs, prev_c, axis=0)
    y1 = np.take_along_axis(xs, next_c, axis=0)
    t0, t1, tt = ts[prev_c], ts[next_c], ts[:, None]
    inner = ~valid & has_prev & has_next
    filled = xs.copy()
    with np.errstate(invalid="ignore", divide="ignore"):
        lin = y0 + (tt - t0) * (y1 - y0) / (t1 - t0)
    filled[inner] = lin[inner]
    labels = np.full(xs.shape, "interpolate", dtype=object)
    if extrapolate == "nearest":
        after = ~valid & has_prev & ~has_next
        before = ~valid & ~has_prev & has_next
        filled[after] = y0[after]
        filled[before] = y1[before]
        labels[after | before] = "extrapolate_nearest"
    out = np.empty_like(filled)
    out[order] = filled
    lab = np.empty_like(labels)
    lab[order] = labels
    data = pd.DataFrame(out, index=df.index, columns=df.columns)
    method = "interpolate" + ("+nearest" if extrapolate else "")
    return ImputeResult(data, _cells(df, out, lab), method)


def _standardised(df: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    x = df.to_numpy(dtype=float)
    mu = np.nanmean(x, axis=0)
    sd = np.nanstd(x, axis=0)
    sd = np.where(sd > 0, sd, 1.0)
    return (x - mu) / sd, mu, sd


def _sklearn(df: pd.DataFrame, imputer: Any, standardize: bool, method: str) -> ImputeResult:
    if standardize:
        z, mu, sd = _standardised(df)
        out = imputer.fit_transform(z) * sd + mu
    else:
        out = imputer.fit_transform(df.to_numpy(dtype=float))
    keep = ~np.isnan(df.to_numpy(dtype=float))
    out = np.where(keep, df.to_numpy(dtype=float), out)  # observed cells exactly unchanged
    data = pd.DataFrame(out, index=df.index, columns=df.columns)
    return ImputeResult(data, _cells(df, out, method), method)


def knn(
    X: Any, n_neighbors: int = 5, weights: str = "uniform", standardize: bool = True
) -> ImputeResult:
    """k-nearest-neighbour imputation (scikit-learn ``KNNImputer``).

    A missing value is the (``weights="distance"``: inverse-distance weighted) mean of that
    indicator over the ``n_neighbors`` units nearest in the indicators both have observed,
    with the NaN-Euclidean distance ``sqrt(p/p_obs · Σ_obs (a - b)²)``. ``standardize=True``
    (default) z-scores the indicators first so that large-unit indicators (e.g. 元) do not
    dominate the distance; imputed values are transformed back to the original units.
    Reference: Troyanskaya et al. (2001) Bioinformatics 17(6):520.
    """
    if int(n_neighbors) != n_neighbors or n_neighbors < 1:
        raise InputError(f"n_neighbors must be a positive integer, got {n_neighbors!r}")
    if weights not in ("uniform", "distance"):
        raise InputError(f"weights must be 'uniform' or 'distance', got {weights!r}")
    df = _validated(X)
    from sklearn.impute import KNNImputer

    imp = KNNImputer(n_neighbors=int(n_neighbors), weights=weights, keep_empty_features=True)
    return _sklearn(df, imp, standardize, "knn")


def iterative(
    X: Any, max_iter: int = 10, random_state: int = 0, standardize: bool = True
) -> ImputeResult:
    """Iterative (chained-equations, MICE-style) imputation with scikit-learn
    ``IterativeImputer`` (Bayesian ridge regression of each indicator on the others, initial
    fill by column means, ``max_iter`` rounds, deterministic for a given ``random_state``).
    ``standardize`` as in :func:`knn`. Reference: van Buuren & Groothuis-Oudshoorn (2011)
    J. Stat. Softw. 45(3).
    """
    if int(max_iter) != max_iter or max_iter < 1:
        raise InputError(f"max_iter must be a positive integer, got {max_iter!r}")
    df = _validated(X)
    from sklearn.experimental import enable_iterative_imputer  # noqa: F401
    from sklearn.impute import IterativeImputer

    imp = IterativeImputer(max_iter=int(max_iter), random_state=random_state, keep_empty_features=True)
    return _sklearn(df, imp, standardize, "iterative")
