"""Outlier treatment (异常值处理) by skewness and kurtosis, as in COINr and the GII.

Procedure per indicator (COINr ``Treat()`` defaults, ``R/treat.R``; GII/JRC practice):

1. An indicator *fails* when ``|skewness| >= skew_threshold`` **and** ``kurtosis >=
   kurt_threshold`` (COINr ``check_SkewKurt`` passes when ``|skew| < 2 or kurt < 3.5``;
   the GII uses 2.25 / 3.5).
2. If it fails, winsorise one point at a time: when skew >= 0 the highest value(s) are set to
   the next-highest value, otherwise the lowest to the next-lowest (ties move together),
   re-checking after each step, up to ``max_winsorized`` points (COINr ``winmax = 5``).
3. If it still fails, apply a log transform to the *original* values (``combine=False``,
   COINr default) or to the winsorised ones (``combine=True``). No further check changes the
   data; the result records whether the indicator passes afterwards.

Skewness and kurtosis are the bias-adjusted sample statistics G1 and G2 (excess kurtosis):
e1071 ``type = 2``, Excel ``SKEW``/``KURT``, pandas ``.skew()``/``.kurt()`` — the definitions
COINr uses. NaN values are ignored in the statistics and left untouched.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ipbench._checks import as_frame, check_finite
from ipbench.errors import InputError

__all__ = ["TRANSFORMS", "TreatResult", "kurtosis", "skewness", "treat"]


def _moments(x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Column-wise n, m2, m3, m4 (sums of centred powers), ignoring NaN."""
    n = np.sum(~np.isnan(x), axis=0).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        c = x - np.nansum(x, axis=0) / n
    c2 = c * c
    return n, np.nansum(c2, axis=0), np.nansum(c2 * c, axis=0), np.nansum(c2 * c2, axis=0)


def _skew(x: np.ndarray) -> np.ndarray:
    n, m2, m3, _ = _moments(x)
    with np.errstate(invalid="ignore", divide="ignore"):
        g1 = np.sqrt(n) * m3 / m2**1.5
        return g1 * np.sqrt(n * (n - 1)) / (n - 2)


def _kurt(x: np.ndarray) -> np.ndarray:
    n, m2, _, m4 = _moments(x)
    with np.errstate(invalid="ignore", divide="ignore"):
        r = n * m4 / (m2 * m2)
        return ((n + 1) * (r - 3) + 6) * (n - 1) / ((n - 2) * (n - 3))


def _validated(X: Any) -> pd.DataFrame:
    df = as_frame(X)
    check_finite(df, allow_nan=True)
    x = df.to_numpy(dtype=float)
    n = np.sum(~np.isnan(x), axis=0)
    few = n < 4
    if few.any():
        col = df.columns[int(np.flatnonzero(few)[0])]
        raise InputError(
            f"indicator {col!r} has {int(n[few][0])} non-missing value(s); skewness and"
            " kurtosis need at least 4",
            indicator=col,
        )
    spread = np.nanmax(x, axis=0) - np.nanmin(x, axis=0)
    if (spread == 0).any():
        col = df.columns[int(np.flatnonzero(spread == 0)[0])]
        raise InputError(
            f"indicator {col!r} is constant; skewness/kurtosis undefined: drop it",
            indicator=col,
        )
    return df


def skewness(X: Any) -> pd.Series:
    """Sample skewness G1 per indicator: ``sqrt(n(n-1))/(n-2) * [m3/n] / [m2/n]^1.5``.

    Same as e1071 ``skewness(type = 2)``, Excel ``SKEW`` and pandas ``.skew()`` (COINr ``skew``).
    """
    df = _validated(X)
    return pd.Series(_skew(df.to_numpy(dtype=float)), index=df.columns, name="skewness")


def kurtosis(X: Any) -> pd.Series:
    """Sample excess kurtosis G2 per indicator (normal = 0):
    ``((n+1)(r-3)+6)(n-1)/((n-2)(n-3))`` with ``r = n m4/m2²``.

    Same as e1071 ``kurtosis(type = 2)``, Excel ``KURT`` and pandas ``.kurt()`` (COINr ``kurt``).
    """
    df = _validated(X)
    return pd.Series(_kurt(df.to_numpy(dtype=float)), index=df.columns, name="kurtosis")


def _log_ct(x: np.ndarray) -> np.ndarray:
    mn, mx = np.nanmin(x), np.nanmax(x)
    return np.log(x - mn + 0.01 * (mx - mn))


