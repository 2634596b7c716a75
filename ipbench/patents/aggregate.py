"""Counts by region × industry × year as Ibis expressions (DuckDB here, Spark or others alike).

Inputs are four tables that :mod:`ipbench.patents.ingest` builds (any Ibis backend will do):

- ``patents``: ``app_key``, ``region_code``, ``ptype`` (invention|utility|design),
  ``filing_year``, ``grant_year`` (null if not granted), ``inforce_end`` (first year-end at which
  the patent is no longer in force, null if never in force), ``ipc_main``, ``n_ipc``;
- ``patent_ipc``: ``app_key``, ``ipc`` (distinct valid codes per patent);
- ``events``: ``app_key``, ``variable`` (patent_transfer|patent_licence|patent_pledge),
  ``year``, ``n``;
- ``lookup``: ``ipc``, ``industry_code``, ``share`` (:meth:`Concordance.lookup_table`).

Variables (names and units from ``data/variables.yaml``), each weighted by w(p, s) of the
counting policy (:mod:`ipbench.patents.concordance`); industry ``ALL`` has w = 1:

- ``patent_app_{total,invention,utility,design}``: Σ w over patents filed in the year;
- ``patent_grant_{total,invention,utility,design}``: Σ w over patents granted in the year;
- ``patent_inforce_{total,invention}``: Σ w over patents in force at 31 December of the year,
  i.e. ``grant_year ≤ year < inforce_end`` (computed as a running sum of +w at the grant year and
  −w at ``inforce_end``, so patents granted before the first reported year are included);
- ``patent_transfer``, ``patent_licence``: Σ w·n of events dated in the year (次);
  ``patent_pledge``: the same (项).

The invention share (发明专利占比) is a ratio of two facts (``patent_app_invention /
patent_app_total``); it belongs in an indicator formula, not in the facts table.
"""

from __future__ import annotations

from collections.abc import Sequence

import ibis
import ibis.expr.types as ir

from ipbench.errors import ParamsError
from ipbench.patents.concordance import POLICIES

UNITS: dict[str, str] = {
    **{f"patent_app_{t}": "件" for t in ("total", "invention", "utility", "design")},
    **{f"patent_grant_{t}": "件" for t in ("total", "invention", "utility", "design")},
    "patent_inforce_total": "件",
    "patent_inforce_invention": "件",
    "patent_transfer": "次",
    "patent_licence": "次",
    "patent_pledge": "项",
}
KEYS = ("region_code", "industry_code", "year")
_TYPES = ("invention", "utility", "design")


def industry_weights(
    patents: ir.Table, patent_ipc: ir.Table, lookup: ir.Table, policy: str, with_all: bool = True
) -> ir.Table:
    """``app_key, industry_code, w`` for every patent: one ``ALL`` row (w = 1) plus its
    industries under ``policy`` (``main`` | ``fractional`` | ``full``)."""
    if policy not in POLICIES:
        raise ParamsError(f"counting policy {policy!r}: use one of {POLICIES}")
    one = ibis.literal(1.0, type="float64")
    everyone = patents.select(
        "app_key", industry_code=ibis.literal("ALL", type="string"), w=one
    )
    if policy == "main":
        mains = patents.select("app_key", ipc=patents.ipc_main)
        hit = mains.join(lookup, "ipc").select("app_key", "industry_code").distinct()
        by_industry = hit.mutate(w=one)
    elif policy == "full":
        hit = patent_ipc.join(lookup, "ipc").select("app_key", "industry_code").distinct()
        by_industry = hit.mutate(w=one)
    else:
        j = patent_ipc.join(lookup, "ipc").join(patents.select("app_key", "n_ipc"), "app_key")
        by_industry = j.group_by(["app_key", "industry_code"]).aggregate(
            w=(j.share / j.n_ipc.cast("float64")).sum()
        )
    by_industry = by_industry.select("app_key", "industry_code", "w")
    return everyone.union(by_industry) if with_all else by_industry


def _long(wide: ir.Table, columns: dict[str, str]) -> ir.Table:
    parts = [
        wide.select(
            "region_code",
            "industry_code",
            "year",
            variable=ibis.literal(var, type="string"),
            value=wide[col].fill_null(0.0).cast("float64"),
        )
        for var, col in columns.items()
    ]
    out = parts[0]
    for p in parts[1:]:
        out = out.union(p)
    return out


def _by_type(t: ir.Table, year_col: str) -> ir.Table:
    sums = {"total": t.w.sum()}
    sums |= {ty: t.w.sum(where=t.ptype == ty) for ty in _TYPES}
    return t.group_by(["region_code", "industry_code", t[year_col].name("year")]).aggregate(**sums)


def _owners(patents: ir.Table, patent_ipc: ir.Table, ipc_sets: ir.Table | None):
    """Who carries the IPC codes: each patent (``app_key``), or each distinct IPC set
    (``ipc_key``) — renamed ``app_key`` for :func:`industry_weights`."""
    if ipc_sets is None:
        return "app_key", patents, patent_ipc
    return ("ipc_key", ipc_sets.rename(app_key="ipc_key"),
            patent_ipc.rename(app_key="ipc_key"))


