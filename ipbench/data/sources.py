"""Schema of ``data/sources.yaml``: a declarative description of each raw file.

A source is a few YAML lines. Example, a yearbook sheet with a title row, a two-row merged
header (variable over years) and values in 万元::

    sources:
      - id: js_rd_2024
        file: yearbook/js_2024.xlsx     # relative to data/raw
        sheet: 科技                      # name or 0-based index; a list loads several sheets
        skip_rows: 1                    # title rows above the header
        header_rows: 2                  # merged cells are filled before reading labels
        layout: wide_years              # wide_years | wide_variables | long
        region: 地区
        unit: 万元
        variables: {R&D经费内部支出: rd_expenditure}

Layouts:

* ``long`` — one value per row: ``region``, ``year``, ``value`` columns and either a fixed
  ``variable`` or a ``variable_column`` whose labels ``variables`` maps to variable names;
* ``wide_years`` — years as columns (the last header row holds the year, ``2016`` or
  ``2016年``); the variable is the fixed ``variable``, or the label in ``variable_column``, or
  the upper header rows, or else the sheet name, mapped through ``variables``;
* ``wide_variables`` — ``region`` and ``year`` columns, one column per variable; ``variables``
  maps each column header to a variable.

* ``patent_records`` — patent-list exports (CNIPA / incoPat / Patsnap) counted by region ×
  industry × year by :func:`ipbench.patents.ingest` (see :class:`PatentRecordsSource`)::

      - id: js_patents
        layout: patent_records
        files: [cnipa/*.csv.gz, cnipa/*.xlsx]   # globs relative to data/raw
        mapping: cnipa                         # preset name or YAML path (relative to the project)
        concordance: data/concordance/ipc_gbt4754_demo.csv
        policy: fractional                     # main | fractional | full

``variables`` values are a variable name or ``{variable, unit, scale, industry}``. Units (万元,
亿元, 万人 …) convert values to the variable's base unit (see :mod:`ipbench.data.units`).
Unknown keys are rejected with their key path.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    ValidationError,
    field_validator,
    model_validator,
)

from ipbench.errors import DataError
from ipbench.yamlio import load_data_yaml

DEFAULT_YEAR_RANGE = (1949, 2100)


def confined(path: str, folder: str) -> str:
    """``path`` unchanged when it names a place inside ``folder``: relative, no ``..``.

    (Symbolic links are checked where the file is opened, :func:`resolve_inside`.)"""
    p = Path(path.replace("\\", "/"))
    if not path.strip() or p.is_absolute() or path.startswith(("~", "/", "\\")) or ".." in p.parts or (
        len(path) > 1 and path[1] == ":"
    ):
        raise ValueError(f"{path!r} must be a path relative to {folder} (no '..', not absolute)")
    return path


def resolve_inside(folder: Path, path: str) -> Path:
    """``folder / path`` resolved (symbolic links followed); ``DataError`` when it leaves ``folder``."""
    target = (folder / path).resolve()
    if not target.is_relative_to(folder.resolve()):
        raise DataError(f"{path!r} leads outside {folder.name}/ (a link?); keep raw files inside it")
    return target


class ColumnSpec(BaseModel):
    """Where a mapped label's values go."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    variable: str
    unit: str | None = None
    scale: float = 1.0
    industry: str | None = None


