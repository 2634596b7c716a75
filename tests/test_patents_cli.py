"""`ipbench patents ingest` prints the end summary and writes facts, issues and unassigned lists."""

from __future__ import annotations

import pandas as pd
from typer.testing import CliRunner

from ipbench.cli.patents import app

HEAD = "申请号,申请日,主分类号,分类号,地址,国省代码,专利类型\n"


def test_ingest_command(tmp_path):
    a = tmp_path / "a.csv"
    a.write_text(HEAD + "CN202310000001.1,2023-03-01,H01L21/02,,江苏省南京市江宁区,32,发明\n"
                 "2023100000011,2023-03-01,H01L21/02,,江苏省南京市江宁区,32,发明\n"
                 "CN202310000002.2,2023-13-01,H01L21/02,,江苏省南京市江宁区,32,发明\n"
                 "CN202310000003.3,2023-03-01,H01L21/02,,某某路,,发明\n", encoding="utf-8")
    out = tmp_path / "out"
    res = CliRunner().invoke(app, ["ingest", str(a), "--scope", "32", "--policy", "main",
                                   "--source", "t", "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert "重复 duplicates (same application number, counted once): 1" in res.output
    assert "格式错误 malformed (no usable application number or filing date): 1" in res.output
    assert "address_not_parsed" in res.output and "file a.csv, row 4" in res.output
    facts = pd.read_csv(out / "t_facts.csv", dtype={"region_code": str})
    m = (facts.region_code == "320100") & (facts.industry_code == "ELECTRONICS") & (
        facts.variable == "patent_app_invention")
    assert facts.loc[m, "value"].tolist() == [1.0]
    assert len(pd.read_csv(out / "t_unassigned.csv")) == 1


def test_bad_policy_exits_with_message(tmp_path):
    a = tmp_path / "a.csv"
    a.write_text(HEAD, encoding="utf-8")
    res = CliRunner().invoke(app, ["ingest", str(a), "--policy", "half", "--out", str(tmp_path)])
    assert res.exit_code == 2 and "policy" in res.output
