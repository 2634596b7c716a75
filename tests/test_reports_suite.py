"""The demo report suite end to end: every page built offline without error cells; failure
isolation, caching, atomic replacement; explore.ipynb runs headless."""

from __future__ import annotations

import json
import re

import nbformat
import openpyxl
import pytest
from _pages import reading_problems, visible_text
from _suite import built_demo, copy_project

from ipbench.params import load
from ipbench.reports.export import external_references
from ipbench.reports.runner import run, safe_output

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    root, summary = built_demo(str(tmp_path_factory.getbasetemp()))
    return root, summary


def pages(root):
    return sorted((root / "reports" / "demo").rglob("*.html"))


def test_full_demo_suite_is_built(demo):
    root, summary = demo
    assert summary.ok, summary.text()
    params = load(root / "params" / "demo.yaml")
    out = root / "reports" / "demo"
    assert (out / "index.html").is_file() and (out / "overview.html").is_file()
    for code in params.scope.regions:
        assert (out / "regions" / f"{code}.html").is_file()
    for code in params.scope.industries:
        assert (out / "industries" / f"{code}.html").is_file()
        assert (out / "landscape" / f"{code}.html").is_file()  # 专利导航 · 产业
    assert summary.count("built") == 1 + len(params.scope.regions) + 2 * len(params.scope.industries)
    assert (summary.run_dir / "manifest.json").is_file()


def test_every_page_is_offline_and_without_errors(demo):
    root, _ = demo
    found = pages(root)
    atlas = (root / "reports" / "demo" / "atlas.html").is_file()
    assert len(found) == 2 + 13 + 2 * 8 + atlas  # index, overview, regions, industries, landscapes
    for page in found:
        html = page.read_text(encoding="utf-8")
        assert external_references(html) == [], page
        # no script file, but the atlas's plotly.js written once beside the pages
        scripts = re.findall(r"<script[^>]*\bsrc=[\"']([^\"']*)", html)
        assert scripts == ([] if page.name != "atlas.html" else ["plotly.min.js"]), page
        assert "Traceback" not in html and "jp-OutputArea-error" not in html, page
        assert "示例数据 · demo data, not official statistics" in html, page
        assert "params/demo.yaml" in html, page  # provenance names the params file


def test_region_page_content(demo):
    root, _ = demo
    html = (root / "reports" / "demo" / "regions" / "320600.html").read_text(encoding="utf-8")
    assert "<title>南通市 · 区域报告" in html
    assert re.search(r"id=[\"']ipbench-ranking", html) and "ipbench-highlight" in html
    assert '<html lang="zh">' in html
    # composite map, sub-indices, trends, the four pairs' maps (one figure), LQ map
    assert len(re.findall(r"src=[\"']data:image/png;base64,", html)) == 5
    assert "耦合协调度" in html and "综合得分" in html


# the order an official reads (issue 10): summary → ranking and map → pairs → … → appendix
REGION_SECTIONS = ["summary", "ranking_map", "matching_pairs", "situation", "dynamics",
                   "quality", "ls_applicants", "intensive", "peers", "guidance", "targets",
                   "robustness", "methods"]
OVERVIEW_SECTIONS = ["summary", "ranking_map", "matching_pairs", "situation", "dynamics",
                     "quality", "intensive", "guidance", "targets", "robustness", "methods"]
INDUSTRY_SECTIONS = ["summary", "profile", "situation", "intensive", "guidance", "methods"]
#: sections that are tables and figures only
NO_SENTENCE = {"ranking_map", "profile", "methods", "applicants", "ls_applicants"}


def _sections(html):
    return re.findall(r"data-section=[\"']([a-z_]+)", html)


