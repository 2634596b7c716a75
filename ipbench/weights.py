"""Indicator weights: objective (equal, std, entropy, CRITIC, PCA), subjective (AHP) and combined.

Every objective method shares one signature family ``method(X, directions=None, ...)`` with
``X`` units x indicators (DataFrame or 2-D array) and returns a ``pd.Series`` of weights indexed
by indicator, each >= 0 and summing to 1. The numerics run on numpy arrays; labels are attached
at the end.

Defaults where sources disagree
- entropy: ``normalization="minmax"`` (熵权法, 李恒吉等 2021 sec. 2.2) is the default; ``"sum"``
  reproduces pymcdm / scikit-criteria (raw column proportions). ``0·ln 0 := 0`` in both (pymcdm
  instead sets the whole column's entropy to 0 when it holds a zero).
- CRITIC and std: the standard deviation uses ``ddof=0``; the weights do not depend on ``ddof``
  (every sigma scales by the same factor, which cancels in w = C / sum C).
- AHP random index: Saaty by default; Tummala & Ling (pymcdm) and Donegan & Dodd (AHPy
  default) as options: the CR, not the weights, depends on the table.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy.special import xlogy

from ipbench._checks import (
    as_frame,
    check_finite,
    check_nonconstant,
    check_nonnegative,
    check_weights,
    constant_mask,
    resolve_directions,
)
from ipbench.errors import ConsistencyWarning, InputError

__all__ = [
    "AHPGroupResult",
    "AHPResult",
    "PCAResult",
    "RANDOM_INDEX",
    "ahp",
    "ahp_group",
    "combine",
    "critic",
    "entropy",
    "equal",
    "pca",
    "pca_loadings",
    "random_index",
    "std",
]


# --------------------------------------------------------------------------------------------
# shared helpers (private)
# --------------------------------------------------------------------------------------------
#: |1 - r| below this counts as perfect correlation in CRITIC (corrcoef rounds r = 1 to
#: 1 - 2.2e-16 for some inputs and to exactly 1 for others)
CORRELATION_TOL = 1e-10
#: divergence 1 - e_j below this counts as none in entropy weights
ENTROPY_TOL = 1e-12


def plain(v: Any) -> Any:
    """A numpy scalar as the Python number or text it holds (messages show ``0.5``, never
    ``np.float64(0.5)``); tuples element-wise; anything else unchanged."""
    if isinstance(v, tuple):
        return tuple(plain(x) for x in v)
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, float):
        return float(f"{v:.12g}")
    return v


def _prepare(X: Any, directions: Any, name: str = "X") -> tuple[pd.DataFrame, np.ndarray]:
    """Validate ``X`` (finite, >= 2 units, no constant column) and resolve directions."""
    df = as_frame(X, name)
    values = df.to_numpy()
    if not np.isfinite(values).all():
        check_finite(df, name)
    if df.shape[0] < 2:
        raise InputError(f"{name} needs at least 2 units (rows) to derive weights, got {df.shape[0]}")
    if constant_mask(values).any():
        check_nonconstant(df, name)
    d = resolve_directions(directions, df.columns).to_numpy()
    return df, d


def _minmax(values: np.ndarray, d: np.ndarray) -> np.ndarray:
    """Min-max to [0, 1]: benefit (x - min)/(max - min), cost (max - x)/(max - min)."""
    lo, hi = values.min(axis=0), values.max(axis=0)
    span = hi - lo
    # cost columns: (max - x)/span = (x - max)/(-span); one pass, no temporaries per column
    base = np.where(d < 0, hi, lo)
    scale = np.where(d < 0, -span, span)
    z = values - base
    z /= scale
    return z


def _series(w: np.ndarray, index: pd.Index, name: str) -> pd.Series:
    w = np.clip(w, 0.0, None)
    total = w.sum()
    if not (np.isfinite(total) and total > 0):
        why = " (all indicators perfectly correlated?)" if name == "critic" else ""
        raise InputError(f"{name} weights undefined: every indicator scores 0{why}")
    return pd.Series(w / w.sum(), index=index, name=name, dtype=float)


# --------------------------------------------------------------------------------------------
# objective weights
# --------------------------------------------------------------------------------------------
def equal(X: Any, directions: Any = None) -> pd.Series:
    """Equal weights ``w_j = 1/n`` over the ``n`` indicators of ``X``."""
    df = as_frame(X)
    resolve_directions(directions, df.columns)
    n = df.shape[1]
    return pd.Series(np.full(n, 1.0 / n), index=df.columns, name="equal", dtype=float)


def std(X: Any, directions: Any = None, normalize: bool = True) -> pd.Series:
    """Standard-deviation weights ``w_j = sigma_j / sum_k sigma_k``.

    With ``normalize=True`` (default) sigma is taken on min-max normalised columns, so weights
    do not depend on the indicators' units; ``normalize=False`` uses raw columns as current
    pymcdm ``standard_deviation_weights`` does. sigma uses ddof=0 (weights do not depend on it).
    Directions do not change sigma (they are validated only).
    """
    df, d = _prepare(X, directions)
    values = df.to_numpy()
    if normalize:
        values = _minmax(values, d)
    return _series(values.std(axis=0), df.columns, "std")


def entropy(
    X: Any,
    directions: Any = None,
    normalization: Literal["minmax", "sum"] = "minmax",
    shift: float | tuple[float, float] | None = None,
) -> pd.Series:
    """Entropy weights (熵值法 / 熵权法).

    ``p_ij = y_ij / sum_i y_ij``, ``e_j = -(1/ln m) sum_i p_ij ln p_ij`` (``0·ln 0 := 0``),
    ``d_j = 1 - e_j``, ``w_j = d_j / sum_k d_k`` with ``m`` units. ``y`` depends on
    ``normalization``:

    - ``"minmax"`` (default; 李恒吉等 2021, 干旱区地理, ChinaXiv:202102.00039V1 sec. 2.2):
      ``y = (x - min)/(max - min)`` for benefit and ``(max - x)/(max - min)`` for cost
      indicators. The unit(s) at the worst value get ``y = 0`` and contribute ``0·ln 0 = 0``.
    - ``"sum"`` (pymcdm, scikit-criteria; Elsayed et al. 2017): ``y = x`` raw, so ``x >= 0`` is
      required and directions have no effect (entropy measures dispersion only).

    ``shift`` (off by default) is the epsilon-shift variant seen in applied code to avoid
    ``ln 0``: a float ``a`` uses ``y + a``; a pair ``(a, b)`` uses ``a + b·y`` (e.g.
    ``(0.002, 0.994)``). It changes the weights, so it must be reported with results.

    Invariances: positive rescaling of a column leaves the weights unchanged; with
    ``"minmax"`` shifting a column does too. Constant columns are rejected.
    """
    df, d = _prepare(X, directions)
    values = df.to_numpy()
    if normalization == "minmax":
        y = _minmax(values, d)
    elif normalization == "sum":
        check_nonnegative(df, "X", why="entropy with normalization='sum' needs x >= 0")
        y = values
    else:
        raise InputError(f"unknown entropy normalization {normalization!r}: use 'minmax' or 'sum'")
    if shift is not None:
        a, b = (float(shift), 1.0) if np.isscalar(shift) else (float(shift[0]), float(shift[1]))
        if not (a >= 0 and b > 0):
            raise InputError(f"entropy shift {plain(shift)} must give a >= 0 and b > 0 in a + b·y")
        y = a + b * y
    total = y.sum(axis=0)
    for j in np.flatnonzero(total <= 0):
        raise InputError(
            f"indicator {plain(df.columns[j])!r} sums to 0 after normalisation: entropy undefined",
            indicator=df.columns[j],
        )
    p = y / total
    e = -xlogy(p, p).sum(axis=0) / math.log(df.shape[0])  # xlogy(0, 0) = 0
    dj = 1.0 - e
    dj[np.abs(dj) < ENTROPY_TOL] = 0.0  # rounding, not dispersion
    if dj.sum() <= 0:
        raise InputError(
            "every indicator has maximal entropy (no dispersion): entropy weights undefined;"
            " use method 'equal' or 'std'"
        )
    return _series(dj, df.columns, "entropy")


def _correlation(z: np.ndarray, method: str) -> np.ndarray:
    if method == "pearson":
        return np.corrcoef(z, rowvar=False)
    if method == "spearman":
        from scipy.stats import rankdata

        return np.corrcoef(rankdata(z, axis=0), rowvar=False)
    if method == "kendall":
        from scipy.stats import kendalltau

        n = z.shape[1]
        r = np.eye(n)
        for i in range(n):
            for k in range(i + 1, n):
                r[i, k] = r[k, i] = kendalltau(z[:, i], z[:, k]).statistic
        return r
    raise InputError(f"unknown correlation {method!r}: use 'pearson', 'spearman' or 'kendall'")


def critic(
    X: Any,
    directions: Any = None,
    correlation: Literal["pearson", "spearman", "kendall"] = "pearson",
) -> pd.Series:
    """CRITIC weights (Diakoulaki, Mavrotas & Papayannakis 1995, Comput. Oper. Res. 22(7):763).

    Min-max normalise (cost indicators reversed, so correlations are between "better"
    directions), then ``C_j = sigma_j · sum_k (1 - r_jk)`` and ``w_j = C_j / sum_k C_k``;
    sigma with ddof=0 (as pymcdm 1.4; the weights do not depend on ddof). ``correlation`` picks
    Pearson (default), Spearman or Kendall tau-b for ``r``. Invariant to positive rescaling
    and shifts of a column.
    """
    df, d = _prepare(X, directions)
    if df.shape[1] == 1:  # one indicator takes all the weight, as with every other method
        return pd.Series([1.0], index=df.columns, name="critic", dtype=float)
    z = _minmax(df.to_numpy(), d)
    r = _correlation(z, correlation)
    # rounding leaves 1 - r ~ 1e-16 for perfectly correlated columns: treat it as 0, so the
    # same mathematical case gets the same verdict whatever the rounding
    conflict = 1.0 - r
    conflict[np.abs(conflict) < CORRELATION_TOL] = 0.0
    c = z.std(axis=0) * conflict.sum(axis=0)
    if not (c > 0).any():
        raise InputError(
            f"critic weights undefined: every pair of indicators is perfectly correlated"
            f" (|1 - r| < {CORRELATION_TOL:g}{'; with 2 units any two indicators are' if df.shape[0] == 2 else ''}),"
            " so CRITIC's conflict term is 0 for all; use method 'std' or 'entropy', or drop"
            " redundant indicators"
        )
    return _series(c, df.columns, "critic")


# --------------------------------------------------------------------------------------------
# PCA weights (OECD/JRC Handbook 2008)
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PCAResult:
    """Principal components of the correlation matrix and the retained, rotated loadings."""

    eigenvalues: pd.Series
    explained: pd.Series
    loadings: pd.DataFrame
    n_components: int
    rotation: str | None

    def summary(self) -> str:
        lines = [f"PCA: {self.n_components} component(s) retained, rotation={self.rotation}"]
        lines.append(pd.DataFrame({"eigenvalue": self.eigenvalues, "share": self.explained})
                     .round(3).to_string())
        lines.append(self.loadings.round(3).to_string())
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        return self.loadings.round(3).to_html()


def _varimax(loadings: np.ndarray, normalize: bool = True, tol: float = 1e-10,
             max_iter: int = 1000) -> np.ndarray:
    """Varimax rotation (Kaiser 1958, Psychometrika 23:187), with Kaiser row normalisation."""
    p, k = loadings.shape
    if k < 2:
        return loadings.copy()
    h = np.sqrt((loadings**2).sum(axis=1, keepdims=True)) if normalize else np.ones((p, 1))
    h = np.where(h > 0, h, 1.0)
    a = loadings / h
    rot = np.eye(k)
    crit = 0.0
    for _ in range(max_iter):
        lam = a @ rot
        u, s, vt = np.linalg.svd(a.T @ (lam**3 - lam * ((lam**2).sum(axis=0) / p)))
        rot = u @ vt
        new = s.sum()
        if new <= crit * (1.0 + tol):
            break
        crit = new
    return (a @ rot) * h


def pca_loadings(
    X: Any,
    directions: Any = None,
    n_components: int | Literal["handbook", "kaiser"] = "handbook",
    rotation: Literal["varimax"] | None = "varimax",
) -> PCAResult:
    """PCA of the correlation matrix (scikit-learn) and varimax-rotated loadings.

    Loadings of component f: ``eigvec_f · sqrt(eigval_f)``. Components kept:

    - ``"handbook"`` (default; OECD/JRC Handbook on Constructing Composite Indicators, 2008,
      sec. 6.1, TAI example): all components with eigenvalue > 1 **or** an individual share of
      variance > 10%, and at least enough to explain 60% cumulatively (the TAI example keeps 4
      components with eigenvalues 3.3, 1.7, 1.0, 0.9 = 41.9/21.8/12.3/11.1%).
    - ``"kaiser"``: eigenvalue > 1 (at least one component); or an explicit ``int``.

    Rotation is varimax with Kaiser normalisation (Kaiser 1958), as in SPSS/Statistica.
    Directions do not affect squared loadings; they are validated only.
    """
    from sklearn.decomposition import PCA

    df, _ = _prepare(X, directions)
    values = df.to_numpy()
    z = (values - values.mean(axis=0)) / values.std(axis=0)
    p = z.shape[1]
    model = PCA(svd_solver="full").fit(z)
    ratio = model.explained_variance_ratio_
    eig = ratio * p  # trace of a correlation matrix = p
    if n_components == "handbook":
        k = max(int((eig > 1).sum()), int((ratio > 0.10).sum()),
                int(np.searchsorted(np.cumsum(ratio), 0.60 - 1e-12) + 1), 1)
    elif n_components == "kaiser":
        k = max(int((eig > 1).sum()), 1)
    elif isinstance(n_components, int | np.integer) and not isinstance(n_components, bool):
        k = int(n_components)
        if not 1 <= k <= len(eig):
            raise InputError(f"n_components={k} must be between 1 and {len(eig)}")
    else:
        raise InputError(
            f"unknown n_components {n_components!r}: use 'handbook', 'kaiser' or an int"
        )
    k = min(k, len(eig))
    loads = model.components_[:k].T * np.sqrt(eig[:k])
    if rotation == "varimax":
        loads = _varimax(loads)
    elif rotation is not None:
        raise InputError(f"unknown rotation {rotation!r}: use 'varimax' or None")
    names = [f"PC{i + 1}" for i in range(len(eig))]
    return PCAResult(
        eigenvalues=pd.Series(eig, index=names, name="eigenvalue"),
        explained=pd.Series(ratio, index=names, name="share"),
        loadings=pd.DataFrame(loads, index=df.columns, columns=names[:k]),
        n_components=k,
        rotation=rotation,
    )


def pca(
    X: Any,
    directions: Any = None,
    n_components: int | Literal["handbook", "kaiser"] = "handbook",
    rotation: Literal["varimax"] | None = "varimax",
) -> pd.Series:
    """PCA weights after the OECD/JRC Handbook (2008, sec. 6.1 "Weights based on PCA/FA").

    With rotated loadings ``L`` (see :func:`pca_loadings`): ``V_f = sum_j L_jf^2`` (variance
    explained by factor f), squared loadings scaled to unity ``s_jf = L_jf^2 / V_f``; each
    indicator takes the factor on which its scaled squared loading is largest,
    ``w_j ∝ s_jf* · V_f* / sum_g V_g``; weights normalised to sum 1.
    """
    res = pca_loadings(X, directions, n_components, rotation)
    sq = res.loadings.to_numpy() ** 2
    v = sq.sum(axis=0)
    scaled = sq / v
    best = scaled.argmax(axis=1)
    w = scaled[np.arange(len(best)), best] * (v / v.sum())[best]
    return _series(w, res.loadings.index, "pca")


# --------------------------------------------------------------------------------------------
# AHP
# --------------------------------------------------------------------------------------------
#: Random consistency indices RI(n) by table. Saaty (2005) "Theory and Applications of the
#: Analytic Network Process", p. 31, as in AHPy (PhilipGriffith/AHPy ahpy.py, 'saaty');
#: Tummala & Ling (1998) Theory and Decision 44(3):221, as in pymcdm
#: (pymcdm/weights/subjective/ahp.py, RI_M); Donegan & Dodd (1991) Math. Comput. Modelling
#: 15(10):135, as in AHPy ('dd', the AHPy default; linear interpolation between listed n).
RANDOM_INDEX: dict[str, dict[int, float]] = {
    "saaty": {1: 0.0, 2: 0.0, 3: 0.52, 4: 0.89, 5: 1.11, 6: 1.25, 7: 1.35, 8: 1.40, 9: 1.45,
              10: 1.49, 11: 1.52, 12: 1.54, 13: 1.56, 14: 1.58, 15: 1.59},
    "tummala_ling": {1: 0.0, 2: 0.0, 3: 0.5799, 4: 0.8921, 5: 1.1159, 6: 1.2358, 7: 1.3322,
                     8: 1.3952, 9: 1.4537, 10: 1.4882, 11: 1.5117, 12: 1.5356, 13: 1.5571,
                     14: 1.5714, 15: 1.5831},
    "donegan_dodd": {1: 0.0, 2: 0.0, 3: 0.4914, 4: 0.8286, 5: 1.0591, 6: 1.1797, 7: 1.2519,
                     8: 1.3171, 9: 1.3733, 10: 1.4055, 11: 1.4213, 12: 1.4497, 13: 1.4643,
                     14: 1.4822, 15: 1.4969, 16: 1.5078, 17: 1.5153, 18: 1.5262, 19: 1.5313,
                     20: 1.5371, 25: 1.5619, 30: 1.5772, 40: 1.5976, 50: 1.6102, 60: 1.6178,
                     70: 1.6237, 80: 1.6277, 90: 1.6213, 100: 1.6339},
}
_RI_ALIASES = {"dd": "donegan_dodd", "tl": "tummala_ling", "pymcdm": "tummala_ling"}


def random_index(n: int, table: str = "saaty") -> float:
    """RI(n) from ``table`` (see :data:`RANDOM_INDEX`); Donegan–Dodd interpolates linearly."""
    key = _RI_ALIASES.get(table, table)
    if key not in RANDOM_INDEX:
        raise InputError(
            f"unknown random-index table {table!r}: use {sorted(RANDOM_INDEX)}"
        )
    tab = RANDOM_INDEX[key]
    if n in tab:
        return tab[n]
    sizes = sorted(tab)
    if n < 1 or n > sizes[-1]:
        larger = [k for k, t in RANDOM_INDEX.items() if max(t) >= n]
        hint = f"; use ri={larger[0]!r} (n up to {max(RANDOM_INDEX[larger[0]])})" if larger and n >= 1 else ""
        raise InputError(f"the {key!r} random-index table covers n = 1..{sizes[-1]}, not n = {n}{hint}")
    lo = max(s for s in sizes if s < n)
    hi = min(s for s in sizes if s > n)
    return tab[lo] + (tab[hi] - tab[lo]) * (n - lo) / (hi - lo)


@dataclass(frozen=True)
class AHPResult:
    """Priorities and consistency of one pairwise-comparison matrix."""

    weights: pd.Series
    lambda_max: float
    ci: float
    cr: float
    ri: float
    n: int
    ri_table: str = "saaty"
    cr_threshold: float = 0.1
    matrix: pd.DataFrame | None = field(default=None, repr=False, compare=False)

    @property
    def consistent(self) -> bool:
        """True when ``cr <= cr_threshold``."""
        return self.cr <= self.cr_threshold

    def summary(self) -> str:
        verdict = "acceptable 一致性可接受" if self.consistent else "NOT acceptable 一致性不可接受"
        head = (
            f"AHP 层次分析法 (principal eigenvector), n = {self.n}\n"
            f"lambda_max = {self.lambda_max:.4f}, CI = {self.ci:.4f}, RI({self.ri_table}) = "
            f"{self.ri:.4f}, CR = {self.cr:.4f} (threshold {self.cr_threshold:g}: {verdict})"
        )
        return head + "\n" + self.weights.round(4).to_string()

    def _repr_html_(self) -> str:
        cap = f"CR = {self.cr:.4f} (RI {self.ri_table}), lambda_max = {self.lambda_max:.4f}"
        return f"<p>{cap}</p>" + self.weights.round(4).to_frame("weight").to_html()


def _ahp_matrix(matrix: Any, labels: Sequence[Any] | None, tol: float, name: str) -> pd.DataFrame:
    """Validate a pairwise matrix; return it with exact reciprocals below the diagonal."""
    if isinstance(matrix, pd.DataFrame):
        if not matrix.index.equals(matrix.columns):
            raise InputError(
                f"{name}: row labels {list(matrix.index)} and column labels"
                f" {list(matrix.columns)} of the judgment matrix differ"
            )
        if labels is not None and list(labels) != list(matrix.columns):
            raise InputError(f"{name}: labels {list(labels)} do not match {list(matrix.columns)}")
        names = list(matrix.columns)
        a = matrix.to_numpy(dtype=float)
    else:
        a = np.asarray(matrix, dtype=float)
        if a.ndim != 2:
            raise InputError(f"{name}: the judgment matrix must be 2-D, got {a.ndim}-D")
        names = list(labels) if labels is not None else [f"x{i + 1}" for i in range(a.shape[0])]
    n = a.shape[0]
    if a.shape != (n, n) or n == 0:
        raise InputError(f"{name}: the judgment matrix must be square and non-empty, got {a.shape}")
    if len(names) != n:
        raise InputError(f"{name}: {len(names)} labels for a {n}x{n} matrix")
    if len(set(names)) != n:
        raise InputError(f"{name}: duplicated labels {names}")
    for i, j in np.argwhere(~np.isfinite(a) | (a <= 0)):
        raise InputError(
            f"{name}: judgment a[{plain(names[i])!r}, {plain(names[j])!r}] = {plain(a[i, j])} must be a finite"
            " positive number (Saaty scale 1/9 .. 9)",
            indicator=names[i],
        )
    for i in range(n):
        if abs(a[i, i] - 1.0) > tol:
            raise InputError(
                f"{name}: diagonal a[{plain(names[i])!r}, {plain(names[i])!r}] = {plain(a[i, i])} must be 1",
                indicator=names[i],
            )
    prod = a * a.T
    for i, j in np.argwhere(np.triu(np.abs(prod - 1.0) > tol, 1)):
        raise InputError(
            f"{name}: not reciprocal at [{plain(names[i])!r}, {plain(names[j])!r}] = {a[i, j]:g} vs"
            f" [{plain(names[j])!r}, {plain(names[i])!r}] = {a[j, i]:g} (need a_ji = 1/a_ij within"
            f" {tol:g}; enter fractions such as 1/3 exactly)",
            indicator=names[i],
        )
    upper = np.triu(a, 1)
    exact = upper + np.triu(1.0 / a, 1).T + np.eye(n)
    return pd.DataFrame(exact, index=names, columns=names)


def _eigen_priority(a: np.ndarray) -> tuple[np.ndarray, float]:
    vals, vecs = np.linalg.eig(a)
    k = int(np.argmax(vals.real))
    v = np.abs(vecs[:, k].real)
    return v / v.sum(), float(vals[k].real)


def _consistency(lam: float, n: int, ri_table: str) -> tuple[float, float, float]:
    ri = random_index(n, ri_table)
    if n <= 2:
        return 0.0, 0.0, ri
    ci = max((lam - n) / (n - 1), 0.0)
    return ci, ci / ri, ri


def _warn_or_raise(message: str, strict: bool) -> None:
    if strict:
        raise InputError(message)
    warnings.warn(message, ConsistencyWarning, stacklevel=3)


def ahp(
    matrix: Any,
    ri: str = "saaty",
    cr_threshold: float = 0.1,
    strict: bool = False,
    labels: Sequence[Any] | None = None,
    reciprocal_tol: float = 0.01,
) -> AHPResult:
    """AHP priorities by the principal eigenvector (Saaty 1977, J. Math. Psychol. 15:234).

    ``A w = lambda_max w``; ``CI = (lambda_max - n)/(n - 1)``; ``CR = CI / RI(n)`` with ``RI``
    from ``ri`` = ``"saaty"`` (default), ``"tummala_ling"`` or ``"donegan_dodd"`` (see
    :data:`RANDOM_INDEX`). For ``n <= 2`` every reciprocal matrix is consistent: CI = CR = 0.

    ``matrix`` is a DataFrame (labels from index = columns) or a square array with ``labels``.
    It must be positive with unit diagonal and reciprocal: ``|a_ij·a_ji - 1| <= reciprocal_tol``
    (default 1%, so 0.333 passes for 1/3); the upper triangle is then used with exact
    reciprocals below. ``CR > cr_threshold`` warns :class:`ipbench.errors.ConsistencyWarning`,
    or raises :class:`InputError` when ``strict``.
    """
    mat = _ahp_matrix(matrix, labels, reciprocal_tol, "ahp")
    n = mat.shape[0]
    w, lam = _eigen_priority(mat.to_numpy())
    ci, cr, ri_value = _consistency(lam, n, ri)
    key = _RI_ALIASES.get(ri, ri)
    res = AHPResult(
        weights=pd.Series(w, index=mat.columns, name="ahp", dtype=float),
        lambda_max=lam, ci=ci, cr=cr, ri=ri_value, n=n, ri_table=key,
        cr_threshold=cr_threshold, matrix=mat,
    )
    if cr > cr_threshold:
        _warn_or_raise(
            f"AHP judgment matrix is inconsistent: CR = {cr:.4f} > {cr_threshold:g}"
            f" (RI table {key!r}); revise the judgments", strict,
        )
    return res


@dataclass(frozen=True)
class AHPGroupResult:
    """Group AHP: aggregated priorities plus each expert's priorities and CR."""

    weights: pd.Series
    method: str
    individual: pd.DataFrame
    expert_cr: pd.Series
    expert_weights: pd.Series
    aggregate: AHPResult | None = field(default=None, repr=False)

    def summary(self) -> str:
        lines = [f"group AHP 群组层次分析 ({self.method.upper()}), {len(self.expert_cr)} experts"]
        if self.aggregate is not None:
            lines.append(f"aggregated matrix CR = {self.aggregate.cr:.4f}")
        lines.append("expert CR: " + ", ".join(f"{k}={v:.4f}" for k, v in self.expert_cr.items()))
        table = self.individual.copy()
        table["group"] = self.weights
        lines.append(table.round(4).to_string())
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        table = self.individual.copy()
        table["group"] = self.weights
        return table.round(4).to_html()


