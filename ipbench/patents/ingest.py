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

from ipbench.errors import DataError, ParamsError
from ipbench.patents.aggregate import (
    UNITS,
    compact_expr,
    event_weights_expr,
    facts_from_compact,
)
from ipbench.patents.concordance import POLICIES, Concordance, read_concordance
from ipbench.patents.mappings import ColumnMapping, load_mapping
from ipbench.patents.readers import FileRead, read_exports
from ipbench.patents.records import (
    LAPSED_PATTERN,
    RECORDS,
    app_key_text,
    clean_records,
    record_counts,
    rows_sql,
)
from ipbench.patents.regions import REASONS, RegionAssigner, default_assigner

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
            f"专利 patents: {c['patents']:,}",
            f"已定位 assigned to a region: {c['assigned']:,}",
            f"未定位 unassigned: {c['unassigned']:,}",
        ]
        for reason, n in sorted(self.unassigned_by_reason.items(), key=lambda kv: -kv[1]):
            lines.append(f"  - {reason} ({REASONS.get(reason, reason)}): {n:,}")
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


def _region_maps(con: duckdb.DuckDBPyConnection, assigner: RegionAssigner) -> None:
    """``_code_map`` (distinct area codes) and ``_addr_map`` (distinct addresses of patents
    whose code gives no region) → fine code, region at the output level and reason."""
    raw_codes = [r[0] for r in con.execute(
        "SELECT DISTINCT area_code FROM kept WHERE area_code IS NOT NULL").fetchall()]
    code_map = assigner.codes(raw_codes)
    rows = [(k, fine, why, *(assigner.finish(fine) if fine else (None, None)))
            for k, (fine, why) in code_map.items()]
    frame = pd.DataFrame(rows, columns=["area_code", "fine", "code_reason", "region", "fin_reason"],
                         dtype="string")
    con.register("_code_frame", frame)
    con.execute("CREATE OR REPLACE TEMP TABLE _code_map AS SELECT * FROM _code_frame")
    con.unregister("_code_frame")
    addrs = [r[0] for r in con.execute("""
        SELECT DISTINCT r.address FROM kept r LEFT JOIN _code_map m USING (area_code)
        WHERE r.address IS NOT NULL AND m.fine IS NULL""").fetchall()]
    addr_map = assigner.addresses(addrs) if addrs else {}
    rows = [(a, fine, *(assigner.finish(fine) if fine else (None, None))) for a, fine in addr_map.items()]
    frame = pd.DataFrame(rows, columns=["address", "fine", "region", "fin_reason"], dtype="string")
    con.register("_addr_frame", frame)
    con.execute("CREATE OR REPLACE TEMP TABLE _addr_map AS SELECT * FROM _addr_frame")
    con.unregister("_addr_frame")


def _build_tables(con: duckdb.DuckDBPyConnection) -> None:
    """``placed`` (one narrow row per patent, with region or reason), the view ``patents``
    (recognisable type) and ``events`` — one pass over the kept records."""
    con.execute("""
    CREATE OR REPLACE TABLE placed AS
    SELECT r.app_key, r.pos, coalesce(cm.region, am.region) AS region_code,
      CASE WHEN coalesce(cm.region, am.region) IS NOT NULL THEN NULL
           WHEN coalesce(cm.fin_reason, am.fin_reason) IS NOT NULL
             THEN coalesce(cm.fin_reason, am.fin_reason)
           WHEN cm.code_reason IS NOT NULL THEN cm.code_reason
           WHEN r.address IS NOT NULL THEN 'address_not_parsed'
           ELSE 'no_area_code_or_address' END AS reason,
      r.ptype,
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
      (r.grant_d IS NOT NULL AND r.lapse_d IS NULL AND r.status_lapsed) AS undated_lapse
    FROM kept r
    LEFT JOIN _code_map cm ON cm.area_code = r.area_code
    LEFT JOIN _addr_map am ON am.address = CASE WHEN cm.fine IS NULL THEN r.address END
    LEFT JOIN ipc_sets s ON s.raw_main IS NOT DISTINCT FROM r.ipc_main
                        AND s.raw_all IS NOT DISTINCT FROM r.ipc_all
    """)
    con.execute("CREATE OR REPLACE VIEW patents AS SELECT * FROM placed WHERE ptype IS NOT NULL")
    parts = []
    counts = ("SELECT p.app_key, r.* FROM placed p JOIN (SELECT rowid AS pos, grant_d, filing_d,"
              " transfer_dates, licence_dates, pledge_dates, transfer_n, licence_n, pledge_n"
              f" FROM {RECORDS} WHERE transfer_n > 0 OR licence_n > 0 OR pledge_n > 0) r USING (pos)"
              " WHERE p.region_code IS NOT NULL")
    for kind, var in (("transfer", "patent_transfer"), ("licence", "patent_licence"),
                      ("pledge", "patent_pledge")):
        parts.append(f"""
        SELECT app_key, '{var}' AS variable, CAST(year(d) AS BIGINT) AS year, CAST(1 AS BIGINT) AS n,
          FALSE AS from_count
        FROM (SELECT p.app_key, unnest(list_transform(list_filter(e.{kind}_parsed,
                lambda x: x.d IS NOT NULL), lambda x: x.d)) AS d
              FROM placed p JOIN event_dates e USING (pos) WHERE p.region_code IS NOT NULL)
        UNION ALL
        SELECT app_key, '{var}', CAST(year(coalesce(grant_d, filing_d)) AS BIGINT),
          CAST({kind}_n AS BIGINT), TRUE
        FROM ({counts}) c
        WHERE {kind}_n > 0 AND NOT EXISTS (
          SELECT 1 FROM event_dates e WHERE e.pos = c.pos
            AND len(list_filter(e.{kind}_parsed, lambda x: x.d IS NOT NULL)) > 0)""")
    con.execute("CREATE OR REPLACE TABLE events AS " + " UNION ALL ".join(parts))


