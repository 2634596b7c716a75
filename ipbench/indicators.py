"""Indicator catalogue (指标目录) and computing indicators from the facts table.

A catalogue is a YAML file (or a folder of them) under ``params/indicators/``::

    name_zh: 默认指标目录
    name_en: Default indicator catalogue
    indicators:
      - code: invention_per_10k_pop
        name_zh: 每万人口发明专利拥有量
        name_en: Invention patents in force per 10,000 residents
        unit: 件/万人
        direction: 1            # +1 benefit (larger is better), -1 cost
        subsystem: creation_capability
        formula: patent_inforce_invention / population * 1e4
        source: 《“十三五”国家知识产权保护和运用规划》 主要指标
        notes: optional text

It is validated with pydantic before use: unknown keys, missing keys, a bad direction or
subsystem, duplicated codes and malformed formulas fail with the file and key path
(``indicators[3].formula``). Formulas are evaluated by :mod:`ipbench.formula`.

:func:`compute_indicators` pivots the long facts table (``region_code, industry_code, year,
variable, value, unit, source``) to one row per (region, industry, year), evaluates each
indicator and returns :class:`IndicatorValues`: the wide values plus one row per missing or
invalid cell with its reason.
"""

from __future__ import annotations

import difflib
import html
import re
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from pandas.api.types import union_categoricals
from pydantic import BaseModel, ConfigDict, Field, StrictInt, ValidationError, field_validator

from ipbench.errors import DataError, InputError, ParamsError
from ipbench.formula import Formula, FormulaError, ZeroDivisionPolicy, variables_of
from ipbench.yamlio import load_params_yaml

KEYS: tuple[str, ...] = ("region_code", "industry_code", "year")
FACT_COLUMNS: tuple[str, ...] = (*KEYS, "variable", "value")

#: Subsystem codes with bilingual labels (知识产权区域布局 pilots' criterion layer).
SUBSYSTEMS: dict[str, tuple[str, str]] = {
    "creation_potential": ("创造潜力", "Creation potential"),
    "creation_capability": ("创造能力", "Creation capability"),
    "use_capability": ("运用能力", "Use capability"),
    "use_demand": ("运用需求", "Use demand"),
    "protection": ("保护", "Protection"),
    "innovation_resources": ("创新资源", "Innovation resources"),
    "industry_resources": ("产业资源", "Industry resources"),
    "quality": ("质量", "Quality"),
}

_CODE = re.compile(r"^[a-z][a-z0-9_]*$")


def _suggest(name: str, candidates: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, list(candidates), n=3, cutoff=0.6)
    return f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""


