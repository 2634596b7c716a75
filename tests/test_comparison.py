"""Scenarios side by side (ipbench/comparison.py, ipbench/reports/compare_page.py): the result
object, running each evaluation once, the published page and workbook, the CLI, and a browser
opening the page."""

from __future__ import annotations

import math
import re

import openpyxl
import pytest
from _suite import copy_project
from typer.testing import CliRunner

import ipbench
from ipbench.cli.main import app
from ipbench.comparison import Comparison, mean_abs_move
from ipbench.evaluation import Evaluation
from ipbench.reports.export import external_references

pytestmark = pytest.mark.slow  # every test compares two full demo evaluations (module fixture)


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = copy_project(tmp_path_factory.mktemp("comparison") / "project")
    (root / "params" / "fast.yaml").write_text(
        "extends: demo.yaml\nname: fast\nrobustness: {enabled: false}\n", encoding="utf-8")
    (root / "params" / "fast_critic.yaml").write_text(
        "extends: fast.yaml\nname: fast_critic\nweighting: {method: critic}\n",
        encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def cmp(project):
    return ipbench.compare(project / "params" / "fast.yaml", project / "params" / "fast_critic.yaml")


def test_each_evaluation_runs_once_and_run_folders_are_reused(project, cmp, monkeypatch):
    a = Evaluation.from_params(project / "params" / "fast.yaml")
    b = Evaluation.from_params(project / "params" / "fast_critic.yaml")
    assert (a.run_dir / "manifest.json").is_file() and (b.run_dir / "manifest.json").is_file()
    assert [r.manifest["run_id"] for r in cmp.results] == [a.run_id, b.run_id]
    calls = []
    monkeypatch.setattr(Evaluation, "run", lambda self, *a, **k: calls.append(self) or None)
    again = ipbench.compare(project / "params" / "fast.yaml",
                            project / "params" / "fast_critic.yaml")
    assert calls == []  # both read from their run folders
    assert again.ranks.equals(cmp.ranks)


def test_results_already_computed_are_used(cmp, monkeypatch):
    res = cmp.results
    calls = []
    monkeypatch.setattr(Evaluation, "run", lambda self, *a, **k: calls.append(self))
    again = ipbench.compare(*res)
    assert calls == [] and again.results[0] is res[0]


def test_tables(cmp):
    assert cmp.labels == ["fast", "fast_critic"] and cmp.year == 2024
    diff = cmp.methods[cmp.methods["differs"]]
    assert set(diff.index) == {"weighting"}
    assert diff.loc["weighting", "fast"] == "entropy"
    w = cmp.weights
    assert math.isclose(w["fast"].sum(), 1) and math.isclose(w["fast_critic"].sum(), 1)
    assert (w["change_pp:fast_critic"] - 100 * (w["fast_critic"] - w["fast"])).abs().max() < 1e-9
    assert w.loc["creation_potential", "name"] == "创造潜力"
    r = cmp.ranks
    assert len(r) == 13 and r.loc["320600", "name"] == "南通市"
    assert (r["move:fast_critic"] == r["rank:fast"] - r["rank:fast_critic"]).all()
    assert list(r["rank:fast_critic"]) == sorted(r["rank:fast_critic"])
    legacy = cmp.rank_moves()
    assert list(legacy.columns) == ["score_a", "rank_a", "score_b", "rank_b", "move", "abs_move"]
    assert mean_abs_move(legacy) == cmp.mean_abs_move() == legacy["abs_move"].mean()
    s = cmp.subindices
    assert len(s) == 13 * 8
    assert (s["change:fast_critic"] - (s["fast_critic"] - s["fast"])).abs().max() < 1e-12
    g = cmp.grades
    assert len(g) == 13 * 4 and set(g["pair"]) == {"potential_capability", "creation_use",
                                                    "use_demand", "ip_industry"}
    assert (g["changed"] == (g["grade:fast"] != g["grade:fast_critic"])).all()
    assert len(cmp.guidance) and "changed" in cmp.guidance  # weighting leaves guidance alone
    assert not cmp.guidance["changed"].any()


def test_summary_and_html(cmp):
    text = cmp.summary()
    assert "fast_critic vs fast (2024): mean |rank move|" in text
    assert "weighting" in text and "0–100 (minmax × 100, arithmetic)" in text
    html = cmp._repr_html_()
    assert "<table" in html and "南通市" in html


def test_page_and_workbook(cmp, tmp_path):
    files = cmp.write(tmp_path / "cmp")
    html = files["page"].read_text(encoding="utf-8")
    assert external_references(html) == []
    assert "<script" not in html and "@font-face" in html
    svg = re.search(r"<svg id='ipbench-slope'.*?</svg>", html, re.S)
    assert svg and svg.group(0).count("<polyline") == 13
    table = re.search(r"<table class='ipbench' id='ipbench-rank-moves'>(.*?)</table>", html, re.S)
    assert table and table.group(1).count("<tr>") == 14
    for section in ("ipbench-methods", "ipbench-weights", "ipbench-subindex-changes"):
        assert f"id='{section}'" in html
    assert "方法与权重" in html and "排名变化" in html and "协调等级" in html
    assert "0–100" in html  # the score's unit
    n_changed = int(cmp.grades["changed"].sum())
    assert f"{n_changed} / 52" in html
    wb = openpyxl.load_workbook(files["workbook"], read_only=True)
    assert wb.sheetnames[:4] == ["方法 Methods", "子系统权重 Weights", "指标权重 Indicator weights",
                                 "排名 Ranks"]


def test_needs_two(cmp):
    with pytest.raises(ValueError, match="at least two"):
        Comparison(cmp.results[:1])


def test_cli_publishes_beside_the_suites(project, cmp, monkeypatch):
    monkeypatch.chdir(project)
    res = CliRunner().invoke(app, ["compare", "params/fast.yaml", "params/fast_critic.yaml"])
    assert res.exit_code == 0, res.output
    out = project / "reports" / "compare" / "fast__fast_critic"
    assert (out / "index.html").is_file() and (out / "comparison.xlsx").is_file()
    assert "mean |rank move|" in res.output
    res = CliRunner().invoke(app, ["compare", "params/fast.yaml"])
    assert res.exit_code != 0


@pytest.mark.browser
def test_browser_opens_the_demo_comparison(chromium, project, monkeypatch):
    """`ipbench compare params/demo.yaml params/demo_ahp.yaml`, then headless Chromium finds
    the slope chart and the rank-move table (as tests/test_browser.py drives it)."""
    monkeypatch.chdir(project)
    res = CliRunner().invoke(app, ["compare", "params/demo.yaml", "params/demo_ahp.yaml"])
    assert res.exit_code == 0, res.output
    page = project / "reports" / "compare" / "demo__demo_ahp" / "index.html"
    dom = chromium.run(page.as_uri(), "--dump-dom")
    assert re.search(r'<svg id="ipbench-slope"', dom)
    assert dom.count('class="ipbench-slope-line"') == 13
    table = re.search(r'<table class="ipbench" id="ipbench-rank-moves">(.*?)</table>', dom,
                      re.S)
    assert table and table.group(1).count("<tr>") == 14
