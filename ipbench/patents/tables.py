"""Applicant-level and landscape tables from the records, as Ibis expressions (any backend).

Inputs (built by :mod:`ipbench.patents.ingest`; Spark or DuckDB alike):

- ``patents``: one row per patent — ``app_key``, ``region_code`` (null when unplaced),
  ``origin`` (``CN``, ``HK``, ``MO``, ``TW`` or a foreign alpha-2 code; null unknown),
  ``province`` (``XX0000`` for ``CN``), ``ptype``, ``filing_year``, ``grant_year``,
  ``status_class``, ``ipc_key``, ``ipc_main``, ``app_set`` (key of the applicant cell);
- ``app_sets``: ``app_set``, ``primary_type``, ``n_applicants``, ``iur`` (产学研: a
  university or institute with an enterprise);
- ``app_names``: ``app_set``, ``applicant``, ``applicant_type`` (every named applicant);
- ``weights``: ``ipc_key``, ``industry_code``, ``w`` — the counting policy's industry weights
  per IPC set (:func:`ipbench.patents.aggregate.industry_weights`); industry ``ALL`` has w = 1
  and is added here.

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


def _weighted(patents: ir.Table, weights: ir.Table) -> ir.Table:
    """Patents × (ALL + their industries) with weight ``w``."""
    everyone = patents.mutate(industry_code=ibis.literal("ALL", type="string"),
                              w=ibis.literal(1.0, type="float64"))
    j = patents.join(weights, patents.ipc_key == weights.ipc_key).select(patents, weights.industry_code,
                                                                         weights.w)
    return everyone.union(j.select(everyone.columns))


def landscape_exprs(patents: ir.Table, app_sets: ir.Table, app_names: ir.Table,
                    weights: ir.Table) -> dict[str, ir.Table]:
    """The tables of the module docstring as Ibis expressions."""
    pw = _weighted(patents, weights)
    placed = pw.filter(pw.region_code.notnull())
    ps = placed.join(app_sets, placed.app_set == app_sets.app_set, how="left")
    ps = ps.mutate(applicant_type=ps.primary_type.fill_null("unknown"))
    types = ps.group_by(["region_code", "industry_code", ps.filing_year.name("year"), "applicant_type"]).aggregate(
        applications=ps.w.sum(),
        co_applications=ps.w.sum(where=ps.n_applicants >= 2).fill_null(0.0),
        iur_applications=ps.w.sum(where=ps.iur).fill_null(0.0),
    )
    pn = placed.join(app_names, placed.app_set == app_names.app_set)
    applicants = pn.group_by(["region_code", "industry_code", pn.filing_year.name("year"), "applicant",
                              "applicant_type"]).aggregate(
        applications=pn.w.sum(), grants=pn.w.sum(where=pn.grant_year.notnull()).fill_null(0.0))
    main = placed.ipc_main
    ipc = placed.filter(main.notnull()).mutate(ipc_subclass=main.substr(0, 4),
                                                ipc_group=main.split("/")[0])
    ipc = ipc.group_by(["region_code", "industry_code", ipc.filing_year.name("year"), "ipc_subclass",
                        "ipc_group"]).aggregate(applications=ipc.w.sum())
    st = placed.mutate(status_class=placed.status_class.fill_null("unknown"))
    status = st.group_by(["region_code", "industry_code", st.filing_year.name("year"), "ptype",
                          "status_class"]).aggregate(patents=st.w.sum())
    known = pw.filter(pw.origin.notnull())
    origins = known.group_by(["industry_code", known.filing_year.name("year"), "origin", "province"]).aggregate(
        applications=known.w.sum(), grants=known.w.sum(where=known.grant_year.notnull()).fill_null(0.0))
    out = {"patent_applicant_types": types, "patent_applicants": applicants, "patent_ipc": ipc,
           "patent_status": status, "patent_origins": origins}
    return {k: e.mutate(year=e.year.cast("int64")) for k, e in out.items()}
