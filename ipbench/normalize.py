"""Normalisation (标准化): bring indicators onto a common scale where higher = better.

Every function takes ``X`` (rows = units, columns = indicators; DataFrame or 2-D array) and
returns a DataFrame with the same labels. ``directions`` gives +1 (benefit, 正向) or -1 (cost,
逆向) per indicator (default: all benefit); after normalisation every column is oriented so
that a higher score is better. NaN and infinite values are rejected (impute first, see
:mod:`ipbench.impute`).

Cost handling differs between sources; each function documents the form it uses:

* COINr (Becker et al., ``R/normalise.R``) multiplies a cost indicator by -1 before
  normalising; for min-max this equals ``(max - x)/(max - min)`` (李恒吉等 2021, sec. 2.2).
* pymcdm 1.4 (``normalizations.py``) uses a per-method cost form: vector ``1 - x/||x||``,
  sum ``(1/x)/Σ(1/x)``, max ``1 - x/max``. :func:`vector`, :func:`proportion` and
  :func:`max_ratio` follow pymcdm so that they reproduce its published test values.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from ipbench._checks import (
    align_to_columns,
    as_frame,
    check_finite,
    check_nonconstant,
    check_nonnegative,
    first_cell,
    resolve_directions,
)
from ipbench.errors import InputError

__all__ = [
    "METHODS",
    "distance_to_target",
    "log",
    "max_ratio",
    "minmax",
    "percentile",
    "proportion",
    "rank",
    "vector",
    "zscore",
]

_TIES = ("min", "max", "average", "dense", "ordinal")


def _prepare(X: Any, directions: Any) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Validate ``X`` (finite) and ``directions``; return frame, values, direction vector."""
    df = as_frame(X)
    check_finite(df)
    d = resolve_directions(directions, df.columns).to_numpy(dtype=float)
    return df, df.to_numpy(dtype=float), d


