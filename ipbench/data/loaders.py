"""Read raw CSV/XLSX files into a uniform long "cells" table, before validation.

Each loader returns a :class:`Table` (header rows with merged cells filled, body as strings,
Excel-style row numbers); :func:`to_cells` reshapes it according to the source's layout into
one row per value with its origin (sheet, row, column) kept for error messages.

Row numbers are those a user sees in Excel: 1-based, counting title and header rows.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from ipbench.data.sources import Source
from ipbench.data.units import UNITS, clean_unit
from ipbench.errors import DataError

#: Rows whose first (region) cell starts with one of these are footnotes, not data.
FOOTNOTE_PREFIXES = ("注", "资料来源", "数据来源", "说明", "示例数据", "Note", "Source")
_YEAR = re.compile(r"^\s*((?:19|20)\d{2})(?:\.0+)?\s*年?\s*$")
_UNIT_IN_LABEL = re.compile(r"[(（]([^()（）]+)[)）]\s*$")
CELL_COLUMNS = ["region_raw", "industry_raw", "year_raw", "label", "value_raw", "unit_raw", "row", "column"]


def norm_label(text: object) -> str:
    """Header text as compared with the YAML: NFKC (full-width → ASCII), no whitespace."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text)))


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA (as Excel shows columns)."""
    out = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


@dataclass(frozen=True)
class Table:
    """A sheet or CSV: ``labels[j]`` = parts of column j's header; ``body`` holds strings."""

    file: str
    sheet: str | None
    labels: list[tuple[str, ...]]
    body: pd.DataFrame  # columns 0..n-1 (str), plus 'row' (Excel row number)

    def label(self, j: int) -> str:
        return "/".join(self.labels[j])

    def where(self, j: int) -> str:
        return f"{column_letter(j)} ({self.label(j)})" if self.label(j) else column_letter(j)

    def find(self, name: str, what: str) -> int:
        """Index of the column named ``name`` (full label or one header part)."""
        key = norm_label(name)
        hits = [j for j, parts in enumerate(self.labels) if key == norm_label("/".join(parts))]
        if not hits:
            hits = [j for j, parts in enumerate(self.labels) if key in {norm_label(p) for p in parts}]
        if len(hits) == 1:
            return hits[0]
        shown = ", ".join(repr(self.label(j)) for j in range(len(self.labels)) if self.label(j))
        if not hits:
            raise DataError(
                f"{what} column {name!r} not found in the header; columns are: {shown}",
                file=self.file, sheet=self.sheet, column=name,
            )
        raise DataError(f"{what} column {name!r} matches several columns", file=self.file, sheet=self.sheet, column=name)


# ---------------------------------------------------------------------------- encodings
def detect_encoding(path: Path, declared: str = "auto", display: str | None = None) -> str:
    """BOM → utf-8-sig; valid UTF-8 → utf-8; else charset-normalizer's guess, where any
    Chinese legacy guess (gb2312/gbk/gb18030/big5 mixups) becomes gb18030, the superset."""
    if declared != "auto":
        return "gb18030" if declared == "gbk" else declared
    raw = path.read_bytes()
    if raw.startswith(b"\xef\xbb\xbf"):
        try:
            raw[3:].decode("utf-8")
        except UnicodeDecodeError as exc:  # the BOM promises UTF-8
            line = raw[3 : 3 + exc.start].count(b"\n") + 1
            raise DataError(
                "the file starts with a UTF-8 mark (BOM) but this row is not UTF-8; re-save it as UTF-8",
                file=display or path, row=line,
            ) from None
        return "utf-8-sig"
    try:
        raw.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        _mixed_encoding(raw, exc, display or path)
    from charset_normalizer import from_bytes

    best = from_bytes(raw[:200_000]).best()
    enc = (best.encoding if best else "") or ""
    if enc.replace("-", "").replace("_", "").lower() in {"gb2312", "gbk", "gb18030", "hz", "big5", "cp936", ""}:
        enc = "gb18030"
    try:
        raw.decode(enc)
    except (UnicodeDecodeError, LookupError):
        try:
            raw.decode("gb18030")
            return "gb18030"
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            raise DataError(
                "cannot decode the file (not UTF-8 nor GBK/GB18030); save it as UTF-8", file=display or path, row=line
            ) from None
    return enc


