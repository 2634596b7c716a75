"""Evaluation: steps and build log, rerun from the first changed step, compare, run folders.
Runs on a small synthetic data source (tests/_synthetic.py), not on the store."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from _synthetic import REGIONS, synthetic_data, synthetic_params

from ipbench.comparison import compare
from ipbench.errors import ParamsError
from ipbench.evaluation import Evaluation
from ipbench.project import Project
from ipbench.runfolder import Results
from ipbench.steps import step_names


@pytest.fixture(scope="module")
def ev():
    e = Evaluation.from_dict(synthetic_params(), Project.find(), synthetic_data())
    e.run()
    return e


def test_every_step_is_logged_with_its_params_sections(ev):
    assert [e.step for e in ev.log] == step_names()
    params = ev.params.to_dict()
    for entry in ev.log:
        for section, args in entry.args.items():
            assert args == params[section]
        assert entry.seconds >= 0 and (entry.outputs or entry.skipped)  # or says why not
    text = ev.log_yaml()
    assert "- normalize:\n    normalization:\n      method: minmax" in text


def test_composite_is_the_weighted_sum_of_normalized_indicators(ev):
    """Arithmetic aggregation: score = sum_j mu_j x'_j (hand formula, DOMAIN.md sec. 1)."""
    res = ev.results_
    X = res["normalized"].set_index(["region_code", "year"])
    w = res["weights"].set_index("indicator")["weight"]
    assert w.sum() == pytest.approx(1.0)
    expected = (X[w.index] * w).sum(axis=1)
    got = res["composite"].set_index(["region_code", "year"])["score"]
    pd.testing.assert_series_equal(got.reindex(expected.index), expected, check_names=False,
                                   rtol=1e-10)
    # a sub-index is the weighted mean of its indicators
    sub = res["subindices"].set_index(["region_code", "year"])
    ws = res["weights"][res["weights"]["subsystem"] == "creation_potential"].set_index("indicator")
    manual = (X[ws.index] * ws["weight"]).sum(axis=1) / ws["weight"].sum()
    np.testing.assert_allclose(sub["creation_potential"], manual.reindex(sub.index), rtol=1e-10)


def test_ranks_follow_scores_each_year(ev):
    comp = ev.results_["composite"]
    for _, g in comp.groupby("year"):
        g = g.sort_values("score", ascending=False)
        assert list(g["rank"]) == list(range(1, len(g) + 1))


def test_coupling_degree_matches_the_two_system_formula(ev):
    """n = 2: C = 2 sqrt(U1 U2)/(U1+U2), T = (U1+U2)/2, D = sqrt(C T) (王淑佳等 2021)."""
    c = ev.results_["coupling"]
    C = 2 * np.sqrt(c["U1"] * c["U2"]) / (c["U1"] + c["U2"])
    np.testing.assert_allclose(c["C"], C, rtol=1e-9)
    np.testing.assert_allclose(c["D"], np.sqrt(C * (c["U1"] + c["U2"]) / 2), rtol=1e-9)
    assert set(c["pair"]) == {"potential_capability", "use"}


def test_with_params_reruns_from_the_first_changed_step(ev):
    alt = ev.with_params({"weighting.method": "critic"})
    reused = ["load", "indicators", "impute", "treat", "normalize"]
    assert [e.step for e in alt.log] == reused
    for name in ("facts", "indicators", "imputed", "treated", "normalized"):
        assert alt.stages[name] is ev.stages[name]  # shared, not recomputed
    alt.run()
    assert [e.step for e in alt.log] == step_names()
    assert alt.log[0] is ev.log[0] and alt.log[5] is not ev.log[5]
    assert alt.results_["weights"]["method"].iloc[0] == "critic"
    assert not np.allclose(alt.results_["weights"]["weight"], ev.results_["weights"]["weight"])
    # a change of the first step reruns everything
    again = ev.with_params(scope={"base_year": 2021})
    assert again.log == []


def test_compare_gives_rank_moves(ev):
    same = compare(ev, ev).rank_moves()
    assert (same["move"] == 0).all() and len(same) == len(REGIONS)
    alt = ev.with_params(normalization={"method": "rank"})
    table = compare(ev, alt).rank_moves()
    assert list(table.columns) == ["score_a", "rank_a", "score_b", "rank_b", "move", "abs_move"]
    np.testing.assert_array_equal(table["move"], table["rank_a"] - table["rank_b"])
    assert table["rank_b"].is_monotonic_increasing


def test_ahp_weights_are_layer_products(ev):
    subs = ["creation_potential", "creation_capability", "quality", "use_capability",
            "use_demand", "protection", "innovation_resources", "industry_resources"]
    n = len(subs)
    matrix = [[1.0] * n for _ in range(n)]
    e = ev.with_params({"weighting": {"method": "ahp", "ahp": {
        "elements": subs, "experts": [{"name": "甲", "matrix": matrix}]}}})
    e.run()
    w = e.results_["weights"]
    per_sub = w.groupby("subsystem")["weight"].sum()
    np.testing.assert_allclose(per_sub, 1 / n)  # equal judgments → equal subsystem weights
    sizes = w.groupby("subsystem")["indicator"].transform("size")
    np.testing.assert_allclose(w["weight"], 1 / n / sizes)
    assert set(e.results_["ahp"]["element"]) == {*subs, "CR"}


def test_errors_name_the_key_path():
    base = synthetic_params(indicators={"select": ["rd_expenditure", "invention_grantz"]})
    with pytest.raises(ParamsError, match=r"indicators.select\[1\].*did you mean 'invention_grants'"):
        Evaluation.from_dict(base, Project.find(), synthetic_data()).run()
    bad_region = synthetic_params()
    bad_region["scope"] = {**bad_region["scope"], "regions": [*REGIONS[:5], "320700"]}
    with pytest.raises(ParamsError, match=r"scope.regions\[5\]: no data"):
        Evaluation.from_dict(bad_region, Project.find(), synthetic_data()).run()
    pairs = synthetic_params(matching=[{"name": "x", "subsystems": ["creation_potental", "quality"]}])
    with pytest.raises(ParamsError, match=r"matching\[0\].subsystems\[0\].*creation_potential"):
        Evaluation.from_dict(pairs, Project.find(), synthetic_data()).run()


def test_run_folder_round_trip_and_reuse(ev, tmp_path, project_root):
    import shutil

    for rel in ("params/indicators/default.yaml", "data/variables.yaml"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(project_root / rel, tmp_path / rel)
    folder = ev.results_.write(tmp_path / "run")
    back = Results.read(folder)
    assert back.manifest["params_hash"] == ev.params_hash
    assert back.manifest["data_fingerprint"] == ev.fingerprint
    assert set(back.manifest["timings"]) == set(step_names())
    assert back.is_demo
    pd.testing.assert_frame_equal(back.summary(), ev.results_.summary())
    e2 = Evaluation.from_dict(synthetic_params(), Project(tmp_path), synthetic_data())
    path, computed = e2.ensure_run()
    assert computed and path.is_relative_to(tmp_path)
    e3 = Evaluation.from_dict(synthetic_params(), Project(tmp_path), synthetic_data())
    assert e3.ensure_run() == (path, False)  # unchanged inputs: the folder is reused
