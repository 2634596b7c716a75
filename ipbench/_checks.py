"""Input checks shared by the method modules (normalize, weights, aggregate, matching, ...).

Each check raises :class:`ipbench.errors.InputError` naming the indicator (column) or unit
(row) at fault. Methods call these instead of writing their own.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from ipbench.errors import InputError

_DIRECTION_WORDS = {"benefit": 1, "+": 1, "max": 1, "cost": -1, "-": -1, "min": -1}


def as_frame(X: Any, name: str = "X") -> pd.DataFrame:
    """Return ``X`` as a float DataFrame (rows = units, columns = indicators).

    2-D arrays get columns ``x1..xn`` and a RangeIndex. Non-numeric columns are rejected.
    """
    if isinstance(X, pd.Series):
        X = X.to_frame()
    if isinstance(X, pd.DataFrame):
        df = X
    else:
        arr = np.asarray(X)
        if arr.ndim != 2:
            raise InputError(f"{name} must be 2-D (units x indicators), got {arr.ndim}-D")
        df = pd.DataFrame(arr, columns=[f"x{j + 1}" for j in range(arr.shape[1])])
    if df.shape[0] == 0 or df.shape[1] == 0:
        raise InputError(f"{name} is empty (shape {df.shape})")
    if df.columns.has_duplicates:
        dup = df.columns[df.columns.duplicated()].tolist()
        raise InputError(f"{name} has duplicated indicator names: {dup}", indicator=dup[0])
    if df.index.has_duplicates:
        dup = df.index[df.index.duplicated()].tolist()
        raise InputError(f"{name} has duplicated unit labels: {dup}", unit=dup[0])
    dtypes = df.dtypes
    kinds = np.array([getattr(dt, "kind", "O") for dt in dtypes])
    bad = ~np.isin(kinds, ("f", "i", "u"))
    if bad.any():
        col = df.columns[np.flatnonzero(bad)[0]]
        raise InputError(
            f"indicator {col!r} in {name} is not numeric (dtype {dtypes[col]})",
            indicator=col,
        )
    if (kinds == "f").all() and all(dt == np.float64 for dt in dtypes):
        return df
    return df.astype(float)


def check_finite(df: pd.DataFrame, name: str = "X", allow_nan: bool = False) -> None:
    """Reject infinite values, and NaN unless ``allow_nan``; name the first cell at fault."""
    values = df.to_numpy(dtype=float)
    bad = ~np.isfinite(values) if not allow_nan else np.isinf(values)
    if bad.any():
        i, j = np.argwhere(bad)[0]
        unit, col = df.index[i], df.columns[j]
        what = "NaN" if np.isnan(values[i, j]) else "infinite"
        raise InputError(
            f"{name} has a {what} value for indicator {col!r} at unit {unit!r}"
            f" ({int(bad.sum())} such cell(s)); impute or drop it first (see ipbench.impute)",
            indicator=col,
            unit=unit,
        )


def check_nonconstant(df: pd.DataFrame, name: str = "X") -> None:
    """Reject columns whose values are all equal (no spread: min-max and z-score undefined)."""
    spread = df.max() - df.min()
    for col in df.columns[(spread <= 0).to_numpy()]:
        raise InputError(
            f"indicator {col!r} in {name} is constant ({float(df[col].iloc[0]):g} for every unit);"
            " it cannot discriminate between units: drop it or check the data",
            indicator=col,
        )


def check_nonnegative(df: pd.DataFrame, name: str = "X", why: str = "") -> None:
    """Reject negative values (logs, entropy, geometric means need x >= 0)."""
    values = df.to_numpy(dtype=float)
    neg = values < 0
    if neg.any():
        i, j = np.argwhere(neg)[0]
        raise InputError(
            f"{name} has a negative value {float(values[i, j]):g} for indicator {df.columns[j]!r}"
            f" at unit {df.index[i]!r}{'; ' + why if why else ''}",
            indicator=df.columns[j],
            unit=df.index[i],
        )


def resolve_directions(directions: Any, columns: Iterable[Any]) -> pd.Series:
    """Return a Series of +1 (benefit) / -1 (cost) indexed by ``columns``.

    ``directions`` may be None (all benefit), a scalar, a sequence in column order, or a
    mapping / Series keyed by indicator name. Words ``benefit``/``cost`` are accepted.
    """
    cols = pd.Index(list(columns))
    if directions is None:
        return pd.Series(1, index=cols, dtype=int)
    if isinstance(directions, pd.Series | Mapping):
        d = pd.Series(dict(directions)) if isinstance(directions, Mapping) else directions
        missing = cols.difference(d.index)
        extra = pd.Index(d.index).difference(cols)
        if len(missing) or len(extra):
            raise InputError(
                "directions do not match the indicators:"
                f" missing {list(missing)}, unknown {list(extra)}",
                indicator=(list(missing) or list(extra))[0],
            )
        d = d.reindex(cols)
    elif np.isscalar(directions) or isinstance(directions, str):
        d = pd.Series([directions] * len(cols), index=cols)
    else:
        seq = list(directions)
        if len(seq) != len(cols):
            raise InputError(
                f"directions has {len(seq)} entries but there are {len(cols)} indicators"
            )
        d = pd.Series(seq, index=cols)
    out = {}
    for col, v in d.items():
        key = v.lower() if isinstance(v, str) else v
        key = _DIRECTION_WORDS.get(key, key)
        if key not in (1, -1) or isinstance(key, bool):
            raise InputError(
                f"unknown direction {v!r} for indicator {col!r}: use +1/'benefit' or -1/'cost'",
                indicator=col,
            )
        out[col] = int(key)
    return pd.Series(out, index=cols, dtype=int)


def check_weights(weights: Any, columns: Iterable[Any], tol: float = 1e-6) -> pd.Series:
    """Return weights as a float Series over ``columns``; they must be >= 0 and sum to 1."""
    cols = pd.Index(list(columns))
    if isinstance(weights, pd.Series | Mapping):
        w = pd.Series(dict(weights)) if isinstance(weights, Mapping) else weights
        missing, extra = cols.difference(w.index), pd.Index(w.index).difference(cols)
        if len(missing) or len(extra):
            raise InputError(
                "weights do not match the indicators:"
                f" missing {list(missing)}, unknown {list(extra)}",
                indicator=(list(missing) or list(extra))[0],
            )
        w = w.reindex(cols).astype(float)
    else:
        arr = np.asarray(weights, dtype=float).ravel()
        if arr.size != len(cols):
            raise InputError(f"{arr.size} weights given for {len(cols)} indicators")
        w = pd.Series(arr, index=cols)
    for col, v in w.items():
        if not np.isfinite(v) or v < 0:
            raise InputError(f"weight of {col!r} is {float(v):g}; weights must be >= 0", indicator=col)
    total = float(w.sum())
    if abs(total - 1.0) > tol:
        raise InputError(
            f"weights sum to {total:.6g}, not 1 (tolerance {tol:g}); normalise them"
            " (w / w.sum()) or check the values"
        )
    return w
