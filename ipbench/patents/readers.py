"""Read patent-list exports (CSV in UTF-8 or GBK/GB18030, optionally .gz; XLSX) into DuckDB.

Every file becomes rows of one table ``records`` (:data:`ipbench.patents.records.RECORD_COLUMNS`):
the canonical fields of :data:`ipbench.patents.mappings.FIELDS` (VARCHAR, trimmed, NULL when
empty or when the file lacks the column) are parsed *as they are read*
(:func:`ipbench.patents.records.stage_select`), so the wide text table is never materialised.
``raw_files`` holds ``file_no``, ``name`` and ``row_offset``: the spreadsheet row of a CSV
record (header = row 1, first record = row 2) is ``rowid - row_offset`` (DuckDB appends in file
order; a window function would serialise the read). CSV is parsed by DuckDB's parallel
``read_csv`` (nothing row-by-row in Python). Files that are not UTF-8 are transcoded to a
temporary UTF-8 file first, in 1 MiB blocks.
"""

from __future__ import annotations

import codecs
import gzip
import shutil
import tempfile
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from ipbench.errors import DataError
from ipbench.patents.mappings import FIELDS, ColumnMapping
from ipbench.patents.records import (
    RECORD_COLUMNS,
    RECORDS,
    create_records_table,
    known_statuses,
    stage_select,
)

RAW_FILES = "raw_files"  # file_no, name, row_offset: spreadsheet row = rowid - row_offset
_BLOCK = 1 << 20


@dataclass(frozen=True)
class FileRead:
    """What was read from one file: rows and the header used for each canonical field."""

    file: str
    rows: int
    columns: dict[str, str]
    encoding: str


def _open_bytes(path: Path):
    return gzip.open(path, "rb") if path.suffix.lower() == ".gz" else path.open("rb")


def detect_encoding(path: Path) -> str:
    """``utf-8`` when the first MiB decodes as UTF-8, else ``gb18030`` (a superset of GBK).

    A multi-byte character cut at the 1 MiB boundary is tolerated.
    """
    with _open_bytes(path) as fh:
        head = fh.read(_BLOCK)
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        return "gb18030"


def _transcode(path: Path, encoding: str, tmpdir: Path) -> Path:
    out = tmpdir / (path.name.removesuffix(".gz") + ".utf8.csv")
    with _open_bytes(path) as src, out.open("wb") as dst:
        reader = codecs.getreader(encoding)(src, errors="strict")
        try:
            while block := reader.read(_BLOCK):
                dst.write(block.encode("utf-8"))
        except UnicodeDecodeError as exc:
            raise DataError(
                f"cannot decode as {encoding} ({exc.reason}); save the file as UTF-8 or GBK",
                file=path.name,
            ) from exc
    return out


def leading_comment_lines(path: Path, encoding: str) -> int:
    """Number of lines starting with ``#`` at the top of a CSV (e.g. a demo-data notice)."""
    n = 0
    with _open_bytes(path) as fh:
        for raw in fh:
            if raw.decode(encoding, errors="replace").lstrip("\ufeff").startswith("#"):
                n += 1
            else:
                break
    return n


#: Fields trimmed (and '' → NULL) as they are read; the others are parsed from the raw cell by
#: :func:`ipbench.patents.records.stage_select`, which trims only where a value is not already
#: clean, or are kept raw and trimmed once per distinct cell (``records.RAW_CELLS``): trimming
#: every cell of 10 million rows is a measurable share of the read.
TRIMMED = ("pub_no", "address")


def _select_list(columns: dict[str, str]) -> str:
    parts = []
    for canon in FIELDS:
        if canon in columns:
            header = columns[canon].replace('"', '""')
            cell = f'CAST("{header}" AS VARCHAR)'
            parts.append(f"NULLIF(TRIM({cell}), '') AS {canon}" if canon in TRIMMED else f"{cell} AS {canon}")
        else:
            parts.append(f"CAST(NULL AS VARCHAR) AS {canon}")
    return ", ".join(parts)


