"""One ingest run: files → cleaned records → regions → industries → facts, with a summary.

**Inventions (patents) in force at year end** — definition and approximation:
a patent counts for year Y when it was granted on or before 31 Dec Y and its end date is after
31 Dec Y. The end date is the earlier of

- the lapse date (mapped column 失效日 …), and
- the end of the statutory term, counted from the filing date: 20 years for inventions, 10 for
  utility models, 10 for designs filed before 2021-06-01 and 15 after (Patent Law art. 42,
  2020 revision); term extensions (patent-term compensation) are ignored.

When the export has no lapse date but the *current* legal status says the right has ended
(失效, 终止, 放弃, 届满, 撤回, 驳回, 未缴, 撤销, 无效 but not 部分无效), the year it ended is
unknown: such patents are counted in **no** year (the stock is exact for the export date and a
lower bound for earlier years); the summary reports how many. Without a status column every
granted patent is taken to be in force until its term ends (an upper bound). Only patents in
the export are counted: an export that starts in 2016 undercounts the stock of older patents.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import ibis
import pandas as pd
import pyarrow as pa

from ipbench.errors import DataError, ParamsError
from ipbench.patents.aggregate import (
    UNITS,
    compact_expr,
    event_weights_expr,
    facts_from_compact,
    industry_weights,
)
from ipbench.patents.applicants import HMT_CODES, origin_from_address, origin_from_country, type_sql
from ipbench.patents.concordance import POLICIES, Concordance, read_concordance
from ipbench.patents.mappings import EVENT_KINDS, ColumnMapping, load_mapping
from ipbench.patents.readers import FileRead, read_exports
from ipbench.patents.records import (
    LAPSED_PATTERN,
    RECORDS,
    app_key_text,
    build_dictionary,
    clean_records,
    record_counts,
    rows_sql,
)
from ipbench.patents.regions import REASONS, RegionAssigner, default_assigner
from ipbench.patents.tables import TABLES, applicant_parts, attach_names, landscape_exprs

ENGINES = ("duckdb", "spark")
APPLICANT_SEPARATOR = "[;；|]"
EVENT_VARIABLES = {"transfer": "patent_transfer", "licence": "patent_licence", "pledge": "patent_pledge"}

FACT_COLUMNS = ["region_code", "industry_code", "year", "variable", "value", "unit", "source"]
__all__ = ["FACT_COLUMNS", "LAPSED_PATTERN", "IngestResult", "ingest"]
ROOT = Path(__file__).resolve().parents[2]
DEFAULT_CONCORDANCE = ROOT / "data" / "concordance" / "ipc_gbt4754_demo.csv"
DEFAULT_INDUSTRIES = ROOT / "data" / "industries.yaml"


@dataclass(frozen=True)
class IngestResult:
    """Facts rows plus everything needed to trust them.

    ``facts`` is in the facts layout (docs/ARCHITECTURE.md); ``issues`` lists malformed cells
    (``_file, _row, field, value, problem``); ``unassigned`` the patents without a region
    (``app_key, _file, _row, area_code, address, reason``); ``counts`` the summary figures.
    """

    facts: pd.DataFrame
    counts: dict[str, int]
    unassigned_by_reason: dict[str, int]
    issues: pd.DataFrame
    unassigned: pd.DataFrame
    files: list[FileRead]
    policy: str
    seconds: float
    notes: list[str] = field(default_factory=list)
    #: applicant-level and landscape tables (:mod:`ipbench.patents.tables`)
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    engine: str = "duckdb"

    def errors(self, limit: int = 20) -> list[DataError]:
        """The first ``limit`` issues as :class:`DataError` objects (file, row, column, value)."""
        return [
            DataError(r["problem"], file=r["_file"], row=int(r["_row"]), column=r["field"],
                      value=None if pd.isna(r["value"]) else r["value"])
            for r in self.issues.head(limit).to_dict("records")
        ]

    def summary(self) -> str:
        """Readable end-of-run summary (中文/English)."""
        c = self.counts
        lines = [
            f"读取 read: {c['read']:,} rows from {len(self.files)} file(s)",
            f"格式错误 malformed (no usable application number or filing date): {c['malformed']:,}",
            f"重复 duplicates (same application number, counted once): {c['duplicates']:,}",
            f"  合并 merged: {c.get('merged', 0):,} application(s) read from several rows,"
            f" {c.get('grant_from_other_row', 0):,} with the grant taken from another row",
            f"专利 patents: {c['patents']:,}",
            f"已定位 assigned to a region: {c['assigned']:,}",
            f"未定位 unassigned: {c['unassigned']:,}",
        ]
        for reason, n in sorted(self.unassigned_by_reason.items(), key=lambda kv: -kv[1]):
            lines.append(f"  - {reason} ({REASONS.get(reason, reason)}): {n:,}")
        for key, label in (("hk_macao_taiwan", "港澳台 Hong Kong/Macao/Taiwan applicants"),
                           ("foreign", "国外 foreign applicants")):
            lines.append(f"{label}: {c.get(key, 0):,}")
        lines += [
            f"无有效IPC no valid IPC code (counted in ALL only): {c['no_valid_ipc']:,}",
            f"不属任何目标产业 in no target industry under '{self.policy}': {c['no_industry']:,}",
            f"问题单元格 cell issues reported: {len(self.issues):,}",
            f"事实行 facts rows: {len(self.facts):,}  ({self.seconds:.1f} s)",
        ]
        lines += [f"注 note: {n}" for n in self.notes]
        return "\n".join(lines)

    def _repr_html_(self) -> str:  # pragma: no cover - display only
        return "<pre>" + self.summary() + "</pre>"


def available_cores() -> int:
    """CPU cores this process may run on (affinity mask, e.g. a container's cpuset)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


def _load_concordance(concordance, target, industries_yaml) -> Concordance:
    if isinstance(concordance, Concordance):
        return concordance
    return read_concordance(
        concordance or DEFAULT_CONCORDANCE, target=target,
        industries_yaml=industries_yaml or DEFAULT_INDUSTRIES,
    )


def _register(con: duckdb.DuckDBPyConnection, name: str, frame: pd.DataFrame) -> None:
    con.register(f"{name}_frame", frame)
    con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM {name}_frame")
    con.unregister(f"{name}_frame")


def _region_maps(con: duckdb.DuckDBPyConnection, assigner: RegionAssigner) -> None:
    """``_loc_map``: each distinct ``(area_code, address, country)`` cell triple (key ``loc_h``)
    → ``region_code`` (NULL when unplaced), ``reason``, ``origin`` and ``province``, through
    ``_code_map`` (distinct area codes), ``_addr_map`` (distinct addresses where the code gives
    no region) and ``_country_map`` (distinct country cells; origins:
    :mod:`ipbench.patents.applicants`)."""
    build_dictionary(con, "_loc_cells", "loc_h")
    con.execute("CREATE OR REPLACE TEMP TABLE _loc AS SELECT loc_h, NULLIF(trim(area_code), '') AS area_code,"
                " address, country FROM _loc_cells")
    raw_codes = [r[0] for r in con.execute(
        "SELECT DISTINCT area_code FROM _loc WHERE area_code IS NOT NULL").fetchall()]
    code_map = assigner.codes(raw_codes)
    rows = []
    for k, (fine, why) in code_map.items():
        digits = "".join(ch for ch in str(k) if ch.isdigit())
        province = (fine[:2] + "0000") if fine else (digits[:2] + "0000" if why == "province_only" else None)
        rows.append((k, fine, why, *(assigner.finish(fine) if fine else (None, None)),
                     HMT_CODES.get(digits[:2]) if why == "hk_macao_taiwan" else None, province))
    _register(con, "_code_map", pd.DataFrame(
        rows, columns=["area_code", "fine", "code_reason", "region", "fin_reason", "hmt", "province"],
        dtype="string"))
    addrs = [r[0] for r in con.execute("""
        SELECT DISTINCT r.address FROM _loc r LEFT JOIN _code_map m USING (area_code)
        WHERE r.address IS NOT NULL AND m.fine IS NULL""").fetchall()]
    origin = {a: origin_from_address(a) for a in addrs}
    domestic = [a for a in addrs if origin[a] is None]
    addr_map = assigner.addresses(domestic) if domestic else {}
    rows = [(a, fine, *(assigner.finish(fine) if fine else (None, None)), origin[a],
             fine[:2] + "0000" if fine else None) for a, fine in addr_map.items()]
    rows += [(a, None, None, None, origin[a], None) for a in addrs if origin[a] is not None]
    _register(con, "_addr_map", pd.DataFrame(
        rows, columns=["address", "fine", "region", "fin_reason", "origin", "province"], dtype="string"))
    countries = [r[0] for r in con.execute(
        "SELECT DISTINCT country FROM _loc WHERE country IS NOT NULL").fetchall()]
    _register(con, "_country_map", pd.DataFrame(
        [(c, origin_from_country(c)) for c in countries], columns=["country", "origin"], dtype="string"))
    con.execute("""
    CREATE OR REPLACE TEMP TABLE _loc_map AS
    SELECT loc_h,
      CASE WHEN origin IS NULL OR origin = 'CN' THEN region END AS region_code,
      CASE WHEN origin IN ('HK', 'MO', 'TW') THEN 'hk_macao_taiwan'
           WHEN origin IS NOT NULL AND origin <> 'CN' THEN 'foreign'
           ELSE reason0 END AS reason,
      origin, CASE WHEN origin = 'CN' THEN province END AS province
    FROM (
    SELECT l.loc_h, coalesce(cm.region, am.region) AS region,
      CASE WHEN coalesce(cm.region, am.region) IS NOT NULL THEN NULL
           WHEN coalesce(cm.fin_reason, am.fin_reason) IS NOT NULL
             THEN coalesce(cm.fin_reason, am.fin_reason)
           WHEN cm.code_reason IS NOT NULL THEN cm.code_reason
           WHEN l.address IS NOT NULL THEN 'address_not_parsed'
           ELSE 'no_area_code_or_address' END AS reason0,
      CASE WHEN co.origin IS NOT NULL AND co.origin <> 'CN' THEN co.origin
           WHEN cm.hmt IS NOT NULL THEN cm.hmt
           WHEN am.origin IS NOT NULL THEN am.origin
           WHEN coalesce(cm.fine, am.fine, cm.province) IS NOT NULL OR co.origin = 'CN' THEN 'CN'
           END AS origin,
      left(coalesce(cm.fine, am.fine, cm.province), 2) || '0000' AS province
    FROM _loc l
    LEFT JOIN _code_map cm ON cm.area_code = l.area_code
    LEFT JOIN _addr_map am ON am.address = CASE WHEN cm.fine IS NULL THEN l.address END
    LEFT JOIN _country_map co ON co.country = l.country
    )""")


def _build_tables(con: duckdb.DuckDBPyConnection) -> None:
    """``placed`` (one narrow row per patent, with region or reason and origin), the view
    ``patents`` (recognisable type) and ``events`` — one pass over the kept records."""
    con.execute("""
    CREATE OR REPLACE TABLE placed AS
    SELECT r.app_key, r.pos, l.region_code, l.reason, l.origin, l.province, r.ptype,
      CAST(year(r.filing_d) AS BIGINT) AS filing_year,
      CAST(year(r.grant_d) AS BIGINT) AS grant_year,
      CASE WHEN r.grant_d IS NULL THEN NULL
           WHEN r.lapse_d IS NULL AND r.status_lapsed THEN NULL
           -- year(least(lapse, filing + term)) = least(year(lapse), year(filing) + term years):
           -- year() is monotonic and adding whole years keeps the year arithmetic exact
           ELSE CAST(least(coalesce(year(r.lapse_d), 9999), year(r.filing_d) +
             CASE WHEN r.ptype = 'invention' THEN 20
                  WHEN r.ptype = 'design' AND r.filing_d >= DATE '2021-06-01' THEN 15
                  ELSE 10 END) AS BIGINT) END AS inforce_end,
      s.ipc_key, s.ipc_main, s.n_ipc,
      (r.grant_d IS NOT NULL AND r.lapse_d IS NULL AND r.status_lapsed) AS undated_lapse,
      r.status_class, r.app_h AS app_set
    FROM kept r
    LEFT JOIN _loc_map l ON l.loc_h = r.loc_h
    LEFT JOIN ipc_sets s ON s.ipc_key = r.ipc_h
    """)
    con.execute("CREATE OR REPLACE VIEW patents AS SELECT * FROM placed WHERE ptype IS NOT NULL")
    # events: per application and kind, the row listing most dated events (an A and a B row
    # of one application list the same events); counts without dates from the largest count
    lists = ", ".join(
        f"max({{'n': len(list_filter({k}_parsed, lambda x: x.d IS NOT NULL)),"
        f" 'l': list_transform(list_filter({k}_parsed, lambda x: x.d IS NOT NULL), lambda x: x.d)}}).l AS {k}"
        for k in EVENT_KINDS)
    con.execute(f"CREATE OR REPLACE TEMP TABLE _event_lists AS SELECT app_key, {lists}"
                " FROM event_dates WHERE app_key IS NOT NULL GROUP BY app_key")
    maxima = ", ".join(f"max({k}_n) AS {k}_n" for k in EVENT_KINDS)
    con.execute(f"CREATE OR REPLACE TEMP TABLE _event_counts AS SELECT app_key, {maxima} FROM {RECORDS}"
                " WHERE app_key IS NOT NULL AND (" + " OR ".join(f"{k}_n > 0" for k in EVENT_KINDS)
                + ") GROUP BY app_key")
    # the placed patents with events, found in one pass over ``placed``
    lists = ", ".join(f"e.{k}" for k in EVENT_KINDS)
    ns = ", ".join(f"c.{k}_n" for k in EVENT_KINDS)
    con.execute(f"""
    CREATE OR REPLACE TEMP TABLE _with_events AS
    SELECT p.app_key, coalesce(p.grant_year, p.filing_year) AS count_year, {lists}, {ns}
    FROM (SELECT app_key FROM _event_lists UNION SELECT app_key FROM _event_counts) k
    JOIN placed p USING (app_key) LEFT JOIN _event_lists e USING (app_key) LEFT JOIN _event_counts c USING (app_key)
    WHERE p.region_code IS NOT NULL""")
    parts = []
    for kind, var in EVENT_VARIABLES.items():
        parts.append(f"""
        SELECT app_key, '{var}' AS variable, CAST(year(d) AS BIGINT) AS year, CAST(1 AS BIGINT) AS n,
          FALSE AS from_count
        FROM (SELECT app_key, unnest({kind}) AS d FROM _with_events)
        UNION ALL
        SELECT app_key, '{var}', count_year, CAST({kind}_n AS BIGINT), TRUE FROM _with_events
        WHERE {kind}_n > 0 AND coalesce(len({kind}), 0) = 0""")
    con.execute("CREATE OR REPLACE TABLE events AS " + " UNION ALL ".join(parts))


def _applicant_cells(con: duckdb.DuckDBPyConnection, mapping: ColumnMapping) -> None:
    """``app_cells`` (distinct applicant and type cells → ``app_set``), ``app_sets`` (primary
    type, number of applicants, 产学研), ``app_names`` (each named applicant of a cell: position
    ``i``, type, ``name_id``) and ``applicant_names`` (``name_id`` → distinct applicant and
    type); each distinct name and type cell classified once in SQL by
    :func:`ipbench.patents.applicants.type_sql`."""
    sep = APPLICANT_SEPARATOR  # not commas: "SAMSUNG ELECTRONICS CO., LTD." is one name

    def split(e: str) -> str:
        return (f"CASE WHEN {e} IS NULL THEN CAST([] AS VARCHAR[]) ELSE list_filter(list_transform("
                f"regexp_split_to_array({e}, '{sep}'), lambda x: trim(x)), lambda x: x <> '') END")

    build_dictionary(con, "_app_cells", "app_h")
    con.execute("CREATE OR REPLACE TABLE app_cells AS"
                " SELECT app_h AS app_set, applicant, applicant_type FROM _app_cells")
    con.execute(f"""
    CREATE OR REPLACE TEMP TABLE _split AS
    SELECT app_set, i, name, CASE WHEN len(types) = len(names) THEN types[i]
                                  WHEN len(types) = 1 THEN types[1] END AS tcell
    FROM (SELECT app_set, names, types, unnest(names) AS name, unnest(generate_series(1, len(names))) AS i
          FROM (SELECT app_set, {split('applicant')} AS names, {split('applicant_type')} AS types
                FROM app_cells))""")
    # each distinct (name, type cell) classified once, then numbered by (name, type)
    kind = type_sql("name", "tcell", mapping.applicant_type_values)
    con.execute(f"""
    CREATE OR REPLACE TEMP TABLE _kinds AS
    SELECT name, tcell, {kind} AS applicant_type FROM (SELECT DISTINCT name, tcell FROM _split)""")
    con.execute("""
    CREATE OR REPLACE TABLE applicant_names AS
    SELECT CAST(row_number() OVER () AS BIGINT) AS name_id, applicant, applicant_type
    FROM (SELECT DISTINCT name AS applicant, applicant_type FROM _kinds)""")
    con.execute("""
    CREATE OR REPLACE TABLE app_names AS
    SELECT s.app_set, s.i, k.applicant_type, n.name_id FROM _split s
    JOIN _kinds k ON k.name = s.name AND k.tcell IS NOT DISTINCT FROM s.tcell
    JOIN applicant_names n ON n.applicant = k.name AND n.applicant_type = k.applicant_type""")
    con.execute("""
    CREATE OR REPLACE TABLE app_sets AS
    SELECT app_set, arg_min(applicant_type, i) AS primary_type, CAST(count(*) AS BIGINT) AS n_applicants,
      bool_or(applicant_type IN ('university', 'institute')) AND bool_or(applicant_type = 'enterprise') AS iur
    FROM app_names GROUP BY app_set""")


def _complete(facts: pd.DataFrame, years: Sequence[int], variables: Sequence[str] = tuple(UNITS)
              ) -> pd.DataFrame:
    """Zero rows for every region × industry × year × variable counted, so absence reads 0
    (variables the export has no column for are not in ``variables``: no rows, not zeros)."""
    if facts.empty:
        return facts
    regions = facts["region_code"].unique()
    industries = facts["industry_code"].unique()
    grid = pd.MultiIndex.from_product(
        [regions, industries, list(years), list(variables)],
        names=["region_code", "industry_code", "year", "variable"],
    )
    s = facts.set_index(["region_code", "industry_code", "year", "variable"])["value"]
    return s.reindex(grid, fill_value=0.0).reset_index()


NARROW = ("patents", "ipc_codes", "ipc_sets", "events", "lookup", "app_sets", "app_names", "applicant_names")


def _exprs(t: dict, policy: str, years: list[int]) -> tuple:
    """The facts expression (over materialised ``compact``/``event_values`` or their
    expressions), the landscape expressions but ``patent_applicants``, the applicant names
    table and a function giving the parts of ``patent_applicants`` from a patents table
    (:func:`ipbench.patents.tables.applicant_parts`), on whichever backend ``t`` lives."""
    sets = t["ipc_sets"].select("ipc_key", "ipc_main", "n_ipc")
    compact = compact_expr(t["patents"], t["ipc_codes"], t["lookup"], policy, ipc_sets=sets)
    events = event_weights_expr(t["patents"], t["ipc_codes"], t["events"], t["lookup"], policy,
                                ipc_sets=sets)
    weights = industry_weights(sets.rename(app_key="ipc_key"), t["ipc_codes"].rename(app_key="ipc_key"),
                               t["lookup"], policy, with_all=False).rename(ipc_key="app_key")
    names = t["app_names"].select("app_set", "name_id")
    land = landscape_exprs(t["patents"], t["app_sets"], names, weights)
    del land["patent_applicants"]
    return compact, events, land, t["applicant_names"], lambda p: applicant_parts(p, names, weights)


def _aggregate(con: duckdb.DuckDBPyConnection, policy: str, years: list[int], variables: list[str], *,
               engine: str, spark: object | None, spark_dir: str | Path | None
               ) -> tuple[pd.DataFrame, dict[str, pd.DataFrame]]:
    """Facts (``variables`` only, completed with zeros) and landscape tables, computed by the
    same Ibis expressions on DuckDB or on Spark (:func:`ingest`, ``engine``)."""
    empty = pd.DataFrame(columns=FACT_COLUMNS[:5])
    if engine == "duckdb":
        icon = ibis.duckdb.from_connection(con)
        t = {n: icon.table(n) for n in NARROW}
        compact, events, land, names, parts = _exprs(t, policy, years)
        for name, e in (("compact", compact), ("event_values", events)):
            con.execute(f"CREATE OR REPLACE TABLE {name} AS {ibis.to_sql(e, dialect='duckdb')}")
        compact, events = icon.table("compact"), icon.table("event_values")

        def applicants() -> list[ibis.Table]:
            # the applicants table is computed last, from a narrow copy of what it reads: the
            # patents table and the facts' tables are dropped to leave room for its groups
            con.execute("CREATE OR REPLACE TABLE _applicant_input AS SELECT region_code, filing_year,"
                        " grant_year, app_set, ipc_key FROM patents WHERE region_code IS NOT NULL")
            con.execute("DROP VIEW patents")
            for name in ("placed", "compact", "event_values", "events"):
                con.execute(f"DROP TABLE {name}")
            return parts(icon.table("_applicant_input"))

        def batches(e: ibis.Table) -> pa.RecordBatchReader:
            return con.sql(ibis.to_sql(e, dialect="duckdb")).to_arrow_reader(BATCH_ROWS)

        return _finish(compact, events, land, names, applicants, batches, years, variables, empty)
    from ipbench.patents.spark import spark_tables

    with spark_tables(con, NARROW, spark=spark, spark_dir=spark_dir) as t:
        compact, events, land, names, parts = _exprs(t, policy, years)
        return _finish(compact, events, land, names, lambda: parts(t["patents"]),
                       lambda e: e.to_pyarrow_batches(chunk_size=BATCH_ROWS), years, variables, empty)


def _finish(compact, events, land, names, applicants, batches, years, variables, empty):  # noqa: ANN001, ANN202
    """Facts and tables as pandas frames; ``applicants()`` gives the parts of the applicants
    table (computed last), ``batches`` streams an expression as Arrow record batches."""
    facts = empty
    if years:
        expr = facts_from_compact(compact, events, years)
        expr = expr.filter(expr.year.isin(years) & expr.variable.isin(variables))
        facts = _complete(expr.to_pandas(), years, variables)
    tables = {name: e.to_pandas() for name, e in land.items()}
    # before the streams, each holding the connection until read out; sorted by name_id, whose
    # positions then need no hash lookup (attach_names)
    lookup = names.to_pyarrow().sort_by("name_id")
    tables["patent_applicants"] = _applicants_frame(applicants(), batches, lookup)
    return facts, {name: tables[name] for name in TABLES}


#: rows per Arrow batch when the applicants table is streamed
BATCH_ROWS = 1 << 20


def _applicants_frame(exprs: list, batches: Callable, lookup: pa.Table) -> pd.DataFrame:
    """The applicants table from its parts (``exprs``), each streamed in batches by ``name_id``
    (``batches``: expression → record batch reader) with the names looked up batch by batch: the
    largest table, never held whole in a second form."""
    parts = []
    for e in exprs:
        reader = batches(e)
        parts += [attach_names(pa.Table.from_batches([b]), lookup) for b in reader]
    if not parts:
        parts = [attach_names(reader.schema.empty_table(), lookup)]
    table = pa.concat_tables(parts)
    del parts  # the table's buffers are freed as its columns are converted
    return table.to_pandas(self_destruct=True, split_blocks=True)


def _summary_counts(con: duckdb.DuckDBPyConnection, policy: str) -> tuple[dict[str, int], dict[str, int]]:
    """Unassigned patents by reason, and the summary counts of :attr:`IngestResult.counts`
    computed from ``placed`` (patents, assigned, no valid IPC, no industry, undated lapses,
    events from counts, no patent type, Hong Kong/Macao/Taiwan and foreign applicants)."""
    by_reason = {k: int(v) for k, v in con.execute(
        "SELECT reason, count(*) FROM placed WHERE region_code IS NULL GROUP BY reason").fetchall()}
    n_patents, n_assigned = con.execute(
        "SELECT count(*), count(region_code) FROM placed").fetchall()[0]
    hit = ("SELECT DISTINCT c.ipc_key FROM ipc_codes c JOIN lookup l USING (ipc)" if policy != "main"
           else "SELECT s.ipc_key FROM ipc_sets s JOIN lookup l ON l.ipc = s.ipc_main")
    no_ipc, no_ind, undated, no_type = con.execute(f"""
        SELECT
          count(*) FILTER (WHERE ptype IS NOT NULL AND region_code IS NOT NULL AND n_ipc = 0),
          count(*) FILTER (WHERE ptype IS NOT NULL AND region_code IS NOT NULL AND h.ipc_key IS NULL),
          count(*) FILTER (WHERE ptype IS NOT NULL AND region_code IS NOT NULL AND undated_lapse),
          count(*) FILTER (WHERE ptype IS NULL)
        FROM placed p LEFT JOIN (SELECT DISTINCT ipc_key FROM ({hit})) h USING (ipc_key)
    """).fetchall()[0]
    from_count = con.execute("SELECT coalesce(sum(n), 0) FROM events WHERE from_count").fetchall()[0][0]
    return by_reason, {
        "patents": int(n_patents), "assigned": int(n_assigned),
        "unassigned": int(n_patents - n_assigned), "no_valid_ipc": int(no_ipc),
        "no_industry": int(no_ind), "undated_lapse": int(undated),
        "events_from_counts": int(from_count), "no_patent_type": int(no_type),
        "hk_macao_taiwan": by_reason.get("hk_macao_taiwan", 0), "foreign": by_reason.get("foreign", 0),
    }


def _notes(counts: dict[str, int], kinds: list[str], files_read: list[FileRead]) -> list[str]:
    """The summary's notes: approximations and what the export lacks."""
    notes = []
    if counts["undated_lapse"]:
        notes.append(f"{counts['undated_lapse']:,} granted patents have a lapsed legal status but no"
                     " lapse date: counted in no year's in-force stock (lower bound)")
    if counts["events_from_counts"]:
        notes.append(f"{counts['events_from_counts']:,} transfer/licence/pledge events come from counts"
                     " without dates: placed in the grant (else filing) year")
    if counts["no_patent_type"]:
        notes.append(f"{counts['no_patent_type']:,} patents have no recognisable patent type: not counted")
    absent = [EVENT_VARIABLES[k] for k in EVENT_KINDS if k not in kinds]
    if absent:
        notes.append(f"the export has no column for {', '.join(absent)} (neither dates nor counts):"
                     " no facts for them — unknown, not zero")
    if not any("legal_status" in fr.columns or "lapse_date" in fr.columns for fr in files_read):
        notes.append("the export has no legal-status or lapse-date column: every granted patent is"
                     " counted in force until its term ends (an upper bound of the stock)")
    if counts.get("merged"):
        notes.append(f"{counts['merged']:,} application(s) appear on several rows (e.g. A and B"
                     f" publications) and were merged; {counts['grant_from_other_row']:,} took their"
                     " grant from another row")
    return notes


def _unassigned(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Patents without a region, with file, row, area code, address and reason."""
    return con.execute(f"""
        SELECT {app_key_text('p.app_key')} AS app_key, r._file, r._row,
          NULLIF(trim(r.area_code), '') AS area_code, r.address,
          p.reason
        FROM placed p JOIN ({rows_sql('r.area_code, r.address')}) r USING (pos)
        WHERE p.region_code IS NULL ORDER BY r._file, r._row""").df()


#: what the aggregation does not read (the records, their dictionaries and working tables)
RELEASED = ("records", "merged", "dups", "event_dates", "_event_lists", "_event_counts", "_with_events",
            "app_cells", "_app_cells", "_split", "_kinds", "_ipc_cells", "_loc_cells", "_loc", "issues")


#: columns of ``placed`` read by the summary counts and the unassigned rows only
SUMMARY_ONLY = ("pos", "reason", "undated_lapse", "n_ipc")


def _release(con: duckdb.DuckDBPyConnection) -> None:
    """Drop :data:`RELEASED` (and the view ``kept``) so their memory is free for the aggregation."""
    con.execute("DROP VIEW IF EXISTS kept")
    for name in RELEASED:
        con.execute(f"DROP TABLE IF EXISTS {name}")


def ingest(
    files: Sequence[str | Path],
    mapping: str | Path | ColumnMapping | None = None,
    concordance: str | Path | Concordance | None = None,
    policy: str = "fractional",
    *,
    target: str = "pilot",
    industries_yaml: str | Path | None = None,
    level: str = "prefecture",
    scope: str | None = None,
    years: Sequence[int] | None = None,
    source: str = "patent_export",
    assigner: RegionAssigner | None = None,
    strict: bool = False,
    con: duckdb.DuckDBPyConnection | None = None,
    memory_limit: str | None = "3GB",
    threads: int | None = None,
    on_step: Callable[[str], None] | None = None,
    on_file: Callable[[FileRead], None] | None = None,
    engine: str = "duckdb",
    spark: object | None = None,
    spark_dir: str | Path | None = None,
) -> IngestResult:
    """Ingest patent-list exports into facts rows (``FACT_COLUMNS``).

    ``policy``: ``fractional`` (default: Σ over industries ≤ 1 per patent, no double counting),
    ``main`` or ``full`` (:mod:`ipbench.patents.concordance`). ``level``/``scope``: output region
    level and code prefix studied (e.g. ``"32"``; patents elsewhere are ``outside_scope``).
    ``years``: years reported (default: first to last filing year found). ``strict``: raise the
    first malformed-cell :class:`DataError` instead of collecting issues. ``memory_limit``:
    DuckDB's limit (it spills to disk beyond it; None = DuckDB's default, 80% of RAM);
    ``threads``: DuckDB threads (default: the cores this process may use, for a new connection).
    ``engine``: where the Ibis aggregation runs — ``duckdb`` (here) or ``spark``: reading and
    cleaning stay in DuckDB (one machine, spilling to disk), the narrow per-patent tables are
    written as Parquet to ``spark_dir`` (default: a temporary folder; give a path every Spark
    executor can read, e.g. ``hdfs://…`` or a shared mount, on a cluster) and the same Ibis
    expressions run on ``spark`` (a ``SparkSession``; default ``SparkSession.builder
    .getOrCreate()``, configured the standard way: ``SPARK_REMOTE`` for Spark Connect, or
    ``spark-submit``/``PYSPARK_SUBMIT_ARGS``/``spark-defaults.conf`` for a master).
    """
    if policy not in POLICIES:
        raise ParamsError(f"counting policy {policy!r}: use one of {POLICIES}")
    if engine not in ENGINES:
        raise ParamsError(f"engine {engine!r}: use one of {ENGINES}")
    t0 = time.perf_counter()
    step = on_step or (lambda _s: None)
    mapping = load_mapping(mapping)
    conc = _load_concordance(concordance, target, industries_yaml)
    assigner = assigner or default_assigner(level=level, scope=scope)
    if con is None:
        con = duckdb.connect(config={"threads": threads or available_cores()})
    elif threads:
        con.execute(f"SET threads = {int(threads)}")
    con.execute("SET enable_progress_bar = false")
    if memory_limit:
        con.execute(f"SET memory_limit = '{memory_limit}'")

    step("read")
    files_read = read_exports(con, files, mapping, on_file=on_file)
    step("clean")
    clean_records(con, mapping)
    issues = con.execute("SELECT * FROM issues ORDER BY _file, _row").df()
    if strict and len(issues):
        r = issues.iloc[0]
        raise DataError(r["problem"], file=r["_file"], row=int(r["_row"]), column=r["field"],
                        value=r["value"])
    counts = record_counts(con)
    step("regions")
    _region_maps(con, assigner)
    _applicant_cells(con, mapping)
    _build_tables(con)
    step("industries")
    codes = [r[0] for r in con.execute("SELECT DISTINCT ipc FROM ipc_codes").fetchall()]
    con.register("lookup_frame", conc.lookup_table(codes))
    con.execute("CREATE OR REPLACE TABLE lookup AS SELECT * FROM lookup_frame")
    con.unregister("lookup_frame")

    if years is None:
        lo, hi = con.execute("SELECT min(filing_year), max(filing_year) FROM patents").fetchall()[0]
        years = list(range(int(lo), int(hi) + 1)) if lo is not None else []
    years = [int(y) for y in years]

    step("aggregate")
    kinds = [k for k in EVENT_KINDS
             if any(f"{k}_dates" in fr.columns or f"{k}_count" in fr.columns for fr in files_read)]
    variables = [v for v in UNITS if v not in EVENT_VARIABLES.values()
                 or any(v == EVENT_VARIABLES[k] for k in kinds)]
    by_reason, more = _summary_counts(con, policy)
    counts |= more
    unassigned = _unassigned(con)
    _release(con)  # the records are summarised: free their memory before the aggregation
    for column in SUMMARY_ONLY:  # the aggregation reads neither: free their memory too
        con.execute(f"ALTER TABLE placed DROP COLUMN {column}")
    facts, tables = _aggregate(con, policy, years, variables, engine=engine, spark=spark,
                               spark_dir=spark_dir)
    facts = facts.assign(
        unit=facts["variable"].map(UNITS), source=source,
        year=facts["year"].astype("int64"), value=facts["value"].astype("float64"),
    )[FACT_COLUMNS].sort_values(FACT_COLUMNS[:4], ignore_index=True)
    notes = _notes(counts, kinds, files_read)
    return IngestResult(
        facts=facts, counts=counts, unassigned_by_reason=by_reason,
        issues=issues, unassigned=unassigned, files=files_read, policy=policy,
        seconds=time.perf_counter() - t0, notes=notes, tables=tables, engine=engine,
    )
