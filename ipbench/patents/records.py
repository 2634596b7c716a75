"""Clean raw records in DuckDB: application numbers, dates, patent types, IPC codes, events.

Definitions (documented choices):

- **Application number** ``app_key``: upper-cased, spaces, dots and a ``CN``/``ZL`` prefix
  removed, then the check character dropped: ``CN202310123456.7`` and ``2023101234567`` both give
  ``202310123456`` (12-digit numbers since 2003; 8-digit before). Rows with the same key, in one
  file or across files, are **one** patent (an A and a B publication of one invention, or the
  same record in two exports): they are **merged**, independent of file order — each field
  comes from a row that has it, rows with a grant preferred, and among them the smallest value
  (``coalesce(min(f) FILTER (WHERE grant_d IS NOT NULL), min(f))``), so the grant date is the
  earliest grant date of any row. Transfer/licence/pledge dates come from the row listing the
  most of each kind (the same event on an A and a B row counts once). The summary reports the
  applications merged from several rows and the grants taken from another row.
- **Patent type**: the mapped 专利类型 text, else the kind digit of the number (12-digit: 5th
  digit 1/8 = invention, 2/9 = utility model, 3 = design; 8-digit: 3rd digit).
- **Grant date**: the grant-date column, else the publication date when the publication number
  ends in a grant kind code (B, C = invention; U, Y = utility model; S, D = design).
- **Dates** accept ``2023-01-05``, ``2023/1/5``, ``2023.01.05``, ``20230105``, ``2023年1月5日``
  and a time suffix. A filing date that is missing or unparseable makes the record malformed
  (its year is unknown): it is reported and excluded from the counts.
- **IPC codes** are normalised (``H01M 10/0525`` and ``H01M0010/0525`` → ``H01M10/0525``, a
  version suffix such as ``(2006.01)`` or CNIPA's ``(2012.01)I`` dropped) and must match
  ``[A-H]dd[A-Z]`` optionally followed by ``group/subgroup``; others are reported and ignored.
  The main IPC is the mapped main-IPC column, else the first code listed. Locarno classes
  (``12-08``, design patents) in an IPC column are recognised and neither reported nor counted.
- **Empty cells**: a mapping's ``empty_values`` (Patsnap writes ``-``) read as empty.
- **Address**: the address column, else the province/city/county columns joined (Patsnap
  州/省 + 地市 + 区县; incoPat 中国申请人地市 + 区县).
- **Events** (transfer, licence, pledge): each date in the event-date column is one event in its
  year. Where the export has only counts (转让次数 …), the count is put in the grant year, else
  the filing year — an approximation the summary reports.

**How** (one pass over the rows, the rest on small tables): every file is parsed *while it is
read* into the narrow table ``records`` (:func:`stage_select`: application key as a number,
dates, patent type, legal-status class, the raw cells only where they are malformed, and an
integer key per IPC, applicant and location cell, :func:`key_sql`); IPC cells are normalised
once per DISTINCT ``(main IPC, all IPC)`` pair (:func:`build_ipc_sets`), applicants and
locations once per distinct cell, and joined back on the integer keys (:func:`build_dictionary`
separates cells whose hash keys collide); duplicates are found by a hash aggregate over the key
(:func:`find_duplicates`, no sort), issues are filter scans.
"""

from __future__ import annotations

import duckdb

from ipbench.patents.mappings import EVENT_KINDS, FIELDS, ColumnMapping

DATE_FORMATS = [
    "%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日",
    "%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S",
]
IPC_PATTERN = r"^[A-H][0-9]{2}[A-Z]([0-9]{1,4}/[0-9]{2,6})?$"
GRANT_KINDS = {"B": "invention", "C": "invention", "U": "utility", "Y": "utility", "S": "design", "D": "design"}
#: Legal-status texts meaning the right has ended (部分无效 = partly invalidated is not).
LAPSED_PATTERN = ("失效|终止|放弃|届满|期满|撤回|驳回|未缴|撤销|(^|[^分])无效"
                  "|inactive|expired|lapsed|abandoned|withdrawn|rejected|revoked|dead")
