"""Real yearbook data (../shared/reference, see its SOURCES.md) through the same source-YAML path.

Facts that must hold, from 中国科技统计年鉴 via the techme package (SOURCES.md): national R&D
expenditure 2023 = 33,357.1 亿元 and Beijing 2,947.1 亿元 (NBS, 2023年全国科技经费投入统计公报);
patent totals = invention + utility model + design for every province-year; the wide and the long
file agree where they hold the same series.
"""

from __future__ import annotations

import shutil

import numpy as np
import pytest
from data_corpus import make_project

from ipbench.data import Store, build
from ipbench.project import Project

WIDE = "china_province_ip_innovation_2010_2023_wide.csv"
LONG = "china_province_sci_tech_yearbook_2010_2023_long.csv"

WIDE_SPEC = {
    "id": "ref_wide",
    "file": WIDE,
    "layout": "wide_variables",
    "region": "adcode",
    "year": "year",
    "ignore_columns": ["province"],
    "unit": "件",
    "variables": {
        "rd_expenditure_100m_yuan": {"variable": "rd_expenditure", "unit": "亿元"},
        "rd_intensity_pct": {"variable": "rd_intensity", "unit": "%"},
        "rd_personnel_fte_person_years": {"variable": "rd_personnel_fte", "unit": "人年"},
        "tech_market_outflow_10k_yuan": {"variable": "tech_market_outflow", "unit": "万元"},
        "tech_market_inflow_10k_yuan": {"variable": "tech_market_inflow", "unit": "万元"},
        "tech_contracts_outflow": {"variable": "tech_contracts_outflow", "unit": "项"},
        "tech_contracts_inflow": {"variable": "tech_contracts_inflow", "unit": "项"},
    },
    "checks": [
        {"total": "patent_app_total", "parts": ["patent_app_invention", "patent_app_utility", "patent_app_design"]},
        {"total": "patent_grant_total", "parts": ["patent_grant_invention", "patent_grant_utility", "patent_grant_design"]},
    ],
}
# the long file: only what the wide file lacks (published high-tech firm counts) ...
LONG_SPEC = {
    "id": "ref_long",
    "file": LONG,
    "layout": "long",
    "region": "adcode",
    "year": "year",
    "value": "value",
    "variable_column": "variables",
    "unit_column": "units",
    "unmapped": "ignore",
    "variables": {"hitech_firms_pub": "high_tech_firms"},
}
# ... and, in a second project, the series both files hold (techme codes → variables)
LONG_OVERLAP = {
    **LONG_SPEC,
    "id": "ref_long_overlap",
    "variables": {
        "v4_cg_zlsq_hj": "patent_app_total", "v4_cg_zlsq_fm": "patent_app_invention",
        "v4_cg_zlsq2_hj": "patent_grant_total", "v4_cg_zlsq2_fm": "patent_grant_invention",
        "v4_cg_zlsyx_hj": "patent_inforce_total", "v4_ztr_jf_RD": "rd_expenditure",
        "v4_cg_jssc_je": "tech_market_outflow",
    },
}


def reference_project(root, shared_reference, sources):
    """A temporary project holding COPIES of the reference files (made at test time)."""
    make_project(root, sources=sources, files={})
    for name in (WIDE, LONG):
        shutil.copy(shared_reference / name, root / "data" / "raw" / name)
    return Project(root)


@pytest.fixture(scope="module")
def reference_store(shared_reference, tmp_path_factory):
    project = reference_project(tmp_path_factory.mktemp("ref"), shared_reference, [WIDE_SPEC, LONG_SPEC])
    result = build(project)
    assert result.warnings == []  # the sum checks pass for all province-years (SOURCES.md)
    return Store.open(project)


def test_national_rd_2023(reference_store):
    f = reference_store.facts(variables="rd_expenditure", regions=["全国", "北京"], years=2023).set_index("region_code")
    assert f.loc["100000", "value"] == pytest.approx(33357.1e8, rel=1e-12)  # 33,357.1 亿元 in 元
    assert f.loc["110000", "value"] == pytest.approx(2947.1e8, rel=1e-12)
    assert set(f["unit"]) == {"元"}


def test_patent_totals_equal_sum_of_types(reference_store):
    for kind in ("app", "grant"):
        names = [f"patent_{kind}_{t}" for t in ("total", "invention", "utility", "design")]
        w = reference_store.facts(variables=names).pivot_table(
            index=["region_code", "year"], columns="variable", values="value"
        ).dropna()
        assert len(w) >= 400  # 32 units × 14 years, a few gaps
        np.testing.assert_array_equal(w[names[0]], w[names[1:]].sum(axis=1))


def test_thirty_one_provinces_and_the_nation(reference_store):
    codes = set(reference_store.facts(variables="patent_grant_total", years=2023)["region_code"])
    assert len(codes) == 32 and "100000" in codes and "320000" in codes


def test_units_converted_from_10k_yuan(reference_store):
    # 全国 technology-market outflow 2010 in the CSV: 39,065,753.206057 万元
    f = reference_store.facts(variables="tech_market_outflow", regions="100000", years=2010)
    assert f["value"].iloc[0] == pytest.approx(39065753.206057e4, rel=1e-12)


def test_long_source_adds_high_tech_firms(reference_store):
    f = reference_store.facts(variables="high_tech_firms")
    assert len(f) == 217 and set(f["source"]) == {"ref_long"} and (f["value"] > 0).all()


def test_wide_and_long_files_agree(shared_reference, tmp_path, reference_store):
    project = reference_project(tmp_path, shared_reference, [LONG_OVERLAP])
    build(project)
    long = Store.open(project).facts()
    wide = reference_store.facts(variables=sorted(set(long.variable)))
    key = ["region_code", "year", "variable"]
    both = long.merge(wide, on=key, suffixes=("_long", "_wide"))
    assert len(both) > 2000
    np.testing.assert_allclose(both.value_long, both.value_wide, rtol=1e-9)
