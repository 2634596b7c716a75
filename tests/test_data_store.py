"""Read API of the store (ipbench.data.store)."""

from __future__ import annotations

import pytest
from data_corpus import make_project

from ipbench.data import DEMO_NOTICE, Store, build
from ipbench.data.build import file_sha256
from ipbench.errors import DataError
from ipbench.project import Project


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    project = Project(make_project(tmp_path_factory.mktemp("store")))
    build(project)
    return Store.open(project)


def test_facts_contract(store):
    f = store.facts()
    assert list(f.columns) == ["region_code", "industry_code", "year", "variable", "value", "unit", "source"]
    assert f["region_code"].str.fullmatch(r"\d{6}").all()
    assert str(f["year"].dtype) == "int32" and str(f["value"].dtype) == "float64"
    assert set(f["industry_code"]) == {"ALL"}
    assert len(f) == 15


def test_filters_accept_names_and_codes(store):
    by_name = store.facts(variables="gdp", regions=["南通市", "苏州"])
    by_code = store.facts(variables=["gdp"], regions=["320600000000", "320500"])
    assert by_name.equals(by_code) and sorted(by_name.region_code) == ["320500", "320600"]
    assert store.facts(years=[2021]).empty
    assert len(store.facts(industries="ALL", years=2022)) == 15


def test_unknown_variable_or_region_is_an_error(store):
    with pytest.raises(DataError, match="unknown variable"):
        store.facts(variables="gpd")
    with pytest.raises(DataError, match="did you mean"):
        store.facts(regions=["苏洲市"])


def test_dimensions_and_sources(store):
    regions = store.regions().set_index("region_code")
    assert regions.loc["320600", "name_zh"] == "南通市" and regions.loc["320600", "name_en"] == "Nantong"
    assert regions.loc["320600", "parent_code"] == "320000" and regions.loc["320600", "level"] == "prefecture"
    assert regions.loc["100000", "level"] == "country"
    assert len(regions) > 3000
    ind = store.industries()
    assert {"ALL", "MARINE", "TEXTILE"} <= set(ind.industry_code)
    src = store.sources().iloc[0]
    assert src["id"] == "good" and src["rows"] == 15 and not src["demo"]
    assert src["sha256"] == file_sha256(store.path.parent / "raw" / "good.csv")
    assert store.is_demo is False and store.notice is None


def test_demo_flag(tmp_path):
    from data_corpus import GOOD_SPEC

    project = Project(make_project(tmp_path, sources=[{**GOOD_SPEC, "demo": True}]))
    build(project)
    s = Store.open(project)
    assert s.is_demo and s.notice == DEMO_NOTICE == "示例数据 · demo data, not official statistics"


def test_open_without_store(tmp_path):
    with pytest.raises(DataError, match="ipbench data build"):
        Store.open(Project(make_project(tmp_path)))
