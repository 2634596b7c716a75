"""The formatting policy, the language helper, the kinds table and the document frame of the
views (issue 10: units with numbers, no raw codes, numbered tables, local time)."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from ipbench.reports import fmt
from ipbench.reports.kinds import KINDS, ONLY_RE
from ipbench.reports.lang import Lang
from ipbench.reports.provenance import local_time


def test_counts_are_whole_numbers():
    """47,255.00 件 → 47,255; fractional counts (IPC fractional counting) too."""
    f = fmt.for_unit("件", "count")
    assert fmt.format_values(pd.Series([47255.0, 714.9166]), f).to_list() == ["47,255", "715"]
    assert f.decimals == 0 and fmt.for_unit("家").kind == "count"


def test_money_in_yi_or_wan_by_magnitude():
    """676,800,000,000.000 yuan → 6,768.00 亿元; small sums in 万元."""
    big = fmt.for_unit("元", "money", [676_800_000_000.0, 1e11])
    assert big.unit_zh == "亿元" and fmt.format_cell(676_800_000_000.0, big) == "6,768.00"
    small = fmt.for_unit("元", "money", [3_500_000.0])
    assert small.unit_zh == "万元" and fmt.format_cell(3_500_000.0, small) == "350.0"
    assert fmt.for_unit("亿元").unit_zh == "亿元"


def test_fractions_and_growth_in_percent():
    """growth 0.124 → 12.4 (with % in the header)."""
    g = fmt.column_format("growth")
    assert fmt.format_cell(0.124, g) == "12.4" and g.unit_zh == "%"
    assert fmt.format_cell(98.04, fmt.column_format("attainment_pct")) == "98.0"
    assert fmt.for_unit("%").kind == "percent"


def test_scores_two_decimals_years_and_ranks_integers_booleans_words():
    assert fmt.format_cell(0.56123, fmt.column_format("D")) == "0.56"
    assert fmt.format_cell(2024, fmt.column_format("year")) == "2024"
    assert fmt.format_cell(3.0, fmt.column_format("rank")) == "3"
    assert fmt.format_values(pd.Series([True, False]), fmt.INTEGER).to_list() == ["是", "否"]
    assert fmt.format_values(pd.Series([True]), fmt.INTEGER, "en").to_list() == ["yes"]
    assert fmt.format_cell(float("nan"), fmt.SCORE) == "–"


def test_lang_helper_picks_columns_and_names():
    t = pd.DataFrame({"type_zh": ["优势型"], "type_en": ["Advantaged"], "zh": ["句"], "en": ["s"]})
    assert Lang("en").col(t, "type").iloc[0] == "Advantaged"
    assert Lang("zh").col(t, "").iloc[0] == "句"
    dim = pd.DataFrame({"region_code": ["320600"], "name_zh": ["南通市"], "name_en": [""]})
    assert Lang("en").names(dim, "region_code") == {"320600": "南通市"}  # empty en → zh


def test_kinds_table_drives_outputs_and_only():
    assert set(KINDS) >= {"overview", "region", "industry"}
    assert str(KINDS["region"].output("320600")) == "regions/320600.html"
    with pytest.raises(ValueError, match="not a validated code"):
        KINDS["region"].output("../x")
    assert ONLY_RE.fullmatch("industry:MARINE") and not ONLY_RE.fullmatch("atlas")
    for k in KINDS.values():  # every entry names a view class that exists
        assert k.view_class().KIND == k.name


def test_adding_a_kind_is_one_entry(monkeypatch, tmp_path):
    """A new kind in KINDS is planned by the runner with no other change."""
    from types import SimpleNamespace

    from ipbench.reports import kinds, runner

    extra = kinds.Kind("atlas", "overview.ipynb", "ipbench.reports.views.overview:OverviewView",
                       "atlas", None, lambda scope: ["atlas"])
    monkeypatch.setitem(kinds.KINDS, "atlas", extra)
    params = SimpleNamespace(name="x", title="T", lang="zh", scope=SimpleNamespace(
        regions=["320600"], industries=["ALL"]))
    project = SimpleNamespace(reports=tmp_path / "reports", notebooks=tmp_path / "nb")
    jobs = runner.plan(params, project, tmp_path, {}, None)
    assert [(j.kind, j.code) for j in jobs] == [("overview", "overview"), ("region", "320600"),
                                                 ("atlas", "atlas")]
    assert jobs[-1].output.endswith("atlas/atlas.html")


def test_run_time_is_local_with_offset():
    """Issue 10: the run time was shown in UTC."""
    assert local_time({"created": "2026-11-29T04:08:30+00:00"}) == "2026-11-29 12:08:30 +08:00"
    assert local_time({"created": "2026-11-29T04:08:30+00:00"},
                      {"timezone": "Europe/Berlin"}).endswith("+01:00")


def test_methods_appendix_states_rules_with_sources(demo_results):
    from ipbench.reports.methods import methods_rows

    rows = methods_rows(demo_results, "zh")
    text = " ".join(" ".join(r) for r in rows)
    assert "国家统计局" in text and "年均从业人员" in text and "王淑佳" in text
    # the industry pages' 份额匹配度 column is defined where it is used
    assert "份额匹配度" in text and "M_i=1−|s_a−s_b|/(s_a+s_b)" in text
    assert all(src for _, _, src in rows)


def test_methods_appendix_states_only_what_the_page_uses(demo_results):
    """A term is defined on a page that has a section using it, for an analysis that ran: the
    real provincial run skips the intensive, guidance and industry analyses (no employment or
    value added) and its overview defined their rules all the same."""
    from dataclasses import replace

    from ipbench.reports.methods import methods_rows
    from ipbench.reports.views.industry import IndustryView
    from ipbench.reports.views.overview import OverviewView
    from ipbench.reports.views.region import RegionView

    def terms(res, view) -> set[str]:
        return {t for t, _, _ in methods_rows(res, "zh", view.TERMS)}

    full = terms(demo_results, OverviewView)
    assert {"区位熵（区域）", "专利密集型产业（规则）", "导向目录", "规划目标外推", "耦合协调度", "弹性"} <= full
    # the overview has no peers and no industry profile
    assert not {"对标比较", "份额匹配度", "区位熵（产业）"} & full
    assert {"对标比较", "区位熵（产业）"} <= terms(demo_results, RegionView)
    industry = terms(demo_results, IndustryView)
    assert {"份额匹配度", "区位熵（产业）"} <= industry
    assert not {"耦合协调度", "排名稳健性", "对标比较", "区位熵（区域）", "弹性"} & industry
    for view in (OverviewView, RegionView, IndustryView):  # one row per term
        rows = [t for t, _, _ in methods_rows(demo_results, "zh", view.TERMS)]
        assert len(rows) == len(set(rows)), view
    gone = ("intensive_regions", "intensive_industries", "guidance_industries", "guidance_regions",
            "industry_profile")  # skipped analyses make no table; targets without plan targets an empty one
    tables = {k: v.iloc[0:0] if k == "targets" else v for k, v in demo_results.tables.items() if k not in gone}
    skipped = replace(demo_results, tables=tables)
    left = terms(skipped, OverviewView)
    assert not {"专利密集型产业（规则）", "导向目录", "规划目标外推", "计数口径"} & left
    assert {"区位熵（区域）", "集中度", "排名稳健性"} <= left  # the situation's shares still have LQs


def test_methods_appendix_formulas_are_the_runs(demo_results):
    """The appendix's normalisation, weighting and aggregation are those the run used, and a
    reader applying them by hand gets the page's composite: Σ_j μ_j x'_j with x' on 0–100."""
    from ipbench.reports.methods import methods_rows, normalisation_text, weighting_text

    rows = {t: d for t, d, _ in methods_rows(demo_results, "zh")}
    assert "x'=100·(x−min)/(max−min)" in rows["指标标准化"] and "取值 0–100；" in rows["指标标准化"]
    assert rows["指标赋权"].startswith("熵值法") and "故综合得分=Σ_j μ_j x'_j" in rows["综合集成"]
    assert "指标→子系统→维度→综合" in rows["综合集成"]  # the demo's tree has dimensions (indicators.hierarchy)
    w = demo_results["weights"].set_index("indicator")["weight"]
    x = demo_results["normalized"].set_index(["region_code", "year"])[w.index]
    comp = demo_results["composite"].set_index(["region_code", "year"])["score"]
    assert (x @ w).reindex(comp.index).to_numpy() == pytest.approx(comp.to_numpy())
    # the pair tables' U (0–1) are the sub-indices (0–100) ÷ 100, as the coupling row says
    assert "得分 ÷ 100" in rows["耦合协调度"]
    c = demo_results["coupling"].iloc[0]
    sub = demo_results["subindices"].set_index(["region_code", "year"])
    assert c["U1"] == pytest.approx(sub.at[(c["region_code"], c["year"]), c["a"]] / 100)
    # the layout-quality composite as its row defines it: equal weights over min-max scores
    assert "3项指标等权（各1/3）" in rows["布局质量"]
    q = demo_results["quality"]
    q = q[q["year"] == q["year"].max()].set_index("region_code")
    cols = ["invention_share", "patents_per_rd", "high_value_per_10k"]
    by_hand = ((q[cols] - q[cols].min()) / (q[cols].max() - q[cols].min())).mean(axis=1)
    assert by_hand.to_numpy() == pytest.approx(q["quality_composite"].to_numpy())
    # the elasticity as its row defines it: pooled log-log OLS over the region-years
    assert "混合回归" in rows["弹性"] and "HC1 异方差稳健标准误" in rows["弹性"]
    f = demo_results["facts"]
    f = f[(f["industry_code"] == "ALL") & f["region_code"].isin(demo_results.params["scope"]["regions"])]
    wide = f.pivot_table(index=["region_code", "year"], columns="variable", values="value")
    wide = wide[["patent_grant_invention", "rd_expenditure"]].dropna()
    b = np.polyfit(np.log(wide["rd_expenditure"]), np.log(wide["patent_grant_invention"]), 1)[0]
    el = demo_results["dynamics_elasticity"].set_index("sample")
    assert el.at["pooled", "coef"] == pytest.approx(b) and el.at["pooled", "n"] == len(wide)
    assert "b±z·s.e.（正态近似）" in rows["弹性"]  # robust intervals are statsmodels' z intervals
    assert el.at["pooled", "ci_low"] == pytest.approx(b - 1.959964 * el.at["pooled", "std_err"])
    assert "重心" in rows and "增长率与年均复合增长率" in rows
    # other settings are stated as they are, not as min-max and entropy
    assert normalisation_text({"method": "zscore", "across": "year"})[0].startswith("Z分数")
    assert "逐年" in normalisation_text({"method": "zscore", "across": "year"})[0]
    assert weighting_text({"method": "critic"})[0].startswith("CRITIC")
    ahp = {"experts": [{"name": "a"}, {"name": "b"}], "method": "aip", "cr_threshold": 0.1}
    zh, en = weighting_text({"method": "entropy", "ahp": ahp, "combine": {"method": "linear", "alpha": 0.3}})
    assert "μ_j=0.3·a_j+0.7·w_j" in zh and "AIP" in zh and "2位专家" in zh and "(AIP)" in en
    assert weighting_text({"method": "ahp", "ahp": ahp})[0].startswith("层次分析法权重")


