"""Evaluation parameter sets: YAML files validated by a pydantic schema before anything runs.

A parameter file names the evaluation (``name`` becomes ``reports/<name>/``), its scope and the
arguments of every build step. YAML keys equal the arguments of the functions they feed
(``normalization.scale`` → ``ipbench.normalize.minmax(scale=...)``). A scenario file may start
with ``extends: base.yaml``: the base is read first (recursively) and the scenario's keys are
deep-merged over it (mappings merge, lists and scalars replace).

Every error is a :class:`ipbench.errors.ParamsError` naming the file, the full key path
(``weighting.ahp.experts[2].matrix[1][3]``), the bad value and a hint (did-you-mean for unknown
keys). Checks that need the data or the indicator catalogue (unknown region, indicator or
subsystem) run when the :class:`ipbench.Evaluation` loads them and use the same format
(:func:`params_error`).
"""

from __future__ import annotations

import difflib
import hashlib
import json
import math
import re
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from ipbench.errors import ParamsError
from ipbench.yamlio import load_params_yaml

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
REGION_RE = re.compile(r"^[1-9]\d{5}$")
INDUSTRY_RE = re.compile(r"^[A-Z0-9_]{1,32}$")


class _At(ValueError):
    """A validation error located below the field that raised it (``sub`` = ``[1][3]``)."""

    def __init__(self, sub: str, message: str) -> None:
        self.sub = sub
        super().__init__(message)


def _code_str(value: Any) -> Any:
    # YAML reads 320600 as an int; region codes are strings.
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


def _check_region(value: str) -> str:
    if value in ("0", "000000"):
        raise ValueError(f"{value!r} is not a region code: the whole country is 100000 (全国/中国)")
    if not REGION_RE.fullmatch(value):
        raise ValueError(
            f"{value!r} is not a region code: use the 6-digit GB/T 2260 code, e.g. 320600"
        )
    return value


def _check_industry(value: str) -> str:
    if not INDUSTRY_RE.fullmatch(value):
        raise ValueError(
            f"{value!r} is not an industry code: use capitals, digits and '_' (e.g. SMART_EQUIP)"
        )
    return value


