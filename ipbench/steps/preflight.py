"""Check a parameter set against the data before anything is computed
(``ipbench params check``).

Every problem is listed at once with its params key path (``scope.years``,
``matching[1].subsystems[0]``, ``targets[2].indicator``): regions, reference and industries
without data, a year range without data, unknown or emptied subsystems, target indicators that
are neither indicators nor variables, explicitly named variables the data lack. When nothing is
wrong, the evaluation is dry-run without the robustness simulation to list what will be
skipped and why — the same code path as ``ipbench run``, so the two never disagree.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ipbench.errors import IpbenchError
from ipbench.steps.registry import SKIPPED_COLUMNS


@dataclass
class Problem:
    key: str
    value: Any
    message: str

    def __str__(self) -> str:
        return f"{self.key}: {self.message} (value: {self.value!r})"


@dataclass
class Preflight:
    """Problems (errors, with key paths), what the catalogue drops and what will be skipped."""

    problems: list[Problem] = field(default_factory=list)
    dropped: pd.DataFrame = field(default_factory=pd.DataFrame)
    skipped: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=SKIPPED_COLUMNS))

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        lines = [f"error: {p}" for p in self.problems]
        for r in self.dropped.itertuples():
            lines.append(f"note: indicator {r.code} ({r.name_en}) is dropped: {r.reason_en}")
        for r in self.skipped.itertuples():
            part = f" [{r.part}]" if r.part else ""
            how = f"; {r.how}" if r.how else ""
            lines.append(f"skip: {r.step}{part}: {r.reason_en}{how}")
        return "\n".join(lines)


def _hint(value: Any, choices: list[str]) -> str:
    close = difflib.get_close_matches(str(value), [str(c) for c in choices], n=1)
    return f"; did you mean {close[0]!r}?" if close else ""


def scope_problems(facts: pd.DataFrame, params: Any) -> list[Problem]:
    scope = params.scope
    out = []
    known_r = set(facts["region_code"].astype(str))
    for i, code in enumerate(scope.regions):
        if code not in known_r:
            out.append(Problem(f"scope.regions[{i}]", code, "no data for this region"))
    if scope.reference and scope.reference not in known_r:
        out.append(Problem("scope.reference", scope.reference,
                           "no data for this unit (the whole country is 100000)"))
    known_i = sorted(set(facts["industry_code"].astype(str)))
    for i, code in enumerate(scope.industries):
        if code not in known_i:
            out.append(Problem(f"scope.industries[{i}]", code,
                               "no data for this industry" + _hint(code, known_i)))
    mine = facts[facts["region_code"].isin(scope.regions)]
    years = sorted(int(y) for y in mine["year"].unique())
    inside = [y for y in years if scope.years.first <= y <= scope.years.last]
    if years and not inside:
        out.append(Problem("scope.years", f"{scope.years.first}-{scope.years.last}",
                           f"the data hold no year in this range (years with data:"
                           f" {years[0]}-{years[-1]})"))
    elif inside and scope.base_year not in inside:
        out.append(Problem("scope.base_year", scope.base_year,
                           f"no data in this year (years with data: {inside[0]}-{inside[-1]})"))
    return out


def catalogue_problems(ctx: Any) -> tuple[list[Problem], pd.DataFrame, list[str], set[str]]:
    """(problems, dropped table, selected codes after fitting, subsystems dropped by data)."""
    from ipbench.steps.indicators import fit_to_data, load_catalogue, selected_codes

    spec = ctx.params.indicators
    try:
        cat = load_catalogue(ctx)
        codes = selected_codes(cat, spec)
    except IpbenchError as exc:
        return [Problem("indicators", spec.catalogue, str(exc))], pd.DataFrame(), [], set()
    out = []
    subsystems = list(dict.fromkeys(cat[c].subsystem for c in codes))
    for dim, subs in (spec.hierarchy or {}).items():
        for i, s in enumerate(subs):
            if s not in subsystems:
                out.append(Problem(f"indicators.hierarchy.{dim}[{i}]", s,
                                   "not a subsystem of the selected indicators"
                                   + _hint(s, subsystems)))
    facts = ctx.stages["facts"]
    have = set(facts.loc[(facts["industry_code"] == "ALL")
                         & facts["region_code"].isin(ctx.params.scope.regions), "variable"])
    _, kept, dropped = fit_to_data(cat, codes, have)
    if spec.strict:
        for r in dropped.itertuples():
            out.append(Problem("indicators.catalogue", spec.catalogue,
                               f"indicator {r.code} needs {r.missing}, absent from the data"
                               " (indicators.strict is true)"))
    kept_subs = {cat[c].subsystem for c in kept}
    lost = set(subsystems) - kept_subs
    for i, pair in enumerate(ctx.params.matching):
        for j, s in enumerate(pair.subsystems):
            if s not in subsystems:
                out.append(Problem(f"matching[{i}].subsystems[{j}]", s,
                                   "no selected indicator belongs to this subsystem"
                                   + _hint(s, subsystems)))
    return out, dropped, kept, lost


def target_problems(ctx: Any, codes: list[str]) -> list[Problem]:
    from ipbench.steps.intensive import INTENSIVE_SHARE

    facts = ctx.stages["facts"]
    fvars = sorted(set(facts.loc[facts["industry_code"] == "ALL", "variable"].astype(str)))
    known = [*codes, INTENSIVE_SHARE, *fvars]
    out = []
    for i, t in enumerate(ctx.params.targets):
        if t.indicator not in known:
            out.append(Problem(f"targets[{i}].indicator", t.indicator,
                               "neither a selected indicator, a facts variable of the data nor"
                               f" {INTENSIVE_SHARE}" + _hint(t.indicator, known)))
        if t.region and t.region not in ctx.params.scope.regions:
            out.append(Problem(f"targets[{i}].region", t.region, "not one of scope.regions"))
    return out


def variable_problems(ctx: Any) -> list[Problem]:
    """Variables named explicitly in analysis sections must have facts."""
    p = ctx.params
    facts = ctx.stages["facts"]
    whole = set(facts.loc[facts["industry_code"] == "ALL", "variable"].astype(str))
    per = set(facts.loc[facts["industry_code"] != "ALL", "variable"].astype(str))
    checks = [(f"situation.{r}", p.situation, r, whole) for r in ("ip", "industry", "population")]
    checks += [(f"dynamics.{r}", p.dynamics, r, whole) for r in ("ip", "industry", "rd")]
    checks += [(f"intensive.{r}", p.intensive, r, whole) for r in ("patents", "employment",
                                                                     "value_added", "gdp")]
    checks += [(f"industry.{r}", p.industry, r, per) for r in ("patents", "value_added",
                                                                 "employment")]
    checks += [("peers.by", p.peers, "by", whole)]
    out = []
    for key, section, attr, have in checks:
        var = getattr(section, attr)
        if var and var not in have:
            out.append(Problem(key, var, "no facts of this variable in the data"
                               + _hint(var, sorted(have))))
    return out


def preflight(params: Any, project: Any, data: Any) -> Preflight:
    """All problems of ``params`` against ``data``; when none, what a run will skip."""
    from ipbench.evaluation import Evaluation
    from ipbench.steps.load import load
    from ipbench.steps.registry import StepContext

    facts = data.facts()
    problems = scope_problems(facts, params)
    if problems:
        return Preflight(problems)
    ctx = StepContext(params, project, data, {})
    ctx.stages.update(load(ctx))
    cat_problems, dropped, kept, _ = catalogue_problems(ctx)
    problems = cat_problems + target_problems(ctx, kept) + variable_problems(ctx)
    if problems:
        return Preflight(problems, dropped)
    dry = params.replace({"robustness.enabled": False, "lagging.enabled": False})
    ev = Evaluation(dry, project, data)
    try:
        ev.run()
    except IpbenchError as exc:
        return Preflight([Problem("(run)", params.name, str(exc))], dropped)
    skipped = ev.skipped
    ours = [s for s in ("robustness", "lagging") if getattr(params, s).enabled]
    skipped = skipped[~skipped["step"].isin(ours)]
    return Preflight([], ev.stages.get("catalogue_dropped", dropped), skipped.reset_index(drop=True))