class Indicator(BaseModel):
    """One catalogue entry. ``direction`` is +1 (benefit) or -1 (cost)."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    code: str = Field(min_length=1, max_length=64)
    name_zh: str = Field(min_length=1)
    name_en: str = Field(min_length=1)
    unit: str = Field(min_length=1)
    direction: StrictInt
    subsystem: str
    formula: str = Field(min_length=1)
    source: str = Field(min_length=1)
    notes: str | None = None
    #: formula used when the data lack a variable of ``formula`` but hold those of this one
    #: (e.g. a published ratio such as ``rd_intensity`` where GDP is absent)
    fallback: str | None = None

    @field_validator("code")
    @classmethod
    def _code(cls, v: str) -> str:
        if not _CODE.match(v):
            raise ValueError(
                f"code {v!r} must be lower-case letters, digits and _ and start with a letter"
            )
        return v

    @field_validator("direction")
    @classmethod
    def _direction(cls, v: int) -> int:
        if v not in (1, -1):
            raise ValueError(f"direction must be 1 (benefit) or -1 (cost), got {v}")
        return v

    @field_validator("subsystem")
    @classmethod
    def _subsystem(cls, v: str) -> str:
        if v not in SUBSYSTEMS:
            raise ValueError(
                f"unknown subsystem {v!r}{_suggest(v, SUBSYSTEMS)}"
                f" (allowed: {', '.join(SUBSYSTEMS)})"
            )
        return v


class _CatalogueFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name_zh: str | None = None
    name_en: str | None = None
    version: str | None = None
    description: str | None = None
    indicators: list[Indicator] = Field(min_length=1)


def _key_path(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def _params_error(where: str, errors: list[Any], raw: Any) -> ParamsError:
    """One line per pydantic error: ``file: indicators[3].formul (indicator 'x'): message``."""
    lines = []
    for err in errors:
        loc = err["loc"]
        path = _key_path(loc)
        who = ""
        if len(loc) >= 2 and loc[0] == "indicators" and isinstance(loc[1], int):
            try:
                who = f" (indicator {raw['indicators'][loc[1]]['code']!r})"
            except (KeyError, IndexError, TypeError):
                who = ""
        if err["type"] == "extra_forbidden":
            model = Indicator if len(loc) == 3 else _CatalogueFile
            allowed = list(model.model_fields)
            msg = f"unknown key{_suggest(str(loc[-1]), allowed)} (allowed: {', '.join(allowed)})"
        elif err["type"] == "missing":
            msg = "required key is missing"
        elif err["type"] == "value_error":
            msg = str(err["ctx"]["error"])
        elif loc and loc[-1] == "direction":
            msg = f"direction must be 1 (benefit) or -1 (cost), got {err.get('input')!r}"
        else:
            msg = f"{err['msg']} (got {err.get('input')!r})"
        lines.append(f"{where}: {path}{who}: {msg}")
    return ParamsError("\n".join(lines))


def load_vocabulary(path: str | Path) -> dict[str, dict[str, Any]]:
    """Read ``data/variables.yaml`` → {variable: {zh, en, unit, kind, group}}.

    The file is read and validated by :func:`ipbench.data.variables.load_variables`, the one
    reader of the vocabulary (errors name the file and the variable).
    """
    from ipbench.data.variables import load_variables

    return {name: var.model_dump() for name, var in load_variables(path).items()}


# names, {name: {unit: ...}} or {name: Variable}, a path to variables.yaml, or an object with a
# ``variables`` mapping (ipbench.data.vocabulary.Vocabulary); None = the project's file.
VocabularyLike = Mapping[str, Any] | Collection[str] | str | Path | Any


def _vocabulary(vocabulary: VocabularyLike) -> dict[str, dict[str, Any]]:
    """Normalise the accepted vocabulary forms; None → the current project's variables.yaml."""
    if vocabulary is None:
        from ipbench.project import Project

        return load_vocabulary(Project.find().variables)
    if isinstance(vocabulary, str | Path):
        return load_vocabulary(vocabulary)
    if not isinstance(vocabulary, Mapping) and isinstance(getattr(vocabulary, "variables", None), Mapping):
        vocabulary = vocabulary.variables  # e.g. ipbench.data.vocabulary.Vocabulary

    def info(v: Any) -> dict[str, Any]:
        if isinstance(v, Mapping):
            return dict(v)
        return {"unit": v.unit} if hasattr(v, "unit") else {}  # e.g. a Variable model

    if isinstance(vocabulary, Mapping):
        return {str(k): info(v) for k, v in vocabulary.items()}
    return {str(k): {} for k in vocabulary}