def _mixed_encoding(raw: bytes, exc: UnicodeDecodeError, shown: object) -> None:
    """Raise when most lines with Chinese text are UTF-8 but some are not: the file mixes
    encodings (e.g. one row pasted from a GBK file), and reading it all as GBK would garble
    every other row. The error names the first bad row (as a line number)."""
    good = bad = 0
    first_bad = None
    for i, line in enumerate(raw.split(b"\n")):
        if line.isascii():
            continue
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError:
            bad += 1
            first_bad = first_bad or i + 1
            continue
        good += any("\u4e00" <= ch <= "\u9fff" for ch in text)
    if first_bad is not None and good >= max(bad, 1):
        raise DataError(
            f"the file mixes encodings: {good} line(s) with Chinese text are UTF-8 but {bad} are not"
            " (GBK?), the first at this row; re-save those rows as UTF-8",
            file=shown, row=first_bad,
        )


# ---------------------------------------------------------------------------- readers
def _split_header(file: str, sheet: str | None, grid: pd.DataFrame, n_header: int, first_row: int) -> Table:
    """``grid``: all rows after the skipped title rows, as strings; first ``n_header`` are header."""
    if len(grid) < n_header:
        raise DataError(f"file has fewer than {n_header} header row(s)", file=file, sheet=sheet)
    head = grid.iloc[:n_header].to_numpy(dtype=object)
    # merged header cells: a blank cell in an upper header row takes the label to its left
    for r in range(n_header - 1):
        last = ""
        for j in range(head.shape[1]):
            cell = str(head[r, j]).strip()
            if cell:
                last = cell
            else:
                head[r, j] = last
    labels = []
    for j in range(head.shape[1]):
        parts: list[str] = []
        for r in range(n_header):
            cell = str(head[r, j]).strip()
            if cell and cell not in parts:
                parts.append(cell)
        labels.append(tuple(parts))
    body = grid.iloc[n_header:].reset_index(drop=True)
    body.columns = range(body.shape[1])
    body["row"] = np.arange(first_row + n_header, first_row + n_header + len(body), dtype=np.int64)
    return Table(file, sheet, labels, body)


