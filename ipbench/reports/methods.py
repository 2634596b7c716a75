"""The methods appendix: every definition and threshold a report uses, with its source.

Rows are (term, definition, source) in the report's language; values of thresholds come from
the run's params, so the appendix states what was used, not a default. A page states only the
terms it uses: each kind of page lists the terms its sections can use (the view's ``TERMS``),
and a term appears when the run made a result it rests on (:data:`USES`; an analysis skipped
for want of data defines nothing).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ipbench.runfolder import Results

Row = tuple[tuple[str, str], tuple[str, str], tuple[str, str]]
#: term key → the results, (table, column or ""), any of which the run must hold (non-empty; a
#: column with some value) for a page to state the term; no results: every page states it.
#: Which terms a kind of page can state at all is the view's ``TERMS``.
USES: dict[str, tuple[tuple[str, str], ...]] = {
    "normalisation": (), "weighting": (), "aggregation": (),
    "coupling": (("coupling", ""),),
    "lq_regions": (("situation_shares", "lq_ip_industry"), ("situation_shares", "lq_ip_population")),
    "lq_industries": (("industry_profile", "lq_ip"),),
    "share_matching": (("industry_profile", "share_matching"),),
    "quality": (("quality", ""),),
    "growth": (("dynamics_cagr", ""),),
    "elasticity": (("dynamics_elasticity", ""),),
    "gravity": (("dynamics_gravity", ""),),
    "concentration_regions": (("situation_concentration", ""),),
    "concentration_industries": (("industry_concentration", ""),),
    "intensive": (("intensive_regions", ""), ("intensive_industries", "")),
    "peers": (("peers", ""),),
    "guidance_regions": (("guidance_regions", ""),),
    "guidance_industries": (("guidance_industries", ""),),
    "targets": (("targets", ""),),
    "robustness": (("robustness_ranks", ""),),
    "lagging": (("lagging_stability", ""),),
    "count": (("industry_profile", ""),),
}


def uses(res: Results, key: str, terms: Sequence[str] | None = None) -> bool:
    """Whether a page that may state ``terms`` (None: any) states the term ``key``: it is one
    of them and the run holds a result it rests on (:data:`USES`)."""
    if terms is not None and key not in terms:
        return False

    def held(table: str, column: str) -> bool:
        if table not in res or not len(res[table]):
            return False
        t = res[table]
        return not column or (column in t.columns and bool(t[column].notna().any()))

    needs = USES[key]
    return not needs or any(held(t, c) for t, c in needs)


#: sources of the grade bands (:data:`ipbench.matching.TEN_BANDS`, ``FOUR_BANDS``)
BAND_SOURCES = {
    "ten": ("田深圳等, 地理学报 2021, 76(4):781, 表1", "Tian Shenzhen et al., Acta Geogr. Sinica 2021, 76(4):781, Tab. 1"),
    "four": ("李恒吉等, 干旱区地理 2021, 表2", "Li Hengji et al., Arid Land Geography 2021, Tab. 2"),
}


def methods_rows(res: Results, lang: str = "zh", terms: Sequence[str] | None = None
                 ) -> list[tuple[str, str, str]]:
    """The appendix rows (term, definition, source) of a page that may state ``terms`` (keys of
    :data:`USES`; None: every term the run uses), in ``lang``."""
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
        ("aggregation", (("综合集成", "Aggregation"),
         aggregation_text(agg, bool((p.get("indicators") or {}).get("hierarchy"))),
         ("OECD/JRC 2008 Handbook, 6节; ipbench params 'aggregation'",
          "OECD/JRC 2008 Handbook, sec. 6; ipbench params 'aggregation'"))),
        *(("coupling", r) for r in coupling_rows(p.get("matching") or [], norm)),
        ("lq_regions", (("区位熵（区域）", "Location quotient (regions)"),
         ("LQ_i=(x_i/Σx)/(y_i/Σy)：区域 i 的发明专利授权量份额 ÷ 其增加值（或人口）份额，Σ 为评价范围内全部区域；"
          "LQ>1 表示专利多于其产业（人口）规模所对应的水平。",
          "LQ_i=(x_i/Σx)/(y_i/Σy): region i's share of invention grants ÷ its share of value added"
          " (or population), Σ over the regions in scope; LQ>1 = more patents than its economy"
          " (population) would predict."),
         ("DOMAIN.md §4（区位熵标准定义）", "DOMAIN.md §4 (standard definition)"))),
        ("lq_industries", (("区位熵（产业）", "Location quotient (industries)"), industry_lq_text(res),
         ("DOMAIN.md §4（区位熵标准定义）", "DOMAIN.md §4 (standard definition)"))),
        ("share_matching", (("份额匹配度", "Share matching"),
         ("M_i=1−|s_a−s_b|/(s_a+s_b)，s_a、s_b 为区域在评价范围内的发明专利授权量份额与增加值份额；"
          "1 为两份额相同，越小越不匹配，一方份额为 0 时为 0。",
          "M_i=1−|s_a−s_b|/(s_a+s_b), s_a and s_b = the region's shares of the scope's invention"
          " grants and value added; 1 = equal shares, lower = less matched, 0 when one share is 0."),
         ("DOMAIN.md §3（份额型空间匹配）", "DOMAIN.md §3 (share-based spatial matching)"))),
        *dynamics_rows(p.get("dynamics") or {}),
        ("quality", (("布局质量", "Layout quality"), quality_text(p.get("quality") or {}, [
            c for c in QUALITY_DEFS if "quality" in res and c in res["quality"].columns]),
         ("DOMAIN.md §1、§3、§4；ipbench.analysis.quality", "DOMAIN.md §1, §3, §4; ipbench.analysis.quality"))),
        *((k, (("集中度", "Concentration"), concentration_text(),
         ("Gini 1912；Cowell 2011, Measuring Inequality, 2章；Adelman 1969, Rev. Econ. Stat. 51(1):99；"
          "基尼系数分档沿用联合国惯例（文献常用，非官方标准）",
          "Gini 1912; Cowell 2011, Measuring Inequality, ch. 2; Adelman 1969, Rev. Econ. Stat. 51(1):99;"
          " Gini bands after the UN convention (common in the literature, not an official standard)")))
          for k in ("concentration_regions", "concentration_industries")),
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
        *((k, (("导向目录", "Guidance catalogue"), guidance_text(gd, k),
          ("张莉、单晓光, 科技进步与对策 2021, 38(15)（改进象限法）；ipbench.analysis.guidance",
           "Zhang & Shan, Sci. Tech. Progress & Policy 2021, 38(15) (quadrants); ipbench.analysis.guidance")))
          for k in ("guidance_regions", "guidance_industries")),
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
    lag = p.get("lagging", {}) or {}
    firm = float(lag.get("firm_share", 0.8))
    listed = [str(x) for x in (rob.get("normalisations") or [norm["method"]])]
    norms, norms_en = "、".join(listed), ", ".join(listed)
    rows.append(("lagging", (("滞后判断稳定性", "Firmness of the lagging-side call"),
                 (f"每对匹配关系在基准年以异常值处理开/关 × 标准化方法（{norms}）的各组合重算；与本次"
                  f"判断一致的组合占比 ≥ {firm:.0%}（参数 lagging.firm_share）为“稳定”，否则为“不稳定”。",
                  f"Each pair is recomputed in the base year with outlier treatment on/off ×"
                  f" each normalisation ({norms_en}); the call is firm when at least {firm:.0%}"
                  " of the variants agree (params lagging.firm_share)."),
                 ("ipbench 的稳定性检验（ipbench.steps.lagging），变体取自排名稳健性的方法组合",
                  "ipbench's own check (ipbench.steps.lagging); the variants are those of the"
                  " rank robustness"))))
    from ipbench.reports.labels import LABELS

    rows.append(("count", (LABELS["ls_m_count"], LABELS["ls_m_count_def"], LABELS["ls_m_count_src"])))
    i = 1 if en else 0
    out = [(t[i], d[i], s[i]) for key, (t, d, s) in rows if uses(res, key, terms)]
    return list(dict.fromkeys(out))  # a row shared by two terms (concentration) once


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


def industry_lq_text(res: Results) -> tuple[str, str]:
    """The industries' location quotient (step ``industry``): against ``scope.reference`` when
    the data hold its industries, else against the regions in scope together."""
    ref = str(res.params["scope"].get("reference") or "")
    f = res["facts"] if "facts" in res else None
    has_ref = bool(ref) and f is not None and bool(
        ((f["region_code"].astype(str) == ref) & (f["industry_code"] != "ALL")).any())
    if has_ref:
        r = res["regions"].set_index("region_code") if "regions" in res else None
        zh_name = str(r.at[ref, "name_zh"]) if r is not None and ref in r.index else ref
        en_name = str(r.at[ref, "name_en"]) if r is not None and ref in r.index else ref
        ref_zh, ref_en = f"参照单位{zh_name}（参数 scope.reference）", f"the reference unit {en_name} (params scope.reference)"
    else:
        ref_zh, ref_en = "评价范围内全部区域合计", "the regions in scope together"
    return (f"LQ_ij=(e_ij/e_i)/(E_j/E)：e_ij 为区域 i 产业 j 的发明专利授权量（或增加值），e_i 为区域 i 全部产业合计；"
            f"E_j、E 为{ref_zh}的对应量；LQ>1 为该产业在区域内相对专业化。",
            f"LQ_ij=(e_ij/e_i)/(E_j/E): e_ij = region i's invention grants (or value added) in"
            f" industry j, e_i = region i's all-industry total; E_j, E the same for {ref_en};"
            " LQ>1 = the region is specialised in the industry.")


def guidance_text(gd: dict[str, Any], key: str) -> tuple[str, str]:
    """The quadrant rule of the guidance catalogue (:mod:`ipbench.analysis.guidance`, step
    ``guidance``) with the run's cuts, for the regions or for each region's industries."""
    def cut(v: Any) -> tuple[str, str]:
        if isinstance(v, str):  # "mean" / "median" of the units
            return ({"mean": "各单元均值", "median": "各单元中位数"}.get(v, v), f"the units' {v}")
        return f"{float(v):g}", f"{float(v):g}"

    (ip, ip_en), (ind, ind_en) = cut(gd.get("ip_cut", 1.0)), cut(gd.get("industry_cut", 1.0))
    tol, g, win = float(gd.get("tolerance", 0.05)), float(gd.get("growth_cut", 0.0)), int(gd.get("window", 3))
    if key == "guidance_regions":
        zh = "各区域：知识产权优势 a=发明专利授权量对人口的区位熵，产业优势 b=增加值对人口的区位熵"
        en = ("regions: IP advantage a = location quotient of invention grants against population,"
              " industry advantage b = that of value added against population")
    else:
        zh = "区域的各产业：知识产权优势 a=专利区位熵，产业优势 b=增加值区位熵（见区位熵（产业））"
        en = ("each region's industries: IP advantage a = patent location quotient, industry advantage"
              " b = value-added location quotient (see location quotient, industries)")
    return (f"{zh}。a≥{ip} 且 b≥{ind} 为优势型；a≥{ip}、b<{ind} 为潜力型；a<{ip}、b≥{ind} 为短板型；"
            f"两者均低于门槛为一般型。与门槛相差不超过门槛的{tol:.0%}视为持平，持平时按近{win}年的年均复合增长率"
            f"是否高于{g:g}归入高侧或低侧（增长率缺失按0计）。象限法为设计选择，非官方公式（参数 guidance）。",
            f"{en}. a≥{ip_en} and b≥{ind_en}: advantaged; a≥{ip_en}, b<{ind_en}: potential; a<{ip_en},"
            f" b≥{ind_en}: weak link; both below: ordinary. Within {tol:.0%} of its cut a value ties, and"
            f" goes to the high side when its CAGR over the last {win} years exceeds {g:g} (a missing"
            " growth counts as 0). The quadrant rule is a design choice, not an official formula"
            " (params guidance).")


def dynamics_rows(spec: dict[str, Any]) -> list[tuple[str, Row]]:
    """Growth, elasticity and centre-of-gravity rows (step ``dynamics``,
    :mod:`ipbench.analysis.dynamics`) with the run's settings (params ``dynamics``)."""
    alpha, cov = float(spec.get("alpha", 0.05)), str(spec.get("cov_type", "HC1"))
    lvl = f"{100 * (1 - alpha):g}%"
    if cov == "nonrobust":
        se_zh, se_en = "b±t_(n−2)·s.e.，普通OLS标准误", "b±t_(n−2)·s.e. with ordinary OLS standard errors"
    else:  # statsmodels draws robust intervals from the normal distribution
        se_zh = f"b±z·s.e.（正态近似），{cov} 异方差稳健标准误"
        se_en = f"b±z·s.e. (normal approximation) with {cov} heteroskedasticity-robust standard errors"
    return [
        ("growth", (("增长率与年均复合增长率", "Growth and CAGR"),
                    ("增长率 g_t=x_t/x_(t−1)−1（缺年不跨年计算）；年均复合增长率 CAGR=(x_末/x_初)^(1/年数)−1。",
                     "growth g_t=x_t/x_(t−1)−1 (never across a missing year); CAGR=(x_last/x_first)^(1/years)−1."),
                    ("标准定义", "standard definitions"))),
        ("elasticity", (("弹性", "Elasticity"),
                        (f"ln y=a+b·ln x 的 OLS 估计，b 为弹性（x 增长1%时 y 增长的百分比）；全部区域×年份合并为一个样本"
                         f"（混合回归，未控制区域与年份效应），另列基准年截面；{lvl}置信区间 {se_zh}。同一区域各年"
                         "的误差相关时，该区间偏窄。区间在1以上为富有弹性，在1以下为缺乏弹性，含1为与单位弹性无显著差异。",
                         f"OLS of ln y=a+b·ln x, b the elasticity (% change of y per 1 % of x); all region-years as one"
                         f" sample (pooled, no region or year effects), the base year's cross-section beside it; {lvl}"
                         f" interval {se_en}. Where a region's errors are correlated over years the"
                         " interval is too narrow. Above 1 = elastic, below 1 = inelastic, containing 1 = not"
                         " distinguishable from unit elasticity."),
                        (f"ipbench.analysis.dynamics（statsmodels OLS，参数 dynamics.alpha={alpha:g}、dynamics.cov_type={cov}）",
                         f"ipbench.analysis.dynamics (statsmodels OLS, params dynamics.alpha={alpha:g},"
                         f" dynamics.cov_type={cov})"))),
        ("gravity", (("重心", "Centre of gravity"),
                     ("重心经纬度=Σz_i·(经度_i, 纬度_i)/Σz_i，z 为各区域的量，坐标为各区域多边形在等积投影下的面积中心；"
                      "年际移动距离与区域间距离为大圆距离（haversine，地球半径6371 km），方向为自北顺时针的方位角。",
                      "centre (lon, lat)=Σz_i·(lon_i, lat_i)/Σz_i, z the regions' values, each region at its"
                      " polygon's area centre (equal-area projection); moves and distances are great-circle"
                      " (haversine, Earth radius 6371 km), directions are bearings clockwise from north."),
                     ("李恒吉等, ChinaXiv:202102.00039V1, 2.5节", "Li Hengji et al., ChinaXiv:202102.00039V1, sec. 2.5"))),
    ]