def test_methods_appendix_states_the_runs_coupling_settings():
    from ipbench.reports.methods import coupling_rows

    rows = coupling_rows([{"name": "p1", "subsystems": ["a", "b"]}])
    text = " ".join(r[1][0] for r in rows)
    assert "α=0.5，β=0.5" in text and "C=2√(U₁U₂)/(U₁+U₂)" in text and "(0.8,0.9]良好协调" in text
    assert "0.802" in text  # the display rule of D beside its grade
    rows = coupling_rows([{"name": "p1"}, {"name": "p2", "weights": [0.6, 0.4], "modified": True,
                                           "bands": "four", "closed": "left"}])
    by_term = {r[0][0]: r[1][0] for r in rows}
    assert "α=0.6，β=0.4" in by_term["耦合协调度（p2）"] and "修正模型" in by_term["耦合协调度（p2）"]
    assert "[0.6,1]协调发展（左闭右开）" in by_term["协调等级（p2）"]
    assert "李恒吉" in next(r[2][0] for r in rows if r[0][0] == "协调等级（p2）")


# ------------------------------------------------------------------ views on a small run

@pytest.fixture(scope="module")
def demo_results(tmp_path_factory):
    """The demo run folder of the suite built once per test session (tests/_suite.py), so
    these checks run in CI instead of skipping."""
    from _suite import built_demo

    from ipbench.runfolder import Results

    _, summary = built_demo(str(tmp_path_factory.getbasetemp()))
    return Results.read(summary.run_dir)


