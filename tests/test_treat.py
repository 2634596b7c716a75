"""Tests for ipbench.treat.

Reference behaviour: COINr tests/testthat/test-treat.R ("treat_num") and R/treat.R
(bluefoxr/COINr): winsorise c(1:10, 100) -> the 100 becomes 10 and the vector passes;
c(1:20, 100, 200) with winmax = 1 still fails, and with f2 = "log" becomes log(x).
Skewness/kurtosis: e1071 type 2 (= Excel SKEW/KURT), hand-computed below.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from ipbench import treat as tr
from ipbench.errors import InputError


def test_skewness_kurtosis_hand_checked():
    # x = 1,2,3,4,10: mean 4, Σd² = 50, Σd³ = 180, Σd⁴ = 1394, n = 5
    # G1 = sqrt(5)·180/50^1.5 · sqrt(20)/3 = 12/sqrt(50); r = 5·1394/50² = 2.788,
    # G2 = ((6)(2.788 - 3) + 6)·4/(3·2) = 3.152
    x = pd.DataFrame({"v": [1.0, 2.0, 3.0, 4.0, 10.0]})
    assert tr.skewness(x)["v"] == pytest.approx(12 / np.sqrt(50), rel=1e-12)
    assert tr.kurtosis(x)["v"] == pytest.approx(3.152, rel=1e-12)
    # same definitions as pandas (documented equivalence), NaN ignored
    y = pd.DataFrame({"v": [1.0, 2.0, np.nan, 3.0, 4.0, 10.0]})
    assert tr.skewness(y)["v"] == pytest.approx(y["v"].skew())
    assert tr.kurtosis(y)["v"] == pytest.approx(y["v"].kurt())


def test_coinr_single_outlier_is_winsorised():
    x = pd.DataFrame({"v": np.r_[np.arange(1.0, 11.0), 100.0]})
    res = tr.treat(x, max_winsorized=5)
    assert not res.details.loc["v", "skew_before"] < 2  # failed before
    assert res.data["v"].iloc[-1] == 10  # expect_equal(lt$x[x == 100], 10)
    np.testing.assert_array_equal(res.data["v"].iloc[:10], x["v"].iloc[:10])
    d = res.details.loc["v"]
    assert d["action"] == "winsorised" and d["n_winsorized"] == 1 and bool(d["passed"])
    assert res.changes.to_dict("records") == [
        {"indicator": "v", "unit": 10, "original": 100.0, "treated": 10.0, "action": "winsorised_high"}
    ]


def test_coinr_two_outliers_winmax1():
    x = pd.DataFrame({"v": np.r_[np.arange(1.0, 21.0), 100.0, 200.0]})
    res = tr.treat(x, max_winsorized=1, transform=None)
    assert not res.details.loc["v", "passed"]  # expect_false(check_SkewKurt(lt$x)$Pass)
    assert res.data["v"].max() == 100  # only the 200 moved
    res = tr.treat(x, max_winsorized=1, transform="log")
    np.testing.assert_allclose(res.data["v"], np.log(x["v"]))  # expect_equal(log(x), lt$x)
    # default COINr f2 = log_CT: ln(x - min + 0.01 (max - min)), on the original values
    res = tr.treat(x, max_winsorized=1)
    np.testing.assert_allclose(res.data["v"], np.log(x["v"] - 1 + 0.01 * 199))
    assert res.details.loc["v", "action"] == "log_ct" and res.details.loc["v", "n_winsorized"] == 0
    assert len(res.changes) == len(x) and set(res.changes["action"]) == {"log_ct"}


def test_combine_logs_the_winsorised_values():
    x = pd.DataFrame({"v": np.r_[np.arange(1.0, 21.0), 100.0, 200.0]})
    res = tr.treat(x, max_winsorized=1, combine=True)
    w = x["v"].copy()
    w.iloc[-1] = 100.0
    np.testing.assert_allclose(res.data["v"], np.log(w - 1 + 0.01 * 99))
    assert res.details.loc["v", "action"] == "winsorised+log_ct"


def test_gii_log_form():
    x = pd.DataFrame({"v": np.r_[np.arange(1.0, 21.0), 100.0, 200.0]})
    res = tr.treat(x, max_winsorized=0, transform="log_gii")
    # ln((max - 1)(x - min)/(max - min) + 1): min -> 0, max -> ln(max)
    assert res.data["v"].iloc[0] == pytest.approx(0)
    assert res.data["v"].iloc[-1] == pytest.approx(np.log(200))
    small = pd.DataFrame({"v": np.r_[np.linspace(0.01, 0.02, 20), 0.5, 0.9]})
    with pytest.raises(InputError, match="max > 1 but indicator 'v' has max 0.9"):
        tr.treat(small, max_winsorized=0, transform="log_gii")


def test_ties_move_together_and_nan_kept():
    x = pd.DataFrame({"v": np.r_[np.arange(1.0, 16.0), 90.0, 90.0, np.nan]})
    res = tr.treat(x)
    assert res.details.loc["v", "n_winsorized"] == 2
    assert res.data["v"].iloc[15] == res.data["v"].iloc[16] == 15
    assert np.isnan(res.data["v"].iloc[-1])


def test_passing_indicators_untouched_and_summary():
    rng = np.random.default_rng(1)
    x = pd.DataFrame({"ok": rng.normal(size=30), "bad": np.r_[rng.uniform(size=29), 50.0]})
    res = tr.treat(x)
    np.testing.assert_array_equal(res.data["ok"], x["ok"])
    assert res.details.loc["ok", "action"] == "none"
    assert set(res.changes["indicator"]) == {"bad"}
    text = res.summary()
    assert "bad" in text and "Outlier treatment" in text


def test_thresholds_are_configurable():
    x = pd.DataFrame({"v": [1.0, 2.0, 3.0, 4.0, 10.0]})  # skew 1.70, kurt 3.15
    assert tr.treat(x).details.loc["v", "action"] == "none"
    res = tr.treat(x, skew_threshold=1.5, kurt_threshold=3.0)
    assert res.details.loc["v", "action"] != "none"


def test_bad_input():
    with pytest.raises(InputError, match="'k' is constant"):
        tr.treat(pd.DataFrame({"k": [1.0] * 5}))
    with pytest.raises(InputError, match="'s' has 3 non-missing"):
        tr.treat(pd.DataFrame({"s": [1.0, 2.0, 3.0, np.nan]}))
    with pytest.raises(InputError, match="unknown transform"):
        tr.treat(pd.DataFrame({"v": [1.0, 2.0, 3.0, 4.0]}), transform="sqrt")
    with pytest.raises(InputError, match="infinite value for indicator 'v'"):
        tr.treat(pd.DataFrame({"v": [1.0, 2.0, np.inf, 4.0]}))


@st.composite
def _columns(draw):
    n = draw(st.integers(6, 40))
    x = draw(arrays(float, (n,), elements=st.floats(-1e3, 1e4, allow_nan=False, allow_subnormal=False)))
    assume(np.ptp(x) > 1e-2 and np.unique(x).size > 3)
    return x


@settings(max_examples=60, deadline=None)
@given(_columns(), st.sampled_from(["log_ct", "log_ct_orig", None]), st.booleans())
def test_treatment_keeps_order(x, transform, combine):
    res = tr.treat(pd.DataFrame({"v": x}), transform=transform, combine=combine)
    y = res.data["v"].to_numpy()
    order = np.argsort(x, kind="stable")
    assert np.all(np.diff(y[order]) >= -1e-12)  # monotone: never swaps two units
    s = pd.Series(y)
    fails = abs(s.skew()) >= 2 and s.kurt() >= 3.5
    assert bool(res.details.loc["v", "passed"]) is (not fails)
