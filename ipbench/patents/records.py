"""Clean raw records in DuckDB: application numbers, dates, patent types, IPC codes, events.

Definitions (documented choices):

- **Application number** ``app_key``: upper-cased, spaces, dots and a ``CN``/``ZL`` prefix
  removed, then the check character dropped: ``CN202310123456.7`` and ``2023101234567`` both give
  ``202310123456`` (12-digit numbers since 2003; 8-digit before). Rows with the same key, in one
  file or across files, are **one** patent: the first (file order, then row) is kept, the others
  are counted as duplicates.
- **Patent type**: the mapped 专利类型 text, else the kind digit of the number (12-digit: 5th
  digit 1/8 = invention, 2/9 = utility model, 3 = design; 8-digit: 3rd digit).
- **Grant date**: the grant-date column, else the publication date when the publication number
  ends in a grant kind code (B, C = invention; U, Y = utility model; S, D = design).
- **Dates** accept ``2023-01-05``, ``2023/1/5``, ``2023.01.05``, ``20230105``, ``2023年1月5日``
  and a time suffix. A filing date that is missing or unparseable makes the record malformed
  (its year is unknown): it is reported and excluded from the counts.
- **IPC codes** are normalised (``H01M 10/0525`` and ``H01M0010/0525`` → ``H01M10/0525``, a
  version suffix such as ``(2006.01)`` dropped) and must match
  ``[A-H]dd[A-Z]`` optionally followed by ``group/subgroup``; others are reported and ignored.
  The main IPC is the mapped main-IPC column, else the first code listed.
- **Events** (transfer, licence, pledge): each date in the event-date column is one event in its
  year. Where the export has only counts (转让次数 …), the count is put in the grant year, else
  the filing year — an approximation the summary reports.
"""

from __future__ import annotations

import duckdb

from ipbench.patents.mappings import EVENT_KINDS, FIELDS, ColumnMapping
from ipbench.patents.readers import raw_rows_sql

DATE_FORMATS = [
    "%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日",
    "%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S",
]
IPC_PATTERN = r"^[A-H][0-9]{2}[A-Z]([0-9]{1,4}/[0-9]{2,6})?$"
GRANT_KINDS = {"B": "invention", "C": "invention", "U": "utility", "Y": "utility", "S": "design", "D": "design"}


def _date(expr: str) -> str:
    # fast path: ISO dates cast directly; other layouts only where that fails
    fmts = ", ".join(f"'{f}'" for f in DATE_FORMATS)
    return (f"coalesce(TRY_CAST({expr} AS DATE),"
            f" CAST(try_strptime({expr}, [{fmts}]) AS DATE))")


def _ipc_norm(expr: str) -> str:
    # fast path for codes already clean; else drop spaces (also full-width), a version suffix
    # "(2006.01)", and leading zeros of the group
    s = f"regexp_replace(upper({expr}), '[\\s\u3000]+', '', 'g')"
    s = f"regexp_replace({s}, '\\([0-9.]+\\)$', '')"
    s = f"regexp_replace({s}, '^([A-H][0-9]{{2}}[A-Z])0*([0-9])', '\\1\\2')"
    clean = "[A-H][0-9]{2}[A-Z]([1-9][0-9]{0,3}/[0-9]{2,6})?"
    return f"CASE WHEN regexp_full_match({expr}, '{clean}') THEN {expr} ELSE {s} END"


def _split(expr: str, sep: str) -> str:
    return (
        f"CASE WHEN {expr} IS NULL THEN CAST([] AS VARCHAR[]) ELSE"
        f" list_filter(list_transform(regexp_split_to_array({expr}, '{sep}'),"
        " lambda x: trim(x)), lambda x: x <> '') END"
    )


