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
from ipbench.patents.records import clean_records, record_counts
from ipbench.patents.regions import REASONS, RegionAssigner, default_assigner

FACT_COLUMNS = ["region_code", "industry_code", "year", "variable", "value", "unit", "source"]
LAPSED_PATTERN = "失效|终止|放弃|届满|撤回|驳回|未缴|撤销|(^|[^分])无效"
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


def _load_concordance(concordance, target, industries_yaml) -> Concordance:
    if isinstance(concordance, Concordance):
        return concordance
    return read_concordance(
        concordance or DEFAULT_CONCORDANCE, target=target,
        industries_yaml=industries_yaml or DEFAULT_INDUSTRIES,
    )


def _assign_regions(con: duckdb.DuckDBPyConnection, assigner: RegionAssigner) -> None:
    """Add ``region_code`` and ``reason`` to ``clean_records`` via distinct codes/addresses."""
    raw_codes = [r[0] for r in con.execute(
        "SELECT DISTINCT area_code FROM clean_records WHERE area_code IS NOT NULL").fetchall()]
    code_map = assigner.codes(raw_codes)
    con.execute("CREATE OR REPLACE TEMP TABLE _code_map(area_code VARCHAR, fine VARCHAR,"
                " code_reason VARCHAR)")
    if code_map:
        con.executemany("INSERT INTO _code_map VALUES (?, ?, ?)",
                        [(k, v[0], v[1]) for k, v in code_map.items()])
    addrs = [r[0] for r in con.execute("""
        SELECT DISTINCT r.address FROM clean_records r LEFT JOIN _code_map m USING (area_code)
        WHERE r.address IS NOT NULL AND m.fine IS NULL""").fetchall()]
    addr_map = assigner.addresses(addrs) if addrs else {}
    con.execute("CREATE OR REPLACE TEMP TABLE _addr_map(address VARCHAR, fine VARCHAR)")
    if addr_map:
        frame = pd.DataFrame({"address": list(addr_map), "fine": list(addr_map.values())})
        con.register("_addr_frame", frame)
        con.execute("INSERT INTO _addr_map SELECT address, fine FROM _addr_frame")
        con.unregister("_addr_frame")
    fines = {f for f, _ in code_map.values() if f} | {f for f in addr_map.values() if f}
    con.execute("CREATE OR REPLACE TEMP TABLE _fine_map(fine VARCHAR, region VARCHAR,"
                " fin_reason VARCHAR)")
    if fines:
        con.executemany("INSERT INTO _fine_map VALUES (?, ?, ?)",
                        [(f, *assigner.finish(f)) for f in sorted(fines)])
    con.execute("""
    CREATE OR REPLACE TABLE placed AS
    SELECT r.*, fm.region AS region_code,
      CASE WHEN fm.region IS NOT NULL THEN NULL
           WHEN fm.fin_reason IS NOT NULL THEN fm.fin_reason
           WHEN cm.code_reason IS NOT NULL THEN cm.code_reason
           WHEN r.address IS NOT NULL THEN 'address_not_parsed'
           ELSE 'no_area_code_or_address' END AS reason
    FROM clean_records r
    LEFT JOIN _code_map cm ON cm.area_code = r.area_code
    LEFT JOIN _addr_map am ON am.address = r.address AND cm.fine IS NULL
    LEFT JOIN _fine_map fm ON fm.fine = coalesce(cm.fine, am.fine)
    """)


