"""Build steps of an :class:`ipbench.Evaluation`, in order.

Each step names the params sections it reads (``sections``), reads earlier stages from the
context and returns new named stages. Adding an analysis = adding a :class:`Step` at the end of
:data:`STEPS` (and a section in the report notebooks), nothing else.

Data shapes: ``indicators``/``imputed``/``treated``/``normalized`` are wide tables with columns
``region_code``, ``year`` and one column per indicator code (industry ``ALL``, the scope's
regions). ``subindices`` has one column per subsystem; ``composite`` has ``score`` and ``rank``
(1 = best, per year).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ipbench.errors import DataError
from ipbench.params import Combination, Params, params_error
from ipbench.project import Project

KEY = ["region_code", "year"]


@dataclass
class StepContext:
    params: Params
    project: Project
    data: Any
    stages: dict[str, Any]

    def panel(self, name: str) -> pd.DataFrame:
        """A wide stage as a DataFrame indexed by (region_code, year)."""
        return self.stages[name].set_index(KEY)


@dataclass(frozen=True)
class Step:
    name: str
    sections: tuple[str, ...]
    func: Callable[[StepContext], dict[str, Any]]

    def run(self, ctx: StepContext) -> dict[str, Any]:
        return self.func(ctx)

    def outputs_of(self, stages: dict[str, Any]) -> list[str]:
        prefix = f"{self.name}:"
        return [k for k in stages if k in _OUTPUTS.get(self.name, ()) or k.startswith(prefix)]


_OUTPUTS: dict[str, tuple[str, ...]] = {}


def _outputs(step: str, names: tuple[str, ...]) -> None:
    _OUTPUTS[step] = names


def open_store(project: Project, refresh: bool = False) -> Any:
    """The project's data store (:class:`ipbench.data.Store`), built from ``data/raw`` when
    missing; with ``refresh`` brought up to date first (incremental ``ipbench data build``)."""
    from ipbench.data import Store, build

    if refresh or not project.store.is_file():
        build(project)
    return Store.open(project)


# ------------------------------------------------------------------------------- load


def load(ctx: StepContext) -> dict[str, Any]:
    scope = ctx.params.scope
    facts = ctx.data.facts()
    regions = ctx.data.regions()
    industries = ctx.data.industries()
    known_r = set(facts["region_code"].astype(str).unique())
    for i, code in enumerate(scope.regions):
        if code not in known_r:
            raise params_error(f"scope.regions[{i}]", code, "no data for this region", known_r)
    if scope.reference and scope.reference not in known_r:
        raise params_error("scope.reference", scope.reference, "no data for this unit", known_r)
    known_i = set(facts["industry_code"].astype(str).unique())
    for i, code in enumerate(scope.industries):
        if code not in known_i:
            raise params_error(f"scope.industries[{i}]", code, "no data for this industry", known_i)
    units = [*scope.regions, *([scope.reference] if scope.reference else [])]
    inds = sorted({"ALL", *scope.industries})
    years = scope.years
    keep = (
        facts["region_code"].isin(units)
        & facts["industry_code"].isin(inds)
        & facts["year"].between(years.first, years.last)
    )
    out = facts.loc[keep].reset_index(drop=True)
    if out.empty:
        raise DataError(f"no facts for the scope (regions {units}, years {years.first}-{years.last})")
    return {
        "facts": out,
        "regions": regions[regions["region_code"].isin(units)].reset_index(drop=True),
        "industries": industries[industries["industry_code"].isin(inds)].reset_index(drop=True),
    }


_outputs("load", ("facts", "regions", "industries"))


# ------------------------------------------------------------------------------- indicators


def indicators(ctx: StepContext) -> dict[str, Any]:
    from ipbench.indicators import Catalogue, compute_indicators

    spec = ctx.params.indicators
    path = ctx.project.root / spec.catalogue
    if not path.is_file():
        raise params_error("indicators.catalogue", spec.catalogue, "file not found")
    cat = Catalogue.load(path)
    meta = catalogue_table(cat)
    known = list(meta["code"])
    codes = list(spec.select) if spec.select is not None else known
    for i, code in enumerate(spec.select or []):
        if code not in known:
            raise params_error(f"indicators.select[{i}]", code, "unknown indicator", known)
    for i, code in enumerate(spec.exclude):
        if code not in known:
            raise params_error(f"indicators.exclude[{i}]", code, "unknown indicator", known)
    codes = [c for c in codes if c not in spec.exclude]
    meta = meta[meta["code"].isin(codes)].reset_index(drop=True)
    subsystems = list(dict.fromkeys(meta["subsystem"]))
    for dim, subs in (spec.hierarchy or {}).items():
        for i, s in enumerate(subs):
            if s not in subsystems:
                raise params_error(
                    f"indicators.hierarchy.{dim}[{i}]", s, "unknown subsystem", subsystems
                )
    facts = ctx.stages["facts"]
    res = compute_indicators(
        facts[facts["industry_code"] == "ALL"], cat, codes=codes,
        vocabulary=ctx.project.variables, on_zero_division="nan",
    )
    wide = res.values.reset_index()
    wide = wide[wide["industry_code"] == "ALL"].drop(columns="industry_code")
    ref = ctx.params.scope.reference
    regions = ctx.params.scope.regions
    panel = wide[wide["region_code"].isin(regions)].sort_values(KEY).reset_index(drop=True)
    out = {"indicators": panel[[*KEY, *codes]], "catalogue": meta}
    if len(res.issues):
        out["indicator_issues"] = res.issues.reset_index(drop=True)
    if ref:
        out["reference_indicators"] = wide[wide["region_code"] == ref].reset_index(drop=True)
    return out


_outputs("indicators", ("indicators", "catalogue", "reference_indicators", "indicator_issues"))


def catalogue_table(cat: Any) -> pd.DataFrame:
    """Catalogue metadata: code, names, unit, direction, subsystem (with bilingual labels)."""
    return cat.frame().reset_index()[
        ["code", "name_zh", "name_en", "unit", "direction", "subsystem", "subsystem_zh",
         "subsystem_en", "formula", "source"]
    ]


# ------------------------------------------------------------------------------- impute, treat


def impute(ctx: StepContext) -> dict[str, Any]:
    spec = ctx.params.imputation
    X = ctx.panel("indicators")
    log = pd.DataFrame(columns=["region_code", "year", "indicator", "value", "method"])
    if spec.method == "none":
        _require_complete(X, "imputation.method is 'none'")
        return {"imputed": X.reset_index(), "imputation_log": log}
    from ipbench import impute as imp

    if spec.method == "interpolate":
        first = imp.interpolate(X, time="year", extrapolate=spec.extrapolate)
    elif spec.method in ("group_mean", "group_median"):
        first = getattr(imp, spec.method)(X, by=spec.by)
    else:
        first = getattr(imp, spec.method)(X)
    data, logs = first.data, [first.imputed]
    if spec.then != "none" and data.isna().to_numpy().any():
        second = getattr(imp, spec.then)(data, by=spec.by)
        data = second.data
        logs.append(second.imputed)
    _require_complete(data, f"imputation ({spec.method}, then {spec.then}) left gaps")
    log = pd.concat([lg for lg in logs if len(lg)], ignore_index=True) if any(
        len(lg) for lg in logs
    ) else log
    return {"imputed": data.reset_index(), "imputation_log": log}


_outputs("impute", ("imputed", "imputation_log"))


def _require_complete(X: pd.DataFrame, why: str) -> None:
    bad = X.isna()
    if bad.to_numpy().any():
        r, c = np.argwhere(bad.to_numpy())[0]
        raise DataError(
            f"{why}: indicator {X.columns[c]!r} is missing for {X.index[r]}"
            f" ({int(bad.to_numpy().sum())} missing cell(s)); choose an imputation method"
        )


def treat(ctx: StepContext) -> dict[str, Any]:
    spec = ctx.params.treatment
    X = ctx.panel("imputed")
    if not spec.enabled:
        empty = pd.DataFrame(columns=["indicator", "action"])
        return {"treated": X.reset_index(), "treatment": empty}
    from ipbench.treat import treat as treat_fn

    args = spec.model_dump(exclude={"enabled"})
    res = treat_fn(X, **args)
    details = res.details.rename_axis("indicator").reset_index()
    return {"treated": res.data.reset_index(), "treatment": details}


_outputs("treat", ("treated", "treatment"))


# ------------------------------------------------------------------------------- normalize


def directions(ctx: StepContext) -> pd.Series:
    meta = ctx.stages["catalogue"].set_index("code")
    return meta["direction"].astype(int)


def normalize(ctx: StepContext) -> dict[str, Any]:
    from ipbench import normalize as norm

    spec = ctx.params.normalization
    X = ctx.panel("treated")
    d = directions(ctx).reindex(X.columns)
    fn = getattr(norm, spec.method)
    kwargs: dict[str, Any] = {"directions": d}
    if spec.method == "minmax":
        kwargs["scale"] = spec.scale
    if spec.across == "panel":
        out = fn(X, **kwargs)
    else:
        out = pd.concat([fn(g, **kwargs) for _, g in X.groupby(level="year")]).loc[X.index]
    return {"normalized": out.reset_index()}


_outputs("normalize", ("normalized",))


# ------------------------------------------------------------------------------- weight


def weight(ctx: StepContext) -> dict[str, Any]:
    from ipbench import weights as W

    spec = ctx.params.weighting
    X = ctx.panel("treated")
    meta = ctx.stages["catalogue"].set_index("code").reindex(X.columns)
    d = meta["direction"]
    objective = None
    if spec.method != "ahp":
        fn = getattr(W, spec.method)
        res = fn(X, directions=d)
        objective = getattr(res, "weights", res).reindex(X.columns)
    out: dict[str, Any] = {}
    subjective = None
    if spec.ahp is not None:
        subjective, out["ahp"] = _ahp_weights(spec.ahp, meta)
    if spec.method == "ahp":
        final = subjective
    elif subjective is not None:
        how = spec.combine or Combination()
        final = W.combine(subjective, objective, method=how.method, alpha=how.alpha)
    else:
        final = objective
    table = pd.DataFrame(
        {
            "indicator": X.columns,
            "subsystem": meta["subsystem"].to_numpy(),
            "objective": objective.to_numpy() if objective is not None else np.nan,
            "subjective": subjective.reindex(X.columns).to_numpy() if subjective is not None else np.nan,
            "weight": final.reindex(X.columns).to_numpy(),
        }
    )
    table["method"] = _method_label(ctx.params)
    out["weights"] = table
    return out


_outputs("weight", ("weights", "ahp"))


def _method_label(params: Params) -> str:
    w = params.weighting
    if w.ahp is None:
        return w.method
    if w.method == "ahp":
        return f"ahp ({w.ahp.method})"
    c = w.combine
    how = f"{c.method}, alpha={c.alpha:g}" if c and c.method == "linear" else "multiplicative"
    return f"ahp ({w.ahp.method}) x {w.method} ({how})"


def _ahp_weights(spec: Any, meta: pd.DataFrame) -> tuple[pd.Series, pd.DataFrame]:
    """Indicator-level AHP weights a_j = W(element of j) / n(element) when the elements are
    subsystems (product of layer weights, equal within a subsystem; DOMAIN.md sec. 1), or the
    AHP weights themselves when the elements are indicator codes."""
    from ipbench import weights as W

    subsystems = list(dict.fromkeys(meta["subsystem"]))
    codes = list(meta.index)
    by_sub = all(e in subsystems for e in spec.elements)
    by_code = all(e in codes for e in spec.elements)
    if not (by_sub or by_code):
        bad = next(e for e in spec.elements if e not in subsystems and e not in codes)
        i = spec.elements.index(bad)
        raise params_error(
            f"weighting.ahp.elements[{i}]", bad, "neither a subsystem nor an indicator",
            subsystems + codes,
        )
    expected = set(subsystems if by_sub else codes)
    if set(spec.elements) != expected:
        raise params_error(
            "weighting.ahp.elements", spec.elements,
            f"must list every {'subsystem' if by_sub else 'indicator'} once: {sorted(expected)}",
        )
    mats = {e.name: np.array(e.matrix, dtype=float) for e in spec.experts}
    singles = {e.name: W.ahp(e.matrix, ri=spec.ri, labels=spec.elements, cr_threshold=np.inf)
               for e in spec.experts}
    for i, e in enumerate(spec.experts):
        if spec.strict and singles[e.name].cr > spec.cr_threshold:
            raise params_error(
                f"weighting.ahp.experts[{i}].matrix", e.name,
                f"judgments are inconsistent (CR = {singles[e.name].cr:.4f} >"
                f" {spec.cr_threshold}); revise them, or set weighting.ahp.strict: false to"
                " continue with a warning",
            )
    ew = np.array([e.weight for e in spec.experts], dtype=float)
    group = W.ahp_group(
        mats, method=spec.method, expert_weights=ew / ew.sum(), ri=spec.ri,
        cr_threshold=spec.cr_threshold, strict=spec.strict, labels=spec.elements,
    )
    gw = group.weights.reindex(spec.elements)
    table = pd.DataFrame({"element": [*spec.elements, "CR"]})
    # AIJ aggregates the judgments into one matrix with its own CR; AIP has no group matrix.
    group_cr = group.aggregate.cr if group.aggregate is not None else np.nan
    table["group"] = [*gw.to_numpy(), group_cr]
    for e in spec.experts:
        single = singles[e.name]
        table[e.name] = [*single.weights.reindex(spec.elements).to_numpy(), single.cr]
    if by_code:
        return gw.reindex(codes).rename("subjective"), table
    n = meta["subsystem"].value_counts()
    a = meta["subsystem"].map(lambda s: gw[s] / n[s]).astype(float)
    return (a / a.sum()).rename("subjective"), table


# ------------------------------------------------------------------------------- aggregate


def aggregate(ctx: StepContext) -> dict[str, Any]:
    """Sub-indices and composite by :func:`ipbench.aggregate.hierarchical`. The final
    indicator weights mu_j (summing to 1) are split into within-parent weights along the
    tree, so that for arithmetic aggregation the composite equals sum_j mu_j x'_j."""
    from ipbench import aggregate as agg

    spec = ctx.params.aggregation
    X = ctx.panel("normalized")
    wt = ctx.stages["weights"].set_index("indicator")["weight"]
    tree = indicator_tree(ctx)
    levels = list(tree.columns)
    weights: dict[str, pd.Series] = {}
    by_ind = tree.set_index("indicator")
    for k, level in enumerate(levels):
        member = wt.index.to_series() if level == "indicator" else by_ind[level].reindex(wt.index)
        member_w = wt.groupby(member.to_numpy()).sum()
        if k + 1 < len(levels):
            parent = tree.drop_duplicates(level).set_index(level)[levels[k + 1]]
            parent_w = member_w.groupby(parent.reindex(member_w.index)).transform("sum")
        else:
            parent_w = pd.Series(member_w.sum(), index=member_w.index)
        weights[level] = member_w / parent_w
    res = agg.hierarchical(X, tree, weights=weights, method=spec.method)
    sub = res.levels["subsystem"] if "subsystem" in res.levels else res.levels[levels[1]]
    comp = res.index.rename("score").reset_index()
    comp["rank"] = comp.groupby("year")["score"].rank(ascending=False, method="min").astype(int)
    out = {"subindices": sub.reset_index(), "composite": comp}
    if "dimension" in res.levels:
        out["dimensions"] = res.levels["dimension"].reset_index()
    return out


