"""Tests of ipbench.analysis.intensive against hand-checked values."""

from __future__ import annotations

import pandas as pd
import pytest

from ipbench.analysis.intensive import describe_intensive, intensive_share, ip_intensive
from ipbench.errors import InputError

IND = ["C39", "C27", "C13", "C35"]
patents = pd.Series([900.0, 300.0, 20.0, 380.0], index=IND)
employment = pd.Series([300_000.0, 50_000.0, 400_000.0, 250_000.0], index=IND)


def test_default_rule_by_hand():
    t = ip_intensive(patents, employment)
    # densities per 10,000 employees: 900/30 = 30, 300/5 = 60, 20/40 = 0.5, 380/25 = 15.2
    assert t["density"].to_list() == pytest.approx([30.0, 60.0, 0.5, 15.2])
    # pooled reference density: 1,600 / (1,000,000/10,000) = 16 ; mean scale = 1,600/4 = 400
    assert t["density_threshold"].iloc[0] == pytest.approx(16.0)
    assert t["scale_threshold"].iloc[0] == pytest.approx(400.0)
    assert t["density_pass"].to_list() == [True, True, False, False]
    assert t["scale_pass"].to_list() == [True, False, False, False]
    assert t["intensive"].to_list() == [True, False, False, False]
    assert t.loc["C39", "density_ratio"] == pytest.approx(30 / 16)


def test_thresholds_and_reference():
    t = ip_intensive(patents, employment, density_threshold=10.0, scale_threshold=250.0)
    assert t["intensive"].to_list() == [True, True, False, True]
    # national reference: 50,000 patents per 25,000,000 employees = 20 per 10,000
    t2 = ip_intensive(patents, employment, reference={"patents": 50_000, "employment": 25_000_000, "scale": 100})
    assert t2["density_threshold"].iloc[0] == pytest.approx(20.0)
    assert t2["intensive"].to_list() == [True, True, False, False]
    # scale by value added instead of patents
    va = pd.Series([10.0, 50.0, 5.0, 20.0], index=IND)
    t3 = ip_intensive(patents, employment, scale=va)
    assert t3["scale_threshold"].iloc[0] == pytest.approx(21.25)
    assert t3["intensive"].to_list() == [False, True, False, False]
    with pytest.raises(InputError, match="unknown keys"):
        ip_intensive(patents, employment, reference={"gdp": 1})
    with pytest.raises(InputError, match="unit 'C13'"):
        ip_intensive(patents, employment.replace(400_000.0, 0.0))


def test_intensive_share_and_sentence():
    t = ip_intensive(patents, employment, density_threshold=10.0, scale_threshold=250.0)
    va = pd.Series([10.0, 50.0, 5.0, 20.0], index=IND)
    # intensive C39, C27, C35 → (10 + 50 + 20)/85 ; against a GDP of 400 → 80/400 = 20 %
    assert intensive_share(va, t) == pytest.approx(80 / 85)
    assert intensive_share(va, t, total=400.0) == pytest.approx(0.2)
    s = describe_intensive(t, names={"C27": ("医药制造业", "pharmaceuticals")}, max_listed=2)
    assert s.zh.startswith("4个单元中3个（75%）为知识产权密集型：医药制造业、C39等")
    assert "pharmaceuticals, C39, …" in s.en
    none = describe_intensive(ip_intensive(patents, employment, density_threshold=1e6))
    assert "4个单元中没有一个" in none.zh and "None of the 4 units" in none.en
    # the sentence names what its rows are: industries, regions, regions within an industry
    s = describe_intensive(t, units="industries")
    assert s.zh.startswith("4个产业中3个") and s.en.startswith("3 of 4 industries")
    assert describe_intensive(t, units="regions_in_industry").zh.startswith("本产业内4个区域中3个")


def test_basis_is_explicit_and_changes_the_threshold():
    """Issue 10: the overview compared industries with the whole economy, the region pages with
    per-industry averages, and neither said so; the basis is now a parameter that is stated."""
    from ipbench.analysis.intensive import BASES, RULE, industry_reference

    econ = {"patents": 16_000.0, "employment": 1_000_000.0}  # 160 per 10k: all classified fail
    whole = ip_intensive(patents, employment, reference=industry_reference(econ, "whole_economy"))
    pooled = ip_intensive(patents, employment, reference=industry_reference(econ, "industries"))
    assert whole["density_threshold"].iloc[0] == pytest.approx(160.0) and not whole["intensive"].any()
    assert pooled["density_threshold"].iloc[0] == pytest.approx(16.0) and pooled["intensive"].sum() == 1
    s = describe_intensive(pooled, basis="industries")
    assert BASES["industries"][0] in s.zh and BASES["industries"][1] in s.en
    assert "国家统计局" in RULE.zh and "年均从业人员" in RULE.zh and "NBS" in RULE.en
    with pytest.raises(InputError, match="basis must be one of"):
        industry_reference(econ, "national")


def test_employment_is_an_annual_average_not_a_sum():
    """Issue 10: employment summed over a 3-year window was shown as 万人. With the average,
    tripling the window's patents triples the density; the persons stay persons."""
    t1 = ip_intensive(patents, employment)
    t3 = ip_intensive(patents * 3, employment)  # 3 years of grants, same average workforce
    assert (t3["density"] / t1["density"]).to_list() == pytest.approx([3.0] * 4)
    assert t3["employment"].to_list() == employment.to_list()