def concentration_text() -> tuple[str, str]:
    """Gini, HHI and CRk as :mod:`ipbench.analysis.concentration` computes them, and the Gini
    bands that word the sentences (``GINI_BANDS``, closed on the right)."""
    from ipbench.analysis.concentration import GINI_BANDS

    spans = GINI_BANDS.intervals()
    zh = [f"{sp}{lab}" for sp, lab in zip(spans, GINI_BANDS.labels_zh, strict=True)]
    en = [f"{sp} {lab}" for sp, lab in zip(spans, GINI_BANDS.labels_en, strict=True)]
    return ("基尼系数 G=Σ_iΣ_j|x_i−x_j|/(2n²x̄)（总体式）；赫芬达尔指数 HHI=Σs_i²（s 为份额，下限 1/n），1/HHI 为"
            f"等效的等规模单元数；CRk=前k位份额之和。文字描述按基尼系数分档：{'；'.join(zh)}。",
            "Gini G=Σ_iΣ_j|x_i−x_j|/(2n²x̄) (population form); HHI=Σs_i² (s the shares, floor 1/n),"
            " 1/HHI the 'equivalent number of equal-sized units'; CRk = sum of the k largest shares."
            f" Sentences word the Gini by band: {'; '.join(en)}.")


QUALITY_DEFS = {
    "invention_share": ("发明专利占比=发明专利授权量÷专利授权总量（三种专利）",
                        "invention share = invention grants ÷ all grants (three types)"),
    "patents_per_rd": ("单位研发投入专利产出=发明专利授权量÷R&D经费内部支出（亿元）",
                       "patents per unit of R&D = invention grants ÷ R&D expenditure (100 million yuan)"),
    "high_value_per_10k": ("每万人口高价值发明专利拥有量=高价值发明专利拥有量÷常住人口（万人）",
                           "high-value invention patents per 10,000 people = high-value invention"
                           " patents in force ÷ resident population (10k)"),
}


