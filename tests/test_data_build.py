"""Incremental and transactional builds (ipbench.data.build)."""

from __future__ import annotations

import pytest
from data_corpus import GOOD_CSV, GOOD_SPEC, file_hash, make_project, write_sources

from ipbench.data import Store, build, check
from ipbench.data import schema as schema_mod
from ipbench.errors import DataError
from ipbench.project import Project

SECOND = "地区,年份,常住人口(万人)\n南京市,2022,949.11\n南通市,2022,774.35\n"
SECOND_SPEC = {"id": "pop", "file": "pop.csv", "layout": "wide_variables", "region": "地区", "year": "年份",
               "variables": {"常住人口(万人)": "population"}}


@pytest.fixture
def project(tmp_path):
    return Project(make_project(tmp_path, sources=[GOOD_SPEC, SECOND_SPEC],
                                files={"good.csv": GOOD_CSV, "pop.csv": SECOND}))


def test_values_are_converted_to_base_units(project):
    build(project)
    f = Store.open(project).facts(variables=["gdp", "population"], regions=["南京"]).set_index("variable")
    assert f.loc["gdp", "value"] == pytest.approx(16907.85e8)  # 亿元 → 元
    assert f.loc["population", "value"] == pytest.approx(949.11e4)  # 万人 → 人
    assert f.loc["gdp", "unit"] == "元" and f.loc["population", "unit"] == "人"


def test_incremental_build_reloads_only_changed_sources(project):
    first = build(project)
    assert sorted(first.loaded) == ["good", "pop"]
    fp1 = Store.open(project).fingerprint()
    again = build(project)
    assert not again.changed and again.loaded == []
    # change one file: only that source is reloaded
    (project.raw / "pop.csv").write_text(SECOND.replace("949.11", "950"), encoding="utf-8")
    third = build(project)
    assert third.loaded == ["pop"] and third.kept == ["good"]
    fp2 = Store.open(project).fingerprint()
    assert fp2 != fp1
    # change a spec only (same file): reloaded too
    write_sources(project.root, [GOOD_SPEC, {**SECOND_SPEC, "year_range": [2000, 2030]}])
    assert build(project).loaded == ["pop"]
    # drop a source: its facts go
    write_sources(project.root, [GOOD_SPEC])
    res = build(project)
    assert res.removed == ["pop"]
    assert "population" not in set(Store.open(project).facts()["variable"])


def test_fingerprint_is_stable_across_forced_rebuilds(project):
    build(project)
    fp = Store.open(project).fingerprint()
    build(project, force=True)
    assert Store.open(project).fingerprint() == fp
    assert len(fp) == 64


def test_failure_while_writing_leaves_store_untouched(project, monkeypatch):
    build(project)
    before = file_hash(project.store)
    facts = Store.open(project).facts()
    (project.raw / "pop.csv").write_text(SECOND.replace("949.11", "951"), encoding="utf-8")

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(schema_mod, "write_meta", boom)
    with pytest.raises(RuntimeError, match="disk full"):
        build(project)
    assert file_hash(project.store) == before
    assert Store.open(project).facts().equals(facts)
    assert not list(project.data.glob(".ipbench.duckdb.tmp*"))


def test_one_bad_source_blocks_the_whole_build(project):
    build(project)
    before = file_hash(project.store)
    (project.raw / "good.csv").write_text(GOOD_CSV + "南京,2021,x,1,1,1,1\n", encoding="utf-8")
    (project.raw / "pop.csv").write_text(SECOND.replace("949.11", "951"), encoding="utf-8")  # valid change
    with pytest.raises(DataError, match="row 5"):
        build(project)
    assert file_hash(project.store) == before


def test_first_build_failure_creates_no_store(tmp_path):
    project = Project(make_project(tmp_path, files={"good.csv": GOOD_CSV + "火星,2022,1,1,0,0,1\n"}))
    with pytest.raises(DataError):
        build(project)
    assert not project.store.exists()


def test_check_collects_all_problems(tmp_path):
    bad = GOOD_CSV + "火星,2022,1,1,0,0,1\n南京,1800,1,1,0,0,1\n南通,2021,abc,1,0,0,1\n"
    report = check(Project(make_project(tmp_path, files={"good.csv": bad})))
    assert not report.ok
    messages = [str(p) for p in report.errors]
    assert {p.row for p in report.errors} == {5, 6, 7}  # the bad year hits every cell of row 6
    assert any("row 5" in m and "火星" in m for m in messages)
    assert any("row 6" in m and "year out of range" in m for m in messages)
    assert any("row 7" in m and "'abc'" in m for m in messages)
    assert f"{len(messages)} error(s)" in report.summary()


def test_vocabulary_change_forces_full_reload(project):
    build(project)
    path = project.variables
    path.write_text(path.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert sorted(build(project).loaded) == ["good", "pop"]
