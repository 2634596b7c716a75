"""Malformed-input corpus: each bad input is rejected with a message naming file, row, column
and value where they apply, and the store built from the good input is left byte-identical."""

from __future__ import annotations

import copy
import shutil

import pytest
from data_corpus import GOOD_CSV, GOOD_SPEC, file_hash, make_project, write_sources

from ipbench.data import Store, build
from ipbench.errors import DataError
from ipbench.project import Project


def _replace_line(text: str, n: int, new: str) -> str:
    lines = text.splitlines()
    lines[n - 1] = new
    return "\n".join(lines) + "\n"


def _spec(**changes) -> dict:
    spec = copy.deepcopy(GOOD_SPEC)
    for k, v in changes.items():
        if v is None:
            spec.pop(k, None)
        else:
            spec[k] = v
    return spec


# (id, raw file text or None for GOOD_CSV, sources list or None for [GOOD_SPEC], expected fragments)
CASES = [
    ("non_numeric", _replace_line(GOOD_CSV, 3, "南通,2022,5O,10,30,10,11379.6"), None,
     ["file data/raw/good.csv", "row 3", "column C (专利授权量(件))", "not a number", "'5O'"]),
    ("negative_count", _replace_line(GOOD_CSV, 2, "南京市,2022,100,-20,60,20,16907.85"), None,
     ["row 2", "column D (发明专利授权量(件))", "negative", "'-20'"]),
    ("year_out_of_range", _replace_line(GOOD_CSV, 4, "320500,1899,200,50,100,50,23958.34"), None,
     ["row 4", "column", "year out of range [1949, 2100]", "'1899'"]),
    ("year_not_a_year", _replace_line(GOOD_CSV, 4, "320500,二〇二二,200,50,100,50,23958.34"), None,
     ["row 4", "not a year", "'二〇二二'"]),
    ("unknown_region", _replace_line(GOOD_CSV, 3, "苏洲市,2022,50,10,30,10,11379.6"), None,
     ["row 3", "unknown region '苏洲市'", "did you mean", "苏州", "'苏洲市'"]),
    ("unknown_region_code", _replace_line(GOOD_CSV, 4, "329999,2022,200,50,100,50,23958.34"), None,
     ["row 4", "unknown region code 329999", "'329999'"]),
    ("ambiguous_region", _replace_line(GOOD_CSV, 3, "鼓楼区,2022,50,10,30,10,11379.6"), None,
     ["row 3", "ambiguous region name '鼓楼区'", "320106", "'鼓楼区'"]),
    ("duplicate_key", GOOD_CSV + "南京,2022,1,1,0,0,1\n", None,
     ["row 5", "duplicated key", "region 320100", "also at row 2", "'1'"]),
    ("duplicate_via_alias", GOOD_CSV + "320584,2022,1,1,0,0,1\n吴江区,2022,1,1,0,0,1\n", None,
     ["row 6", "duplicated key (region 320509", "also at row 5"]),
    ("ragged_row", GOOD_CSV + "南京市,2023,1,1,0,0,1,9\n", None,
     ["file data/raw/good.csv", "row 5", "8 fields where the header has 7", "9"]),
    ("unknown_variable", None, [_spec(variables={**GOOD_SPEC["variables"], "地区生产总值(亿元)": "gdp_total"})],
     ["row 2", "column G (地区生产总值(亿元))", "unknown variable 'gdp_total'"]),
    ("unmapped_column", "\n".join(line + (",备注" if i == 0 else ",x") for i, line in enumerate(GOOD_CSV.splitlines())) + "\n", None,
     ["row 1", "column H (备注)", "not mapped", "'备注'"]),
    ("unit_conflict", GOOD_CSV.replace("地区生产总值(亿元)", "地区生产总值(件)"),
     [_spec(variables={**GOOD_SPEC["variables"], "地区生产总值(件)": "gdp"})],
     ["row 2", "column G", "unit conflict", "'gdp'", "'元'", "'件'"]),
    ("unknown_unit", GOOD_CSV.replace("地区生产总值(亿元)", "地区生产总值"),
     [_spec(variables={**GOOD_SPEC["variables"], "地区生产总值": {"variable": "gdp", "unit": "万斤"}})],
     ["row 2", "column G (地区生产总值)", "unknown unit '万斤'"]),
    ("no_unit", GOOD_CSV.replace("地区生产总值(亿元)", "地区生产总值"),
     [_spec(variables={**GOOD_SPEC["variables"], "地区生产总值": "gdp"})],
     ["row 2", "column G (地区生产总值)", "no unit for variable 'gdp'"]),
    ("missing_region_column", GOOD_CSV.replace("地区,", "城市,", 1), None,
     ["region column '地区' not found", "城市"]),
    ("missing_file", None, [_spec(file="nothere.csv")],
     ["file data/raw/nothere.csv", "raw file not found"]),
    ("unknown_yaml_key", None, [_spec(sheeet=1)],
     ["sources.yaml", "sources[0](good).sheeet: unknown key"]),
    ("bad_layout", None, [_spec(layout="diagonal")],
     ["sources[0](good).layout", "long", "wide_years"]),
    ("unknown_industry", GOOD_CSV.replace("地区,", "行业,地区,", 1).replace("\n南", "\nMARINE,南").replace("\n3205", "\n船舶,3205"),
     [_spec(industry_column="行业")],
     ["row 4", "unknown industry '船舶'", "'船舶'"]),
    ("cross_source_duplicate", None,
     [GOOD_SPEC, _spec(id="again", variables={"地区生产总值(亿元)": "gdp"}, unmapped="ignore", checks=[])],
     ["given by several sources", "region 320100", "variable gdp", "good", "again row 2"]),
    ("empty_region", _replace_line(GOOD_CSV, 3, ",2022,50,10,30,10,11379.6"), None,
     ["row 3", "empty region"]),
]