def quality_text(spec: dict[str, Any], computed: Sequence[str] = tuple(QUALITY_DEFS)) -> tuple[str, str]:
    """The layout-quality indicators ``computed`` and their composite (step ``quality``;
    :func:`ipbench.analysis.quality.quality_composite`), with the run's weights."""
    w = spec.get("weights")
    if w:
        ws = "，".join(f"{k} {float(v):g}" for k, v in w.items())
        w_zh = f"权重取参数 quality.weights（{ws}），按可计算的指标归一"
        w_en = f"weights from params quality.weights ({ws.replace('，', ', ')}), renormalised over the indicators computed"
    else:
        k = len(computed)
        w_zh, w_en = f"{k}项指标等权（各1/{k}）", f"equal weights (1/{k} each) over the {k} indicators"
    defs = [QUALITY_DEFS[c] for c in QUALITY_DEFS if c in computed]
    return ("；".join(d[0] for d in defs) + "。布局质量综合得分 Q_i=Σ_j w_j x'_ij，x' 为当年各区域间的极差标准化值"
            f"（0–1，逆向指标反向），{w_zh}。",
            "; ".join(d[1] for d in defs) + ". Composite Q_i=Σ_j w_j x'_ij, x' = min–max across the"
            f" regions in the year (0–1, cost indicators reversed), {w_en}.")