def read_csv_table(path: Path, spec: Source, display: str | None = None) -> Table:
    """CSV via pyarrow (multi-threaded, all columns as text)."""
    shown = display or str(path)
    encoding = detect_encoding(path, spec.encoding, shown)
    check_row_length(path, shown)
    invalid: list[tuple[int | None, str, int, int]] = []

    def on_invalid(row: pacsv.InvalidRow) -> str:
        invalid.append((row.number, row.text, row.expected_columns, row.actual_columns))
        return "skip"

    enc = "utf8"
    source: Path | io.BytesIO = path
    if encoding not in ("utf-8", "utf-8-sig"):
        # decode here (strictly, naming the line) so pyarrow only ever sees valid UTF-8: its
        # invalid-row callback cannot report a row whose text is not UTF-8
        raw = path.read_bytes()
        try:
            source = io.BytesIO(raw.decode(encoding).encode("utf-8"))
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            raise DataError(f"cannot decode as {encoding}; save the file as UTF-8", file=shown, row=line) from None
    try:
        tbl = pacsv.read_csv(
            source,
            read_options=pacsv.ReadOptions(
                skip_rows=spec.skip_rows, autogenerate_column_names=True, encoding=enc, block_size=_BLOCK
            ),
            parse_options=pacsv.ParseOptions(
                delimiter=spec.delimiter, ignore_empty_lines=False, invalid_row_handler=on_invalid
            ),
            convert_options=pacsv.ConvertOptions(
                column_types=_all_text, strings_can_be_null=False, quoted_strings_can_be_null=False
            ),
        )
    except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
        text = str(exc)
        if "straddl" in text or "block" in text:
            raise DataError(
                f"a row is longer than {_BLOCK >> 20} MiB (cap on row length); is this a CSV"
                " with line breaks?", file=shown,
            ) from None
        raise DataError(f"cannot parse the CSV: {text.splitlines()[0][:200]}", file=shown) from None
    if tbl.num_columns > MAX_COLUMNS:
        raise DataError(f"{tbl.num_columns:,} columns, over the cap of {MAX_COLUMNS:,}", file=shown)
    if invalid:
        number, text, expected, actual = invalid[0]
        if number is None:  # multi-threaded parsing does not know line numbers: find the line
            lines = path.read_bytes().decode(encoding, errors="replace").splitlines()
            number = next((i + 1 for i, line in enumerate(lines) if line == text), None)
        raise DataError(
            f"row has {actual} fields where the header has {expected}"
            + (f" ({len(invalid) - 1} more such rows)" if len(invalid) > 1 else ""),
            file=shown, row=number, value=text[:80],
        )
    if tbl.num_columns == 1 and tbl.num_rows > spec.header_rows - 1:
        _check_separator(tbl.column(0)[spec.header_rows - 1].as_py() or "", spec, shown)
    grid = tbl.to_pandas(types_mapper={pa.string(): pd.StringDtype("pyarrow")}.get)
    grid.columns = range(tbl.num_columns)
    if encoding == "utf-8-sig" and spec.skip_rows == 0 and len(grid) and isinstance(grid.iat[0, 0], str):
        grid.iat[0, 0] = grid.iat[0, 0].lstrip("\ufeff")
    return _split_header(shown, None, grid, spec.header_rows, spec.skip_rows + 1)


#: caps on what a raw table may be (each a clear error naming the file)
MAX_COLUMNS = 4096  # CSV columns
_BLOCK = 1 << 24  # 16 MiB: the longest CSV row pyarrow reads
MAX_CELLS = 2_000_000  # used range of a worksheet (rows × columns)
MAX_SHEET_BYTES = 64 << 20  # uncompressed XML of one worksheet
MAX_WORKBOOK_BYTES = 256 << 20  # uncompressed parts of a workbook

#: every column read as text (pyarrow names generated columns f0, f1, …; extra keys are ignored)
_all_text = {f"f{i}": pa.string() for i in range(MAX_COLUMNS)}

MAX_ROW_BYTES = 1 << 20  # one CSV row (a yearbook row is a few hundred bytes)


def check_row_length(path: Path, shown: str) -> None:
    """``DataError`` naming the first row longer than :data:`MAX_ROW_BYTES` (one vectorised
    pass over the file's newline positions)."""
    size = path.stat().st_size
    if size <= MAX_ROW_BYTES:
        return
    data = np.memmap(path, dtype=np.uint8, mode="r")
    ends = np.flatnonzero(data == 10)
    bounds = np.concatenate(([-1], ends, [size]))
    lengths = np.diff(bounds) - 1
    long = np.flatnonzero(lengths > MAX_ROW_BYTES)
    if len(long):
        i = int(long[0])
        raise DataError(
            f"row is {int(lengths[i]):,} bytes long, over the cap of {MAX_ROW_BYTES:,} bytes per row"
            " (not a table, or line breaks lost?)", file=shown, row=i + 1,
        )


_SEPARATORS = {";": "semicolon", "\t": "tab", "|": "vertical bar", "，": "full-width comma"}


def _check_separator(header: str, spec: Source, shown: str) -> None:
    """A one-column CSV whose header holds another separator: name it and the key to set."""
    for sep, name in _SEPARATORS.items():
        if sep != spec.delimiter and header.count(sep) >= 1:
            raise DataError(
                f"the header is one column but holds {header.count(sep)} {name}(s) {sep!r}:"
                f" the file looks {name}-separated; set delimiter: {sep!r} for this source"
                f" in sources.yaml (now {spec.delimiter!r})",
                file=shown, row=spec.skip_rows + spec.header_rows,
            )


