"""Step ``indicators``: the catalogue fitted to the data, and indicator values per region-year.

An indicator whose formula needs a variable the data lack (for the scope's regions, whole
economy) is dropped and listed in ``catalogue_dropped`` (an error under
``indicators.strict``), unless its ``fallback`` formula can be computed (e.g. a published
R&D intensity where GDP is absent). An indicator with no observed value at all is dropped the
same way. Two indicators that are identical or perfectly correlated over the panel would
count one thing twice: they are listed in ``catalogue_warnings``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ipbench.errors import ParamsError
from ipbench.params import params_error
from ipbench.steps.registry import KEY, StepContext, step

DROPPED_COLUMNS = ["code", "name_zh", "name_en", "subsystem", "missing", "reason_zh", "reason_en"]
WARNING_COLUMNS = ["a", "b", "r", "kind_zh", "kind_en"]
#: |r| above this counts as perfectly correlated (rounding leaves 1 − r ≈ 1e-16)
PERFECT_R = 1 - 1e-9


def catalogue_table(cat: Any) -> pd.DataFrame:
    """Catalogue metadata: code, names, unit, direction, subsystem (with bilingual labels)."""
    return cat.frame().reset_index()[
        ["code", "name_zh", "name_en", "unit", "direction", "subsystem", "subsystem_zh",
         "subsystem_en", "formula", "source"]
    ]


def load_catalogue(ctx: StepContext) -> Any:
    from ipbench.indicators import Catalogue

    spec = ctx.params.indicators
    path = ctx.project.root / spec.catalogue
    if not path.is_file():
        raise params_error("indicators.catalogue", spec.catalogue, "file not found")
    return Catalogue.load(path)


def selected_codes(cat: Any, spec: Any) -> list[str]:
    """Codes after ``select`` and ``exclude``; unknown codes and subsystems emptied by
    ``exclude`` are errors naming the key path."""
    known = cat.codes
    for i, code in enumerate(spec.select or []):
        if code not in known:
            raise params_error(f"indicators.select[{i}]", code, "unknown indicator", known)
    for i, code in enumerate(spec.exclude):
        if code not in known:
            raise params_error(f"indicators.exclude[{i}]", code, "unknown indicator", known)
    chosen = list(spec.select) if spec.select is not None else known
    codes = [c for c in chosen if c not in spec.exclude]
    before = {cat[c].subsystem for c in chosen}
    after = {cat[c].subsystem for c in codes}
    for sub in sorted(before - after):
        raise params_error("indicators.exclude", spec.exclude,
                           f"excludes every indicator of subsystem {sub!r}; keep at least one"
                           " or drop the subsystem from matching and hierarchy")
    if not codes:
        raise params_error("indicators.select", spec.select, "no indicator left")
    return codes


def fit_to_data(cat: Any, codes: list[str], have: set[str]) -> tuple[Any, list[str], pd.DataFrame]:
    """(catalogue with fallbacks applied, codes computable from ``have``, dropped table)."""
    from ipbench.formula import Formula
    from ipbench.indicators import Catalogue

    items, keep, dropped = [], [], []
    for ind in cat:
        if ind.code not in codes:
            items.append(ind)
            continue
        need = set(cat.formulas[ind.code].variables)
        missing = sorted(need - have)
        if missing and ind.fallback:
            alt = set(Formula.parse(ind.fallback, indicator=ind.code).variables)
            if alt <= have:
                ind = ind.model_copy(update={"formula": ind.fallback})
                missing = []
        items.append(ind)
        if missing:
            dropped.append({"code": ind.code, "name_zh": ind.name_zh, "name_en": ind.name_en,
                            "subsystem": ind.subsystem, "missing": ", ".join(missing),
                            "reason_zh": f"数据中缺少变量 {'、'.join(missing)}",
                            "reason_en": f"the data lack {', '.join(missing)}"})
        else:
            keep.append(ind.code)
    fitted = Catalogue.from_indicators(items, where=str(cat.path or "catalogue"))
    fitted = Catalogue(fitted.indicators, fitted.formulas, cat.name_zh, cat.name_en, cat.path)
    return fitted, keep, pd.DataFrame(dropped, columns=DROPPED_COLUMNS)


def duplicate_indicators(panel: pd.DataFrame) -> pd.DataFrame:
    """Pairs of indicators that are identical or perfectly correlated (|r| ≥ 1 − 1e-9) over
    the panel: entering both counts one quantity twice."""
    X = panel.dropna(axis=1, how="all")
    rows = []
    if X.shape[1] < 2:
        return pd.DataFrame(rows, columns=WARNING_COLUMNS)
    std = X.std()
    with np.errstate(invalid="ignore", divide="ignore"):
        R = X.corr()
    cols = list(X.columns)
    for i, a in enumerate(cols):
        for b in cols[i + 1:]:
            same = np.allclose(X[a].to_numpy(), X[b].to_numpy(), equal_nan=True, rtol=1e-9)
            r = float(R.at[a, b]) if std[a] > 0 and std[b] > 0 else np.nan
            if same:
                rows.append((a, b, 1.0, "数值完全相同", "identical values"))
            elif np.isfinite(r) and abs(r) >= PERFECT_R:
                rows.append((a, b, r, "完全相关", "perfectly correlated"))
    return pd.DataFrame(rows, columns=WARNING_COLUMNS)


@step("indicators", reads=("indicators",), needs=("facts",),
      makes=("indicators", "catalogue", "catalogue_dropped", "catalogue_warnings",
             "reference_indicators", "indicator_issues"))
def indicators(ctx: StepContext) -> dict[str, Any]:
    """Indicator values of the catalogue's formulas that the data support."""
    from ipbench.indicators import compute_indicators

    spec = ctx.params.indicators
    cat = load_catalogue(ctx)
    codes = selected_codes(cat, spec)
    subsystems = list(dict.fromkeys(cat[c].subsystem for c in codes))
    for dim, subs in (spec.hierarchy or {}).items():
        for i, s in enumerate(subs):
            if s not in subsystems:
                raise params_error(f"indicators.hierarchy.{dim}[{i}]", s,
                                   "not a subsystem of the selected indicators", subsystems)
    facts = ctx.stages["facts"]
    whole = facts[facts["industry_code"] == "ALL"]
    have = set(whole.loc[whole["region_code"].isin(ctx.params.scope.regions), "variable"])
    cat, codes, dropped = fit_to_data(cat, codes, have)
    if spec.strict and len(dropped):
        first = dropped.iloc[0]
        raise params_error("indicators.catalogue", spec.catalogue,
                           f"indicator {first['code']!r} needs {first['missing']}, absent from the"
                           f" data ({len(dropped)} indicator(s) in all); load them, exclude the"
                           " indicators, or set indicators.strict: false to drop them with a note")
    res = compute_indicators(whole, cat, codes=codes, vocabulary=ctx.project.variables,
                             on_zero_division="nan")
    wide = res.values.reset_index()
    wide = wide[wide["industry_code"] == "ALL"].drop(columns="industry_code")
    regions = ctx.params.scope.regions
    panel = wide[wide["region_code"].isin(regions)].sort_values(KEY).reset_index(drop=True)
    empty = [c for c in codes if panel[c].isna().all()]
    if empty:
        meta = cat.frame()
        extra = pd.DataFrame([{
            "code": c, "name_zh": meta.at[c, "name_zh"], "name_en": meta.at[c, "name_en"],
            "subsystem": meta.at[c, "subsystem"], "missing": "",
            "reason_zh": "范围内的地区和年份没有任何观测值",
            "reason_en": "no observed value for the scope's regions and years"} for c in empty],
            columns=DROPPED_COLUMNS)
        if spec.strict:
            raise params_error("indicators.catalogue", spec.catalogue,
                               f"indicator {empty[0]!r} has no observed value for the scope")
        dropped = pd.concat([dropped, extra], ignore_index=True)
        codes = [c for c in codes if c not in empty]
    if not codes:
        raise ParamsError("indicators: the data support no indicator of the catalogue"
                          f" {spec.catalogue}; see `ipbench params check` for what is missing")
    meta = catalogue_table(cat)
    meta = meta[meta["code"].isin(codes)].set_index("code").loc[codes].reset_index()
    panel = panel[[*KEY, *codes]]
    out = {"indicators": panel, "catalogue": meta, "catalogue_dropped": dropped,
           "catalogue_warnings": duplicate_indicators(panel.set_index(KEY))}
    if len(res.issues):
        issues = res.issues[res.issues["indicator"].isin(codes)]
        out["indicator_issues"] = issues.reset_index(drop=True)
    ref = ctx.params.scope.reference
    if ref:
        out["reference_indicators"] = wide.loc[wide["region_code"] == ref,
                                               [*KEY, *codes]].reset_index(drop=True)
    return out
