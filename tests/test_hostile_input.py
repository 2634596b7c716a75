"""Hostile and changed input (issue 11): a corpus of bad-input kinds across params,
catalogues, formulas, sources, vocabulary files, raw files and patent exports.

Every case asserts: a clear error (or, where stated, a warning) naming the location — file
and row/column, or the key path —, no traceback, bounded output (nothing expanded or read
from outside the project is echoed), and the store unchanged. Malformed inputs are made at
test time from the good ones in ``data_corpus``; nothing malformed is stored in the repository.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import openpyxl
import pandas as pd
import pytest
import yaml
from data_corpus import GOOD_CSV, GOOD_SPEC, make_project, write_sources
from typer.testing import CliRunner

from ipbench.cli.main import app
from ipbench.data import loaders
from ipbench.data.build import build
from ipbench.errors import IpbenchError
from ipbench.formula import Formula
from ipbench.indicators import Catalogue
from ipbench.patents.mappings import load_mapping
from ipbench.patents.readers import read_exports
from ipbench.project import Project

runner = CliRunner()
MAX_OUTPUT = 4000  # characters: an echoed alias expansion or file would be far longer

GOOD_PARAMS = {  # matches the data of GOOD_CSV (`params check` compares scope with the store)
    "name": "t",
    "title": "测试",
    "scope": {"regions": [320100, 320200, 320300, 320400, 320500, 320600], "years": {"first": 2021, "last": 2022},
              "base_year": 2022},
    "indicators": {"catalogue": "params/indicators/good.yaml"},
}

#: GOOD_CSV plus three cities and a second year: enough for `params check`'s dry run
TEMPLATE_CSV = GOOD_CSV + """无锡市,2022,80,20,40,20,14850.82
徐州市,2022,60,10,40,10,8457.84
常州市,2022,70,20,30,20,9550.1
南京市,2021,90,18,54,18,15217.06
南通,2021,45,9,27,9,10241.64
320500,2021,180,45,90,45,21562.51
无锡市,2021,72,18,36,18,13365.74
徐州市,2021,54,9,36,9,7612.06
常州市,2021,63,18,27,18,8595.09
"""

GOOD_CATALOGUE = {
    "indicators": [
        {"code": "gdp_total", "name_zh": "地区生产总值", "name_en": "GDP", "subsystem": "industry_resources",
         "direction": 1, "unit": "元", "formula": "gdp", "source": "test"},
    ]
}


def alias_bomb(indent: str = "") -> str:
    lines = [f"{indent}a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"{indent}a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]
    return "\n".join(lines) + "\n"


def deep(n: int = 60) -> str:
    return "[" * n + "]" * n


def csv_with(*rows: str, base: str = GOOD_CSV) -> str:
    return base + "".join(r + "\n" for r in rows)


def spec(**over) -> dict:
    return {**GOOD_SPEC, **over}


def xlsx_bytes(text: str = GOOD_CSV, mutate: Callable[[bytes], bytes] | None = None, **cells) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in text.strip().split("\n"):
        ws.append(row.split(","))
    for ref, value in cells.items():
        ws[ref] = value
    buf = io.BytesIO()
    wb.save(buf)
    if mutate is None:
        return buf.getvalue()
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            data = src.read(info.filename)
            z.writestr(info.filename, mutate(data) if info.filename == "xl/worksheets/sheet1.xml" else data)
    return out.getvalue()


def merged(ref: str) -> Callable[[bytes], bytes]:
    return lambda d: d.replace(b"</sheetData>", f'</sheetData><mergeCells count="1"><mergeCell ref="{ref}"/></mergeCells>'.encode())


def mixed_encoding_csv() -> bytes:
    text = csv_with(*[f"南京市,{2000 + i},1,1,0,0,1" for i in range(11)])
    lines = text.encode("utf-8").split(b"\n")
    lines[13] = "苏州市,2015,1,1,0,0,1".encode("gbk")
    return b"\n".join(lines)


# ------------------------------------------------------------------------------ fixtures
@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """A project with a good source, a built store, good params and a good catalogue."""
    root = make_project(tmp_path_factory.mktemp("tpl") / "p", files={"good.csv": TEMPLATE_CSV})
    (root / "params" / "indicators").mkdir(parents=True)
    (root / "params" / "good.yaml").write_text(yaml.safe_dump(GOOD_PARAMS, allow_unicode=True), encoding="utf-8")
    (root / "params" / "indicators" / "good.yaml").write_text(
        yaml.safe_dump(GOOD_CATALOGUE, allow_unicode=True), encoding="utf-8"
    )
    build(Project(root))
    return root


@pytest.fixture
def project(template, tmp_path, monkeypatch) -> Path:
    root = tmp_path / "p"
    shutil.copytree(template, root)
    monkeypatch.chdir(root)
    return root


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "<absent>"


def invoke(args: list[str]):  # noqa: ANN201
    result = runner.invoke(app, args)
    out = result.output
    assert "Traceback" not in out, out
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert len(out) < MAX_OUTPUT, out[:500]
    return result, out


# ------------------------------------------------------------------------------ the cases
@dataclass(frozen=True)
class Case:
    """``files``: path (relative to the project) → text/bytes written before the command;
    ``sources``: the sources list written to data/sources.yaml; ``expect``: substrings of the
    message (the location first). ``args``: the CLI command."""

    id: str
    expect: tuple[str, ...]
    files: dict[str, str | bytes] = field(default_factory=dict)
    sources: list[dict] | None = None
    args: tuple[str, ...] = ("data", "build")
    setup: Callable[[Path], None] | None = None
    patch: dict[str, object] = field(default_factory=dict)  # loaders.<name> → value


RAW = "data/raw/good.csv"
SRC = "data/sources.yaml"
XLSX = [spec(file="good.xlsx")]


def params_case(id: str, text: str | bytes, *expect: str, extra: dict | None = None) -> Case:
    files = {"params/bad.yaml": text, **(extra or {})}
    return Case(id, expect, files=files, args=("params", "check", "params/bad.yaml"))


def good_params(**over) -> str:
    return yaml.safe_dump({**GOOD_PARAMS, **over}, allow_unicode=True, sort_keys=False)


PARAMS_CASES = [
    params_case("params-alias-bomb", good_params() + "weighting:\n  method: entropy\n  x:\n" + alias_bomb("    "),
                "bad.yaml, line", "key weighting.x.a", "expands to more than"),
    params_case("params-alias-bomb-top", alias_bomb() + good_params(), "key a", "expands to more than"),
    params_case("params-depth", good_params() + "extra: " + deep() + "\n", "key extra[0][0]", "nested more than"),
    params_case("params-duplicate-key", good_params() + "name: again\n", "key name", "given twice"),
    params_case("params-python-tag", good_params() + "x: !!python/object/apply:os.system ['echo pwned']\n",
                "bad.yaml", "constructor", "python/object/apply"),
    params_case("params-python-name-tag", "name: !!python/name:os.system\n", "bad.yaml", "python/name"),
    params_case("params-not-utf8", ("name: t\ntitle: 测试\n").encode("gbk"), "bad.yaml, line 2", "not UTF-8"),
    params_case("params-syntax", "name: t\nscope: {regions: [320100\n", "bad.yaml, line", "not valid YAML"),
    params_case("params-tab-indent", "name: t\nscope:\n\tregions: [1]\n", "bad.yaml, line 3", "not valid YAML"),
    params_case("params-binary", b"\x00\x01\x02garbage\xff\xfe", "bad.yaml", "not UTF-8"),
    params_case("params-top-list", "- name: t\n", "bad.yaml", "top level must be a mapping"),
    params_case("params-top-scalar", "just text\n", "bad.yaml", "top level must be a mapping"),
    params_case("params-two-documents", good_params() + "---\nname: u\n", "bad.yaml", "single document"),
    params_case("params-unknown-key", good_params(weighting={"methd": "entropy"}), "weighting.methd", "unknown key",
                "did you mean 'method'"),
    params_case("params-bad-choice", good_params(weighting={"method": "magic"}), "weighting.method", "'magic'"),
    params_case("params-name-traversal", good_params(name="../../etc"), "name", "'../../etc'"),
    params_case("params-region-traversal", good_params(scope={**GOOD_PARAMS["scope"], "regions": ["../../x", 320100]}),
                "scope.regions[0]", "'../../x'"),
    params_case("params-extends-escape", "extends: ../../../../etc/passwd\nname: t\n", "extends:",
                "outside the folder of this file"),
    params_case("params-extends-absolute", "extends: /etc/hostname\nname: t\n", "extends:", "outside the folder"),
    params_case("params-extends-missing", "extends: nothere.yaml\nname: t\n", "nothere.yaml", "not found"),
    params_case("params-extends-list", "extends: [a.yaml, b.yaml]\nname: t\n", "extends:", "give one file name"),
    params_case("params-extends-cycle", "extends: loop.yaml\n", "extends: forms a cycle",
                extra={"params/loop.yaml": "extends: bad.yaml\n"}),
    params_case("params-base-alias-bomb", "extends: base.yaml\nname: t\n", "base.yaml", "expands to more than",
                extra={"params/base.yaml": alias_bomb()}),
    params_case("params-year-type", good_params(scope={**GOOD_PARAMS["scope"], "years": {"first": "2016年", "last": 2024}}),
                "scope.years.first"),
    params_case("params-year-range", good_params(scope={**GOOD_PARAMS["scope"], "years": {"first": 1200, "last": 2024}}),
                "scope.years.first"),
    params_case("params-data-set-traversal", good_params(data="../../etc"), "data"),
    params_case("params-empty", "", "bad.yaml", "name"),
    params_case("params-null-key", good_params() + "? [a, b]\n: 1\n", "bad.yaml"),
]


SOURCES_CASES = [
    Case("sources-alias-bomb", (SRC, "key sources[0].junk.a", "expands to more than"),
         setup=lambda r: (r / SRC).write_text(
             yaml.safe_dump({"sources": [GOOD_SPEC]}, allow_unicode=True, sort_keys=False).replace(
                 "  file: good.csv", "  file: good.csv\n  junk:\n" + alias_bomb("    "), 1), encoding="utf-8")),
    Case("sources-passwd", (SRC, "sources[0](good).file", "'../../../../etc/passwd'", "relative to data/raw"),
         sources=[spec(file="../../../../etc/passwd")]),
    Case("sources-absolute", (SRC, "sources[0](good).file", "'/etc/hostname'"), sources=[spec(file="/etc/hostname")]),
    Case("sources-home", (SRC, "sources[0](good).file", "'~/x.csv'"), sources=[spec(file="~/x.csv")]),
    Case("sources-inner-dotdot", (SRC, "sources[0](good).file", "no '..'"), sources=[spec(file="a/../../x.csv")]),
    Case("sources-symlink-out", ("data/raw/link.csv", "leads outside raw/"), sources=[spec(file="link.csv")],
         setup=lambda r: os.symlink("/etc/passwd", r / "data/raw/link.csv")),
    Case("sources-patent-glob-escape", (SRC, "sources[0](pat).files", "'../*.csv'"),
         sources=[{"id": "pat", "layout": "patent_records", "files": ["../*.csv"]}]),
    Case("sources-patent-mapping-escape", (SRC, "sources[0](pat)", "'../../m.yaml'", "project folder"),
         sources=[{"id": "pat", "layout": "patent_records", "files": ["x.csv"], "mapping": "../../m.yaml"}]),
    Case("sources-patent-concordance-escape", (SRC, "sources[0](pat)", "'/etc/passwd'"),
         sources=[{"id": "pat", "layout": "patent_records", "files": ["x.csv"], "concordance": "/etc/passwd"}]),
    Case("sources-unknown-key", (SRC, "sources[0](good).colour", "unknown key"), sources=[spec(colour="red")]),
    Case("sources-bad-layout", (SRC, "sources[0](good)", "layout"), sources=[spec(layout="sideways")]),
    Case("sources-duplicate-id", (SRC, "duplicate source id 'good'"), sources=[GOOD_SPEC, GOOD_SPEC]),
    Case("sources-not-a-list", (SRC, "sources"), setup=lambda r: (r / SRC).write_text("sources: {a: 1}\n", encoding="utf-8")),
    Case("sources-top-list", (SRC, "expected a mapping"), setup=lambda r: (r / SRC).write_text("- a\n", encoding="utf-8")),
    Case("sources-not-utf8", (SRC, "line 3", "not UTF-8"),
         setup=lambda r: (r / SRC).write_bytes("sources:\n  - id: good\n    file: 南通.csv\n".encode("gbk"))),
    Case("sources-duplicate-key", (SRC, "key sources[0].file", "given twice"),
         setup=lambda r: (r / SRC).write_text("sources:\n  - id: good\n    file: a.csv\n    file: b.csv\n", encoding="utf-8")),
    Case("sources-python-tag", (SRC, "python/object"),
         setup=lambda r: (r / SRC).write_text("sources: !!python/object/apply:os.system ['id']\n", encoding="utf-8")),
    Case("sources-header-rows", (SRC, "sources[0](good).header_rows"), sources=[spec(header_rows=99)]),
    Case("sources-year-range-reversed", (SRC, "sources[0](good)", "year_range"), sources=[spec(year_range=[2024, 2000])]),
    Case("sources-unknown-format", (SRC, "sources[0](good)", "cannot tell the format"), sources=[spec(file="x.dat")]),
    Case("sources-bad-id", (SRC, "sources[0](a/b).id"), sources=[spec(id="a/b")]),
    Case("sources-sheet-on-csv", (SRC, "sources[0](good)", "'sheet' is only for xlsx"), sources=[spec(sheet="S")]),
    Case("sources-missing-raw-file", ("data/raw/absent.csv", "raw file not found"), sources=[spec(file="absent.csv")]),
    Case("sources-empty-delimiter", (SRC, "sources[0](good).delimiter", "one character"), sources=[spec(delimiter="")]),
    Case("sources-deep", (SRC, "nested more than"),
         setup=lambda r: (r / SRC).write_text("sources: " + deep() + "\n", encoding="utf-8")),
]


def vocab_case(id: str, name: str, text: str | bytes, *expect: str) -> Case:
    return Case(id, (f"data/{name}", *expect), files={f"data/{name}": text})


VOCAB_CASES = [
    vocab_case("variables-alias-bomb", "variables.yaml", "variables:\n" + alias_bomb("  "), "expands to more than"),
    vocab_case("variables-unknown-unit", "variables.yaml",
               "variables:\n  gdp: {zh: 地区生产总值, en: GDP, unit: 斤, kind: money, group: industry}\n",
               "variables.gdp", "unknown base unit"),
    vocab_case("variables-bad-kind", "variables.yaml",
               "variables:\n  gdp: {zh: a, en: b, unit: 元, kind: weight, group: industry}\n", "variables.gdp.kind"),
    vocab_case("variables-list", "variables.yaml", "variables: [gdp]\n", "'variables:' mapping"),
    vocab_case("variables-not-utf8", "variables.yaml", "variables:\n  gdp: {zh: 地区生产总值}\n".encode("gbk"),
               "line 2", "not UTF-8"),
    vocab_case("industries-no-all", "industries.yaml",
               "industries:\n  - {code: A, zh: 甲, en: A, classification: pilot, level: 1}\n", "ALL"),
    vocab_case("industries-duplicate", "industries.yaml",
               "industries:\n  - {code: ALL, zh: 全部, en: All, classification: total, level: 0}\n"
               "  - {code: ALL, zh: 全部, en: All, classification: total, level: 0}\n", "duplicate industry code"),
    vocab_case("industries-bad-field", "industries.yaml",
               "industries:\n  - {code: ALL, zh: 全部, en: All, classification: total, level: -1}\n", "industries[0].level"),
    vocab_case("industries-mapping", "industries.yaml", "industries: {ALL: 1}\n", "'industries:' list"),
    vocab_case("industries-duplicate-key", "industries.yaml", "industries: []\nindustries: []\n", "key industries",
               "given twice"),
    vocab_case("aliases-unknown-key", "region_aliases.yaml", "colours: {a: b}\n", "unknown key(s)"),
    vocab_case("aliases-codes-list", "region_aliases.yaml", "codes: [320684]\n", "codes: expected a mapping"),
]


def raw_case(id: str, content: str | bytes, *expect: str, sources: list[dict] | None = None, **kw) -> Case:
    name = (sources or [GOOD_SPEC])[0]["file"]
    return Case(id, (f"data/raw/{name}", *expect), files={f"data/raw/{name}": content}, sources=sources, **kw)


RAW_CASES = [
    raw_case("raw-1e308", GOOD_CSV.replace("16907.85", "1e308"), "row 2", "column G", "overflows"),
    raw_case("raw-1e308-count", GOOD_CSV.replace(",100,20,", ",1e308,20,"), "row 2", "column C",
             "plausible range of a count"),
    raw_case("raw-implausible-money", GOOD_CSV.replace("16907.85", "1e12"), "row 2", "column G",
             "plausible range of a money"),
    raw_case("raw-inf", GOOD_CSV.replace("16907.85", "inf"), "row 2", "column G", "not a number"),
    raw_case("raw-minus-inf", GOOD_CSV.replace("16907.85", "-Infinity"), "row 2", "column G", "not a number"),
    raw_case("raw-text-value", GOOD_CSV.replace("11379.6", "abc"), "row 3", "column G", "not a number", "'abc'"),
    raw_case("raw-negative-count", GOOD_CSV.replace(",50,10,", ",-50,10,"), "row 3", "column C", "negative"),
    raw_case("raw-mixed-encoding", mixed_encoding_csv(), "row 14", "mixes encodings"),
    raw_case("raw-bom-bad-row", ("\ufeff" + GOOD_CSV).encode() + b"\x80,2022\n", "row 5", "(BOM)"),
    raw_case("raw-gbk-undecodable", GOOD_CSV.encode("gb18030") + b"\x81\x20\n", "row 5", "decode"),
    raw_case("raw-semicolon", GOOD_CSV.replace(",", ";"), "row 1", "semicolon", "delimiter: ';'"),
    raw_case("raw-tab", GOOD_CSV.replace(",", "\t"), "row 1", "tab", "delimiter: '\\t'"),
    raw_case("raw-ragged-long", csv_with("南通,2021,1,1,0,0,1,99,100"), "row 5", "fields where the header has 7"),
    raw_case("raw-ragged-short", csv_with("南通,2021,1"), "row 5", "fields where the header has 7"),
    raw_case("raw-unknown-region", csv_with("火星,2022,1,1,0,0,1"), "row 5", "火星"),
    raw_case("raw-year-out-of-range", csv_with("南通,1800,1,1,0,0,1"), "row 5", "year out of range"),
    raw_case("raw-not-a-year", csv_with("南通,去年,1,1,0,0,1"), "row 5", "not a year"),
    raw_case("raw-duplicate-row", csv_with("南通,2022,50,10,30,10,11379.6"), "row 5", "duplicated key", "also at row 3"),
    raw_case("raw-unmapped-header", GOOD_CSV.replace("地区生产总值(亿元)", "神秘指标"), "column G", "not mapped"),
    raw_case("raw-missing-region-column", GOOD_CSV.replace("地区,", "城市,"), "region column '地区' not found"),
    raw_case("raw-empty-file", "", "Empty CSV file"),
    raw_case("raw-binary", bytes(range(256)) * 4, "data/raw/good.csv"),
    raw_case("raw-nul-bytes", GOOD_CSV.replace("南通", "南\x00通"), "row 3"),
    raw_case("raw-long-row", GOOD_CSV + "南通,2021," + "9" * 5000 + ",1,0,0,1\n", "row 5", "bytes per row",
             patch={"MAX_ROW_BYTES": 4096}),
    raw_case("raw-huge-number", GOOD_CSV + "南通,2021," + "9" * 5000 + ",1,0,0,1\n", "row 5", "column C",
             "(5,002 characters)"),
    raw_case("raw-too-many-columns", csv_with("南通,2021,1,1,0,0,1"), "columns, over the cap", patch={"MAX_COLUMNS": 5}),
    raw_case("raw-unit-conflict", GOOD_CSV.replace("地区生产总值(亿元)", "地区生产总值(件)"), "column G", "unit conflict",
             sources=[spec(variables={**GOOD_SPEC["variables"], "地区生产总值(件)": "gdp"})]),
    raw_case("raw-unknown-variable", GOOD_CSV, "unknown variable 'no_such_var'",
             sources=[spec(variables={**GOOD_SPEC["variables"], "地区生产总值(亿元)": "no_such_var"})]),
    raw_case("raw-xlsx-stray-cell", xlsx_bytes(XFD1048576=1), "sheet1.xml reaches XFD1048576", "over the cap",
             sources=XLSX),
    raw_case("raw-xlsx-merged-huge", xlsx_bytes(mutate=merged("H1:XFD1048576")), "merged range H1:XFD1048576",
             sources=XLSX),
    raw_case("raw-xlsx-inflated-sheet", xlsx_bytes(mutate=lambda d: d + b"<!--" + b"x" * 20000 + b"-->"),
             "worksheet sheet1.xml inflates", sources=XLSX, patch={"MAX_SHEET_BYTES": 10_000}),
    raw_case("raw-xlsx-inflated-book", xlsx_bytes(), "the workbook inflates", sources=XLSX,
             patch={"MAX_WORKBOOK_BYTES": 1000}),
    raw_case("raw-xlsx-not-zip", b"this is not a workbook", "not an XLSX workbook", sources=XLSX),
    raw_case("raw-xlsx-truncated", xlsx_bytes()[:3000], "not an XLSX workbook", sources=XLSX),
    raw_case("raw-xlsx-damaged-part", xlsx_bytes(mutate=lambda d: d.replace(b"<sheetData>", b"<sheetData><row")),
             "cannot open the workbook", sources=XLSX),
    raw_case("raw-xlsx-missing-sheet", xlsx_bytes(), "no sheet 'Missing'", sources=[spec(file="good.xlsx", sheet="Missing")]),
    raw_case("raw-xlsx-used-range", xlsx_bytes(**{"AZ70000": 1}), "reaches AZ70000", "over the cap", sources=XLSX),
    raw_case("raw-xlsx-used-range-after-load", xlsx_bytes(**{"AZ70000": 1}), "sheet Sheet", "A1:AZ70000",
             sources=XLSX, patch={"_CELL_REF": re.compile(rb"(?!)"), "_DIMENSION": re.compile(rb"(?!)")}),
    raw_case("raw-xlsx-lying-dimension",
             xlsx_bytes(mutate=lambda d: re.sub(rb"<dimension [^>]*/>", b'<dimension ref="A1:B2"/>', d), XFD1048576=1),
             "reaches XFD1048576", sources=XLSX),
]


ALL_CASES = PARAMS_CASES + SOURCES_CASES + VOCAB_CASES + RAW_CASES


@pytest.mark.parametrize("case", ALL_CASES, ids=[c.id for c in ALL_CASES])
def test_bad_input_fails_clearly_and_leaves_the_store(case: Case, project: Path, monkeypatch):
    for name, value in case.patch.items():
        monkeypatch.setattr(loaders, name, value)
    store = project / "data" / "ipbench.duckdb"
    before = digest(store)
    if case.sources is not None:
        write_sources(project, case.sources)
    for rel, content in case.files.items():
        path = project / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    if case.setup is not None:
        case.setup(project)
    t0 = time.perf_counter()
    result, out = invoke(list(case.args))
    assert time.perf_counter() - t0 < 30
    assert result.exit_code != 0, out
    for text in case.expect:
        assert text in out, f"{text!r} not in:\n{out}"
    assert "root:" not in out and "lol, lol" not in out  # nothing read from /etc, nothing expanded
    assert digest(store) == before
    assert not (project / "reports").exists()
    if case.args[:2] == ("data", "build"):  # `data check` finds the same problem
        check, out2 = invoke(["data", "check"])
        assert check.exit_code != 0 and case.expect[-1] in out2


def test_extreme_but_plausible_value_is_a_warning_with_location(project):
    (project / RAW).write_text(GOOD_CSV.replace("16907.85", "3000000"), encoding="utf-8")  # 3e14 元
    result, out = invoke(["data", "check"])
    assert result.exit_code == 0
    assert "WARNING: file data/raw/good.csv, row 2, column G" in out and "extreme for a money variable" in out


def test_good_project_still_builds(project):
    result, out = invoke(["data", "check"])
    assert result.exit_code == 0 and "0 error(s)" in out
    assert invoke(["params", "check", "params/good.yaml"])[0].exit_code == 0


# ------------------------------------------------------------------------------ catalogues
def catalogue_with(**over) -> dict:
    ind = {**GOOD_CATALOGUE["indicators"][0], **over}
    return {"indicators": [ind]}


CATALOGUE_CASES = [
    ("cat-alias-bomb", "indicators:\n  - code: x\n    junk:\n" + alias_bomb("      "), ("key indicators[0].junk.a", "expands")),
    ("cat-python-tag", "indicators: !!python/object/apply:os.system ['id']\n", ("python/object",)),
    ("cat-duplicate-key", "indicators: []\nindicators: []\n", ("key indicators", "given twice")),
    ("cat-not-mapping", "- a\n- b\n", ("expected a mapping",)),
    ("cat-not-utf8", "indicators:\n  - code: 甲\n".encode("gbk"), ("line 2", "not UTF-8")),
    ("cat-unknown-key", catalogue_with(colour="red"), ("indicators[0].colour",)),
    ("cat-formula-import", catalogue_with(formula="__import__('os').system('id')"), ("indicators[0].formula",)),
    ("cat-formula-attribute", catalogue_with(formula="gdp.__class__"), ("indicators[0].formula", "not allowed")),
    ("cat-formula-lambda", catalogue_with(formula="(lambda: 1)()"), ("indicators[0].formula", "not allowed")),
    ("cat-formula-string", catalogue_with(formula="gdp + 'a'"), ("indicators[0].formula", "only numbers")),
    ("cat-formula-syntax", catalogue_with(formula="gdp +"), ("indicators[0].formula",)),
    ("cat-formula-unknown-function", catalogue_with(formula="eval(gdp)"), ("indicators[0].formula", "eval")),
    ("cat-formula-long", catalogue_with(formula="+".join(["gdp"] * 1000)), ("indicators[0].formula",)),
    ("cat-formula-deep", catalogue_with(formula="-" * 150 + "gdp"), ("indicators[0].formula", "nested more than")),
    ("cat-formula-lag", catalogue_with(formula="lag(gdp, 1000)"), ("indicators[0].formula", "lag(x, k)")),
    ("cat-duplicate-code", {"indicators": GOOD_CATALOGUE["indicators"] * 2}, ("indicators[1].code", "duplicated")),
    ("cat-deep-yaml", "indicators: " + deep() + "\n", ("nested more than",)),
]


@pytest.mark.parametrize(("content", "expect"), [c[1:] for c in CATALOGUE_CASES], ids=[c[0] for c in CATALOGUE_CASES])
def test_bad_catalogue_names_file_and_key(content, expect, tmp_path):
    path = tmp_path / "cat.yaml"
    if isinstance(content, dict):
        content = yaml.safe_dump(content, allow_unicode=True)
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    with pytest.raises(IpbenchError) as info:
        Catalogue.load(path)
    msg = str(info.value)
    assert "cat.yaml" in msg and len(msg) < MAX_OUTPUT and "lol, lol" not in msg
    for text in expect:
        assert text in msg, msg


# ------------------------------------------------------------------------------ formulas at run time
PANEL = pd.DataFrame(
    {"gdp": [1.0, 2.0, 0.0], "pop": [1e308, 2.0, 3.0]},
    index=pd.MultiIndex.from_tuples(
        [("320100", "ALL", 2020), ("320200", "ALL", 2020), ("320300", "ALL", 2020)],
        names=["region_code", "industry_code", "year"],
    ),
)

FORMULA_CASES = [
    ("formula-overflow-constant", "9**9**9 - 10**10**10 + gdp", ("indicator 'x'", "overflow", "region 320100", "year 2020")),
    ("formula-overflow-data", "pop * 1e10", ("indicator 'x'", "overflow", "region 320100", "year 2020")),
    ("formula-overflow-exp", "exp(gdp * 1000)", ("indicator 'x'", "overflow", "region 320100")),
    ("formula-zero-division", "pop / gdp", ("indicator 'x'", "division by zero", "region 320300", "year 2020")),
    ("formula-missing-column", "gdp / popu", ("indicator 'x'", "'popu'", "did you mean 'pop'")),
]


@pytest.mark.parametrize(("text", "expect"), [c[1:] for c in FORMULA_CASES], ids=[c[0] for c in FORMULA_CASES])
def test_formula_errors_name_indicator_region_year(text, expect):
    with pytest.raises(IpbenchError) as info:
        Formula.parse(text).evaluate(PANEL, indicator="x")
    msg = str(info.value)
    assert "np.float64" not in msg and "nothing to impute" not in msg
    for t in expect:
        assert t in msg, msg


# ------------------------------------------------------------------------------ patent exports
PATENT_HEADER = "申请号,申请日,专利类型,主分类号,申请人,地址\n"
PATENT_ROW = "CN{n},2020-01-0{d},发明,H01M 10/00,甲公司,江苏省南京市玄武区\n"


def patent_csv(*extra: str) -> str:
    return PATENT_HEADER + "".join(PATENT_ROW.format(n=i, d=i) for i in range(1, 4)) + "".join(extra)


PATENT_CASES = [
    ("pat-ragged", "x.csv", patent_csv("CN9,2020-01-09,发明,H01M,乙公司,江苏省南京市,多余,更多\n"), ("x.csv", "row 5", "more fields")),
    ("pat-ragged-first", "x.csv", PATENT_HEADER + "CN9,2020-01-09,发明,H01M,乙公司,南京,多余\n", ("x.csv", "row 2", "more fields")),
    ("pat-not-gzip", "x.csv.gz", b"not gzip at all", ("x.csv.gz", "not a gzip file")),
    ("pat-truncated-gzip", "x.csv.gz", gzip.compress(patent_csv().encode() * 50)[:200], ("x.csv.gz", "damaged")),
    ("pat-unknown-type", "x.xls", b"\xd0\xcf\x11\xe0", ("x.xls", "unknown file type")),
    ("pat-no-columns", "x.csv", "a,b,c\n1,2,3\n", ("x.csv", "finds no column")),
    ("pat-xlsx-stray-cell", "x.xlsx", xlsx_bytes(PATENT_HEADER + PATENT_ROW.format(n=1, d=1), XFD1048576=1),
     ("x.xlsx", "over the cap")),
    ("pat-xlsx-not-zip", "x.xlsx", b"PK not really", ("x.xlsx", "not an XLSX workbook")),
    ("pat-xlsx-merged-huge", "x.xlsx", xlsx_bytes(PATENT_HEADER + PATENT_ROW.format(n=1, d=1), mutate=merged("A5:XFD1048576")),
     ("x.xlsx", "merged range A5:XFD1048576")),
]


@pytest.mark.parametrize(("name", "content", "expect"), [c[1:] for c in PATENT_CASES], ids=[c[0] for c in PATENT_CASES])
def test_bad_patent_export_names_file_and_row(name, content, expect, tmp_path):
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    con = duckdb.connect()
    try:
        with pytest.raises(IpbenchError) as info:
            read_exports(con, [path], load_mapping("cnipa"))
    finally:
        con.close()
    msg = str(info.value)
    for t in expect:
        assert t in msg, msg


def test_good_patent_export_with_a_semicolon_header_reads(tmp_path):
    path = tmp_path / "ok.csv"
    path.write_text(patent_csv().replace(",", ";"), encoding="utf-8")
    con = duckdb.connect()
    try:
        (read,) = read_exports(con, [path], load_mapping("cnipa"))
    finally:
        con.close()
    assert read.rows == 3


# ------------------------------------------------------------------------------ processes
CHILD = """
import subprocess, sys, time, pathlib
g = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
pathlib.Path(sys.argv[1]).write_text(str(g.pid))
time.sleep(60)
"""
PARENT = """
import sys
from ipbench.cli.run import run_in_group
sys.exit(run_in_group([sys.executable, sys.argv[1], sys.argv[2]]))
"""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.is_file() and stat.read_text().split(")")[-1].split()[0] == "Z")


@pytest.mark.skipif(not hasattr(os, "killpg"), reason="process groups are POSIX")
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP])
def test_lab_child_group_stops_with_the_parent(tmp_path, sig):
    """`ipbench lab` stopped by its PID stops JupyterLab and its kernels (here: a child and
    a grandchild standing in for them)."""
    (tmp_path / "child.py").write_text(CHILD, encoding="utf-8")
    (tmp_path / "parent.py").write_text(PARENT, encoding="utf-8")
    pidfile = tmp_path / "pid"
    parent = subprocess.Popen([sys.executable, str(tmp_path / "parent.py"), str(tmp_path / "child.py"), str(pidfile)])
    try:
        deadline = time.monotonic() + 30
        while not pidfile.exists() or not pidfile.read_text():
            assert time.monotonic() < deadline, "child did not start"
            time.sleep(0.05)
        grandchild = int(pidfile.read_text())
        assert _alive(grandchild)
        parent.send_signal(sig)
        assert parent.wait(timeout=20) == 128 + sig
        deadline = time.monotonic() + 10
        while _alive(grandchild) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _alive(grandchild)
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait()


def test_lab_group_stops_when_the_child_exits_on_its_own(tmp_path):
    from ipbench.cli.run import run_in_group

    code = run_in_group([sys.executable, "-c", "import sys; sys.exit(3)"])
    assert code == 3


def test_corpus_size():
    kinds = len(ALL_CASES) + len(CATALOGUE_CASES) + len(FORMULA_CASES) + len(PATENT_CASES)
    assert kinds >= 80, kinds
