"""Tests for ipbench.robustness: Monte Carlo rank intervals and Sobol indices."""

from __future__ import annotations

import warnings

import matplotlib as mpl
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

mpl.use("Agg")

from matplotlib import pyplot as plt  # noqa: E402

from ipbench import aggregate, normalize  # noqa: E402
from ipbench.errors import InputError  # noqa: E402
from ipbench.robustness import (  # noqa: E402
    RankRobustness,
    _Choice,
    _rank_stats,
    _ranks,
    _scorer,
    rank_robustness,
    sobol_indices,
)


def _data(n_units=12, k=5, seed=0):
    rng = np.random.default_rng(seed)
    X = pd.DataFrame(
        rng.lognormal(size=(n_units, k)),
        index=[f"u{i:02d}" for i in range(n_units)],
        columns=[f"x{j}" for j in range(k)],
    )
    w = pd.Series(rng.dirichlet(np.ones(k)), index=X.columns)
    return X, w


# --------------------------------------------------------------------------------------------
# vectorised inner loop == the scalar functions of ipbench.aggregate
# --------------------------------------------------------------------------------------------
CASES = [
    (("minmax", {}), ("arithmetic", {})),
    (("zscore", {}), ("arithmetic", {})),
    (("rank", {}), ("arithmetic", {})),
    (("percentile", {}), ("arithmetic", {})),
    (("minmax", {"scale": (1, 100)}), ("geometric", {})),
    (("rank", {}), ("geometric", {})),
    (("minmax", {}), ("geometric", {"zero": "offset", "offset": 0.5})),
    (("minmax", {}), ("topsis", {})),
    (("zscore", {}), ("topsis", {})),
    (("rank", {}), ("topsis", {"normalization": "minmax"})),
    (("minmax", {"scale": (1, 100)}), ("topsis", {"normalization": "vector"})),
]


@pytest.mark.parametrize(("norm", "agg"), CASES)
def test_vectorised_scores_equal_scalar_functions(norm, agg):
    X, _ = _data()
    directions = [1, -1, 1, 1, -1]
    Z = normalize.METHODS[norm[0]](X, directions, **norm[1])
    W = np.random.default_rng(5).dirichlet(np.ones(X.shape[1]), size=6)
    fast = _scorer(Z.to_numpy(), _Choice(agg[0], agg[0], agg[1]))(W)
    for row, w in enumerate(W):
        if agg[0] == "topsis":
            ref = aggregate.topsis(Z, w, **agg[1])
            np.testing.assert_array_equal(_ranks(fast[row][None, :])[0], ref["rank"].to_numpy())
            ref = ref["score"]
        else:
            ref = getattr(aggregate, agg[0])(Z, w, **agg[1])
            positions = ref.rank(ascending=False, method="min").to_numpy()
            np.testing.assert_array_equal(_ranks(fast[row][None, :])[0], positions)
        np.testing.assert_allclose(fast[row], ref.to_numpy(), rtol=1e-12, atol=1e-12)


def test_nominal_ranks_equal_scalar_pipeline():
    X, w = _data(30, 6, seed=2)
    res = rank_robustness(X, w, normalisations=["minmax"], aggregations=["topsis"], n=20, seed=1)
    ref = aggregate.topsis(normalize.minmax(X), w)
    assert res.rank_stats["nominal"].reindex(X.index).tolist() == ref["rank"].tolist()
    np.testing.assert_allclose(res.nominal_scores, ref["score"], rtol=1e-12)


# --------------------------------------------------------------------------------------------
# building blocks
# --------------------------------------------------------------------------------------------
def test_ranks_min_ties_by_hand():
    S = np.array([[3.0, 1.0, 3.0, 2.0], [0.1, 0.2, 0.3, 0.4], [1.0, 1.0 + 1e-13, 0.0, 1.0]])
    np.testing.assert_array_equal(
        _ranks(S), [[1, 4, 1, 3], [4, 3, 2, 1], [1, 1, 4, 1]]
    )


@settings(max_examples=40, deadline=None)
@given(
    st.integers(2, 9).flatmap(
        lambda n: st.tuples(
            st.just(n), arrays(np.int32, st.tuples(st.integers(1, 40), st.just(n)),
                               elements=st.integers(1, n))
        )
    )
)
def test_rank_stats_equal_numpy(case):
    n, R = case
    nominal = np.arange(1, n + 1)
    got = _rank_stats(R, nominal)
    np.testing.assert_allclose(got["median"], np.median(R, axis=0))
    np.testing.assert_allclose(got["q05"], np.quantile(R, 0.05, axis=0))
    np.testing.assert_allclose(got["q95"], np.quantile(R, 0.95, axis=0))
    np.testing.assert_allclose(got["mean"], R.mean(axis=0))
    np.testing.assert_allclose(got["mean_abs_shift"], np.abs(R - nominal).mean(axis=0))


