"""The expert group's AHP workflow (ipbench/experts): questionnaires written, filled by script,
collected, checked cell by cell, repaired by the named judgment, run as a scenario."""

from __future__ import annotations

import math
from fractions import Fraction
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from _suite import ROOT, copy_project
from typer.testing import CliRunner

from ipbench import experts
from ipbench import params as P
from ipbench.cli.main import app
from ipbench.errors import ParamsError
from ipbench.experts import questionnaire as Q
from ipbench.experts.consistency import consistency_ratio, revisions
from ipbench.experts.hierarchy import GOAL, node_name


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    return copy_project(tmp_path_factory.mktemp("experts") / "project")


@pytest.fixture(scope="module")
def demo(project):
    return project / "params" / "demo.yaml"


@pytest.fixture(scope="module")
def flat(project):
    path = project / "params" / "flat.yaml"
    path.write_text("extends: demo.yaml\nname: flat\nindicators: {hierarchy: null}\n",
                    encoding="utf-8")
    return path

# judgments per node: (a, b) -> value (> 1: a more important); anything not named is equal
GOOD = {
    GOAL: {("ip_creation", "ip_use"): 2, ("ip_creation", "resources"): 3, ("ip_use", "resources"): 2},
    "ip_creation": {("creation_potential", "creation_capability"): 1 / 2,
                    ("creation_potential", "quality"): 2, ("creation_capability", "quality"): 3},
    "ip_use": {("use_capability", "use_demand"): 2, ("use_capability", "protection"): 3,
               ("use_demand", "protection"): 2},
    "resources": {("innovation_resources", "industry_resources"): 2},
}
# circular: potential > capability > quality > potential
BAD = {**GOOD, "ip_creation": {("creation_potential", "creation_capability"): 3,
                               ("creation_capability", "quality"): 3,
                               ("creation_potential", "quality"): 1 / 3}}


def fill(path: Path, judgments: dict, override: dict | None = None) -> None:
    """Answer every row of a questionnaire as a person would (names in the dropdowns)."""
    wb = openpyxl.load_workbook(path)
    lay = Q.layout(experts.load_tree(ROOT / "params" / "demo.yaml")).frame()
    for r in lay.itertuples():
        ws = wb[r.sheet]
        v = judgments.get(r.node, {}).get((r.a, r.b), 1)
        if v == 1:
            side, k = Q.EQUAL, 1
        elif v > 1:
            side, k = node_name(r.a), round(v)
        else:
            side, k = node_name(r.b), round(1 / v)
        ws[f"D{r.row}"], ws[f"E{r.row}"] = side, k
    for (sheet, cell), value in (override or {}).items():
        wb[sheet][cell] = value
    wb.save(path)


@pytest.fixture
def three(tmp_path, demo):
    files = experts.questionnaires(demo, ["专家甲", "专家乙", "Expert C"], tmp_path)
    fill(files[0], GOOD)
    fill(files[1], GOOD, {("3 知识产权运用", "E5"): 3})
    fill(files[2], BAD)
    return files


def test_questionnaire_has_instructions_sheets_dropdowns_and_names(tmp_path, demo):
    (f,) = experts.questionnaires(demo, ["专家甲"], tmp_path)
    assert f.name == "demo_专家甲.xlsx"
    wb = openpyxl.load_workbook(f)
    assert wb.sheetnames == ["说明 Instructions", "1 总目标", "2 知识产权创造", "3 知识产权运用",
                             "4 创新与产业资源", "_ipbench"]
    assert wb["_ipbench"].sheet_state == "hidden"
    text = " ".join(str(c) for row in wb["说明 Instructions"].iter_rows(values_only=True)
                    for c in row if c)
    assert "Saaty" in text and "同等重要" in text and "Equal importance" in text
    assert "R&D经费内部支出" in text  # what each element contains, by name
    ws = wb["2 知识产权创造"]
    assert ws["B5"].value == "创造潜力（Creation potential）"
    assert ws["C5"].value == "创造能力（Creation capability）"
    codes = {"creation_potential", "creation_capability", "quality"}
    assert not any(str(c) in codes for row in ws.iter_rows(values_only=True) for c in row)
    dv = {str(v.sqref): v for v in ws.data_validations.dataValidation}
    assert dv["D5"].type == "list" and "同等重要 Equal" in dv["D5"].formula1
    assert dv["E5"].formula1 == '"1,2,3,4,5,6,7,8,9"'


