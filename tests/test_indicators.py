"""Tests of ipbench.indicators: catalogue validation, the default catalogue, computing
indicators from facts (hand-checked), and real provincial yearbook data (../shared)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from ipbench.errors import DataError, ParamsError
from ipbench.formula import FormulaZeroDivisionError
from ipbench.indicators import (
    SUBSYSTEMS,
    Catalogue,
    IndicatorValues,
    compute_indicators,
    load_vocabulary,
)

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT / "params" / "indicators" / "default.yaml"
VARIABLES = ROOT / "data" / "variables.yaml"


@pytest.fixture(scope="module")
def vocab() -> dict:
    return load_vocabulary(VARIABLES)


@pytest.fixture(scope="module")
def default() -> Catalogue:
    return Catalogue.load(DEFAULT, vocabulary=VARIABLES)


def write(tmp_path: Path, text: str, name: str = "cat.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


GOOD = """\
name_zh: 测试
indicators:
  - code: inv_10k
    name_zh: 每万人口发明专利拥有量
    name_en: Invention patents in force per 10,000 residents
    unit: 件/万人
    direction: 1
    subsystem: creation_capability
    formula: patent_inforce_invention / population * 1e4
    source: test
  - code: inv_share
    name_zh: 发明专利授权占比
    name_en: Invention share of grants
    unit: "%"
    direction: 1
    subsystem: quality
    formula: patent_grant_invention / patent_grant_total * 100
    source: test
  - code: rd_intensity
    name_zh: R&D经费投入强度
    name_en: R&D intensity
    unit: "%"
    direction: 1
    subsystem: creation_potential
    formula: rd_expenditure / gdp * 100
    source: test
  - code: rd_growth
    name_zh: R&D经费增长率
    name_en: R&D growth
    unit: "%"
    direction: 1
    subsystem: creation_potential
    formula: growth(rd_expenditure) * 100
    source: test
  - code: rd_cost_per_grant
    name_zh: 每件发明专利授权R&D经费
    name_en: R&D expenditure per invention grant
    unit: 万元/件
    direction: -1
    subsystem: quality
    formula: rd_expenditure / 1e4 / patent_grant_invention
    source: test
