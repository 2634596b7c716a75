"""The step package (ipbench/steps/): registry declarations, skipping what the data lack,
switching analyses off, partial reruns equal to fresh runs, and the params check against the
data (ipbench/steps/preflight.py)."""

from __future__ import annotations

import pandas as pd
import pytest
from _synthetic import synthetic_data, synthetic_params

from ipbench.errors import ParamsError
from ipbench.evaluation import Evaluation, FrameData
from ipbench.params import validate
from ipbench.project import Project
from ipbench.steps import ORDER, REGISTRY, STEPS, Skip, StepContext, step_names
from ipbench.steps.preflight import preflight
from ipbench.steps.registry import Step

FAST = {"robustness": {"n": 50, "seed": 3, "sobol": False}}


def without(data: FrameData, *variables: str) -> FrameData:
    f = data.facts_frame
    return FrameData(f[~f["variable"].isin(variables)].reset_index(drop=True),
                     data.regions_frame, data.industries_frame, data.is_demo)


def evaluation(data: FrameData | None = None, **over) -> Evaluation:
    return Evaluation.from_dict(synthetic_params(**{**FAST, **over}), Project.find(),
                                data or synthetic_data())


@pytest.fixture(scope="module")
def base() -> Evaluation:
    ev = evaluation()
    ev.run()
    return ev


# ------------------------------------------------------------------------------ registry


def test_every_step_is_registered_once_in_order():
    assert step_names() == [n for n, _ in ORDER]
    assert len(set(step_names())) == len(STEPS)
    made: set[str] = set()
    for s in STEPS:
        # what a step needs was declared as made by an earlier step
        assert set(s.needs) <= made, (s.name, set(s.needs) - made)
        made |= set(s.makes)
        assert s.doc, f"step {s.name} has no docstring"


def test_params_sections_read_by_steps_exist():
    sections = set(validate(synthetic_params()).to_dict())
    for s in STEPS:
        assert set(s.reads) <= sections, (s.name, set(s.reads) - sections)
        if s.switch:
            assert s.switch in sections


def test_a_step_returning_an_undeclared_table_is_refused():
    bad = Step("bad", (), (), ("a",), lambda ctx: {"a": pd.DataFrame(), "b": pd.DataFrame()})
    with pytest.raises(RuntimeError, match="undeclared tables"):
        bad.run(StepContext(validate(synthetic_params()), Project.find(), None, {}))


def test_steps_outputs_are_declared(base):
    for entry in base.log:
        assert set(entry.outputs) <= set(REGISTRY[entry.step].makes)


# ------------------------------------------------------------------------------ partial rerun


@pytest.mark.slow
@pytest.mark.parametrize("change", [
    {"weighting.method": "critic"},
    {"normalization.method": "zscore"},
    {"situation.k": [1, 2]},
    {"robustness.seed": 11},
])
def test_partial_rerun_equals_a_fresh_run(base, change):
    partial = base.with_params(change)
    partial.run()
    fresh = Evaluation(base.params.replace(change), base.project, base.data)
    fresh.run()
    assert set(partial.stages) == set(fresh.stages)
    for name, table in fresh.stages.items():
        if isinstance(table, pd.DataFrame):
            pd.testing.assert_frame_equal(partial.stages[name], table, obj=name)
    # the steps before the first changed one were reused, not recomputed
    reused = [e.step for e in partial.log if any(e is old for old in base.log)]
    assert reused and reused == step_names()[:len(reused)]


# ------------------------------------------------------------------------------ skipping


@pytest.mark.parametrize("variable, step, part", [
    ("population", "situation", "population"),
    ("employment", "intensive", ""),
    ("value_added", "situation", "industry"),
    ("trademark_valid", None, None),
])
def test_a_missing_variable_skips_what_needs_it_and_the_run_ends(variable, step, part):
    ev = evaluation(without(synthetic_data(), variable))
    ev.run()
    assert ev.log[-1].step == step_names()[-1]
    sk = ev.skipped
    if step is None:  # only catalogue indicators need it: they are dropped with a note
        dropped = ev.stages["catalogue_dropped"]
        assert dropped["missing"].str.contains(variable).any()
        return
    rows = sk[(sk["step"] == step) & (sk["part"] == part)]
    assert len(rows) == 1, sk
    assert variable in rows["missing"].iloc[0] and rows["how"].iloc[0]
    assert rows["reason_zh"].iloc[0] and rows["reason_en"].iloc[0]


def test_an_explicitly_named_missing_variable_is_an_error_with_its_key_path():
    ev = evaluation(without(synthetic_data(), "population"),
                    situation={"population": "population"})
    with pytest.raises(ParamsError, match=r"situation\.population"):
        ev.run()


