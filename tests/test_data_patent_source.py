"""``layout: patent_records`` sources in the data build (ipbench.data.build + ipbench.patents.source).

Expected numbers are counted by hand from the export rows below: H01L → C3973 集成电路制造 →
ELECTRONICS and B63B → C3731 金属船舶制造 → MARINE in data/concordance/ipc_gbt4754_demo.csv.
"""

from __future__ import annotations

import shutil

import pytest
from data_corpus import GOOD_CSV, GOOD_SPEC, make_project, write_sources

from ipbench.data import Store, build
from ipbench.errors import DataError
from ipbench.project import Project

REPO_CONCORDANCE = "data/concordance/ipc_gbt4754_demo.csv"
HEAD = "申请号,申请日,公开（公告）号,公开（公告）日,授权公告日,主分类号,分类号,地址,国省代码,专利类型,法律状态,失效日,转让日\n"
EXPORT = HEAD + (
    "CN202310123456.7,2023-01-05,,,,H01L21/02,,江苏省南通市海门区人民路1号,32,发明,,,\n"
    "CN202320000001.2,2023-02-05,,,,B63B1/00,,南京市江宁区天元路2号,32,实用新型,,,\n"
    "CN202310000002.X,2023-03-05,,,二〇二二年,H01L21/02,,南京市江宁区天元路3号,32,发明,,,\n"
    "CN202310000003.1,2023-04-05,,,,H01L21/02,,火星基地,32,发明,,,\n"
)
RECS = {"id": "recs", "layout": "patent_records", "files": ["exports/*.csv"], "mapping": "cnipa",
        "concordance": REPO_CONCORDANCE, "scope": "32", "years": [2023, 2023],
        "industry_total": False, "region_total": "320000"}


@pytest.fixture
def project(tmp_path, project_root):
    root = make_project(tmp_path, sources=[GOOD_SPEC, RECS],
                        files={"good.csv": GOOD_CSV, "exports/a.csv": EXPORT})
    (root / "data" / "concordance").mkdir()
    shutil.copy(project_root / REPO_CONCORDANCE, root / REPO_CONCORDANCE)
    return Project(root)


def _value(facts, region, industry, variable):
    m = (facts.region_code == region) & (facts.industry_code == industry) & (facts.variable == variable)
    assert m.sum() == 1, (region, industry, variable)
    return float(facts.loc[m, "value"].iloc[0])


def test_facts_land_in_the_store_under_the_source_id(project):
    res = build(project)
    assert sorted(res.loaded) == ["good", "recs"]
    f = Store.open(project).facts(years=[2023])
    f = f[f.source == "recs"]
    assert "ALL" not in set(f.industry_code)  # industry_total: false
    assert _value(f, "320600", "ELECTRONICS", "patent_app_invention") == 1.0
    assert _value(f, "320100", "MARINE", "patent_app_utility") == 1.0
    assert _value(f, "320100", "ELECTRONICS", "patent_app_invention") == 1.0  # row 4, bad grant date
    assert _value(f, "320100", "ELECTRONICS", "patent_grant_invention") == 0.0  # its grant unknown
    # region_total: the province row is the sum over the cities (火星基地 is unassigned)
    assert _value(f, "320000", "ELECTRONICS", "patent_app_invention") == 2.0
    assert _value(f, "320000", "MARINE", "patent_app_utility") == 1.0


def test_ingest_issues_and_unassigned_are_build_warnings(project):
    res = build(project)
    text = "\n".join(str(w) for w in res.warnings)
    assert "1 of 4 patents without a region" in text
    assert "row 4" in text and "二〇二二年" in text and "unparseable date" in text
    interim = project.data / "interim" / "patents"
    assert "二〇二二年" in (interim / "recs_issues.csv").read_text(encoding="utf-8-sig")
    assert "火星基地" in (interim / "recs_unassigned.csv").read_text(encoding="utf-8-sig")
    assert "未定位 unassigned: 1" in (interim / "recs_summary.txt").read_text(encoding="utf-8")


def test_changed_export_or_concordance_reloads_only_that_source(project):
    build(project)
    assert not build(project).changed
    (project.raw / "exports" / "b.csv").write_text(
        HEAD + "CN202320000009.1,2023-05-05,,,,B63B1/00,,南京市江宁区天元路9号,32,实用新型,,,\n", encoding="utf-8")
    res = build(project)
    assert res.loaded == ["recs"] and res.kept == ["good"]
    f = Store.open(project).facts(years=[2023])
    assert _value(f[f.source == "recs"], "320100", "MARINE", "patent_app_utility") == 2.0
    conc = project.root / REPO_CONCORDANCE
    conc.write_text(conc.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert build(project).loaded == ["recs"]


@pytest.mark.parametrize(("extra", "path"), [
    ({"policy": "bogus"}, "sources[1](recs).policy"),
    ({"filez": ["x"]}, "sources[1](recs).filez: unknown key"),
    ({"region_total": "32"}, "sources[1](recs).region_total"),
])
def test_malformed_spec_key_named_with_its_path(project, extra, path):
    write_sources(project.root, [GOOD_SPEC, {**RECS, **extra}])
    with pytest.raises(DataError, match=path.replace("[", r"\[").replace("]", r"\]").replace("(", r"\(")
                       .replace(")", r"\)")):
        build(project)


def test_no_matching_file_is_an_error(project):
    write_sources(project.root, [GOOD_SPEC, {**RECS, "files": "nothing/*.csv"}])
    with pytest.raises(DataError, match="no file in data/raw matches"):
        build(project)


def test_overlap_with_another_source_is_reported_and_store_untouched(project):
    build(project)
    before = project.store.read_bytes()
    # with ALL rows for 2022 the records give 南京 2022 patent_grant_invention (0), as good.csv does
    write_sources(project.root, [GOOD_SPEC, {**RECS, "industry_total": True, "years": [2022, 2023]}])
    with pytest.raises(DataError, match=r"region 320100, industry ALL, year 2022, variable patent_grant_\w+\) is given by several"
                       r" sources: good, recs"):
        build(project)
    assert project.store.read_bytes() == before