def ahp_group(
    matrices: Sequence[Any] | Mapping[Any, Any],
    method: Literal["aij", "aip"] = "aij",
    expert_weights: Any = None,
    ri: str = "saaty",
    cr_threshold: float = 0.1,
    strict: bool = False,
    labels: Sequence[Any] | None = None,
    aip_mean: Literal["geometric", "arithmetic"] = "geometric",
) -> AHPGroupResult:
    """Group AHP after Forman & Peniwati (1998), EJOR 108(1):165-169.

    - ``"aij"`` (aggregation of individual judgments): element-wise weighted geometric mean
      ``a_ij = prod_k a_ij,k ^ lambda_k`` (keeps reciprocity), then the principal eigenvector.
    - ``"aip"`` (aggregation of individual priorities): each expert's eigenvector priorities
      ``w_k`` combined by the weighted geometric mean (default) or, with
      ``aip_mean="arithmetic"``, the weighted arithmetic mean; then normalised to sum 1.

    ``matrices``: a sequence (experts named ``expert1..``) or a mapping name -> matrix, all over
    the same labels. ``expert_weights`` (>= 0, sum 1) default equal. Any expert (and, for AIJ,
    the aggregated matrix) with CR above ``cr_threshold`` warns, or raises when ``strict``.
    When all experts give the same matrix, or all matrices are perfectly consistent, AIJ and
    AIP (geometric) give identical priorities.
    """
    if isinstance(matrices, Mapping):
        items = list(matrices.items())
    else:
        items = [(f"expert{k + 1}", m) for k, m in enumerate(matrices)]
    if not items:
        raise InputError("ahp_group needs at least one judgment matrix")
    mats = [(name, _ahp_matrix(m, labels, 0.01, f"expert {name!r}")) for name, m in items]
    ref = list(mats[0][1].columns)
    for name, m in mats[1:]:
        if list(m.columns) != ref:
            raise InputError(f"expert {name!r}: labels {list(m.columns)} differ from {ref}")
    names = [name for name, _ in mats]
    lam = (
        pd.Series(1.0 / len(names), index=names)
        if expert_weights is None
        else check_weights(expert_weights, names)
    ).astype(float)
    n = len(ref)
    prio, crs = {}, {}
    for name, m in mats:
        w, lmax = _eigen_priority(m.to_numpy())
        prio[name] = w
        crs[name] = _consistency(lmax, n, ri)[1]
    individual = pd.DataFrame(prio, index=ref)
    expert_cr = pd.Series(crs, name="cr")
    bad = expert_cr[expert_cr > cr_threshold]
    if len(bad):
        _warn_or_raise(
            "inconsistent expert judgment matrices (CR > "
            f"{cr_threshold:g}): " + ", ".join(f"{k} CR={v:.4f}" for k, v in bad.items()),
            strict,
        )
    aggregate = None
    lv = lam.to_numpy()
    if method == "aij":
        logs = np.stack([np.log(m.to_numpy()) for _, m in mats])
        agg = np.exp(np.tensordot(lv, logs, axes=1))
        aggregate = ahp(pd.DataFrame(agg, index=ref, columns=ref), ri=ri,
                        cr_threshold=cr_threshold, strict=strict)
        w = aggregate.weights.to_numpy()
    elif method == "aip":
        p = individual.to_numpy()
        if aip_mean == "geometric":
            w = np.exp(np.log(p) @ lv)
        elif aip_mean == "arithmetic":
            w = p @ lv
        else:
            raise InputError(f"unknown aip_mean {aip_mean!r}: use 'geometric' or 'arithmetic'")
        w = w / w.sum()
    else:
        raise InputError(f"unknown group AHP method {method!r}: use 'aij' or 'aip'")
    return AHPGroupResult(
        weights=pd.Series(w, index=ref, name=method, dtype=float),
        method=method, individual=individual, expert_cr=expert_cr,
        expert_weights=lam.rename("expert_weight"), aggregate=aggregate,
    )


