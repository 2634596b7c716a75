"""Tests for ipbench.normalize.

Published values: ../shared/cases/normalisation_minmax_zscore.json (pymcdm 1.4.0
test/test_normalizations.py; scikit-criteria StandardScaler; COINr v1.1.14
tests/testthat/test-normalise.R properties). COINr n_dist2targ values from the same COINr
test file ("dist2targ"). Others are hand-checked (arithmetic shown in comments).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from ipbench import normalize as nz
from ipbench.errors import InputError


@pytest.fixture(scope="module")
def case(load_case):
    return load_case("normalisation_minmax_zscore")


def _matrix(case):
    return np.array(case["matrix"], dtype=float)


@pytest.mark.parametrize(
    ("func", "key"),
    [
        (nz.minmax, "minmax_0_1_rowmajor"),
        (nz.vector, "vector_rowmajor"),
        (nz.proportion, "sum_rowmajor"),
        (nz.max_ratio, "max_rowmajor"),
    ],
)
def test_pymcdm_published_arrays(case, func, key):
    out = func(_matrix(case), case["criteria_types"])
    expected = np.array(case["expected"][key])
    np.testing.assert_allclose(out.to_numpy().ravel(), expected, atol=10 ** -case["expected"]["rounding"] * 1.01)


def test_minmax_0_100_matches_pymcdm_x100(case):
    out = nz.minmax(_matrix(case), case["criteria_types"], scale=100)
    np.testing.assert_allclose(out.to_numpy(), case["library_output"]["pymcdm_minmax_x100"], atol=1e-6)


@pytest.mark.parametrize(
    ("ddof", "key"),
    [(0, "skcriteria_StandarScaler_zscore_ddof0_all_benefit"), (1, "numpy_zscore_ddof1_all_benefit")],
)
def test_zscore_ddof_matches_library(case, ddof, key):
    out = nz.zscore(_matrix(case), ddof=ddof)
    np.testing.assert_allclose(out.to_numpy(), case["library_output"][key], atol=1e-8)


def test_coinr_properties():
    x = pd.DataFrame({"v": np.arange(1.0, 11.0)})
    # n_minmax(x, l_u = c(2, 7)) has min 2 and max 7
    mm = nz.minmax(x, scale=(2, 7))["v"]
    assert mm.min() == pytest.approx(2) and mm.max() == pytest.approx(7)
    # n_zscore(x, m_sd = c(5, 2)) has mean 5 and R sd (ddof 1) 2
    z = nz.zscore(x, ddof=1, loc=5, scale=2)["v"]
    assert z.mean() == pytest.approx(5) and z.std(ddof=1) == pytest.approx(2)
    # direction -1 maps the raw minimum to 100 and raw maximum to 0 under l_u = c(0, 100)
    c = nz.minmax(x, directions=[-1], scale=100)["v"]
    assert c.iloc[0] == 100 and c.iloc[-1] == 0


def test_distance_to_target_coinr_values():
    # COINr test-normalise.R "dist2targ": x = c(0, 5, 11), targ = 10
    x = pd.DataFrame({"v": [0.0, 5.0, 11.0]})
    np.testing.assert_allclose(nz.distance_to_target(x, {"v": 10}, cap=False)["v"], [0, 0.5, 1.1])
    np.testing.assert_allclose(nz.distance_to_target(x, {"v": 10})["v"], [0, 0.5, 1])
    # reverse direction: x = c(-1, 1, 10), targ = 0 -> (max - x)/(max - targ)
    x = pd.DataFrame({"v": [-1.0, 1.0, 10.0]})
    np.testing.assert_allclose(nz.distance_to_target(x, [0], [-1], cap=False)["v"], [1.1, 0.9, 0])
    np.testing.assert_allclose(nz.distance_to_target(x, [0], [-1])["v"], [1, 0.9, 0])


def test_distance_to_target_ratio_hand_checked():
    x = pd.DataFrame({"b": [2.0, 4.0, 8.0], "c": [2.0, 4.0, 8.0]})
    out = nz.distance_to_target(x, {"b": 4, "c": 4}, {"b": 1, "c": -1}, method="ratio")
    np.testing.assert_allclose(out["b"], [0.5, 1.0, 1.0])  # 2/4, 4/4, 8/4 capped
    np.testing.assert_allclose(out["c"], [1.0, 1.0, 0.5])  # 4/2 capped, 4/4, 4/8


def test_distance_to_target_rejects_bad_targets():
    x = pd.DataFrame({"v": [1.0, 2.0, 3.0]})
    with pytest.raises(InputError, match="'v'.*above the minimum"):
        nz.distance_to_target(x, {"v": 1.0})
    with pytest.raises(InputError, match=r"unknown \['w'\]"):
        nz.distance_to_target(x, {"v": 5.0, "w": 1.0})
    with pytest.raises(InputError, match="'v'"):
        nz.distance_to_target(x, {"v": 0.0}, method="ratio")


def test_rank_and_percentile_hand_checked():
    x = pd.DataFrame({"v": [10.0, 30.0, 20.0, 30.0]}, index=list("abcd"))
    # rank 1 = worst; ties share the lower rank ("min", COINr n_rank)
    assert nz.rank(x)["v"].tolist() == [1, 3, 2, 3]
    assert nz.rank(x, directions=["cost"])["v"].tolist() == [4, 1, 3, 1]
    assert nz.rank(x, ties="average")["v"].tolist() == [1, 3.5, 2, 3.5]
    np.testing.assert_allclose(nz.percentile(x)["v"], [0, 2 / 3, 1 / 3, 2 / 3])
    with pytest.raises(InputError, match="ties"):
        nz.rank(x, ties="bogus")


def test_log_forms():
    x = pd.DataFrame({"v": [1.0, np.e, 10.0]})
    np.testing.assert_allclose(nz.log(x)["v"], [0, 1, np.log(10)])
    x0 = pd.DataFrame({"v": [0.0, 1.0, 9.0]}, index=["u1", "u2", "u3"])
    np.testing.assert_allclose(nz.log(x0, offset=1)["v"], [0, np.log(2), np.log(10)])
    with pytest.raises(InputError, match="'v' at unit 'u1'.*offset=1"):
        nz.log(x0)
    with pytest.raises(InputError, match="negative value"):
        nz.log(pd.DataFrame({"v": [1.0, -1.0]}))


def test_proportion_and_max_reject_what_they_cannot_handle():
    with pytest.raises(InputError, match="'c' is 0 at unit 1"):
        nz.proportion(pd.DataFrame({"c": [1.0, 0.0, 2.0]}), ["cost"])
    with pytest.raises(InputError, match="'z' is 0 for every unit"):
        nz.max_ratio(pd.DataFrame({"z": [0.0, 0.0]}))
    with pytest.raises(InputError, match="'z' is 0 for every unit"):
        nz.vector(pd.DataFrame({"z": [0.0, 0.0]}))


def test_bad_input_names_indicator_and_unit():
    x = pd.DataFrame({"a": [1.0, np.nan, 3.0], "b": [1.0, 2.0, 3.0]}, index=["p", "q", "r"])
    with pytest.raises(InputError, match="NaN value for indicator 'a' at unit 'q'") as err:
        nz.minmax(x)
    assert err.value.indicator == "a" and err.value.unit == "q"
    with pytest.raises(InputError, match="'k' .* is constant"):
        nz.minmax(pd.DataFrame({"k": [2.0, 2.0], "b": [1.0, 2.0]}))
    with pytest.raises(InputError, match="'k' .* is constant"):
        nz.zscore(pd.DataFrame({"k": [2.0, 2.0], "b": [1.0, 2.0]}))
    with pytest.raises(InputError, match="unknown direction 'up' for indicator 'b'"):
        nz.minmax(x.fillna(0), directions={"a": 1, "b": "up"})
    with pytest.raises(InputError, match="scale"):
        nz.minmax(x.fillna(0), scale=(5, 1))


def test_array_input_gets_labels():
    out = nz.minmax(np.array([[1.0, 5.0], [3.0, 1.0]]))
    assert list(out.columns) == ["x1", "x2"]
    np.testing.assert_allclose(out.to_numpy(), [[0, 1], [1, 0]])


def test_registry_names_all_public_methods():
    assert set(nz.METHODS) == set(nz.__all__) - {"METHODS"}


# ---------------------------------------------------------------- properties (hypothesis)

_cols = st.integers(1, 4)
_rows = st.integers(2, 25)


@st.composite
def _matrices(draw):
    shape = (draw(_rows), draw(_cols))
    x = draw(arrays(float, shape, elements=st.floats(-1e4, 1e4, allow_nan=False, allow_subnormal=False)))
    assume(np.all(np.ptp(x, axis=0) > 1e-3))
    return x


@settings(max_examples=60, deadline=None)
@given(_matrices(), st.floats(0.5, 100))
def test_minmax_within_scale(x, scale):
    out = nz.minmax(x, scale=scale).to_numpy()
    assert out.min() >= -1e-9 and out.max() <= scale * (1 + 1e-9)
    np.testing.assert_allclose(out.min(axis=0), 0, atol=1e-9)
    np.testing.assert_allclose(out.max(axis=0), scale, rtol=1e-9)


@settings(max_examples=60, deadline=None)
@given(_matrices())
def test_cost_reverses_order(x):
    for func in (nz.minmax, nz.zscore, nz.rank, nz.percentile):
        b = func(x).to_numpy()
        c = func(x, directions=-1).to_numpy()
        for j in range(x.shape[1]):
            i, k = np.argmin(x[:, j]), np.argmax(x[:, j])
            assert b[i, j] < b[k, j] and c[i, j] > c[k, j]


@settings(max_examples=60, deadline=None)
@given(_matrices(), st.floats(0.01, 100), st.floats(-1e3, 1e3))
def test_minmax_zscore_invariant_to_positive_affine(x, a, b):
    for func in (nz.minmax, nz.zscore):
        np.testing.assert_allclose(func(a * x + b).to_numpy(), func(x).to_numpy(), atol=1e-6)
