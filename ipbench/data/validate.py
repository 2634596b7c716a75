"""Turn loaded cells into facts, collecting every problem (not just the first).

Checks, each reported with file, sheet, row (as in Excel), column and the offending value:

* unmapped labels / unknown variables (not in ``data/variables.yaml``);
* units: unknown unit, no unit, unit conflicting with the variable's base unit;
* values: non-numeric text (yearbook markers "—", "-", "…", "/", empty are *missing*, not
  errors; thousands separators "1,234" accepted); negative counts/amounts; non-integer counts
  (warning);
* years: not a year, or outside the source's ``year_range``;
* regions: unknown (with suggestions) or ambiguous; industries: unknown;
* duplicated keys (region, industry, year, variable) within the source;
* subtotal checks declared in the source (``total ≈ Σ parts`` within a relative tolerance) —
  warnings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ipbench.data.industries import IndustryIndex
from ipbench.data.loaders import norm_label
from ipbench.data.regions import RegionIndex, _norm
from ipbench.data.sources import ColumnSpec, Source
from ipbench.data.units import MISSING_MARKERS, factor_to_base
from ipbench.data.variables import Variable
from ipbench.errors import DataError

FACT_COLUMNS = ["region_code", "industry_code", "year", "variable", "value", "unit", "source"]

#: kind → (warn above, reject above): |value| in the base unit. A count or amount above 2e9
#: exceeds China's population (1.41e9 in 2023); money above 2e14 元 exceeds China's GDP
#: (1.26e14 元 in 2023, NBS); a share is a percentage. The reject limits are 500×-100× those
#: and catch unit slips (亿元 typed as 元 twice) and junk such as 1e308.
PLAUSIBLE: dict[str, tuple[float, float]] = {
    "count": (2e9, 1e12),
    "amount": (2e9, 1e12),
    "money": (2e14, 1e16),
    "share": (1e3, 1e5),
}
PLAUSIBLE_WHY = {
    "count": "more than China's population",
    "amount": "more than China's population",
    "money": "more than China's GDP",
    "share": "a percentage over 1000%",
}
_MISSING = frozenset(MISSING_MARKERS)


@dataclass(frozen=True)
class Problem:
    """One finding. ``level`` error fails the build; warning does not."""

    level: Literal["error", "warning"]
    message: str
    file: str | None = None
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    value: object = None

    def to_error(self) -> DataError:
        return DataError(
            self.message, file=self.file, sheet=self.sheet or None, row=self.row, column=self.column, value=self.value
        )

    def __str__(self) -> str:
        return f"{self.level.upper()}: {self.to_error()}"


@dataclass
class Collector:
    """Gathers problems, keeping at most ``limit`` examples per kind."""

    file: str
    limit: int = 20
    problems: list[Problem] = field(default_factory=list)

    def add_rows(self, level: str, message: str, cells: pd.DataFrame, values: pd.Series | None = None) -> None:
        """One problem per offending cell (first ``limit``), then a count of the rest."""
        if cells.empty:
            return
        vals = cells["value_raw"] if values is None else values
        for (_, c), v in zip(cells.head(self.limit).iterrows(), vals.head(self.limit), strict=True):
            self.problems.append(
                Problem(level, message, self.file, c["sheet"] or None, int(c["row"]), c["column"], v)  # type: ignore[arg-type]
            )
        if len(cells) > self.limit:
            self.problems.append(
                Problem(level, f"{message}: {len(cells) - self.limit} more cells like this", self.file)  # type: ignore[arg-type]
            )

    def add(self, level: str, message: str, **where: object) -> None:
        self.problems.append(Problem(level, message, self.file, **where))  # type: ignore[arg-type]


def parse_numbers(text: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """``(values, missing, bad)``: floats; True where a missing marker; True where not a number.

    Fast path: one Arrow cast of the whole column; cells it cannot cast fall back to pandas."""
    arr = pc.utf8_trim_whitespace(pa.array(text.astype("str"), type=pa.string(), from_pandas=True))
    is_missing = pc.fill_null(pc.is_in(arr, value_set=pa.array(sorted(_MISSING), type=pa.string())), True)
    cleaned = pc.if_else(is_missing, pa.scalar(None, pa.string()), pc.replace_substring_regex(arr, "[,，\u00a0]", ""))
    missing = pd.Series(is_missing.to_numpy(zero_copy_only=False), index=text.index, dtype=bool)
    try:
        values = pd.Series(pc.cast(cleaned, pa.float64()).to_numpy(zero_copy_only=False), index=text.index, dtype="float64")
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        values = pd.to_numeric(pd.Series(cleaned.to_pandas(), index=text.index), errors="coerce").astype("float64")
    bad = ~missing & (values.isna() | ~np.isfinite(values.fillna(0.0)))
    return values, missing, bad


def map_unique(values: pd.Series, func, dtype: str = "str") -> pd.Series:  # noqa: ANN001
    """``values.map(func)`` calling ``func`` once per distinct value (fast on long files).

    ``dtype`` "str" gives an Arrow-backed string column (None → missing), "bool" a bool column."""
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    mapped = [func(u) for u in uniques]
    if dtype == "bool":
        return pd.Series(np.array(mapped, dtype=bool)[codes] if mapped else [], index=values.index, dtype=bool)
    arr = pa.array([None if m is None else str(m) for m in mapped], type=pa.string()).take(pa.array(codes))
    return pd.Series(pd.array(arr, dtype="str"), index=values.index)


def _first_cells(cells: pd.DataFrame, mask: pd.Series, by: str) -> pd.DataFrame:
    """First offending cell per distinct value of ``by`` (one message per unknown label)."""
    return cells[mask].drop_duplicates(by)


def validate_cells(
    cells: pd.DataFrame,
    spec: Source,
    *,
    file: str,
    variables: dict[str, Variable],
    regions: RegionIndex,
    industries: IndustryIndex,
    collector: Collector | None = None,
) -> tuple[pd.DataFrame, list[Problem]]:
    """Facts (``FACT_COLUMNS`` plus ``row``, ``sheet``, ``column``) and the problems found."""
    col = collector or Collector(file)
    cells = cells.reset_index(drop=True)
    ok = pd.Series(True, index=cells.index)

    # --- labels -> variable specs
    mapping = {norm_label(k): v for k, v in spec.mapping().items()}
    specs: dict[str, ColumnSpec | None] = {}
    for lab in pd.unique(cells["label"]):
        key = norm_label(lab)
        specs[lab] = mapping.get(key) or (ColumnSpec(variable=key) if key in variables else None)
    unmapped = map_unique(cells["label"], lambda x: specs[x] is None, "bool")
    if unmapped.any():
        if spec.unmapped == "ignore":
            ok &= ~unmapped
        else:
            for _, c in _first_cells(cells, unmapped, "label").iterrows():
                n = int((cells["label"] == c["label"]).sum())
                col.add(
                    "error",
                    f"unknown variable label {c['label']!r} ({n} cells): map it in 'variables'"
                    " or set 'unmapped: ignore'",
                    sheet=c["sheet"] or None, row=int(c["row"]), column=c["column"], value=c["label"],
                )
            ok &= ~unmapped
    var_of = {lab: (s.variable if s else None) for lab, s in specs.items()}
    cells["variable"] = map_unique(cells["label"], var_of.get)
    unknown_var = ok & ~cells["variable"].isin(list(variables))
    for _, c in _first_cells(cells, unknown_var, "variable").iterrows():
        col.add(
            "error",
            f"unknown variable {c['variable']!r}: not in data/variables.yaml",
            sheet=c["sheet"] or None, row=int(c["row"]), column=c["column"], value=c["variable"],
        )
    ok &= ~unknown_var

    # --- units and scale, per distinct (label, unit_raw)
    factor = pd.Series(np.nan, index=cells.index)
    pairs = cells.loc[ok, ["label", "unit_raw"]].drop_duplicates()
    for lab, unit_raw in pairs.itertuples(index=False):
        cs = specs[lab]
        assert cs is not None
        unit = cs.unit or (unit_raw.strip() if unit_raw and unit_raw.strip() else None) or spec.unit
        sel = ok & (cells["label"] == lab) & (cells["unit_raw"] == unit_raw)
        first = cells[sel].iloc[0]
        if unit is None:
            col.add(
                "error",
                f"no unit for variable {cs.variable!r}: give 'unit' in the source (or per variable),"
                " a unit column, or a unit in the header like (万元)",
                sheet=first["sheet"] or None, row=int(first["row"]), column=first["column"], value=lab,
            )
            ok &= ~sel
            continue
        try:
            f = factor_to_base(unit, variables[cs.variable].unit, variable=cs.variable)
        except DataError as exc:
            col.add("error", str(exc).split(" (value:")[0], sheet=first["sheet"] or None, row=int(first["row"]),
                    column=first["column"], value=unit)
            ok &= ~sel
            continue
        factor[sel] = f * cs.scale * spec.scale
    # --- values
    values, missing, bad = parse_numbers(cells["value_raw"])
    col.add_rows("error", "not a number (accepted missing markers: —, -, …, /, empty)", cells[ok & bad])
    ok &= ~bad & ~missing

    # --- years
    ytext = cells["year_raw"].astype("str").str.strip().str.removesuffix("年")
    years = pd.to_numeric(ytext, errors="coerce")
    bad_year = ok & (years.isna() | (years % 1 != 0))
    col.add_rows("error", "not a year", cells[bad_year], cells.loc[bad_year, "year_raw"])
    ok &= ~bad_year
    lo, hi = spec.year_range
    out_year = ok & ((years < lo) | (years > hi))
    col.add_rows("error", f"year out of range [{lo}, {hi}]", cells[out_year], cells.loc[out_year, "year_raw"])
    ok &= ~out_year

    # --- regions (local names first, then the national index)
    local = {_norm(k): v for k, v in spec.region_names.items()}
    region_text = map_unique(cells["region_raw"].astype("str"), lambda x: local.get(_norm(x), _norm(x)))
    codes, errs = regions.resolve_unique(region_text.where(ok, "100000"))
    for text, exc in errs.items():
        sel = ok & (region_text == text)
        if not sel.any():
            continue
        first = cells[sel].iloc[0]
        col.add(
            "error",
            str(exc).split(" (value:")[0] + f" [{int(sel.sum())} cells]",
            sheet=first["sheet"] or None, row=int(first["row"]), column=first["column"], value=first["region_raw"],
        )
        ok &= ~sel

    # --- industries (a per-variable override wins over the column/default)
    override = map_unique(cells["label"], lambda x: specs[x].industry if specs.get(x) else None)
    ind_text = override.where(override.notna(), cells["industry_raw"]).astype("str")
    ind_found: dict[str, str] = {}
    for text in pd.unique(ind_text[ok]):
        try:
            ind_found[text] = industries.resolve(text)
        except DataError as exc:
            sel = ok & (ind_text == text)
            first = cells[sel].iloc[0]
            col.add("error", str(exc).split(" (value:")[0], sheet=first["sheet"] or None, row=int(first["row"]),
                    column=first["column"], value=text)
            ok &= ~sel
    ind_codes = map_unique(ind_text, ind_found.get)

    facts = pd.DataFrame(
        {
            "region_code": codes,
            "industry_code": ind_codes,
            "year": years,
            "variable": cells["variable"],
            "value": values * factor,
            "unit": cells["variable"].map({k: v.unit for k, v in variables.items()}),
            "source": spec.id,
            "row": cells["row"],
            "sheet": cells["sheet"],
            "column": cells["column"],
            "value_raw": cells["value_raw"],
        }
    )[ok.to_numpy()]
    facts = facts.astype({"year": "int64", "value": "float64"})
    keep = pd.Series(True, index=facts.index)

    # --- magnitudes: non-finite after unit conversion, implausible for the variable's kind
    kinds = facts["variable"].map({k: v.kind for k, v in variables.items()})
    inf = ~np.isfinite(facts["value"].to_numpy(dtype=float))
    col.add_rows("error", "value overflows (not finite) once converted to the base unit", facts[inf])
    keep &= ~inf
    size = facts["value"].abs()
    for kind, (warn, limit) in PLAUSIBLE.items():
        of_kind = keep & (kinds == kind)
        over = of_kind & (size > limit)
        col.add_rows(
            "error",
            f"value beyond the plausible range of a {kind} variable (|value| > {limit:.0e} in the"
            " base unit): check the unit and scale, or the cell",
            facts[over],
        )
        keep &= ~over
        high = of_kind & ~over & (size > warn)
        col.add_rows(
            "warning",
            f"value is extreme for a {kind} variable (|value| > {warn:.0e} in the base unit; {PLAUSIBLE_WHY[kind]}):"
            " check the unit and scale",
            facts[high],
        )

    # --- signs and integrality
    neg = (facts["value"] < 0) & kinds.isin(["count", "amount"])
    col.add_rows("error", "negative value for a count/amount variable", facts[neg])
    keep &= ~neg
    frac = (kinds == "count") & ((facts["value"] - facts["value"].round()).abs() > 1e-6)
    if frac.any():
        col.add_rows("warning", "count is not a whole number", facts[frac])

    # --- duplicated keys
    key = ["region_code", "industry_code", "year", "variable"]
    dup = facts.duplicated(key, keep=False) & keep
    if dup.any():
        d = facts[dup].sort_values([*key, "row"])
        firsts = d.drop_duplicates(key, keep="first").set_index(key)["row"]
        second = d[d.duplicated(key, keep="first")]
        msgs = [
            f"duplicated key (region {r.region_code}, industry {r.industry_code}, year {r.year},"
            f" variable {r.variable}): also at row {firsts.loc[(r.region_code, r.industry_code, r.year, r.variable)]}"
            for r in second.itertuples()
        ]
        for m, (_, c) in list(zip(msgs, second.iterrows(), strict=True))[: col.limit]:
            col.add("error", m, sheet=c["sheet"] or None, row=int(c["row"]), column=c["column"], value=c["value_raw"])
        if len(second) > col.limit:
            col.add("error", f"duplicated key: {len(second) - col.limit} more rows like this")
        keep &= ~dup
    facts = facts[keep]

    # --- subtotal checks (warnings)
    for chk in spec.checks:
        for name in (chk.total, *chk.parts):
            if name not in variables:
                col.add("error", f"subtotal check names unknown variable {name!r}", value=name)
        wide = facts[facts.variable.isin([chk.total, *chk.parts])].pivot_table(
            index=["region_code", "industry_code", "year"], columns="variable", values="value", aggfunc="first"
        )
        if chk.total not in wide or not all(p in wide for p in chk.parts):
            continue
        parts_sum = wide[chk.parts].sum(axis=1, min_count=len(chk.parts))
        total = wide[chk.total]
        rel = (total - parts_sum).abs() / total.abs().clip(lower=1e-12)
        failed = rel[(rel > chk.tolerance) & parts_sum.notna() & total.notna()]
        for (reg, ind, yr), r in list(failed.items())[: col.limit]:
            row = facts[(facts.region_code == reg) & (facts.industry_code == ind) & (facts.year == yr) & (facts.variable == chk.total)].iloc[0]
            col.add(
                "warning",
                f"subtotal check failed: {chk.total} = {total[(reg, ind, yr)]:g} but {' + '.join(chk.parts)}"
                f" = {parts_sum[(reg, ind, yr)]:g} (relative gap {r:.2%} > {chk.tolerance:.2%};"
                f" region {reg}, year {yr})",
                sheet=row["sheet"] or None, row=int(row["row"]), column=row["column"], value=row["value_raw"],
            )
    return facts.reset_index(drop=True), col.problems
