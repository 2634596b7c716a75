"""Robustness of ranks: Monte Carlo over composite-indicator method choices, Sobol indices.

Design after COINr ``get_sensitivity()`` (Becker et al., ``R/sensitivity.R``) and the
OECD/JRC (2008) *Handbook on Constructing Composite Indicators*, sec. 7 (uncertainty and
sensitivity analysis; Saisana, Saltelli & Tarantola 2005, JRSS A 168(2):307):

* each uncertain choice is a factor driven by U(0,1) draws: a discrete factor picks one of
  its alternatives by ``floor(u·k)`` (COINr ``sample_2_para``); the weight perturbation is a
  *group* of one uniform per indicator, ``w_j ← w_j·(1 + δ(2u_j − 1))`` renormalised to sum 1
  (COINr ``get_noisy_weights``: ±δ of the nominal weight);
* factors: ``weighting`` (alternative weight sets: the nominal weights, ``equal``, ``entropy``,
  ``critic``, ``std`` from :mod:`ipbench.weights`), ``weight_noise`` (δ > 0),
  ``normalisation`` (any method of :data:`ipbench.normalize.METHODS`, e.g. ``minmax``,
  ``zscore``, ``rank``, ``percentile``) and ``aggregation`` (``arithmetic``, ``geometric``,
  ``topsis`` with the semantics of :mod:`ipbench.aggregate`); a factor with one alternative
  is fixed, not uncertain;
* uncertainty analysis: ``n`` independent runs → per unit the nominal rank, median, mean,
  5th/95th percentile ranks and the mean absolute shift from the nominal rank;
* sensitivity analysis (``sobol=True``): the A, B, A_B^(i) design of Saltelli et al. (2010,
  Comput. Phys. Commun. 181:259) with ``n`` base rows, ``n(d+2)`` runs; output = mean absolute
  rank shift over units (COINr's target) and optionally each unit's rank; first-order index
  ``S_i = mean(y_B (y_ABi − y_A)) / V`` (Saltelli 2010), total index
  ``ST_i = mean((y_A − y_ABi)²) / (2V)`` (Jansen 1999), ``V = var([y_A, y_B])``; confidence
  intervals by bootstrap over the base rows (percentile, default 5–95 % as COINr). Rank
  statistics then use the 2n runs of A and B (as COINr).

Own estimators rather than SALib: SALib's samplers draw Sobol sequences for continuous
parameters and want N a power of two; here factors are mostly discrete, the weight group is
k-dimensional and the draws must come from one numpy Generator. The estimators are the same
formulas as SALib's ``sobol.analyze`` (checked in the tests on the same outputs).

A choice that cannot be applied to the data (unknown name, entropy on a constant column,
geometric mean of a normalisation with zeros or negatives, ...) raises :class:`InputError`
naming the choice and the reason before any run: nothing is skipped and nothing falls back.

Ranks are league-table positions, 1 = best, ties share the lowest position (as
:mod:`ipbench.aggregate`); scores within 1e-10 (relative) count as ties.
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ipbench import aggregate as _agg
from ipbench import normalize as _norm
from ipbench import weights as _wts
from ipbench._checks import as_frame, check_finite, check_weights, resolve_directions
from ipbench.errors import InputError

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["FACTOR_LABELS", "RankRobustness", "plot_rank_intervals", "rank_robustness"]

WEIGHTINGS: dict[str, Callable[..., pd.Series]] = {
    "equal": _wts.equal,
    "entropy": _wts.entropy,
    "critic": _wts.critic,
    "std": _wts.std,
}
AGGREGATIONS = ("arithmetic", "geometric", "topsis")
FACTOR_LABELS = {
    "weighting": "权重方法 · weighting",
    "weight_noise": "权重扰动 · weight perturbation",
    "normalisation": "标准化方法 · normalisation",
    "aggregation": "集成方法 · aggregation",
}
_TIE_RTOL = 1e-10
_CHUNK = 4096  # runs per block: bounds memory at units × 4096 floats


# --------------------------------------------------------------------------------------------
# choices
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Choice:
    label: str
    name: str
    kwargs: Mapping[str, Any] = field(default_factory=dict)


def _parse_choices(specs: Any, what: str, known: Sequence[str]) -> list[_Choice]:
    """``"name"`` or ``("name", {kwargs})`` items → choices with unique labels."""
    if isinstance(specs, str) or (isinstance(specs, tuple) and len(specs) == 2
                                  and isinstance(specs[1], Mapping)):
        specs = [specs]
    out: list[_Choice] = []
    for spec in specs:
        if isinstance(spec, str):
            name, kwargs = spec, {}
        elif isinstance(spec, tuple) and len(spec) == 2 and isinstance(spec[1], Mapping):
            name, kwargs = spec[0], dict(spec[1])
        else:
            raise InputError(f"{what} choice {spec!r} must be a name or (name, {{options}})")
        if name not in known:
            raise InputError(f"unknown {what} choice {name!r}; known: {sorted(known)}")
        label = name if not kwargs else f"{name}({', '.join(f'{k}={v!r}' for k, v in kwargs.items())})"
        out.append(_Choice(label, name, kwargs))
    if not out:
        raise InputError(f"no {what} choice given: give at least one")
    labels = [c.label for c in out]
    if len(set(labels)) != len(labels):
        raise InputError(f"{what} choices are repeated: {labels}")
    return out


def _weight_sets(
    df: pd.DataFrame, weights: Any, directions: pd.Series, choices: list[_Choice]
) -> np.ndarray:
    rows = []
    for c in choices:
        if c.name == "nominal":
            if weights is None:
                raise InputError("weighting choice 'nominal' needs the nominal weights (weights=...)")
            if c.kwargs:
                raise InputError("weighting choice 'nominal' takes no options")
            w = check_weights(weights, df.columns)
        else:
            try:
                w = WEIGHTINGS[c.name](df, directions, **c.kwargs)
            except (InputError, TypeError) as exc:
                raise InputError(
                    f"weighting choice {c.label!r} cannot be applied to these data: {exc}",
                    indicator=getattr(exc, "indicator", None),
                ) from exc
        rows.append(w.reindex(df.columns).to_numpy(dtype=float))
    return np.vstack(rows)


def _normalised(df: pd.DataFrame, directions: pd.Series, c: _Choice) -> np.ndarray:
    try:
        out = _norm.METHODS[c.name](df, directions, **c.kwargs)
    except (InputError, TypeError) as exc:
        raise InputError(
            f"normalisation choice {c.label!r} cannot be applied to these data: {exc}",
            indicator=getattr(exc, "indicator", None),
            unit=getattr(exc, "unit", None),
        ) from exc
    return out.to_numpy(dtype=float)


# --------------------------------------------------------------------------------------------
# vectorised aggregation: one normalised matrix Z (units × k), many weight rows W (m × k)
# --------------------------------------------------------------------------------------------
def _scorer(Z: np.ndarray, agg: _Choice) -> Callable[[np.ndarray], np.ndarray]:
    """Return ``W (m × k) → scores (m × units)`` equal to ``ipbench.aggregate`` row by row."""
    if agg.name == "arithmetic":
        if agg.kwargs:
            raise InputError(f"aggregation choice {agg.label!r}: arithmetic takes no options")
        Zt = np.ascontiguousarray(Z.T)
        return lambda W: W @ Zt
    if agg.name == "geometric":
        zero = agg.kwargs.get("zero", "raise")
        if zero == "propagate":
            raise InputError(
                f"aggregation choice {agg.label!r}: zero='propagate' makes every unit with a"
                " zero score 0 and their ranks arbitrary; use zero='raise' or zero='offset'"
            )
        offset = agg.kwargs.get("offset") if zero == "offset" else 0.0
        logs = np.ascontiguousarray(np.log(Z + offset).T)
        return lambda W: np.exp(W @ logs)
    # TOPSIS (directions are all benefit after normalisation): with v = w·r and w >= 0 the
    # ideal is w·max(r), so d+² = Σ_j w_j² (r_ij − max_j r)², a matrix product in w².
    normalization = agg.kwargs.get("normalization", "vector")
    if normalization == "vector":
        r = Z / np.sqrt((Z * Z).sum(axis=0))
    else:
        lo = Z.min(axis=0)
        r = (Z - lo) / (Z.max(axis=0) - lo)
    far = np.ascontiguousarray(((r - r.max(axis=0)) ** 2).T)
    near = np.ascontiguousarray(((r - r.min(axis=0)) ** 2).T)

    def topsis(W: np.ndarray) -> np.ndarray:
        W2 = W * W
        d_plus, d_minus = np.sqrt(W2 @ far), np.sqrt(W2 @ near)
        total = d_plus + d_minus
        if (total == 0).any():
            raise InputError(
                f"aggregation choice {agg.label!r}: every weighted indicator is constant for"
                " some weight draw, TOPSIS cannot separate the units"
            )
        return d_minus / total

    return topsis


def _check_combination(Z: np.ndarray, df: pd.DataFrame, w: np.ndarray, norm: _Choice,
                       agg: _Choice) -> None:
    """Run the scalar ipbench.aggregate function once so its validation applies."""
    frame = pd.DataFrame(Z, index=df.index, columns=df.columns)
    kwargs = dict(agg.kwargs)
    try:
        if agg.name == "arithmetic":
            _agg.arithmetic(frame, w, **kwargs)
        elif agg.name == "geometric":
            _agg.geometric(frame, w, **kwargs)
        else:
            _agg.topsis(frame, w, **kwargs)
    except (InputError, TypeError) as exc:
        hint = (
            "; in a robustness analysis pair 'geometric' with a strictly positive"
            " normalisation, e.g. ('minmax', {'scale': (1, 100)}) or 'rank' (COINr practice)"
            if agg.name == "geometric" else ""
        )
        raise InputError(
            f"aggregation choice {agg.label!r} cannot be applied with normalisation choice"
            f" {norm.label!r}: {exc}{hint}",
            indicator=getattr(exc, "indicator", None),
            unit=getattr(exc, "unit", None),
        ) from exc


def _ranks(S: np.ndarray) -> np.ndarray:
    """League positions per row of ``S`` (runs × units): 1 = best, ties share the lowest."""
    n = S.shape[1]
    order = np.argsort(-S, axis=1)
    sorted_s = np.take_along_axis(S, order, axis=1)
    tol = _TIE_RTOL * np.maximum(np.abs(sorted_s).max(axis=1), np.finfo(float).tiny)
    new = np.ones(sorted_s.shape, dtype=bool)
    new[:, 1:] = (sorted_s[:, :-1] - sorted_s[:, 1:]) > tol[:, None]
    pos = np.where(new, np.arange(1, n + 1, dtype=np.int32), np.int32(0))
    np.maximum.accumulate(pos, axis=1, out=pos)
    ranks = np.empty_like(pos)
    np.put_along_axis(ranks, order, pos, axis=1)
    return ranks


def _rank_stats(R: np.ndarray, nominal: np.ndarray) -> dict[str, np.ndarray]:
    """Median, mean, 5th/95th percentiles (numpy's default, Hyndman–Fan type 7, as R's
    ``quantile``) and mean |R − nominal| per unit of integer ranks ``R`` (runs × units),
    from per-unit rank histograms: O(units²) after one bincount, no sorting of the runs."""
    m, n = R.shape
    counts = np.bincount((np.arange(n) * (n + 1) + R).ravel(), minlength=n * (n + 1))
    counts = counts.reshape(n, n + 1)  # counts[u, r]: runs with unit u at rank r
    cum = np.cumsum(counts, axis=1)
    values = np.arange(n + 1)

    def order_stat(j: int) -> np.ndarray:  # j-th smallest (0-based) per unit
        return (cum > j).argmax(axis=1)

    def quantile(p: float) -> np.ndarray:
        h = (m - 1) * p
        lo = math.floor(h)
        a = order_stat(lo)
        b = order_stat(min(lo + 1, m - 1))
        return a + (h - lo) * (b - a)

    return {
        "median": quantile(0.5),
        "mean": counts @ values / m,
        "q05": quantile(0.05),
        "q95": quantile(0.95),
        "mean_abs_shift": (counts * np.abs(values[None, :] - nominal[:, None])).sum(axis=1) / m,
    }


# --------------------------------------------------------------------------------------------
# Sobol estimators
# --------------------------------------------------------------------------------------------
def sobol_indices(yA: np.ndarray, yB: np.ndarray, yAB: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """First-order and total indices from the A, B, A_B^(i) outputs.

    ``yA``, ``yB``: shape (N, ...) ; ``yAB``: shape (N, d, ...). Returns ``S1``, ``ST`` of shape
    (d, ...): ``S_i = mean(y_B(y_ABi − y_A))/V`` (Saltelli et al. 2010, table 2 (b)),
    ``ST_i = mean((y_A − y_ABi)²)/(2V)`` (Jansen 1999), ``V = var([y_A; y_B])`` (ddof 0, as
    SALib). Outputs are first centred on the mean of all runs, as SALib's ``sobol.analyze``
    does: ``S_i`` is unbiased either way, but centring lowers its variance (COINr does not
    centre). Where ``V = 0`` (the output never changes) the indices are NaN.
    """
    centre = np.mean(np.concatenate([yA, yB, yAB.reshape(-1, *yA.shape[1:])], axis=0), axis=0)
    yA, yB, yAB = yA - centre, yB - centre, yAB - centre
    var = np.var(np.concatenate([yA, yB], axis=0), axis=0)
    yA, yB = yA[:, None], yB[:, None]
    with np.errstate(invalid="ignore", divide="ignore"):
        s1 = np.mean(yB * (yAB - yA), axis=0) / var
        st = 0.5 * np.mean((yA - yAB) ** 2, axis=0) / var
    undefined = np.broadcast_to(var <= 0, s1.shape)
    return np.where(undefined, np.nan, s1), np.where(undefined, np.nan, st)


def _bootstrap(yA, yB, yAB, n_boot: int, conf: float, rng: np.random.Generator):
    """Percentile bootstrap CIs of S1, ST resampling the N base rows jointly."""
    N = yA.shape[0]
    centre = np.mean(np.concatenate([yA, yB, yAB.ravel()]))
    yA, yB, yAB = yA - centre, yB - centre, yAB - centre
    idx = rng.integers(0, N, size=(n_boot, N))
    a, b, ab = yA[idx], yB[idx], yAB[idx]  # (n_boot, N), (n_boot, N, d)
    var = np.var(np.concatenate([a, b], axis=1), axis=1)[:, None]
    with np.errstate(invalid="ignore", divide="ignore"):
        s1 = np.mean(b[..., None] * (ab - a[..., None]), axis=1) / var
        st = 0.5 * np.mean((a[..., None] - ab) ** 2, axis=1) / var
    q = [(1 - conf) / 2, (1 + conf) / 2]
    return np.nanquantile(s1, q, axis=0), np.nanquantile(st, q, axis=0)


# --------------------------------------------------------------------------------------------
# result
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class RankRobustness:
    """Outcome of :func:`rank_robustness`.

    ``rank_stats`` (per unit): ``nominal`` rank, ``median``, ``mean``, ``q05``, ``q95``
    (5th/95th percentile ranks), ``mean_abs_shift`` (mean |rank − nominal| over the runs),
    sorted by nominal rank. ``sensitivity`` (per factor; with ``sobol=True``): ``S1``,
    ``S1_lo``, ``S1_hi``, ``ST``, ``ST_lo``, ``ST_hi`` on the mean absolute rank shift over
    units. ``unit_sensitivity``: units × (``S1``/``ST``, factor) on each unit's rank (NaN
    where that rank never changes). ``ranks``: units × runs (the runs of the uncertainty
    analysis); ``runs``: the choice made in each of those runs. ``settings``: everything
    needed to reproduce the analysis (including the seed).
    """

    rank_stats: pd.DataFrame
    sensitivity: pd.DataFrame | None
    unit_sensitivity: pd.DataFrame | None
    ranks: pd.DataFrame
    runs: pd.DataFrame
    nominal_scores: pd.Series
    settings: dict[str, Any]

    def summary(self) -> str:
        st = self.rank_stats
        s = self.settings
        lines = [
            "排名稳健性 · Rank robustness (Monte Carlo over method choices)",
            f"units {len(st)}, indicators {s['indicators']}, runs {s['runs']}"
            f" (n={s['n']}, sobol={s['sobol']}), seed {s['seed']}",
            f"nominal: weighting={s['nominal']['weighting']},"
            f" normalisation={s['nominal']['normalisation']},"
            f" aggregation={s['nominal']['aggregation']}",
            "uncertain factors: "
            + ("; ".join(f"{k}: {v}" for k, v in s["factors"].items()) or "none"),
            f"mean |rank shift| over units and runs: {st['mean_abs_shift'].mean():.2f};"
            f" median 5–95 % rank interval width: {(st['q95'] - st['q05']).median():.1f}",
            "",
            st.round(2).to_string(),
        ]
        if self.sensitivity is not None:
            lines += ["", "Sobol indices on the mean absolute rank shift"
                      f" ({s['conf']:.0%} bootstrap intervals, {s['n_boot']} resamples):",
                      self.sensitivity.round(3).to_string()]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()

    def _repr_html_(self) -> str:
        s = self.settings
        parts = [
            "<h4>排名稳健性 · Rank robustness</h4>",
            f"<p>{len(self.rank_stats)} units, {s['runs']} runs, seed {s['seed']};"
            f" factors: {html.escape('; '.join(f'{k}: {v}' for k, v in s['factors'].items()))}</p>",
            self.rank_stats.round(2).to_html(),
        ]
        if self.sensitivity is not None:
            parts += ["<p>Sobol indices (mean absolute rank shift)</p>",
                      self.sensitivity.round(3).to_html()]
        return "\n".join(parts)

    def plot(self, ax: Axes | None = None, units: Sequence[Any] | None = None,
             order_by: str = "nominal") -> Figure:
        """Rank intervals per unit; see :func:`plot_rank_intervals`."""
        return plot_rank_intervals(self, ax=ax, units=units, order_by=order_by)


def plot_rank_intervals(result: RankRobustness, ax: Axes | None = None,
                        units: Sequence[Any] | None = None, order_by: str = "nominal") -> Figure:
    """COINr-style ``plot_uncertainty``: per unit a line from the 5th to the 95th percentile
    rank, a dot at the median and a cross at the nominal rank; rank 1 at the top."""
    import matplotlib as mpl
    from matplotlib import pyplot as plt

    from ipbench.fonts import use_cjk_font

    st = result.rank_stats
    if units is not None:
        missing = [u for u in units if u not in st.index]
        if missing:
            raise InputError(f"units {missing} are not in the robustness result", unit=missing[0])
        st = st.loc[list(units)]
    if order_by not in ("nominal", "median"):
        raise InputError(f"order_by must be 'nominal' or 'median', got {order_by!r}")
    st = st.sort_values([order_by, "nominal"])
    with mpl.rc_context():
        use_cjk_font()
        if ax is None:
            height = max(2.5, 0.22 * len(st) + 1)
            _, ax = plt.subplots(figsize=(6.5, height), layout="constrained")
        y = np.arange(len(st))
        ax.hlines(y, st["q05"], st["q95"], color="#9e9e9e", linewidth=2.2, label="5–95 %")
        ax.plot(st["median"], y, "o", color="#2b8cbe", markersize=5, label="中位数 · median")
        ax.plot(st["nominal"], y, "x", color="#d7301f", markersize=6, label="基准 · nominal")
        ax.set_yticks(y, [str(u) for u in st.index])
        ax.invert_yaxis()
        ax.set_xlabel("排名 · rank (1 = best)")
        ax.legend(loc="lower right", fontsize=8)
        ax.grid(axis="x", alpha=0.3)
    return ax.figure


# --------------------------------------------------------------------------------------------
# main entry
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Model:
    Zs: list[np.ndarray]
    scorers: dict[tuple[int, int], Callable[[np.ndarray], np.ndarray]]
    base_weights: np.ndarray
    delta: float
    factors: list[tuple[str, int, int]]  # (name, first column in U, number of columns)
    n_alt: dict[str, int]

    def decode(self, U: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        m, k = U.shape[0], self.base_weights.shape[1]
        idx = {"weighting": np.zeros(m, int), "normalisation": np.zeros(m, int),
               "aggregation": np.zeros(m, int)}
        noise = np.full((m, k), 0.5)
        for name, col, width in self.factors:
            if name == "weight_noise":
                noise = U[:, col:col + width]
            else:
                n_alt = self.n_alt[name]
                idx[name] = np.minimum((U[:, col] * n_alt).astype(int), n_alt - 1)
        W = self.base_weights[idx["weighting"]] * (1.0 + self.delta * (2.0 * noise - 1.0))
        W /= W.sum(axis=1, keepdims=True)
        return idx["weighting"], W, idx["normalisation"], idx["aggregation"]

    def ranks(self, U: np.ndarray) -> np.ndarray:
        """Ranks (runs × units) of the runs encoded by the uniform draws ``U``."""
        n_units = self.Zs[0].shape[0]
        out = np.empty((U.shape[0], n_units), dtype=np.int32)
        for start in range(0, U.shape[0], _CHUNK):
            block = slice(start, min(start + _CHUNK, U.shape[0]))
            _, W, ni, ai = self.decode(U[block])
            S = np.empty((W.shape[0], n_units))
            pair = ni * 1000 + ai
            for key in np.unique(pair):
                rows = np.flatnonzero(pair == key)
                S[rows] = self.scorers[(int(key) // 1000, int(key) % 1000)](W[rows])
            out[block] = _ranks(S)
        return out


def rank_robustness(
    X: Any,
    weights: Any = None,
    directions: Any = None,
    *,
    weightings: Sequence[Any] | None = None,
    weight_noise: float = 0.2,
    normalisations: Sequence[Any] = ("minmax", "zscore", "rank"),
    aggregations: Sequence[Any] = ("arithmetic", "topsis"),
    n: int = 1000,
    sobol: bool = False,
    unit_sobol: bool = False,
    n_boot: int = 500,
    conf: float = 0.90,
    seed: int | np.random.Generator | None = None,
) -> RankRobustness:
    """Monte Carlo rank intervals of a composite indicator under alternative method choices.

    ``X``: raw indicators (rows = units, columns = indicators; no NaN); ``directions`` as in
    :mod:`ipbench.normalize`. ``weights``: the nominal weights (summing to 1); alternatives
    ``weightings`` default to ``("nominal", "equal", "entropy", "critic")`` (without
    ``"nominal"`` when no weights are given). Each alternative list names methods of
    :mod:`ipbench.weights`, :mod:`ipbench.normalize` and :mod:`ipbench.aggregate` (a name or
    ``(name, {options})``, e.g. ``("minmax", {"scale": (1, 100)})`` so that ``geometric``
    can apply, as COINr's sensitivity vignette does). The **first** alternative of each list
    is the nominal choice. ``weight_noise`` δ in [0, 1): each weight is multiplied by
    U(1 − δ, 1 + δ) and the set renormalised; 0 fixes the weights of the chosen method.

    ``n`` runs (``sobol=False``) or ``n`` base rows of the Saltelli design, ``n(d + 2)`` runs,
    when ``sobol=True`` (needs at least 2 uncertain factors, as COINr). ``unit_sobol`` also
    estimates the indices of each unit's rank. ``seed``: int or numpy Generator; None draws a
    fresh seed, recorded in ``settings`` so the run can be repeated.

    Every combination of normalisation × aggregation is checked with the scalar functions of
    :mod:`ipbench.aggregate` before any run; one that cannot be applied raises
    :class:`InputError` naming both choices. See the module docstring for the formulas.
    """
    df = as_frame(X)
    check_finite(df)
    d = resolve_directions(directions, df.columns)
    if not (isinstance(n, int | np.integer) and n >= 2):
        raise InputError(f"n must be an integer >= 2, got {n!r}")
    if not (0.0 <= float(weight_noise) < 1.0):
        raise InputError(f"weight_noise must be in [0, 1), got {weight_noise!r}")
    if not (0 < conf < 1):
        raise InputError(f"conf must be in (0, 1), got {conf!r}")
    if isinstance(seed, np.random.Generator):
        rng, seed_used = seed, "Generator"
    else:
        seed_used = int(np.random.SeedSequence().entropy) if seed is None else int(seed)
        rng = np.random.default_rng(seed_used)

    if weightings is None:
        weightings = (("nominal",) if weights is not None else ()) + ("equal", "entropy", "critic")
    w_choices = _parse_choices(weightings, "weighting", ["nominal", *WEIGHTINGS])
    n_choices = _parse_choices(normalisations, "normalisation", list(_norm.METHODS))
    a_choices = _parse_choices(aggregations, "aggregation", list(AGGREGATIONS))

    base = _weight_sets(df, weights, d, w_choices)
    Zs = [_normalised(df, d, c) for c in n_choices]
    # one scalar check per combination, with weights positive wherever any weight set is
    # (perturbed weights are positive exactly where their base set is)
    w_any = base.mean(axis=0)
    scorers = {}
    for i, (Z, nc) in enumerate(zip(Zs, n_choices, strict=True)):
        for j, ac in enumerate(a_choices):
            _check_combination(Z, df, w_any, nc, ac)
            scorers[(i, j)] = _scorer(Z, ac)

    k = df.shape[1]
    factors: list[tuple[str, int, int]] = []
    col = 0
    described: dict[str, str] = {}
    for name, choices in (("weighting", w_choices), ("weight_noise", None),
                          ("normalisation", n_choices), ("aggregation", a_choices)):
        if name == "weight_noise":
            if weight_noise > 0:
                factors.append((name, col, k))
                col += k
                described[name] = f"±{weight_noise:g} × each weight"
        elif len(choices) > 1:
            factors.append((name, col, 1))
            col += 1
            described[name] = ", ".join(c.label for c in choices)
    if not factors:
        raise InputError("nothing is uncertain: give more than one alternative or weight_noise > 0")
    if sobol and len(factors) < 2:
        raise InputError(
            "sensitivity indices need at least 2 uncertain factors (as COINr); only"
            f" {factors[0][0]!r} varies: use sobol=False"
        )
    model = _Model(Zs, scorers, base, float(weight_noise), factors,
                   {"weighting": len(w_choices), "normalisation": len(n_choices),
                    "aggregation": len(a_choices)})

    nominal_scores = scorers[(0, 0)](base[:1])[0]
    nominal = _ranks(nominal_scores[None, :])[0]

    n_cols = col
    if sobol:
        A, B = rng.random((n, n_cols)), rng.random((n, n_cols))
        blocks = [A, B]
        for _, c0, width in factors:
            ab = A.copy()
            ab[:, c0:c0 + width] = B[:, c0:c0 + width]
            blocks.append(ab)
        U = np.vstack(blocks)
    else:
        U = rng.random((n, n_cols))
    ranks = model.ranks(U)
    ua = slice(0, 2 * n) if sobol else slice(0, n)
    R = ranks[ua]
    stats = pd.DataFrame(
        {"nominal": nominal, **_rank_stats(R, nominal)}, index=df.index
    ).sort_values("nominal", kind="stable")

    sensitivity = unit_sens = None
    names = [f[0] for f in factors]
    if sobol:
        y = np.abs(ranks - nominal[None, :]).mean(axis=1)
        d_f = len(factors)
        yA, yB = y[:n], y[n:2 * n]
        yAB = y[2 * n:].reshape(d_f, n).T
        s1, st = sobol_indices(yA, yB, yAB)
        (s1_lo, s1_hi), (st_lo, st_hi) = _bootstrap(yA, yB, yAB, n_boot, conf, rng)
        sensitivity = pd.DataFrame(
            {"S1": s1, "S1_lo": s1_lo, "S1_hi": s1_hi, "ST": st, "ST_lo": st_lo, "ST_hi": st_hi},
            index=pd.Index(names, name="factor"),
        )
        if unit_sobol:
            Y = ranks.astype(float)  # runs × units
            u1, ut = sobol_indices(Y[:n], Y[n:2 * n], Y[2 * n:].reshape(d_f, n, -1).transpose(1, 0, 2))
            unit_sens = pd.concat(
                {"S1": pd.DataFrame(u1.T, index=df.index, columns=names),
                 "ST": pd.DataFrame(ut.T, index=df.index, columns=names)}, axis=1
            )

    widx, W, ni, ai = model.decode(U[ua])
    runs = pd.DataFrame(
        {
            "weighting": pd.Categorical.from_codes(widx, [c.label for c in w_choices]),
            "normalisation": pd.Categorical.from_codes(ni, [c.label for c in n_choices]),
            "aggregation": pd.Categorical.from_codes(ai, [c.label for c in a_choices]),
        }
    )
    settings = {
        # runs: all draws (n(d+2) under sobol); rank_runs: those the rank statistics use (2n or n)
        "n": int(n), "runs": int(U.shape[0]), "rank_runs": int(R.shape[0]), "sobol": bool(sobol),
        "seed": seed_used,
        "indicators": k, "weight_noise": float(weight_noise), "n_boot": int(n_boot),
        "conf": float(conf), "factors": described,
        "nominal": {"weighting": w_choices[0].label, "normalisation": n_choices[0].label,
                    "aggregation": a_choices[0].label},
        "alternatives": {"weighting": [c.label for c in w_choices],
                         "normalisation": [c.label for c in n_choices],
                         "aggregation": [c.label for c in a_choices]},
    }
    return RankRobustness(
        rank_stats=stats,
        sensitivity=sensitivity,
        unit_sensitivity=unit_sens,
        ranks=pd.DataFrame(R.T, index=df.index),
        runs=runs,
        nominal_scores=pd.Series(nominal_scores, index=df.index, name="score"),
        settings=settings,
    )