#: Legal-status classes (``status_class``), first match wins; NULL when the export has no
#: status: ``lapsed`` (:data:`LAPSED_PATTERN`: 失效, 届满, PCT-有效期满, Inactive, Expired …),
#: ``pending`` (审中, 审查中, 在审, 实质审查, 公开 without a grant), ``in_force`` (有效, 授权,
#: 维持, 部分无效, Active …), else ``other``; English texts compared in lower case.
STATUS_CLASSES = {"in_force": "有效 / in force", "pending": "审中 / pending",
                  "lapsed": "失效 / lapsed", "other": "其他 / other"}
PENDING_PATTERN = "审中|审查|在审|实审|公开|受理|pending|examination"
IN_FORCE_PATTERN = "有效|授权|维持|部分无效|(^|[^a-z])active|granted|in force|alive"
#: Legal-status texts frequent in CNIPA, incoPat and Patsnap exports (简单法律状态, 当前法律状态):
#: classified once per read by the patterns (:func:`known_statuses`), then matched literally.
COMMON_STATUSES = (
    "有效", "失效", "审中", "授权", "实质审查", "公开", "驳回", "撤回", "视为撤回", "放弃", "视为放弃",
    "避重放弃", "届满", "期限届满", "未缴年费", "权利终止", "专利权终止", "部分无效", "全部无效", "无效",
    "有效专利", "失效专利", "审查中", "在审", "公开-实审", "授权-有效", "PCT-有效期内", "PCT-有效期满",
    "Active", "Inactive", "Pending", "Granted", "Expired", "Lapsed",
)
#: Locarno (design) classes written where an IPC is expected: ``12-08``, ``LOC(13)Cl.12-08``
LOCARNO_PATTERN = r"^(LOC\([0-9]+\)CL\.)?[0-9]{2}-[0-9]{2}$"
#: 8-digit (pre-2003) keys are stored as KEY8_OFFSET + number, 12-digit keys as the number.
KEY8_OFFSET = 10**13
RECORDS = "records"
#: Columns of ``records``: one row per row read (duplicates and malformed rows included).
RECORD_COLUMNS: dict[str, str] = {
    "_file_no": "INTEGER", "_row": "BIGINT",  # _row NULL for CSV rows: rowid - row_offset
    "app_key": "BIGINT", "app_no_bad": "VARCHAR",
    "filing_d": "DATE", "grant_d": "DATE", "lapse_d": "DATE",
    "filing_bad": "VARCHAR", "pub_bad": "VARCHAR", "grant_bad": "VARCHAR", "lapse_bad": "VARCHAR",
    "ptype": "VARCHAR", "status_lapsed": "BOOLEAN",
    "area_code": "VARCHAR", "address": "VARCHAR", "ipc_main": "VARCHAR", "ipc_all": "VARCHAR",
    "applicant": "VARCHAR", "applicant_type": "VARCHAR", "country": "VARCHAR", "status_class": "VARCHAR",
    **{c: t for k in EVENT_KINDS for c, t in ((f"{k}_dates", "VARCHAR"), (f"{k}_n", "INTEGER"))},
    "ipc_h": "BIGINT", "app_h": "BIGINT", "loc_h": "BIGINT",
}
#: Cells kept as read (not trimmed) in ``records``: only their distinct values are trimmed (IPC
#: sets, locations, applicant cells), and :func:`find_duplicates` trims what it merges.
RAW_CELLS = ("ipc_main", "ipc_all", "area_code", "applicant", "applicant_type")
#: Cell keys computed as the rows are read (:func:`key_sql`): key column → the cells it stands
#: for. Later steps join small dictionaries of distinct cells (:func:`build_dictionary`) on these
#: integers instead of on the text of every row.
CELL_KEYS: dict[str, tuple[str, ...]] = {
    "ipc_h": ("ipc_main", "ipc_all"),
    "app_h": ("applicant", "applicant_type"),
    "loc_h": ("area_code", "address", "country"),
}


def _q(text: str) -> str:
    return text.replace("'", "''")


def _date(expr: str) -> str:
    # fast path: ISO dates cast directly; other layouts (and cells with surrounding spaces) only
    # where that fails — COALESCE and CASE evaluate later arguments only for the rows still NULL
    fmts = ", ".join(f"'{f}'" for f in DATE_FORMATS)
    return (f"coalesce(TRY_CAST({expr} AS DATE), CASE WHEN {expr} IS NOT NULL THEN"
            f" coalesce(TRY_CAST(trim({expr}) AS DATE), CAST(try_strptime(trim({expr}), [{fmts}]) AS DATE))"
            " END)")