def _visible(html: str) -> str:
    html = re.sub(r"<img[^>]*>", "", html)
    html = re.sub(r"<details class='ipbench-log'>.*?</details>", "", html, flags=re.S)
    html = re.sub(r"<section[^>]*data-section='methods'.*?</section>", "", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


@pytest.mark.slow
def test_region_view_frame_and_no_codes(demo_results):
    from ipbench.reports.views import RegionView

    v = RegionView(demo_results, "320600")
    parts = [str(getattr(v, m)()) for m in ("header", "contents", "summary", "ranking_map",
                                            "matching", "peers", "intensive", "targets",
                                            "robustness", "methods")]
    html = "".join(parts)
    text = _visible(html)
    assert "../index.html" in html and "+08:00" in text
    nums = [int(n) for n in re.findall(r"<figcaption>表(\d+) ", html)]
    assert nums == list(range(1, len(nums) + 1)) and len(nums) >= 6
    assert re.findall(r"<figcaption>图(\d+) ", html)[:2] == ["1", "2"]
    codes = set(demo_results["catalogue"]["code"]) | {"patent_grant_invention", "value_added",
                                                      "rd_expenditure", "minmax", "entropy",
                                                      "arithmetic", "320000", "pooled"}
    found = [c for c in codes if re.search(rf"(?<![\w/]){re.escape(c)}(?![\w/])", text)]
    assert found == [], found
    assert "True" not in text and "False" not in text
    assert "子系统1得分" not in text and "南通市南通" not in text
    # one map per pair
    pairs = demo_results.params["matching"]
    assert "各匹配关系的耦合协调度D</figcaption>" in html and len(pairs) == 4
    # totals are compared with the reference's average per city, and the page says so
    assert "参照口径" in text and "江苏省÷13（平均每单元）" in text and "江苏省本身" in text
    assert "优于江苏省（总量指标与江苏省÷13的平均值比较）" in text
    peers = demo_results["peers"]
    row = peers[(peers["region_code"] == "320600") & (peers["indicator"] == "universities")]
    if len(row) and row["reference"].iloc[0] != round(row["reference"].iloc[0]):
        assert f"{row['reference'].iloc[0]:,.1f}" in text  # an average of a count, not a count


def test_labels_with_dollar_signs_render_literally():
    """Issue 11: a '$' in an industry or region name never reaches mathtext (every figure of a
    report is drawn through ReportView.figure, with the views' rc setting)."""
    import io

    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    import ipbench.reports.views.base  # noqa: F401  (switches mathtext off)

    fig, ax = plt.subplots()
    ax.bar(["海洋$装备", "a$b$c"], [1, 2])
    ax.set_title("产业 $x$ 与 $")
    fig.savefig(io.BytesIO(), format="png")  # would raise ParseSyntaxException with mathtext
    plt.close(fig)
    assert matplotlib.rcParams["text.parse_math"] is False


def test_workbook_cells_blank_missing_and_name_booleans():
    """The workbook writes cells itself: missing values blank, ±inf as to_excel wrote them,
    NumPy and Python booleans as 是/否 (never True/False)."""
    import numpy as np
    import pandas as pd

    from ipbench.reports.workbook import _cells, _yes_no

    assert _cells(pd.Series([1.5, np.nan, np.inf, -np.inf])) == [1.5, None, "inf", "-inf"]
    assert _cells(pd.Series([2, 3], dtype="Int64")) == [2.0, 3.0]
    assert _cells(pd.Series(["a", None, np.nan, 4], dtype=object)) == ["a", None, None, 4]
    assert [_yes_no(v, "zh") for v in (True, np.bool_(False), "x")] == ["是", "否", "x"]
    assert _yes_no(np.bool_(True), "en") == "yes"


def test_p_values_below_the_last_place_and_hhi_keep_their_digits():
    p = fmt.COLUMNS["p_value"]
    assert list(fmt.format_values(pd.Series([0.0, 0.0004, 0.001, 0.0312, None]), p)) == [
        "<0.001", "<0.001", "0.001", "0.031", "–"]
    # HHI of 31 provinces ≈ 0.089 and its floor 1/31 ≈ 0.032: two places would show 0.09, 0.03
    assert list(fmt.format_values(pd.Series([0.0893, 1 / 31]), fmt.COLUMNS["hhi"])) == ["0.089", "0.032"]


def test_methods_appendix_counts_the_runs_each_robustness_result_rests_on():
    from ipbench.reports.methods import robustness_text

    zh, en = robustness_text({"n": 1000, "sobol": True, "seed": 1}, 4)
    assert "2n=2000 次方法组合抽样" in zh and "n(d+2)=6000 次运行" in zh and "d = 4" in en
    zh, _ = robustness_text({"n": 500, "sobol": False}, None)
    assert zh.startswith("蒙特卡洛 500 次方法组合抽样")