def clean_records(con: duckdb.DuckDBPyConnection, mapping: ColumnMapping) -> None:
    """Build ``clean_records`` and ``issues`` from ``raw_records`` (see module docstring).

    ``issues`` has one row per problem: ``_file``, ``_row``, ``field``, ``value``, ``problem``.
    """
    sep = mapping.separator.replace("'", "''")
    types = [(k.replace("'", "''"), v) for k, v in mapping.patent_type_values.items()]
    type_values = ", ".join(f"('{k}', '{v}')" for k, v in types)
    kinds = ", ".join(f"('{k}', '{v}')" for k, v in GRANT_KINDS.items())
    con.execute(f"CREATE OR REPLACE TEMP TABLE _type_values(txt VARCHAR, ptype VARCHAR); "
                f"INSERT INTO _type_values VALUES {type_values}")
    con.execute(f"CREATE OR REPLACE TEMP TABLE _grant_kinds(kind VARCHAR, ptype VARCHAR); "
                f"INSERT INTO _grant_kinds VALUES {kinds}")
    key = (
        "regexp_replace(regexp_replace(upper(app_no), '[\\s.]', '', 'g'), '^(CN|ZL)', '')"
    )
    events = ",\n".join(
        f"list_transform({_split(f'{k}_dates', sep)}, lambda x: {{'txt': x, 'd': {_date('x')}}})"
        f" AS {k}_parsed, TRY_CAST(regexp_extract({k}_count, '[0-9]+') AS INTEGER) AS {k}_n"
        for k in EVENT_KINDS
    )
    con.execute(f"""
    CREATE OR REPLACE TEMP TABLE _stage AS
    WITH k AS (
      SELECT *, {key} AS _k0 FROM ({raw_rows_sql()})
    ), p AS (
      SELECT *,
        CASE WHEN regexp_full_match(_k0, '[0-9]{{12}}[0-9X]?') THEN left(_k0, 12)
             WHEN regexp_full_match(_k0, '[0-9]{{8}}[0-9X]?') THEN left(_k0, 8) END AS app_key,
        {_date('filing_date')} AS filing_d,
        {_date('pub_date')} AS pub_d,
        {_date('grant_date')} AS grant_d0,
        {_date('lapse_date')} AS lapse_d,
        upper(regexp_extract(coalesce(pub_no, ''), '([A-Z])[0-9]?$', 1)) AS pub_kind,
        {_ipc_norm('ipc_main')} AS ipc_main_n,
        list_transform({_split('ipc_all', sep)}, lambda x: {_ipc_norm('x')}) AS ipc_all_n,
        {events}
      FROM k
    )
    SELECT p.*,
      coalesce(tv.ptype,
        CASE WHEN length(app_key) = 12 THEN
               CASE substr(app_key, 5, 1) WHEN '1' THEN 'invention' WHEN '8' THEN 'invention'
                 WHEN '2' THEN 'utility' WHEN '9' THEN 'utility' WHEN '3' THEN 'design' END
             WHEN length(app_key) = 8 THEN
               CASE substr(app_key, 3, 1) WHEN '1' THEN 'invention' WHEN '8' THEN 'invention'
                 WHEN '2' THEN 'utility' WHEN '9' THEN 'utility' WHEN '3' THEN 'design' END
        END) AS ptype,
      coalesce(grant_d0, CASE WHEN gk.kind IS NOT NULL THEN pub_d END) AS grant_d
    FROM p
    LEFT JOIN _type_values tv ON tv.txt = trim(p.patent_type)
    LEFT JOIN _grant_kinds gk ON gk.kind = p.pub_kind
    """)
    lbl = {f: FIELDS[f].replace("'", "''") for f in FIELDS}
    date_issues = "\nUNION ALL ".join(
        f"SELECT _file, _row, '{lbl[f]}' AS field, {f} AS value,"
        f" 'unparseable date' AS problem FROM _stage WHERE {f} IS NOT NULL AND {d} IS NULL"
        for f, d in (("filing_date", "filing_d"), ("pub_date", "pub_d"),
                     ("grant_date", "grant_d0"), ("lapse_date", "lapse_d"))
    )
    event_issues = "\nUNION ALL ".join(
        f"SELECT _file, _row, '{lbl[k + '_dates']}', e.txt, 'unparseable date'"
        f" FROM (SELECT _file, _row, unnest({k}_parsed) AS e FROM _stage) WHERE e.d IS NULL"
        for k in EVENT_KINDS
    )
    con.execute(f"""
    CREATE OR REPLACE TABLE issues AS
    SELECT _file, _row, '{lbl['app_no']}' AS field, app_no AS value,
      CASE WHEN app_no IS NULL THEN 'missing application number'
           ELSE 'malformed application number' END AS problem
      FROM _stage WHERE app_key IS NULL
    UNION ALL SELECT _file, _row, '{lbl['filing_date']}', NULL, 'missing filing date'
      FROM _stage WHERE filing_date IS NULL
    UNION ALL {date_issues}
    UNION ALL {event_issues}
    UNION ALL SELECT _file, _row, '{lbl['ipc_main']}', ipc_main, 'malformed IPC code'
      FROM _stage WHERE ipc_main IS NOT NULL AND NOT regexp_full_match(ipc_main_n, '{IPC_PATTERN[1:-1]}')
    UNION ALL SELECT _file, _row, '{lbl['ipc_all']}', c, 'malformed IPC code'
      FROM (SELECT _file, _row, unnest(ipc_all_n) AS c FROM _stage)
      WHERE NOT regexp_full_match(c, '{IPC_PATTERN[1:-1]}')
    """)
    ev_cols = ", ".join(
        f"list_transform(list_filter({k}_parsed, lambda e: e.d IS NOT NULL), lambda e: e.d) AS {k}_d, {k}_n"
        for k in EVENT_KINDS
    )
    valid = IPC_PATTERN[1:-1]
    # dedup on narrow columns (hash aggregate), not a window over the wide rows
    con.execute("""
    CREATE OR REPLACE TEMP TABLE _keep AS
    SELECT min(_file_no * 10000000000 + _row) AS pos FROM _stage
    WHERE app_key IS NOT NULL AND filing_d IS NOT NULL GROUP BY app_key
    """)
    con.execute(f"""
    CREATE OR REPLACE TABLE clean_records AS
    SELECT app_key, _file, _row, filing_d, grant_d, lapse_d, ptype, legal_status,
      area_code, address,
      CASE WHEN regexp_full_match(ipc_main_n, '{valid}') THEN ipc_main_n
           ELSE list_filter(ipc_all_n, lambda c: regexp_full_match(c, '{valid}'))[1]
      END AS ipc_main,
      list_distinct(list_filter(list_concat([ipc_main_n], ipc_all_n),
                    lambda c: regexp_full_match(c, '{valid}'))) AS ipc_list,
      {ev_cols}
    FROM _stage SEMI JOIN _keep ON _keep.pos = _stage._file_no * 10000000000 + _stage._row
    """)
    con.execute("""
    CREATE OR REPLACE TEMP TABLE _counts AS SELECT
      (SELECT count(*) FROM raw_records) AS n_read,
      (SELECT count(*) FROM _stage WHERE app_key IS NULL OR filing_d IS NULL) AS n_malformed,
      (SELECT count(*) FROM _stage WHERE app_key IS NOT NULL AND filing_d IS NOT NULL)
        - (SELECT count(*) FROM clean_records) AS n_duplicates
    """)
    con.execute("DROP TABLE _stage")
    con.execute("DROP TABLE _keep")


def record_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """``read``, ``malformed`` (no usable number or filing date) and ``duplicates``."""
    n_read, n_bad, n_dup = con.execute("SELECT * FROM _counts").fetchall()[0]
    return {"read": int(n_read), "malformed": int(n_bad), "duplicates": int(n_dup)}
