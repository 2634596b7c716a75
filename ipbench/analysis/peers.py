"""Peers and national level: gaps to the best peer and to a reference unit, rank among peers.

Peer comparison as commonly done in regional IP evaluation (DOMAIN.md §7): ratio to the
national (reference) value, rank among peers, gap to the best.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ipbench._checks import as_frame, check_finite, resolve_directions
from ipbench.analysis.interpretation import Sentence, label
from ipbench.errors import InputError

#: values within this relative distance of each other (of the largest |value| in the group)
#: tie: 50.0011 % and 49.9999 % are the same share, not a win
TIE_RTOL = 1e-3


def _tie_groups(values: pd.Series, rtol: float) -> pd.Series:
    """Group id per unit: sorted values start a new group when the gap to the previous one
    exceeds ``rtol`` × max |value| (chained, so a run of close values is one tie)."""
    v = values.astype(float)
    tol = rtol * float(np.nanmax(np.abs(v.to_numpy()))) if len(v) else 0.0
    order = v.sort_values(kind="stable")
    gid = (order.diff().abs() > tol).cumsum()
    return gid.reindex(v.index)


def peer_ranks(X: Any, directions: Any = None, rtol: float = TIE_RTOL) -> pd.DataFrame:
    """Rank of every unit on every indicator (1 = best). Units whose values are within
    ``rtol`` (relative to the largest |value|) tie and share the best rank ('min').

    Column-wise in NumPy: sort each column (best first), start a new tie group where the gap
    to the previous value exceeds the tolerance, and give each unit 1 + the number of units
    in better groups."""
    df = as_frame(X)
    check_finite(df)
    d = resolve_directions(directions, df.columns)
    v = df.to_numpy(dtype=float)
    n, m = v.shape
    ranks = np.ones((n, m), dtype=int)
    if n:
        signed = v * np.where(np.asarray(d, dtype=float) < 0, 1.0, -1.0)  # best = smallest
        order = np.argsort(signed, axis=0, kind="stable")
        s = np.take_along_axis(signed, order, axis=0)
        tol = rtol * np.nanmax(np.abs(v), axis=0)
        new_group = np.vstack([np.ones((1, m), dtype=bool), np.abs(np.diff(s, axis=0)) > tol])
        pos = np.arange(1, n + 1)[:, None].repeat(m, axis=1)
        start = np.where(new_group, pos, 0)
        group_rank = np.maximum.accumulate(start, axis=0)
        np.put_along_axis(ranks, order, group_rank, axis=0)
    return pd.DataFrame(ranks, index=df.index, columns=df.columns)


def tie_counts(ranks: pd.DataFrame) -> pd.DataFrame:
    """How many units share each unit's rank (1 = no tie), per indicator."""
    r = ranks.to_numpy()
    counts = (r[:, None, :] == r[None, :, :]).sum(axis=1)
    return pd.DataFrame(counts, index=ranks.index, columns=ranks.columns)