def _log_ct_orig(x: np.ndarray) -> np.ndarray:
    return np.log(x - np.nanmin(x) + 1.0)


def _log_gii(x: np.ndarray) -> np.ndarray:
    mn, mx = np.nanmin(x), np.nanmax(x)
    return np.log((mx - 1.0) * (x - mn) / (mx - mn) + 1.0)


def _log_plain(x: np.ndarray) -> np.ndarray:
    return np.log(x)


#: Log transforms for step 3, by name.
#: ``log``: plain ``ln x`` (COINr test-treat.R ``f2 = "log"``); needs x > 0, checked here.
#: ``log_ct``: ``ln(x - min + 0.01 (max - min))`` — COINr ``log_CT`` (default of ``Treat()``);
#: the lowest value maps to ln(0.01·range), so order is kept and negatives are fine.
#: ``log_ct_orig``: ``ln(x - min + 1)`` — original COIN Tool form (COINr ``log_CT_orig``);
#: depends on the unit of x.
#: ``log_gii``: ``ln((max - 1)(x - min)/(max - min) + 1)`` — GII 2020 spreadsheet form as
#: documented in COINr ``log_GII``; maps min→0 and max→ln(max); requires max > 1 (below that
#: it reverses the order, which COINr warns about), checked here.
TRANSFORMS = {
    "log_ct": _log_ct,
    "log_ct_orig": _log_ct_orig,
    "log_gii": _log_gii,
    "log": _log_plain,
}


def _check_domain(transform: str, x: np.ndarray, col: Any) -> None:
    """Reject inputs on which a transform is undefined or would reverse the order."""
    if transform == "log" and np.nanmin(x) <= 0:
        raise InputError(
            f"transform 'log' needs x > 0 but indicator {col!r} has min {float(np.nanmin(x)):g};"
            " use 'log_ct' (shifts by the minimum)",
            indicator=col,
        )
    if transform == "log_gii" and np.nanmax(x) <= 1:
        raise InputError(
            f"transform 'log_gii' needs max > 1 but indicator {col!r} has max"
            f" {float(np.nanmax(x)):g} (it would reverse the order); use 'log_ct'",
            indicator=col,
        )


def _fails(x: np.ndarray, skew_t: float, kurt_t: float) -> bool:
    col = x[:, None]
    return bool(abs(_skew(col)[0]) >= skew_t and _kurt(col)[0] >= kurt_t)


def _winsorise(
    x: np.ndarray, skew_t: float, kurt_t: float, max_points: int
) -> tuple[np.ndarray, np.ndarray]:
    """COINr ``winsorise``: move the extreme value(s) to the next one until the check passes.

    Returns the winsorised copy and a mask of changed cells.
    """
    x = x.copy()
    changed = np.zeros(x.shape, dtype=bool)
    valid = ~np.isnan(x)
    while _fails(x, skew_t, kurt_t) and changed.sum() < max_points:
        high = _skew(x[:, None])[0] >= 0
        extreme = np.nanmax(x) if high else np.nanmin(x)
        idx = valid & (x == extreme)
        rest = x[valid & ~idx]
        if rest.size == 0 or np.ptp(rest) == 0:  # would make the indicator constant
            break
        x[idx] = rest.max() if high else rest.min()
        changed |= idx
    return x, changed


@dataclass(frozen=True)
class TreatResult:
    """Outcome of :func:`treat`.

    ``data``: treated indicators (same labels as the input).
    ``changes``: one row per changed cell — ``indicator``, ``unit``, ``original``, ``treated``,
    ``action`` (``winsorised_high``/``winsorised_low``/the transform name).
    ``details``: one row per indicator — ``skew_before``, ``kurt_before``, ``action``
    (``none``/``winsorised``/transform/``winsorised+transform``), ``n_winsorized``,
    ``skew_after``, ``kurt_after``, ``passed`` (check after treatment).
    """

    data: pd.DataFrame
    changes: pd.DataFrame
    details: pd.DataFrame
    params: dict[str, Any] = field(default_factory=dict)

    def summary(self) -> str:
        d = self.details
        treated = d[d["action"] != "none"]
        lines = [
            "异常值处理 · Outlier treatment",
            f"criteria 判据: |skew| >= {self.params['skew_threshold']:g} and kurtosis >="
            f" {self.params['kurt_threshold']:g}; winsorise up to"
            f" {self.params['max_winsorized']} point(s), then"
            f" {self.params['transform'] or 'no transform 不变换'}",
            f"indicators 指标: {len(d)}; treated 已处理: {len(treated)};"
            f" still failing 仍不满足: {int((~d['passed']).sum())}",
        ]
        if len(treated):
            lines.append(
                treated[["action", "n_winsorized", "skew_before", "kurt_before",
                         "skew_after", "kurt_after", "passed"]].round(3).to_string()
            )
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        return f"<pre>{html.escape(self.summary())}</pre>"


