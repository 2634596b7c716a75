"""Applicant-level and landscape tables from the records, as Ibis expressions (any backend).

Inputs (built by :mod:`ipbench.patents.ingest`; Spark or DuckDB alike):

- ``patents``: one row per patent — ``app_key``, ``region_code`` (null when unplaced),
  ``origin`` (``CN``, ``HK``, ``MO``, ``TW`` or a foreign alpha-2 code; null unknown),
  ``province`` (``XX0000`` for ``CN``), ``ptype``, ``filing_year``, ``grant_year``,
  ``status_class``, ``ipc_key``, ``ipc_main``, ``app_set`` (key of the applicant cell);
- ``app_sets``: ``app_set``, ``primary_type``, ``n_applicants``, ``iur`` (产学研: a
  university or institute with an enterprise);
- ``app_names``: ``app_set``, ``name_id`` (every named applicant of the set);
- ``names`` (for :func:`attach_names`): ``name_id``, ``applicant``, ``applicant_type`` (one row
  per distinct pair);
- ``weights``: ``ipc_key``, ``industry_code``, ``w`` — the counting policy's industry weights
  per IPC set (:func:`ipbench.patents.aggregate.industry_weights`); industry ``ALL`` has w = 1
  and is added here.

**How.** Patents are first counted by the table's keys and their IPC set (``c`` patents, and
``c`` among them granted, co-applied …), so the industry weights join a table of groups, not
of patents: Σ_p w(p, s) = Σ_groups c · w(set, s), as in
:func:`ipbench.patents.aggregate.compact_expr`. Applicants are grouped by ``name_id`` (an
integer) and their names looked up in the result (:func:`attach_names`).

Every count is Σ w (件, fractional under the ``fractional`` policy). Tables (keys, then values):

- ``patent_applicant_types``: region_code, industry_code, year (filing), applicant_type
  (primary applicant) → applications, co_applications (≥ 2 applicants), iur_applications;
- ``patent_applicants``: region_code, industry_code, year (filing), applicant, applicant_type →
  applications (each named applicant is credited the whole patent: shares of co-applied
  patents add up to more than 100 %), grants (of those filed that year, granted by export date);
- ``patent_ipc``: region_code, industry_code, year, ipc_subclass (``H01L``), ipc_group
  (main group ``H01L21``) of the main IPC → applications;
- ``patent_status``: region_code, industry_code, year, ptype, status_class → patents
  (status at the export date; ``unknown`` when the export has none);
- ``patent_origins``: industry_code, year, origin, province → applications, grants (every
  patent, placed or not: foreign, Hong Kong/Macao/Taiwan and other provinces included).
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir
import pyarrow as pa
import pyarrow.compute as pc

#: table name → (key columns, value columns)
TABLES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "patent_applicant_types": (("region_code", "industry_code", "year", "applicant_type"),
                               ("applications", "co_applications", "iur_applications")),
    "patent_applicants": (("region_code", "industry_code", "year", "applicant", "applicant_type"),
                          ("applications", "grants")),
    "patent_ipc": (("region_code", "industry_code", "year", "ipc_subclass", "ipc_group"), ("applications",)),
    "patent_status": (("region_code", "industry_code", "year", "ptype", "status_class"), ("patents",)),
    "patent_origins": (("industry_code", "year", "origin", "province"), ("applications", "grants")),
}


def _spread(counted: ir.Table, weights: ir.Table, keys: list[str], values: dict[str, str]) -> ir.Table:
    """By ``keys`` and industry: ``ALL`` rows (Σ count) and each industry's (Σ count · w, the
    weights joined on ``ipc_key``); ``values`` maps each output column to a count column."""
    everyone, by_industry = _spread_parts(counted, weights, keys, values)
    return everyone.union(by_industry)


def _spread_parts(counted: ir.Table, weights: ir.Table, keys: list[str], values: dict[str, str]
                  ) -> tuple[ir.Table, ir.Table]:
    """The ``ALL`` rows and the industries' rows of :func:`_spread`, apart."""
    everyone = counted.group_by(keys).aggregate(
        **{v: counted[c].sum().cast("float64") for v, c in values.items()}
    ).mutate(industry_code=ibis.literal("ALL", type="string"))
    j = counted.join(weights, counted.ipc_key == weights.ipc_key)
    by_industry = j.group_by([*keys, "industry_code"]).aggregate(
        **{v: (j[c].cast("float64") * j.w).sum() for v, c in values.items()})
    cols = [*keys, "industry_code", *values]
    return everyone.select(cols), by_industry.select(cols)


def _count(t: ir.Table, keys: list[str], flags: tuple[str, ...] = ()) -> ir.Table:
    """Patents by ``keys`` and ``ipc_key``: ``c`` and, for each boolean column ``f`` of
    ``flags``, ``c_f`` (the patents where it is true)."""
    return t.group_by([*keys, "ipc_key"]).aggregate(
        c=t.count(), **{f"c_{f}": t.count(where=t[f]) for f in flags})


