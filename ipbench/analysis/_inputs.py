"""Input coercion shared by the analysis modules (vectors of unit values, year panels).

Errors are :class:`ipbench.errors.InputError` naming the unit (row) or year at fault.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ipbench._checks import as_frame, check_finite
from ipbench.errors import InputError


def as_series(
    x: Any,
    name: str = "x",
    *,
    nonnegative: bool = False,
    positive: bool = False,
    allow_nan: bool = False,
    min_size: int = 1,
) -> pd.Series:
    """Return ``x`` (Series, mapping, 1-D array, one-column frame) as a float Series.

    Arrays get a RangeIndex. Duplicated labels, non-numeric values, infinities, NaN (unless
    ``allow_nan``), negative (``nonnegative``) or non-positive (``positive``) values raise
    :class:`InputError` naming the unit.
    """
    if isinstance(x, pd.DataFrame):
        if x.shape[1] != 1:
            raise InputError(f"{name} must be one column, got {x.shape[1]}: {list(x.columns)}")
        x = x.iloc[:, 0]
    if isinstance(x, dict):
        x = pd.Series(x)
    if not isinstance(x, pd.Series):
        arr = np.asarray(x)
        if arr.ndim != 1:
            raise InputError(f"{name} must be 1-D (one value per unit), got {arr.ndim}-D")
        x = pd.Series(arr)
    if not pd.api.types.is_numeric_dtype(x) or pd.api.types.is_bool_dtype(x):
        raise InputError(f"{name} is not numeric (dtype {x.dtype})", indicator=name)
    if x.index.has_duplicates:
        dup = x.index[x.index.duplicated()].tolist()
        raise InputError(f"{name} has duplicated unit labels: {dup}", unit=dup[0])
    s = x.astype(float)
    s.name = x.name if x.name is not None else name
    if len(s) < min_size:
        raise InputError(f"{name} needs at least {min_size} value(s), got {len(s)}")
    check_finite(s.to_frame(name), name=name, allow_nan=allow_nan)
    if nonnegative or positive:
        bad = s < 0 if nonnegative and not positive else s <= 0
        if bad.any():
            unit = s.index[bad.to_numpy()][0]
            need = "> 0" if positive else ">= 0"
            raise InputError(
                f"{name} must be {need}; unit {unit!r} has {s[unit]!r}", indicator=name, unit=unit
            )
    return s


def as_panel(panel: Any, name: str = "panel", *, allow_nan: bool = True) -> pd.DataFrame:
    """Return a wide year panel (index = integer years, columns = units) as a float frame.

    The years must be integers, unique and increasing.
    """
    df = as_frame(panel, name=name)
    try:
        years = pd.Index([int(y) for y in df.index])
    except (TypeError, ValueError) as exc:
        raise InputError(f"{name}: index must be integer years, got {df.index[:3].tolist()}") from exc
    if (np.asarray(years, dtype=float) != np.asarray(df.index, dtype=float)).any():
        raise InputError(f"{name}: index must be integer years, got {df.index[:3].tolist()}")
    if not years.is_monotonic_increasing:
        raise InputError(f"{name}: years must be increasing; sort the panel by year first")
    df = df.set_axis(years, axis=0)
    check_finite(df, name=name, allow_nan=allow_nan)
    return df


def align(a: pd.Series, b: pd.Series, name_a: str, name_b: str) -> tuple[pd.Series, pd.Series]:
    """Check two unit vectors carry the same labels; return ``b`` reordered like ``a``."""
    missing = a.index.difference(b.index)
    extra = b.index.difference(a.index)
    if len(missing) or len(extra):
        unit = (list(missing) or list(extra))[0]
        raise InputError(
            f"{name_a} and {name_b} cover different units: missing in {name_b} {list(missing)},"
            f" missing in {name_a} {list(extra)}",
            unit=unit,
        )
    return a, b.reindex(a.index)
