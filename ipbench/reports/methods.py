"""The methods appendix: every definition and threshold a report uses, with its source.

Rows are (term, definition, source) in the report's language; values of thresholds come from
the run's params, so the appendix states what was used, not a default. A page states only the
terms it uses: each row names the sections that use it and the results it rests on
(:data:`USES`), and appears when the page has one of those sections and the run made one of
those results (an analysis skipped for want of data defines nothing).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ipbench.runfolder import Results

Row = tuple[tuple[str, str], tuple[str, str], tuple[str, str]]
#: term key → the sections that use it and the results, (table, column or "") any of which the
#: run must hold (non-empty; a column with some value); no sections: every page states it
USES: dict[str, tuple[tuple[str, ...], tuple[tuple[str, str], ...]]] = {
    "normalisation": ((), ()), "weighting": ((), ()), "aggregation": ((), ()),
    "coupling": (("matching_pairs", "dynamics"), (("coupling", ""),)),
    "lq": (("situation", "profile", "guidance"),
           (("situation_shares", "lq_ip_industry"), ("situation_shares", "lq_ip_population"),
            ("industry_profile", "lq_ip"), ("guidance_industries", ""), ("guidance_regions", ""))),
    "share_matching": (("profile",), (("industry_profile", "share_matching"),)),
    "concentration": (("situation", "profile"),
                      (("situation_concentration", ""), ("industry_concentration", ""))),
    "intensive": (("intensive",), (("intensive_regions", ""), ("intensive_industries", ""))),
    "peers": (("peers",), (("peers", ""),)),
    "guidance": (("guidance",), (("guidance_industries", ""), ("guidance_regions", ""))),
    "targets": (("targets",), (("targets", ""),)),
    "robustness": (("robustness",), (("robustness_ranks", ""),)),
    "lagging": (("matching_pairs",), (("lagging_stability", ""),)),
    "count": (("profile", "intensive", "guidance", "ls_applicants"), (("industry_profile", ""),)),
}


def uses(res: Results, key: str, sections: Sequence[str] | None) -> bool:
    """Whether a page with ``sections`` (None: any) states the term ``key`` of :data:`USES`."""
    where, needs = USES[key]
    if where and sections is not None and not set(where) & set(sections):
        return False

    def held(table: str, column: str) -> bool:
        if table not in res or not len(res[table]):
            return False
        t = res[table]
        return not column or (column in t.columns and bool(t[column].notna().any()))

    return not needs or any(held(t, c) for t, c in needs)
#: sources of the grade bands (:data:`ipbench.matching.TEN_BANDS`, ``FOUR_BANDS``)
BAND_SOURCES = {
    "ten": ("田深圳等, 地理学报 2021, 76(4):781, 表1", "Tian Shenzhen et al., Acta Geogr. Sinica 2021, 76(4):781, Tab. 1"),
    "four": ("李恒吉等, 干旱区地理 2021, 表2", "Li Hengji et al., Arid Land Geography 2021, Tab. 2"),
}


def methods_rows(res: Results, lang: str = "zh", sections: Sequence[str] | None = None
                 ) -> list[tuple[str, str, str]]:
    """The appendix rows (term, definition, source) of a page with ``sections`` (None: every
    term the run uses), in ``lang``."""
    p = res.params
    en = lang == "en"
    it = p.get("intensive", {}) or {}
    window = it.get("window", 3)
    dens = it.get("density_threshold")
    from ipbench.analysis.intensive import BASES

    basis_zh, basis_en = BASES.get(it.get("basis", "whole_economy"), ("", ""))
    scale = it.get("scale_threshold")
    rob = p.get("robustness", {}) or {}
    gd = p.get("guidance", {}) or {}
    norm, agg = p["normalization"], p["aggregation"]["method"]
    dens_zh = (f"{dens:g}件/万人（参数 intensive.density_threshold）" if dens is not None else
               "参照总体的平均密集度 Σ专利/(Σ年均从业人员/10⁴)（未设 intensive.density_threshold）")
    dens_en = (f"{dens:g} per 10k employed (params intensive.density_threshold)" if dens is not None
               else "the pooled average density of the reference Σ patents/(Σ avg. employment/10⁴)"
               " (intensive.density_threshold not set)")
    scale_zh = f"{scale:g}件" if scale is not None else "各单元规模的平均值"
    scale_en = f"{scale:g} patents" if scale is not None else "the mean scale over the units"
    rows: list[tuple[str, Row]] = [
        ("normalisation", (("指标标准化", "Normalisation"), normalisation_text(norm),
         ("李恒吉等, 干旱区地理, ChinaXiv:202102.00039V1, 2.2节; OECD/JRC 2008 Handbook, 5节",
          "Li Hengji et al., ChinaXiv:202102.00039V1, sec. 2.2; OECD/JRC 2008 Handbook, sec. 5"))),
        ("weighting", (("指标赋权", "Weighting"), weighting_text(p["weighting"]),
         WEIGHTING_SOURCES.get(p["weighting"].get("method", "entropy"), WEIGHTING_SOURCES["entropy"]))),
        ("aggregation", (("综合集成", "Aggregation"), aggregation_text(agg),
         ("OECD/JRC 2008 Handbook, 6节; ipbench params 'aggregation'",
          "OECD/JRC 2008 Handbook, sec. 6; ipbench params 'aggregation'"))),
        *(("coupling", r) for r in coupling_rows(p.get("matching") or [], norm)),
        ("lq", (("区位熵", "Location quotient"),
         ("LQ_i=(e_i/e_t)/(E_i/E_t)，参照为评价范围内全部区域；LQ>1 为专业化。",
          "LQ_i=(e_i/e_t)/(E_i/E_t), reference = all regions in scope; LQ>1 = specialised."),
         ("DOMAIN.md §4（区位熵标准定义）", "DOMAIN.md §4 (standard definition)"))),
        ("share_matching", (("份额匹配度", "Share matching"),
         ("M_i=1−|s_a−s_b|/(s_a+s_b)，s_a、s_b 为区域在评价范围内的发明专利授权量份额与增加值份额；"
          "1 为两份额相同，越小越不匹配，一方份额为 0 时为 0。",
          "M_i=1−|s_a−s_b|/(s_a+s_b), s_a and s_b = the region's shares of the scope's invention"
          " grants and value added; 1 = equal shares, lower = less matched, 0 when one share is 0."),
         ("DOMAIN.md §3（份额型空间匹配）", "DOMAIN.md §3 (share-based spatial matching)"))),
        ("concentration", (("集中度", "Concentration"),
         ("基尼系数、赫芬达尔指数 HHI=Σs_i²（下限 1/n）、CRk=前k位份额之和。",
          "Gini, HHI=Σs_i² (floor 1/n), CRk = sum of the k largest shares."),
         ("标准定义", "standard definitions"))),
        ("intensive", (("专利密集型产业（规则）", "Patent-intensive industries (rule)"),
         ("发明专利密集度、规模均达到规定标准的产业（国家统计局、国家知识产权局）。本报告：密集度="
          f"{window}年窗口期发明专利授权量 ÷ 窗口期年均从业人员（万人）；门槛：{dens_zh}；规模门槛："
          f"{scale_zh}；两项均严格高于门槛为密集型。产业比较口径：{basis_zh}（参数 intensive.basis）；区域页的"
          "“本产业内各区域”与本产业全部区域的平均比较。官方数值门槛未经核实，故作为参数。",
          "industries whose invention-patent density and scale both reach set standards (NBS &"
          f" CNIPA). Here: density = invention grants in the {window}-year window ÷ average annual"
          f" employment (10k persons); threshold: {dens_en}; scale threshold: {scale_en}; both"
          f" strictly above = intensive. Industries: {basis_en} (params intensive.basis); 'regions"
          " within an industry' with that industry's average over all regions. Official numeric"
          " thresholds are not verified, hence parameters."),
         ("国家统计局《知识产权(专利)密集型产业统计分类(2019)》；国家统计局、国家知识产权局"
          "《2022年全国专利密集型产业增加值数据公告》(2023-12-29)",
          "NBS, IP (patent)-intensive industries statistical classification (2019); NBS & CNIPA,"
          " 2022 value added of patent-intensive industries (2023-12-29)"))),
        ("peers", (("对标比较", "Peer comparison"),
         ("对标组内排名（1=最优），取值相同（相对差<0.1%）记为并列。与参照单位比较时，比率、强度、"
          "人均类指标取参照单位本身的值；总量指标取参照单位平均每个下级单位的值（参照总量÷下级单位数，"
          "如全国÷31个省），不与参照总量直接比较（表中“参照口径”一列逐项注明）。",
          "rank within the peer group (1 = best); values within 0.1 % of each other tie. Against the"
          " reference unit, ratios, intensities and per-capita indicators are compared with the"
          " reference's own value, totals with its average per sub-unit (its total ÷ its number of"
          " sub-units, e.g. national ÷ 31 provinces), never with its total (the table's column"
          " 'reference basis' says which, row by row)."),
         ("DOMAIN.md §7", "DOMAIN.md §7"))),
        ("guidance", (("导向目录", "Guidance catalogue"),
         (f"知识产权优势与产业优势（区位熵）门槛 {gd.get('ip_cut', 1.0)}/{gd.get('industry_cut', 1.0)}，"
          f"容差 {gd.get('tolerance', 0.05)}，增长门槛 {gd.get('growth_cut', 0.0)}，窗口 {gd.get('window', 3)}年。",
          f"IP and industry advantage (LQ) cuts {gd.get('ip_cut', 1.0)}/{gd.get('industry_cut', 1.0)},"
          f" tolerance {gd.get('tolerance', 0.05)}, growth cut {gd.get('growth_cut', 0.0)},"
          f" window {gd.get('window', 3)} years."),
         ("张莉、单晓光, 科技进步与对策 2021, 38(15)（象限法）", "Zhang & Shan, Sci. Tech. Progress & Policy 2021, 38(15) (quadrants)"))),
        ("targets", (("规划目标外推", "Target projections"),
         ("线性：OLS y=a+bt，达标年 t*=(目标−a)/b；复合增速：g=(y末/y初)^(1/年数)−1，"
          "t*=t末+ln(目标/y末)/ln(1+g)。两种外推结论不一致时如实标注“不一致”。",
          "linear: OLS y=a+bt, t*=(target−a)/b; compound: g=(y_last/y_first)^(1/years)−1,"
          " t*=t_last+ln(target/y_last)/ln(1+g). When the two disagree the verdict says so."),
         ("ipbench.analysis.targets", "ipbench.analysis.targets"))),
        ("robustness", (("排名稳健性", "Rank robustness"), robustness_text(rob, _n_factors(res)),
         ("Saltelli et al. 2008, Global Sensitivity Analysis; OECD/JRC 2008 Handbook on"
          " Constructing Composite Indicators", "Saltelli et al. 2008; OECD/JRC 2008 Handbook"))),
    ]
    if uses(res, "lagging", sections):
        lag = p.get("lagging", {}) or {}
        firm = float(lag.get("firm_share", 0.8))
        norms = "、".join(str(x) for x in (rob.get("normalisations") or [norm["method"]]))
        rows.append(("lagging", (("滞后判断稳定性", "Firmness of the lagging-side call"),
                     (f"每对匹配关系在基准年以异常值处理开/关 × 标准化方法（{norms}）的各组合重算；与本次"
                      f"判断一致的组合占比 ≥ {firm:.0%}（参数 lagging.firm_share）为“稳定”，否则为“不稳定”。",
                      f"Each pair is recomputed in the base year with outlier treatment on/off ×"
                      f" each normalisation ({norms}); the call is firm when at least {firm:.0%}"
                      " of the variants agree (params lagging.firm_share)."),
                     ("ipbench 的稳定性检验（ipbench.steps.lagging），变体取自排名稳健性的方法组合",
                      "ipbench's own check (ipbench.steps.lagging); the variants are those of the"
                      " rank robustness"))))
    from ipbench.reports.labels import LABELS

    rows.append(("count", (LABELS["ls_m_count"], LABELS["ls_m_count_def"], LABELS["ls_m_count_src"])))
    i = 1 if en else 0
    return [(t[i], d[i], s[i]) for key, (t, d, s) in rows if uses(res, key, sections)]


ACROSS = {"panel": ("全部区域与年份合并计算（各年可比）", "all regions and years pooled (years comparable)"),
          "year": ("逐年分别计算", "each year on its own")}


def normalisation_text(norm: dict[str, Any]) -> tuple[str, str]:
    """The normalisation the run used (params ``normalization``: method, scale, across), with
    its formula (:mod:`ipbench.normalize`)."""
    method, s = str(norm.get("method", "minmax")), float(norm.get("scale", 1))
    zh_across, en_across = ACROSS.get(str(norm.get("across", "panel")), ("", ""))
    if method == "minmax":
        zh = (f"极差标准化：正向指标 x'={s:g}·(x−min)/(max−min)，逆向指标 x'={s:g}·(max−x)/(max−min)，"
              f"取值 0–{s:g}")
        en = (f"min–max: benefit x'={s:g}·(x−min)/(max−min), cost x'={s:g}·(max−x)/(max−min),"
              f" range 0–{s:g}")
    elif method == "zscore":
        zh, en = ("Z分数：z=(x−均值)/标准差（总体标准差），逆向指标乘以−1",
                  "z-scores: z=(x−mean)/sd (population sd), cost indicators multiplied by −1")
    elif method == "rank":
        zh, en = ("排序分数：最差=1、最好=n，并列取较小名次，逆向指标反向排序",
                  "rank scores: worst = 1, best = n, ties take the lower rank, cost indicators reversed")
    else:
        zh, en = ("百分位名次：(名次−1)/(n−1)，最差=0、最好=1，逆向指标反向排序",
                  "percentile ranks: (rank−1)/(n−1), worst = 0, best = 1, cost indicators reversed")
    return f"{zh}；{zh_across}。", f"{en}; {en_across}."


WEIGHTING_FORMULAS = {
    "equal": ("等权：w_j=1/n", "equal weights: w_j=1/n"),
    "std": ("标准差法：w_j=σ_j/Σσ_k（σ取自极差标准化后的指标）",
            "standard deviation: w_j=σ_j/Σσ_k (σ of the min–max normalised indicators)"),
    "entropy": ("熵值法：p_ij=y_ij/Σ_i y_ij（y 为极差标准化值），e_j=−(1/ln m)Σ_i p_ij ln p_ij，"
                "w_j=(1−e_j)/Σ_k(1−e_k)",
                "entropy: p_ij=y_ij/Σ_i y_ij (y min–max normalised), e_j=−(1/ln m)Σ_i p_ij ln p_ij,"
                " w_j=(1−e_j)/Σ_k(1−e_k)"),
    "critic": ("CRITIC法：C_j=σ_j·Σ_k(1−r_jk)（极差标准化后，r 为皮尔逊相关系数），w_j=C_j/ΣC_k",
               "CRITIC: C_j=σ_j·Σ_k(1−r_jk) (after min–max normalisation, r Pearson), w_j=C_j/ΣC_k"),
    "pca": ("主成分法：旋转（varimax）载荷平方按因子方差标准化，每个指标取其载荷最大的因子，"
            "w_j∝s_jf·V_f/ΣV_g，归一化",
            "principal components: squared rotated (varimax) loadings scaled by factor variance,"
            " each indicator on its largest factor, w_j∝s_jf·V_f/ΣV_g, normalised"),
    "ahp": ("层次分析法：专家判断矩阵的主特征向量，一致性比率 CR=CI/RI",
            "AHP: principal eigenvector of the experts' judgment matrices, consistency ratio CR=CI/RI"),
}
WEIGHTING_SOURCES = {
    "entropy": ("李恒吉等, ChinaXiv:202102.00039V1, 2.2节", "Li Hengji et al., ChinaXiv:202102.00039V1, sec. 2.2"),
    "critic": ("Diakoulaki 等, Comput. Oper. Res. 1995, 22(7):763", "Diakoulaki et al., Comput. Oper. Res. 1995, 22(7):763"),
    "pca": ("OECD/JRC 2008 Handbook, 6.1节", "OECD/JRC 2008 Handbook, sec. 6.1"),
    "ahp": ("Saaty 1980, The Analytic Hierarchy Process", "Saaty 1980, The Analytic Hierarchy Process"),
    "equal": ("OECD/JRC 2008 Handbook, 6节", "OECD/JRC 2008 Handbook, sec. 6"),
    "std": ("OECD/JRC 2008 Handbook, 6节", "OECD/JRC 2008 Handbook, sec. 6"),
}


def weighting_text(spec: dict[str, Any]) -> tuple[str, str]:
    """The weighting the run used (params ``weighting``): the objective method's formula, the
    AHP judgments (:func:`ipbench.steps.weight._ahp_weights`) and how the two were combined."""
    method = str(spec.get("method", "entropy"))
    zh, en = WEIGHTING_FORMULAS.get(method, (method, method))
    ahp = spec.get("ahp")
    if not ahp:
        return f"{zh}。", f"{en}."
    n = len(ahp.get("experts") or [])
    agg, cr = str(ahp.get("method", "aij")).upper(), float(ahp.get("cr_threshold", 0.1))
    if agg == "AIP":
        how_zh = f"{n}位专家各自判断矩阵的主特征向量按专家权重加权几何平均（AIP）"
        how_en = f"the principal eigenvectors of {n} expert(s)' matrices, weighted geometric mean (AIP)"
    else:
        how_zh = f"{n}位专家的判断矩阵按专家权重逐元素加权几何平均（AIJ）后的主特征向量"
        how_en = (f"the principal eigenvector of {n} expert(s)' matrices combined element-wise by the"
                  " weighted geometric mean (AIJ)")
    zh_a = (f"层次分析法权重 a：{how_zh}（Forman & Peniwati 1998；一致性比率 CR=CI/RI，门槛 {cr:g}），"
            "比较对象为子系统时子系统权重在其指标间平分")
    en_a = (f"AHP weights a: {how_en} (Forman & Peniwati 1998; consistency ratio CR=CI/RI, threshold"
            f" {cr:g}); when subsystems are compared, a subsystem's weight is split equally among its"
            " indicators")
    if method == "ahp":
        return f"{zh_a}。", f"{en_a}."
    c = spec.get("combine") or {}
    if c.get("method", "multiplicative") == "linear":
        al = float(c.get("alpha", 0.5))
        how_zh, how_en = (f"线性组合 μ_j={al:g}·a_j+{1 - al:g}·w_j", f"combined linearly, μ_j={al:g}·a_j+{1 - al:g}·w_j")
    else:
        how_zh, how_en = ("乘法组合 μ_j=a_j·w_j/Σ_k a_k·w_k", "combined multiplicatively, μ_j=a_j·w_j/Σ_k a_k·w_k")
    return f"客观权重 w 为{zh}；{zh_a}；两者{how_zh}。", f"objective weights w by {en}; {en_a}; {how_en}."


def aggregation_text(method: str) -> tuple[str, str]:
    """The aggregation up the indicator tree (params ``aggregation.method``;
    :func:`ipbench.steps.aggregate.aggregate_panel`)."""
    share = ("w_c 为下级 c 所含指标的权重之和占本级的比重",
             "w_c = the summed weights of the indicators under c, as a share of the level's")
    if method == "geometric":
        return (f"加权几何平均：指标→子系统→综合逐级集成，每级得分 U=Π x_c^(w_c)（{share[0]}）。",
                f"weighted geometric mean: indicators → subsystems → composite, each level's score"
                f" U=Π x_c^(w_c) ({share[1]}).")
    return (f"加权算术平均：指标→子系统→综合逐级集成，每级得分 U=Σ w_c x_c（{share[0]}），"
            "故综合得分=Σ_j μ_j x'_j（μ 为指标权重，x' 为标准化值）。",
            f"weighted arithmetic mean: indicators → subsystems → composite, each level's score"
            f" U=Σ w_c x_c ({share[1]}), so the composite = Σ_j μ_j x'_j (μ the indicator weights,"
            " x' the normalised values).")


def coupling_rows(pairs: Sequence[dict[str, Any]], norm: dict[str, Any] | None = None) -> list[Row]:
    """The coupling-coordination and grade rows of the appendix, as the run's matching pairs
    set them (weights α, β; classic or modified C; bands and their closed side), one row per
    distinct setting (naming its pairs when the pairs differ); ``norm`` (params
    ``normalization``) says how the subsystem scores U were brought to 0–1
    (:func:`ipbench.steps.match.unit_scores`)."""
    from ipbench.matching import _resolve_bands

    pairs = list(pairs) or [{}]
    formulas: dict[tuple, list[str]] = {}
    grades: dict[tuple, list[str]] = {}
    for pair in pairs:
        name = str(pair.get("name", ""))
        w = tuple(float(x) for x in pair.get("weights") or (0.5, 0.5))
        formulas.setdefault((w, bool(pair.get("modified", False))), []).append(name)
        grades.setdefault((str(pair.get("bands", "ten")), str(pair.get("closed", "right"))),
                          []).append(name)

    def which(names: list[str], table: dict) -> tuple[str, str]:
        return ((f"（{'、'.join(names)}）", f" ({', '.join(names)})") if len(table) > 1 else ("", ""))

    norm = norm or {}
    if str(norm.get("method", "minmax")) == "minmax":
        sc = float(norm.get("scale", 1))
        u_zh = f"U₁、U₂ 为两子系统得分折算到 0–1（得分 ÷ {sc:g}）" if sc != 1 else "U₁、U₂ 为两子系统得分（0–1）"
        u_en = f"U₁, U₂ = the two subsystem scores on 0–1 (score ÷ {sc:g})" if sc != 1 else \
            "U₁, U₂ = the two subsystem scores (0–1)"
    else:
        u_zh = "U₁、U₂ 为两子系统得分在全部区域与年份上重新极差标准化到 0–1"
        u_en = "U₁, U₂ = the two subsystem scores rescaled to 0–1 over all regions and years (min–max)"
    rows: list[Row] = []
    for (w, modified), names in formulas.items():
        c_zh = ("C=√[(1−|U₂−U₁|)·min(U₁,U₂)/max(U₁,U₂)]（修正模型）" if modified
                else "C=2√(U₁U₂)/(U₁+U₂)")
        c_en = ("C=√[(1−|U₂−U₁|)·min(U₁,U₂)/max(U₁,U₂)] (modified model)" if modified
                else "C=2√(U₁U₂)/(U₁+U₂)")
        t = f"T=αU₁+βU₂（α={w[0]:g}，β={w[1]:g}）"
        t_en = f"T=αU₁+βU₂ (α={w[0]:g}, β={w[1]:g})"
        z, e = which(names, formulas)
        rows.append(((f"耦合协调度{z}", f"Coupling coordination{e}"),
                     (f"{c_zh}，{t}，D=√(C·T)；{u_zh}。", f"{c_en}, {t_en}, D=√(C·T); {u_en}."),
                     ("王淑佳等, 自然资源学报 2021, 36(3):793",
                      "Wang Shujia et al., J. Nat. Resources 2021, 36(3):793")))
    for (name, closed), names in grades.items():
        b = _resolve_bands(name)
        right = closed == "right"
        k = len(b.labels_zh)
        spans = b.intervals(closed)
        zh = "；".join(f"{sp}{lab}" for sp, lab in zip(spans, b.labels_zh, strict=True))
        en = "; ".join(f"{sp} {lab.lower()}" for sp, lab in zip(spans, b.labels_en, strict=True))
        side_zh, side_en = ("左开右闭", "left-open, right-closed") if right else ("左闭右开", "left-closed, right-open")
        z, e = which(names, grades)
        rows.append(((f"协调等级{z}", f"Coordination grades{e}"),
                     (f"按 D 分{k}级：{zh}（{side_zh}）。D 一般显示两位小数；四舍五入会使显示值落入相邻等级时多显示"
                      "小数位（如 D=0.8022 显示为 0.802 而非 0.80），使显示值与其等级一致。",
                      f"{k} bands of D: {en} ({side_en}). D is shown with two decimals, or more where"
                      " rounding would put the shown figure in the next band (D = 0.8022 is shown as"
                      " 0.802, not 0.80), so that the figure agrees with its grade."),
                     BAND_SOURCES.get(name, ("ipbench params 'matching.bands'",) * 2)))
    return rows


def _n_factors(res: Results) -> int | None:
    """Method choices varied in the Sobol design (rows of ``robustness_sensitivity``)."""
    return len(res["robustness_sensitivity"]) if "robustness_sensitivity" in res else None


def robustness_text(rob: dict[str, Any], factors: int | None) -> tuple[str, str]:
    """How many method combinations the rank intervals and the Sobol indices rest on: ``n``
    draws, or under Sobol's design (Saltelli 2010) 2n for the ranks (the A and B samples) and
    n(d+2) runs for the indices (:mod:`ipbench.robustness`)."""
    n, noise, seed = rob.get("n", 1000), rob.get("weight_noise", 0.2), rob.get("seed", "")
    tail_zh = f"（权重扰动 {noise}，随机种子 {seed}）；基准组合即本次评价的方法，故其排名等于评价排名。"
    tail_en = (f" (weight noise {noise}, seed {seed}); the nominal combination is the evaluation's own,"
               " so its rank equals the evaluation rank.")
    if rob.get("sobol", True) and factors:
        runs = n * (factors + 2)
        return (f"蒙特卡洛：排名区间取自 2n={2 * n} 次方法组合抽样（Saltelli 设计的 A、B 两组，n={n}），"
                f"Sobol 敏感性指数取自全部 n(d+2)={runs} 次运行（d={factors} 个方法选择）" + tail_zh,
                f"Monte Carlo: the rank intervals rest on 2n = {2 * n} draws of method combinations (the"
                f" A and B samples of Saltelli's design, n = {n}), the Sobol indices on all"
                f" n(d+2) = {runs} runs (d = {factors} method choices)" + tail_en)
    return (f"蒙特卡洛 {n} 次方法组合抽样" + tail_zh, f"Monte Carlo over {n} method combinations" + tail_en)