def _ishigami(x, a=7.0, b=0.1):
    return np.sin(x[..., 0]) + a * np.sin(x[..., 1]) ** 2 + b * x[..., 2] ** 4 * np.sin(x[..., 0])


def test_sobol_estimators_on_ishigami_and_against_salib():
    """Ishigami & Homma (1990) function, inputs U(−π, π): analytic S1 = (0.3139, 0.4424, 0),
    ST = (0.5576, 0.4424, 0.2437) (Saltelli et al. 2008, Global Sensitivity Analysis: The
    Primer, sec. 4.x; SALib docs). Then the same outputs through SALib's ``sobol.analyze``."""
    from SALib.analyze import sobol as salib_sobol

    rng = np.random.default_rng(0)
    N, d = 20_000, 3
    A, B = rng.uniform(-np.pi, np.pi, (N, d)), rng.uniform(-np.pi, np.pi, (N, d))
    AB = np.repeat(A[:, None, :], d, axis=1)
    for i in range(d):
        AB[:, i, i] = B[:, i]
    yA, yB, yAB = _ishigami(A), _ishigami(B), _ishigami(AB)
    s1, st_ = sobol_indices(yA, yB, yAB)
    np.testing.assert_allclose(s1, [0.3139, 0.4424, 0.0], atol=0.04)
    np.testing.assert_allclose(st_, [0.5576, 0.4424, 0.2437], atol=0.04)

    # SALib layout: per base row j, [A_j, AB_1j, ..., AB_dj, B_j]
    Y = np.column_stack([yA, yAB, yB]).ravel()
    problem = {"num_vars": d, "names": ["x1", "x2", "x3"], "bounds": [[-np.pi, np.pi]] * d}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = salib_sobol.analyze(
            problem, Y, calc_second_order=False, num_resamples=10, print_to_console=False
        )
    np.testing.assert_allclose(s1, ref["S1"], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(st_, ref["ST"], rtol=1e-9, atol=1e-12)


# --------------------------------------------------------------------------------------------
# the Monte Carlo
# --------------------------------------------------------------------------------------------
def test_hand_checked_two_weight_sets():
    """3 units × 2 indicators, min-max, arithmetic; weights nominal (0.8, 0.2) or equal.
    min-max: A = (1, 0), B = (0, 1), C = (0.6, 0.6).
    nominal: A 0.8, B 0.2, C 0.6 → ranks A 1, C 2, B 3;
    equal:   A 0.5, B 0.5, C 0.6 → ranks C 1, A 2, B 2 (tie, min ranking).
    Each run shifts every unit by exactly 1 when it draws 'equal'."""
    X = pd.DataFrame({"p": [10.0, 0.0, 6.0], "q": [0.0, 10.0, 6.0]}, index=["A", "B", "C"])
    res = rank_robustness(
        X, {"p": 0.8, "q": 0.2}, weightings=["nominal", "equal"], weight_noise=0.0,
        normalisations=["minmax"], aggregations=["arithmetic"], n=1000, seed=7,
    )
    share = float((res.runs["weighting"] == "equal").mean())
    assert 0.45 < share < 0.55
    rs = res.rank_stats
    assert rs["nominal"].to_dict() == {"A": 1, "C": 2, "B": 3}
    np.testing.assert_allclose(rs["mean_abs_shift"], share)
    np.testing.assert_allclose(rs.loc["A", "mean"], 1 + share)
    np.testing.assert_allclose(rs.loc["C", "mean"], 2 - share)
    assert (rs.loc["A", "q05"], rs.loc["A", "q95"]) == (1, 2)
    assert (rs.loc["B", "q05"], rs.loc["B", "q95"]) == (2, 3)
    equal_runs = (res.runs["weighting"] == "equal").to_numpy()
    assert set(res.ranks.loc["B", equal_runs]) == {2}


def test_reproducible_with_seed():
    X, w = _data()
    a = rank_robustness(X, w, n=200, seed=42)
    b = rank_robustness(X, w, n=200, seed=42)
    c = rank_robustness(X, w, n=200, seed=43)
    pd.testing.assert_frame_equal(a.ranks, b.ranks)
    assert not a.ranks.equals(c.ranks)
    d = rank_robustness(X, w, n=200, seed=np.random.default_rng(42))
    pd.testing.assert_frame_equal(a.ranks, d.ranks)
    e = rank_robustness(X, w, n=200)
    f = rank_robustness(X, w, n=200, seed=e.settings["seed"])
    pd.testing.assert_frame_equal(e.ranks, f.ranks)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    arrays(np.float64, (7, 4), elements=st.floats(1.0, 100.0, allow_nan=False)),
    st.integers(0, 6),
)
def test_a_dominating_unit_is_always_first(values, best):
    """A unit strictly better on every indicator ranks 1 under every weighting, normalisation
    and monotone aggregation (arithmetic, geometric, TOPSIS)."""
    X = pd.DataFrame(values)
    X.iloc[best] = X.max(axis=0) + 1.0
    res = rank_robustness(
        X, weightings=["equal", "entropy"], weight_noise=0.5,
        normalisations=[("minmax", {"scale": (1, 100)}), "rank", "percentile"],
        aggregations=["arithmetic", ("geometric", {"zero": "offset", "offset": 1.0}), "topsis"],
        n=60, seed=0,
    )
    assert res.rank_stats.loc[best, "q95"] == 1
    assert (res.ranks.loc[best] == 1).all()


