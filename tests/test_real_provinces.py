"""The real provincial example: China's 31 provinces, 2011–2023 (中国科技统计年鉴 via the R
package techme, MIT; data/raw/china_provinces/README.md), data set ``china_provinces`` with
params/china_provinces.yaml and params/indicators/china_provinces.yaml.

The panel ships with the project, so nothing here skips. Expected values are computed by hand
from the CSV with pandas, never taken from ipbench."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ipbench.data import Store, build
from ipbench.indicators import Catalogue, compute_indicators
from ipbench.project import Project

REPO = Path(__file__).resolve().parents[1]
RAW = REPO / "data" / "raw" / "china_provinces"
WIDE = RAW / "china_province_ip_innovation_2010_2023_wide.csv"
LONG = RAW / "china_province_sci_tech_yearbook_2010_2023_long.csv"
PARAMS = "params/china_provinces.yaml"
CATALOGUE = "params/indicators/china_provinces.yaml"
#: sha256 of the files as received (/work/shared/reference, techme commit 9ad60a1): unchanged
SHA256 = {
    WIDE.name: "9a337e3eba926ddc2e98dde696e2d4e34a10fc3b1e4764536ea8ea8a79a7fdba",
    LONG.name: "c988a16b9835352c1b50ba33c1952750895ce499f56e31adf19fd30660d79e10",
}
LEADERS = {"440000", "320000", "330000", "110000", "370000"}  # 广东 江苏 浙江 北京 山东
#: column of the wide CSV → (variable, factor to the store's base unit)
COLUMNS = {
    "patent_grant_invention": ("patent_grant_invention", 1.0),
    "patent_inforce_total": ("patent_inforce_total", 1.0),
    "rd_expenditure_100m_yuan": ("rd_expenditure", 1e8),
    "rd_intensity_pct": ("rd_intensity", 1.0),
    "rd_personnel_fte_person_years": ("rd_personnel_fte", 1.0),
    "tech_market_outflow_10k_yuan": ("tech_market_outflow", 1e4),
    "tech_contracts_inflow": ("tech_contracts_inflow", 1.0),
}


def copy_real_project(dest: Path) -> Path:
    """What the real suite needs, copied to ``dest``: vocabulary, the data set's sources and
    raw files, its params and catalogue (the store is built there, not in the repository)."""
    (dest / "data" / "raw").mkdir(parents=True)
    (dest / "pyproject.toml").write_text('[tool.ipbench]\nname = "real"\n', encoding="utf-8")
    for name in ("variables.yaml", "industries.yaml"):
        shutil.copy(REPO / "data" / name, dest / "data" / name)
    shutil.copytree(REPO / "data" / "china_provinces", dest / "data" / "china_provinces",
                    ignore=shutil.ignore_patterns("ipbench.duckdb*", "interim"))
    shutil.copytree(RAW, dest / "data" / "raw" / "china_provinces")
    (dest / "params" / "indicators").mkdir(parents=True)
    shutil.copy(REPO / PARAMS, dest / PARAMS)
    shutil.copy(REPO / CATALOGUE, dest / CATALOGUE)
    return dest


@pytest.fixture(scope="module")
def wide() -> pd.DataFrame:
    return pd.read_csv(WIDE, dtype={"adcode": str})


@pytest.fixture(scope="module")
def real(tmp_path_factory) -> Project:
    root = copy_real_project(tmp_path_factory.mktemp("real"))
    project = Project(root, "china_provinces")
    result = build(project)
    assert result.warnings == []
    return project


@pytest.fixture(scope="module")
def store(real) -> Store:
    return Store.open(real)


# ------------------------------------------------------------------------------ data


def test_raw_files_are_unchanged_and_documented():
    for name, digest in SHA256.items():
        assert hashlib.sha256((RAW / name).read_bytes()).hexdigest() == digest, name
    readme = (RAW / "README.md").read_text(encoding="utf-8")
    for word in ("techme", "MIT", "中国科技统计年鉴", "No** GDP"):
        assert word in readme


def test_real_store_is_not_demo_and_is_its_own(real, store):
    assert not store.is_demo
    assert store.path == real.root / "data" / "china_provinces" / "ipbench.duckdb"
    assert set(store.sources()["id"]) == {"cn_sci_tech_yearbook", "cn_sci_tech_yearbook_rd"}


def test_the_country_loads_as_a_region(store):
    regions = store.regions().set_index("region_code")
    assert regions.loc["100000", "name_zh"] == "全国" and regions.loc["100000", "level"] == "country"
    f = store.facts(variables="rd_expenditure", regions="全国", years=2023)
    assert f["value"].iloc[0] == pytest.approx(33357.1e8)  # NBS communiqué 2023
    provinces = store.facts(variables="patent_grant_invention", years=2023)
    assert set(provinces.region_code) == {*LEADERS, "100000"} | set(
        regions.index[regions.level == "province"]) - {"710000", "810000", "820000"}


@pytest.mark.parametrize("column", sorted(COLUMNS))
def test_store_values_equal_the_csv(store, wide, column):
    variable, factor = COLUMNS[column]
    f = store.facts(variables=variable).astype({"year": "int64"}).set_index(["region_code", "year"])["value"]
    expected = wide.set_index(["adcode", "year"])[column].dropna() * factor
    assert len(f) == len(expected)
    pd.testing.assert_series_equal(
        f.sort_index(), expected.rename_axis(["region_code", "year"]).sort_index(),
        check_names=False, rtol=1e-12,
    )


def test_long_file_series_equal_the_csv(store):
    long = pd.read_csv(LONG, dtype={"adcode": str})
    basic = long[(long.dataset == "RDActivity") & (long.variables == "v4_zh_nbzc_jcyj")]
    expected = basic.set_index(["adcode", "year"])["value"] * 1e4  # 万元 → 元
    f = store.facts(variables="rd_basic_research").set_index(["region_code", "year"])["value"]
    assert np.allclose(f.sort_index().to_numpy(), expected.sort_index().to_numpy(), rtol=1e-12)


def test_leading_provinces_by_invention_grants_2023(wide):
    """Data-level sanity of the panel: the five largest by invention grants in 2023."""
    y = wide[(wide.year == 2023) & (wide.adcode != "100000")]
    top5 = set(y.nlargest(5, "patent_grant_invention")["adcode"])
    assert len(top5 & LEADERS) >= 3


def test_catalogue_fits_the_data(real, store):
    """Every variable of the real catalogue is in the store for all 31 provinces, 2011–2023."""
    cat = Catalogue.load(real.root / CATALOGUE, vocabulary=real.variables)
    f = store.facts(variables=list(cat.variables), years=range(2011, 2024))
    f = f[f.region_code != "100000"]
    per_var = f.groupby("variable")["region_code"].nunique()
    assert set(per_var.index) == set(cat.variables) and (per_var == 31).all()


def test_ratio_indicators_equal_hand_computation(real, store, wide):
    """Invention grants per 亿元 of R&D and the invention share of grants, from the catalogue's
    formulas on the store, equal the same ratios computed from the CSV."""
    cat = Catalogue.load(real.root / CATALOGUE, vocabulary=real.variables)
    res = compute_indicators(store.facts(industries="ALL", years=2023), cat,
                             codes=["invention_grants_per_100m_rd", "invention_share_grants"],
                             vocabulary=real.variables)
    got = res.values.xs("ALL", level="industry_code").xs(2023, level="year")
    y = wide[wide.year == 2023].set_index("adcode")
    per_rd = y.patent_grant_invention / y.rd_expenditure_100m_yuan
    share = y.patent_grant_invention / y.patent_grant_total * 100
    assert got.loc["440000", "invention_grants_per_100m_rd"] == pytest.approx(per_rd["440000"], rel=1e-12)
    assert np.allclose(got["invention_grants_per_100m_rd"].sort_index(), per_rd.sort_index(), rtol=1e-12)
    assert np.allclose(got["invention_share_grants"].sort_index(), share.sort_index(), rtol=1e-12)


# ------------------------------------------------------------------------------ evaluation
# The real suite through the Evaluation API (tens of seconds on a shared 2-core machine: slow).


def _hand_indicators(wide: pd.DataFrame) -> pd.DataFrame:
    """The creation-potential and creation-capability indicators of the catalogue, by hand
    from the two CSV files, for the 31 provinces in 2011–2023."""
    long = pd.read_csv(LONG, dtype={"adcode": str})

    def series(dataset: str, code: str) -> pd.Series:
        s = long[(long.dataset == dataset) & (long.variables == code)]
        return s.set_index(["adcode", "year"])["value"]

    w = wide[(wide.adcode != "100000") & wide.year.between(2011, 2023)].set_index(["adcode", "year"])
    out = pd.DataFrame(index=w.index)
    out["rd_expenditure"] = w.rd_expenditure_100m_yuan
    out["rd_intensity"] = w.rd_intensity_pct
    out["rd_personnel"] = w.rd_personnel_fte_person_years / 1e4
    out["rd_researchers"] = series("RDLaborHour", "v4_zh_qsdl_yjry").reindex(out.index) / 1e4
    basic = series("RDActivity", "v4_zh_nbzc_jcyj").reindex(out.index) * 1e4  # 万元 → 元
    out["basic_research_share"] = basic / (w.rd_expenditure_100m_yuan * 1e8) * 100
    for code, col in (("invention_applications", "patent_app_invention"),
                      ("patent_applications", "patent_app_total"),
                      ("invention_grants", "patent_grant_invention"),
                      ("patent_grants", "patent_grant_total"),
                      ("invention_inforce", "patent_inforce_invention"),
                      ("patents_inforce", "patent_inforce_total")):
        out[code] = w[col]
    assert out.notna().all().all()  # complete: no imputation enters the hand computation
    return out


@pytest.fixture(scope="module")
def evaluation(real):
    from ipbench import Evaluation

    return Evaluation.from_params(real.root / PARAMS)


@pytest.fixture(scope="module")
def results(evaluation):
    return evaluation.run()


@pytest.mark.slow
def test_top_five_on_creation_capability_2023(results):
    sub = results.tables["subindices"]
    top5 = set(sub[sub.year == 2023].nlargest(5, "creation_capability")["region_code"])
    assert len(top5 & LEADERS) >= 3, top5


@pytest.mark.slow
def test_share_of_invention_grants_equals_hand_computation(results, wide):
    """situation: 广东's share of the 31 provinces' invention grants in 2023."""
    t = results.tables["situation_shares"]
    got = t[(t.region_code == "440000") & (t.year == 2023)]["share_ip"].iloc[0]
    y = wide[(wide.year == 2023) & (wide.adcode != "100000")].set_index("adcode")
    assert got == pytest.approx(y.patent_grant_invention["440000"] / y.patent_grant_invention.sum(), rel=1e-12)


@pytest.mark.slow
def test_grants_per_100m_rd_equals_hand_computation(results, wide):
    t = results.tables["indicators"].set_index(["region_code", "year"])["invention_grants_per_100m_rd"]
    y = wide[wide.adcode != "100000"].set_index(["adcode", "year"])
    for key in (("440000", 2023), ("110000", 2015), ("540000", 2011)):
        hand = y.patent_grant_invention[key] / y.rd_expenditure_100m_yuan[key]
        assert t[key] == pytest.approx(hand, rel=1e-12), key


@pytest.mark.slow
def test_coupling_degree_equals_hand_computation(evaluation, wide):
    """D of creation potential ↔ capability for 广东 2023, without outlier treatment and with
    equal weights: U = mean of the panel-min-max-normalised indicators of each subsystem
    (scale 100 → /100), C = 2√(U1·U2)/(U1+U2), T = ½U1 + ½U2, D = √(C·T)."""
    res = evaluation.with_params({"treatment.enabled": False, "weighting.method": "equal"}).run(until="match")
    X = _hand_indicators(wide)
    Xn = (X - X.min()) / (X.max() - X.min())
    potential = ["rd_expenditure", "rd_intensity", "rd_personnel", "rd_researchers", "basic_research_share"]
    capability = ["invention_applications", "patent_applications", "invention_grants",
                  "patent_grants", "invention_inforce", "patents_inforce"]
    u1 = Xn.loc[("440000", 2023), potential].mean()
    u2 = Xn.loc[("440000", 2023), capability].mean()
    c = 2 * np.sqrt(u1 * u2) / (u1 + u2)
    d = np.sqrt(c * (u1 + u2) / 2)
    t = res.tables["coupling"]
    row = t[(t.pair == "potential_capability") & (t.region_code == "440000") & (t.year == 2023)].iloc[0]
    assert (row.U1, row.U2) == (pytest.approx(u1, rel=1e-9), pytest.approx(u2, rel=1e-9))
    assert row.D == pytest.approx(d, rel=1e-9)


@pytest.mark.slow
def test_real_run_says_what_it_skipped_and_names_its_source(results):
    m = results.manifest
    assert m["demo"] is False
    assert m["data_note"].startswith("真实数据 · real data") and "中国科技统计年鉴" in m["data_note"]
    skipped = results.tables["skipped"]
    missing = ", ".join(skipped["missing"])
    for variable in ("population", "value_added", "employment"):
        assert variable in missing
    assert results.tables["catalogue_dropped"].empty  # the catalogue fits the data
    assert set(results.tables["coupling"]["pair"]) == {"potential_capability", "creation_use", "use_demand"}


def test_provenance_shows_the_real_data_line_not_the_demo_banner():
    from ipbench.reports.provenance import DEMO_BANNER_CLASS, REAL_DATA_CLASS, provenance_html

    note = "真实数据 · real data — 来源 source: 中国科技统计年鉴 <2024>"
    real = provenance_html({"demo": False, "data_note": note})
    assert REAL_DATA_CLASS in real and DEMO_BANNER_CLASS not in real and "&lt;2024&gt;" in real
    demo = provenance_html({"demo": True, "data_note": note})
    assert DEMO_BANNER_CLASS in demo and REAL_DATA_CLASS not in demo


@pytest.mark.slow
def test_real_pages_meet_the_reading_standard(real, results):
    """Issue 10 'Done when' on the real provincial suite (the overview and one region page):
    no variable code or method key in visible text, numbered tables and figures, contents,
    back link, print styles, +08:00; the skipped analyses named in words, the pairs counted
    (three here, not "four")."""
    from _pages import reading_problems, visible_text

    from ipbench.reports.runner import run

    shutil.copytree(REPO / "notebooks", real.root / "notebooks",
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints"), dirs_exist_ok=True)
    summary = run(real.root / PARAMS, only=["overview", "region:440000"], jobs=1,
                  progress=False, project=real)
    assert summary.ok, summary.text()
    out = real.root / "reports" / "china_provinces"
    codes = {*results["catalogue"]["code"], "patent_grant_invention", "value_added", "population",
             "employment", "rd_expenditure", "minmax", "entropy", "arithmetic", "pooled",
             "base_year", "100000", "Geodetic latitude"}
    for page in (out / "overview.html", out / "regions" / "440000.html"):
        html = page.read_text(encoding="utf-8")
        assert reading_problems(html, codes) == [], page.name
        text = visible_text(html)
        assert "本评价设3对匹配关系" in text and "四对" not in text
        # the skipped part in words (the key path is the one code the user needs)
        assert "静态态势（人口部分）" in text and "在数据集的 sources.yaml 中加载常住人口" in text
        assert "真实数据" in text and "示例数据" not in text