def test_flat_evaluation_has_one_sheet(flat):
    tr = experts.load_tree(flat)
    assert [n.code for n in tr.nodes] == [GOAL] and len(tr.nodes[0].pairs) == 28


@pytest.mark.slow
def test_collect_names_the_judgment_to_revisit_fix_and_run(three, project, demo):
    col = experts.collect_files(three, demo)
    assert col.ok, col.problems
    table = col.consistency()
    bad = table[~table["consistent"]]
    assert list(zip(bad["expert"], bad["sheet"], strict=True)) == [("Expert C", "2 知识产权创造")]
    hints = col.hints()
    first = hints[0]
    assert first["expert"] == "Expert C" and first["sheet"] == "2 知识产权创造"
    assert first["cell"] in {"E5", "E6", "E7"} and first["cr_after"] < first["cr_before"]
    line = col.hint_lines()[0]
    assert "Expert C" in line and first["cell"] in line and "CR" in line
    # the expert takes the advice: the suggested answer in that row
    value = {"E5": ("creation_potential", "creation_capability"),
             "E6": ("creation_potential", "quality"),
             "E7": ("creation_capability", "quality")}[first["cell"]]
    fixed = dict(BAD["ip_creation"])
    fixed[value] = float(Fraction(first["suggested"]))  # "1/3" or "5"
    fill(three[2], {**BAD, "ip_creation": fixed})
    col = experts.collect_files(three, demo)
    assert col.ok and col.consistent, col.consistency()
    out = col.write_scenario(project / "params" / "demo_experts.yaml", method="aij",
                             weights={"专家甲": 2})
    text = out.read_text(encoding="utf-8")
    assert "extends: demo.yaml" in text and "Expert C" in text
    params = P.load(out)
    assert params.name == "demo_experts" and params.weighting.method == "ahp"
    assert [e.name for e in params.weighting.ahp.experts] == ["专家甲", "专家乙", "Expert C"]
    assert params.weighting.ahp.experts[0].weight == 2
    from ipbench.evaluation import Evaluation

    res = Evaluation.from_params(out).run()
    ahp = res["ahp"].set_index("element")
    assert list(ahp.columns[:1]) == ["group"] and "Expert C" in ahp.columns
    w = res["weights"]
    assert w["method"].iloc[0].startswith("ahp") and math.isclose(w["weight"].sum(), 1.0)
    assert len(res.ranking()) == 13


def test_flat_matrix_reproduces_hierarchic_weights(three, demo):
    col = experts.collect_files(three[:1], demo)
    e = col.experts[0]
    flat = col.flat_matrix(e)
    from ipbench.experts.consistency import priorities

    w, _ = priorities(flat.to_numpy())
    g = col.global_weights(e)
    # the expert's sheets are nearly consistent, so the flat eigenvector is close to g
    assert np.allclose(w, g[flat.columns].to_numpy(), atol=0.01)
    # within a dimension the expert's own judgments are kept
    assert flat.loc["creation_capability", "quality"] == 3


@pytest.mark.parametrize("override, sheet, cell, words", [
    ({("2 知识产权创造", "E5"): None}, "2 知识产权创造", "E5", "empty"),
    ({("2 知识产权创造", "E6"): 0}, "2 知识产权创造", "E6", "off Saaty's scale"),
    ({("3 知识产权运用", "E7"): 12}, "3 知识产权运用", "E7", "off Saaty's scale"),
    ({("1 总目标", "E5"): "很重要"}, "1 总目标", "E5", "is text"),
    ({("1 总目标", "E6"): 2.5}, "1 总目标", "E6", "off Saaty's scale"),
    ({("1 总目标", "D5"): None}, "1 总目标", "D5", "empty"),
    ({("1 总目标", "D5"): "创新资源"}, "1 总目标", "D5", "is not one of"),
    ({("1 总目标", "D5"): Q.EQUAL, ("1 总目标", "E5"): 5}, "1 总目标", "E5", "contradictory"),
    ({("1 总目标", "E5"): 1}, "1 总目标", "E5", "contradictory"),
    ({("4 创新与产业资源", "B5"): "创新资源"}, "4 创新与产业资源", "B5", "row changed"),
])
def test_bad_questionnaires_name_expert_sheet_and_cell(tmp_path, demo, override, sheet, cell,
                                                       words):
    (f,) = experts.questionnaires(demo, ["专家乙"], tmp_path)
    fill(f, GOOD, override)
    col = experts.collect_files([f], demo)
    assert len(col.problems) == 1, col.problems
    p = col.problems[0]
    assert (p.expert, p.sheet, p.cell) == ("专家乙", sheet, cell)
    assert words in p.message
    assert "专家乙" in str(p) and sheet in str(p) and cell in str(p)