_outputs("aggregate", ("subindices", "composite", "dimensions"))


def indicator_tree(ctx: StepContext) -> pd.DataFrame:
    """Tree table: indicator → subsystem (→ dimension when ``indicators.hierarchy`` is set;
    a subsystem not named in the hierarchy is its own dimension)."""
    meta = ctx.stages["catalogue"]
    tree = pd.DataFrame({"indicator": meta["code"], "subsystem": meta["subsystem"]})
    hier = ctx.params.indicators.hierarchy
    if hier:
        dim_of = {s: dim for dim, members in hier.items() for s in members}
        tree["dimension"] = tree["subsystem"].map(lambda s: dim_of.get(s, s))
    return tree


# ------------------------------------------------------------------------------- match


def match(ctx: StepContext) -> dict[str, Any]:
    from ipbench import matching

    sub = ctx.panel("subindices")
    lo, hi = sub.min().min(), sub.max().max()
    if ctx.params.normalization.method == "minmax":
        U = sub / ctx.params.normalization.scale
    else:  # coupling needs scores in [0, 1]: rescale the sub-indices over the panel
        U = (sub - lo) / (hi - lo)
    frames = []
    for i, pair in enumerate(ctx.params.matching):
        for j, s in enumerate(pair.subsystems):
            if s not in U.columns:
                raise params_error(
                    f"matching[{i}].subsystems[{j}]", s, "unknown subsystem", list(U.columns)
                )
        pu = U[list(pair.subsystems)].clip(0, 1)
        cc = matching.coupling_coordination(
            pu, weights=pair.weights, bands=pair.bands, closed=pair.closed, modified=pair.modified
        )
        meta = ctx.stages["catalogue"].drop_duplicates("subsystem").set_index("subsystem")
        names = [(meta.at[s, "subsystem_zh"], meta.at[s, "subsystem_en"]) for s in pair.subsystems]
        rd = matching.relative_development(pu, names=names)
        t = pd.concat([pu.set_axis(["U1", "U2"], axis=1), cc], axis=1)
        t["type_zh"], t["type_en"] = rd["type_zh"].to_numpy(), rd["type_en"].to_numpy()
        t["lagging"] = _lagging_code(rd["type"], pair.subsystems)
        t["sentence_zh"], t["sentence_en"] = _matching_sentences(ctx, t, names)
        t.insert(0, "pair", pair.name)
        t.insert(1, "a", pair.subsystems[0])
        t.insert(2, "b", pair.subsystems[1])
        frames.append(t.reset_index())
    cols = ["pair", "a", "b", *KEY, "U1", "U2", "C", "T", "D", "grade_zh", "grade_en", "type_zh", "type_en", "lagging",
            "sentence_zh", "sentence_en"]
    return {"coupling": pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=cols)}


