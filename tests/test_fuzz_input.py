"""Fuzz (issue 11, item 11): hypothesis-generated CSV and YAML fed to `ipbench data check`
and `ipbench params check` through the CLI never produce a traceback, a hang or a flood.

Each example must finish within ``LIMIT`` seconds; outputs stay short. The project is made
once per module (hypothesis re-runs the body many times) and its inputs are rewritten per
example.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import yaml
from data_corpus import GOOD_CSV, GOOD_SPEC, make_project, write_sources
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from ipbench.cli.main import app

runner = CliRunner()
LIMIT = 20.0  # seconds per example (a hang or an alias bomb would take minutes)
MAX_OUTPUT = 8000
FUZZ = settings(
    max_examples=30, deadline=None, derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture(scope="module")
def root(tmp_path_factory) -> Path:
    project = make_project(tmp_path_factory.mktemp("fuzz") / "p")
    (project / "params").mkdir()
    return project


def run_cli(root: Path, args: list[str], monkeypatch) -> str:
    monkeypatch.chdir(root)
    t0 = time.perf_counter()
    result = runner.invoke(app, args)
    elapsed = time.perf_counter() - t0
    out = result.output
    assert "Traceback" not in out, out
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code in (0, 1, 2), (result.exit_code, out)
    assert elapsed < LIMIT, f"{args} took {elapsed:.1f} s"
    assert len(out) < MAX_OUTPUT, out[:400]
    return out


# ------------------------------------------------------------------------------ strategies
CELL = st.one_of(
    st.sampled_from(["南京市", "南通", "320500", "火星", "2022", "2022年", "—", "…", "-", "", "abc", "1e308",
                     "-1", "inf", "nan", "1,234", "１２３", "NaN", "null", "无", "\ufeff", "=cmd|' /C calc'!A0",
                     "<script>alert(1)</script>", "$x$", "../../etc/passwd"]),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12),
)
SEP = st.sampled_from([",", ",", ",", ";", "\t", "|", '"', "\n", "\r\n"])


@st.composite
def csv_text(draw) -> bytes:
    header = GOOD_CSV.split("\n")[0]
    rows = draw(st.lists(st.lists(CELL, min_size=0, max_size=9), max_size=8))
    sep = draw(SEP)
    text = header + "\n" + "".join(sep.join(r) + "\n" for r in rows)
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "utf-8-sig", "gb18030"]))
    data = text.encode(encoding, errors="replace")
    if draw(st.booleans()):  # splice in raw bytes (bad encodings, NULs, lone surrogate bytes)
        junk = draw(st.binary(max_size=24))
        at = draw(st.integers(min_value=0, max_value=len(data)))
        data = data[:at] + junk + data[at:]
    return data


YAML_CHARS = ": -[]{}&*!|>'\"#\n\t,?%@`~=<.abcxyz南通0123"
SCALAR = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=10),
    st.sampled_from(["../../etc/passwd", "/etc/hostname", "南通", "entropy", "critic", "2016", "320100"]),
)
TREE = st.recursive(
    SCALAR,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
        st.sampled_from(["name", "file", "id", "layout", "scope", "years", "regions", "weighting", "method",
                         "extends", "sources", "variables", "x", "data", "sheet", "region"]) | st.text(max_size=6),
        inner, max_size=4),
    max_leaves=12,
)


@st.composite
def yaml_text(draw) -> str:
    kind = draw(st.sampled_from(["tree", "chars", "aliases"]))
    if kind == "tree":
        return yaml.safe_dump(draw(TREE), allow_unicode=True)
    if kind == "chars":
        return draw(st.text(alphabet=YAML_CHARS, max_size=200))
    levels = draw(st.integers(min_value=1, max_value=12))
    width = draw(st.integers(min_value=1, max_value=12))
    lines = ["a0: &a0 [x]"] + [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * width) + "]" for i in range(1, levels)]
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------------------ tests
@FUZZ
@given(data=csv_text())
def test_fuzz_csv_into_data_check(root, monkeypatch, data):
    write_sources(root, [GOOD_SPEC])
    (root / "data" / "raw" / "good.csv").write_bytes(data)
    run_cli(root, ["data", "check"], monkeypatch)


@FUZZ
@given(text=yaml_text())
def test_fuzz_yaml_into_params_check(root, monkeypatch, text):
    (root / "params" / "f.yaml").write_text(text, encoding="utf-8")
    out = run_cli(root, ["params", "check", "params/f.yaml"], monkeypatch)
    assert "root:x:0:0" not in out


@FUZZ
@given(text=yaml_text())
def test_fuzz_yaml_into_sources_for_data_check(root, monkeypatch, text):
    (root / "data" / "sources.yaml").write_text(text, encoding="utf-8")
    out = run_cli(root, ["data", "check"], monkeypatch)
    assert "root:x:0:0" not in out


@FUZZ
@given(source=st.dictionaries(
    st.sampled_from(["file", "layout", "sheet", "skip_rows", "header_rows", "region", "year", "variable",
                     "variables", "unit", "scale", "delimiter", "encoding", "year_range", "format"]),
    SCALAR | st.lists(SCALAR, max_size=3), max_size=5))
def test_fuzz_source_entries_for_data_check(root, monkeypatch, source):
    (root / "data" / "raw" / "good.csv").write_text(GOOD_CSV, encoding="utf-8")
    write_sources(root, [{**GOOD_SPEC, **source}])
    out = run_cli(root, ["data", "check"], monkeypatch)
    assert "root:x:0:0" not in out
