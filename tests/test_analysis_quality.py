"""Tests of ipbench.analysis.quality against hand-checked values."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ipbench.analysis.quality import (
    describe_quality,
    invention_share,
    patents_per_rd,
    per_10k_people,
    quality_composite,
    quality_indicators,
)
from ipbench.errors import InputError

U = ["A", "B", "C"]


def test_ratios_by_hand():
    assert invention_share(pd.Series([30.0, 10.0], index=["A", "B"]),
                           pd.Series([100.0, 40.0], index=["A", "B"])).to_list() == pytest.approx([0.3, 0.25])
    # Nantong-style target: 64,000 high-value patents / 20,000,000 people = 32 per 10,000
    assert per_10k_people([64_000.0], [20_000_000.0]).iloc[0] == pytest.approx(32.0)
    # 500 grants / 250 亿元 R&D = 2 per 亿元; per 10 亿元 = 20
    assert patents_per_rd([500.0], [250.0]).iloc[0] == pytest.approx(2.0)
    assert patents_per_rd([500.0], [250.0], per=10).iloc[0] == pytest.approx(20.0)


def test_ratio_errors():
    with pytest.raises(InputError, match="exceed the total"):
        invention_share(pd.Series({"A": 5.0}), pd.Series({"A": 4.0}))
    with pytest.raises(InputError, match="unit 'B'"):
        per_10k_people(pd.Series({"A": 1.0, "B": 1.0}), pd.Series({"A": 10.0, "B": 0.0}))
    with pytest.raises(InputError, match="needs both"):
        quality_indicators(invention=[1.0])


def test_quality_indicators_where_data_exist():
    t = quality_indicators(invention=pd.Series([30.0, 10.0], index=["A", "B"]),
                           total=pd.Series([100.0, 40.0], index=["A", "B"]),
                           patents=pd.Series([500.0, 100.0], index=["A", "B"]),
                           rd_input=pd.Series([250.0, 100.0], index=["A", "B"]))
    assert list(t.columns) == ["invention_share", "patents_per_rd"]
    assert t.loc["B", "patents_per_rd"] == pytest.approx(1.0)


def test_composite_by_hand():
    X = pd.DataFrame({"invention_share": [0.2, 0.4, 0.3],
                      "patents_per_rd": [1.0, 3.0, 5.0],
                      "high_value_per_10k": [np.nan] * 3}, index=U)
    r = quality_composite(X)
    # min-max: share → 0, 1, 0.5 ; per_rd → 0, 0.5, 1 ; equal weights 0.5
    # Q = 0, 0.75, 0.75 → ranks 3, 1, 1 ('min' ties)
    assert r.dropped == ("high_value_per_10k",)
    assert r.composite.to_list() == pytest.approx([0.0, 0.75, 0.75])
    assert r.rank.to_list() == [3, 1, 1]
    # weights 0.8 / 0.2: B = 0.8 + 0.1 = 0.9 ; C = 0.4 + 0.2 = 0.6
    r2 = quality_composite(X, weights={"invention_share": 0.8, "patents_per_rd": 0.2})
    assert r2.composite.to_list() == pytest.approx([0.0, 0.9, 0.6])
    # a cost direction reverses the score: per_rd as cost → 1, 0.5, 0
    r3 = quality_composite(X.drop(columns="high_value_per_10k"), directions=[1, -1])
    assert r3.composite.to_list() == pytest.approx([0.5, 0.75, 0.25])
    s = describe_quality(r2, "C", names={"C": ("南通市", "Nantong")})
    assert s.zh == "南通市布局质量综合得分0.60，在3个区域中排第2，相对优势在单位研发投入专利产出，短板在发明专利占比。"
    assert "rank 2 of 3" in s.en
    assert "dropped (no data): high_value_per_10k" in r.summary()


def test_composite_errors():
    X = pd.DataFrame({"a": [1.0, np.nan, 2.0], "b": [1.0, 2.0, 3.0]}, index=U)
    with pytest.raises(InputError, match="'a' at unit 'B'"):
        quality_composite(X)
    with pytest.raises(InputError, match="constant"):
        quality_composite(pd.DataFrame({"a": [1.0, 1.0]}))