def _build_tables(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"""
    CREATE OR REPLACE TABLE patents AS
    SELECT app_key, region_code, ptype,
      CAST(year(filing_d) AS BIGINT) AS filing_year,
      CAST(year(grant_d) AS BIGINT) AS grant_year,
      CASE WHEN grant_d IS NULL THEN NULL
           WHEN lapse_d IS NULL AND regexp_matches(coalesce(legal_status, ''), '{LAPSED_PATTERN}')
             THEN NULL
           ELSE CAST(year(least(coalesce(lapse_d, DATE '9999-12-31'),
             CASE WHEN ptype = 'invention' THEN filing_d + INTERVAL 20 YEAR
                  WHEN ptype = 'design' AND filing_d >= DATE '2021-06-01'
                    THEN filing_d + INTERVAL 15 YEAR
                  ELSE filing_d + INTERVAL 10 YEAR END)) AS BIGINT) END AS inforce_end,
      ipc_main, CAST(len(ipc_list) AS BIGINT) AS n_ipc,
      (grant_d IS NOT NULL AND lapse_d IS NULL
        AND regexp_matches(coalesce(legal_status, ''), '{LAPSED_PATTERN}')) AS undated_lapse
    FROM placed WHERE ptype IS NOT NULL
    """)
    con.execute("CREATE OR REPLACE TABLE patent_ipc AS SELECT DISTINCT app_key, unnest(ipc_list)"
                " AS ipc FROM placed WHERE region_code IS NOT NULL AND ptype IS NOT NULL")
    parts = []
    for kind, var in (("transfer", "patent_transfer"), ("licence", "patent_licence"),
                      ("pledge", "patent_pledge")):
        parts.append(f"""
        SELECT app_key, '{var}' AS variable, CAST(year(d) AS BIGINT) AS year, CAST(1 AS BIGINT) AS n,
          FALSE AS from_count
        FROM (SELECT app_key, unnest({kind}_d) AS d FROM placed WHERE region_code IS NOT NULL)
        UNION ALL
        SELECT app_key, '{var}', CAST(year(coalesce(grant_d, filing_d)) AS BIGINT),
          CAST({kind}_n AS BIGINT), TRUE
        FROM placed WHERE region_code IS NOT NULL AND len({kind}_d) = 0 AND {kind}_n > 0""")
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
    on_step: Callable[[str], None] | None = None,
    on_file: Callable[[FileRead], None] | None = None,
) -> IngestResult:
    """Ingest patent-list exports into facts rows (``FACT_COLUMNS``).

    ``policy``: ``fractional`` (default: Σ over industries ≤ 1 per patent, no double counting),
    ``main`` or ``full`` (:mod:`ipbench.patents.concordance`). ``level``/``scope``: output region
    level and code prefix studied (e.g. ``"32"``; patents elsewhere are ``outside_scope``).
    ``years``: years reported (default: first to last filing year found). ``strict``: raise the
    first malformed-cell :class:`DataError` instead of collecting issues. ``memory_limit``:
    DuckDB's limit (it spills to disk beyond it; None = DuckDB's default, 80% of RAM).
    """
    if policy not in POLICIES:
        raise ParamsError(f"counting policy {policy!r}: use one of {POLICIES}")
    t0 = time.perf_counter()
    step = on_step or (lambda _s: None)
    mapping = load_mapping(mapping)
    conc = _load_concordance(concordance, target, industries_yaml)
    assigner = assigner or default_assigner(level=level, scope=scope)
    con = con or duckdb.connect()
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
    _assign_regions(con, assigner)
    _build_tables(con)
    step("industries")
    codes = [r[0] for r in con.execute("SELECT DISTINCT ipc FROM patent_ipc").fetchall()]
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
        t = {n: icon.table(n) for n in ("patents", "patent_ipc", "events", "lookup")}
        # materialise the one large pass (patents × industry weights) once, then aggregate
        for name, e in (
            ("compact", compact_expr(t["patents"], t["patent_ipc"], t["lookup"], policy)),
            ("event_values", event_weights_expr(t["patents"], t["patent_ipc"], t["events"],
                                                t["lookup"], policy)),
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
    no_ipc, no_ind, undated, from_count, no_type = con.execute(f"""
        SELECT
          (SELECT count(*) FROM patents WHERE region_code IS NOT NULL AND n_ipc = 0),
          (SELECT count(*) FROM patents p WHERE region_code IS NOT NULL AND NOT EXISTS (
             SELECT 1 FROM {'patent_ipc i JOIN lookup l USING (ipc) WHERE i.app_key = p.app_key'
                            if policy != 'main' else
                            'lookup l WHERE l.ipc = p.ipc_main'})),
          (SELECT count(*) FROM patents WHERE region_code IS NOT NULL AND undated_lapse),
          (SELECT coalesce(sum(n), 0) FROM events WHERE from_count),
          (SELECT count(*) FROM placed WHERE ptype IS NULL)
    """).fetchall()[0]
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
    unassigned = con.execute(
        "SELECT app_key, _file, _row, area_code, address, reason FROM placed"
        " WHERE region_code IS NULL ORDER BY _file, _row").df()
    return IngestResult(
        facts=facts, counts=counts, unassigned_by_reason={k: int(v) for k, v in by_reason.items()},
        issues=issues, unassigned=unassigned, files=files_read, policy=policy,
        seconds=time.perf_counter() - t0, notes=notes,
    )