def compact_expr(
    patents: ir.Table, patent_ipc: ir.Table, lookup: ir.Table, policy: str,
    ipc_sets: ir.Table | None = None,
) -> ir.Table:
    """One pass over patents × industry weights → a small table of summed weights by
    ``region_code, industry_code, ptype, filing_year, grant_year, inforce_end``.

    Every count is a sum of w over a group of these keys, so the facts are computed from this
    table; materialise it once (``CREATE TABLE … AS``) on large inputs.

    With ``ipc_sets`` (``ipc_key, ipc_main, n_ipc``; ``patent_ipc`` then holds ``ipc_key, ipc``
    and ``patents`` an ``ipc_key`` column) the weights w(set, s) are computed once per distinct
    set of IPC codes — w depends on the codes only — and Σ_p w(p, s) = Σ_sets n(set) · w(set, s)
    where n(set) counts a group's patents with that set: the same sums, far fewer rows.
    """
    placed = patents.filter(patents.region_code.notnull())
    keys = ["region_code", "ptype", "filing_year", "grant_year", "inforce_end"]
    key, owners, owner_ipc = _owners(placed, patent_ipc, ipc_sets)
    if ipc_sets is None:
        counted = placed.mutate(c=ibis.literal(1.0, type="float64"))
    else:
        counted = placed.group_by([*keys, key]).aggregate(c=placed.count().cast("float64"))
    everyone = counted.group_by(keys).aggregate(w=counted.c.sum()).mutate(
        industry_code=ibis.literal("ALL", type="string")
    )
    weights = industry_weights(owners, owner_ipc, lookup, policy, with_all=False)
    pw = counted.join(weights, counted[key] == weights.app_key)
    by_industry = pw.group_by([*keys, "industry_code"]).aggregate(w=(pw.w * pw.c).sum())
    cols = ["region_code", "industry_code", *keys[1:], "w"]
    return everyone.select(cols).union(by_industry.select(cols))


def event_weights_expr(
    patents: ir.Table, patent_ipc: ir.Table, events: ir.Table, lookup: ir.Table, policy: str,
    ipc_sets: ir.Table | None = None,
) -> ir.Table:
    """``region_code, industry_code, year, variable, value`` of weighted events
    (``ipc_sets`` as in :func:`compact_expr`)."""
    placed = patents.filter(patents.region_code.notnull())
    key, owners, owner_ipc = _owners(placed, patent_ipc, ipc_sets)
    cols = ["app_key", "region_code"] + ([key] if key != "app_key" else [])
    ev = events.join(placed.select(*cols), "app_key")
    if ipc_sets is None:
        owners = owners.filter(owners.app_key.isin(ev.app_key))
    weights = industry_weights(owners, owner_ipc, lookup, policy)
    ev = ev.join(weights.rename(_owner="app_key"), ev[key] == weights.app_key)
    return ev.group_by(["region_code", "industry_code", "year", "variable"]).aggregate(
        value=(ev.w * ev.n.cast("float64")).sum()
    )


def facts_from_compact(compact: ir.Table, event_values: ir.Table, years: Sequence[int]) -> ir.Table:
    """Long facts from :func:`compact_expr` and :func:`event_weights_expr` (module docstring)."""
    if not years:
        raise ParamsError("years is empty: give the years to report")
    apps = _long(_by_type(compact, "filing_year"),
                 {f"patent_app_{k}": k for k in ("total", *_TYPES)})
    granted = compact.filter(compact.grant_year.notnull())
    grants = _long(
        _by_type(granted, "grant_year"), {f"patent_grant_{k}": k for k in ("total", *_TYPES)}
    )
    live = granted.filter(granted.inforce_end.notnull() & (granted.inforce_end > granted.grant_year))
    inv = live.ptype == "invention"
    start = live.group_by(["region_code", "industry_code", live.grant_year.name("year")]).aggregate(
        d_total=live.w.sum(), d_inv=live.w.sum(where=inv)
    )
    end = live.group_by(["region_code", "industry_code", live.inforce_end.name("year")]).aggregate(
        d_total=-live.w.sum(), d_inv=-live.w.sum(where=inv)
    )
    deltas = start.union(end)
    grid = ibis.memtable({"year_end": [int(y) for y in years]})
    stock_j = deltas.join(grid, deltas.year <= grid.year_end)
    stock = stock_j.group_by(
        ["region_code", "industry_code", stock_j.year_end.name("year")]
    ).aggregate(total=stock_j.d_total.sum(), invention=stock_j.d_inv.fill_null(0.0).sum())
    inforce = _long(
        stock, {"patent_inforce_total": "total", "patent_inforce_invention": "invention"}
    )
    out = apps.union(grants).union(inforce).union(
        event_values.select("region_code", "industry_code", "year", "variable", "value")
    )
    return out.mutate(year=out.year.cast("int64"), value=out.value.cast("float64"))


def facts_expr(
    patents: ir.Table,
    patent_ipc: ir.Table,
    events: ir.Table,
    lookup: ir.Table,
    policy: str,
    years: Sequence[int],
) -> ir.Table:
    """Long facts ``region_code, industry_code, year, variable, value`` (see module docstring).

    Only patents with a region are counted (``region_code`` not null); ``years`` are the
    year-ends reported for the in-force stock. Combinations with no patent have no row.
    """
    return facts_from_compact(
        compact_expr(patents, patent_ipc, lookup, policy),
        event_weights_expr(patents, patent_ipc, events, lookup, policy),
        years,
    )
