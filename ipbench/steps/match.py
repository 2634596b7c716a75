"""Step ``match``: coupling coordination (C, T, D, grade) and the lagging side of every
matching pair (``ipbench.matching``), with one interpretation sentence per row built
column-wise (no Python loop per row)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ipbench.params import params_error
from ipbench.steps.registry import KEY, Skip, StepContext, step

COLUMNS = ["pair", "pair_zh", "pair_en", "a", "b", *KEY, "U1", "U2", "C", "T", "D", "D_text", "grade_zh",
           "grade_en", "type", "type_zh", "type_en", "lagging", "sentence_zh", "sentence_en"]


def unit_scores(sub: pd.DataFrame, normalization: Any) -> pd.DataFrame:
    """Sub-indices as scores in [0, 1] (min-max scores divided by their scale; other
    normalisations rescaled over the panel), as coupling coordination requires."""
    if normalization.method == "minmax":
        return sub / normalization.scale
    lo, hi = sub.min().min(), sub.max().max()
    return (sub - lo) / (hi - lo) if hi > lo else sub * 0.0


def subsystem_names(catalogue: pd.DataFrame) -> dict[str, tuple[str, str]]:
    meta = catalogue.drop_duplicates("subsystem").set_index("subsystem")
    return {s: (str(meta.at[s, "subsystem_zh"]), str(meta.at[s, "subsystem_en"])) for s in meta.index}


def pair_subsystems(ctx: StepContext, i: int, pair: Any, available: list[str]) -> None:
    """Both sides of pair ``i`` are subsystems with indicators; a side dropped because the
    data lack its variables raises :class:`Skip`, a side never selected is a params error."""
    dropped = ctx.stages.get("catalogue_dropped")
    lost = set(dropped["subsystem"]) if dropped is not None and len(dropped) else set()
    for j, s in enumerate(pair.subsystems):
        if s in available:
            continue
        if s in lost:
            miss = sorted({m for m in dropped.loc[dropped["subsystem"] == s, "missing"] if m})
            raise Skip(f"pair {pair.name}: subsystem {s} has no indicator the data support",
                       reason_zh=f"匹配对 {pair.name}：子系统 {s} 的指标均缺少数据",
                       missing=miss, key=f"matching[{i}].subsystems[{j}]", part=pair.name,
                       how=f"load the variables of subsystem {s} ({', '.join(miss)})")
        raise params_error(f"matching[{i}].subsystems[{j}]", s,
                           "no selected indicator belongs to this subsystem", available)


def sentences(t: pd.DataFrame, unit_zh: pd.Series, unit_en: pd.Series,
              side_a: tuple[str, str], side_b: tuple[str, str],
              pair: tuple[str, str]) -> tuple[pd.Series, pd.Series]:
    """Column-wise sentences: which side lags (or in step), D and grade, naming the pair."""
    lag_a, lag_b = t["type"] == "a_lagging", t["type"] == "b_lagging"
    d = t["D_text"].astype(str)  # as shown beside the grade (Bands.text)
    ua, ub = t["U1"].map("{:.2f}".format), t["U2"].map("{:.2f}".format)
    zh_verdict = np.where(lag_b, f"{side_b[0]}滞后于{side_a[0]}",
                          np.where(lag_a, f"{side_a[0]}滞后于{side_b[0]}",
                                   f"{side_a[0]}与{side_b[0]}基本同步"))
    en_verdict = np.where(lag_b, f"{side_b[1]} lags behind {side_a[1]}",
                          np.where(lag_a, f"{side_a[1]} lags behind {side_b[1]}",
                                   f"{side_a[1]} and {side_b[1]} develop in step"))
    years = t["year"].astype(str)
    zh = (years + "年" + unit_zh + "「" + pair[0] + "」：" + zh_verdict + "（耦合协调度D=" + d
          + "，" + t["grade_zh"].astype(str) + "）。")
    en = (years + ", " + unit_en + ", " + pair[1] + ": " + en_verdict + " (D = " + d + ", "
          + t["grade_en"].astype(str).str.lower() + "; U = " + ua + " vs " + ub + ").")
    return zh, en


@step("match", reads=("matching", "normalization"), needs=("subindices", "catalogue", "regions"),
      makes=("coupling",))
def match(ctx: StepContext) -> dict[str, Any]:
    """C, T, D, grade and lagging side per pair × region × year."""
    from ipbench import matching

    U = unit_scores(ctx.panel("subindices"), ctx.params.normalization)
    names = subsystem_names(ctx.stages["catalogue"])
    regions = ctx.stages["regions"].set_index("region_code")
    frames = []
    for i, pair in enumerate(ctx.params.matching):
        try:
            pair_subsystems(ctx, i, pair, list(U.columns))
        except Skip as note:
            ctx.skip_part(note)
            continue
        pu = U[list(pair.subsystems)].clip(0, 1)
        cc = matching.coupling_coordination(pu, weights=pair.weights, bands=pair.bands,
                                            closed=pair.closed, modified=pair.modified)
        sa, sb = names[pair.subsystems[0]], names[pair.subsystems[1]]
        rd = matching.relative_development(pu, names=[sa, sb])
        t = pd.concat([pu.set_axis(["U1", "U2"], axis=1), cc], axis=1).reset_index()
        t["type"] = rd["type"].to_numpy()
        t["type_zh"], t["type_en"] = rd["type_zh"].to_numpy(), rd["type_en"].to_numpy()
        t["lagging"] = t["type"].map({"a_lagging": pair.subsystems[0],
                                      "b_lagging": pair.subsystems[1]}).fillna("").astype("string")
        label = (f"{sa[0]}—{sb[0]}", f"{sa[1]} – {sb[1]}")
        unit_zh = t["region_code"].map(regions["name_zh"]).fillna(t["region_code"]).astype(str)
        unit_en = t["region_code"].map(regions["name_en"]).fillna(t["region_code"]).astype(str)
        t["sentence_zh"], t["sentence_en"] = sentences(t, unit_zh, unit_en, sa, sb, label)
        t.insert(0, "pair", pair.name)
        t.insert(1, "pair_zh", label[0])
        t.insert(2, "pair_en", label[1])
        t.insert(3, "a", pair.subsystems[0])
        t.insert(4, "b", pair.subsystems[1])
        frames.append(t)
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=COLUMNS)
    return {"coupling": out[[c for c in COLUMNS if c in out.columns]]}
