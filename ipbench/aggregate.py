"""Aggregation (综合评价): combine normalised indicators into scores and rankings.

* :func:`arithmetic` — weighted sum (linear additive, 加权求和);
* :func:`geometric` — weighted geometric mean, explicit zero handling;
* :func:`topsis` — closeness to the ideal solution (逼近理想解法);
* :func:`vikor` — compromise ranking with S, R, Q (VIKOR 折衷排序);
* :func:`hierarchical` — indicator → sub-dimension → dimension → index along a tree.

Inputs: ``X`` rows = units, columns = indicators (DataFrame or 2-D array), ``weights`` per
indicator (mapping/Series by name, or a sequence in column order; ``>= 0``, summing to 1).
NaN is rejected: impute first (:mod:`ipbench.impute`). Ranks are league-table positions:
1 = best, ties share the lowest position ("min" ranking).
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ipbench._checks import (
    as_frame,
    check_finite,
    check_nonconstant,
    check_nonnegative,
    check_weights,
    resolve_directions,
)
from ipbench.errors import InputError

__all__ = [
    "HierarchicalResult",
    "VikorResult",
    "arithmetic",
    "geometric",
    "hierarchical",
    "topsis",
    "vikor",
]

_WEIGHT_TOL = 1e-6


def _prepare(X: Any, weights: Any) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    df = as_frame(X)
    check_finite(df)
    w = check_weights(weights, df.columns).to_numpy(dtype=float)
    return df, df.to_numpy(dtype=float), w


def _positions(score: np.ndarray, higher_is_better: bool = True) -> np.ndarray:
    """League-table positions, 1 = best, ties share the lowest position."""
    s = pd.Series(score)
    return s.rank(ascending=not higher_is_better, method="min").to_numpy(dtype=int)


def arithmetic(X: Any, weights: Any) -> pd.Series:
    """Weighted arithmetic mean ``s_i = Σ_j w_j x_ij`` (fully compensatory).

    Reference: OECD/JRC (2008) Handbook on Constructing Composite Indicators, sec. 6.2.
    """
    df, x, w = _prepare(X, weights)
    return pd.Series(x @ w, index=df.index, name="score")


def _log_weighted(
    df: pd.DataFrame, x: np.ndarray, w: np.ndarray, zero: str, offset: float | None
) -> np.ndarray:
    """``Σ_j w_j ln x_ij`` with the zero policy of :func:`geometric` (may contain -inf)."""
    if zero not in ("raise", "propagate", "offset"):
        raise InputError(f"unknown zero policy {zero!r}; use 'raise', 'propagate' or 'offset'")
    if zero == "offset":
        if offset is None or not (np.isfinite(offset) and offset > 0):
            raise InputError(f"zero='offset' needs a positive offset, got {offset!r}")
        x = x + offset
    elif offset is not None:
        raise InputError("offset is only used with zero='offset'")
    used = w > 0
    xu = x[:, used]
    if zero == "raise" and (xu == 0).any():
        i, j = np.argwhere(xu == 0)[0]
        col = df.columns[np.flatnonzero(used)[j]]
        raise InputError(
            f"indicator {col!r} is 0 at unit {df.index[i]!r}: a geometric mean with a zero is 0"
            " whatever the other values; choose zero='propagate' (score 0) or zero='offset'"
            " (add a constant), or use arithmetic aggregation",
            indicator=col,
            unit=df.index[i],
        )
    with np.errstate(divide="ignore"):
        return np.log(xu) @ w[used]


def geometric(
    X: Any, weights: Any, zero: str = "raise", offset: float | None = None
) -> pd.Series:
    """Weighted geometric mean ``s_i = Π_j x_ij^{w_j} = exp(Σ_j w_j ln x_ij)`` (partially
    compensatory). Needs ``x >= 0`` (use min-max onto e.g. [1, 100] or a ratio scale).

    Zero handling is explicit: ``zero="raise"`` (default) rejects a zero with positive weight,
    naming the unit and indicator; ``"propagate"`` lets it make the score 0; ``"offset"``
    computes the mean of ``x + offset`` (the offset is *not* subtracted again, so scores are on
    the shifted scale). Indicators with weight 0 are ignored.

    Reference: OECD/JRC (2008) Handbook, sec. 6.2; COINr ``a_gmean``.
    """
    df, x, w = _prepare(X, weights)
    check_nonnegative(df, why="a geometric mean needs x >= 0")
    return pd.Series(np.exp(_log_weighted(df, x, w, zero, offset)), index=df.index, name="score")


def topsis(
    X: Any, weights: Any, directions: Any = None, normalization: str = "vector"
) -> pd.DataFrame:
    """TOPSIS: rank units by relative closeness to the ideal solution.

    1. normalise: ``"vector"`` ``r = x/sqrt(Σ_i x²)`` (Hwang & Yoon 1981) or ``"minmax"``
       ``r = (x - min)/(max - min)`` (pymcdm's default);
    2. weight: ``v = w r``;
    3. ideal ``A+`` = column max for benefit / min for cost, anti-ideal ``A-`` the opposite;
    4. ``d+ = ||v - A+||₂``, ``d- = ||v - A-||₂``; closeness ``C = d-/(d+ + d-)`` in [0, 1].

    Cost indicators are handled at step 3; pymcdm instead reverses them at step 1
    (``1 - r`` for vector, ``(max - x)/(max - min)`` for min-max) and takes the column max.
    Both give identical distances (a reflection preserves them), so results agree.

    Returns a DataFrame indexed by unit with ``score`` (C), ``rank`` (1 = best), ``d_plus``,
    ``d_minus``. References: Hwang & Yoon (1981) Multiple Attribute Decision Making,
    Springer; Tzeng & Huang (2011) Multiple Attribute Decision Making, CRC, ch. 4.
    """
    if normalization not in ("vector", "minmax"):
        raise InputError(f"unknown TOPSIS normalization {normalization!r}; use 'vector' or 'minmax'")
    df, x, w = _prepare(X, weights)
    d = resolve_directions(directions, df.columns).to_numpy()
    if normalization == "vector":
        norm = np.sqrt((x * x).sum(axis=0))
        if (norm == 0).any():
            col = df.columns[int(np.flatnonzero(norm == 0)[0])]
            raise InputError(
                f"indicator {col!r} is 0 for every unit; vector normalisation undefined",
                indicator=col,
            )
        r = x / norm
    else:
        check_nonconstant(df)
        mn = x.min(axis=0)
        r = (x - mn) / (x.max(axis=0) - mn)
    v = r * w
    vmax, vmin = v.max(axis=0), v.min(axis=0)
    ideal = np.where(d > 0, vmax, vmin)
    anti = np.where(d > 0, vmin, vmax)
    d_plus = np.sqrt(((v - ideal) ** 2).sum(axis=1))
    d_minus = np.sqrt(((v - anti) ** 2).sum(axis=1))
    total = d_plus + d_minus
    if (total == 0).any():
        raise InputError(
            "every weighted indicator is constant across units: TOPSIS cannot separate them"
        )
    score = d_minus / total
    return pd.DataFrame(
        {"score": score, "rank": _positions(score), "d_plus": d_plus, "d_minus": d_minus},
        index=df.index,
    )


@dataclass(frozen=True)
class VikorResult:
    """VIKOR outcome. ``table``: ``S`` (group utility), ``R`` (individual regret), ``Q``
    (compromise index; lower = better) and ``rank`` (by Q, 1 = best). ``compromise``: the
    compromise solution(s) by Opricovic & Tzeng's conditions; ``advantage`` (C1: Q(a'') −
    Q(a') >= 1/(m−1)) and ``stability`` (C2: a' also best by S or R)."""

    table: pd.DataFrame
    compromise: tuple[Any, ...]
    advantage: bool
    stability: bool
    v: float

    def summary(self) -> str:
        lines = [
            f"VIKOR 折衷排序 (v = {self.v:g})",
            f"compromise solution 折衷解: {', '.join(map(str, self.compromise))}",
            f"C1 acceptable advantage 可接受优势: {self.advantage};"
            f" C2 acceptable stability 决策稳定性: {self.stability}",
            self.table.sort_values("rank").round(4).to_string(),
        ]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        return f"<pre>{html.escape(self.summary())}</pre>"


def vikor(X: Any, weights: Any, directions: Any = None, v: float = 0.5) -> VikorResult:
    """VIKOR compromise ranking (Opricovic & Tzeng 2004).

    With best ``f*_j`` (max for benefit, min for cost) and worst ``f-_j``:
    ``S_i = Σ_j w_j (f*_j - x_ij)/(f*_j - f-_j)``, ``R_i = max_j`` of the same terms,
    ``Q_i = v (S_i - S*)/(S- - S*) + (1 - v)(R_i - R*)/(R- - R*)`` with ``S* = min S``,
    ``S- = max S`` (likewise R); a term whose denominator is 0 (all units equal) is 0.
    ``v`` (default 0.5, "by consensus") weighs majority utility against individual regret.
    Constant indicators are rejected (``f* = f-``).

    Reference: Opricovic, S. & Tzeng, G.-H. (2004) Compromise solution by MCDM methods: a
    comparative analysis of VIKOR and TOPSIS. EJOR 156(2):445-455.
    """
    if not (0 <= v <= 1):
        raise InputError(f"v must lie in [0, 1], got {v!r}")
    df, x, w = _prepare(X, weights)
    m = x.shape[0]
    if m < 2:
        raise InputError("VIKOR needs at least 2 units")
    check_nonconstant(df)
    d = resolve_directions(directions, df.columns).to_numpy()
    xmax, xmin = x.max(axis=0), x.min(axis=0)
    best = np.where(d > 0, xmax, xmin)
    worst = np.where(d > 0, xmin, xmax)
    g = w * (best - x) / (best - worst)
    S, R = g.sum(axis=1), g.max(axis=1)

    def _scaled(a: np.ndarray) -> np.ndarray:
        span = a.max() - a.min()
        return (a - a.min()) / span if span > 0 else np.zeros_like(a)

    Q = v * _scaled(S) + (1 - v) * _scaled(R)
    order = np.argsort(Q, kind="stable")
    a1, a2 = order[0], order[1]
    dq = 1.0 / (m - 1)
    advantage = bool(Q[a2] - Q[a1] >= dq - 1e-12)
    stability = bool(np.isclose(S[a1], S.min()) or np.isclose(R[a1], R.min()))
    if advantage and stability:
        chosen = [a1]
    elif advantage:
        chosen = [a1, a2]
    else:
        chosen = [k for k in order if Q[k] - Q[a1] < dq - 1e-12]
    table = pd.DataFrame({"S": S, "R": R, "Q": Q, "rank": _positions(Q, higher_is_better=False)},
                         index=df.index)
    return VikorResult(table, tuple(df.index[k] for k in chosen), advantage, stability, float(v))


# --------------------------------------------------------------------------- hierarchical

ROOT = "index"


@dataclass(frozen=True)
class HierarchicalResult:
    """Scores at every level of the indicator tree.

    ``levels``: level name → DataFrame (units × members), from the indicators (the input) up
    to the top level below the index; ``index``: the final composite score; ``weights``: level
    name → weights of that level's members within their parent; ``tree``: the tree used;
    ``method``: parent level → aggregation method.
    """

    levels: dict[str, pd.DataFrame]
    index: pd.Series
    weights: dict[str, pd.Series]
    tree: pd.DataFrame
    method: dict[str, str]

    @property
    def ranks(self) -> pd.Series:
        """Position of each unit by the index (1 = best, ties share the lowest)."""
        return pd.Series(_positions(self.index.to_numpy()), index=self.index.index, name="rank")

    @property
    def indicator_weights(self) -> pd.Series:
        """Effective weight of each indicator in the index: product of the within-parent
        weights along its path (the exponent in a geometric chain)."""
        names = list(self.tree.columns)
        eff = pd.Series(1.0, index=self.tree[names[0]].to_numpy())
        for name in names:
            eff = eff * self.weights[name].reindex(self.tree[name].to_numpy()).to_numpy()
        eff.name = "weight"
        return eff

    def summary(self) -> str:
        names = list(self.levels)
        sizes = ", ".join(f"{n}: {self.levels[n].shape[1]}" for n in names)
        top = pd.DataFrame({"index": self.index, "rank": self.ranks}).sort_values("rank")
        lines = [
            "层次加总 · Hierarchical aggregation",
            f"levels 层级 (members): {sizes} → {ROOT}",
            "methods 方法: " + ", ".join(f"{k}: {v}" for k, v in self.method.items()),
            "top units 排名前列:",
            top.head(10).round(4).to_string(),
        ]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        return f"<pre>{html.escape(self.summary())}</pre>"


def _tree_frame(tree: Any) -> pd.DataFrame:
    if isinstance(tree, pd.DataFrame):
        t = tree.copy()
        if "indicator" in t.columns:
            t = t[["indicator", *[c for c in t.columns if c != "indicator"]]]
    elif isinstance(tree, Mapping):
        paths = {k: (v,) if isinstance(v, str) else tuple(v) for k, v in tree.items()}
        depth = {len(p) for p in paths.values()}
        if len(depth) != 1:
            raise InputError("every indicator in the tree must have the same number of parent levels")
        k = depth.pop()
        t = pd.DataFrame(
            [[ind, *p] for ind, p in paths.items()],
            columns=["indicator", *[f"level_{i + 1}" for i in range(k)]],
        )
    else:
        raise InputError("tree must be a DataFrame (indicator, level columns) or a mapping")
    if t.shape[1] < 2:
        raise InputError("tree needs an indicator column and at least one parent level")
    if ROOT in t.columns[1:]:
        raise InputError(f"{ROOT!r} is reserved for the final level; rename that tree column")
    t.columns = [str(c) for c in t.columns]
    if t.isna().any().any():
        i, j = np.argwhere(t.isna().to_numpy())[0]
        raise InputError(
            f"tree has no {t.columns[j]!r} for indicator {t.iloc[i, 0]!r}", indicator=t.iloc[i, 0]
        )
    return t.reset_index(drop=True)


def _level_weights(
    given: Any, level: str, children: list[Any], parent_of: pd.Series
) -> pd.Series:
    """Within-parent weights of ``children`` (equal by default); each parent's must sum to 1."""
    if given is None:
        counts = parent_of.map(parent_of.value_counts())
        return (1.0 / counts).astype(float)
    w = pd.Series(dict(given)) if isinstance(given, Mapping) else pd.Series(given)
    missing = pd.Index(children).difference(w.index)
    extra = pd.Index(w.index).difference(children)
    if len(missing) or len(extra):
        raise InputError(
            f"weights for level {level!r} do not match its members:"
            f" missing {list(missing)}, unknown {list(extra)}",
            indicator=(list(missing) or list(extra))[0],
        )
    w = pd.to_numeric(w.reindex(children), errors="coerce").astype(float)
    bad = ~np.isfinite(w.to_numpy()) | (w.to_numpy() < 0)
    if bad.any():
        who = children[int(np.flatnonzero(bad)[0])]
        raise InputError(f"weight of {who!r} in level {level!r} must be a number >= 0", indicator=who)
    sums = w.groupby(parent_of.reindex(children).to_numpy(), sort=False).sum()
    off = sums[(sums - 1.0).abs() > _WEIGHT_TOL]
    if len(off):
        parent = off.index[0]
        members = list(parent_of.index[parent_of == parent])
        raise InputError(
            f"weights of level {level!r} within parent {parent!r} sum to {off.iloc[0]:.6g},"
            f" not 1 (members {members})"
        )
    return w


def hierarchical(
    X: Any, tree: Any, weights: Mapping[str, Any] | None = None, method: Any = "arithmetic"
) -> HierarchicalResult:
    """Aggregate indicators level by level up an indicator tree to a single index.

    ``tree``: a DataFrame with a column ``indicator`` (or the first column) and one column per
    parent level from the bottom up, e.g. ``indicator, subdimension, dimension``; or a mapping
    ``{indicator: (subdimension, dimension)}`` (levels named ``level_1``, ``level_2``...). Each
    member has exactly one parent. The top level is aggregated into ``"index"``.
    ``weights``: mapping level name → weights of that level's members within their parent
    (e.g. ``{"indicator": {...}, "dimension": {"D1": 0.6, "D2": 0.4}}``); a level not given
    gets equal weights within each parent. Weights must sum to 1 within every parent; the
    error names the parent.
    ``method``: ``"arithmetic"`` or ``"geometric"`` for every step, or a mapping parent level
    name → method (e.g. ``{"subdimension": "arithmetic", "index": "geometric"}``).
    Each parent's score is ``Σ w_c x_c`` (arithmetic) or ``Π x_c^{w_c}`` (geometric, zeros
    rejected) over its children ``c``. Reference: OECD/JRC (2008) Handbook, sec. 6;
    COINr ``Aggregate``.
    """
    df = as_frame(X)
    check_finite(df)
    t = _tree_frame(tree)
    names = list(t.columns)
    ind = names[0]
    dup = t[ind][t[ind].duplicated()]
    if len(dup):
        who = dup.iloc[0]
        raise InputError(f"indicator {who!r} appears more than once in the tree", indicator=who)
    missing = df.columns.difference(t[ind])
    extra = pd.Index(t[ind]).difference(df.columns)
    if len(missing) or len(extra):
        raise InputError(
            f"tree and X do not match: indicators not in the tree {list(missing)},"
            f" tree indicators not in X {list(extra)}",
            indicator=(list(missing) or list(extra))[0],
        )
    t = t.set_index(ind).reindex(pd.Index(df.columns, name=ind)).reset_index()
    weights = dict(weights or {})
    unknown = set(weights) - set(names)
    if unknown:
        raise InputError(f"weights given for unknown level(s) {sorted(unknown)}; levels are {names}")
    parents_names = [*names[1:], ROOT]
    if isinstance(method, str):
        methods = dict.fromkeys(parents_names, method)
    else:
        methods = dict(method)
        bad_keys = set(methods) - set(parents_names)
        if bad_keys:
            raise InputError(f"method given for unknown level(s) {sorted(bad_keys)}; use {parents_names}")
        methods = {p: methods.get(p, "arithmetic") for p in parents_names}
    for p, m in methods.items():
        if m not in ("arithmetic", "geometric"):
            raise InputError(f"unknown aggregation method {m!r} for level {p!r}")

    levels: dict[str, pd.DataFrame] = {ind: df}
    level_weights: dict[str, pd.Series] = {}
    values = df.to_numpy(dtype=float)
    children = list(df.columns)
    for k, level in enumerate(names):
        parent_level = parents_names[k]
        if parent_level == ROOT:
            parent_of = pd.Series(ROOT, index=children)
        else:
            pairs = t[[level, parent_level]].drop_duplicates()
            multi = pairs[level][pairs[level].duplicated()]
            if len(multi):
                who = multi.iloc[0]
                ps = list(pairs.loc[pairs[level] == who, parent_level])
                raise InputError(f"{level} {who!r} has more than one {parent_level}: {ps}", indicator=who)
            parent_of = pd.Series(
                pairs[parent_level].to_numpy(), index=pairs[level].to_numpy()
            ).reindex(children)
        w = _level_weights(weights.get(level), level, children, parent_of)
        level_weights[level] = w
        parents = list(pd.unique(parent_of.to_numpy()))
        W = np.zeros((len(children), len(parents)))
        W[np.arange(len(children)), pd.Index(parents).get_indexer(parent_of.to_numpy())] = w.to_numpy()
        if methods[parent_level] == "geometric":
            member = pd.DataFrame(values, index=df.index, columns=children)
            check_nonnegative(member, name=level, why="geometric aggregation needs x >= 0")
            if (values[:, w.to_numpy() > 0] == 0).any():
                sub = values[:, w.to_numpy() > 0]
                i, j = np.argwhere(sub == 0)[0]
                who = [c for c, pos in zip(children, w.to_numpy() > 0, strict=True) if pos][j]
                raise InputError(
                    f"{level} {who!r} is 0 at unit {df.index[i]!r}; geometric aggregation"
                    " would give 0: shift the normalised scale (e.g. minmax scale=(1, 100))",
                    indicator=who,
                    unit=df.index[i],
                )
            # zeros remain only where the weight is 0: their log term is dropped (0 * ln 1)
            values = np.exp(np.log(np.where(values > 0, values, 1.0)) @ W)
        else:
            values = values @ W
        children = parents
        if parent_level != ROOT:
            levels[parent_level] = pd.DataFrame(values, index=df.index, columns=parents)
    index = pd.Series(values[:, 0], index=df.index, name=ROOT)
    return HierarchicalResult(levels, index, level_weights, t, methods)