def _applicant_types(placed: ir.Table, app_sets: ir.Table, weights: ir.Table) -> ir.Table:
    ps = placed.join(app_sets, placed.app_set == app_sets.app_set, how="left")
    ps = ps.mutate(year=ps.filing_year, applicant_type=ps.primary_type.fill_null("unknown"),
                   co=ps.n_applicants >= 2)
    keys = ["region_code", "year", "applicant_type"]
    counted = _count(ps, keys, ("co", "iur"))
    return _spread(counted, weights, keys, {"applications": "c", "co_applications": "c_co",
                                            "iur_applications": "c_iur"})


def _applicants(placed: ir.Table, app_names: ir.Table, weights: ir.Table) -> tuple[ir.Table, ir.Table]:
    pn = placed.join(app_names, placed.app_set == app_names.app_set)
    pn = pn.select("region_code", "name_id", "ipc_key", year=pn.filing_year,
                   c=ibis.literal(1, type="int64"), c_g=pn.grant_year.notnull().cast("int64"))
    return _spread_parts(pn, weights, ["region_code", "year", "name_id"], {"applications": "c", "grants": "c_g"})


def applicant_parts(patents: ir.Table, app_names: ir.Table, weights: ir.Table) -> list[ir.Table]:
    """``patent_applicants`` by ``name_id`` (as in :func:`landscape_exprs`) in two parts, industry
    ``ALL`` and the industries, each aggregated on its own: the largest table, computed with half
    its groups in memory at a time. Their union is the table."""
    placed = patents.filter(patents.region_code.notnull())
    return [_columns(e, "patent_applicants") for e in _applicants(placed, app_names, weights)]


def attach_names(table: pa.Table, names: pa.Table) -> pa.Table:
    """``patent_applicants`` by ``name_id`` (:func:`landscape_exprs`) with the applicant and its
    type taken from ``names`` (``name_id, applicant, applicant_type``), in :data:`TABLES` order —
    a lookup in Arrow, cheaper than carrying the names through the aggregation. When ``names``
    is sorted by ``name_id`` and holds 1, 2, … n, a name's position is its
    ``name_id`` − 1 (no hash lookup); otherwise it is found by value."""
    ids = names.column("name_id")
    if len(ids) and ids[0].as_py() == 1 and ids[len(ids) - 1].as_py() == len(ids) and pc.all(
            pc.equal(pc.subtract(ids.slice(1), ids.slice(0, len(ids) - 1)), 1)).as_py():
        at = pc.subtract(table.column("name_id"), 1)
    else:
        at = pc.index_in(table.column("name_id"), value_set=ids)
    cols = {c: table.column(c) for c in table.column_names if c != "name_id"}
    cols |= {c: names.column(c).take(at) for c in ("applicant", "applicant_type")}
    keys, values = TABLES["patent_applicants"]
    return pa.table({c: cols[c] for c in (*keys, *values)})


def _ipc(placed: ir.Table, weights: ir.Table) -> ir.Table:
    main = placed.filter(placed.ipc_main.notnull())
    keys = ["region_code", "year", "ipc_main"]
    counted = _count(main.mutate(year=main.filing_year), keys)
    t = _spread(counted, weights, keys, {"applications": "c"})
    return t.mutate(ipc_subclass=t.ipc_main.substr(0, 4), ipc_group=t.ipc_main.split("/")[0])


def _status(placed: ir.Table, weights: ir.Table) -> ir.Table:
    st = placed.mutate(year=placed.filing_year, status_class=placed.status_class.fill_null("unknown"))
    keys = ["region_code", "year", "ptype", "status_class"]
    return _spread(_count(st, keys), weights, keys, {"patents": "c"})


def _origins(patents: ir.Table, weights: ir.Table) -> ir.Table:
    known = patents.filter(patents.origin.notnull())
    keys = ["year", "origin", "province"]
    counted = _count(known.mutate(year=known.filing_year, g=known.grant_year.notnull()), keys, ("g",))
    return _spread(counted, weights, keys, {"applications": "c", "grants": "c_g"})


def landscape_exprs(patents: ir.Table, app_sets: ir.Table, app_names: ir.Table,
                    weights: ir.Table) -> dict[str, ir.Table]:
    """The tables of the module docstring as Ibis expressions; ``patent_applicants`` has
    ``name_id`` in place of the applicant and its type (:func:`attach_names`)."""
    placed = patents.filter(patents.region_code.notnull())
    out = {"patent_applicant_types": _applicant_types(placed, app_sets, weights),
           "patent_applicants": ibis.union(*_applicants(placed, app_names, weights)),
           "patent_ipc": _ipc(placed, weights), "patent_status": _status(placed, weights),
           "patent_origins": _origins(patents, weights)}
    return {k: _columns(e, k) for k, e in out.items()}


def _columns(e: ir.Table, name: str) -> ir.Table:
    """The columns of :data:`TABLES` ``name`` (``name_id`` for the applicant and its type), in
    order, ``year`` as int64."""
    keys = list(TABLES[name][0])
    if name == "patent_applicants":
        keys = [k for k in keys if k not in ("applicant", "applicant_type")] + ["name_id"]
    t = e.select(*keys, *TABLES[name][1])
    return t.mutate(year=t.year.cast("int64"))