_outputs("match", ("coupling",))


def _matching_sentences(ctx: StepContext, t: pd.DataFrame, names: list[tuple[str, str]]
                        ) -> tuple[list[str], list[str]]:
    """Interpretation of each row (which side lags, D and grade) by
    :func:`ipbench.analysis.interpretation.describe_matching`, with the same rule as the
    ``lagging`` column (relative_development, ratio, tolerance 0.1)."""
    from ipbench.analysis.interpretation import describe_matching

    r = ctx.stages["regions"].set_index("region_code")
    zh, en = [], []
    for (code, _), row in t.iterrows():
        unit = (str(r["name_zh"].get(code, code)), str(r["name_en"].get(code, code)))
        s = describe_matching(unit, row["U1"], row["U2"], row["D"],
                              (row["grade_zh"], row["grade_en"]), names[0], names[1])
        zh.append(s.zh)
        en.append(s.en)
    return zh, en


def _lagging_code(kind: pd.Series, names: list[str]) -> pd.Series:
    """The lagging subsystem's code per row ('' when synchronous)."""
    lag = {"a_lagging": names[0], "b_lagging": names[1]}
    return kind.map(lambda k: lag.get(k, "")).astype("string")


# ------------------------------------------------------------------------------- industry

#: facts variables used for the industry view: IP quantity, economic size, employment.
INDUSTRY_VARIABLES = {
    "patents": "patent_grant_invention",
    "value_added": "value_added",
    "employment": "employment",
}