def _csv_headers(con: duckdb.DuckDBPyConnection, src: str, skip: int, delim: str | None = None) -> list[str]:
    # with a given delimiter, an explicit skip=0 makes DuckDB's sniffer fail on a ragged row
    opts = f", delim={delim!r}, null_padding=true, strict_mode=false" if delim else ""
    opts += f", skip={skip}" if skip or not delim else ""
    rel = con.sql(f"SELECT * FROM read_csv({src!r}, header=true, all_varchar=true{opts}) LIMIT 0")
    return list(rel.columns)


def _read_opts(skip: int, delim: str | None) -> str:
    """``skip`` and ``delim`` options of read_csv (an explicit skip=0 with a delimiter makes
    DuckDB's sniffer fail on a ragged row, so it is left out then)."""
    if delim is None:
        return f", skip={skip}"
    return f", delim={delim!r}" + (f", skip={skip}" if skip else "")


_DELIMITERS = (",", "\t", ";", "|")


def _header_line(src: Path, skip: int) -> str:
    """The header line of a UTF-8 CSV (after ``skip`` comment lines), without its BOM."""
    with _open_bytes(src) as fh:
        for i, raw in enumerate(fh):
            if i == skip:
                return raw.decode("utf-8", errors="replace").lstrip("\ufeff").rstrip("\r\n")
            if i > skip:
                break
    return ""


def _header_fields(line: str) -> tuple[str, int]:
    """(delimiter, number of fields) of a header line: the candidate splitting it most."""
    import csv

    best = (",", 1)
    for d in _DELIMITERS:
        n = len(next(csv.reader([line], delimiter=d), []))
        if n > best[1]:
            best = (d, n)
    return best


def _first_long_row(con, src: str, skip: int, delim: str, headers: list[str], width: int) -> int | None:
    """Spreadsheet row of the first record with a non-empty field beyond the header's width."""
    quoted = ['"' + h.replace('"', '""') + '"' for h in headers[width:]]
    extra = " OR ".join(f"NULLIF(TRIM({q}), '') IS NOT NULL" for q in quoted)
    row = con.execute(
        f"SELECT n FROM (SELECT row_number() OVER () AS n, * FROM read_csv({src!r}, header=true,"
        f" all_varchar=true{f', skip={skip}' if skip else ''}, delim={delim!r}, null_padding=true,"
        " strict_mode=false))"
        f" WHERE {extra} ORDER BY n LIMIT 1"
    ).fetchall()
    return int(row[0][0]) + 1 + skip if row else None


def _read_csv(con, path: Path, mapping: ColumnMapping, tmpdir: Path, file_no: int) -> FileRead:
    try:
        encoding = detect_encoding(path)
        src = path if encoding == "utf-8" else _transcode(path, encoding, tmpdir)
        skip = leading_comment_lines(path, encoding)
        delim, width = _header_fields(_header_line(src, skip))
    except (OSError, EOFError, zlib.error) as exc:  # gzip.BadGzipFile is an OSError
        what = "not a gzip file, or a damaged one" if path.suffix.lower() == ".gz" else "cannot be read"
        raise DataError(f"{what} ({type(exc).__name__}: {str(exc)[:120]})", file=path.name) from None
    try:
        headers = _csv_headers(con, str(src), skip, delim if width > 1 else None)
        long_row = (
            _first_long_row(con, str(src), skip, delim, headers, width) if width > 1 and len(headers) > width else None
        )
    except duckdb.Error as exc:
        raise DataError(f"cannot parse as CSV: {str(exc).splitlines()[0][:200]}", file=path.name) from exc
    if long_row is not None:
        raise DataError(
            f"row has more fields than the header's {width} (a ragged row: an unquoted {delim!r}"
            " inside a cell?); quote the cell or remove the extra fields",
            file=path.name, row=long_row,
        )
    columns = mapping.resolve(headers[:width] if width > 1 else headers, file=path.name)
    start = con.execute(f"SELECT coalesce(max(rowid) + 1, 0) FROM {RECORDS}").fetchall()[0][0]
    src_sql = (f"SELECT {_select_list(columns)}, {int(file_no)} AS _file_no, CAST(NULL AS BIGINT) AS _row"
               f" FROM read_csv('{_sql_str(src)}', header=true, all_varchar=true, strict_mode=false,"
               f" null_padding=true{_read_opts(skip, delim if width > 1 else None)})")
    try:
        con.execute(f"INSERT INTO {RECORDS} ({', '.join(RECORD_COLUMNS)})"
                    f" {stage_select(mapping, src_sql, known_statuses(con))}")
        con.execute(f"INSERT INTO {RAW_FILES} VALUES (?, ?, ?)", [file_no, path.name, int(start) - 2 - skip])
    except duckdb.Error as exc:
        raise DataError(f"cannot parse as CSV: {exc}", file=path.name) from exc
    rows = con.execute(f"SELECT count(*) FROM {RECORDS} WHERE _file_no = ?", [file_no]).fetchall()[0]
    return FileRead(path.name, int(rows[0]), columns, encoding)


