"""Tests for ipbench.aggregate.

Published values:
* TOPSIS: ../shared/cases/topsis_tzeng_huang2011.json (Tzeng & Huang 2011, via scikit-criteria
  and pymcdm 1.4.0 test outputs, vector and pymcdm-default min-max normalisation);
  Opricovic & Tzeng (2004) EJOR 156:445 example, C = (0.500, 0.617, 0.500) as pinned in
  pymcdm test/test_mcdm.py::TestTOPSIS (min-max normalisation, criterion 1 cost).
* VIKOR: Opricovic & Tzeng (2004) same example, Q = (1, 0, 1) (pymcdm TestVIKOR
  test_output_opricovic; S, R hand-checked below); Yang & Wu (2020) IEEE Access 8:21261,
  Q = (0.5679, 0.7667, 1, 0.7493, 0) (pymcdm TestVIKOR test_output_yang).
Other values are hand-checked (arithmetic in comments).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from ipbench import aggregate as ag
from ipbench.errors import InputError

OT2004 = pd.DataFrame({"f1": [1.0, 2.0, 5.0], "f2": [3000.0, 3750.0, 4500.0]}, index=["A1", "A2", "A3"])


def test_arithmetic_and_geometric_hand_checked():
    x = pd.DataFrame({"a": [1.0, 9.0], "b": [4.0, 1.0]}, index=["u", "v"])
    np.testing.assert_allclose(ag.arithmetic(x, {"a": 0.25, "b": 0.75}), [3.25, 3.0])  # .25+3, 2.25+.75
    np.testing.assert_allclose(ag.geometric(x, [0.5, 0.5]), [2.0, 3.0])  # sqrt(1·4), sqrt(9·1)
    assert ag.arithmetic(x, [0.5, 0.5]).name == "score"


def test_geometric_zero_policies():
    x = pd.DataFrame({"a": [0.0, 4.0], "b": [4.0, 1.0]}, index=["u", "v"])
    with pytest.raises(InputError, match="'a' is 0 at unit 'u'") as err:
        ag.geometric(x, [0.5, 0.5])
    assert err.value.unit == "u" and err.value.indicator == "a"
    np.testing.assert_allclose(ag.geometric(x, [0.5, 0.5], zero="propagate"), [0.0, 2.0])
    np.testing.assert_allclose(ag.geometric(x, [0.5, 0.5], zero="offset", offset=1), [np.sqrt(5), np.sqrt(10)])
    np.testing.assert_allclose(ag.geometric(x, [0.0, 1.0]), [4.0, 1.0])  # zero with weight 0 ignored
    with pytest.raises(InputError, match="positive offset"):
        ag.geometric(x, [0.5, 0.5], zero="offset")
    with pytest.raises(InputError, match="negative value"):
        ag.geometric(pd.DataFrame({"a": [-1.0, 1.0]}), [1.0])


def test_weights_checked():
    x = pd.DataFrame({"a": [1.0, 2.0], "b": [3.0, 4.0]})
    with pytest.raises(InputError, match="sum to 0.9"):
        ag.arithmetic(x, [0.5, 0.4])
    with pytest.raises(InputError, match=r"missing \['b'\], unknown \['c'\]"):
        ag.topsis(x, {"a": 0.5, "c": 0.5})
    with pytest.raises(InputError, match="NaN value for indicator 'b' at unit 1"):
        ag.arithmetic(pd.DataFrame({"a": [1.0, 2.0], "b": [3.0, np.nan]}), [0.5, 0.5])


@pytest.mark.parametrize(
    ("normalization", "key"), [("vector", "pymcdm_TOPSIS_vector"), ("minmax", "pymcdm_TOPSIS_default_minmax")]
)
def test_topsis_tzeng_huang(load_case, normalization, key):
    case = load_case("topsis_tzeng_huang2011")
    out = ag.topsis(np.array(case["matrix"]), case["weights"], case["criteria_types"], normalization)
    np.testing.assert_allclose(out["score"], case["library_output"][key], atol=1e-12)
    if normalization == "vector":
        np.testing.assert_allclose(out["score"], case["expected"]["scores"], atol=case["expected"]["atol"])
        assert out["rank"].tolist() == case["expected"]["ranks"]
    assert list(out.columns) == ["score", "rank", "d_plus", "d_minus"]


def test_topsis_opricovic_tzeng_cost_criterion():
    out = ag.topsis(OT2004, [0.5, 0.5], {"f1": "cost", "f2": "benefit"}, normalization="minmax")
    np.testing.assert_allclose(out["score"].round(3), [0.500, 0.617, 0.500])
    assert out["rank"].tolist() == [2, 1, 2]
    # hand check A2: r = (0.75, 0.5) -> v = (.375, .25); d+ = sqrt(.125² + .25²), d- = sqrt(.375² + .25²)
    assert out.loc["A2", "d_plus"] == pytest.approx(np.hypot(0.125, 0.25))
    assert out.loc["A2", "d_minus"] == pytest.approx(np.hypot(0.375, 0.25))


def test_topsis_rejects_degenerate():
    with pytest.raises(InputError, match="'c' .* is constant"):
        ag.topsis(pd.DataFrame({"a": [1.0, 2.0], "c": [1.0, 1.0]}), [0.5, 0.5], normalization="minmax")
    with pytest.raises(InputError, match="every weighted indicator is constant"):
        ag.topsis(pd.DataFrame({"a": [1.0, 2.0], "c": [1.0, 1.0]}), [0.0, 1.0])
    with pytest.raises(InputError, match="normalization"):
        ag.topsis(OT2004, [0.5, 0.5], normalization="sum")


def test_vikor_opricovic_tzeng_2004():
    res = ag.vikor(OT2004, [0.5, 0.5], [-1, 1])
    # f* = (1, 4500), f- = (5, 3000). A1: terms (0, .5) -> S .5, R .5; A2: (.125, .25) ->
    # S .375, R .25; A3: (.5, 0) -> S .5, R .5. Q = .5(S - .375)/.125 + .5(R - .25)/.25
    np.testing.assert_allclose(res.table["S"], [0.5, 0.375, 0.5])
    np.testing.assert_allclose(res.table["R"], [0.5, 0.25, 0.5])
    np.testing.assert_allclose(res.table["Q"], [1, 0, 1])
    assert res.table["rank"].tolist() == [2, 1, 2]
    assert res.compromise == ("A2",) and res.advantage and res.stability


def test_vikor_yang_wu_2020():
    x = np.array([[78, 56, 34, 6], [4, 45, 3, 97], [18, 2, 50, 63], [9, 14, 11, 92], [85, 9, 100, 29]])
    res = ag.vikor(x, [0.25] * 4)
    np.testing.assert_allclose(res.table["Q"].round(4), [0.5679, 0.7667, 1, 0.7493, 0])
    assert res.table["rank"].tolist() == [2, 4, 5, 3, 1]
    assert "VIKOR" in res.summary()


def test_vikor_compromise_set_when_advantage_fails():
    # Q = (0, 0.2, 1): Q(a'') - Q(a') = 0.2 < DQ = 1/2 -> set {a', a''} (C1 fails)
    x = pd.DataFrame({"a": [10.0, 9.0, 0.0], "b": [10.0, 8.0, 0.0]}, index=list("xyz"))
    res = ag.vikor(x, [0.5, 0.5])
    assert not res.advantage and res.compromise == ("x", "y")


@pytest.fixture()
def framework():
    x = pd.DataFrame(
        {"i1": [0.2, 0.8], "i2": [0.4, 0.6], "i3": [1.0, 0.5], "i4": [0.5, 0.5]}, index=["u", "v"]
    )
    tree = pd.DataFrame(
        {
            "indicator": ["i1", "i2", "i3", "i4"],
            "subdimension": ["S1", "S1", "S2", "S3"],
            "dimension": ["D1", "D1", "D1", "D2"],
        }
    )
    return x, tree


def test_hierarchical_hand_checked(framework):
    x, tree = framework
    w = {"indicator": {"i1": 0.25, "i2": 0.75, "i3": 1.0, "i4": 1.0}, "dimension": {"D1": 0.6, "D2": 0.4}}
    res = ag.hierarchical(x, tree, w)
    # S1(u) = .25·.2 + .75·.4 = .35; S2(u) = 1; D1(u) = (.35 + 1)/2 = .675 (equal subdim weights)
    assert res.levels["subdimension"].loc["u", "S1"] == pytest.approx(0.35)
    assert res.levels["dimension"].loc["u", "D1"] == pytest.approx(0.675)
    # index(u) = .6·.675 + .4·.5 = .605; v: S1 .65, D1 (.65 + .5)/2 = .575 -> .6·.575 + .2 = .545
    np.testing.assert_allclose(res.index, [0.605, 0.545])
    assert res.ranks.tolist() == [1, 2]
    np.testing.assert_allclose(
        res.indicator_weights[["i1", "i2", "i3", "i4"]], [0.075, 0.225, 0.3, 0.4]
    )  # .25·.5·.6, .75·.5·.6, 1·.5·.6, 1·1·.4
    assert "Hierarchical aggregation" in res.summary()


def test_hierarchical_geometric_top(framework):
    x, tree = framework
    res = ag.hierarchical(x, tree, method={"index": "geometric"})
    d = res.levels["dimension"]
    np.testing.assert_allclose(res.index, np.sqrt(d["D1"] * d["D2"]))


def test_hierarchical_mapping_tree(framework):
    x, tree = framework
    mapping = {r.indicator: (r.subdimension, r.dimension) for r in tree.itertuples()}
    a = ag.hierarchical(x, mapping).index
    b = ag.hierarchical(x, tree).index
    np.testing.assert_allclose(a, b)


def test_hierarchical_errors_name_the_culprit(framework):
    x, tree = framework
    with pytest.raises(InputError, match="within parent 'S1' sum to 0.9"):
        ag.hierarchical(x, tree, {"indicator": {"i1": 0.2, "i2": 0.7, "i3": 1.0, "i4": 1.0}})
    with pytest.raises(InputError, match=r"not in the tree \['i4'\]"):
        ag.hierarchical(x, tree.iloc[:3])
    bad = tree.copy()
    bad.loc[3, "subdimension"] = "S2"  # S2 now under D1 and D2
    with pytest.raises(InputError, match="subdimension 'S2' has more than one dimension"):
        ag.hierarchical(x, bad)
    with pytest.raises(InputError, match="unknown level"):
        ag.hierarchical(x, tree, {"pillar": {}})
    zero = x.copy()
    zero.loc["v", "i4"] = 0.0
    with pytest.raises(InputError, match="'i4' is 0 at unit 'v'"):
        ag.hierarchical(zero, tree, method="geometric")


# ---------------------------------------------------------------- properties (hypothesis)


@st.composite
def _problem(draw):
    m, n = draw(st.integers(2, 12)), draw(st.integers(1, 5))
    x = draw(arrays(float, (m, n), elements=st.floats(0.01, 1e3, allow_nan=False)))
    assume(np.all(np.ptp(x, axis=0) > 1e-3))
    raw = np.array(draw(st.lists(st.floats(0.05, 1), min_size=n, max_size=n)))
    return x, raw / raw.sum()


@settings(max_examples=60, deadline=None)
@given(_problem(), st.sampled_from(["vector", "minmax"]))
def test_topsis_closeness_in_unit_interval_and_cost_flip(problem, normalization):
    x, w = problem
    out = ag.topsis(x, w, normalization=normalization)
    assert out["score"].between(-1e-12, 1 + 1e-12).all()
    if normalization == "minmax":
        # a cost indicator equals the negated benefit indicator (min-max is affine-invariant)
        flipped = ag.topsis(-x, w, directions=-1, normalization="minmax")
        np.testing.assert_allclose(flipped["score"], out["score"], atol=1e-9)


@settings(max_examples=60, deadline=None)
@given(_problem())
def test_means_lie_between_min_and_max(problem):
    x, w = problem
    for agg in (ag.arithmetic, ag.geometric):
        s = agg(x, w).to_numpy()
        assert np.all(s >= x.min(axis=1) * (1 - 1e-9)) and np.all(s <= x.max(axis=1) * (1 + 1e-9))


@settings(max_examples=40, deadline=None)
@given(_problem(), st.integers(1, 3))
def test_hierarchical_arithmetic_equals_flat_with_effective_weights(problem, groups):
    x, _ = problem
    cols = [f"i{j}" for j in range(x.shape[1])]
    df = pd.DataFrame(x, columns=cols)
    tree = pd.DataFrame({"indicator": cols, "dimension": [f"D{j % groups}" for j in range(len(cols))]})
    res = ag.hierarchical(df, tree)
    flat = ag.arithmetic(df, res.indicator_weights.reindex(cols))
    np.testing.assert_allclose(res.index, flat, rtol=1e-9)
    assert res.indicator_weights.sum() == pytest.approx(1)