def test_sobol_factor_without_effect_has_zero_indices():
    """Nominal weights = equal weights: the weighting choice cannot change any rank, so
    y_ABi = y_A exactly for it and S1 = ST = 0."""
    X, _ = _data(25, 5, seed=3)
    eq = pd.Series(0.2, index=X.columns)
    res = rank_robustness(
        X, eq, weightings=["nominal", "equal"], weight_noise=0.3,
        normalisations=["minmax", "rank"], aggregations=["arithmetic", "topsis"],
        n=300, sobol=True, unit_sobol=True, n_boot=100, seed=11,
    )
    sens = res.sensitivity
    assert list(sens.index) == ["weighting", "weight_noise", "normalisation", "aggregation"]
    assert sens.loc["weighting", "S1"] == 0 and sens.loc["weighting", "ST"] == 0
    assert (sens.loc[["weight_noise", "normalisation", "aggregation"], "ST"] > 0).all()
    assert (sens["S1_lo"] <= sens["S1_hi"]).all() and (sens["ST_lo"] <= sens["ST_hi"]).all()
    assert res.settings["runs"] == 300 * 6
    assert res.ranks.shape == (25, 600)  # rank statistics from the A and B runs (COINr)
    assert res.settings["rank_runs"] == 600  # what the pages' rank-interval sentence counts
    us = res.unit_sensitivity
    assert us.shape == (25, 8)
    assert (us[("ST", "weighting")].fillna(0) == 0).all()


def test_outputs_render(tmp_path):
    X, w = _data()
    res = rank_robustness(X, w, n=100, sobol=True, n_boot=50, seed=1)
    assert isinstance(res, RankRobustness)
    text = res.summary()
    assert "Rank robustness" in text and "Sobol" in text and "u00" in text
    assert "<table" in res._repr_html_()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig = res.plot()
        fig.savefig(tmp_path / "ranks.png", dpi=60)
    assert not [w for w in caught if "missing from font" in str(w.message)]
    assert len(fig.axes[0].get_yticklabels()) == len(X)
    plt.close("all")
    with pytest.raises(InputError, match="nope"):
        res.plot(units=["nope"])


# --------------------------------------------------------------------------------------------
# choices that cannot be applied are errors
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"normalisations": ["minmax", "softmax"]}, "softmax"),
        ({"aggregations": ["arithmetic", "median"]}, "median"),
        ({"weightings": ["equal", "ahp"]}, "ahp"),
        ({"aggregations": ["arithmetic", "geometric"]}, "geometric.*zscore|geometric.*minmax"),
        ({"normalisations": ["minmax"], "aggregations": ["geometric"]}, "geometric.*minmax"),
        ({"normalisations": ["zscore"], "aggregations": ["geometric"]}, "geometric.*zscore"),
        ({"aggregations": [("geometric", {"zero": "propagate"})]}, "propagate"),
        ({"weight_noise": 1.0}, "weight_noise"),
        ({"sobol": True, "weightings": ["nominal"], "normalisations": ["minmax"],
          "aggregations": ["arithmetic"]}, "at least 2"),
        ({"weight_noise": 0.0, "weightings": ["nominal"], "normalisations": ["minmax"],
          "aggregations": ["arithmetic"]}, "nothing is uncertain"),
        ({"normalisations": ["minmax", "minmax"]}, "repeated"),
    ],
)
def test_inapplicable_choices_raise(kwargs, match):
    X, w = _data()
    with pytest.raises(InputError, match=match):
        rank_robustness(X, w, n=10, seed=0, **kwargs)


def test_entropy_on_constant_column_names_choice_and_indicator():
    X, w = _data()
    X["x2"] = 3.0
    with pytest.raises(InputError, match="entropy") as err:
        rank_robustness(X, w, weightings=["nominal", "entropy"], normalisations=["rank"], n=10)
    assert err.value.indicator == "x2"


def test_nominal_weighting_needs_weights_and_nan_is_rejected():
    X, w = _data()
    with pytest.raises(InputError, match="nominal"):
        rank_robustness(X, weightings=["nominal", "equal"], n=10)
    X.iloc[2, 1] = np.nan
    with pytest.raises(InputError, match="NaN"):
        rank_robustness(X, w, n=10)