def test_wrong_sheet_and_foreign_workbooks(tmp_path, demo):
    (f,) = experts.questionnaires(demo, ["专家乙"], tmp_path)
    fill(f, GOOD)
    wb = openpyxl.load_workbook(f)
    wb["3 知识产权运用"].title = "运用"
    wb.save(f)
    plain = tmp_path / "plain.xlsx"
    openpyxl.Workbook().save(plain)
    text = tmp_path / "notes.xlsx"
    text.write_text("not a workbook", encoding="utf-8")
    col = experts.collect_files([f, plain, text], demo)
    msgs = [str(p) for p in col.problems]
    assert any("专家乙" in m and "'3 知识产权运用'" in m and "missing" in m for m in msgs), msgs
    assert any("plain.xlsx" in m and "not a questionnaire" in m for m in msgs), msgs
    assert any("notes.xlsx" in m and "not an Excel workbook" in m for m in msgs), msgs


def test_questionnaire_for_another_hierarchy_is_refused(tmp_path, demo, flat):
    (f,) = experts.questionnaires(demo, ["专家乙"], tmp_path)
    fill(f, GOOD)
    col = experts.collect_files([f], flat)
    assert "another evaluation" in str(col.problems[0])


def test_revisions_find_the_planted_error():
    """A consistent 4x4 matrix (w = 4:3:2:1) with one judgment reversed: the CR-minimising
    single change names that judgment and restores its value (Harker 1987; Saaty 2003)."""
    w = np.array([4.0, 3.0, 2.0, 1.0])
    a = np.outer(w, 1 / w)
    a[0, 3], a[3, 0] = 1 / 4, 4  # planted: should be 4
    m = pd.DataFrame(a, index=list("abcd"), columns=list("abcd"))
    assert consistency_ratio(a) > 0.1
    best = revisions(m)[0]
    assert (best.i, best.j, best.suggested) == ("a", "d", 4) and best.cr_after < 1e-9
    assert best.epsilon == max(h.epsilon for h in revisions(m, top=6))


def test_cli_questionnaire_and_collect(tmp_path, three, project, demo, monkeypatch):
    runner = CliRunner()
    res = runner.invoke(app, ["experts", "questionnaire", str(demo), "--expert", "甲", "-e", "乙",
                              "--out", str(tmp_path / "q")])
    assert res.exit_code == 0, res.output
    assert sorted(p.name for p in (tmp_path / "q").iterdir()) == ["demo_乙.xlsx", "demo_甲.xlsx"]
    monkeypatch.chdir(project)
    into = project / "params" / "scenario.yaml"
    res = runner.invoke(app, ["experts", "collect", *map(str, three), "--into", str(into)])
    assert res.exit_code == 1 and "INCONSISTENT" in res.output and "Expert C" in res.output
    assert "sheet '2 知识产权创造', cell E" in res.output and not into.exists()
    res = runner.invoke(app, ["experts", "collect", *map(str, three), "--into", str(into),
                              "--keep-inconsistent", "--method", "aip",
                              "--weight", "专家甲=0.5"])
    assert res.exit_code == 0, res.output
    data = P.read_merged(into)
    assert data["weighting"]["ahp"]["method"] == "aip"
    fill(three[0], GOOD, {("1 总目标", "E5"): 12})
    res = runner.invoke(app, ["experts", "collect", *map(str, three), "--into", str(into)])
    assert res.exit_code == 1 and "专家甲" in res.output and "E5" in res.output


def test_scenario_must_sit_beside_its_base_and_names_must_differ(three, demo, tmp_path):
    col = experts.collect_files(three[:2], demo)
    with pytest.raises(ParamsError, match="beside the evaluation"):
        col.write_scenario(tmp_path / "elsewhere.yaml")
    assert not (tmp_path / "elsewhere.yaml").exists()
    with pytest.raises(ValueError, match="same file name"):
        experts.questionnaires(demo, ["Li Wei", "Li/Wei"], tmp_path)