def peer_comparison(
    X: Any,
    unit: Any,
    peers: Sequence[Any] | None = None,
    reference: Any = None,
    directions: Any = None,
) -> pd.DataFrame:
    """Compare ``unit`` with its peers and a reference on each indicator (rows of the result).

    ``X``: rows = units, columns = indicators. ``peers``: the peer group (default: all rows
    except the reference); ``unit`` is always part of the group. ``reference``: a row label of
    ``X`` (e.g. the national row) or a Series / mapping of reference values per indicator, or
    None. For indicator j with direction d_j (+1 benefit, −1 cost):

    * ``best`` = max over the group (min for cost), ``best_unit``;
    * ``gap_to_best`` = x − best (≤ 0 for benefit indicators, ≥ 0 for cost: 0 = best);
      ``pct_of_best`` = x / best;
    * ``reference``, ``gap_to_reference`` = x − ref, ``ratio_to_reference`` = x / ref;
    * ``rank`` (1 = best; values within :data:`TIE_RTOL` tie and share the best rank),
      ``tied`` (units sharing that rank, 1 = none) and ``n_peers`` (group size incl. the unit);
    * ``better_than_reference``: d_j·(x − ref) > 0.
    """
    df = as_frame(X)
    check_finite(df)
    d = resolve_directions(directions, df.columns)
    ref_values: pd.Series | None = None
    ref_label = None
    if reference is not None:
        if isinstance(reference, pd.Series | Mapping):
            ref_values = pd.Series(dict(reference), dtype=float)
            missing = df.columns.difference(ref_values.index)
            if len(missing):
                raise InputError(f"reference has no value for indicator(s) {list(missing)}", indicator=missing[0])
            ref_values = ref_values.reindex(df.columns)
        else:
            if reference not in df.index:
                raise InputError(f"reference unit {reference!r} is not a row of X", unit=reference)
            ref_label, ref_values = reference, df.loc[reference]
    if unit not in df.index:
        raise InputError(f"unit {unit!r} is not a row of X", unit=unit)
    if unit == ref_label:
        raise InputError(f"unit {unit!r} is also the reference", unit=unit)
    group = [u for u in df.index if u != ref_label] if peers is None else list(dict.fromkeys([unit, *peers]))
    for u in group:
        if u not in df.index:
            raise InputError(f"peer {u!r} is not a row of X", unit=u)
        if u == ref_label:
            raise InputError(f"peer {u!r} is the reference unit; the reference is compared, not ranked", unit=u)
    G = df.loc[group]
    x = df.loc[unit]
    best = pd.Series({c: (G[c].max() if d[c] > 0 else G[c].min()) for c in df.columns})
    best_unit = pd.Series({c: (G[c].idxmax() if d[c] > 0 else G[c].idxmin()) for c in df.columns})
    all_ranks = peer_ranks(G, d)
    ranks, tied = all_ranks.loc[unit], tie_counts(all_ranks).loc[unit]
    out = pd.DataFrame(
        {
            "value": x,
            "direction": d,
            "best": best,
            "best_unit": best_unit,
            "gap_to_best": x - best,
            "pct_of_best": x / best.where(best != 0),
            "rank": ranks,
            "tied": tied,
            "n_peers": len(G),
        }
    )
    if ref_values is not None:
        out["reference"] = ref_values
        out["gap_to_reference"] = x - ref_values
        out["ratio_to_reference"] = x / ref_values.where(ref_values != 0)
        out["better_than_reference"] = (d * (x - ref_values)) > 0
    out.index.name = "indicator"
    return out


def describe_peers(
    table: pd.DataFrame,
    unit_name: str | tuple[str, str],
    reference_name: str | tuple[str, str] = ("全国", "the national level"),
    labels: Mapping[Any, Any] | None = None,
) -> Sentence:
    """Sentence: best and worst ranked indicators among peers (ties called ties; indicators
    on which the whole group ties are counted, never called a best or worst), and how many
    indicators beat the reference."""
    zh_u, en_u = (unit_name, unit_name) if isinstance(unit_name, str) else unit_name
    zh_r, en_r = (reference_name, reference_name) if isinstance(reference_name, str) else reference_name
    n_peers, k = int(table["n_peers"].iloc[0]), len(table)
    tied = table["tied"] if "tied" in table.columns else pd.Series(1, index=table.index)
    level = tied >= n_peers  # the whole group ties: no information about this unit
    t = table[~level]

    def place(i: Any, lang: str) -> str:
        r, n = int(t.at[i, "rank"]), int(tied[i])
        if lang == "zh":
            return f"并列第{r}位，{n}个单元" if n > 1 else f"第{r}位"
        return f"#{r}, tied by {n}" if n > 1 else f"#{r}"

    if t.empty:
        zh = f"在对标组{n_peers}个单元（含本单元）中，{zh_u}的各项指标与同组持平"
        en = f"In its peer group of {n_peers} (itself included), {en_u} is level with the group on every indicator"
    else:
        best_i, worst_i = t["rank"].idxmin(), t["rank"].idxmax()
        zh = (f"在对标组{n_peers}个单元（含本单元）中，{zh_u}的{label(best_i, labels, 'zh')}排名最高（{place(best_i, 'zh')}），"
              f"{label(worst_i, labels, 'zh')}排名最低（{place(worst_i, 'zh')}）")
        en = (f"In its peer group of {n_peers} (itself included), {en_u} ranks highest on {label(best_i, labels, 'en')} ({place(best_i, 'en')})"
              f" and lowest on {label(worst_i, labels, 'en')} ({place(worst_i, 'en')})")
        n_level = int(level.sum())
        if n_level:
            zh += f"；{n_level}项指标全组持平"
            en += f"; the whole group ties on {n_level} indicator(s)"
    if "better_than_reference" in table.columns:
        comp = table["better_than_reference"].dropna()
        m = int(np.sum(comp.astype(bool)))
        zh += f"；可比的{len(comp)}项指标中{m}项优于{zh_r}" if len(comp) < k else f"；{k}项指标中{m}项优于{zh_r}"
        en += (f"; it does better than {en_r} on {m} of {len(comp)} comparable indicators"
               if len(comp) < k else f"; it does better than {en_r} on {m} of {k} indicators")
    return Sentence(zh=zh + "。", en=en + ".")