def treat(
    X: Any,
    skew_threshold: float = 2.0,
    kurt_threshold: float = 3.5,
    max_winsorized: int = 5,
    transform: str | None = "log_ct",
    combine: bool = False,
) -> TreatResult:
    """Detect outliers by skewness/kurtosis; winsorise up to ``max_winsorized`` points, then
    log-transform indicators that still fail (see the module docstring for the procedure).

    ``transform``: a key of :data:`TRANSFORMS` or ``None`` (keep the winsorised values).
    Log transforms compress the upper tail; on negatively skewed indicators they do not help
    (COINr applies them anyway): check ``details['passed']``.

    References: COINr ``Treat``, ``winsorise``, ``check_SkewKurt``, ``log_CT`` (bluefoxr/COINr
    ``R/treat.R``); OECD/JRC (2008) Handbook, sec. 3; JRC statistical audits of the GII.
    """
    if transform is not None and transform not in TRANSFORMS:
        raise InputError(f"unknown transform {transform!r}; use one of {list(TRANSFORMS)} or None")
    if not (skew_threshold > 0 and np.isfinite(kurt_threshold)):
        raise InputError("skew_threshold must be > 0 and kurt_threshold finite")
    if int(max_winsorized) != max_winsorized or max_winsorized < 0:
        raise InputError(f"max_winsorized must be an integer >= 0, got {max_winsorized!r}")
    df = _validated(X)
    x0 = df.to_numpy(dtype=float)
    out = x0.copy()
    skew0, kurt0 = _skew(x0), _kurt(x0)
    failing = (np.abs(skew0) >= skew_threshold) & (kurt0 >= kurt_threshold)

    actions = np.array(["none"] * x0.shape[1], dtype=object)
    n_win = np.zeros(x0.shape[1], dtype=int)
    change_rows: list[pd.DataFrame] = []

    for j in np.flatnonzero(failing):
        col = df.columns[j]
        xw, moved = _winsorise(x0[:, j], skew_threshold, kurt_threshold, int(max_winsorized))
        n_win[j] = int(moved.sum())
        labels = np.where(xw < x0[:, j], "winsorised_high", "winsorised_low")
        if not _fails(xw, skew_threshold, kurt_threshold) or transform is None:
            out[:, j] = xw
            actions[j] = "winsorised" if n_win[j] else "none"
            cell_action = labels
        else:
            base = xw if combine else x0[:, j]
            _check_domain(transform, base, col)
            out[:, j] = TRANSFORMS[transform](base)
            actions[j] = f"winsorised+{transform}" if combine and n_win[j] else transform
            if not combine:
                n_win[j] = 0
            both = np.char.add(labels.astype(str), f"+{transform}")
            cell_action = np.where(moved & combine, both, transform)
        diff = ~np.isnan(x0[:, j]) & (out[:, j] != x0[:, j])
        rows = np.flatnonzero(diff)
        change_rows.append(
            pd.DataFrame(
                {
                    "indicator": col,
                    "unit": df.index[rows],
                    "original": x0[rows, j],
                    "treated": out[rows, j],
                    "action": np.asarray(cell_action)[rows].astype(str),
                }
            )
        )

    skew1, kurt1 = _skew(out), _kurt(out)
    details = pd.DataFrame(
        {
            "skew_before": skew0,
            "kurt_before": kurt0,
            "action": actions.astype(str),
            "n_winsorized": n_win,
            "skew_after": skew1,
            "kurt_after": kurt1,
            "passed": ~((np.abs(skew1) >= skew_threshold) & (kurt1 >= kurt_threshold)),
        },
        index=df.columns,
    )
    details.index.name = "indicator"
    columns = ["indicator", "unit", "original", "treated", "action"]
    changes = (
        pd.concat(change_rows, ignore_index=True) if change_rows else pd.DataFrame(columns=columns)
    )
    params = {
        "skew_threshold": skew_threshold,
        "kurt_threshold": kurt_threshold,
        "max_winsorized": int(max_winsorized),
        "transform": transform,
        "combine": combine,
    }
    data = pd.DataFrame(out, index=df.index, columns=df.columns)
    return TreatResult(data=data, changes=changes, details=details, params=params)