def _wrap(values: np.ndarray, like: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(values, index=like.index, columns=like.columns)


def _first_bad_column(mask: np.ndarray, df: pd.DataFrame) -> Any:
    return df.columns[int(np.flatnonzero(mask)[0])]


def _bounds(scale: float | tuple[float, float]) -> tuple[float, float]:
    if np.isscalar(scale):
        lo, hi = 0.0, float(scale)  # type: ignore[arg-type]
    else:
        try:
            lo, hi = (float(v) for v in scale)  # type: ignore[union-attr]
        except (TypeError, ValueError) as exc:
            raise InputError(f"scale must be a number or a pair (lower, upper), got {scale!r}") from exc
    if not (np.isfinite(lo) and np.isfinite(hi) and hi > lo):
        raise InputError(f"scale must give an upper bound above the lower bound, got {scale!r}")
    return lo, hi


def minmax(
    X: Any, directions: Any = None, scale: float | tuple[float, float] = 1.0
) -> pd.DataFrame:
    """Min-max normalisation onto ``[0, scale]`` (or ``[lower, upper]`` if a pair is given).

    Benefit: ``r = (x - min)/(max - min)``; cost: ``r = (max - x)/(max - min)``; result
    ``lower + (upper - lower) * r``. ``scale=100`` gives the COINr/GII default ``l_u = c(0, 100)``.
    Constant indicators are rejected (range 0).

    References: 李恒吉等 (2021) 干旱区地理, ChinaXiv:202102.00039 sec. 2.2; COINr ``n_minmax``;
    OECD/JRC (2008) Handbook on Constructing Composite Indicators, sec. 5.
    """
    lo, hi = _bounds(scale)
    df, x, d = _prepare(X, directions)
    check_nonconstant(df)
    mn, mx = x.min(axis=0), x.max(axis=0)
    # benefit (x - min)/(max - min); cost (max - x)/(max - min) = the same with -1 slope
    span = np.where(d > 0, mx - mn, mn - mx)
    start = np.where(d > 0, mn, mx)
    r = (x - start) * ((hi - lo) / span)
    return _wrap(r + lo if lo else r, df)


def zscore(
    X: Any, directions: Any = None, ddof: int = 0, loc: float = 0.0, scale: float = 1.0
) -> pd.DataFrame:
    """Standardisation: ``z = d * (x - mean)/sd * scale + loc`` with ``d`` = +1/-1 direction.

    ``ddof=0`` (population sd, as scikit-learn ``StandardScaler`` and scikit-criteria);
    ``ddof=1`` gives the sample sd used by R ``sd()`` and COINr ``n_zscore``. ``loc``/``scale``
    set the target mean and sd (COINr ``m_sd``). Cost indicators are multiplied by -1 (COINr).

    Reference: OECD/JRC (2008) Handbook, sec. 5; COINr ``n_zscore``.
    """
    if ddof not in (0, 1):
        raise InputError(f"ddof must be 0 (population) or 1 (sample), got {ddof!r}")
    if not (np.isfinite(scale) and scale > 0 and np.isfinite(loc)):
        raise InputError(f"zscore needs a finite loc and a positive scale, got {loc!r}, {scale!r}")
    df, x, d = _prepare(X, directions)
    check_nonconstant(df)
    if x.shape[0] <= ddof:
        raise InputError(f"zscore with ddof={ddof} needs more than {ddof} unit(s)")
    z = (x - x.mean(axis=0)) / x.std(axis=0, ddof=ddof)
    return _wrap(d * z * scale + loc, df)


def rank(X: Any, directions: Any = None, ties: str = "min") -> pd.DataFrame:
    """Rank scores: 1 = worst unit, n = best unit (after applying directions).

    This is COINr ``n_rank`` (R ``rank(x, ties.method = "min")``): a *score*, higher = better,
    so it can be aggregated like the other normalisations. For league-table positions (1 =
    best) use the ``rank`` column returned by :func:`ipbench.aggregate.topsis` or rank the
    final index. ``ties``: ``"min"`` (default, "sport" ranking), ``"max"``, ``"average"``,
    ``"dense"`` or ``"ordinal"`` (as :func:`scipy.stats.rankdata`).
    """
    if ties not in _TIES:
        raise InputError(f"unknown ties method {ties!r}; use one of {_TIES}")
    from scipy.stats import rankdata  # here: importing scipy.stats costs ~1.5 s

    df, x, d = _prepare(X, directions)
    return _wrap(rankdata(x * d, method=ties, axis=0).astype(float), df)


def percentile(X: Any, directions: Any = None) -> pd.DataFrame:
    """Percentile-rank scores in [0, 1]: ``(rank_min - 1)/(n - 1)``; worst = 0, best = 1.

    Ties share the lowest rank ("sport" ranking). Reference: COINr ``n_prank``.
    """
    from scipy.stats import rankdata

    df, x, d = _prepare(X, directions)
    n = x.shape[0]
    if n < 2:
        raise InputError("percentile ranks need at least 2 units")
    return _wrap((rankdata(x * d, method="min", axis=0) - 1.0) / (n - 1), df)


def _per_indicator(values: Any, columns: pd.Index, what: str) -> np.ndarray:
    """Align a per-indicator parameter (mapping/Series by name, or sequence) to ``columns``."""
    if isinstance(values, pd.Series | Mapping):
        s = align_to_columns(values, columns, what)
    else:
        arr = np.atleast_1d(np.asarray(values, dtype=float)).ravel()
        if arr.size == 1 and len(columns) > 1:
            arr = np.repeat(arr, len(columns))
        if arr.size != len(columns):
            raise InputError(f"{arr.size} {what} given for {len(columns)} indicators")
        s = pd.Series(arr, index=columns)
    s = pd.to_numeric(s, errors="coerce").astype(float)
    bad = ~np.isfinite(s.to_numpy())
    if bad.any():
        col = columns[int(np.flatnonzero(bad)[0])]
        raise InputError(f"{what} value for {col!r} is not a finite number", indicator=col)
    return s.to_numpy()


def distance_to_target(
    X: Any, targets: Any, directions: Any = None, method: str = "minmax", cap: bool = True
) -> pd.DataFrame:
    """Score each unit by its progress towards a target value per indicator (1 = target met).

    ``method="minmax"`` (COINr ``n_dist2targ``; SDSN SDG Index): benefit
    ``(x - min)/(t - min)``, cost ``(max - x)/(max - t)``; the worst unit scores 0. Needs
    ``t > min`` (benefit) or ``t < max`` (cost).
    ``method="ratio"``: benefit ``x/t``, cost ``t/x`` (needs ``t > 0`` and, for cost, ``x > 0``).
    ``cap=True`` sets scores above 1 (target exceeded) to 1, as the SDG Index does; COINr's
    default is ``cap_max = FALSE``. ``targets``: mapping/Series by indicator, a sequence in
    column order, or one number for all indicators.

    References: COINr ``n_dist2targ`` and tests/testthat/test-normalise.R ("dist2targ");
    Sachs et al., Sustainable Development Report (SDSN), methodology: normalisation to targets.
    """
    if method not in ("minmax", "ratio"):
        raise InputError(f"unknown distance_to_target method {method!r}; use 'minmax' or 'ratio'")
    df, x, d = _prepare(X, directions)
    t = _per_indicator(targets, df.columns, "targets")
    benefit = d > 0
    if method == "minmax":
        mn, mx = x.min(axis=0), x.max(axis=0)
        bad = np.where(benefit, t <= mn, t >= mx)
        if bad.any():
            col = _first_bad_column(bad, df)
            j = df.columns.get_loc(col)
            side = "above the minimum" if benefit[j] else "below the maximum (cost indicator)"
            raise InputError(
                f"target {float(t[j]):g} for indicator {col!r} must lie {side} of the data"
                f" (min {float(mn[j]):g}, max {float(mx[j]):g}) for method='minmax'",
                indicator=col,
            )
        y = np.where(benefit, (x - mn) / (t - mn), (mx - x) / (mx - t))
    else:
        if (t <= 0).any():
            col = _first_bad_column(t <= 0, df)
            value = float(t[df.columns.get_loc(col)])
            raise InputError(
                f"method='ratio' needs a positive target; {col!r} has {value:g}", indicator=col
            )
        cost_vals = x[:, ~benefit]
        if (cost_vals <= 0).any():
            i, j = np.argwhere(cost_vals <= 0)[0]
            col = df.columns[np.flatnonzero(~benefit)[j]]
            raise InputError(
                f"method='ratio' on cost indicator {col!r} needs x > 0;"
                f" unit {df.index[i]!r} has {float(cost_vals[i, j]):g}",
                indicator=col,
                unit=df.index[i],
            )
        y = np.empty_like(x)
        y[:, benefit] = x[:, benefit] / t[benefit]
        y[:, ~benefit] = t[~benefit] / cost_vals
    if cap:
        y = np.minimum(y, 1.0)
    return _wrap(y, df)


def log(X: Any, offset: float = 0.0) -> pd.DataFrame:
    """Natural-log transform ``ln(x + offset)``; negative values are rejected.

    Default ``offset=0``: plain ``ln x``, so zeros are rejected too (the error suggests an
    offset). ``offset=1`` gives ``ln(1 + x)`` (computed with ``log1p``), the usual choice for
    counts such as patents that can be 0; note that it is not scale-invariant (ln(1 + x)
    depends on the unit of x), so apply it to counts, not to shares. Directions do not apply:
    the transform keeps order. For the skew-driven log transforms of COINr/GII see
    :mod:`ipbench.treat`.
    """
    if not (np.isfinite(offset) and offset >= 0):
        raise InputError(f"offset must be a finite number >= 0, got {offset!r}")
    df = as_frame(X)
    check_finite(df)
    check_nonnegative(df, why="log needs x >= 0")
    x = df.to_numpy(dtype=float)
    if offset == 0:
        zero = x == 0
        if zero.any():
            unit, col, _ = first_cell(zero, df)
            raise InputError(
                f"log of 0 for indicator {col!r} at unit {unit!r};"
                " use offset=1 for ln(1 + x) if zeros are genuine",
                indicator=col,
                unit=unit,
            )
        y = np.log(x)
    elif offset == 1:
        y = np.log1p(x)
    else:
        y = np.log(x + offset)
    return _wrap(y, df)


def vector(X: Any, directions: Any = None) -> pd.DataFrame:
    """Vector (Euclidean) normalisation, as in TOPSIS: benefit ``x/||x||``, cost ``1 - x/||x||``.

    ``||x|| = sqrt(Σ_i x_i²)`` over units. Cost form as pymcdm ``vector_normalization``.
    Reference: Hwang & Yoon (1981) Multiple Attribute Decision Making, Springer.
    """
    df, x, d = _prepare(X, directions)
    norm = np.sqrt((x * x).sum(axis=0))
    if (norm == 0).any():
        col = _first_bad_column(norm == 0, df)
        raise InputError(
            f"indicator {col!r} is 0 for every unit; vector normalisation undefined", indicator=col
        )
    r = x / norm
    return _wrap(np.where(d > 0, r, 1.0 - r), df)


def proportion(X: Any, directions: Any = None) -> pd.DataFrame:
    """Sum (proportion) normalisation: benefit ``x/Σx``, cost ``(1/x)/Σ(1/x)`` (pymcdm ``sum``).

    Needs ``x >= 0`` with a positive column sum (benefit) and ``x > 0`` (cost). This is the
    ``p_ij`` of the entropy method applied to raw data.
    """
    df, x, d = _prepare(X, directions)
    check_nonnegative(df, why="proportions need x >= 0")
    total = x.sum(axis=0)
    bad = (d > 0) & (total == 0)
    if bad.any():
        col = _first_bad_column(bad, df)
        raise InputError(f"indicator {col!r} sums to 0; proportions undefined", indicator=col)
    cost = d < 0
    zero_cost = (x == 0) & cost
    if zero_cost.any():
        unit, col, _ = first_cell(zero_cost, df)
        raise InputError(
            f"cost indicator {col!r} is 0 at unit {unit!r}; the reciprocal"
            " form (1/x)/Σ(1/x) needs x > 0",
            indicator=col,
            unit=unit,
        )
    y = np.empty_like(x)
    y[:, ~cost] = x[:, ~cost] / total[~cost]
    inv = 1.0 / x[:, cost]
    y[:, cost] = inv / inv.sum(axis=0)
    return _wrap(y, df)


def max_ratio(X: Any, directions: Any = None) -> pd.DataFrame:
    """Maximum normalisation: benefit ``x/max``, cost ``1 - x/max`` (pymcdm ``max``; COINr
    ``n_fracmax`` for benefit). Needs ``x >= 0`` and a positive maximum."""
    df, x, d = _prepare(X, directions)
    check_nonnegative(df, why="x/max needs x >= 0")
    mx = x.max(axis=0)
    if (mx == 0).any():
        col = _first_bad_column(mx == 0, df)
        raise InputError(f"indicator {col!r} is 0 for every unit; x/max undefined", indicator=col)
    r = x / mx
    return _wrap(np.where(d > 0, r, 1.0 - r), df)


#: Registry of normalisation methods by name (for parameter files: ``method: minmax``).
METHODS: dict[str, Callable[..., pd.DataFrame]] = {
    "minmax": minmax,
    "zscore": zscore,
    "rank": rank,
    "percentile": percentile,
    "distance_to_target": distance_to_target,
    "log": log,
    "vector": vector,
    "proportion": proportion,
    "max_ratio": max_ratio,
}