def _cell_text(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() and abs(v) < 1e15 else repr(v)
    if isinstance(v, (dt.date, dt.datetime)):
        return v.isoformat()
    return str(v)


def read_xlsx_tables(path: Path, spec: Source, display: str | None = None) -> list[Table]:
    """Each requested sheet, merged ranges filled with their top-left value."""
    shown = display or str(path)
    from openpyxl import load_workbook

    check_workbook_size(path, shown)
    try:
        wb = load_workbook(path, data_only=True, read_only=False)
    except MemoryError:
        raise DataError("the workbook does not fit in memory; save the table as CSV", file=shown) from None
    except Exception as exc:  # openpyxl raises many types for a broken file
        raise DataError(f"cannot open the workbook: {type(exc).__name__}: {str(exc)[:200]}", file=shown) from None
    tables = []
    try:
        for want in spec.sheets:
            if isinstance(want, int):
                if not 0 <= want < len(wb.sheetnames):
                    raise DataError(f"no sheet number {want}; sheets are {wb.sheetnames}", file=shown, sheet=want)
                name = wb.sheetnames[want]
            else:
                if want not in wb.sheetnames:
                    raise DataError(f"no sheet {want!r}; sheets are {wb.sheetnames}", file=shown, sheet=want)
                name = want
            ws = wb[name]
            used = ws.max_row * ws.max_column
            if used > MAX_CELLS:
                last = f"{column_letter(ws.max_column - 1)}{ws.max_row}"
                raise DataError(
                    f"the used range A1:{last} is {used:,} cells, over the cap of {MAX_CELLS:,}:"
                    f" delete stray cells (the last one is at {last}) or save the table as CSV",
                    file=shown, sheet=name,
                )
            rows = [list(r) for r in ws.iter_rows(values_only=True)]
            width = max((len(r) for r in rows), default=0)
            for r in rows:
                r.extend([None] * (width - len(r)))
            for rng in ws.merged_cells.ranges:
                top = rows[rng.min_row - 1][rng.min_col - 1] if rng.min_row - 1 < len(rows) else None
                for i in range(rng.min_row - 1, min(rng.max_row, len(rows))):
                    for j in range(rng.min_col - 1, min(rng.max_col, width)):
                        rows[i][j] = top
            grid = pd.DataFrame([[_cell_text(v) for v in r] for r in rows[spec.skip_rows :]], dtype=object)
            if grid.empty:
                raise DataError("sheet is empty", file=shown, sheet=name)
            tables.append(_split_header(shown, name, grid, spec.header_rows, spec.skip_rows + 1))
    finally:
        wb.close()
    return tables


_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="[A-Z]{1,3}\d{1,7}:([A-Z]{1,3})(\d{1,7})"')


def _check_used_range(max_col: int, max_row: int, sheet: str, shown: str) -> None:
    if max_row * max_col > MAX_CELLS:
        last = f"{column_letter(max_col - 1)}{max_row}"
        raise DataError(
            f"the used range of {sheet} reaches {last} ({max_row * max_col:,} cells), over the cap of"
            f" {MAX_CELLS:,}: delete stray cells (the last one is at {last}) or save the table as CSV",
            file=shown,
        )


_CELL_REF = re.compile(rb'<(?:\w+:)?c\s+r="([A-Z]{1,3})(\d{1,7})"')
_MERGE_REF = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+)(\d+):([A-Z]+)(\d+)"')


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def check_workbook_size(path: Path, shown: str) -> None:
    """Refuse a workbook before opening it when it inflates past the caps: the uncompressed
    size of all parts and of each worksheet, and the area of any merged range (openpyxl makes
    one object per merged cell). A zip bomb or a sheet of millions of cells fails here, not
    with a MemoryError."""
    import zipfile
    import zlib

    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        raise DataError("not an XLSX workbook (not a zip archive); save it as .xlsx", file=shown) from None
    with zf:
        infos = zf.infolist()
        total = sum(i.file_size for i in infos)
        if total > MAX_WORKBOOK_BYTES:
            raise DataError(
                f"the workbook inflates to {total / 2**20:,.0f} MiB, over the cap of"
                f" {MAX_WORKBOOK_BYTES >> 20} MiB; save the table as CSV", file=shown,
            )
        for info in infos:
            if not info.filename.startswith("xl/worksheets/") or not info.filename.endswith(".xml"):
                continue
            if info.file_size > MAX_SHEET_BYTES:
                raise DataError(
                    f"worksheet {info.filename.rsplit('/', 1)[-1]} inflates to"
                    f" {info.file_size / 2**20:,.0f} MiB, over the cap of {MAX_SHEET_BYTES >> 20} MiB"
                    " (millions of cells?); save the table as CSV", file=shown,
                )
            sheet = info.filename.rsplit("/", 1)[-1]
            try:
                with zf.open(info) as fh:
                    tail = last_cell = b""
                    first = True
                    while block := fh.read(1 << 20):
                        chunk = tail + block
                        if first:  # the used range Excel and openpyxl record: <dimension ref="A1:C9"/>
                            first = False
                            dim = _DIMENSION.search(chunk[:4096])
                            if dim:
                                _check_used_range(_column_number(dim.group(1)), int(dim.group(2)), sheet, shown)
                        if b"mergeCell" in chunk:
                            for m in _MERGE_REF.finditer(chunk):
                                c1, r1, c2, r2 = m.groups()
                                area = (abs(int(r2) - int(r1)) + 1) * (abs(_column_number(c2) - _column_number(c1)) + 1)
                                if area > MAX_CELLS:
                                    ref = f"{c1.decode()}{r1.decode()}:{c2.decode()}{r2.decode()}"
                                    raise DataError(
                                        f"merged range {ref} covers {area:,} cells, over the cap of"
                                        f" {MAX_CELLS:,}; unmerge it", file=shown,
                                    )
                        at = chunk.rfind(b"<c ")
                        if at >= 0:
                            last_cell = chunk[at : at + 64]
                        tail = chunk[-200:]
                    # rows are stored in order: the last cell of the sheet gives its used range
                    # even when <dimension> is absent or wrong (read_xlsx_tables also checks
                    # the range openpyxl finds after loading)
                    last = _CELL_REF.findall(last_cell)
                    if last:
                        _check_used_range(_column_number(last[-1][0]), int(last[-1][1]), sheet, shown)
            except (zipfile.BadZipFile, OSError, EOFError, zlib.error) as exc:
                raise DataError(f"the workbook is damaged ({type(exc).__name__})", file=shown) from None


