"""Step ``robustness``: rank robustness of the base-year composite
(:func:`ipbench.robustness.rank_robustness`): Monte Carlo over method choices and Sobol
sensitivity indices."""

from __future__ import annotations

from typing import Any

from ipbench.errors import InputError, ParamsError
from ipbench.steps._common import sentences
from ipbench.steps.registry import StepContext, step


@step("robustness", reads=("robustness", "scope"), needs=("treated", "catalogue", "weights", "composite"),
      makes=("robustness_ranks", "robustness_sensitivity", "robustness_sentences"),
      switch="robustness")
def robustness(ctx: StepContext) -> dict[str, Any]:
    """Rank robustness of the base-year composite (:func:`ipbench.robustness.rank_robustness`)
    on the treated indicators with the evaluation's weights as the nominal set. A method
    choice that cannot be applied raises :class:`ParamsError` (never skipped)."""
    from ipbench.analysis import Sentence
    from ipbench.robustness import rank_robustness

    spec = ctx.params.robustness
    base = ctx.params.scope.base_year
    X = ctx.panel("treated").xs(base, level="year")
    cat = ctx.stages["catalogue"].set_index("code")
    w = ctx.stages["weights"].set_index("indicator")["weight"].reindex(X.columns)
    try:
        res = rank_robustness(
            X, weights=w, directions=cat["direction"].reindex(X.columns),
            weightings=list(spec.weightings), weight_noise=spec.weight_noise,
            normalisations=list(spec.normalisations), aggregations=list(spec.aggregations),
            n=spec.n, sobol=spec.sobol, n_boot=spec.n_boot, conf=spec.conf, seed=spec.seed)
    except InputError as exc:
        raise ParamsError(f"robustness: {exc}") from exc
    st = res.rank_stats.rename_axis("region_code").reset_index()
    comp = ctx.stages["composite"]
    st["composite_rank"] = st["region_code"].map(
        comp[comp["year"] == base].set_index("region_code")["rank"])
    names = ctx.region_names()
    width = st["q95"] - st["q05"]
    widest = st.loc[width.idxmax()]
    stable = st.loc[width == width.min(), "region_code"].tolist()
    zh_st = "、".join(names.get(c, (c, c))[0] for c in stable[:4])
    en_st = ", ".join(names.get(c, (c, c))[1] for c in stable[:4])
    wn = names.get(widest["region_code"], (widest["region_code"],) * 2)
    rows = [("", "ranks", Sentence(
        zh=f"在{res.settings['rank_runs']}次方法组合抽样（随机种子{spec.seed}）下，排名5%–95%区间宽度"
           f"中位数为{width.median():.1f}位；最稳定的是{zh_st}，波动最大的是{wn[0]}"
           f"（第{widest['q05']:.0f}–{widest['q95']:.0f}位）。",
        en=f"Over {res.settings['rank_runs']} Monte Carlo runs of method choices (seed {spec.seed}),"
           f" the median 5–95 % rank interval spans {width.median():.1f} places; most stable:"
           f" {en_st}; least stable: {wn[1]} (ranks {widest['q05']:.0f}–{widest['q95']:.0f})."))]
    out = {"robustness_ranks": st, "robustness_sentences": None}
    if res.sensitivity is not None:
        sens = res.sensitivity.reset_index()
        out["robustness_sensitivity"] = sens
        top = sens.loc[sens["ST"].idxmax()]
        rows.append(("", "sobol", Sentence(
            zh=f"对排名影响最大的方法选择是{_factor(top['factor'], 'zh')}（总效应指数ST={top['ST']:.2f}，"
               f"Sobol设计共{res.settings['runs']}次运行）。",
            en=f"The method choice that moves the ranks most is"
               f" {_factor(top['factor'], 'en')} (total Sobol index ST = {top['ST']:.2f};"
               f" {res.settings['runs']} runs of the Sobol design).")))
    out["robustness_sentences"] = sentences(rows)
    return out


def _factor(name: str, lang: str) -> str:
    from ipbench.robustness import FACTOR_LABELS

    zh, en = FACTOR_LABELS.get(name, f"{name} · {name}").split(" · ")
    return zh if lang == "zh" else en