def _ipc_norm(expr: str) -> str:
    # fast path for codes already clean; else drop spaces (also full-width), a version suffix
    # "(2006.01)", and leading zeros of the group
    s = f"regexp_replace(upper({expr}), '[\\s\u3000]+', '', 'g')"
    s = f"regexp_replace({s}, '\\([0-9.]+\\)[A-Z]?$', '')"
    s = f"regexp_replace({s}, '^([A-H][0-9]{{2}}[A-Z])0*([0-9])', '\\1\\2')"
    clean = "[A-H][0-9]{2}[A-Z]([1-9][0-9]{0,3}/[0-9]{2,6})?"
    return f"CASE WHEN regexp_full_match({expr}, '{clean}') THEN {expr} ELSE {s} END"


def _split(expr: str, sep: str) -> str:
    return (
        f"CASE WHEN {expr} IS NULL THEN CAST([] AS VARCHAR[]) ELSE"
        f" list_filter(list_transform(regexp_split_to_array({expr}, '{sep}'),"
        " lambda x: trim(x)), lambda x: x <> '') END"
    )


def _app_key(expr: str) -> str:
    """Application number → BIGINT key (module docstring; NULL when unusable)."""
    k0 = f"regexp_replace(regexp_replace(upper(trim({expr})), '[\\s.]', '', 'g'), '^(CN|ZL)', '')"
    # fast path: 12/13 plain characters (no prefix, dot or space) need no regexp_replace; CASE
    # evaluates a branch only for the rows that reach it
    return (
        f"CASE WHEN regexp_full_match({expr}, '[0-9]{{12}}[0-9X]?') THEN CAST(left({expr}, 12) AS BIGINT)"
        f" WHEN regexp_full_match({k0}, '[0-9]{{12}}[0-9X]?') THEN CAST(left({k0}, 12) AS BIGINT)"
        f" WHEN regexp_full_match({k0}, '[0-9]{{8}}[0-9X]?') THEN {KEY8_OFFSET} + CAST(left({k0}, 8) AS BIGINT)"
        " END"
    )


def app_key_text(expr: str) -> str:
    """SQL turning a BIGINT key back into its 12- (or 8-) digit text."""
    return (f"CASE WHEN {expr} >= {KEY8_OFFSET} THEN lpad(CAST({expr} - {KEY8_OFFSET} AS VARCHAR), 8, '0')"
            f" ELSE lpad(CAST({expr} AS VARCHAR), 12, '0') END")


def key_sql(key: str) -> str:
    """SQL of the cell key ``key`` (:data:`CELL_KEYS`) of a row: DuckDB's 64-bit hash of the
    cells (NULLs included) shifted to a non-negative BIGINT; ``app_h`` is NULL without an
    applicant. Two different cells sharing a key are separated by :func:`build_dictionary`."""
    expr = f"CAST(hash({', '.join(CELL_KEYS[key])}) >> 1 AS BIGINT)"
    return f"CASE WHEN applicant IS NOT NULL THEN {expr} END" if key == "app_h" else expr


def build_dictionary(con: duckdb.DuckDBPyConnection, name: str, key: str,
                     sources: tuple[str, ...] = (RECORDS, "merged")) -> None:
    """``name``: ``key`` and the distinct cells it stands for in the tables ``sources``.

    A key shared by different cells (a hash collision, about one in 10^5 exports of 10^7
    distinct cells) is replaced by a fresh negative key in the dictionary and in ``sources``,
    so every key stands for exactly one cell."""
    cols = ", ".join(CELL_KEYS[key])
    union = " UNION ALL ".join(f"SELECT {key}, {cols} FROM {s}" for s in sources)
    con.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT DISTINCT * FROM ({union}) WHERE {key} IS NOT NULL")
    if con.execute(f"SELECT count(*) - count(DISTINCT {key}) FROM {name}").fetchall()[0][0]:
        _separate_keys(con, name, key, sources)


