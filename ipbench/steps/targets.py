"""Step ``targets``: plan targets (params ``targets:``) — attainment, projected year of
attainment by the linear trend and by CAGR, on-track verdict
(:mod:`ipbench.analysis.targets`)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from ipbench.errors import InputError, ParamsError
from ipbench.params import params_error
from ipbench.steps._common import sentences
from ipbench.steps.intensive import INTENSIVE_SHARE
from ipbench.steps.registry import KEY, Skip, StepContext, step


def variable_label(ctx: StepContext, var: str) -> tuple[str, str]:
    """(中文, English) name of a facts variable with its base unit."""
    from ipbench.data.variables import load_variables

    v = load_variables(ctx.project.variables).get(var)
    return (f"{v.zh}({v.unit})", f"{v.en} ({v.unit})") if v is not None else (var, var)


@step("targets", reads=("targets", "scope"), needs=("indicators", "catalogue", "facts", "regions"),
      makes=("targets", "targets_sentences"))
def targets(ctx: StepContext) -> dict[str, Any]:
    """Plan targets (params ``targets:``): attainment %, projected year of attainment by the
    linear trend and by CAGR over the scope's years, on-track flag (linear)."""
    from ipbench.analysis.targets import Target, assess_targets, describe_target

    scope = ctx.params.scope
    cols = ["target", "region_code", "label"]
    if not ctx.params.targets:
        raise Skip("no plan targets in the params", reason_zh="参数未设规划目标", key="targets",
                   missing=["plan targets"],
                   how_zh="在参数 targets 下列出规划目标（指标 indicator、目标值 value、年份 year；"
                          "区域 region 与方向 direction 可选）",
                   how="list the plan's targets under targets: in the params (indicator, value,"
                       " year; region and direction optional)")
    ind = ctx.panel("indicators")
    cat = ctx.stages["catalogue"].set_index("code")
    facts = ctx.stages["facts"]
    fvars = set(facts.loc[facts["industry_code"] == "ALL", "variable"])
    share = ctx.stages.get("intensive_share")
    frames, rows = [], []
    for i, t in enumerate(ctx.params.targets):
        if t.indicator in ind.columns:
            hist = ind[t.indicator].unstack("region_code")
            name = (cat.at[t.indicator, "name_zh"], cat.at[t.indicator, "name_en"])
        elif t.indicator == INTENSIVE_SHARE and share is None:
            ctx.skip_part(Skip(f"target {i}: the intensive industries' share of GDP is not"
                               " available (see the intensive notes)", part=f"target:{i}",
                               reason_zh=f"目标{i}：专利密集型产业增加值占比不可用（见专利密集型分析说明）",
                               key=f"targets[{i}].indicator",
                               missing=["intensive industries", "gdp"]))
            continue
        elif t.indicator == INTENSIVE_SHARE:
            hist = share.set_index(KEY)[INTENSIVE_SHARE].unstack("region_code")
            name = ("专利密集型产业增加值占GDP比重(%)", "IP-intensive industries' value added (% of GDP)")
        elif t.indicator in fvars:
            hist = ctx.facts_wide([t.indicator])[t.indicator].unstack("region_code")
            name = variable_label(ctx, t.indicator)
        else:
            known = [*ind.columns, INTENSIVE_SHARE, *sorted(fvars)]
            raise params_error(f"targets[{i}].indicator", t.indicator,
                               "neither a selected indicator nor a facts variable", known)
        hist = hist.sort_index()
        regions = [t.region] if t.region else list(scope.regions)
        for code in regions:
            if code not in hist.columns:
                raise params_error(f"targets[{i}].region", code, "not one of scope.regions",
                                   list(scope.regions))
            try:
                a = assess_targets(hist[[code]].rename(columns={code: t.indicator}),
                                   [Target(t.indicator, t.value, t.year, t.direction)])
            except InputError as exc:
                raise ParamsError(f"targets[{i}]: {exc}") from exc
            a.insert(0, "target", i)
            a.insert(1, "region_code", code)
            a.insert(2, "label", t.label or name[0])
            frames.append(a)
            lab = (t.label or name[0], t.label or name[1]) if t.label else name
            reg = ctx.region_names().get(code, (code, code))
            zh = lab[0] if reg[0] in lab[0] or reg[0].rstrip("市省区县") in lab[0] else f"{reg[0]}{lab[0]}"
            en = lab[1] if reg[1] in lab[1] else f"{reg[1]}: {lab[1]}"
            rows.append((code, f"target:{i}", describe_target(a.iloc[0], (zh, en))))
    if not frames:
        return {"targets": pd.DataFrame(columns=cols), "targets_sentences": sentences(rows)}
    return {"targets": pd.concat(frames, ignore_index=True), "targets_sentences": sentences(rows)}