def industry(ctx: StepContext) -> dict[str, Any]:
    """Per industry × region × year: invention patent grants, value added (亿元), employment
    (万人), IP intensity (grants per 10k employed), location quotients of patents and
    value added (``matching.location_quotient``; reference = scope.reference when it has
    data, else the scope's regions together) and share matching (``matching.share_matching``)."""
    from ipbench import matching

    scope = ctx.params.scope
    inds = [i for i in scope.industries if i != "ALL"]
    cols = ["region_code", "industry_code", "year", "patents", "value_added", "employment",
            "ip_intensity", "lq_ip", "lq_va", "share_ip", "share_va", "share_matching"]
    if not inds:
        return {"industry_profile": pd.DataFrame(columns=cols)}
    facts = ctx.stages["facts"]
    f = facts[facts["variable"].isin(INDUSTRY_VARIABLES.values())]
    wide = f.pivot_table(index=["region_code", "industry_code", "year"], columns="variable",
                         values="value", aggfunc="sum")
    missing = [v for v in INDUSTRY_VARIABLES.values() if v not in wide.columns]
    if missing:
        raise DataError(f"industry view needs variables {missing} in the facts")
    wide = wide.rename(columns={v: k for k, v in INDUSTRY_VARIABLES.items()})
    wide["value_added"] = wide["value_added"] / 1e8
    wide["employment"] = wide["employment"] / 1e4
    ref = scope.reference
    frames = []
    for year in scope.years.span:
        try:
            yr = wide.xs(year, level="year")
        except KeyError:
            continue
        lq = {}
        for q in ("patents", "value_added"):
            table = yr[q].unstack("industry_code")
            if "ALL" not in table.columns:
                raise DataError(f"no ALL (whole economy) total of {q} in {year}")
            values = table[[i for i in inds if i in table.columns]].fillna(0.0)
            totals = table["ALL"]
            use_ref = ref if ref in values.index else None
            keep = values.index.isin([*scope.regions, *([use_ref] if use_ref else [])])
            lq[q] = matching.location_quotient(
                values[keep], totals=totals[keep], reference=use_ref
            ).stack().rename(q)
        sub = yr[yr.index.get_level_values("region_code").isin(scope.regions)]
        sub = sub[sub.index.get_level_values("industry_code").isin(inds)].copy()
        sub["lq_ip"] = lq["patents"].reindex(sub.index).to_numpy()
        sub["lq_va"] = lq["value_added"].reindex(sub.index).to_numpy()
        for _, g in sub.groupby(level="industry_code"):
            sm = matching.share_matching(
                g["patents"].droplevel("industry_code"), g["value_added"].droplevel("industry_code")
            )
            idx = g.index
            sub.loc[idx, "share_ip"] = sm["share_a"].to_numpy()
            sub.loc[idx, "share_va"] = sm["share_b"].to_numpy()
            sub.loc[idx, "share_matching"] = sm["matching"].to_numpy()
        sub["ip_intensity"] = sub["patents"] / sub["employment"]
        frames.append(sub.assign(year=year).reset_index())
    out = pd.concat(frames, ignore_index=True)[cols]
    return {"industry_profile": out}


_outputs("industry", ("industry_profile",))


STEPS: list[Step] = [
    Step("load", ("scope",), load),
    Step("indicators", ("indicators",), indicators),
    Step("impute", ("imputation",), impute),
    Step("treat", ("treatment",), treat),
    Step("normalize", ("normalization",), normalize),
    Step("weight", ("weighting",), weight),
    Step("aggregate", ("aggregation",), aggregate),
    Step("match", ("matching",), match),
    Step("industry", (), industry),
]


def _add_analysis_steps() -> None:
    """Append the pilot analyses of :mod:`ipbench.steps_analysis` (issue 5) to STEPS."""
    from ipbench.steps_analysis import ANALYSIS_STEPS

    for name, sections, func, outputs in ANALYSIS_STEPS:
        STEPS.append(Step(name, sections, func))
        _outputs(name, outputs)


_add_analysis_steps()


def step_names() -> list[str]:
    return [s.name for s in STEPS]
