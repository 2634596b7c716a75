"""Tests of ipbench.analysis.peers against hand-checked values."""

from __future__ import annotations

import pandas as pd
import pytest

from ipbench.analysis.peers import describe_peers, peer_comparison, peer_ranks
from ipbench.errors import InputError

X = pd.DataFrame(
    {"inv_per_10k": [30.0, 60.0, 45.0, 20.0], "cost_days": [10.0, 8.0, 12.0, 9.0]},
    index=["南通", "苏州", "无锡", "全国"],
)


def test_peer_comparison_by_hand():
    t = peer_comparison(X, "南通", reference="全国", directions={"inv_per_10k": 1, "cost_days": -1})
    inv, cost = t.loc["inv_per_10k"], t.loc["cost_days"]
    # group = 南通, 苏州, 无锡 (reference excluded); best inv = 60 (苏州) → gap 30 − 60 = −30
    assert inv["best"] == 60.0 and inv["best_unit"] == "苏州"
    assert inv["gap_to_best"] == pytest.approx(-30.0) and inv["pct_of_best"] == pytest.approx(0.5)
    assert inv["rank"] == 3 and inv["n_peers"] == 3
    assert inv["ratio_to_reference"] == pytest.approx(1.5) and inv["better_than_reference"]
    # cost: lower is better; best = 8 (苏州); 南通 10 ranks 2; reference 9 → worse than it
    assert cost["best"] == 8.0 and cost["gap_to_best"] == pytest.approx(2.0)
    assert cost["rank"] == 2 and not cost["better_than_reference"]
    s = describe_peers(t, ("南通市", "Nantong"), labels={"inv_per_10k": ("每万人发明专利", "inventions per 10k")})
    assert s.zh == "在对标组3个单元（含本单元）中，南通市的cost_days排名最高（第2位），每万人发明专利排名最低（第3位）；2项指标中1项优于全国。"
    assert "better than the national level on 1 of 2" in s.en


def test_explicit_peers_and_reference_values():
    t = peer_comparison(X, "南通", peers=["无锡"], reference={"inv_per_10k": 40.0, "cost_days": 10.0})
    assert t.loc["inv_per_10k", "n_peers"] == 2
    assert t.loc["inv_per_10k", "rank"] == 2
    assert t.loc["cost_days", "rank"] == 2  # benefit by default: 12 > 10
    assert t.loc["inv_per_10k", "gap_to_reference"] == pytest.approx(-10.0)


def test_ranks_ties_and_errors():
    r = peer_ranks(pd.DataFrame({"a": [3.0, 3.0, 1.0]}, index=list("xyz")))
    assert r["a"].to_list() == [1, 1, 3]
    with pytest.raises(InputError, match="'上海' is not a row"):
        peer_comparison(X, "上海")
    with pytest.raises(InputError, match="is the reference"):
        peer_comparison(X, "南通", peers=["全国"], reference="全国")
    with pytest.raises(InputError, match="no value for indicator"):
        peer_comparison(X, "南通", reference={"inv_per_10k": 1.0})


def test_equal_shares_tie_and_are_never_called_a_win():
    """Issue 10: every demo city had 高价值发明专利占比 50.00 %, yet one was called best."""
    X2 = pd.DataFrame({"high_value_share": [50.0011, 49.9999, 50.0, 50.0004],
                       "per_10k": [10.0, 20.0, 30.0, 40.0]}, index=["南通", "苏州", "无锡", "常州"])
    t = peer_comparison(X2, "南通")
    assert t.loc["high_value_share", "rank"] == 1 and t.loc["high_value_share", "tied"] == 4
    assert t.loc["per_10k", "tied"] == 1 and t.loc["per_10k", "rank"] == 4
    s = describe_peers(t, ("南通市", "Nantong"), labels={"high_value_share": ("高价值占比", "hv share"),
                                                        "per_10k": ("每万人", "per 10k")})
    assert "高价值占比排名最高" not in s.zh and "1项指标全组持平" in s.zh
    assert "whole group ties on 1" in s.en


def test_partial_tie_is_reported_as_tie():
    X3 = pd.DataFrame({"a": [5.0, 5.0, 1.0], "b": [1.0, 2.0, 3.0]}, index=["x", "y", "z"])
    t = peer_comparison(X3, "x")
    assert t.loc["a", "rank"] == 1 and t.loc["a", "tied"] == 2
    s = describe_peers(t, "x", labels=None)
    assert "并列第1位，2个单元" in s.zh and "#1, tied by 2" in s.en