def _separate_keys(con: duckdb.DuckDBPyConnection, name: str, key: str, sources: tuple[str, ...]) -> None:
    """New keys (-1, -2, …) for the cells of ``name`` whose key is shared, in ``name`` and ``sources``."""
    cols = CELL_KEYS[key]
    con.execute(f"""
    CREATE OR REPLACE TEMP TABLE _new_keys AS
    SELECT {key} AS old, {', '.join(cols)}, -row_number() OVER (ORDER BY {key}, {', '.join(cols)}) AS new
    FROM {name} WHERE {key} IN (SELECT {key} FROM {name} GROUP BY {key} HAVING count(*) > 1)""")
    same = " AND ".join(f"t.{c} IS NOT DISTINCT FROM f.{c}" for c in cols)
    for table in (*sources, name):
        con.execute(f"UPDATE {table} AS t SET {key} = f.new FROM _new_keys f WHERE t.{key} = f.old AND {same}")


def create_records_table(con: duckdb.DuckDBPyConnection) -> None:
    """(Re)create the empty ``records`` table."""
    cols = ", ".join(f"{c} {t}" for c, t in RECORD_COLUMNS.items())
    con.execute(f"CREATE OR REPLACE TABLE {RECORDS} ({cols})")


def stage_select(mapping: ColumnMapping, source: str, statuses: dict[str, str] | None = None) -> str:
    """``SELECT`` of :data:`RECORD_COLUMNS` parsing ``source`` — a relation with the canonical
    fields (VARCHAR; those of ``readers.TRIMMED`` trimmed with '' as NULL, the others raw and
    trimmed here where needed), ``_file_no`` and ``_row`` — in one pass.

    Projections only (no join, no ``IN`` list, which DuckDB may plan as a join): the row order
    of a parallel CSV scan is kept, and row numbers are derived from it. ``statuses``: legal-status
    texts with their class (:func:`known_statuses`), matched literally before the patterns."""
    ptype = _patent_type(mapping.patent_type_values)
    kinds = "".join(GRANT_KINDS)
    digit = ("CASE CAST(({k} // {d}) % 10 AS INTEGER) WHEN 1 THEN 'invention' WHEN 8 THEN 'invention'"
             " WHEN 2 THEN 'utility' WHEN 9 THEN 'utility' WHEN 3 THEN 'design' END")
    # kind digit: the 5th of a 12-digit number, the 3rd of an 8-digit one
    by_number = (f"CASE WHEN app_key >= {KEY8_OFFSET} THEN"
                 f" {digit.format(k=f'(app_key - {KEY8_OFFSET})', d=10**5)}"
                 f" ELSE {digit.format(k='app_key', d=10**7)} END")
    bad = {f: f"CASE WHEN {f} IS NOT NULL AND {d} IS NULL THEN NULLIF(trim({f}), '') END"
           for f, d in (("filing_date", "filing_d"), ("pub_date", "pub_d"), ("grant_date", "grant_d0"),
                        ("lapse_date", "lapse_d"))}
    events = ", ".join(
        f"{k}_dates, TRY_CAST(regexp_extract({k}_count, '[0-9]+') AS INTEGER) AS {k}_n"
        for k in EVENT_KINDS
    )
    if mapping.empty_values:
        empties = ", ".join(f"'{_q(e)}'" for e in mapping.empty_values)
        repl = ", ".join(f"CASE WHEN trim({f}) IN ({empties}) THEN NULL ELSE {f} END AS {f}" for f in FIELDS)
        source = f"SELECT * REPLACE ({repl}) FROM ({source})"
    parts = ", ".join(f"NULLIF(trim({f}), '')" for f in ("addr_province", "addr_city", "addr_county"))
    address = f"coalesce(address, NULLIF(concat_ws('', {parts}), ''))"
    known = " ".join(f"WHEN '{_q(k)}' THEN '{v}'" for k, v in (statuses or {}).items() if v)
    status = f"CASE legal_status {known} ELSE {status_sql('legal_status')} END" if known else status_sql("legal_status")
    keys = ", ".join(f"{key_sql(k)} AS {k}" for k in CELL_KEYS)
    return f"""
    SELECT *, {keys} FROM (
    SELECT _file_no, _row, app_key, CASE WHEN app_key IS NULL THEN NULLIF(trim(app_no), '') END AS app_no_bad,
      filing_d,
      coalesce(grant_d0, CASE WHEN regexp_matches(pub_no, '[{kinds}][0-9]?$') THEN pub_d END) AS grant_d,
      lapse_d, {bad['filing_date']} AS filing_bad, {bad['pub_date']} AS pub_bad,
      {bad['grant_date']} AS grant_bad, {bad['lapse_date']} AS lapse_bad,
      coalesce({ptype}, {by_number}) AS ptype,
      coalesce(status_class = 'lapsed', FALSE) AS status_lapsed,
      area_code, {address} AS address, ipc_main, ipc_all,
      applicant, applicant_type,
      NULLIF(trim(applicant_country), '') AS country, status_class, {events}
    FROM (
      SELECT *, {_app_key('app_no')} AS app_key, {_date('filing_date')} AS filing_d,
        {_date('pub_date')} AS pub_d, {_date('grant_date')} AS grant_d0,
        {_date('lapse_date')} AS lapse_d, {status} AS status_class
      FROM ({source})
    ))"""


