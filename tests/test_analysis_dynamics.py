"""Tests of ipbench.analysis.dynamics against hand-checked values."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from ipbench.analysis.dynamics import (
    EARTH_RADIUS_KM,
    bearing_deg,
    cagr,
    cagr_table,
    centre_distance,
    centre_of_gravity,
    compass,
    d_trajectory,
    describe_elasticity,
    describe_gravity,
    describe_growth,
    describe_trajectory,
    elasticity,
    gravity_path,
    growth_rates,
    haversine_km,
)
from ipbench.errors import InputError


def test_growth_rates_with_gap():
    panel = pd.DataFrame({"A": [100.0, 110.0, 121.0, 0.0, 5.0]}, index=[2018, 2019, 2020, 2022, 2023])
    g = growth_rates(panel)
    assert g.loc[2019, "A"] == pytest.approx(0.10)
    assert g.loc[2020, "A"] == pytest.approx(0.10)
    assert np.isnan(g.loc[2022, "A"])  # 2021 missing: not an annual growth
    assert np.isnan(g.loc[2023, "A"])  # base 0: undefined
    assert list(g.index) == [2019, 2020, 2022, 2023]


def test_cagr_by_hand():
    assert cagr(100, 121, 2) == pytest.approx(0.10)  # √1.21 − 1
    assert cagr(200, 100, 1) == pytest.approx(-0.5)
    assert cagr(8, 27, 3) == pytest.approx(0.5)  # (27/8)^(1/3) = 1.5
    with pytest.raises(InputError, match="start > 0"):
        cagr(0, 1, 2)
    with pytest.raises(InputError, match="positive number of years"):
        cagr(1, 2, 0)


def test_cagr_table_and_sentence():
    panel = pd.DataFrame({"A": [100.0, 110.0, 121.0], "B": [8.0, 10.0, 18.0]}, index=[2021, 2022, 2023])
    t = cagr_table(panel)
    assert t.loc["A", "cagr"] == pytest.approx(0.10)
    assert t.loc["B", "cagr"] == pytest.approx(0.5)  # (18/8)^(1/2) = 1.5
    assert cagr_table(panel, start=2022).loc["B", "cagr"] == pytest.approx(0.8)
    s = describe_growth(t, "A", names={"A": ("南通市", "Nantong")})
    assert "南通市" in s.zh and "+10.0%" in s.zh and "2021—2023" in s.zh
    assert "Nantong" in s.en
    with pytest.raises(InputError, match="year 2010"):
        cagr_table(panel, start=2010)
    with pytest.raises(InputError, match="'A' has no value in 2021"):
        cagr_table(panel.assign(A=[np.nan, 1.0, 2.0]))


def test_d_trajectory_grades():
    frame = pd.DataFrame(
        {
            "region_code": ["320600"] * 3 + ["320500"] * 3,
            "year": [2021, 2022, 2023] * 2,
            "D": [0.55, 0.58, 0.62, 0.81, 0.79, 0.78],
            "grade_zh": ["勉强协调", "勉强协调", "初级协调", "良好协调", "中级协调", "中级协调"],
        }
    )
    tr = d_trajectory(frame)
    y = tr.yearly.set_index(["region_code", "year"])
    assert y.loc[("320600", 2022), "D_change"] == pytest.approx(0.03)
    assert y.loc[("320600", 2022), "grade_change_en"] == "same"
    assert y.loc[("320600", 2023), "grade_change_en"] == "up"
    assert y.loc[("320500", 2022), "grade_change"] == "降级"
    assert y.loc[("320500", 2021), "grade_change"] == ""  # first year: no change
    o = tr.overall
    assert o.loc["320600", "D_change"] == pytest.approx(0.07)
    assert o.loc["320600", "grade_change_en"] == "up"
    assert o.loc["320500", "grade_change_en"] == "down"
    assert "1 moved up a grade, 1 down" in tr.summary()
    s = describe_trajectory(tr, "320600", names={"320600": ("南通市", "Nantong")})
    assert s.zh == "南通市耦合协调度D从2021年的0.55变为2023年的0.62，等级由勉强协调升至初级协调。"
    assert "primary coordination" in s.en
    with pytest.raises(InputError, match="appears twice"):
        d_trajectory(pd.concat([frame, frame.iloc[:1]]))


def test_d_trajectory_from_coupling_coordination():
    from ipbench.matching import coupling_coordination

    # U = (0.5, 0.5): C = 1, T = 0.5, D = √0.5 = 0.707 → 中级协调 (0.7, 0.8];
    # U = (0.8, 0.8): D = √0.8 = 0.894 → 良好协调 (0.8, 0.9]  ⇒ one grade up
    U = pd.DataFrame({"potential": [0.5, 0.8], "capability": [0.5, 0.8]},
                     index=pd.MultiIndex.from_tuples([("320600", 2022), ("320600", 2023)],
                                                     names=["region_code", "year"]))
    tr = d_trajectory(coupling_coordination(U).reset_index())
    o = tr.overall.loc["320600"]
    assert o["D_first"] == pytest.approx(math.sqrt(0.5)) and o["D_last"] == pytest.approx(math.sqrt(0.8))
    assert (o["grade_first"], o["grade_last"], o["grade_change_en"]) == ("中级协调", "良好协调", "up")
    assert "from intermediate coordination to good coordination" in describe_trajectory(tr, "320600").en


def test_elasticity_exact_power_law():
    # y = 3 x^0.7 exactly → OLS on logs recovers b = 0.7, a = ln 3
    x = pd.Series(np.linspace(1.0, 50.0, 12))
    e = elasticity(3 * x**0.7, x)
    assert e.coef == pytest.approx(0.7, abs=1e-10)
    assert e.intercept == pytest.approx(math.log(3), abs=1e-9)
    assert e.n == 12 and e.n_dropped == 0
    assert e.ci_low <= 0.7 + 1e-9 and e.ci_high >= 0.7 - 1e-9


def test_elasticity_noisy_ci_matches_t_interval():
    rng = np.random.default_rng(7)
    x = pd.Series(np.exp(rng.uniform(0, 5, 40)))
    y = 2.0 * x**1.3 * np.exp(rng.normal(0, 0.1, 40))
    y.iloc[3] = np.nan  # one missing unit is dropped and counted
    e = elasticity(y, x)
    assert e.n == 39 and e.n_dropped == 1
    assert e.coef == pytest.approx(1.3, abs=0.05)
    # CI = b ± t_{0.975, n−2} · s.e.(b)
    t = stats.t.ppf(0.975, e.n - 2)
    assert e.ci_low == pytest.approx(e.coef - t * e.std_err)
    assert e.ci_high == pytest.approx(e.coef + t * e.std_err)
    s = describe_elasticity(e)
    assert "富有弹性" in s.zh and "elastic" in s.en
    with pytest.raises(InputError, match="unit 0"):
        elasticity(pd.Series([0.0, 1.0, 2.0]), pd.Series([1.0, 2.0, 3.0]))
    with pytest.raises(InputError, match="at least 3"):
        elasticity([1.0, 2.0], [1.0, 2.0])


def test_elasticity_ci_coverage():
    # over 300 seeded replications of y = 2 x^1.3 e^ε, the 95 % CI covers 1.3 about 95 % of
    # the time (binomial s.d. 1.3 %; accept 90–99 %)
    rng = np.random.default_rng(11)
    hits = 0
    for _ in range(300):
        x = pd.Series(np.exp(rng.uniform(0, 5, 20)))
        e = elasticity(2.0 * x**1.3 * np.exp(rng.normal(0, 0.3, 20)), x)
        hits += e.ci_low <= 1.3 <= e.ci_high
    assert 0.90 <= hits / 300 <= 0.99


def test_haversine_by_hand():
    # 1° of arc = 2πR/360 = 111.195 km (R = 6371.0088 km); equator → pole = πR/2
    one_deg = 2 * math.pi * EARTH_RADIUS_KM / 360
    assert haversine_km(0, 0, 1, 0) == pytest.approx(one_deg)
    assert one_deg == pytest.approx(111.195, abs=1e-3)
    assert haversine_km(120, 0, 120, 90) == pytest.approx(math.pi * EARTH_RADIUS_KM / 2)
    assert haversine_km(10, 20, 10, 20) == pytest.approx(0.0)
    assert bearing_deg(0, 0, 1, 0) == pytest.approx(90.0)
    assert compass(135.0) == ("东南", "south-east") and compass(350.0) == ("北", "north")


def test_centre_of_gravity_three_points():
    coords = pd.DataFrame({"lon": [0.0, 2.0, 0.0], "lat": [0.0, 0.0, 2.0]}, index=["a", "b", "c"])
    # weights 1,1,2: x̄ = (0 + 2 + 0)/4 = 0.5 ; ȳ = (0 + 0 + 2·2)/4 = 1.0
    assert centre_of_gravity(pd.Series({"a": 1.0, "b": 1.0, "c": 2.0}), coords) == pytest.approx((0.5, 1.0))
    with pytest.raises(InputError, match="coords missing"):
        centre_of_gravity(pd.Series({"a": 1.0, "z": 1.0}), coords)


def test_gravity_path_and_centre_distance():
    coords = pd.DataFrame({"lon": [0.0, 2.0], "lat": [0.0, 0.0]}, index=["a", "b"])
    ip = pd.DataFrame({"a": [1.0, 1.0], "b": [1.0, 3.0]}, index=[2020, 2021])
    path = gravity_path(ip, coords)
    # 2020 centre lon 1.0; 2021 lon (0 + 6)/4 = 1.5 → moved 0.5° east along the equator
    assert path.loc[2021, "lon"] == pytest.approx(1.5)
    assert path.loc[2021, "step_km"] == pytest.approx(0.5 * 2 * math.pi * EARTH_RADIUS_KM / 360)
    assert path.loc[2021, "bearing"] == pytest.approx(90.0)
    s = describe_gravity(path, ("专利", "patent"))
    assert "向东方向净移动55.6公里" in s.zh and "55.6 km east" in s.en
    ind = pd.DataFrame({"a": [3.0, 1.0], "b": [1.0, 1.0]}, index=[2020, 2021])
    d = centre_distance(ip, ind, coords)
    # 2020: IP 1.0 vs industry 0.5 → 0.5° ; 2021: 1.5 vs 1.0 → 0.5°
    assert d["distance_km"].to_numpy() == pytest.approx([55.5975] * 2, abs=1e-3)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(0.01, 1e4), min_size=3, max_size=3))
def test_centre_inside_hull(ws):
    coords = pd.DataFrame({"lon": [110.0, 120.0, 115.0], "lat": [30.0, 31.0, 40.0]}, index=list("abc"))
    lon, lat = centre_of_gravity(pd.Series(ws, index=list("abc")), coords)
    assert 110.0 - 1e-9 <= lon <= 120.0 + 1e-9 and 30.0 - 1e-9 <= lat <= 40.0 + 1e-9


def test_elasticity_on_real_province_panel(shared_reference):
    # 31 provinces, 2023: invention grants vs R&D expenditure (中国科技统计年鉴 via techme)
    df = pd.read_csv(shared_reference / "china_province_ip_innovation_2010_2023_wide.csv")
    d = df[(df["year"] == 2023) & (df["adcode"] != 100000)].set_index("province")
    e = elasticity(d["patent_grant_invention"], d["rd_expenditure_100m_yuan"])
    assert e.n == 31
    assert 0.5 < e.coef < 2.0 and e.ci_low < e.coef < e.ci_high  # patents scale with R&D


def test_gravity_on_real_province_panel(shared_reference):
    # invention grants of 31 provinces 2012–2023 (no gaps in these years) on the provincial
    # capitals' coordinates (cpca): the centre must stay inside China's bounding box and the
    # movement be a plausible fraction of China's extent
    df = pd.read_csv(shared_reference / "china_province_ip_innovation_2010_2023_wide.csv")
    df = df[(df["adcode"] != 100000) & df["year"].between(2012, 2023)]
    panel = df.pivot(index="year", columns="adcode", values="patent_grant_invention")
    rd = df.pivot(index="year", columns="adcode", values="rd_expenditure_100m_yuan")
    cp = pd.read_csv(shared_reference / "cpca_adcodes_2020.csv")
    cp = cp[cp["adcode"] % 10**10 == 0].assign(code=lambda d: d["adcode"] // 10**6)
    coords = cp.set_index("code")[["longitude", "latitude"]].set_axis(["lon", "lat"], axis=1)
    path = gravity_path(panel, coords)
    assert len(path) == 12
    assert path["lon"].between(73, 135).all() and path["lat"].between(18, 54).all()
    assert 0 < path["cumulative_km"].iloc[-1] < 2000
    dist = centre_distance(panel, rd, coords)
    assert (dist["distance_km"] < 1000).all()
    assert "km" in describe_gravity(path).en


def test_trajectory_sentence_shows_d_as_beside_its_grade():
    from ipbench.matching import coupling_coordination

    # D = 0.8022 (良好协调) in 2023: "0.80" would read as 中级协调, the sentence says 0.802
    U = pd.DataFrame({"a": [0.5, 0.5908], "b": [0.5, 0.7009]},
                     index=pd.MultiIndex.from_tuples([("360000", 2022), ("360000", 2023)],
                                                     names=["region_code", "year"]))
    tr = d_trajectory(coupling_coordination(U).reset_index())
    assert tr.overall.loc["360000", "D_last_text"] == "0.802"
    assert "2023年的0.802，等级由中级协调升至良好协调" in describe_trajectory(tr, "360000").zh
