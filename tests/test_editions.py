"""Editions (ipbench/reports/editions.py and the runner's ``edition=`` hook): named by data
vintage, never overwritten, listed by the suite's index, each with a changes page."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
from _suite import copy_project

from ipbench.errors import ParamsError
from ipbench.reports import editions
from ipbench.reports.export import external_references
from ipbench.runfolder import Results

REGIONS = pd.DataFrame({"region_code": ["320100", "320200", "320300"],
                        "name_zh": ["南京市", "无锡市", "徐州市"],
                        "name_en": ["Nanjing", "Wuxi", "Xuzhou"]})
INDUSTRIES = pd.DataFrame({"industry_code": ["AUTO", "BIOMED"], "name_zh": ["汽车", "生物医药"],
                           "name_en": ["Automobiles", "Biomedicine"]})


def fake_run(folder, run_id, last, ranks, intensive, grades, latest):
    """A run folder with the tables an edition reads (data through ``last``)."""
    years = list(range(2020, last + 1))
    facts = pd.DataFrame([{"region_code": r, "industry_code": "ALL", "year": y, "variable": "gdp",
                           "value": 1.0, "unit": "元", "source": "demo_industry"}
                          for r in REGIONS["region_code"] for y in years])
    comp = pd.DataFrame({"region_code": REGIONS["region_code"], "year": last,
                         "score": [90.0 - 10 * r for r in ranks], "rank": ranks})
    coupling = pd.DataFrame({"region_code": REGIONS["region_code"], "year": last,
                             "pair": "creation_use", "pair_zh": "创造—运用",
                             "pair_en": "Creation – use", "D": 0.5, "grade_zh": grades,
                             "grade_en": grades})
    inten = pd.DataFrame({"industry_code": ["AUTO", "BIOMED"], "intensive": intensive})
    targets = pd.DataFrame({"label": ["南通 有效发明专利量(件)"], "indicator": ["patents"],
                            "target_value": [78000.0], "target_year": [2026],
                            "latest_year": [last], "latest_value": [latest],
                            "attainment_pct": [100 * latest / 78000]})
    manifest = {"run_id": run_id, "title": "示例评价", "params_hash": run_id,
                "data_fingerprint": "f" * 12, "demo": True,
                "params": {"lang": "zh", "scope": {"years": {"first": 2020, "last": last},
                                                   "base_year": last}}}
    tables = {"facts": facts, "composite": comp, "coupling": coupling, "regions": REGIONS,
              "industries": INDUSTRIES, "intensive_industries": inten, "targets": targets}
    return Results(tables, manifest).write(folder)


def publish(suite, run_dir, requested="auto"):
    manifest = json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))
    folder = editions.folder(suite, manifest, run_dir, requested)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "index.html").write_text("<p>reports</p>", encoding="utf-8")
    editions.publish(suite, folder, run_dir)
    return folder


@pytest.fixture
def two(tmp_path):
    suite = tmp_path / "reports" / "demo"
    r23 = fake_run(tmp_path / "runs" / "a", "run-2023", 2023, [1, 2, 3], [True, False],
                   ["良好协调", "初级协调", "濒临失调"], 40000.0)
    r24 = fake_run(tmp_path / "runs" / "b", "run-2024", 2024, [1, 3, 2], [False, True],
                   ["良好协调", "中级协调", "濒临失调"], 47255.0)
    return suite, r23, r24, publish(suite, r23), publish(suite, r24)


def test_editions_are_named_by_vintage_and_listed_newest_first(two):
    suite, _, _, e23, e24 = two
    assert (e23.name, e24.name) == ("2023", "2024")
    info = json.loads((e24 / "edition.json").read_text(encoding="utf-8"))
    assert info["vintage"] == 2024 and info["run_id"] == "run-2024"
    index = (suite / "index.html").read_text(encoding="utf-8")
    assert external_references(index) == []
    links = re.findall(r"href='(\d{4})/index.html'", index)
    assert links == ["2024", "2023"]
    assert "2024/changes.html" in index and "示例数据" in index


def test_changes_page(two):
    _, _, _, e23, e24 = two
    first = (e23 / "changes.html").read_text(encoding="utf-8")
    assert "第一版" in first
    page = (e24 / "changes.html").read_text(encoding="utf-8")
    assert external_references(page) == []
    added = re.search(r"id='ipbench-data-added'>([^<]*)<", page).group(1)
    assert added == "新增年份: 2024"
    moves = re.search(r"id='ipbench-largest-moves'>([^<]*)<", page).group(1)
    assert moves == "徐州市 3 → 2 (+1); 无锡市 2 → 3 (-1)"  # largest first, then by rank now
    assert re.search(r"新增: 生物医药；不再认定: 汽车", page)
    assert "40,000.00 (2023)" in page and "47,255.00 (2024)" in page
    grades = re.search(r"id='ipbench-grade-changes'>(.*?)</table>", page, re.S).group(1)
    assert "无锡市" in grades and "初级协调" in grades and "中级协调" in grades
    assert "南京市" not in grades  # unchanged grades are not listed
    assert "1 / 3" in page


def test_never_overwritten(two, tmp_path):
    suite, r23, _, e23, _ = two
    before = (e23 / "edition.json").read_text(encoding="utf-8")
    assert publish(suite, r23) == e23  # the same run keeps its edition
    assert json.loads((e23 / "edition.json").read_text(encoding="utf-8"))["created"] == \
        json.loads(before)["created"]
    other = fake_run(tmp_path / "runs" / "c", "run-2024-critic", 2024, [2, 1, 3],
                     [False, True], ["良好协调"] * 3, 47255.0)
    assert publish(suite, other).name == "2024-2"
    with pytest.raises(ParamsError, match="never overwritten"):
        publish(suite, other, "2023")
    with pytest.raises(ParamsError, match="edition name"):
        publish(suite, other, "../x")
    assert publish(suite, other, "spring-2025").name == "spring-2025"


@pytest.mark.slow
def test_two_demo_editions_through_the_runner(tmp_path):
    """The demo with data through 2023, then through 2024, published with the runner: the
    second edition's changes page names the year added and the largest rank moves."""
    from ipbench.reports.runner import run

    root = copy_project(tmp_path / "project")
    params = root / "params"
    (params / "ed2023.yaml").write_text(
        "extends: demo.yaml\nrobustness: {enabled: false}\n"
        "scope: {years: {first: 2016, last: 2023}, base_year: 2023}\n", encoding="utf-8")
    (params / "ed2024.yaml").write_text(
        "extends: demo.yaml\nrobustness: {enabled: false}\n", encoding="utf-8")
    s1 = run(params / "ed2023.yaml", only=["overview"], jobs=1, progress=False, edition="auto")
    s2 = run(params / "ed2024.yaml", only=["overview"], jobs=1, progress=False, edition="auto")
    assert s1.ok and s2.ok, (s1.text(), s2.text())
    suite = root / "reports" / "demo"
    assert (suite / "2023" / "overview.html").is_file()
    assert (suite / "2024" / "overview.html").is_file() and s2.index == suite / "2024" / "index.html"
    page = (suite / "2024" / "changes.html").read_text(encoding="utf-8")
    assert "新增年份: 2024" in page
    table = re.search(r"id='ipbench-edition-rank-moves'>(.*?)</table>", page, re.S).group(1)
    first_row = re.findall(r"<tr><td>(.*?)</td>", table)[0]  # largest |move| first
    res23 = Results.read(s1.run_dir, tables=["composite", "regions"])
    res24 = Results.read(s2.run_dir, tables=["composite"])
    r23 = res23.ranking(2023).set_index("region_code")["rank"]
    r24 = res24.ranking(2024).set_index("region_code")["rank"]
    move = (r23 - r24).abs()
    names = res23["regions"].set_index("region_code")["name_zh"]
    assert first_row in set(names[move[move == move.max()].index])
    largest = re.search(r"id='ipbench-largest-moves'>([^<]*)<", page).group(1)
    if move.max() > 0:
        assert names[move.idxmax()] in largest
    else:
        assert largest == "各区域的综合排名与上一版相同。"
    index = (suite / "index.html").read_text(encoding="utf-8")
    assert re.findall(r"href='(\d{4})/index.html'", index) == ["2024", "2023"]
    again = run(params / "ed2024.yaml", only=["overview"], jobs=1, progress=False,
                edition="auto")
    assert again.index == s2.index and [o.status for o in again.outcomes] == ["cached"]


def test_run_index_keeps_the_list_of_editions(two):
    """`ipbench run` writes the suite index with a marked editions block; each publication
    refreshes that block (the pages listed by the run stay) and writes editions.html; times in
    the report's time zone (+08:00 by default)."""
    suite, _, r24, _, _ = two
    (suite / "index.html").write_text(
        "<h1>run index</h1>" + editions.index_block(tmp := suite.parent / "none")
        + "<p>pages of the run</p>", encoding="utf-8")
    assert not tmp.exists()
    publish(suite, r24)
    index = (suite / "index.html").read_text(encoding="utf-8")
    assert "<p>pages of the run</p>" in index and "历次发布" in index
    assert re.findall(r"href='(\d{4})/index.html'", index) == ["2024", "2023"]
    listing = (suite / "editions.html").read_text(encoding="utf-8")
    assert "基准年" in listing and "运行编号" in listing and "base_year" not in listing
    assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \+08:00", listing)