RegionCode = Annotated[str, BeforeValidator(_code_str)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Years(_Model):
    """Inclusive year range of the panel."""

    first: int = Field(ge=1949, le=2100)
    last: int = Field(ge=1949, le=2100)

    @model_validator(mode="after")
    def _order(self) -> Years:
        if self.last < self.first:
            raise ValueError(f"last ({self.last}) is before first ({self.first})")
        return self

    @property
    def span(self) -> list[int]:
        return list(range(self.first, self.last + 1))


class Scope(_Model):
    """What is evaluated: regions × industries × years, the base year, peers and reference."""

    regions: list[RegionCode] = Field(min_length=2)
    industries: list[str] = Field(default_factory=lambda: ["ALL"])
    years: Years
    base_year: int
    peer_group: list[RegionCode] | None = None
    reference: RegionCode | None = None

    @field_validator("regions", "peer_group")
    @classmethod
    def _regions(cls, v: list[str] | None) -> list[str] | None:
        if v is None:
            return v
        for i, code in enumerate(v):
            try:
                _check_region(code)
            except ValueError as exc:
                raise _At(f"[{i}]", str(exc)) from None
        dup = sorted({c for c in v if v.count(c) > 1})
        if dup:
            raise ValueError(f"duplicated region codes {dup}")
        return v

    @field_validator("industries")
    @classmethod
    def _industries(cls, v: list[str]) -> list[str]:
        for i, code in enumerate(v):
            try:
                _check_industry(code)
            except ValueError as exc:
                raise _At(f"[{i}]", str(exc)) from None
        return v

    @field_validator("reference")
    @classmethod
    def _reference(cls, v: str | None) -> str | None:
        return v if v is None else _check_region(v)

    @model_validator(mode="after")
    def _consistent(self) -> Scope:
        if not self.years.first <= self.base_year <= self.years.last:
            raise _At(
                ".base_year",
                f"base_year {self.base_year} is outside years"
                f" {self.years.first}-{self.years.last}",
            )
        for i, code in enumerate(self.peer_group or []):
            if code not in self.regions:
                raise _At(f".peer_group[{i}]", f"peer {code} is not one of scope.regions")
        if self.reference in self.regions:
            raise _At(".reference", f"reference {self.reference} is also an evaluated region")
        return self

    @property
    def peers(self) -> list[str]:
        return list(self.peer_group or self.regions)


class Indicators(_Model):
    """Indicator system: catalogue file, selection, and the hierarchy above subsystems."""

    catalogue: str = "params/indicators/default.yaml"
    select: list[str] | None = None
    exclude: list[str] = Field(default_factory=list)
    hierarchy: dict[str, list[str]] | None = None
    #: ``strict: true``: an indicator whose variables the data lack is an error, not dropped
    strict: bool = False

    @field_validator("catalogue")
    @classmethod
    def _catalogue(cls, v: str) -> str:
        if Path(v).is_absolute() or ".." in Path(v).parts:
            raise ValueError(f"{v!r}: give a path inside the project, e.g. params/indicators/x.yaml")
        return v


class Treatment(_Model):
    """Outlier treatment (``ipbench.treat.treat``); ``enabled: false`` skips it."""

    enabled: bool = True
    skew_threshold: float = Field(2.0, gt=0)
    kurt_threshold: float = Field(3.5)
    max_winsorized: int = Field(5, ge=0)
    transform: Literal["log_ct", "log_ct_orig", "log_gii"] | None = "log_ct"
    combine: bool = False


class Imputation(_Model):
    """Missing values (``ipbench.impute``): ``method`` first, then ``then`` for what is left
    (e.g. interpolation leaves leading/trailing gaps). ``method: none`` requires complete data.
    ``by`` is the index level groups are formed on (``year``: mean of the other regions)."""

    method: Literal["none", "interpolate", "group_mean", "group_median", "knn", "iterative"] = (
        "interpolate"
    )
    extrapolate: Literal[False, "nearest"] = False
    by: Literal["year", "region_code"] = "year"
    then: Literal["none", "group_mean", "group_median"] = "group_mean"


class Normalization(_Model):
    """Normalization (``ipbench.normalize``). ``across: panel`` pools all region-years so that
    scores are comparable over years; ``across: year`` normalizes each year separately."""

    method: Literal["minmax", "zscore", "rank", "percentile"] = "minmax"
    scale: float = Field(1.0, gt=0)
    across: Literal["panel", "year"] = "panel"


def _fraction(value: Any) -> Any:
    """Judgments may be written as fractions: ``1/3`` (YAML reads it as a string)."""
    if isinstance(value, str) and re.fullmatch(r"\s*\d+(\.\d+)?\s*/\s*\d+(\.\d+)?\s*", value):
        num, den = (float(x) for x in value.split("/"))
        if den == 0:
            raise ValueError(f"{value!r} divides by zero")
        return num / den
    return value


Judgment = Annotated[float, BeforeValidator(_fraction), Field(gt=0)]


class Expert(_Model):
    """One expert's pairwise comparison matrix (Saaty 1-9 scale; ``1/3`` allowed)."""

    name: str = Field(min_length=1)
    weight: float = Field(1.0, gt=0)
    matrix: list[list[Judgment]]

    @field_validator("matrix")
    @classmethod
    def _reciprocal(cls, m: list[list[float]]) -> list[list[float]]:
        n = len(m)
        for i, row in enumerate(m):
            if len(row) != n:
                raise _At(f"[{i}]", f"row has {len(row)} entries; the matrix must be {n}x{n}")
        for i in range(n):
            if not math.isclose(m[i][i], 1.0, rel_tol=1e-9):
                raise _At(f"[{i}][{i}]", f"diagonal entry is {m[i][i]}; must be 1")
            for j in range(i + 1, n):
                if not math.isclose(m[i][j] * m[j][i], 1.0, rel_tol=1e-2):
                    raise _At(
                        f"[{j}][{i}]",
                        f"not reciprocal: [{i}][{j}]={m[i][j]} so [{j}][{i}] must be"
                        f" {1 / m[i][j]:.4g}, got {m[j][i]}",
                    )
        return m


class AHP(_Model):
    """AHP judgments: ``elements`` are the compared subsystems (or indicator codes), in the
    order of the matrix rows; one matrix per named expert, aggregated by AIJ or AIP."""

    elements: list[str] = Field(min_length=2)
    experts: list[Expert] = Field(min_length=1)
    method: Literal["aij", "aip"] = "aij"
    ri: Literal["saaty", "tummala_ling", "donegan_dodd"] = "saaty"
    cr_threshold: float = Field(0.1, gt=0)
    strict: bool = False

    @model_validator(mode="after")
    def _shapes(self) -> AHP:
        n = len(self.elements)
        for k, e in enumerate(self.experts):
            if len(e.matrix) != n:
                raise _At(
                    f".experts[{k}].matrix",
                    f"expert {e.name!r} gives a {len(e.matrix)}x{len(e.matrix)} matrix"
                    f" but {n} elements are compared ({self.elements})",
                )
        names = [e.name for e in self.experts]
        dup = sorted({x for x in names if names.count(x) > 1})
        if dup:
            raise _At(".experts", f"duplicated expert names {dup}")
        return self


class Combination(_Model):
    """Subjective (AHP) × objective weights (``ipbench.weights.combine``)."""

    method: Literal["multiplicative", "linear"] = "multiplicative"
    alpha: float = Field(0.5, ge=0, le=1)


class Weighting(_Model):
    """Indicator weights: an objective ``method``, or ``ahp``, or both with ``combine``."""

    method: Literal["equal", "std", "entropy", "critic", "pca", "ahp"] = "entropy"
    ahp: AHP | None = None
    combine: Combination | None = None

    @model_validator(mode="after")
    def _needs(self) -> Weighting:
        if self.method == "ahp" and self.ahp is None:
            raise _At(".ahp", "method is 'ahp' but no ahp judgments are given")
        if self.combine is not None and (self.ahp is None or self.method == "ahp"):
            raise _At(
                ".combine",
                "combine needs ahp judgments and an objective method (e.g. method: entropy)",
            )
        return self


class Aggregation(_Model):
    """Aggregation of weighted normalized indicators along the hierarchy."""

    method: Literal["arithmetic", "geometric"] = "arithmetic"


class Pair(_Model):
    """One matching pair: two subsystems → coupling C, coordination T, degree D and grade."""

    name: str
    subsystems: list[str] = Field(min_length=2, max_length=2)
    weights: list[float] = Field(default_factory=lambda: [0.5, 0.5], min_length=2, max_length=2)
    bands: Literal["ten", "four"] = "ten"
    closed: Literal["right", "left"] = "right"
    modified: bool = False

    @field_validator("name")
    @classmethod
    def _slug(cls, v: str) -> str:
        if not SLUG_RE.fullmatch(v):
            raise ValueError(f"{v!r}: use lower-case letters, digits, '_' or '-'")
        return v

    @field_validator("weights")
    @classmethod
    def _sum(cls, v: list[float]) -> list[float]:
        if any(w < 0 for w in v) or not math.isclose(sum(v), 1.0, abs_tol=1e-6):
            raise ValueError(f"weights {v} must be >= 0 and sum to 1")
        return v


class Target(_Model):
    """A plan target: ``indicator`` reaches ``value`` by ``year`` (for ``region``, or for every
    region of the scope when omitted). ``indicator`` is a catalogue indicator code, a facts
    variable of the whole economy (e.g. ``patent_inforce_invention``, a count) or
    ``intensive_va_share_gdp`` (value added of the IP-intensive industries, % of GDP, from the
    ``intensive`` step). ``direction`` +1: reach at least ``value``; −1: at most."""

    indicator: str
    value: float
    year: int = Field(ge=1949, le=2100)
    region: RegionCode | None = None
    label: str | None = None
    direction: Literal[1, -1] = 1

    @field_validator("region")
    @classmethod
    def _region(cls, v: str | None) -> str | None:
        return v if v is None else _check_region(v)


# --------------------------------------------------------------------------- analyses (issue 5)


class Situation(_Model):
    """Static situation (``ipbench.analysis.concentration``): shares, Gini/HHI/CR-k and location
    quotients of ``ip`` against ``industry`` and ``population`` (facts variables of the whole
    economy) across the scope's regions, every year. A variable left out (null) takes its
    default (patent_grant_invention, value_added, population) when the data hold it, and the
    part that needs it is skipped with a note when they do not; a variable named here must
    exist. ``enabled: false`` switches the analysis off."""

    enabled: bool = True
    ip: str | None = None
    industry: str | None = None
    population: str | None = None
    k: list[Annotated[int, Field(ge=1)]] = Field(default_factory=lambda: [1, 3, 5], min_length=1)
    points: bool = False


class Dynamics(_Model):
    """Dynamics (``ipbench.analysis.dynamics``): growth and CAGR of ``ip``, ``industry`` and
    ``rd`` between ``start`` and ``end`` (default: the scope's years), the elasticity of ``ip``
    to ``rd`` (log-log OLS, ``alpha``, ``cov_type``) and the centres of gravity of ``ip`` and
    ``industry``. Variables left out take their defaults (patent_grant_invention,
    value_added, rd_expenditure) when the data hold them (see :class:`Situation`)."""

    enabled: bool = True
    ip: str | None = None
    industry: str | None = None
    rd: str | None = None
    start: int | None = None
    end: int | None = None
    alpha: float = Field(0.05, gt=0, lt=1)
    cov_type: Literal["nonrobust", "HC0", "HC1", "HC2", "HC3"] = "HC1"

    @model_validator(mode="after")
    def _order(self) -> Dynamics:
        if self.start is not None and self.end is not None and self.end <= self.start:
            raise _At(".end", f"end {self.end} must be after start {self.start}")
        return self


class Quality(_Model):
    """Layout-quality composite (``ipbench.analysis.quality.quality_composite``): ``weights``
    of ``invention_share``, ``patents_per_rd``, ``high_value_per_10k`` (default equal)."""

    enabled: bool = True
    weights: dict[Literal["invention_share", "patents_per_rd", "high_value_per_10k"],
                  Annotated[float, Field(ge=0)]] | None = None

    @field_validator("weights")
    @classmethod
    def _sum(cls, v: dict[str, float] | None) -> dict[str, float] | None:
        if v is not None and not math.isclose(sum(v.values()), 1.0, abs_tol=1e-6):
            raise ValueError(f"weights {v} must sum to 1")
        return v


class Intensive(_Model):
    """IP-intensive industries and regions (``ipbench.analysis.intensive.ip_intensive``):
    invention-patent grants and employment summed over the ``window`` years ending in the base
    year; thresholds default to the reference average (see the function). ``patents``,
    ``employment``, ``value_added`` and ``gdp`` name the facts variables (defaults
    patent_grant_invention, employment, value_added, gdp)."""

    enabled: bool = True
    patents: str | None = None
    employment: str | None = None
    value_added: str | None = None
    gdp: str | None = None
    window: int = Field(3, ge=1, le=20)
    density_threshold: float | None = Field(None, ge=0)
    scale_threshold: float | None = Field(None, ge=0)
    per: float = Field(10_000.0, gt=0)
    #: industries against the whole economy's density, or against the listed industries pooled
    #: (ipbench.analysis.intensive.BASES); stated on every page
    basis: Literal["whole_economy", "industries"] = "whole_economy"


class Guidance(_Model):
    """Guidance catalogue (``ipbench.analysis.guidance.guidance_catalogue``): cut-offs of the IP
    and industry advantages (location quotients; a number, ``mean`` or ``median``), the tie
    ``tolerance`` and ``growth_cut``; growth = CAGR over ``window`` years to the base year."""

    enabled: bool = True
    ip_cut: float | Literal["mean", "median"] = 1.0
    industry_cut: float | Literal["mean", "median"] = 1.0
    tolerance: float = Field(0.05, ge=0)
    growth_cut: float = 0.0
    window: int = Field(3, ge=1, le=20)


class Industry(_Model):
    """Industry profile (per industry × region × year): ``patents``, ``value_added`` and
    ``employment`` facts (defaults patent_grant_invention, value_added, employment), location
    quotients and share matching (``ipbench.matching``)."""

    enabled: bool = True
    patents: str | None = None
    value_added: str | None = None
    employment: str | None = None


class Peers(_Model):
    """Peer groups (``ipbench.analysis.peers``), one per region:

    * ``rule: explicit`` — ``groups`` maps a region code to its peers (regions without an entry
      use ``scope.peer_group``, else every region);
    * ``rule: same_parent`` — regions with the same parent (province, prefecture);
    * ``rule: nearest`` — the ``k`` regions nearest by the facts variable ``by`` in the base year.

    Comparisons with ``scope.reference`` use intensities as they are and, for counts and
    amounts, the reference's average per sub-unit (its total ÷ its number of sub-units).
    Without ``rule``: ``explicit`` when ``groups`` or ``scope.peer_group`` are given, else
    ``same_parent``."""

    enabled: bool = True
    rule: Literal["explicit", "same_parent", "nearest"] | None = None
    groups: dict[RegionCode, list[RegionCode]] = Field(default_factory=dict)
    k: int = Field(5, ge=1)
    by: str | None = None

    @model_validator(mode="after")
    def _rule(self) -> Peers:
        if self.rule == "nearest" and not self.by:
            raise _At(".by", "rule 'nearest' needs a facts variable in 'by' (e.g. gdp)")
        return self


class Lagging(_Model):
    """Stability of the lagging-side call of each matching pair in the base year: the pair is
    recomputed with outlier treatment on and off × every normalisation of
    ``robustness.normalisations``; the call is *firm* when at least ``firm_share`` of the
    variants agree with it."""

    enabled: bool = True
    firm_share: float = Field(0.8, gt=0.5, le=1)


class Robustness(_Model):
    """Rank robustness of the composite (``ipbench.robustness.rank_robustness``) in the base
    year: Monte Carlo over ``weightings`` × ``weight_noise`` × ``normalisations`` ×
    ``aggregations`` (the first of each list is the nominal choice), ``n`` draws, ``seed``."""

    enabled: bool = True
    n: int = Field(1000, ge=2, le=1_000_000)
    seed: int = Field(20240601, ge=0)
    weightings: list[Literal["nominal", "equal", "entropy", "critic", "std"]] = Field(
        default_factory=lambda: ["nominal", "equal", "entropy", "critic"], min_length=1)
    weight_noise: float = Field(0.2, ge=0, lt=1)
    normalisations: list[Literal["minmax", "zscore", "rank", "percentile"]] = Field(
        default_factory=lambda: ["minmax", "zscore", "rank"], min_length=1)
    aggregations: list[Literal["arithmetic", "geometric", "topsis"]] = Field(
        default_factory=lambda: ["arithmetic", "topsis"], min_length=1)
    sobol: bool = True
    n_boot: int = Field(200, ge=10)
    conf: float = Field(0.9, gt=0, lt=1)


class Params(_Model):
    """A validated evaluation parameter set."""

    name: str
    title: str = Field(min_length=1)
    lang: Literal["zh", "en"] = "zh"
    #: data set (``data/<data>/sources.yaml`` and its own store); None = ``data/sources.yaml``
    data: str | None = None
    scope: Scope
    indicators: Indicators = Field(default_factory=Indicators)
    treatment: Treatment = Field(default_factory=Treatment)
    imputation: Imputation = Field(default_factory=Imputation)
    normalization: Normalization = Field(default_factory=Normalization)
    weighting: Weighting = Field(default_factory=Weighting)
    aggregation: Aggregation = Field(default_factory=Aggregation)
    matching: list[Pair] = Field(default_factory=list)
    targets: list[Target] = Field(default_factory=list)
    situation: Situation = Field(default_factory=Situation)
    dynamics: Dynamics = Field(default_factory=Dynamics)
    quality: Quality = Field(default_factory=Quality)
    intensive: Intensive = Field(default_factory=Intensive)
    guidance: Guidance = Field(default_factory=Guidance)
    robustness: Robustness = Field(default_factory=Robustness)
    industry: Industry = Field(default_factory=Industry)
    peers: Peers = Field(default_factory=Peers)
    lagging: Lagging = Field(default_factory=Lagging)

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        if not SLUG_RE.fullmatch(v):
            raise ValueError(
                f"{v!r} is not a safe name: it becomes reports/<name>/, so use lower-case"
                " letters, digits, '_' or '-' (e.g. demo_ahp)"
            )
        return v

    @field_validator("data")
    @classmethod
    def _data(cls, v: str | None) -> str | None:
        if v is not None and v != "default" and not SLUG_RE.fullmatch(v):
            raise ValueError(f"{v!r}: name a data set folder under data/ (lower-case, digits, '_', '-')")
        return None if v == "default" else v

    @field_validator("matching")
    @classmethod
    def _unique_pairs(cls, v: list[Pair]) -> list[Pair]:
        names = [p.name for p in v]
        for i, n in enumerate(names):
            if names.index(n) != i:
                raise _At(f"[{i}].name", f"pair name {n!r} is used twice")
        return v

    def to_dict(self) -> dict[str, Any]:
        """Plain dict in the params-file format (every default filled in)."""
        return self.model_dump(mode="json")

    def to_yaml(self) -> str:
        return dump_yaml(self.to_dict())

    def hash(self) -> str:
        """SHA-256 of the canonical JSON of the validated parameters (defaults included), so
        two files meaning the same evaluation hash alike."""
        blob = json.dumps(self.to_dict(), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()

    def replace(self, changes: dict[str, Any], source: str = "<changes>") -> Params:
        """A new Params with ``changes`` (nested dict or dotted keys) deep-merged in."""
        merged = deep_merge(self.to_dict(), expand_dotted(changes))
        return validate(merged, source=source)


# --------------------------------------------------------------------------- reading files


def dump_yaml(data: Any) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)


def deep_merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """Merge ``over`` into ``base``: mappings merge recursively; anything else replaces."""
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = value
    return out


def expand_dotted(changes: dict[str, Any]) -> dict[str, Any]:
    """``{"weighting.method": "critic"}`` → ``{"weighting": {"method": "critic"}}``."""
    out: dict[str, Any] = {}
    for key, value in changes.items():
        parts = str(key).split(".")
        node = out
        for p in parts[:-1]:
            node = node.setdefault(p, {})
            if not isinstance(node, dict):
                raise ParamsError(f"{key}: cannot set a key below a non-mapping value")
        if isinstance(value, dict) and isinstance(node.get(parts[-1]), dict):
            node[parts[-1]] = deep_merge(node[parts[-1]], value)
        else:
            node[parts[-1]] = value
    return out


def read_merged(path: str | Path, _seen: tuple[Path, ...] = ()) -> dict[str, Any]:
    """Read a params YAML and resolve ``extends:`` (relative to the file), deep-merging."""
    path = Path(path).resolve()
    if path in _seen:
        chain = " -> ".join(p.name for p in (*_seen, path))
        raise ParamsError(f"{path}: extends: forms a cycle ({chain})")
    if not path.is_file() and not path.is_dir():
        raise ParamsError(f"{path}: parameter file not found")
    data = load_params_yaml(path)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ParamsError(f"{path}: the top level must be a mapping of keys, got {type(data).__name__}")
    base_name = data.pop("extends", None)
    if base_name is None:
        return data
    if not isinstance(base_name, str) or not base_name.strip():
        raise ParamsError(f"{path}: extends: give one file name, got a {type(base_name).__name__}")
    base_path = (path.parent / base_name).resolve()
    if Path(base_name).is_absolute() or not base_path.is_relative_to(path.parent):
        raise ParamsError(
            f"{path}: extends: {base_name!r} is outside the folder of this file; name a file"
            " beside it (e.g. extends: demo.yaml)"
        )
    return deep_merge(read_merged(base_path, (*_seen, path)), data)


def load(path: str | Path) -> Params:
    """Read, merge (``extends:``) and validate a parameter file."""
    return validate(read_merged(path), source=str(path))


def validate(data: dict[str, Any], source: str = "<params>") -> Params:
    """Validate a merged params dict; raise :class:`ParamsError` listing every problem."""
    try:
        return Params.model_validate(data)
    except ValidationError as exc:
        lines = [_describe(err, data) for err in exc.errors()]
        n = len(lines)
        head = f"{source}: {n} problem{'s' if n > 1 else ''} in the parameters"
        raise ParamsError(head + "\n" + "\n".join(f"  - {line}" for line in lines)) from None


def params_error(key_path: str, value: Any, message: str, choices: Any = None) -> ParamsError:
    """A ParamsError in the house format; ``choices`` adds a did-you-mean hint."""
    hint = _did_you_mean(value, choices) if choices is not None else ""
    return ParamsError(f"{key_path}: {message} (value: {value!r}){hint}")


def key_path(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _did_you_mean(value: Any, choices: Any) -> str:
    choices = [str(c) for c in choices]
    close = difflib.get_close_matches(str(value), choices, n=3, cutoff=0.5)
    if close:
        return f"; did you mean {' or '.join(repr(c) for c in close)}?"
    shown = ", ".join(choices[:12]) + (" …" if len(choices) > 12 else "")
    return f"; known: {shown}"


def _fields_at(loc: tuple[Any, ...]) -> list[str]:
    """Field names allowed at ``loc`` (a path to a model), for did-you-mean hints."""
    model: Any = Params
    for part in loc:
        if isinstance(part, int):
            continue
        field = model.model_fields.get(part) if hasattr(model, "model_fields") else None
        if field is None:
            return []
        model = _model_in(field.annotation)
        if model is None:
            return []
    return list(model.model_fields) if hasattr(model, "model_fields") else []


def _model_in(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def _value_at(data: Any, loc: tuple[Any, ...]) -> Any:
    node = data
    for part in loc:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return None
    return node


def _describe(err: dict[str, Any], data: dict[str, Any]) -> str:
    loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and "[" in p and "]" in p))
    path = key_path(loc) or "(top level)"
    ctx_error = (err.get("ctx") or {}).get("error")
    if isinstance(ctx_error, _At):
        sub = ctx_error.sub
        path = path + sub if loc else sub.lstrip(".")
        full = loc + tuple(
            int(i) if i else k for k, i in re.findall(r"\.(\w+)|\[(\d+)\]", sub)
        )
        value = _value_at(data, full)
        shown = f" (value: {value!r})" if value is not None and not isinstance(value, dict) else ""
        return f"{path}: {ctx_error}{shown}"
    kind = err["type"]
    if kind == "extra_forbidden":
        allowed = _fields_at(loc[:-1])
        return f"{path}: unknown key{_did_you_mean(loc[-1], allowed) if allowed else ''}"
    if kind == "missing":
        return f"{path}: required key is missing"
    value = err.get("input", _value_at(data, loc))
    msg = err["msg"].removeprefix("Value error, ")
    if kind == "literal_error":
        expected = (err.get("ctx") or {}).get("expected", "")
        options = re.findall(r"'([^']*)'", expected)
        hint = _did_you_mean(value, options) if options else ""
        hint = hint if "did you mean" in hint else ""
        return f"{path}: {value!r} is not allowed; use one of {expected}{hint}"
    return f"{path}: {msg} (value: {value!r})"