@dataclass(frozen=True)
class Catalogue:
    """A validated, ordered set of indicators with their parsed formulas."""

    indicators: tuple[Indicator, ...]
    formulas: Mapping[str, Formula]
    name_zh: str | None = None
    name_en: str | None = None
    path: Path | None = None

    # --- construction -------------------------------------------------------------------
    @classmethod
    def load(cls, path: str | Path, vocabulary: VocabularyLike = None) -> Catalogue:
        """Load a catalogue file, or every ``*.yaml`` in a folder (codes unique across files).

        If ``vocabulary`` is given (names, a mapping, or a path to ``variables.yaml``), every
        variable used by a formula must be in it; with None the check is left to
        :meth:`check_variables` / :func:`compute_indicators` (which always check).
        """
        path = Path(path)
        files = sorted(path.glob("*.yaml")) if path.is_dir() else [path]
        if not files:
            raise ParamsError(f"{path}: no *.yaml indicator catalogue in this folder")
        parts = [cls._load_file(f) for f in files]
        items = [ind for part in parts for ind in part.indicators]
        cat = cls.from_indicators(items, where=str(path))
        cat = Catalogue(
            cat.indicators, cat.formulas, parts[0].name_zh, parts[0].name_en, path=path
        )
        if vocabulary is not None:
            cat.check_variables(vocabulary)
        return cat

    @staticmethod
    def _load_file(path: Path) -> _CatalogueFile:
        if not path.exists():
            raise ParamsError(f"{path}: indicator catalogue not found")
        raw = load_params_yaml(path)
        if not isinstance(raw, dict):
            raise ParamsError(f"{path}: expected a mapping with key 'indicators'")
        try:
            doc = _CatalogueFile.model_validate(raw)
        except ValidationError as exc:
            raise _params_error(str(path), exc.errors(), raw) from None
        for i, ind in enumerate(doc.indicators):
            try:
                Formula.parse(ind.formula, indicator=ind.code)
            except FormulaError as exc:
                raise ParamsError(f"{path}: indicators[{i}].formula: {exc}") from None
        return doc

    @classmethod
    def from_indicators(
        cls, indicators: Iterable[Indicator | Mapping[str, Any]], where: str = "catalogue"
    ) -> Catalogue:
        """Build from Indicator objects or plain dicts (validated like a file's entries)."""
        items: list[Indicator] = []
        for i, item in enumerate(indicators):
            if isinstance(item, Indicator):
                items.append(item)
                continue
            try:
                items.append(Indicator.model_validate(item))
            except ValidationError as exc:
                raw = {"indicators": {i: item}}
                rooted = [{**e, "loc": ("indicators", i, *e["loc"])} for e in exc.errors()]
                raise _params_error(where, rooted, raw) from None
        seen: dict[str, int] = {}
        formulas: dict[str, Formula] = {}
        for i, ind in enumerate(items):
            if ind.code in seen:
                raise ParamsError(
                    f"{where}: indicators[{i}].code: duplicated indicator code {ind.code!r}"
                    f" (first defined at indicators[{seen[ind.code]}])"
                )
            seen[ind.code] = i
            try:
                formulas[ind.code] = Formula.parse(ind.formula, indicator=ind.code)
            except FormulaError as exc:
                raise ParamsError(f"{where}: indicators[{i}].formula: {exc}") from None
        if not items:
            raise ParamsError(f"{where}: the catalogue has no indicators")
        return cls(tuple(items), formulas)

    # --- access -------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.indicators)

    def __iter__(self) -> Iterator[Indicator]:
        return iter(self.indicators)

    def __contains__(self, code: object) -> bool:
        return code in self.formulas

    def __getitem__(self, code: str) -> Indicator:
        for ind in self.indicators:
            if ind.code == code:
                return ind
        raise ParamsError(f"unknown indicator {code!r}{_suggest(code, self.codes)}")

    @property
    def codes(self) -> list[str]:
        return [ind.code for ind in self.indicators]

    @property
    def variables(self) -> tuple[str, ...]:
        """Variables used by the formulas, in order of first use."""
        return variables_of(self.formulas[c] for c in self.codes)

    @property
    def directions(self) -> pd.Series:
        """+1/-1 per indicator code (the ``directions`` argument of the methods)."""
        return pd.Series({i.code: i.direction for i in self.indicators}, dtype=int)

    @property
    def subsystems(self) -> pd.Series:
        """Subsystem code per indicator code."""
        return pd.Series({i.code: i.subsystem for i in self.indicators}, dtype="str")

    def select(
        self, codes: Iterable[str] | None = None, subsystems: Iterable[str] | None = None
    ) -> Catalogue:
        """Sub-catalogue: the given codes (in the given order) and/or subsystems."""
        chosen = list(self.indicators)
        if subsystems is not None:
            subs = [subsystems] if isinstance(subsystems, str) else list(subsystems)
            for s in subs:
                if s not in SUBSYSTEMS:
                    raise ParamsError(
                        f"unknown subsystem {s!r}{_suggest(s, SUBSYSTEMS)}"
                        f" (allowed: {', '.join(SUBSYSTEMS)})"
                    )
            chosen = [i for i in chosen if i.subsystem in subs]
        if codes is not None:
            wanted = [codes] if isinstance(codes, str) else list(codes)
            for c in wanted:
                if c not in self.formulas:
                    raise ParamsError(f"unknown indicator {c!r}{_suggest(c, self.codes)}")
            by_code = {i.code: i for i in chosen}
            dropped = [c for c in wanted if c not in by_code]
            if dropped:
                raise ParamsError(
                    f"indicator(s) {dropped} are not in the selected subsystems {subsystems}"
                )
            chosen = [by_code[c] for c in dict.fromkeys(wanted)]
        if not chosen:
            raise ParamsError(f"no indicator selected (codes={codes}, subsystems={subsystems})")
        formulas = {i.code: self.formulas[i.code] for i in chosen}
        return Catalogue(tuple(chosen), formulas, self.name_zh, self.name_en, self.path)

    def check_variables(self, vocabulary: VocabularyLike = None) -> None:
        """Raise :class:`ParamsError` naming the indicator whose formula uses an unknown
        variable (with close names suggested)."""
        vocab = _vocabulary(vocabulary)
        where = f"{self.path}: " if self.path else ""
        for ind in self.indicators:
            try:
                Formula.parse(ind.formula, indicator=ind.code, known=vocab)
            except FormulaError as exc:
                raise ParamsError(f"{where}{exc}") from None

    def frame(self) -> pd.DataFrame:
        """The catalogue as a table for display (bilingual names and subsystem labels)."""
        rows = [
            {
                "code": i.code,
                "name_zh": i.name_zh,
                "name_en": i.name_en,
                "unit": i.unit,
                "direction": i.direction,
                "subsystem": i.subsystem,
                "subsystem_zh": SUBSYSTEMS[i.subsystem][0],
                "subsystem_en": SUBSYSTEMS[i.subsystem][1],
                "formula": self.formulas[i.code].text,
                "variables": ", ".join(self.formulas[i.code].variables),
                "source": i.source,
                "notes": i.notes or "",
            }
            for i in self.indicators
        ]
        return pd.DataFrame(rows).set_index("code")

    def _repr_html_(self) -> str:
        return self.frame().drop(columns=["notes", "variables"])._repr_html_()


