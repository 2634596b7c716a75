"""Tests of ipbench.analysis.concentration against hand-checked values and properties."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ipbench.analysis.concentration import (
    concentration_ratio,
    concentration_table,
    describe_concentration,
    gini,
    hhi,
    location_quotients,
    shares,
)
from ipbench.errors import InputError

positive_lists = st.lists(st.floats(0.01, 1e6, allow_nan=False), min_size=2, max_size=30)


def test_shares_by_hand():
    s = shares(pd.Series({"a": 50.0, "b": 30.0, "c": 20.0}))
    assert s.to_dict() == pytest.approx({"a": 0.5, "b": 0.3, "c": 0.2})


def test_gini_population_and_sample_by_hand():
    # Σ_i Σ_j |x_i − x_j| over ordered pairs of (1,2,3,4) = 2·(1+2+3+1+2+1) = 20;
    # 2 n² μ = 2·16·2.5 = 80 → G = 0.25 (Cowell 2011, population form).
    assert gini([1, 2, 3, 4]) == pytest.approx(0.25)
    assert gini([4, 1, 3, 2]) == pytest.approx(0.25)  # order does not matter
    # sample form: × n/(n−1) = 0.25·4/3 = 1/3
    assert gini([1, 2, 3, 4], sample=True) == pytest.approx(1 / 3)
    # all in one unit: (n−1)/n = 0.75 (population), 1 (sample)
    assert gini([0, 0, 0, 5]) == pytest.approx(0.75)
    assert gini([0, 0, 0, 5], sample=True) == pytest.approx(1.0)
    assert gini([3, 3, 3]) == pytest.approx(0.0)


def test_hhi_and_cr_by_hand():
    x = [50, 30, 20]
    # 0.5² + 0.3² + 0.2² = 0.25 + 0.09 + 0.04 = 0.38 → 3,800 points (DOJ/FTC scale)
    assert hhi(x) == pytest.approx(0.38)
    assert hhi(x, points=True) == pytest.approx(3800.0)
    assert concentration_ratio(x, 2) == pytest.approx(0.8)  # 0.5 + 0.3
    assert concentration_ratio([20, 50, 30], 1) == pytest.approx(0.5)
    with pytest.raises(InputError, match="1 <= k <= 3"):
        concentration_ratio(x, 4)


def test_concentration_table_columns():
    X = pd.DataFrame({"inv": [50.0, 30.0, 20.0], "pop": [1.0, 1.0, 1.0]}, index=["A", "B", "C"])
    t = concentration_table(X, k=(1, 2, 5))
    assert t.loc["inv", "hhi"] == pytest.approx(0.38)
    assert t.loc["inv", "cr2"] == pytest.approx(0.8)
    assert "cr5" not in t.columns  # k > n is skipped
    assert t.loc["pop", "gini"] == pytest.approx(0.0)
    assert t.loc["pop", "hhi"] == pytest.approx(1 / 3) == t.loc["pop", "hhi_equal"]
    assert t.loc["inv", "top_unit"] == "A"


def test_location_quotients_by_hand():
    ip = pd.DataFrame({"inv": [10.0, 30.0]}, index=["A", "B"])
    base = pd.DataFrame({"pop": [100.0, 100.0], "va": [1.0, 3.0]}, index=["B", "A"])  # order differs
    lq = location_quotients(ip, base)
    # A: (10/100)/(40/200) = 0.5 ; B: (30/100)/(0.2) = 1.5
    assert lq.loc["A", "inv/pop"] == pytest.approx(0.5)
    assert lq.loc["B", "inv/pop"] == pytest.approx(1.5)
    # against va: A (10/3)/(40/4) = 1/3 ; B (30/1)/10 = 3
    assert lq.loc["A", "inv/va"] == pytest.approx(1 / 3)
    assert lq.loc["B", "inv/va"] == pytest.approx(3.0)
    # national reference: 100 patents per 1,000 people → A = 0.1/0.1 = 1, B = 3
    lq_ref = location_quotients(ip, base[["pop"]], reference={"inv/pop": (100.0, 1000.0)})
    assert lq_ref["inv/pop"].to_dict() == pytest.approx({"A": 1.0, "B": 3.0})


def test_errors_name_the_fault():
    with pytest.raises(InputError, match="unit 'b'"):
        gini(pd.Series({"a": 1.0, "b": -1.0}))
    with pytest.raises(InputError, match="sums to 0"):
        hhi([0.0, 0.0])
    with pytest.raises(InputError, match="NaN"):
        shares([1.0, np.nan])
    with pytest.raises(InputError, match="base 'pop' is 0 at unit 'A'"):
        location_quotients(pd.Series({"A": 1.0}, name="ip"), pd.Series({"A": 0.0}, name="pop"))
    with pytest.raises(InputError, match="different units"):
        location_quotients(pd.Series({"A": 1.0}, name="ip"), pd.Series({"B": 1.0}, name="pop"))


def test_describe_concentration():
    s = describe_concentration(pd.Series({"南通": 60.0, "苏州": 30.0, "扬州": 10.0}),
                               names={"南通": ("南通市", "Nantong")}, k=2)
    # Gini = 2(1·10+2·30+3·60)/(3·100) − 4/3 = 500/300 − 4/3 = 1/3 → 相对合理 (0.3, 0.4];
    # HHI = 0.36 + 0.09 + 0.01 = 0.46 → 1/0.46 = 2.2 equal-sized units
    assert s.zh == ("知识产权在3个单元间的分布相对合理（基尼系数0.33；HHI 0.460，相当于2.2个等规模单元），"
                    "前2位合计占90.0%，南通市居首（60.0%）。")
    assert "Nantong (60.0%)" in s.en and "moderately uneven" in s.en


def test_gini_shown_beside_its_band_falls_in_it():
    # two units: G = |a − b| / (2(a + b)); a = 1, b = 1.4008/0.5992 gives G = 0.2004, in
    # (0.2, 0.3] 比较均衡: "0.20" would read as 高度均衡 [0, 0.2], so more places are shown
    s = describe_concentration(pd.Series({"a": 1.0, "b": 1.4008 / 0.5992}))
    assert "比较均衡（基尼系数0.2004；" in s.zh and "fairly even (Gini 0.2004;" in s.en
    s = describe_concentration(pd.Series({"a": 1.0, "b": 1.5}))  # G = 0.1: two places as usual
    assert "高度均衡（基尼系数0.10；" in s.zh


@settings(max_examples=60, deadline=None)
@given(positive_lists)
def test_properties_gini_hhi_shares(xs):
    x = np.array(xs)
    n = x.size
    g = gini(x)
    assert 0.0 <= g < 1.0
    # agrees with the double-sum definition Σ Σ |x_i − x_j| / (2 n² μ)
    assert g == pytest.approx(np.abs(x[:, None] - x[None, :]).sum() / (2 * n * n * x.mean()), abs=1e-9)
    h = hhi(x)
    assert 1.0 / n - 1e-12 <= h <= 1.0 + 1e-12
    assert shares(x).sum() == pytest.approx(1.0)
    assert concentration_ratio(x, n) == pytest.approx(1.0)


@settings(max_examples=40, deadline=None)
@given(positive_lists, st.floats(0.001, 1000.0))
def test_scale_invariance(xs, c):
    x = np.array(xs)
    assert gini(c * x) == pytest.approx(gini(x), abs=1e-9)
    assert hhi(c * x) == pytest.approx(hhi(x), rel=1e-9)
    ip = pd.Series(x, name="ip")
    base = pd.Series(x[::-1] + 1.0, name="b")
    assert location_quotients(c * ip, base)["ip/b"].to_numpy() == pytest.approx(
        location_quotients(ip, base)["ip/b"].to_numpy(), rel=1e-9
    )
    assert location_quotients(ip, c * base)["ip/b"].to_numpy() == pytest.approx(
        location_quotients(ip, base)["ip/b"].to_numpy(), rel=1e-9
    )


@settings(max_examples=40, deadline=None)
@given(positive_lists)
def test_lq_base_weighted_mean_is_one(xs):
    # with the units' own totals as reference, Σ_i s^base_i · LQ_i = Σ_i s^ip_i = 1
    x = np.array(xs)
    ip, base = pd.Series(x, name="ip"), pd.Series(x[::-1] ** 0.5 + 1.0, name="b")
    lq = location_quotients(ip, base)["ip/b"]
    assert float((shares(base) * lq).sum()) == pytest.approx(1.0)