"""


# --- catalogue validation ------------------------------------------------------------------
def test_load_good_catalogue(tmp_path, vocab):
    cat = Catalogue.load(write(tmp_path, GOOD), vocabulary=vocab)
    assert cat.codes == ["inv_10k", "inv_share", "rd_intensity", "rd_growth", "rd_cost_per_grant"]
    assert cat.directions.to_dict() == {
        "inv_10k": 1,
        "inv_share": 1,
        "rd_intensity": 1,
        "rd_growth": 1,
        "rd_cost_per_grant": -1,
    }
    assert cat.variables == (
        "patent_inforce_invention",
        "population",
        "patent_grant_invention",
        "patent_grant_total",
        "rd_expenditure",
        "gdp",
    )
    assert cat.name_zh == "测试"
    assert cat["inv_share"].unit == "%"


@pytest.mark.parametrize(
    ("old", "new", "fragments"),
    [
        (
            "    formula: patent_grant_invention / patent_grant_total * 100",
            "    formul: patent_grant_invention / patent_grant_total * 100",
            ["indicators[1].formul (indicator 'inv_share'): unknown key", "did you mean 'formula'"],
        ),
        (
            "    source: test\n  - code: inv_share",
            "  - code: inv_share",
            ["indicators[0].source (indicator 'inv_10k'): required key is missing"],
        ),
        (
            "    direction: -1",
            "    direction: 0",
            ["indicators[4].direction (indicator 'rd_cost_per_grant')", "1 (benefit) or -1 (cost)"],
        ),
        (
            "    direction: -1",
            "    direction: true",
            ["indicators[4].direction (indicator 'rd_cost_per_grant')", "got True"],
        ),
        (
            "    direction: -1",
            "    direction: cost",
            ["indicators[4].direction", "1 (benefit) or -1 (cost), got 'cost'"],
        ),
        (
            "    subsystem: quality\n    formula: patent_grant_invention",
            "    subsystem: qualty\n    formula: patent_grant_invention",
            ["indicators[1].subsystem", "unknown subsystem 'qualty'", "did you mean 'quality'"],
        ),
        (
            "name_zh: 测试",
            "name_zh: 测试\nnmae_en: x",
            ["nmae_en: unknown key", "did you mean 'name_en'"],
        ),
        (
            "  - code: inv_share",
            "  - code: Inv-Share",
            ["indicators[1].code", "lower-case"],
        ),
        (
            "  - code: inv_share",
            "  - code: inv_10k",
            ["indicators[1].code: duplicated indicator code 'inv_10k'", "indicators[0]"],
        ),
        (
            "    formula: rd_expenditure / gdp * 100",
            "    formula: rd_expenditure / (gdp * 100",
            ["indicators[2].formula", "indicator 'rd_intensity'", "syntax error"],
        ),
        (
            "    formula: rd_expenditure / gdp * 100",
            "    formula: rd_expenditure.__class__",
            ["indicators[2].formula", "attribute access"],
        ),
    ],
)
def test_catalogue_errors_name_key_path(tmp_path, old, new, fragments):
    assert old in GOOD
    path = write(tmp_path, GOOD.replace(old, new, 1))
    with pytest.raises(ParamsError) as exc:
        Catalogue.load(path)
    msg = str(exc.value)
    assert str(path) in msg
    for frag in fragments:
        assert frag in msg, msg


def test_unknown_variable_names_indicator_and_suggests(tmp_path, vocab):
    path = write(tmp_path, GOOD.replace("/ population *", "/ populaton *"))
    cat = Catalogue.load(path)  # no vocabulary: loads
    with pytest.raises(ParamsError) as exc:
        cat.check_variables(vocab)
    msg = str(exc.value)
    assert "indicator 'inv_10k'" in msg and "unknown variable 'populaton'" in msg
    assert "did you mean 'population'" in msg
    with pytest.raises(ParamsError, match="inv_10k"):
        Catalogue.load(path, vocabulary=VARIABLES)


def test_not_a_mapping_and_missing_file(tmp_path):
    with pytest.raises(ParamsError, match="expected a mapping"):
        Catalogue.load(write(tmp_path, "- a\n- b\n"))
    with pytest.raises(ParamsError, match="not found"):
        Catalogue.load(tmp_path / "nope.yaml")
    with pytest.raises(ParamsError, match="not valid YAML"):
        Catalogue.load(write(tmp_path, "indicators: [\n"))
    with pytest.raises(ParamsError, match=r"indicators: .*at least 1"):
        Catalogue.load(write(tmp_path, "indicators: []\n"))


def test_folder_of_catalogues_and_duplicates_across_files(tmp_path):
    folder = tmp_path / "cats"
    folder.mkdir()
    doc = yaml.safe_load(GOOD)
    a = {"indicators": doc["indicators"][:2]}
    b = {"indicators": doc["indicators"][2:]}
    (folder / "a.yaml").write_text(yaml.safe_dump(a, allow_unicode=True), encoding="utf-8")
    (folder / "b.yaml").write_text(yaml.safe_dump(b, allow_unicode=True), encoding="utf-8")
    assert len(Catalogue.load(folder)) == 5
    (folder / "c.yaml").write_text(yaml.safe_dump(a, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ParamsError, match="duplicated indicator code 'inv_10k'"):
        Catalogue.load(folder)


def test_select_and_frame(tmp_path):
    cat = Catalogue.load(write(tmp_path, GOOD))
    sub = cat.select(codes=["rd_intensity", "inv_10k"])
    assert sub.codes == ["rd_intensity", "inv_10k"]
    assert cat.select(subsystems=["quality"]).codes == ["inv_share", "rd_cost_per_grant"]
    assert cat.select(codes=["inv_share"], subsystems="quality").codes == ["inv_share"]
    with pytest.raises(ParamsError, match="did you mean 'inv_share'"):
        cat.select(codes=["inv_shar"])
    with pytest.raises(ParamsError, match="unknown subsystem"):
        cat.select(subsystems=["protect"])
    with pytest.raises(ParamsError, match="not in the selected subsystems"):
        cat.select(codes=["inv_10k"], subsystems=["quality"])
    frame = cat.frame()
    assert frame.loc["inv_share", "subsystem_zh"] == "质量"
    assert frame.loc["inv_share", "subsystem_en"] == "Quality"
    assert frame.loc["rd_intensity", "variables"] == "rd_expenditure, gdp"
    assert {"name_zh", "name_en", "unit", "direction", "formula", "source"} <= set(frame.columns)
    assert "<table" in cat._repr_html_()


# --- the default catalogue ------------------------------------------------------------------
def test_default_catalogue_is_complete(default, vocab):
    assert 25 <= len(default) <= 40
    frame = default.frame()
    # every subsystem is covered
    assert set(frame["subsystem"]) == set(SUBSYSTEMS)
    # each indicator has a definition source, bilingual names, a unit
    for col in ("name_zh", "name_en", "unit", "source"):
        assert (frame[col].str.len() > 0).all(), col
    assert set(frame["direction"]) <= {1, -1}
    # only vocabulary variables; every formula parsed
    assert set(default.variables) <= set(vocab)
    assert len(default.formulas) == len(default)


def test_default_catalogue_key_definitions(default):
    """Pin the definitions that official sources fix (sources in default.yaml)."""
    f = {c: default.formulas[c].text for c in default.codes}
    assert f["invention_inforce_per_10k_pop"] == "patent_inforce_invention / population * 1e4"
    assert f["high_value_inforce_per_10k_pop"] == "patent_inforce_high_value / population * 1e4"
    assert f["rd_intensity"] == "rd_expenditure / gdp * 100"
    assert f["invention_grants_per_100m_rd"] == "patent_grant_invention / (rd_expenditure / 1e8)"
    assert (
        f["patent_use_per_1000_inforce"]
        == "(patent_transfer + patent_licence + patent_pledge) / patent_inforce_invention * 1000"
    )
    assert "十四五" in default["high_value_inforce_per_10k_pop"].source
    assert "全国科技经费投入统计公报" in default["rd_intensity"].source


# --- computing from facts (hand-checked) -----------------------------------------------------
def facts_frame(rows: list[tuple], vocab: dict) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=["region_code", "industry_code", "year", "variable", "value"])
    df["unit"] = df["variable"].map(lambda v: vocab[v]["unit"])
    df["source"] = "test"
    return df


@pytest.fixture
def small_facts(vocab) -> pd.DataFrame:
    rows = []
    table = {
        # region, year: inforce_inv, population, grant_inv, grant_total, rd (元), gdp (元)
        ("320100", 2022): (90_000, 9_000_000, 20_000, 50_000, 60e9, 1.6e12),
        ("320100", 2023): (99_000, 9_000_000, 22_000, 55_000, 66e9, 1.65e12),
        ("320200", 2023): (30_000, None, 5_000, 20_000, 30e9, 1.5e12),
    }
    names = [
        "patent_inforce_invention",
        "population",
        "patent_grant_invention",
        "patent_grant_total",
        "rd_expenditure",
        "gdp",
    ]
    for (region, year), values in table.items():
        for name, value in zip(names, values, strict=True):
            if value is not None:
                rows.append((region, "ALL", year, name, float(value)))
    return facts_frame(rows, vocab)


def test_compute_indicators_hand_checked(tmp_path, small_facts, vocab):
    cat = Catalogue.load(write(tmp_path, GOOD))
    res = compute_indicators(small_facts, cat, vocabulary=vocab)
    assert isinstance(res, IndicatorValues)
    v = res.values
    assert list(v.index.names) == ["region_code", "industry_code", "year"]
    assert list(v.columns) == cat.codes
    nj22, nj23, wx23 = ("320100", "ALL", 2022), ("320100", "ALL", 2023), ("320200", "ALL", 2023)
    # 90,000 / 900 万人 = 100; 99,000 / 900 = 110 (件/万人)
    assert v.loc[nj22, "inv_10k"] == pytest.approx(100.0)
    assert v.loc[nj23, "inv_10k"] == pytest.approx(110.0)
    # 20,000 / 50,000 = 40 %; 5,000 / 20,000 = 25 %
    assert v.loc[nj22, "inv_share"] == pytest.approx(40.0)
    assert v.loc[wx23, "inv_share"] == pytest.approx(25.0)
    # 600 亿元 / 16,000 亿元 = 3.75 %; 300 / 15,000 = 2 %
    assert v.loc[nj22, "rd_intensity"] == pytest.approx(3.75)
    assert v.loc[wx23, "rd_intensity"] == pytest.approx(2.0)
    # 660 / 600 - 1 = 10 %
    assert v.loc[nj23, "rd_growth"] == pytest.approx(10.0)
    # 6,000,000 万元 / 20,000 件 = 300 万元/件
    assert v.loc[nj22, "rd_cost_per_grant"] == pytest.approx(300.0)
    # missing cells are NaN with reasons
    issues = res.issues.set_index(["region_code", "industry_code", "year", "indicator"])
    assert np.isnan(v.loc[wx23, "inv_10k"])
    assert issues.loc[(*wx23, "inv_10k"), "reason"] == "missing input population"
    assert issues.loc[(*wx23, "rd_growth"), "kind"] == "missing_input"
    assert issues.loc[(*nj22, "rd_growth"), "reason"].startswith("no row for year-1")
    assert len(res.issues) == int(v.isna().sum().sum())
    assert "missing/invalid cells: 3" in res.summary()


def test_codes_argument_selects(tmp_path, small_facts, vocab):
    cat = Catalogue.load(write(tmp_path, GOOD))
    res = compute_indicators(small_facts, cat, codes=["inv_share"], vocabulary=vocab)
    assert list(res.values.columns) == ["inv_share"]
    assert res.issues.empty
    assert list(res.issues.columns) == [
        "region_code", "industry_code", "year", "indicator", "kind", "reason"
    ]


def test_variable_without_data_is_missing_not_an_error(tmp_path, small_facts, vocab):
    cat = Catalogue.from_indicators(
        [
            dict(
                code="pct", name_zh="PCT", name_en="PCT", unit="件", direction=1,
                subsystem="creation_capability", formula="pct_app", source="t",
            ),
            dict(
                code="inv", name_zh="发明", name_en="Inv", unit="件", direction=1,
                subsystem="creation_capability", formula="patent_grant_invention", source="t",
            ),
        ]
    )
    res = compute_indicators(small_facts, cat, vocabulary=vocab)
    assert res.values["pct"].isna().all()
    assert set(res.issues["reason"]) == {"missing input pct_app"}


def test_unknown_variable_is_rejected_before_computing(small_facts, vocab):
    cat = Catalogue.from_indicators(
        [
            dict(
                code="bad", name_zh="坏", name_en="Bad", unit="件", direction=1,
                subsystem="quality", formula="patent_grants / population", source="t",
            )
        ]
    )
    with pytest.raises(ParamsError) as exc:
        compute_indicators(small_facts, cat, vocabulary=vocab)
    assert "indicator 'bad'" in str(exc.value) and "patent_grant_total" in str(exc.value)


def test_division_by_zero_names_indicator_region_year(tmp_path, small_facts, vocab):
    facts = small_facts.copy()
    hit = (facts["region_code"] == "320200") & (facts["variable"] == "gdp")
    facts.loc[hit, "value"] = 0.0
    cat = Catalogue.load(write(tmp_path, GOOD))
    with pytest.raises(FormulaZeroDivisionError) as exc:
        compute_indicators(facts, cat, vocabulary=vocab)
    msg = str(exc.value)
    assert "indicator 'rd_intensity'" in msg
    assert "region 320200, industry ALL, year 2023" in msg
    res = compute_indicators(facts, cat, vocabulary=vocab, on_zero_division="nan")
    row = res.issues[(res.issues["indicator"] == "rd_intensity")].iloc[0]
    assert (row["region_code"], row["year"], row["kind"]) == ("320200", 2023, "zero_division")


@pytest.mark.parametrize(
    ("mutate", "fragment"),
    [
        (lambda f: f.drop(columns=["variable"]), "lacks column(s) ['variable']"),
        (lambda f: pd.concat([f, f.iloc[[0]]]), "repeated key; first: region_code=320100"),
        (lambda f: f.assign(value=f["value"].astype(object).where(f.index != 2, "n/a")), "not numeric"),
        (lambda f: f.assign(year=f["year"].astype(float).where(f.index != 1, 2022.5)), "not an integer"),
        (
            lambda f: f.assign(unit=f["unit"].where(f["variable"] != "rd_expenditure", "亿元")),
            "variable 'rd_expenditure' is stored in unit '亿元'",
        ),
    ],
)
def test_bad_facts_are_rejected(tmp_path, small_facts, vocab, mutate, fragment):
    cat = Catalogue.load(write(tmp_path, GOOD))
    with pytest.raises(DataError) as exc:
        compute_indicators(mutate(small_facts), cat, vocabulary=vocab)
    assert fragment in str(exc.value)


def test_industry_share_of_regional_gdp(vocab, default):
    facts = facts_frame(
        [
            ("320600", "ALL", 2023, "gdp", 1.2e12),
            ("320600", "MARINE", 2023, "value_added", 6e10),
            ("320600", "TEXTILE", 2023, "value_added", 9e10),
        ],
        vocab,
    )
    res = compute_indicators(
        facts, default, codes=["industry_value_added_share_gdp", "gdp"], vocabulary=vocab
    )
    v = res.values["industry_value_added_share_gdp"]
    # 600 亿元 / 12,000 亿元 = 5 %; 900 / 12,000 = 7.5 %
    assert v.loc[("320600", "MARINE", 2023)] == pytest.approx(5.0)
    assert v.loc[("320600", "TEXTILE", 2023)] == pytest.approx(7.5)
    assert res.values.loc[("320600", "ALL", 2023), "gdp"] == pytest.approx(12_000.0)


# --- real data: 中国科技统计年鉴, 31 provinces + national, 2010-2023 (../shared/reference) ----------
# Test-local mapping of the reference wide CSV to data/variables.yaml names and base units
# (D1 tests the full sources.yaml -> store path separately).
REFERENCE_COLUMNS: dict[str, tuple[str, float]] = {
    "patent_app_total": ("patent_app_total", 1.0),
    "patent_app_invention": ("patent_app_invention", 1.0),
    "patent_app_utility": ("patent_app_utility", 1.0),
    "patent_app_design": ("patent_app_design", 1.0),
    "patent_grant_total": ("patent_grant_total", 1.0),
    "patent_grant_invention": ("patent_grant_invention", 1.0),
    "patent_grant_utility": ("patent_grant_utility", 1.0),
    "patent_grant_design": ("patent_grant_design", 1.0),
    "patent_inforce_total": ("patent_inforce_total", 1.0),
    "patent_inforce_invention": ("patent_inforce_invention", 1.0),
    "plant_variety_app": ("plant_variety_app", 1.0),
    "plant_variety_grant": ("plant_variety_grant", 1.0),
    "rd_expenditure_100m_yuan": ("rd_expenditure", 1e8),  # 亿元 -> 元
    "rd_intensity_pct": ("rd_intensity", 1.0),
    "rd_personnel_fte_person_years": ("rd_personnel_fte", 1.0),
    "tech_market_outflow_10k_yuan": ("tech_market_outflow", 1e4),  # 万元 -> 元
    "tech_market_inflow_10k_yuan": ("tech_market_inflow", 1e4),
    "tech_contracts_outflow": ("tech_contracts_outflow", 1.0),
    "tech_contracts_inflow": ("tech_contracts_inflow", 1.0),
}


@pytest.fixture(scope="module")
def reference_facts(shared_reference, vocab) -> pd.DataFrame:
    wide = pd.read_csv(
        shared_reference / "china_province_ip_innovation_2010_2023_wide.csv",
        dtype={"adcode": "str"},
    )
    assert set(REFERENCE_COLUMNS) <= set(wide.columns)
    long = wide.melt(
        id_vars=["adcode", "year"], value_vars=list(REFERENCE_COLUMNS), var_name="column"
    ).dropna(subset=["value"])
    long["variable"] = long["column"].map(lambda c: REFERENCE_COLUMNS[c][0])
    long["value"] = long["value"] * long["column"].map(lambda c: REFERENCE_COLUMNS[c][1])
    long["unit"] = long["variable"].map(lambda v: vocab[v]["unit"])
    return pd.DataFrame(
        {
            "region_code": long["adcode"],
            "industry_code": "ALL",
            "year": long["year"].astype("int64"),
            "variable": long["variable"],
            "value": long["value"].astype(float),
            "unit": long["unit"],
            "source": "china_sci_tech_yearbook_reference",
        }
    )


@pytest.fixture(scope="module")
def reference_values(reference_facts, default, vocab) -> IndicatorValues:
    supported = [
        "rd_expenditure",
        "rd_expenditure_growth",
        "rd_personnel",
        "invention_applications",
        "invention_grants",
        "plant_variety_grants",
        "invention_share_grants",
        "invention_share_inforce",
        "invention_grants_per_100m_rd",
        "invention_grants_per_1000_rd_fte",
        "tech_market_outflow",
        "tech_market_inflow",
    ]
    return compute_indicators(reference_facts, default, codes=supported, vocabulary=vocab)


def test_reference_shape(reference_values):
    v = reference_values.values
    regions = v.index.get_level_values("region_code").unique()
    assert len(regions) == 32  # 31 provinces + national (100000)
    assert "100000" in regions
    # patent tables cover all 32 regions in each of 2010-2023 (SOURCES.md)
    share = v["invention_share_grants"].dropna()
    assert len(share) == 32 * 14


def test_reference_invention_share_is_a_share(reference_values):
    share = reference_values.values["invention_share_grants"].dropna()
    assert ((share > 0) & (share < 100)).all()
    inforce = reference_values.values["invention_share_inforce"].dropna()
    assert ((inforce > 0) & (inforce < 100)).all()


def test_reference_totals_equal_sum_of_types(reference_facts):
    """合计 = 发明 + 实用新型 + 外观设计 for applications and grants (SOURCES.md: passes)."""
    from ipbench.formula import Formula

    wide = (
        reference_facts.set_index(["region_code", "industry_code", "year", "variable"])["value"]
        .unstack("variable")
    )
    for kind in ("app", "grant"):
        f = Formula.parse(
            f"patent_{kind}_total - (patent_{kind}_invention + patent_{kind}_utility"
            f" + patent_{kind}_design)"
        )
        diff = f.evaluate(wide).dropna()
        assert len(diff) >= 31 * 14
        assert (diff.abs() < 0.5).all(), diff[diff.abs() >= 0.5]


def test_reference_national_rd_2023(reference_values):
    """国家统计局《2023年全国科技经费投入统计公报》: R&D 33,357.1 亿元, +2,574.2 亿元 (+8.4 %)."""
    v = reference_values.values.loc[("100000", "ALL", 2023)]
    assert v["rd_expenditure"] == pytest.approx(33_357.1, abs=0.05)
    assert v["rd_expenditure_growth"] == pytest.approx(8.4, abs=0.05)
    # 819,234 invention grants / 33,357.1 亿元 = 24.5595 件/亿元 (hand-computed)
    assert v["invention_grants_per_100m_rd"] == pytest.approx(24.5595, abs=1e-4)


def test_reference_hand_computed_province_year(reference_values):
    """Jiangsu 2023: invention grants 107,899; R&D 4,212.3 亿元; R&D FTE 899,543 人年."""
    v = reference_values.values.loc[("320000", "ALL", 2023)]
    assert v["invention_grants_per_100m_rd"] == pytest.approx(25.6152, abs=1e-4)
    assert v["invention_grants_per_1000_rd_fte"] == pytest.approx(119.9487, abs=1e-4)
    # R&D 3,835.4 (2022) -> 4,212.3 亿元 (2023): +9.8269 %
    assert v["rd_expenditure_growth"] == pytest.approx(9.8269, abs=1e-4)
    # Beijing 2023: 107,875 invention grants of 193,973 grants = 55.6134 %
    bj = reference_values.values.loc[("110000", "ALL", 2023)]
    assert bj["invention_share_grants"] == pytest.approx(55.6134, abs=1e-4)


def test_reference_missing_years_are_explained(reference_values):
    """2000 and 2005 rows carry only technology-market data: other indicators are NaN with a
    recorded reason, never an error."""
    issues = reference_values.issues
    early = issues[(issues["year"] == 2005) & (issues["indicator"] == "invention_share_grants")]
    assert len(early) == 32  # every province and the national row
    assert "missing input patent_grant_invention" in early["reason"].iloc[0]
    assert reference_values.values.loc[("100000", "ALL", 2005), "tech_market_outflow"] == (
        pytest.approx(1551.3694)
    )


def test_project_folder_loads_and_values_render(tmp_path, small_facts, vocab):
    # a folder of catalogues loads as one (codes unique across files); README.md is ignored
    import shutil

    shutil.copy(DEFAULT, tmp_path / "default.yaml")
    shutil.copy(DEFAULT.parent / "README.md", tmp_path / "README.md")
    folder = Catalogue.load(tmp_path, vocabulary=vocab)
    assert folder.codes == Catalogue.load(DEFAULT).codes
    res = compute_indicators(
        small_facts, folder, codes=["invention_share_grants"], vocabulary=vocab
    )
    # 20,000 / 50,000 invention grants (Nanjing 2022, test table) = 40 %
    assert res.values.loc[("320100", "ALL", 2022), "invention_share_grants"] == pytest.approx(40.0)
    assert "<table" in res._repr_html_() and "1 indicators" in res.summary()
    assert res.directions.to_dict() == {"invention_share_grants": 1}


def test_vocabulary_forms(tmp_path, small_facts, vocab):
    """Names only, {name: object with .unit}, and an object with a ``variables`` mapping."""
    from types import SimpleNamespace

    cat = Catalogue.load(write(tmp_path, GOOD))
    objects = {k: SimpleNamespace(unit=v["unit"]) for k, v in vocab.items()}
    for form in (list(vocab), objects, SimpleNamespace(variables=objects)):
        res = compute_indicators(small_facts, cat, codes=["inv_share"], vocabulary=form)
        assert res.values.loc[("320100", "ALL", 2022), "inv_share"] == pytest.approx(40.0)
    wrong = dict(objects, rd_expenditure=SimpleNamespace(unit="万元"))
    with pytest.raises(DataError, match="base unit in data/variables.yaml is '万元'"):
        compute_indicators(small_facts, cat, codes=["rd_intensity"], vocabulary=wrong)