# ---------------------------------------------------------------------------------------------
ISSUE_COLUMNS: tuple[str, ...] = (*KEYS, "indicator", "kind", "reason")


@dataclass(frozen=True)
class IndicatorValues:
    """Indicators computed from facts.

    ``values``: wide DataFrame indexed by (region_code, industry_code, year), one column per
    indicator code. ``issues``: one row per NaN cell with columns region_code, industry_code,
    year, indicator, kind (``missing_input`` | ``zero_division`` | ``undefined`` |
    ``invalid_input``) and reason (text naming the variables).
    """

    values: pd.DataFrame
    issues: pd.DataFrame
    catalogue: Catalogue

    @property
    def directions(self) -> pd.Series:
        return self.catalogue.directions

    def summary(self) -> str:
        """Readable text: size, and missing cells per indicator and kind."""
        n_rows, n_ind = self.values.shape
        lines = [
            f"指标值 · indicator values: {n_ind} indicators × {n_rows} rows"
            " (region × industry × year)",
            f"missing/invalid cells: {len(self.issues)} of {n_rows * n_ind}",
        ]
        if len(self.issues):
            counts = self.issues.groupby(["indicator", "kind"]).size()
            for (ind, kind), n in counts.items():
                lines.append(f"  {ind}: {n} {kind}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()

    def _repr_html_(self) -> str:
        return f"<pre>{html.escape(self.summary())}</pre>" + self.values.head(20)._repr_html_()


def _facts_wide(
    facts: pd.DataFrame, variables: tuple[str, ...], vocab: Mapping[str, Mapping[str, Any]]
) -> pd.DataFrame:
    """Check the facts and pivot the needed variables to one row per panel key."""
    if not isinstance(facts, pd.DataFrame):
        raise InputError(f"facts must be a DataFrame, got {type(facts).__name__}")
    missing = [c for c in FACT_COLUMNS if c not in facts.columns]
    if missing:
        raise DataError(
            f"facts table lacks column(s) {missing}; expected {list(FACT_COLUMNS)}"
            " (+ unit, source)",
            column=missing[0],
        )
    df = facts[[c for c in (*FACT_COLUMNS, "unit", "source") if c in facts.columns]]
    value = pd.to_numeric(df["value"], errors="coerce")
    bad = value.isna() & df["value"].notna()
    if bad.any():
        i = bad.to_numpy().nonzero()[0][0]
        raise DataError(
            "facts value is not numeric",
            row=df.index[i],
            column="value",
            value=df["value"].iloc[i],
        )
    year = pd.to_numeric(df["year"], errors="coerce")
    bad = year.isna() | (year != year.round())
    if bad.any():
        i = bad.to_numpy().nonzero()[0][0]
        raise DataError(
            "facts year is not an integer", row=df.index[i], column="year", value=df["year"].iloc[i]
        )
    df = df.assign(
        region_code=df["region_code"].astype("str"),
        industry_code=df["industry_code"].astype("str"),
        year=year.astype("int64"),
        variable=df["variable"].astype("str"),
        value=value.astype(float),
    )
    used = df[df["variable"].isin(variables)]
    if "unit" in used.columns:
        for var, units in used.groupby("variable")["unit"].unique().items():
            base = vocab.get(var, {}).get("unit")
            wrong = [u for u in units if base is not None and str(u) != str(base)]
            if wrong:
                raise DataError(
                    f"variable {var!r} is stored in unit {wrong[0]!r} but its base unit in"
                    f" data/variables.yaml is {base!r}: facts must hold base-unit values",
                    column="unit",
                    value=wrong[0],
                )
    dup = used.duplicated([*KEYS, "variable"], keep=False)
    if dup.any():
        first = used[dup].iloc[0]
        key = ", ".join(f"{k}={first[k]}" for k in (*KEYS, "variable"))
        raise DataError(
            f"facts hold {int(dup.sum())} rows with a repeated key; first: {key}",
            row=used.index[dup.to_numpy()][0],
        )
    wide = used.set_index([*KEYS, "variable"])["value"].unstack("variable")
    wide = wide.reindex(columns=list(variables)).sort_index()
    wide.columns.name = None
    return wide.astype(float)


def compute_indicators(
    facts: pd.DataFrame,
    catalogue: Catalogue,
    codes: Iterable[str] | None = None,
    *,
    vocabulary: VocabularyLike = None,
    on_zero_division: ZeroDivisionPolicy = "raise",
) -> IndicatorValues:
    """Evaluate the catalogue's formulas on the long ``facts`` table.

    Rows of the result are the panel keys (region_code, industry_code, year) at which at least
    one variable used by the selected indicators has a fact. Before anything is computed,
    every variable the selected formulas use must be in ``vocabulary`` (default: the current
    project's ``data/variables.yaml``); an unknown one raises :class:`ParamsError` naming the
    indicator. A variable in the vocabulary but absent from the facts gives NaN cells with
    reason ``missing_input``. Facts must be in base units (checked against the vocabulary when
    the facts carry a ``unit`` column). A zero denominator raises
    :class:`ipbench.formula.FormulaZeroDivisionError` naming indicator, region, industry and
    year, unless ``on_zero_division="nan"``.
    """
    cat = catalogue.select(codes=codes) if codes is not None else catalogue
    vocab = _vocabulary(vocabulary)
    cat.check_variables(vocab)
    wide = _facts_wide(facts, cat.variables, vocab)
    columns: dict[str, pd.Series] = {}
    issue_frames: list[pd.DataFrame] = []
    for code in cat.codes:
        result = cat.formulas[code].evaluate_detailed(
            wide, indicator=code, on_zero_division=on_zero_division
        )
        columns[code] = result.values
        reasons = result.reasons()
        if len(reasons):
            issue_frames.append(reasons.reset_index().assign(indicator=code))
    values = pd.DataFrame(columns, index=wide.index)
    return IndicatorValues(values.astype(np.float64), _issue_table(issue_frames), cat)


def _issue_table(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Concatenate per-indicator reason tables; kind, reason and indicator stay categorical."""
    if not frames:
        empty = {c: pd.Series(dtype="str") for c in ISSUE_COLUMNS}
        return pd.DataFrame(empty).astype({"year": "int64"})
    keys = pd.concat([f[list(KEYS)] for f in frames], ignore_index=True)
    cats = {
        c: union_categoricals([f[c].astype("category") for f in frames])
        for c in ("indicator", "kind", "reason")
    }
    return keys.assign(**cats)[list(ISSUE_COLUMNS)]