def aggregation_text(method: str, dimensions: bool = False) -> tuple[str, str]:
    """The aggregation up the indicator tree (params ``aggregation.method``; ``dimensions``:
    the tree has a dimension level, params ``indicators.hierarchy``;
    :func:`ipbench.steps.aggregate.aggregate_panel`)."""
    share = ("w_c 为下级 c 所含指标的权重之和占本级的比重",
             "w_c = the summed weights of the indicators under c, as a share of the level's")
    tree_zh = "指标→子系统→维度→综合" if dimensions else "指标→子系统→综合"
    tree_en = "indicators → subsystems → dimensions → composite" if dimensions else \
        "indicators → subsystems → composite"
    if method == "geometric":
        return (f"加权几何平均：{tree_zh}逐级集成，每级得分 U=Π x_c^(w_c)（{share[0]}）。",
                f"weighted geometric mean: {tree_en}, each level's score U=Π x_c^(w_c) ({share[1]}).")
    return (f"加权算术平均：{tree_zh}逐级集成，每级得分 U=Σ w_c x_c（{share[0]}），"
            "故综合得分=Σ_j μ_j x'_j（μ 为指标权重，x' 为标准化值）。",
            f"weighted arithmetic mean: {tree_en}, each level's score U=Σ w_c x_c ({share[1]}), so the"
            " composite = Σ_j μ_j x'_j (μ the indicator weights, x' the normalised values).")


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
