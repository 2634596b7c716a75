"""``ipbench export pdf``: a clear message without Chromium; pages found in a suite."""

from __future__ import annotations

from typer.testing import CliRunner

from ipbench.reports import pdf


def test_missing_chromium_says_how_to_get_it(monkeypatch, tmp_path):
    from ipbench.cli.main import app

    suite = tmp_path / "reports" / "demo"
    (suite / "regions").mkdir(parents=True)
    (suite / "index.html").write_text("<html></html>", encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text("[tool.ipbench]\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(pdf, "find_chromium", lambda: None)
    res = CliRunner().invoke(app, ["export", "pdf", "demo"])
    assert res.exit_code == 3
    assert "apt-get install chromium" in res.output and "Print → Save as PDF" in res.output
    assert "Traceback" not in res.output


def test_unknown_suite_is_named(monkeypatch, tmp_path):
    from ipbench.cli.main import app

    (tmp_path / "reports").mkdir()
    (tmp_path / "pyproject.toml").write_text("[tool.ipbench]\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    res = CliRunner().invoke(app, ["export", "pdf", "nope"])
    assert res.exit_code == 2 and "no report suite 'nope'" in res.output


def test_pages_of_a_suite(tmp_path):
    for rel in ("index.html", "overview.html", "regions/320600.html", "regions/320600.error.html",
                "pdf/old.html", ".cache/x.html"):
        p = tmp_path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text("x", encoding="utf-8")
    assert [p.relative_to(tmp_path).as_posix() for p in pdf.pages(tmp_path)] == [
        "index.html", "overview.html", "regions/320600.html"]