def test_analyses_can_be_switched_off():
    ev = evaluation(situation={"enabled": False}, peers={"enabled": False},
                    robustness={"enabled": False})
    ev.run()
    assert "situation_shares" not in ev.stages and "peers" not in ev.stages
    off = set(ev.skipped.loc[ev.skipped["reason_en"].str.startswith("switched off"), "step"])
    assert {"situation", "peers", "robustness"} <= off
    # guidance needs the situation shares for its regional part: skipped with a note
    assert "guidance_regions" not in ev.stages


def test_matching_pair_on_a_subsystem_without_data_is_skipped_not_fatal():
    data = without(synthetic_data(), "value_added", "output", "firms", "gdp", "employment",
                   "tech_market_inflow")
    ev = evaluation(data)
    ev.run()
    sk = ev.skipped
    assert ((sk["step"] == "match") & (sk["part"] == "use")).any()
    assert set(ev.stages["coupling"]["pair"]) == {"potential_capability"}


def test_skip_is_an_exception_carrying_its_row():
    row = Skip("x", missing=["a"], how="h", key="k", part="p").row("s")
    assert row == {"step": "s", "part": "p", "key": "k", "missing": "a", "reason_zh": "x",
                   "reason_en": "x", "how": "h", "how_zh": ""}
    assert Skip("x", how="h", how_zh="办法").row("s")["how_zh"] == "办法"


# ------------------------------------------------------------------------------ comparisons


def test_reference_counts_are_compared_per_sub_unit(base):
    basis = base.stages["peers_reference_basis"].set_index("indicator")
    cat = base.stages["catalogue"].set_index("code")
    counts = [c for c in basis.index if "/" not in cat.at[c, "unit"] and "%" not in cat.at[c, "unit"]]
    assert counts
    assert (basis.loc[counts, "basis"] == "per_unit_average").all()
    p = base.stages["peers"]
    row = p[(p["indicator"] == counts[0])].iloc[0]
    ref = base.stages["reference_indicators"]
    total = ref.loc[ref["year"] == 2022, counts[0]].iloc[0]
    assert row["reference"] == pytest.approx(total / basis.at[counts[0], "divisor"])


def test_peer_groups_by_rule():
    explicit = evaluation(peers={"rule": "explicit", "groups": {"320600": ["320500", "320100"]}})
    explicit.run(until="peers")
    g = explicit.stages["peer_groups"]
    assert sorted(g.loc[g["region_code"] == "320600", "peer"]) == ["320100", "320500", "320600"]
    near = evaluation(peers={"rule": "nearest", "k": 2, "by": "gdp"})
    near.run(until="peers")
    g = near.stages["peer_groups"]
    assert (g.groupby("region_code").size() == 3).all()


def test_lagging_calls_come_with_their_stability(base):
    st = base.stages["lagging_stability"]
    c = base.stages["coupling"]
    assert len(st) == len(c[c["year"] == 2022])
    assert st["agreement"].between(0, 1).all() and (st["n_variants"] >= 2).all()
    assert (st["firm"] == (st["agreement"] >= 0.8)).all()


def test_matching_sentences_name_the_pair(base):
    c = base.stages["coupling"]
    for pair_zh, s in zip(c["pair_zh"], c["sentence_zh"], strict=True):
        assert pair_zh in s


# ------------------------------------------------------------------------------ preflight


def test_preflight_lists_every_problem_with_its_key_path():
    p = validate(synthetic_params(
        scope={**synthetic_params()["scope"], "years": {"first": 2005, "last": 2010},
               "base_year": 2010}))
    res = preflight(p, Project.find(), synthetic_data())
    assert [x.key for x in res.problems] == ["scope.years"]
    assert "2018-2022" in res.problems[0].message

    p = validate(synthetic_params(
        matching=[{"name": "a", "subsystems": ["creation_potential", "protectoin"]}],
        targets=[{"indicator": "rd_expenditure", "value": 1, "year": 2025},
                 {"indicator": "patent_grant_invension", "value": 1, "year": 2025}],
        situation={"population": "populatoin"}))
    res = preflight(p, Project.find(), synthetic_data())
    keys = [x.key for x in res.problems]
    assert keys == ["matching[0].subsystems[1]", "targets[1].indicator", "situation.population"]
    assert "did you mean 'protection'" in res.problems[0].message


def test_preflight_says_what_will_be_skipped():
    p = validate(synthetic_params(**FAST))
    res = preflight(p, Project.find(), without(synthetic_data(), "employment"))
    assert res.ok
    assert (res.skipped["step"] == "intensive").any()
    assert "skip: intensive" in res.summary()


def test_exclude_that_empties_a_subsystem_names_the_subsystem():
    from ipbench.indicators import Catalogue

    cat = Catalogue.load(Project.find().root / "params/indicators/default.yaml")
    protection = [c for c in cat.codes if cat[c].subsystem == "protection"]
    ev = evaluation(indicators={"exclude": ["rd_expenditure_growth", *protection]})
    with pytest.raises(ParamsError, match=r"indicators\.exclude: .*subsystem 'protection'"):
        ev.run(until="indicators")