def _sql_str(path: Path) -> str:
    return str(path).replace("'", "''")


def _read_xlsx(con, path: Path, mapping: ColumnMapping, file_no: int) -> FileRead:
    from ipbench.data.loaders import check_workbook_size

    check_workbook_size(path, path.name)  # caps on inflated size and merged areas
    try:
        frame = pd.read_excel(path, sheet_name=0, dtype=str, engine="openpyxl", header=None)
    except Exception as exc:  # openpyxl raises many types for broken files
        raise DataError(f"cannot read as XLSX: {exc}", file=path.name, sheet=0) from exc
    frame, header_row = mapping.split_header(frame, file=path.name)  # title rows above the header
    columns = mapping.resolve([str(c) for c in frame.columns], file=path.name)
    frame = frame[[columns[c] for c in FIELDS if c in columns]].astype("string")
    frame.columns = [f"c{i}" for i in range(frame.shape[1])]
    present = {c: f"c{i}" for i, c in enumerate(c for c in FIELDS if c in columns)}
    con.register("_xlsx_frame", frame)
    try:
        src_sql = (f"SELECT {_select_list(present)}, {int(file_no)} AS _file_no,"
                   f" CAST(row_number() OVER () + {int(header_row)} AS BIGINT) AS _row FROM _xlsx_frame")
        con.execute(f"INSERT INTO {RECORDS} ({', '.join(RECORD_COLUMNS)})"
                    f" {stage_select(mapping, src_sql, known_statuses(con))}")
        con.execute(f"INSERT INTO {RAW_FILES} VALUES (?, ?, 0)", [file_no, path.name])
    finally:
        con.unregister("_xlsx_frame")
    return FileRead(path.name, len(frame), columns, "xlsx")


def create_raw_table(con: duckdb.DuckDBPyConnection) -> None:
    """(Re)create the empty ``records`` and ``raw_files`` tables."""
    create_records_table(con)
    con.execute(f"CREATE OR REPLACE TABLE {RAW_FILES} (file_no INTEGER, name VARCHAR, row_offset BIGINT)")


def read_exports(
    con: duckdb.DuckDBPyConnection,
    files: Sequence[str | Path],
    mapping: ColumnMapping,
    on_file: Callable[[FileRead], None] | None = None,
) -> list[FileRead]:
    """Read and parse ``files`` into ``records`` (created anew). Returns one :class:`FileRead` each.

    Raises :class:`DataError` naming the file when it is missing, of an unknown type, or has no
    column for a required field. File names must be unique (they identify rows in reports).
    """
    paths = [Path(f) for f in files]
    if not paths:
        raise DataError("no input files given")
    names = [p.name for p in paths]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise DataError(f"two input files share the name {dup[0]!r}; rename one", file=dup[0])
    create_raw_table(con)
    out: list[FileRead] = []
    tmpdir = Path(tempfile.mkdtemp(prefix="ipbench_patents_"))
    try:
        for file_no, path in enumerate(paths):
            if not path.is_file():
                raise DataError("file not found", file=str(path))
            suffixes = [s.lower() for s in path.suffixes[-2:]]
            if suffixes[-1:] == [".xlsx"]:
                fr = _read_xlsx(con, path, mapping, file_no)
            elif suffixes[-1:] in ([".csv"], [".txt"]) or suffixes == [".csv", ".gz"]:
                fr = _read_csv(con, path, mapping, tmpdir, file_no)
            else:
                raise DataError(
                    "unknown file type: use .csv, .csv.gz or .xlsx (save .xls as .xlsx)",
                    file=path.name,
                )
            out.append(fr)
            if on_file is not None:
                on_file(fr)
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)
    return out
