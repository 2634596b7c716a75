"""Tests for ipbench.impute. All expected values are hand-checked (arithmetic in comments)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from ipbench import impute as im
from ipbench.errors import InputError

NAN = np.nan


@pytest.fixture()
def panel() -> pd.DataFrame:
    idx = pd.MultiIndex.from_product([["A", "B"], [2018, 2019, 2020, 2022]], names=["region_code", "year"])
    return pd.DataFrame(
        {"p": [1, NAN, 3, NAN, NAN, 2, NAN, 8], "q": [NAN, 1, NAN, 5, 1, 2, 3, 4]}, index=idx
    )


def test_group_mean_and_median_by_labels():
    x = pd.DataFrame(
        {"v": [1.0, 2.0, 9.0, NAN, 10.0, NAN, NAN]},
        index=["a1", "a2", "a3", "a4", "b1", "b2", "c1"],
    )
    province = ["A", "A", "A", "A", "B", "B", "C"]
    res = im.group_mean(x, province)
    assert res.data.loc["a4", "v"] == pytest.approx(4.0)  # (1 + 2 + 9)/3
    assert res.data.loc["b2", "v"] == 10.0
    assert np.isnan(res.data.loc["c1", "v"])  # group C has nothing observed
    assert res.unfilled.to_dict("records") == [{"unit": "c1", "indicator": "v"}]
    assert im.group_median(x, province).data.loc["a4", "v"] == 2.0  # median(1, 2, 9)
    assert res.imputed.to_dict("records") == [
        {"unit": "a4", "indicator": "v", "method": "group_mean", "value": 4.0},
        {"unit": "b2", "indicator": "v", "method": "group_mean", "value": 10.0},
    ]


def test_group_mean_by_index_level(panel):
    res = im.group_mean(panel, "year")
    # year 2019, indicator p: only B observed (2); year 2018, q: only B (1)
    assert res.data.loc[("A", 2019), "p"] == 2
    assert res.data.loc[("A", 2018), "q"] == 1
    assert set(res.imputed.columns) == {"region_code", "year", "indicator", "method", "value"}
    with pytest.raises(InputError, match="not index levels"):
        im.group_mean(panel, "province")
    with pytest.raises(InputError, match="one label per unit"):
        im.group_mean(panel, ["A", "B"] * 2 + [1])


def test_interpolate_interior_only(panel):
    res = im.interpolate(panel)
    assert res.data.loc[("A", 2019), "p"] == 2  # between 1 (2018) and 3 (2020)
    # unequal spacing: q(A, 2020) between 1 (2019) and 5 (2022): 1 + 1·(5 - 1)/3
    assert res.data.loc[("A", 2020), "q"] == pytest.approx(1 + 4 / 3)
    assert res.data.loc[("B", 2020), "p"] == 4  # 2 + (8 - 2)/(2022 - 2019)
    # leading/trailing gaps stay missing, and nothing leaks between regions A and B
    assert np.isnan(res.data.loc[("A", 2022), "p"]) and np.isnan(res.data.loc[("B", 2018), "p"])
    assert len(res.unfilled) == 3 and len(res.imputed) == 3
    assert set(res.imputed["method"]) == {"interpolate"}


def test_interpolate_extrapolate_nearest(panel):
    res = im.interpolate(panel, extrapolate="nearest")
    assert res.data.loc[("A", 2022), "p"] == 3  # last observed (2020)
    assert res.data.loc[("B", 2018), "p"] == 2  # next observed (2019)
    assert res.data.loc[("A", 2018), "q"] == 1
    assert res.unfilled.empty
    marked = res.imputed.set_index(["region_code", "year", "indicator"])["method"]
    assert marked[("A", 2022, "p")] == "extrapolate_nearest"
    assert marked[("A", 2019, "p")] == "interpolate"


def test_interpolate_unsorted_and_single_index():
    x = pd.DataFrame({"v": [4.0, NAN, 0.0]}, index=pd.Index([2024, 2022, 2020], name="year"))
    res = im.interpolate(x)
    assert res.data.loc[2022, "v"] == 2.0
    assert list(res.data.index) == [2024, 2022, 2020]  # original order kept


def test_interpolate_errors(panel):
    with pytest.raises(InputError, match="time level 'yr'"):
        im.interpolate(panel, time="yr")
    bad = panel.copy()
    bad.index = bad.index.set_levels(bad.index.levels[1].astype(str) + "y", level=1)
    with pytest.raises(InputError, match="must be numeric"):
        im.interpolate(bad)
    with pytest.raises(InputError, match="extrapolate"):
        im.interpolate(panel, extrapolate="linear")


def test_knn_hand_checked():
    x = pd.DataFrame(
        {"a": [1.0, 2.0, 10.0, 1.1], "b": [10.0, 20.0, 100.0, NAN]}, index=["A", "B", "C", "D"]
    )
    # distances from D on a: A 0.1, B 0.9, C 8.9
    assert im.knn(x, n_neighbors=1, standardize=False).data.loc["D", "b"] == 10
    assert im.knn(x, n_neighbors=2, standardize=False).data.loc["D", "b"] == 15
    # inverse-distance weights 1/0.1 and 1/0.9: (10·10 + 20/0.9)/(10 + 1/0.9) = 11
    res = im.knn(x, n_neighbors=2, weights="distance", standardize=False)
    assert res.data.loc["D", "b"] == pytest.approx(11.0)
    assert res.imputed.to_dict("records") == [
        {"unit": "D", "indicator": "b", "method": "knn", "value": pytest.approx(11.0)}
    ]


def test_knn_standardize_changes_the_neighbour():
    # 'big' is in 元 (spread 1e6), 'small' a ratio (spread 1): unstandardised, 'big' alone
    # decides the neighbour; standardised, both indicators count.
    x = pd.DataFrame(
        {
            "big": [0.0, 1_000_000.0, 400_000.0, 450_000.0],
            "small": [0.0, 1.0, 1.0, 0.0],
            "target": [1.0, 2.0, 3.0, NAN],
        },
        index=["A", "B", "C", "D"],
    )
    # raw: D-C distance dominated by |450k - 400k| = 50k (< 450k to A) -> C (3)
    assert im.knn(x, n_neighbors=1, standardize=False).data.loc["D", "target"] == 3
    # z-scored: sd(big) ≈ 356k, sd(small) = 0.5 -> D-A: (1.26, 0), D-C: (0.14, 2) -> A (1)
    assert im.knn(x, n_neighbors=1, standardize=True).data.loc["D", "target"] == 1


def test_iterative_recovers_linear_relation():
    a = np.arange(1.0, 21.0)
    x = pd.DataFrame({"a": a, "b": 2 * a + 1})
    x.loc[[4, 15], "b"] = NAN
    res = im.iterative(x)
    np.testing.assert_allclose(res.data.loc[[4, 15], "b"], [11.0, 33.0], atol=1e-2)  # 2·5+1, 2·16+1
    assert len(res.imputed) == 2 and "Imputation (iterative)" in res.summary()


def test_bad_input():
    with pytest.raises(InputError, match="'e' has no observed value"):
        im.knn(pd.DataFrame({"a": [1.0, 2.0], "e": [NAN, NAN]}))
    with pytest.raises(InputError, match="infinite value for indicator 'a'"):
        im.group_mean(pd.DataFrame({"a": [1.0, np.inf]}), [1, 1])
    with pytest.raises(InputError, match="n_neighbors"):
        im.knn(pd.DataFrame({"a": [1.0, NAN]}), n_neighbors=0)


@settings(max_examples=30, deadline=None)
@given(
    arrays(float, (12, 3), elements=st.floats(-100, 100, allow_nan=False) | st.just(NAN)),
    st.sampled_from(["group_mean", "interpolate", "knn"]),
)
def test_observed_cells_never_change(x, how):
    x[0, :] = 1.0  # every column has at least one observation
    df = pd.DataFrame(x, index=pd.Index(range(2000, 2012), name="year"))
    res = {
        "group_mean": lambda: im.group_mean(df, [0, 1] * 6),
        "interpolate": lambda: im.interpolate(df),
        "knn": lambda: im.knn(df, n_neighbors=3),
    }[how]()
    observed = ~np.isnan(x)
    np.testing.assert_array_equal(res.data.to_numpy()[observed], x[observed])
    assert len(res.imputed) == int(np.isnan(x).sum() - np.isnan(res.data.to_numpy()).sum())