def test_every_report_shows_each_analysis_with_a_sentence(demo):
    root, _ = demo
    out = root / "reports" / "demo"
    for page, want in [(out / "overview.html", OVERVIEW_SECTIONS),
                       (out / "regions" / "320600.html", REGION_SECTIONS),
                       (out / "industries" / "SMART_EQUIP.html", INDUSTRY_SECTIONS)]:
        html = page.read_text(encoding="utf-8")
        assert _sections(html) == want, page
        for part in html.split("data-section=")[1:]:
            body = part.split("</section>")[0]
            if re.match(r"[\"']([a-z_]+)", body).group(1) in NO_SENTENCE:
                continue
            assert "ipbench-sentence" in body or "ipbench-skipped" in body, (page, body[:60])
    region = (out / "regions" / "320600.html").read_text(encoding="utf-8")
    assert "滞后方为" in region or "基本同步" in region  # which side lags, per pair
    assert re.search(r"id=[\"']ipbench-trajectory", region) and "有效发明专利" in region
    assert re.search(r"href=[\"']../guidance.xlsx", region)


def test_guidance_catalogue_next_to_the_html(demo):
    root, _ = demo
    out = root / "reports" / "demo"
    wb = openpyxl.load_workbook(out / "guidance.xlsx", read_only=True)
    sheet = wb["导向目录 Catalogue"]
    header = [c.value for c in next(sheet.iter_rows(max_row=1))]
    assert header[:2] == ["单元 Unit", "名称 Name"] and "类型 Type (中文)" in header
    types = {r[header.index("类型 Type (中文)")] for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert types <= {"优势型", "潜力型", "短板型", "一般型"} and len(types) >= 2
    assert "示例数据 · demo data, not official statistics" in [
        r[0] for r in wb["说明 Notes"].iter_rows(values_only=True)]
    assert (out / "guidance_regions.xlsx").is_file()


def test_index_links_every_report_and_states_parameters(demo):
    root, _ = demo
    out = root / "reports" / "demo"
    html = (out / "index.html").read_text(encoding="utf-8")
    links = set(re.findall(r"href='([^']+\.html)'", html))
    expected = {p.relative_to(out).as_posix() for p in pages(root) if p.name != "index.html"}
    assert links == expected
    # every kind's entries by name, landscape pages included (not MARINE, TEXTILE …)
    assert re.search(r"href='landscape/MARINE\.html'>海洋工程装备", html), "landscape named by code"
    assert "评价参数" in html and "base_year: 2024" in html and "entropy" in html
    workbooks = set(re.findall(r"href='([^']+\.xlsx)'", html))
    assert workbooks == {"demo_results.xlsx", "guidance.xlsx", "guidance_regions.xlsx"}
    assert all((out / name).is_file() for name in workbooks)


def test_workbook_has_bilingual_headers(demo):
    root, _ = demo
    wb = openpyxl.load_workbook(root / "reports" / "demo" / "demo_results.xlsx", read_only=True)
    assert wb.sheetnames[0] == "说明"  # provenance and the list of sheets first
    assert {"综合得分", "指标权重", "耦合协调度", "产业概况", "分项指数", "份额与区位熵", "年均复合增长率",
            "耦合协调度演变", "弹性", "重心", "布局质量", "密集型产业", "对标比较", "产业导向", "规划目标",
            "排名稳健性", "Sobol指数", "解读"} <= set(wb.sheetnames)
    header = [c.value for c in next(wb["综合得分"].iter_rows(max_row=1))]
    assert "区域代码 / Region code" in header and "综合得分 / Composite score" in header
    about = [[c.value for c in r] for r in wb["说明"].iter_rows(max_row=12)]
    assert any(r[0] == "参数文件" and r[1] == "params/demo.yaml" for r in about)
    # the reports' display texts (D_text …) stay out: the workbook gives exact values
    for name in ("耦合协调度", "耦合协调度演变", "等级变化"):
        heads = [str(c.value) for c in next(wb[name].iter_rows(max_row=1))]
        assert not [h for h in heads if "_text" in h], heads
    # every header is named in both languages (CR1, R² read the same in both), no code names
    # (role, lon, bearing, pair_zh, how_zh … were left as they are in the tables)
    raw = {ws.title: [h for h in next(ws.iter_rows(max_row=1, values_only=True))
                      if h is not None and " / " not in str(h) and str(h) not in ("CR1", "CR3", "CR5", "R²")]
           for ws in wb.worksheets if ws.title != "说明"}
    assert not {k: v for k, v in raw.items() if v}, raw


def test_workbook_is_formatted_for_officials(demo):
    """Issue 10: 29 English sheet names, General format with 15+ digits, no frozen panes,
    filters or widths, codes where names belong, True/False."""
    root, _ = demo
    wb = openpyxl.load_workbook(root / "reports" / "demo" / "demo_results.xlsx")
    ws = wb["产业概况"]
    head = [c.value for c in ws[1]]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref
    assert ws.column_dimensions["A"].width >= 8
    fmts = dict(zip(head, [c.number_format for c in ws[2]], strict=True))
    assert fmts["增加值 / Value added (亿元)"] == "#,##0.00"
    assert fmts["发明专利授权量 / Invention patent grants (件)"] == "#,##0"
    assert fmts["专利份额 / Patent share"] == "0.0%"
    assert "产业代码 / Industry code · 名称" in head  # names beside codes
    values = {c.value for row in wb["密集型产业"].iter_rows(min_row=2) for c in row}
    assert not values & {True, False, "True", "False"}


def test_second_run_builds_nothing(demo):
    root, _ = demo
    again = run(root / "params" / "demo.yaml", jobs=2, progress=False)
    # overview, 13 regions, 8 industries, 8 landscapes
    assert again.count("built") == 0 and again.count("cached") == 1 + 13 + 8 + 8 and again.ok
    assert not again.computed
    one = run(root / "params" / "demo.yaml", only=["region:320100"], force=True, progress=False)
    assert [(o.kind, o.code, o.status) for o in one.outcomes] == [("region", "320100", "built")]


def test_failure_isolation_and_atomic_replacement(demo, tmp_path):
    root, _ = demo
    out = root / "reports" / "demo" / "regions"
    good = (out / "320600.html").read_bytes()
    nb_file = root / "notebooks" / "region.ipynb"
    original = nb_file.read_text(encoding="utf-8")
    nb = nbformat.reads(original, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(
        'assert region_code != "320600", "示例故障 <b>boom</b>"'))
    nbformat.write(nb, nb_file)
    try:
        summary = run(root / "params" / "demo.yaml", only=["region:320600", "region:320200"],
                      jobs=1, progress=False)
    finally:
        nb_file.write_text(original, encoding="utf-8")
    status = {o.code: o.status for o in summary.outcomes}
    assert status == {"320600": "failed", "320200": "built"} and not summary.ok
    assert (out / "320600.html").read_bytes() == good  # previous good page untouched
    err = (out / "320600.error.html").read_text(encoding="utf-8")
    assert "AssertionError" in err and "示例故障 &lt;b&gt;boom&lt;/b&gt;" in err
    assert "Traceback" not in err
    log = (root / "reports" / "demo" / "logs" / "region-320600.log").read_text(encoding="utf-8")
    assert "Traceback" in log
    index = (root / "reports" / "demo" / "index.html").read_text(encoding="utf-8")
    assert "regions/320600.error.html" in index


def test_failing_run_exits_non_zero_from_the_cli(tmp_path):
    from typer.testing import CliRunner

    from ipbench.cli.main import app

    root = copy_project(tmp_path)
    nb_file = root / "notebooks" / "overview.ipynb"
    nb = nbformat.read(nb_file, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("1 / 0"))
    nbformat.write(nb, nb_file)
    res = CliRunner().invoke(app, ["run", str(root / "params" / "demo.yaml"), "--only",
                                   "overview", "-q"])
    assert res.exit_code == 1, res.output
    assert "failed 1" in res.output and "ZeroDivisionError" in res.output
    assert not (root / "reports" / "demo" / "overview.html").exists()
    assert (root / "reports" / "demo" / "overview.error.html").is_file()


def test_path_safety(tmp_path):
    root = tmp_path / "reports" / "demo"
    assert safe_output(root, "region", "320600") == (root / "regions" / "320600.html").resolve()
    for kind, code in [("region", "../x"), ("region", "32060"), ("industry", "../../x"),
                       ("industry", "a/b"), ("other", "x")]:
        with pytest.raises(ValueError, match="refusing"):
            safe_output(root, kind, code)
    bad = copy_project(tmp_path / "p") / "params" / "bad.yaml"
    bad.write_text("extends: demo.yaml\nscope: {regions: ['../../x', 320100]}\n",
                   encoding="utf-8")
    from ipbench.errors import ParamsError

    with pytest.raises(ParamsError, match=r"scope.regions\[0\]"):
        run(bad, progress=False)
    assert not (tmp_path / "p" / "reports").exists()


def test_explore_notebook_runs_headless(demo, tmp_path):
    import papermill as pm

    root, _ = demo
    nb = pm.execute_notebook(str(root / "notebooks" / "explore.ipynb"), str(tmp_path / "out.ipynb"),
                             kernel_name="python3", cwd=str(root / "notebooks"), progress_bar=False)
    text = json.dumps(nb.cells[-1].outputs, ensure_ascii=False)
    assert "text/html" in text and "<table" in text  # the comparison's rank moves


_visible_text = visible_text


def test_pages_meet_the_reading_standard(demo):
    """Issue 10, 'Done when': no variable code or raw method key in visible text outside the
    methods appendix; no True/False; every table and figure numbered; contents, back link,
    print styles and a +08:00 time on every page; overview guidance links the regions' file."""
    root, summary = demo
    out = root / "reports" / "demo"
    from ipbench.runfolder import Results

    res = Results.read(summary.run_dir, tables=["catalogue"])
    codes = {*res["catalogue"]["code"], "patent_grant_invention", "value_added", "population",
             "rd_expenditure", "minmax", "entropy", "arithmetic", "pooled", "base_year",
             "320000", "Geodetic latitude"}
    for page in [out / "overview.html", *sorted((out / "regions").glob("*.html")),
                 *sorted((out / "industries").glob("*.html")),
                 *sorted((out / "landscape").glob("*.html"))]:
        if page.name.endswith(".error.html"):  # left by the failure-isolation test
            continue
        problems = reading_problems(page.read_text(encoding="utf-8"), codes)
        assert problems == [], (page.name, problems)
    overview = (out / "overview.html").read_text(encoding="utf-8")
    assert re.search(r"href=[\"']guidance_regions\.xlsx", overview)


def test_nantong_page_states_true_things(demo):
    """Issue 10: ties are ties; counts are not compared with the province total; the target
    label does not repeat the city; both projections and the verdict are shown; the four
    pairs are named; intensive industries exist on the demo data."""
    root, _ = demo
    html = (root / "reports" / "demo" / "regions" / "320600.html").read_text(encoding="utf-8")
    text = _visible_text(html)
    assert "南通市南通" not in text and "南通 有效发明专利量" not in text
    assert "线性外推达标年" in text and "复合增速外推达标年" in text and "判断" in text
    assert "高价值发明专利占比排名最高" not in text
    assert "子系统1得分" not in text and "创造潜力 ↔ 创造能力" in text
    # pairs counted and named; each lagging call with its agreement across method variants
    assert "本评价设4对匹配关系" in text and "四对" not in text
    assert "滞后判断一致度" in text and re.search(r"该判断在\d+种异常值处理×标准化组合中\d+种一致", text)
    assert "年均从业人员" in text and "从业人员(万人)" not in text
    # money of facts variables (元) shown in 亿元 by their base unit, not as 16,996,000,000.00 亿元
    assert not re.search(r"\d{1,3}(,\d{3}){2,}\.\d+ 亿元", text)
    overview = (root / "reports" / "demo" / "overview.html").read_text(encoding="utf-8")
    assert "为知识产权密集型" in _visible_text(overview)  # some industry qualifies
    assert "无法达标" not in text.split("专利密集型产业增加值占GDP比重")[1][:200]


def test_overview_warns_of_double_counting(demo):
    """Issue 10: 产业增加值 equals 地区生产总值 at the whole-economy level; both entered the index."""
    root, _ = demo
    text = _visible_text((root / "reports" / "demo" / "overview.html").read_text(encoding="utf-8"))
    assert "指标重复计权警示：产业增加值与地区生产总值：数值完全相同" in text
