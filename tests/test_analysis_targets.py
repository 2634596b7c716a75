"""Tests of ipbench.analysis.targets on exact linear / geometric series (hand-checked)."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from ipbench.analysis.targets import Target, assess_targets, describe_target
from ipbench.errors import InputError

YEARS = range(2015, 2024)
HIST = pd.DataFrame(
    {
        "linear": [10.0 + 2.0 * (y - 2015) for y in YEARS],  # 10 … 26 in 2023
        "geo": [100.0 * 1.1 ** (y - 2015) for y in YEARS],  # 100·1.1^8 = 214.36 in 2023
        "falling": [50.0 - (y - 2015) for y in YEARS],  # 42 in 2023
    },
    index=list(YEARS),
)


def test_linear_projection_exact():
    r = assess_targets(HIST, [Target("linear", 38.0, 2030)]).iloc[0]
    # y = 10 + 2(t − 2015) reaches 38 at t = 2015 + 14 = 2029 → on track for 2030
    assert r["linear_slope"] == pytest.approx(2.0)
    assert r["linear_year"] == 2029
    assert r["linear_at_target_year"] == pytest.approx(40.0)
    assert r["attainment_pct"] == pytest.approx(26 / 38 * 100)
    assert r["on_track"] and not r["attained"]
    # target 50 by 2030: reached in 2035 → off track
    r2 = assess_targets(HIST, [{"indicator": "linear", "value": 50, "year": 2030}]).iloc[0]
    assert r2["linear_year"] == 2035 and not r2["on_track"]
    # CAGR on the linear series: g = (26/10)^(1/8) − 1; t* = 2023 + ln(50/26)/ln(1+g)
    g = (26 / 10) ** (1 / 8) - 1
    assert r2["cagr"] == pytest.approx(g)
    assert r2["cagr_year"] == math.ceil(2023 + math.log(50 / 26) / math.log(1 + g))


def test_cagr_projection_exact():
    r = assess_targets(HIST, [Target("geo", 300.0, 2027)], on_track_method="cagr").iloc[0]
    # g = 10 %; 214.36·1.1^k ≥ 300 ⇔ k ≥ ln(300/214.36)/ln 1.1 = 3.53 → 2027
    assert r["cagr"] == pytest.approx(0.10)
    assert 2023 + math.log(300 / (100 * 1.1**8)) / math.log(1.1) == pytest.approx(2026.527, abs=1e-3)
    assert r["cagr_year"] == 2027
    assert r["cagr_at_target_year"] == pytest.approx(100 * 1.1**12)
    assert r["on_track"]
    # window of the last 3 years gives the same growth on an exact geometric series
    assert assess_targets(HIST, [Target("geo", 300.0, 2027)], window=3).iloc[0]["cagr"] == pytest.approx(0.10)


def test_already_attained_and_declining():
    t = assess_targets(HIST, [Target("linear", 20.0, 2025), Target("falling", 60.0, 2030),
                              Target("falling", 30.0, 2030, direction=-1)])
    done, never, down = t.iloc[0], t.iloc[1], t.iloc[2]
    assert done["attained"] and done["linear_year"] == 2023 and done["linear_reason"] == "already attained"
    assert done["attainment_pct"] == pytest.approx(130.0) and done["on_track"]
    assert pd.isna(never["linear_year"]) and "never attained" in never["linear_reason"]
    assert pd.isna(never["cagr_year"]) and "never attained" in never["cagr_reason"]
    assert not never["on_track"]
    # "at most 30" on a series falling by 1 a year from 42: reached in 2035; attainment 30/42
    assert down["linear_year"] == 2035 and not down["on_track"]
    assert down["attainment_pct"] == pytest.approx(30 / 42 * 100)


def test_sentences():
    t = assess_targets(HIST, [Target("linear", 38.0, 2030), Target("falling", 60.0, 2030)])
    s = describe_target(t.iloc[0], ("每万人口高价值发明专利拥有量", "high-value patents per 10k people"))
    assert s.zh == ("每万人口高价值发明专利拥有量2023年为26.00，为2030年目标38.00的68.4%；"
                    "按线性趋势外推2029年达标，按年均复合增速外推2027年达标；两种外推均可如期达标。")
    assert "linear trend reaches it in 2029, compound growth in 2027: on track on both" in s.en
    assert "无法达标" in describe_target(t.iloc[1]).zh


def test_linear_and_compound_disagreement_is_the_verdict():
    """Issue 10: linear 2033 vs compound 2027 for a 2026 target, and the verdict silently
    followed the linear one. Both years are shown and the verdict says they disagree."""
    hist = pd.DataFrame({"inforce": [20_000.0, 23_700.0, 28_100.0, 33_300.0, 39_500.0, 47_255.0]},
                        index=range(2019, 2025))
    row = assess_targets(hist, [Target("inforce", 78_000.0, 2028)]).iloc[0]
    assert row["cagr_on_track"] != row["linear_on_track"] and row["verdict"] == "disagree"
    s = describe_target(row, ("有效发明专利量", "invention patents in force"), ("件", "patents"))
    assert "两种外推结论不一致" in s.zh and "disagree" in s.en
    assert "47,255件" in s.zh and "78,000件" in s.zh  # counts without decimals, with their unit


def test_verdicts():
    from ipbench.analysis.targets import verdict

    assert verdict(True, False, False) == "attained"
    assert verdict(False, True, True) == "on_track" and verdict(False, False, False) == "off_track"
    assert verdict(False, True, None) == "linear_on_track"


def test_errors():
    with pytest.raises(InputError, match="'nope' has no history"):
        assess_targets(HIST, [Target("nope", 1.0, 2030)])
    with pytest.raises(InputError, match="before the latest data year"):
        assess_targets(HIST, [Target("linear", 1.0, 2020)])
    with pytest.raises(InputError, match="needs keys"):
        assess_targets(HIST, [{"indicator": "linear", "value": 1.0}])
    with pytest.raises(InputError, match="direction"):
        Target("linear", 1.0, 2030, direction=0)
    with pytest.raises(InputError, match="1 observed"):
        assess_targets(HIST.assign(linear=[float("nan")] * 8 + [1.0]), [Target("linear", 5.0, 2030)])
