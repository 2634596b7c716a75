"""Step ``quality``: invention share of grants, invention grants per 亿元 of R&D, high-value
invention patents per 10,000 people (those the data support) and the layout-quality composite
(:mod:`ipbench.analysis.quality`)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from ipbench.errors import InputError
from ipbench.params import params_error
from ipbench.steps._common import sentences
from ipbench.steps.registry import Skip, StepContext, step

VARIABLES = {"invention": "patent_grant_invention", "total": "patent_grant_total",
             "rd": "rd_expenditure", "high_value": "patent_inforce_high_value",
             "population": "population"}
#: quality indicator → the variables it needs
NEEDS = {"invention_share": ("invention", "total"), "patents_per_rd": ("invention", "rd"),
         "high_value_per_10k": ("high_value", "population")}


@step("quality", reads=("quality", "scope"), needs=("facts", "regions"),
      makes=("quality", "quality_sentences"), switch="quality")
def quality(ctx: StepContext) -> dict[str, Any]:
    """Quality indicators per region and year and their composite."""
    from ipbench.analysis import quality as q

    have = ctx.facts_variables()
    present = {k: v for k, v in VARIABLES.items() if v in have}
    usable = [i for i, need in NEEDS.items() if all(n in present for n in need)]
    for ind, need in NEEDS.items():
        if ind not in usable:
            miss = [VARIABLES[n] for n in need if n not in present]
            ctx.skip_part(Skip(f"quality indicator {ind} needs {', '.join(miss)}", part=ind,
                               reason_zh=f"质量指标 {ind} 缺少变量 {'、'.join(miss)}",
                               missing=miss, key="quality"))
    if not usable:
        raise Skip("no quality indicator can be computed", reason_zh="无可计算的质量指标",
                   missing=sorted({VARIABLES[n] for need in NEEDS.values() for n in need} -
                                  set(present.values())), key="quality")
    wide = ctx.facts_wide(list(present.values()))
    spec = ctx.params.quality
    frames, rows = [], []
    names = ctx.region_names()
    for year, g in wide.groupby(level="year"):
        X = g.droplevel("year")

        def col(k: str, X: pd.DataFrame = X) -> Any:
            return X[present[k]] if k in present else None

        ind = q.quality_indicators(
            invention=col("invention") if "invention_share" in usable else None,
            total=col("total") if "invention_share" in usable else None,
            patents=col("invention") if "patents_per_rd" in usable else None,
            rd_input=col("rd") / 1e8 if "patents_per_rd" in usable else None,
            high_value=col("high_value") if "high_value_per_10k" in usable else None,
            population_persons=col("population") if "high_value_per_10k" in usable else None,
        )
        if ind.isna().any().any():
            continue
        weights = None
        if spec.weights is not None:
            weights = {k: v for k, v in spec.weights.items() if k in ind.columns}
            total = sum(weights.values())
            weights = {k: v / total for k, v in weights.items()} if total > 0 else None
        try:
            comp = q.quality_composite(ind, weights=weights)
        except InputError as exc:
            if spec.weights is not None and "weight" in str(exc):
                raise params_error("quality.weights", spec.weights, str(exc), list(ind.columns)) from exc
            raise
        t = comp.table().rename(columns={"rank": "quality_rank"}).rename_axis("region_code")
        frames.append(t.reset_index().assign(year=int(year)))
        if int(year) == ctx.params.scope.base_year:
            rows = [(c, "quality", q.describe_quality(comp, c, names)) for c in t.index]
            rows.insert(0, ("", "quality", scope_sentence(t, int(year), names)))
    if not frames:
        raise Skip("no year with complete quality indicators for every region",
                   reason_zh="没有各地区质量指标齐全的年份", key="quality",
                   missing=[v for v in present.values()])
    return {"quality": pd.concat(frames, ignore_index=True), "quality_sentences": sentences(rows)}


def scope_sentence(t: pd.DataFrame, year: int, names: dict[str, tuple[str, str]]) -> Any:
    """The scope's best and last regions on the layout-quality composite (ties named
    together) and the spread between them."""
    from ipbench.analysis import Sentence

    score = t["quality_composite"].astype(float)
    top = [c for c in t.index[t["quality_rank"] == t["quality_rank"].min()]]
    low = [c for c in t.index[t["quality_rank"] == t["quality_rank"].max()]]

    def who(codes: list[str], i: int) -> str:
        return ("、" if i == 0 else ", ").join(names.get(c, (c, c))[i] for c in codes)

    hi, lo = round(float(score[top[0]]), 2), round(float(score[low[0]]), 2)  # spread of what is shown
    tie_zh = "（并列）" if len(top) > 1 else ""
    tie_en = " (tied)" if len(top) > 1 else ""
    return Sentence(
        zh=f"{year}年布局质量综合得分最高的是{who(top, 0)}{tie_zh}（{hi:.2f}），"
           f"最低的是{who(low, 0)}（{lo:.2f}），相差{hi - lo:.2f}。",
        en=f"In {year} the highest layout-quality score is {who(top, 1)}'s{tie_en}"
           f" ({hi:.2f}), the lowest {who(low, 1)}'s ({lo:.2f}), a spread of {hi - lo:.2f}.",
    )
