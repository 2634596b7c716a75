"""`ipbench data build | check | show` act on the project found from the current folder."""

from __future__ import annotations

import shutil

from data_corpus import GOOD_CSV, make_project
from typer.testing import CliRunner

from ipbench.cli.main import app

runner = CliRunner()


def test_help():
    for args in (["data", "--help"], ["data", "build", "--help"], ["data", "check", "--help"], ["data", "show", "--help"]):
        result = runner.invoke(app, args)
        assert result.exit_code == 0 and "Usage" in result.output


def test_build_show_check_from_a_subfolder_of_a_copied_project(tmp_path, monkeypatch):
    original = make_project(tmp_path / "a")
    copy = tmp_path / "b"
    shutil.copytree(original, copy)
    (copy / "notes").mkdir()
    monkeypatch.chdir(copy / "notes")  # walks up to b/, never a/ nor the install folder
    result = runner.invoke(app, ["data", "build"])
    assert result.exit_code == 0, result.output
    assert (copy / "data" / "ipbench.duckdb").exists() and not (original / "data" / "ipbench.duckdb").exists()
    shown = runner.invoke(app, ["data", "show", "gdp", "--region", "南通", "--region", "320100", "--year", "2022"])
    assert shown.exit_code == 0, shown.output
    assert "南通市 / Nantong" in shown.output and "1,137,960,000,000" in shown.output
    assert "地区生产总值 / Gross regional product [元]" in shown.output
    assert runner.invoke(app, ["data", "check"]).exit_code == 0


def test_check_reports_all_and_fails(tmp_path, monkeypatch):
    root = make_project(tmp_path, files={"good.csv": GOOD_CSV + "火星,2022,1,1,0,0,1\n南通,2021,abc,1,0,0,1\n"})
    monkeypatch.chdir(root)
    result = runner.invoke(app, ["data", "check"])
    assert result.exit_code == 1
    assert "row 5" in result.output and "row 6" in result.output and "'abc'" in result.output
    build = runner.invoke(app, ["data", "build"])
    assert build.exit_code == 1 and "left unchanged" in build.output


def test_outside_a_project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["data", "check"])
    assert result.exit_code == 2 and "no ipbench project" in result.output