@pytest.fixture(scope="module")
def good_project(tmp_path_factory):
    """A project whose store was built from the good input (copied for each case)."""
    root = make_project(tmp_path_factory.mktemp("good"))
    build(Project(root))
    return root


@pytest.mark.parametrize(("raw", "sources", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_is_rejected_and_store_untouched(tmp_path, good_project, raw, sources, expected):
    root = tmp_path / "project"
    shutil.copytree(good_project, root)
    project = Project(root)
    before = file_hash(project.store)

    if raw is not None:
        (project.raw / "good.csv").write_text(raw, encoding="utf-8")
    if sources is not None:
        write_sources(root, sources)
    with pytest.raises(DataError) as info:
        build(project)
    message = str(info.value)
    for fragment in expected:
        assert fragment in message, f"{fragment!r} not in {message!r}"
    assert file_hash(project.store) == before  # byte-identical store
    assert not list(project.data.glob(".*tmp*")), "temporary store left behind"


def test_corpus_has_at_least_15_kinds():
    assert len(CASES) >= 15


def test_subtotal_failure_is_a_warning_not_an_error(tmp_path):
    # 南京: 100 ≠ 21 + 60 + 20 → warning, the build still succeeds
    raw = _replace_line(GOOD_CSV, 2, "南京市,2022,100,21,60,20,16907.85")
    project = Project(make_project(tmp_path, files={"good.csv": raw}))
    result = build(project)
    (warning,) = result.warnings
    text = str(warning)
    assert text.startswith("WARNING")
    assert "subtotal check failed: patent_grant_total = 100" in text and "= 101" in text
    assert "row 2" in text and "column C" in text


def test_yearbook_markers_are_missing_not_errors(tmp_path):
    raw = _replace_line(GOOD_CSV, 3, "南通,2022,—,…,-,/,11379.6")
    project = Project(make_project(tmp_path, files={"good.csv": raw}))
    build(project)
    facts = Store.open(project).facts(regions=["南通"])
    assert list(facts.variable) == ["gdp"]  # the four patent cells were markers → missing