def _patent_type(values: dict[str, str]) -> str:
    """SQL of the patent type from the cell ``patent_type`` (NULL when not listed): the cell as
    it is first (most cells need no trim), then trimmed."""
    if not values:
        return "CAST(NULL AS VARCHAR)"
    exact = " ".join(f"WHEN '{_q(k)}' THEN '{v}'" for k, v in values.items() if k == k.strip())
    trimmed = " ".join(f"WHEN '{_q(k)}' THEN '{v}'" for k, v in values.items())
    return f"coalesce(CASE patent_type {exact} END, CASE trim(patent_type) {trimmed} END)" if exact else \
        f"CASE trim(patent_type) {trimmed} END"


def status_sql(expr: str) -> str:
    """SQL of the legal-status class of the cell ``expr`` (:data:`STATUS_CLASSES`; NULL when empty)."""
    return (f"CASE WHEN {expr} IS NULL OR trim({expr}) = '' THEN NULL"
            f" WHEN regexp_matches(lower({expr}), '{LAPSED_PATTERN}') THEN 'lapsed'"
            f" WHEN regexp_matches(lower({expr}), '{PENDING_PATTERN}') THEN 'pending'"
            f" WHEN regexp_matches(lower({expr}), '{IN_FORCE_PATTERN}') THEN 'in_force'"
            " ELSE 'other' END")