def _complete(facts: pd.DataFrame, years: Sequence[int]) -> pd.DataFrame:
    """Zero rows for every region × industry × year × variable seen, so absence reads 0."""
    if facts.empty:
        return facts
    regions = facts["region_code"].unique()
    industries = facts["industry_code"].unique()
    grid = pd.MultiIndex.from_product(
        [regions, industries, list(years), list(UNITS)],
        names=["region_code", "industry_code", "year", "variable"],
    )
    s = facts.set_index(["region_code", "industry_code", "year", "variable"])["value"]
    return s.reindex(grid, fill_value=0.0).reset_index()


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
) -> IngestResult:
    """Ingest patent-list exports into facts rows (``FACT_COLUMNS``).

    ``policy``: ``fractional`` (default: Σ over industries ≤ 1 per patent, no double counting),
    ``main`` or ``full`` (:mod:`ipbench.patents.concordance`). ``level``/``scope``: output region
    level and code prefix studied (e.g. ``"32"``; patents elsewhere are ``outside_scope``).
    ``years``: years reported (default: first to last filing year found). ``strict``: raise the
    first malformed-cell :class:`DataError` instead of collecting issues. ``memory_limit``:
    DuckDB's limit (it spills to disk beyond it; None = DuckDB's default, 80% of RAM);
    ``threads``: DuckDB threads (default: the cores this process may use, for a new connection).
    """
    if policy not in POLICIES:
        raise ParamsError(f"counting policy {policy!r}: use one of {POLICIES}")
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
    icon = ibis.duckdb.from_connection(con)
    facts = pd.DataFrame(columns=FACT_COLUMNS[:5])
    if years:
        t = {n: icon.table(n) for n in ("patents", "ipc_codes", "ipc_sets", "events", "lookup")}
        sets = t["ipc_sets"].select("ipc_key", "ipc_main", "n_ipc")
        # industry weights per distinct IPC set (not per patent), then one pass over patents
        for name, e in (
            ("compact", compact_expr(t["patents"], t["ipc_codes"], t["lookup"], policy, ipc_sets=sets)),
            ("event_values", event_weights_expr(t["patents"], t["ipc_codes"], t["events"],
                                                t["lookup"], policy, ipc_sets=sets)),
        ):
            con.execute(f"CREATE OR REPLACE TABLE {name} AS {ibis.to_sql(e, dialect='duckdb')}")
        expr = facts_from_compact(icon.table("compact"), icon.table("event_values"), years)
        expr = expr.filter(expr.year.isin(years))
        facts = _complete(expr.execute(), years)
    facts = facts.assign(
        unit=facts["variable"].map(UNITS), source=source,
        year=facts["year"].astype("int64"), value=facts["value"].astype("float64"),
    )[FACT_COLUMNS].sort_values(FACT_COLUMNS[:4], ignore_index=True)

    by_reason = dict(con.execute(
        "SELECT reason, count(*) FROM placed WHERE region_code IS NULL GROUP BY reason"
    ).fetchall())
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
    counts |= {
        "patents": int(n_patents), "assigned": int(n_assigned),
        "unassigned": int(n_patents - n_assigned), "no_valid_ipc": int(no_ipc),
        "no_industry": int(no_ind), "undated_lapse": int(undated),
        "events_from_counts": int(from_count), "no_patent_type": int(no_type),
    }
    notes = []
    if undated:
        notes.append(f"{undated:,} granted patents have a lapsed legal status but no lapse date:"
                     " counted in no year's in-force stock (lower bound)")
    if from_count:
        notes.append(f"{from_count:,} transfer/licence/pledge events come from counts without"
                     " dates: placed in the grant (else filing) year")
    if no_type:
        notes.append(f"{no_type:,} patents have no recognisable patent type: not counted")
    unassigned = con.execute(f"""
        SELECT {app_key_text('p.app_key')} AS app_key, r._file, r._row, r.area_code, r.address,
          p.reason
        FROM placed p JOIN ({rows_sql('r.area_code, r.address')}) r USING (pos)
        WHERE p.region_code IS NULL ORDER BY r._file, r._row""").df()
    return IngestResult(
        facts=facts, counts=counts, unassigned_by_reason={k: int(v) for k, v in by_reason.items()},
        issues=issues, unassigned=unassigned, files=files_read, policy=policy,
        seconds=time.perf_counter() - t0, notes=notes,
    )