def read_tables(path: Path, spec: Source, display: str | None = None) -> list[Table]:
    """All tables of a source (one for CSV, one per sheet for XLSX)."""
    if not path.is_file():
        raise DataError(
            "raw file not found (paths in sources.yaml are relative to data/raw)", file=display or path
        )
    if spec.resolved_format == "csv":
        return [read_csv_table(path, spec, display)]
    return read_xlsx_tables(path, spec, display)


# ---------------------------------------------------------------------------- reshaping
def _unit_in_label(label: str) -> str | None:
    m = _UNIT_IN_LABEL.search(label)
    if m and clean_unit(m.group(1)) in UNITS:
        return clean_unit(m.group(1))
    return None


def _drop_blank_and_notes(tbl: Table, region_col: int) -> pd.DataFrame:
    body = tbl.body
    cols = [c for c in body.columns if c != "row"]
    text = body[cols].astype("str")
    blank = (text.apply(lambda s: s.str.strip()) == "").all(axis=1) if len(cols) < 64 else (
        text.map(str.strip) == ""
    ).all(axis=1)
    region = body[region_col].astype("str").str.strip()
    note = region.str.startswith(FOOTNOTE_PREFIXES)
    return body[~blank & ~note]


def to_cells(tbl: Table, spec: Source, vocabulary: set[str]) -> pd.DataFrame:
    """Reshape one table into cells (one row per value); raises ``DataError`` on header problems."""
    rc = tbl.find(spec.region, "region")
    ids = {rc}
    ic = tbl.find(spec.industry_column, "industry") if spec.industry_column else None
    vc = tbl.find(spec.variable_column, "variable") if spec.variable_column else None
    uc = tbl.find(spec.unit_column, "unit") if spec.unit_column else None
    yc = tbl.find(spec.year, "year") if spec.year else None
    for c in (ic, vc, uc, yc):
        if c is not None:
            ids.add(c)
    for name in spec.ignore_columns:
        ids.add(tbl.find(name, "ignored"))
    body = _drop_blank_and_notes(tbl, rc)
    n = len(body)
    industry = body[ic].astype("str") if ic is not None else pd.Series([spec.industry] * n, index=body.index, dtype="str")
    unit_col = body[uc].astype("str") if uc is not None else None

    def frame(value: pd.Series, label: pd.Series | str, year: pd.Series | str, column: str, unit: str | None) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "region_raw": body[rc].astype("str"),
                "industry_raw": industry,
                "year_raw": year if isinstance(year, pd.Series) else pd.Series([year] * n, index=body.index, dtype="str"),
                "label": label if isinstance(label, pd.Series) else pd.Series([label] * n, index=body.index, dtype="str"),
                "value_raw": value.astype("str"),
                "unit_raw": unit_col if unit_col is not None else pd.Series([unit or ""] * n, index=body.index, dtype="str"),
                "row": body["row"],
                "column": column,
            }
        )

    parts: list[pd.DataFrame] = []
    if spec.layout == "long":
        val = tbl.find(spec.value, "value")
        label = body[vc].astype("str") if vc is not None else str(spec.variable)
        parts.append(frame(body[val], label, body[yc].astype("str"), tbl.where(val), _unit_in_label(tbl.label(val))))
    elif spec.layout == "wide_variables":
        mapping = {norm_label(k) for k in spec.variables}
        for j in range(len(tbl.labels)):
            if j in ids:
                continue
            lab = tbl.label(j)
            if norm_label(lab) not in mapping and norm_label(lab) not in vocabulary:
                if not lab and (body[j].astype("str").str.strip() == "").all():
                    continue
                if spec.unmapped == "ignore":
                    continue
                raise DataError(
                    f"column header {lab!r} is not mapped to a variable: add it to 'variables'"
                    " (or to 'ignore_columns')",
                    file=tbl.file, sheet=tbl.sheet, row=int(tbl.body["row"].iloc[0]) - 1 if len(tbl.body) else None,
                    column=tbl.where(j), value=lab,
                )
            parts.append(frame(body[j], lab, body[yc].astype("str"), tbl.where(j), _unit_in_label(lab)))
    else:  # wide_years
        for j in range(len(tbl.labels)):
            if j in ids:
                continue
            labels = tbl.labels[j]
            m = _YEAR.match(labels[-1]) if labels else None
            if not m:
                if not labels and (body[j].astype("str").str.strip() == "").all():
                    continue
                if spec.unmapped == "ignore":
                    continue
                raise DataError(
                    "column header is not a year (expected e.g. 2016 or 2016年 in the last header row);"
                    " list extra columns in 'ignore_columns'",
                    file=tbl.file, sheet=tbl.sheet, row=spec.skip_rows + spec.header_rows,
                    column=tbl.where(j), value=labels[-1] if labels else "",
                )
            upper = "/".join(labels[:-1])
            if vc is not None:
                label: pd.Series | str = body[vc].astype("str")
            elif spec.variable is not None:
                label = spec.variable
            elif upper:
                label = upper
            else:
                label = str(tbl.sheet or "")
            unit = _unit_in_label(upper) or (_unit_in_label(str(tbl.sheet)) if tbl.sheet and not upper else None)
            parts.append(frame(body[j], label, m.group(1), tbl.where(j), unit))
    if not parts:
        raise DataError("no value columns found", file=tbl.file, sheet=tbl.sheet)
    cells = pd.concat(parts, ignore_index=True)
    cells["sheet"] = tbl.sheet if tbl.sheet is not None else ""
    return cells
