"""The demo data set (scripts/make_demo_data.py → data/raw/demo, described in data/sources.yaml)."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest
from data_corpus import REPO, make_project

from ipbench.data import Store, build
from ipbench.project import Project

DEMO = REPO / "data" / "raw" / "demo"
#: the province and its 13 prefecture-level cities (the counties are in test_demo_counties.py)
CITIES = ["320000", *(f"32{i:02d}00" for i in range(1, 14))]


@pytest.fixture(scope="module")
def demo(demo_tables_store):
    """The table sources only (fast); the patent-record demo is built in test_demo_patent_records."""
    return demo_tables_store


@pytest.mark.slow
def test_demo_patent_records(tmp_path):
    """The full demo incl. the 200k-record export: flagged demo, no overlap, warnings only from
    ingest (issues / unassigned), per-industry rows only (industry ALL comes from demo_patents)."""
    make_project(tmp_path, sources=[], files={})
    shutil.copytree(DEMO, tmp_path / "data" / "raw" / "demo")
    shutil.copytree(REPO / "data" / "raw" / "demo_patents", tmp_path / "data" / "raw" / "demo_patents")
    shutil.copytree(REPO / "data" / "concordance", tmp_path / "data" / "concordance")
    shutil.copy(REPO / "data" / "sources.yaml", tmp_path / "data" / "sources.yaml")
    result = build(Project(tmp_path))
    assert result.warnings and all(
        "demo_patent_records" in str(w) or "demo_cnipa" in str(w) for w in result.warnings
    )
    store = Store.open(Project(tmp_path))
    src = store.sources().set_index("id")
    assert src["demo"].all() and len(src) == 6
    f = store.facts(variables=["patent_app_invention"])
    rec = f[f.source == "demo_patent_records"]
    assert len(rec) > 0 and "ALL" not in set(rec.industry_code)
    # whole-economy counts: the prefecture table and the county split of Nantong
    assert set(f[f.industry_code == "ALL"].source) == {"demo_patents", "demo_nantong_counties"}
    # the industry view's patents (invention grants by pilot industry) come from the records
    # alone, with grants and a stock in force in every year (filings reach back to 2008)
    for var in ("patent_grant_invention", "patent_inforce_invention"):
        g = store.facts(variables=[var])
        per_ind = g[g.industry_code != "ALL"]
        assert set(per_ind.source) == {"demo_patent_records"}
        prov = per_ind[per_ind.region_code == "320000"].groupby("year")["value"].sum()
        assert list(prov.index) == list(range(2016, 2025)) and (prov > 0).all(), var
        # a sample of the city totals (data/raw/demo_patents/README.md): a few per cent
        total = g[(g.industry_code == "ALL") & (g.region_code == "320000")].set_index("year")["value"]
        share = prov / total.reindex(prov.index)
        assert share.between(0.01, 0.4).all(), (var, share.round(3).to_dict())


def test_demo_is_flagged(demo):
    assert demo.is_demo
    src = demo.sources()
    assert src["demo"].all() and len(src) == 5  # 4 Jiangsu tables + Nantong's counties


def test_every_file_says_demo():
    from openpyxl import load_workbook

    for path in DEMO.glob("*.xlsx"):
        wb = load_workbook(path, read_only=True)
        for ws in wb.worksheets:
            first = next(ws.iter_rows(values_only=True))
            assert "示例数据" in str(first[0]), (path.name, ws.title)
    for path in DEMO.glob("*.csv"):
        enc = "gb18030" if "gbk" in path.name else "utf-8-sig"
        assert "示例数据" in path.read_text(encoding=enc).splitlines()[0]
    assert sum(p.stat().st_size for p in DEMO.iterdir()) < 5_000_000
    records = REPO / "data" / "raw" / "demo_patents"
    assert sum(p.stat().st_size for p in records.iterdir()) < 15_000_000
    assert "sample" in (records / "README.md").read_text(encoding="utf-8")


def test_industry_table_has_no_patent_counts(demo):
    """Per-industry invention grants come from the patent records (demo_patent_records), not
    from the industry table."""
    f = demo.facts(variables=["patent_grant_invention"])
    assert set(f.industry_code) == {"ALL"} and set(f.source) == {"demo_patents", "demo_nantong_counties"}


def test_thirteen_cities_plus_province_all_years(demo):
    f = demo.facts(variables="patent_grant_total")
    f = f[f.source != "demo_nantong_counties"]  # tests/test_demo_counties.py
    assert set(f.region_code) == {f"32{i:02d}00" for i in range(1, 14)} | {"320000"}
    assert sorted(set(f.year)) == list(range(2016, 2025))
    industries = set(demo.facts(variables="value_added").industry_code)
    assert industries == set(demo.industries().industry_code)


def test_totals_are_sums_of_types_and_cities(demo):
    for kind in ("app", "grant"):
        names = [f"patent_{kind}_{t}" for t in ("total", "invention", "utility", "design")]
        w = demo.facts(variables=names, industries="ALL", regions=CITIES).pivot_table(
            index=["region_code", "year"], columns="variable", values="value"
        )
        assert (w[names[0]] == w[names[1:]].sum(axis=1)).all()
    g = demo.facts(variables="patent_grant_total", regions=CITIES).pivot_table(index="year", columns="region_code", values="value")
    assert (g["320000"] == g.drop(columns="320000").sum(axis=1)).all()
    gdp = demo.facts(variables="gdp", regions=CITIES).pivot_table(index="year", columns="region_code", values="value")
    assert (gdp["320000"] - gdp.drop(columns="320000").sum(axis=1)).abs().max() < 1e7  # rounding of 亿元


def test_plausible_and_differentiated(demo):
    grants = demo.facts(variables="patent_grant_invention", industries="ALL", years=2024).set_index("region_code")["value"]
    assert grants["320500"] > grants["320100"] > grants["321300"] and grants.idxmax() == "320000"
    gdp = demo.facts(variables="gdp", regions="江苏", years=[2016, 2024])["value"].to_numpy()
    assert 6e12 < gdp[0] < 9e12 and gdp[1] > gdp[0] * 1.4  # ≈ 7.7 万亿元 → growth
    rd = demo.facts(variables=["rd_expenditure", "gdp", "rd_intensity"], years=2024).pivot_table(
        index="region_code", columns="variable", values="value"
    )
    assert ((rd.rd_expenditure / rd.gdp * 100 - rd.rd_intensity).abs() < 0.01).all()
    # 南通 is specialised in marine engineering: highest location quotient among the cities
    va = demo.facts(variables="value_added", years=2024).pivot_table(index="region_code", columns="industry_code", values="value")
    lq = (va["MARINE"] / va["ALL"]) / (va.loc["320000", "MARINE"] / va.loc["320000", "ALL"])
    assert lq.drop("320000").idxmax() == "320600" and lq["320600"] > 2


def test_generator_is_seeded(tmp_path):
    subprocess.run([sys.executable, str(REPO / "scripts" / "make_demo_data.py"), "--out", str(tmp_path)], check=True)
    for name in ("jiangsu_ip_rights_demo_gbk.csv", "jiangsu_industry_long_demo.csv",
                 "nantong_counties_demo.csv"):
        assert (tmp_path / name).read_bytes() == (DEMO / name).read_bytes()
