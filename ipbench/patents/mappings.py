"""Column mappings: which header of an export holds which canonical field.

A mapping is a YAML file (presets in ``ipbench/patents/presets/``, or a user's own file)::

    name: cnipa
    label: CNIPA 专利检索及分析系统 / 中国专利数据库 export
    fields:                      # canonical field -> candidate headers, first present wins
      app_no: [申请号]
      filing_date: [申请日]
    patent_type_values:          # cell text -> invention | utility | design
      发明: invention
    separator: "[;；,，|]"       # between several IPC codes / dates / applicants in one cell
    empty_values: ["-"]          # cell texts meaning empty (Patsnap)
    header_row: 2                # XLSX: spreadsheet row of the header (default: found)
    applicant_type_values: {工矿企业: enterprise}   # type-column text -> applicant type

Header matching ignores surrounding spaces, a UTF-8 BOM and the difference between full-width
and half-width parentheses (``公开（公告）号`` = ``公开(公告)号``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ipbench.errors import DataError, ParamsError
from ipbench.yamlio import load_params_yaml

PRESET_DIR = Path(__file__).with_name("presets")

#: Canonical fields, with a bilingual label (used in messages and the summary).
FIELDS: dict[str, str] = {
    "app_no": "申请号 / application number",
    "filing_date": "申请日 / filing date",
    "pub_no": "公开（公告）号 / publication number",
    "pub_date": "公开（公告）日 / publication date",
    "grant_date": "授权公告日 / grant date",
    "patent_type": "专利类型 / patent type",
    "ipc_main": "IPC主分类号 / main IPC",
    "ipc_all": "IPC分类号 / all IPC codes",
    "applicant": "申请人 / applicants",
    "applicant_type": "申请人类型 / applicant type",
    "applicant_country": "申请人国别 / applicant country",
    "area_code": "国省代码·行政区划代码 / area code",
    "address": "申请人地址 / applicant address",
    "addr_province": "申请人省份 / applicant province",
    "addr_city": "申请人地市 / applicant city",
    "addr_county": "申请人区县 / applicant county",
    "legal_status": "法律状态 / legal status",
    "lapse_date": "失效日 / lapse date",
    "transfer_dates": "转让日 / transfer dates",
    "licence_dates": "许可日 / licence dates",
    "pledge_dates": "质押日 / pledge dates",
    "transfer_count": "转让次数 / transfers",
    "licence_count": "许可次数 / licences",
    "pledge_count": "质押次数 / pledges",
}
REQUIRED = ("app_no", "filing_date")
DATE_FIELDS = ("filing_date", "pub_date", "grant_date", "lapse_date")
EVENT_KINDS = ("transfer", "licence", "pledge")
PATENT_TYPES = ("invention", "utility", "design")

_DEFAULT_TYPE_VALUES = {
    "发明": "invention", "发明专利": "invention", "发明申请": "invention",
    "发明授权": "invention", "发明公开": "invention", "授权发明": "invention",
    "发明申请公开": "invention", "invention": "invention",
    "实用新型": "utility", "实用新型专利": "utility", "utility": "utility",
    "外观设计": "design", "外观设计专利": "design", "外观": "design", "design": "design",
}
#: Keys a mapping YAML may hold.
MAPPING_KEYS = {"name", "label", "evidence", "fields", "patent_type_values", "separator",
                "empty_values", "applicant_type_values", "header_row"}


def _norm_header(h: Any) -> str:
    s = str(h).replace("\ufeff", "").strip()
    return s.translate(str.maketrans("（）［］", "()[]")).replace(" ", "")


@dataclass(frozen=True)
class ColumnMapping:
    """A column mapping (see module docstring). Build with :func:`load_mapping`."""

    name: str
    fields: dict[str, tuple[str, ...]]
    patent_type_values: dict[str, str] = field(default_factory=dict)
    separator: str = "[;；,，|]"
    label: str = ""
    evidence: str = ""
    #: cell texts meaning "empty" in this export (Patsnap writes ``-``), read as NULL
    empty_values: tuple[str, ...] = ()
    #: applicant-type cell text → ipbench applicant type (added to
    #: :data:`ipbench.patents.applicants.TYPE_VALUES`)
    applicant_type_values: dict[str, str] = field(default_factory=dict)
    #: spreadsheet row of the header (1 = first row); None = found automatically in XLSX files
    header_row: int | None = None

    def resolve(self, headers: list[str], file: Any = None) -> dict[str, str]:
        """Return ``{canonical field: header in this file}`` for the fields present.

        Raises :class:`DataError` naming the file when a required field has no header.
        """
        present = {_norm_header(h): h for h in headers}
        out: dict[str, str] = {}
        for canon, candidates in self.fields.items():
            for cand in candidates:
                if _norm_header(cand) in present:
                    out[canon] = present[_norm_header(cand)]
                    break
        missing = [f for f in REQUIRED if f not in out]
        if missing:
            wanted = "; ".join(f"{FIELDS[f]}: one of {list(self.fields.get(f, ()))}" for f in missing)
            raise DataError(
                f"mapping {self.name!r} finds no column for {wanted}; headers are {list(headers)[:30]}"
                " — pick another --mapping preset or write a mapping YAML",
                file=file,
                column=missing[0],
            )
        if not {"area_code", "address", "addr_province", "addr_city", "addr_county",
                "applicant_country"} & set(out):
            wanted = [c for f in ("area_code", "address", "addr_province", "addr_city", "addr_county")
                      for c in self.fields.get(f, ())]
            raise DataError(
                f"mapping {self.name!r} finds neither an area-code nor an address column, so no"
                f" record can be given a region; it looks for {wanted}; headers found are"
                f" {list(headers)[:40]} — name yours in a mapping YAML (fields.address)",
                file=file,
                column="area_code/address",
            )
        return out

    def split_header(self, frame: Any, file: Any = None, scan: int = 20) -> tuple[Any, int]:
        """A sheet read without a header → ``(records with the header row as columns, header's
        spreadsheet row)``. The header is ``header_row`` when the mapping sets it, else the
        first of the top ``scan`` rows holding the required fields' headers (exports with a
        title row above the header); else the first row, and :meth:`resolve` then names
        the headers it found."""
        import pandas as pd

        rows = frame.head(scan).fillna("").astype(str).values.tolist()
        at = 0
        if self.header_row is not None:
            at = self.header_row - 1
        else:
            wanted = [{_norm_header(c) for c in self.fields.get(f, ())} for f in REQUIRED]
            for i, row in enumerate(rows):
                cells = {_norm_header(c) for c in row}
                if all(w & cells for w in wanted):
                    at = i
                    break
        if at >= len(frame):
            raise DataError(f"header_row {at + 1} is below the last row", file=file, row=at + 1)
        header = [str(c) if not pd.isna(c) and str(c).strip() else f"Unnamed: {j}"
                  for j, c in enumerate(frame.iloc[at].tolist())]
        body = frame.iloc[at + 1:].reset_index(drop=True)
        body.columns = header
        return body, at + 1

    def type_of(self, text: str | None) -> str | None:
        """Patent type for a cell text (exact match after stripping, else None)."""
        if text is None:
            return None
        return self.patent_type_values.get(str(text).strip())


def list_presets() -> list[str]:
    """Names of the shipped presets."""
    return sorted(p.stem for p in PRESET_DIR.glob("*.yaml"))


def load_mapping(spec: str | Path | dict | ColumnMapping | None = None) -> ColumnMapping:
    """Load a mapping: a preset name (``cnipa``, ``incopat``, ``patsnap``), a YAML path, or a dict.

    ``None`` means the ``cnipa`` preset.
    """
    if isinstance(spec, ColumnMapping):
        return spec
    where = "mapping"
    if spec is None:
        spec = "cnipa"
    if isinstance(spec, dict):
        raw = spec
    else:
        path = Path(spec)
        if not path.suffix and (PRESET_DIR / f"{spec}.yaml").is_file():
            path = PRESET_DIR / f"{spec}.yaml"
        if not path.is_file():
            raise ParamsError(
                f"mapping {str(spec)!r}: neither a preset ({', '.join(list_presets())}) nor a file"
            )
        where = str(path)
        raw = load_params_yaml(path) or {}
        if not isinstance(raw, dict):
            raise ParamsError(f"{where}: expected a mapping with keys name, fields, …")
    unknown = set(raw) - MAPPING_KEYS
    if unknown:
        raise ParamsError(f"{where}: unknown key(s) {sorted(unknown)}")
    fields_raw = raw.get("fields") or {}
    bad = set(fields_raw) - set(FIELDS)
    if bad:
        raise ParamsError(
            f"{where}: fields.{sorted(bad)[0]} is not a canonical field; known: {list(FIELDS)}"
        )
    fields_ = {
        k: tuple([v] if isinstance(v, str) else list(v)) for k, v in fields_raw.items() if v
    }
    types = dict(_DEFAULT_TYPE_VALUES)
    for k, v in (raw.get("patent_type_values") or {}).items():
        if v not in PATENT_TYPES:
            raise ParamsError(f"{where}: patent_type_values.{k} = {v!r}; use one of {PATENT_TYPES}")
        types[str(k)] = v
    sep = raw.get("separator", "[;；,，|]")
    try:
        re.compile(sep)
    except re.error as exc:
        raise ParamsError(f"{where}: separator {sep!r} is not a regular expression: {exc}") from exc
    empties = raw.get("empty_values") or []
    if isinstance(empties, str):
        empties = [empties]
    app_types = {str(k): str(v) for k, v in (raw.get("applicant_type_values") or {}).items()}
    from ipbench.patents.applicants import APPLICANT_TYPES

    for k, v in app_types.items():
        if v not in APPLICANT_TYPES:
            raise ParamsError(f"{where}: applicant_type_values.{k} = {v!r}; use one of {list(APPLICANT_TYPES)}")
    header_row = raw.get("header_row")
    if header_row is not None and (not isinstance(header_row, int) or header_row < 1):
        raise ParamsError(f"{where}: header_row = {header_row!r}; use the spreadsheet row number (1 = first)")
    return ColumnMapping(
        empty_values=tuple(str(e) for e in empties),
        applicant_type_values=app_types,
        header_row=header_row,
        name=str(raw.get("name") or Path(str(spec)).stem),
        fields=fields_,
        patent_type_values=types,
        separator=sep,
        label=str(raw.get("label", "")),
        evidence=str(raw.get("evidence", "")),
    )
