"""The analysis steps of issue 5 (ipbench/steps/situation.py, dynamics.py, targets.py …): hand-checked values on tiny
facts tables, the steps inside a full synthetic evaluation, params errors with key paths,
reproducible robustness, targets."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from _synthetic import REGIONS, synthetic_data, synthetic_params

from ipbench.errors import ParamsError
from ipbench.evaluation import Evaluation
from ipbench.params import validate
from ipbench.project import Project
from ipbench.steps import StepContext, step_names
from ipbench.steps.dynamics import coordinates, dynamics
from ipbench.steps.intensive import INTENSIVE_SHARE
from ipbench.steps.registry import Skip
from ipbench.steps.situation import situation
from ipbench.steps.targets import targets

THREE = REGIONS[:3]
NAMES = pd.DataFrame({"region_code": THREE, "name_zh": ["甲市", "乙市", "丙市"],
                      "name_en": ["A", "B", "C"], "parent_code": ["320000"] * 3})


def tiny_ctx(values: dict[str, list[float]], years=(2022,), extra: dict | None = None,
             stages: dict | None = None) -> StepContext:
    """A context over THREE regions whose facts are ``values[variable][region]`` in each year
    (multiplied by 1 + 0.1·(year − first) when several years are given)."""
    rows = []
    for k, y in enumerate(years):
        for v, vals in values.items():
            for code, x in zip(THREE, vals, strict=True):
                rows.append((code, "ALL", y, v, x * (1 + 0.1 * k)))
    facts = pd.DataFrame(rows, columns=["region_code", "industry_code", "year", "variable", "value"])
    p = synthetic_params(scope={"regions": THREE, "years": {"first": years[0], "last": years[-1]},
                                "base_year": years[-1]}, **(extra or {}))
    return StepContext(validate(p), Project.find(), None,
                       {"facts": facts, "regions": NAMES, **(stages or {})})


def test_situation_hand_checked():
    # ip 10/30/60, industry 100/100/200, population 1/1/2 (units arbitrary)
    ctx = tiny_ctx({"patent_grant_invention": [10, 30, 60], "value_added": [100, 100, 200],
                    "population": [1, 1, 2]})
    out = situation(ctx)
    c = out["situation_concentration"].set_index("indicator")
    # Gini of (10, 30, 60): 2·(1·10 + 2·30 + 3·60)/(3·100) − 4/3 = 1/3
    assert c.at["ip", "gini"] == pytest.approx(1 / 3)
    assert c.at["ip", "hhi"] == pytest.approx(0.01 + 0.09 + 0.36)
    assert c.at["ip", "cr1"] == pytest.approx(0.6) and c.at["ip", "top_unit"] == THREE[2]
    s = out["situation_shares"].set_index("region_code")
    # LQ = share of IP / share of industry: 0.1/0.25, 0.3/0.25, 0.6/0.5
    np.testing.assert_allclose(s["lq_ip_industry"], [0.4, 1.2, 1.2])
    np.testing.assert_allclose(s["lq_ip_population"], [0.4, 1.2, 1.2])
    sent = out["situation_sentences"]
    lq_a = sent[(sent["unit"] == THREE[0]) & (sent["topic"] == "lq")]
    assert "0.40（低于1）" in lq_a["zh"].iloc[0] and "below 1" in lq_a["en"].iloc[0]
    assert "基尼系数0.33" in sent[sent["topic"] == "concentration_ip"]["zh"].iloc[0]


def test_situation_unknown_variable_names_the_key():
    ctx = tiny_ctx({"patent_grant_invention": [1, 2, 3], "value_added": [1, 1, 1],
                    "population": [1, 1, 1]}, extra={"situation": {"ip": "patent_grant_inventoin"}})
    with pytest.raises(ParamsError, match=r"situation\.ip.*did you mean 'patent_grant_invention'"):
        situation(ctx)


def test_english_variable_names_read_inside_sentences():
    from ipbench.steps.situation import in_sentence

    # "The distribution of Invention patent grants over 13 units" read oddly; acronyms stay
    assert in_sentence("Invention patent grants") == "invention patent grants"
    assert in_sentence("R&D expenditure") == "R&D expenditure" and in_sentence("GDP") == "GDP"
    assert in_sentence("PCT applications") == "PCT applications"


def test_targets_without_plan_targets_is_a_skip_saying_how():
    # the real provincial page said only "暂无数据" under 规划目标监测
    ctx = tiny_ctx({"patent_inforce_invention": [100, 50, 50]}, years=(2020, 2021, 2022),
                   stages={"indicators": pd.DataFrame({"region_code": THREE, "year": 2022}),
                           "catalogue": pd.DataFrame(columns=["code", "name_zh", "name_en"])})
    with pytest.raises(Skip) as got:
        targets(ctx)
    assert got.value.key == "targets" and got.value.reason_zh == "参数未设规划目标"
    assert "targets:" in got.value.how and "参数 targets 下列出规划目标" in got.value.how_zh


def test_targets_linear_and_cagr_hand_checked():
    # invention patents in force 100, 110, 120 in 2020-22 (the tiny_ctx growth of 10 %/year
    # of the first value); target 150 in 2025: linear 120 + 10 (t − 2022) = 150 → 2025
    ctx = tiny_ctx({"patent_inforce_invention": [100, 50, 50]}, years=(2020, 2021, 2022),
                   extra={"targets": [{"indicator": "patent_inforce_invention", "value": 150,
                                       "year": 2025, "region": THREE[0], "label": "有效发明"}]},
                   stages={"indicators": pd.DataFrame({"region_code": THREE, "year": 2022}),
                           "catalogue": pd.DataFrame(columns=["code", "name_zh", "name_en"])})
    t = targets(ctx)["targets"].iloc[0]
    assert t["attainment_pct"] == pytest.approx(80.0)
    assert t["linear_year"] == 2025 and bool(t["on_track"])
    g = (120 / 100) ** 0.5 - 1  # CAGR 2020-22
    assert t["cagr"] == pytest.approx(g)
    assert t["cagr_year"] == 2022 + math.ceil(math.log(150 / 120) / math.log(1 + g))


def test_target_errors_name_the_key():
    stages = {"indicators": pd.DataFrame({"region_code": THREE, "year": 2022}),
              "catalogue": pd.DataFrame(columns=["code", "name_zh", "name_en"])}
    ctx = tiny_ctx({"patent_inforce_invention": [1, 2, 3]}, years=(2021, 2022), stages=stages,
                   extra={"targets": [{"indicator": "nope", "value": 1, "year": 2025}]})
    with pytest.raises(ParamsError, match=r"targets\[0\]\.indicator"):
        targets(ctx)
    ctx = tiny_ctx({"patent_inforce_invention": [1, 2, 3]}, years=(2021, 2022), stages=stages,
                   extra={"targets": [{"indicator": "patent_inforce_invention", "value": 9,
                                       "year": 2020}]})
    with pytest.raises(ParamsError, match=r"targets\[0\].*before the latest data year"):
        targets(ctx)


def test_prefecture_centroids_lie_in_their_city():
    from shapely.geometry import Point

    from ipbench import maps

    c = coordinates(["320600", "320100"])
    for code in c.index:
        assert maps.boundary(code).contains(Point(c.at[code, "lon"], c.at[code, "lat"]))
    assert 120.5 < c.at["320600", "lon"] < 121.3 and 31.8 < c.at["320600", "lat"] < 32.4


def test_params_errors_of_the_new_sections_have_key_paths():
    cases = {
        "robustness": ({"n": 1}, r"robustness\.n"),
        "situation": ({"bogus": 1}, r"situation\.bogus: unknown key"),
        "quality": ({"weights": {"invention_share": 0.7, "patents_per_rd": 0.7}},
                    r"quality\.weights: .*sum to 1"),
        "dynamics": ({"start": 2022, "end": 2020}, r"dynamics\.end"),
        "guidance": ({"ip_cut": "average"}, r"guidance\.ip_cut"),
        "intensive": ({"window": 0}, r"intensive\.window"),
    }
    for section, (value, pattern) in cases.items():
        with pytest.raises(ParamsError, match=pattern):
            validate(synthetic_params(**{section: value}))
    bad_target = [{"indicator": "x", "value": 1, "year": 2025, "direction": 2}]
    with pytest.raises(ParamsError, match=r"targets\[0\]\.direction"):
        validate(synthetic_params(targets=bad_target))


# ------------------------------------------------------------- inside a full evaluation


@pytest.fixture(scope="module")
def ev():
    p = synthetic_params(
        targets=[{"indicator": "invention_inforce_per_10k_pop", "value": 1e9, "year": 2030,
                  "region": REGIONS[5]},
                 {"indicator": INTENSIVE_SHARE, "value": 1, "year": 2025}],
        robustness={"n": 200, "seed": 7, "n_boot": 50})
    e = Evaluation.from_dict(p, Project.find(), synthetic_data())
    e.run()
    return e


def test_analysis_steps_run_in_order_and_are_logged(ev):
    names = step_names()
    analyses = ["situation", "dynamics", "quality", "intensive", "peers", "guidance", "targets",
                "robustness"]
    assert [n for n in names if n in analyses] == analyses
    assert names.index("situation") > names.index("match")
    log = {e.step: e for e in ev.log}
    assert log["robustness"].args["robustness"]["seed"] == 7
    for step in analyses:
        assert f"{step}_sentences" in ev.stages


def test_matching_sentences_agree_with_the_lagging_column(ev):
    c = ev.stages["coupling"]
    for _, row in c.iterrows():
        if row["lagging"] == "":
            assert "基本同步" in row["sentence_zh"]
        else:
            assert "滞后于" in row["sentence_zh"] and f"D={row['D']:.2f}" in row["sentence_zh"]


def test_dynamics_elasticity_is_the_log_log_slope(ev):
    el = ev.stages["dynamics_elasticity"].set_index("sample")
    f = ev.stages["facts"]
    f = f[(f["industry_code"] == "ALL") & f["region_code"].isin(REGIONS)
          & (f["year"] == 2022)].pivot(index="region_code", columns="variable", values="value")
    slope = np.polyfit(np.log(f["rd_expenditure"]), np.log(f["patent_grant_invention"]), 1)[0]
    assert el.at["base_year", "coef"] == pytest.approx(slope)
    assert el.at["base_year", "ci_low"] < slope < el.at["base_year", "ci_high"]
    traj = ev.stages["dynamics_trajectory"]
    assert set(traj["pair"]) == {"potential_capability", "use"}
    assert (traj.groupby(["pair", "region_code"]).size() == 5).all()


def test_intensive_calls_follow_the_rule(ev):
    t = ev.stages["intensive_industries"].set_index("industry_code")
    f = ev.stages["facts"]
    win = f[f["year"].isin([2020, 2021, 2022]) & f["region_code"].isin(REGIONS)]
    tot = win.pivot_table(index="industry_code", columns="variable", values="value", aggfunc="sum")
    # CNIPA rule: grants summed over the window per 10,000 persons of AVERAGE employment
    dens = tot["patent_grant_invention"] / (tot["employment"] / 3 / 1e4)
    np.testing.assert_allclose(t["density"], dens.loc[t.index])
    assert t["density_threshold"].iloc[0] == pytest.approx(dens["ALL"])  # whole economy
    assert (t["intensive"] == ((t["density"] > dens["ALL"])
                               & (t["scale"] > t["scale"].mean()))).all()


def test_guidance_quadrants_follow_the_location_quotients(ev):
    g = ev.stages["guidance_industries"]
    clear = g[((g["ip_advantage"] - 1).abs() > 0.05) & ((g["industry_advantage"] - 1).abs() > 0.05)]
    want = np.select([(clear["ip_advantage"] > 1) & (clear["industry_advantage"] > 1),
                      clear["ip_advantage"] > 1, clear["industry_advantage"] > 1],
                     ["advantaged", "potential", "weak_link"], "ordinary")
    assert (clear["quadrant"].to_numpy() == want).all() and len(clear) > 0


def test_peers_rank_and_gap(ev):
    p = ev.stages["peers"]
    me = p[(p["region_code"] == REGIONS[0]) & (p["indicator"] == "rd_expenditure")].iloc[0]
    X = ev.stages["imputed"].set_index(["region_code", "year"])
    X = X.xs(2022, level="year")["rd_expenditure"]
    assert me["best"] == X.max() and me["gap_to_best"] == pytest.approx(X[REGIONS[0]] - X.max())
    assert me["rank"] == int((X > X[REGIONS[0]]).sum()) + 1


def test_targets_for_all_regions_when_none_is_named(ev):
    t = ev.stages["targets"]
    assert (t[t["target"] == 1]["region_code"].tolist()) == REGIONS
    first = t[t["target"] == 0].iloc[0]
    assert not first["on_track"] and first["attainment_pct"] < 0.01


def test_robustness_is_reproducible_and_seeded(ev):
    again = ev.with_params({"robustness.n_boot": 50})  # same args → same numbers
    again.run()
    pd.testing.assert_frame_equal(ev.stages["robustness_ranks"], again.stages["robustness_ranks"])
    other = ev.with_params({"robustness.seed": 8})
    other.run()
    rerun = [e.step for e in other.log if all(e is not old for old in ev.log)]
    assert rerun[0] == "robustness"  # the steps before it are reused
    a, b = ev.stages["robustness_sensitivity"], other.stages["robustness_sensitivity"]
    assert not np.allclose(a["ST"], b["ST"])


def test_impossible_robustness_choice_raises(ev):
    bad = ev.with_params({"robustness.normalisations": ["zscore"],
                          "robustness.aggregations": ["geometric"]})
    with pytest.raises(ParamsError, match="robustness: .*geometric"):
        bad.run()


def test_dynamics_start_outside_scope_names_the_key(ev):
    bad = ev.with_params({"dynamics.start": 2010})
    with pytest.raises(ParamsError, match=r"dynamics\.start"):
        bad.run()
    assert callable(dynamics)


def test_views_only_display():
    """Issue 10: views compute nothing; they import from the analysis layer only its sentence
    builders and the constants that name rules (no concentration, matching, weights …)."""
    import ast
    from pathlib import Path

    allowed = {"ipbench.analysis.interpretation": None, "ipbench.analysis": {"interpretation"},
               "ipbench.analysis.intensive": {"RULE", "BASES"},
               "ipbench.analysis.targets": {"VERDICTS"},
               # the robustness result's own chart of its stored table, and factor names
               "ipbench.robustness": {"RankRobustness", "plot_rank_intervals", "FACTOR_LABELS"}}
    banned = ("ipbench.matching", "ipbench.weights", "ipbench.normalize", "ipbench.treat",
              "ipbench.impute", "ipbench.aggregate")
    views = Path(__file__).resolve().parents[1] / "ipbench" / "reports" / "views"
    for f in views.glob("*.py"):
        for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                mod, names = node.module, {a.name for a in node.names}
                assert not mod.startswith(banned), (f.name, mod)
                if mod.startswith(("ipbench.analysis", "ipbench.robustness")):
                    assert mod in allowed, (f.name, mod)
                    assert allowed[mod] is None or names <= allowed[mod], (f.name, mod, names)


def test_robustness_sentences_count_the_runs_they_rest_on(ev):
    # the rank intervals come from the 2n runs of the A and B samples, the Sobol indices from
    # all n(d+2) runs of the design: each sentence names its own count
    n = ev.params.robustness.n
    d = len(ev.stages["robustness_sensitivity"])
    text = " ".join(ev.stages["robustness_sentences"]["zh"].astype(str))
    assert f"在{2 * n}次方法组合抽样" in text and f"Sobol设计共{n * (d + 2)}次运行" in text