def known_statuses(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """:data:`COMMON_STATUSES` → class, by :func:`status_sql` on ``con`` — the same SQL, so the
    literal branch :func:`stage_select` takes for these texts gives the class the patterns give."""
    rows = con.execute(f"SELECT s, {status_sql('s')} FROM (SELECT unnest(?::VARCHAR[]) AS s)",
                       [list(COMMON_STATUSES)]).fetchall()
    return {s: c for s, c in rows if c is not None}


def rows_sql(columns: str = "r.* EXCLUDE (_row)") -> str:
    """``SELECT`` over ``records`` with ``_file`` (name), ``_row`` (spreadsheet row) and ``pos``
    (rowid: file order, then row order)."""
    return (f"SELECT {columns}, f.name AS _file, coalesce(r._row, r.rowid - f.row_offset) AS _row,"
            f" r.rowid AS pos FROM {RECORDS} r JOIN raw_files f ON f.file_no = r._file_no")


def build_ipc_sets(con: duckdb.DuckDBPyConnection, mapping: ColumnMapping) -> None:
    """``ipc_sets``: one row per DISTINCT ``(ipc_main, ipc_all)`` cell pair of ``records`` and
    ``merged``, normalised once: ``ipc_key`` (the pair's key ``ipc_h``), the raw pair, ``ipc_main_n`` (normalised main cell), ``ipc_main`` (valid main
    code, else the first valid listed code), ``ipc_list`` (distinct valid codes), ``n_ipc``,
    ``bad_main`` and ``bad_all`` (malformed codes, for the issue list); ``ipc_codes``:
    ``ipc_key, ipc`` (the lists unnested)."""
    sep = _q(mapping.separator)
    valid = IPC_PATTERN[1:-1]
    loc = LOCARNO_PATTERN[1:-1]
    build_dictionary(con, "_ipc_cells", "ipc_h")
    con.execute(f"""
    CREATE OR REPLACE TABLE ipc_sets AS
    WITH c AS (
      SELECT ipc_h, NULLIF(trim(ipc_main), '') AS ipc_main, NULLIF(trim(ipc_all), '') AS ipc_all
      FROM _ipc_cells
    ),
    n AS (
      SELECT ipc_h AS ipc_key, ipc_main AS raw_main, ipc_all AS raw_all,
        {_ipc_norm('ipc_main')} AS ipc_main_n,
        list_transform({_split('ipc_all', sep)}, lambda x: {_ipc_norm('x')}) AS ipc_all_n
      FROM c
    )
    SELECT *, CAST(len(ipc_list) AS BIGINT) AS n_ipc FROM (
    SELECT ipc_key, raw_main, raw_all, ipc_main_n,
      CASE WHEN regexp_full_match(ipc_main_n, '{valid}') THEN ipc_main_n
           ELSE list_filter(ipc_all_n, lambda c: regexp_full_match(c, '{valid}'))[1]
      END AS ipc_main,
      list_distinct(list_filter(list_concat([ipc_main_n], ipc_all_n),
                    lambda c: regexp_full_match(c, '{valid}'))) AS ipc_list,
      raw_main IS NOT NULL AND NOT regexp_full_match(ipc_main_n, '{valid}')
        AND NOT regexp_full_match(ipc_main_n, '{loc}') AS bad_main,
      list_filter(ipc_all_n, lambda c: NOT regexp_full_match(c, '{valid}')
        AND NOT regexp_full_match(c, '{loc}')) AS bad_all
    FROM n)
    """)
    con.execute("CREATE OR REPLACE TABLE ipc_codes AS"
                " SELECT ipc_key, unnest(ipc_list) AS ipc FROM ipc_sets")


def _events_parsed(sep: str) -> str:
    cols = ", ".join(
        f"list_transform({_split(f'{k}_dates', sep)}, lambda x: {{'txt': x, 'd': {_date('x')}}})"
        f" AS {k}_parsed" for k in EVENT_KINDS)
    any_ = " OR ".join(f"{k}_dates IS NOT NULL" for k in EVENT_KINDS)
    return f"SELECT pos, app_key, _file, _row, {cols} FROM ({rows_sql()}) WHERE {any_}"


def find_duplicates(con: duckdb.DuckDBPyConnection) -> None:
    """``dups``: keys on more than one usable row (``n`` rows, ``keep`` the first position,
    used only to locate the patent in messages) — a hash aggregate over the key, no sort; and
    ``merged``: one row per such key, merged field by field (module docstring)."""
    con.execute(f"""
    CREATE OR REPLACE TABLE dups AS
    SELECT app_key, min(rowid) AS keep, count(*) AS n,
      count(grant_d) > 0 AND count(grant_d) < count(*) AS grant_elsewhere FROM {RECORDS}
    WHERE app_key IS NOT NULL AND filing_d IS NOT NULL GROUP BY app_key HAVING count(*) > 1
    """)
    fields = [c for c in RECORD_COLUMNS if c not in ("_file_no", "_row", "app_key", "grant_d", *CELL_KEYS)]
    cell = {c: f"NULLIF(trim(r.{c}), '')" if c in RAW_CELLS else f"r.{c}" for c in fields}
    pick = ",\n      ".join(
        f"coalesce(min({cell[c]}) FILTER (WHERE r.grant_d IS NOT NULL), min({cell[c]})) AS {c}" for c in fields)
    keys = ", ".join(f"{key_sql(k)} AS {k}" for k in CELL_KEYS)  # of the merged cells
    con.execute(f"""
    CREATE OR REPLACE TABLE merged AS
    SELECT *, {keys} FROM (
    SELECT arg_min(r._file_no, r.rowid) AS _file_no, arg_min(r._row, r.rowid) AS _row, r.app_key,
      {pick}, min(r.grant_d) AS grant_d, min(r.rowid) AS pos
    FROM {RECORDS} r JOIN dups d ON d.app_key = r.app_key
    WHERE r.filing_d IS NOT NULL GROUP BY r.app_key)
    """)


KEPT_SQL = f"""
    SELECT r.*, r.rowid AS pos FROM {RECORDS} r
    WHERE r.app_key IS NOT NULL AND r.filing_d IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM dups d WHERE d.app_key = r.app_key)
    UNION ALL BY NAME SELECT * FROM merged
"""


def clean_records(con: duckdb.DuckDBPyConnection, mapping: ColumnMapping) -> None:
    """From ``records`` (filled by the readers): ``ipc_sets``/``ipc_codes``, ``dups``, the view
    ``kept`` (one usable row per patent), ``event_dates`` and ``issues`` — one row per problem:
    ``_file``, ``_row``, ``field``, ``value``, ``problem`` (see module docstring)."""
    sep = _q(mapping.separator)
    find_duplicates(con)
    build_ipc_sets(con, mapping)
    con.execute(f"CREATE OR REPLACE VIEW kept AS {KEPT_SQL}")
    con.execute(f"CREATE OR REPLACE TABLE event_dates AS {_events_parsed(sep)}")
    lbl = {f: _q(FIELDS[f]) for f in FIELDS}
    date_issues = "\nUNION ALL ".join(
        f"SELECT _file, _row, '{lbl[f]}' AS field, {c} AS value, 'unparseable date' AS problem"
        f" FROM ({rows_sql('r.' + c)}) WHERE {c} IS NOT NULL"
        for f, c in (("filing_date", "filing_bad"), ("pub_date", "pub_bad"),
                     ("grant_date", "grant_bad"), ("lapse_date", "lapse_bad"))
    )
    event_issues = "\nUNION ALL ".join(
        f"SELECT _file, _row, '{lbl[k + '_dates']}', e.txt, 'unparseable date'"
        f" FROM (SELECT _file, _row, unnest({k}_parsed) AS e FROM event_dates) WHERE e.d IS NULL"
        for k in EVENT_KINDS
    )
    bad_rows = (f"SELECT r._file, r._row, s.raw_main, s.bad_main, s.bad_all"
                f" FROM ({rows_sql('r.ipc_h')}) r JOIN ipc_sets s ON s.ipc_key = r.ipc_h"
                f" WHERE s.bad_main OR len(s.bad_all) > 0")  # few sets: a small build side
    con.execute(f"""
    CREATE OR REPLACE TABLE issues AS
    SELECT _file, _row, '{lbl['app_no']}' AS field, app_no_bad AS value,
      CASE WHEN app_no_bad IS NULL THEN 'missing application number'
           ELSE 'malformed application number' END AS problem
      FROM ({rows_sql('r.app_no_bad, r.app_key')}) WHERE app_key IS NULL
    UNION ALL SELECT _file, _row, '{lbl['filing_date']}', NULL, 'missing filing date'
      FROM ({rows_sql('r.filing_d, r.filing_bad')}) WHERE filing_d IS NULL AND filing_bad IS NULL
    UNION ALL {date_issues}
    UNION ALL {event_issues}
    UNION ALL SELECT _file, _row, '{lbl['ipc_main']}', raw_main, 'malformed IPC code'
      FROM ({bad_rows}) WHERE bad_main
    UNION ALL SELECT _file, _row, '{lbl['ipc_all']}', c, 'malformed IPC code'
      FROM (SELECT _file, _row, unnest(bad_all) AS c FROM ({bad_rows}))
    """)
    con.execute(f"""
    CREATE OR REPLACE TEMP TABLE _counts AS SELECT
      count(*) AS n_read,
      count(*) FILTER (WHERE app_key IS NULL OR filing_d IS NULL) AS n_malformed,
      (SELECT coalesce(sum(n - 1), 0) FROM dups) AS n_duplicates,
      (SELECT count(*) FROM dups) AS n_merged,
      (SELECT count(*) FILTER (WHERE grant_elsewhere) FROM dups) AS n_grant_elsewhere
    FROM {RECORDS}
    """)


def record_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """``read``, ``malformed`` (no usable number or filing date), ``duplicates`` (rows of an
    application seen on another row), ``merged`` (applications read from several rows) and
    ``grant_from_other_row`` (merged applications whose grant is on some of their rows only)."""
    n_read, n_bad, n_dup, n_merged, n_grant = con.execute("SELECT * FROM _counts").fetchall()[0]
    return {"read": int(n_read), "malformed": int(n_bad), "duplicates": int(n_dup),
            "merged": int(n_merged), "grant_from_other_row": int(n_grant)}