class SubtotalCheck(BaseModel):
    """``total ≈ sum(parts)`` within ``tolerance`` (relative); a failure is a warning."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    total: str
    parts: list[str] = Field(min_length=1)
    tolerance: float = Field(default=0.001, ge=0)


class Source(BaseModel):
    """One raw file (or one set of sheets of a workbook) and how to read it."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(pattern=r"^[A-Za-z0-9_.-]+$")
    file: str
    format: Literal["csv", "xlsx"] | None = None
    encoding: Literal["auto", "utf-8", "utf-8-sig", "gbk", "gb18030"] = "auto"
    delimiter: str = ","
    sheet: str | int | list[str | int] | None = None
    skip_rows: int = Field(default=0, ge=0)
    header_rows: int = Field(default=1, ge=1, le=5)
    layout: Literal["long", "wide_years", "wide_variables"]
    region: str
    year: str | None = None
    industry: str = "ALL"
    industry_column: str | None = None
    variable: str | None = None
    variable_column: str | None = None
    value: str | None = None
    variables: dict[str, str | ColumnSpec] = Field(default_factory=dict)
    unmapped: Literal["error", "ignore"] = "error"
    ignore_columns: list[str] = Field(default_factory=list)
    unit: str | None = None
    unit_column: str | None = None
    scale: float = 1.0
    region_names: dict[str, str] = Field(default_factory=dict)
    year_range: tuple[int, int] = DEFAULT_YEAR_RANGE
    demo: bool = False
    checks: list[SubtotalCheck] = Field(default_factory=list)
    description: str | None = None

    @field_validator("file")
    @classmethod
    def _inside_raw(cls, v: str) -> str:
        return confined(v, "data/raw")

    @field_validator("delimiter")
    @classmethod
    def _one_character(cls, v: str) -> str:
        if len(v) != 1 or v in "\"\r\n":
            raise ValueError(f"{v!r}: give one character such as ',', ';', '|' or '\\t' (not a quote or line break)")
        return v

    @field_validator("variables", mode="before")
    @classmethod
    def _labels_as_text(cls, v: object) -> object:
        return {str(k): val for k, val in v.items()} if isinstance(v, dict) else v

    @field_validator("region_names", mode="before")
    @classmethod
    def _names_as_text(cls, v: object) -> object:
        return {str(k): str(val) for k, val in v.items()} if isinstance(v, dict) else v

    @model_validator(mode="after")
    def _consistent(self) -> Source:
        fmt = self.resolved_format
        if fmt == "csv" and self.sheet is not None:
            raise ValueError("'sheet' is only for xlsx files")
        if self.layout == "long":
            if self.year is None or self.value is None:
                raise ValueError("layout long needs 'year' and 'value' columns")
            if (self.variable is None) == (self.variable_column is None):
                raise ValueError("layout long needs exactly one of 'variable' or 'variable_column'")
        if self.layout == "wide_variables":
            if self.year is None:
                raise ValueError("layout wide_variables needs a 'year' column")
            if not self.variables:
                raise ValueError("layout wide_variables needs 'variables' (column header → variable)")
        if self.variable_column is not None and not self.variables:
            raise ValueError("'variable_column' needs 'variables' (label → variable)")
        if self.year_range[0] > self.year_range[1]:
            raise ValueError("year_range must be [first, last]")
        return self

    @property
    def resolved_format(self) -> str:
        if self.format:
            return self.format
        suffix = Path(self.file).suffix.lower().lstrip(".")
        if suffix in ("csv", "txt"):
            return "csv"
        if suffix in ("xlsx", "xlsm"):
            return "xlsx"
        raise ValueError(f"cannot tell the format of {self.file!r}: set 'format: csv' or 'format: xlsx'")

    @property
    def sheets(self) -> list[str | int]:
        if self.sheet is None:
            return [0]
        return list(self.sheet) if isinstance(self.sheet, list) else [self.sheet]

    def mapping(self) -> dict[str, ColumnSpec]:
        """``variables`` with every value as a :class:`ColumnSpec`."""
        return {
            k: (v if isinstance(v, ColumnSpec) else ColumnSpec(variable=v)) for k, v in self.variables.items()
        }

    def spec_hash(self) -> str:
        """Stable hash of the spec (key order and YAML formatting do not matter)."""
        text = json.dumps(self.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


#: variables :func:`ipbench.patents.ingest` produces (see :mod:`ipbench.patents.aggregate`)
PATENT_VARIABLES = (
    "patent_app_total", "patent_app_invention", "patent_app_utility", "patent_app_design",
    "patent_grant_total", "patent_grant_invention", "patent_grant_utility", "patent_grant_design",
    "patent_inforce_total", "patent_inforce_invention",
    "patent_transfer", "patent_licence", "patent_pledge",
)


class PatentRecordsSource(BaseModel):
    """Patent-list exports counted into facts by :func:`ipbench.patents.ingest`.

    ``files``: one glob or several, relative to ``data/raw`` (all matches are read as one
    export; the same application number in two files counts once). ``mapping``: a preset
    (``cnipa``, ``incopat``, ``patsnap``, ``ipbench``) or a mapping YAML relative to the
    project. ``concordance``: IPC → industry table relative to the project (default: the
    curated demo table shipped with ipbench). ``industry_total``: keep the ``ALL`` (every
    patent) rows; set ``false`` when another source gives the whole-economy totals.
    ``region_total``: also write the sum over the assigned regions under this code (e.g. the
    province ``320000``; patents placed only at province level are not in it). ``variables``:
    the subset of :data:`PATENT_VARIABLES` kept (default all).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(pattern=r"^[A-Za-z0-9_.-]+$")
    layout: Literal["patent_records"]
    files: list[str] = Field(min_length=1)
    mapping: str = "cnipa"
    concordance: str | None = None
    policy: Literal["main", "fractional", "full"] = "fractional"
    target: Literal["pilot", "gbt4754"] = "pilot"
    level: Literal["prefecture", "county", "province"] = "prefecture"
    scope: str | None = Field(default=None, pattern=r"^[0-9]{2,6}$")
    years: tuple[int, int] | None = None
    industry_total: bool = True
    region_total: str | None = Field(default=None, pattern=r"^[0-9]{6}$")
    variables: list[str] | None = None
    demo: bool = False
    description: str | None = None

    @field_validator("files", mode="before")
    @classmethod
    def _one_or_many(cls, v: object) -> object:
        return [v] if isinstance(v, str) else v

    @field_validator("files")
    @classmethod
    def _globs_inside_raw(cls, v: list[str]) -> list[str]:
        return [confined(g, "data/raw") for g in v]

    @field_validator("mapping")
    @classmethod
    def _mapping_inside(cls, v: str) -> str:
        return confined(v, "the project folder") if Path(v).suffix or "/" in v or "\\" in v else v

    @field_validator("concordance")
    @classmethod
    def _concordance_inside(cls, v: str | None) -> str | None:
        return None if v is None else confined(v, "the project folder")

    @field_validator("scope", "region_total", mode="before")
    @classmethod
    def _code_as_text(cls, v: object) -> object:
        return str(v) if isinstance(v, int) else v

    @model_validator(mode="after")
    def _consistent(self) -> PatentRecordsSource:
        if self.years is not None and self.years[0] > self.years[1]:
            raise ValueError("years must be [first, last]")
        unknown = sorted(set(self.variables or ()) - set(PATENT_VARIABLES))
        if unknown:
            raise ValueError(f"variables: {unknown} are not produced by patent ingestion; use {list(PATENT_VARIABLES)}")
        return self

    @property
    def file(self) -> str:
        """The globs as one text (the store's ``sources.file`` column)."""
        return "; ".join(self.files)

    def spec_hash(self) -> str:
        text = json.dumps(self.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _layout_tag(v: object) -> str:
    layout = v.get("layout") if isinstance(v, dict) else getattr(v, "layout", None)
    return "patent_records" if layout == "patent_records" else "table"


AnySource = Annotated[
    Annotated[Source, Tag("table")] | Annotated[PatentRecordsSource, Tag("patent_records")],
    Discriminator(_layout_tag),
]


class SourcesFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    sources: list[AnySource] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique_ids(self) -> SourcesFile:
        seen: set[str] = set()
        for s in self.sources:
            if s.id in seen:
                raise ValueError(f"duplicate source id {s.id!r}")
            seen.add(s.id)
        return self


def _key_path(loc: tuple, doc: dict) -> str:
    parts: list[str] = []
    for i, p in enumerate(loc):
        if isinstance(p, int) and i > 0 and loc[i - 1] == "sources":
            src = (doc.get("sources") or [])[p] if p < len(doc.get("sources") or []) else {}
            sid = src.get("id") if isinstance(src, dict) else None
            parts[-1] = f"sources[{p}]" + (f"({sid})" if sid else "")
        elif p in ("str", "ColumnSpec", "int", "list[union[str,int]]", "table", "patent_records") or str(p).startswith(("list[", "function-")):
            continue
        else:
            parts.append(str(p))
    return ".".join(parts)


def load_sources(path: str | Path) -> SourcesFile:
    """Read and validate ``sources.yaml``; an error names the file and the full key path."""
    path = Path(path)
    if not path.is_file():
        raise DataError("sources file not found (describe the raw files in data/sources.yaml)", file=path)
    doc = load_data_yaml(path) or {}
    if not isinstance(doc, dict):
        raise DataError("expected a mapping with a 'sources:' list", file=path)
    try:
        return SourcesFile.model_validate(doc)
    except ValidationError as exc:
        found = []
        for err in exc.errors():
            where = _key_path(tuple(err["loc"]), doc)
            msg = "unknown key" if err["type"] == "extra_forbidden" else err["msg"].removeprefix("Value error, ")
            found.append((where, msg))
        # a union member's mismatch is noise when a deeper key under it explains the problem
        paths = [w for w, _ in found]
        msgs = [
            f"{w}: {m}" if w else m
            for w, m in found
            if not any(o != w and o.startswith(w + ".") for o in paths)
        ]
        raise DataError("; ".join(dict.fromkeys(msgs)), file=path) from None