# --------------------------------------------------------------------------------------------
# combination
# --------------------------------------------------------------------------------------------
def combine(
    subjective: Any,
    objective: Any,
    method: Literal["multiplicative", "linear"] = "multiplicative",
    alpha: float = 0.5,
) -> pd.Series:
    """Combine subjective (e.g. AHP) and objective (e.g. entropy) weights.

    - ``"multiplicative"`` (李恒吉等 2021 sec. 2.2): ``mu_j = a_j w_j / sum_k a_k w_k``.
    - ``"linear"``: ``alpha · subjective + (1 - alpha) · objective``, ``0 <= alpha <= 1``.

    Both inputs are Series/mappings over the same indicators (>= 0, summing to 1); the result
    follows ``subjective``'s order.
    """
    if isinstance(subjective, AHPResult):
        subjective = subjective.weights
    if not isinstance(subjective, pd.Series | Mapping):
        raise InputError("combine needs labelled weights (a Series or mapping) for 'subjective'")
    sub = pd.Series(dict(subjective)) if isinstance(subjective, Mapping) else subjective
    a = check_weights(sub, sub.index)
    w = check_weights(objective, a.index)
    if method == "multiplicative":
        prod = a * w
        if prod.sum() <= 0:
            raise InputError("subjective and objective weights share no positive indicator")
        out = prod / prod.sum()
    elif method == "linear":
        if not 0.0 <= alpha <= 1.0:
            raise InputError(f"alpha = {plain(alpha)} must lie in [0, 1]")
        out = alpha * a + (1.0 - alpha) * w
        out = out / out.sum()
    else:
        raise InputError(f"unknown combine method {method!r}: use 'multiplicative' or 'linear'")
    return out.rename("combined").astype(float)
