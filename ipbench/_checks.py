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
        unit, col, value = first_cell(bad, df)
        what = "NaN" if np.isnan(value) else "infinite"
        raise InputError(
            f"{name} has a {what} value for indicator {col!r} at unit {unit!r}"
            f" ({int(bad.sum())} such cell(s)); impute or drop it first (see ipbench.impute)",
            indicator=col,
            unit=unit,
        )


#: a column whose spread is within this many float steps of its largest |value| is constant
#: (``[0.1 + 0.2, 0.3]`` differ by rounding only); min-max would blow rounding up to [0, 1]
CONSTANT_ULPS = 64


def constant_mask(values: np.ndarray) -> np.ndarray:
    """True for columns of ``values`` (2-D, finite) whose spread is rounding only."""
    spread = values.max(axis=0) - values.min(axis=0)
    scale = np.abs(values).max(axis=0)
    return spread <= CONSTANT_ULPS * np.finfo(float).eps * scale


def check_nonconstant(df: pd.DataFrame, name: str = "X") -> None:
    """Reject columns whose values are all equal, up to rounding (see :data:`CONSTANT_ULPS`):
    no spread, so min-max and z-score are undefined."""
    values = df.to_numpy(dtype=float)
    with np.errstate(invalid="ignore"):
        mask = constant_mask(np.where(np.isnan(values), np.nanmean(values, axis=0), values)) if len(df) else []
    for col in df.columns[np.asarray(mask, dtype=bool)]:
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
        unit, col, value = first_cell(neg, df)
        raise InputError(
            f"{name} has a negative value {value:g} for indicator {col!r}"
            f" at unit {unit!r}{'; ' + why if why else ''}",
            indicator=col,
            unit=unit,
        )


def align_to_columns(values: Mapping | pd.Series, columns: pd.Index, what: str) -> pd.Series:
    """Reindex a per-indicator mapping/Series to ``columns``; missing or unknown labels raise."""
    s = pd.Series(dict(values)) if isinstance(values, Mapping) else values
    missing = columns.difference(s.index)
    extra = pd.Index(s.index).difference(columns)
    if len(missing) or len(extra):
        raise InputError(
            f"{what} do not match the indicators: missing {list(missing)}, unknown {list(extra)}",
            indicator=(list(missing) or list(extra))[0],
        )
    return s.reindex(columns)


def first_cell(mask: np.ndarray, df: pd.DataFrame) -> tuple[Any, Any, float]:
    """(unit, indicator, value) of the first True cell of ``mask`` over ``df``'s values."""
    i, j = np.argwhere(mask)[0]
    return _plain(df.index[i]), _plain(df.columns[j]), float(df.iat[i, j])


def _plain(v: Any) -> Any:
    """numpy scalars as Python values, so messages print ``3``, never ``np.int64(3)``."""
    return v.item() if isinstance(v, np.generic) else v


def resolve_directions(directions: Any, columns: Iterable[Any]) -> pd.Series:
    """Return a Series of +1 (benefit) / -1 (cost) indexed by ``columns``.

    ``directions`` may be None (all benefit), a scalar, a sequence in column order, or a
    mapping / Series keyed by indicator name. Words ``benefit``/``cost`` are accepted.
    """
    cols = pd.Index(list(columns))
    if directions is None:
        return pd.Series(1, index=cols, dtype=int)
    if isinstance(directions, pd.Series | Mapping):
        d = align_to_columns(directions, cols, "directions")
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
        w = align_to_columns(weights, cols, "weights").astype(float)
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
