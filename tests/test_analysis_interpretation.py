"""Tests of ipbench.analysis.interpretation (bilingual sentences)."""

from __future__ import annotations

import math

import pytest

from ipbench.analysis.interpretation import Sentence, describe_matching, grade_en, label, num, pct
from ipbench.errors import InputError


def test_describe_matching_sides():
    s = describe_matching(("南通市", "Nantong"), 0.70, 0.50, 0.62, "初级协调")
    assert s.zh == "南通市创造能力滞后于创造潜力（D=0.62，初级协调）。"
    assert s.en.startswith("In Nantong, creation capability lags behind creation potential (D = 0.62, primary coordination")
    s2 = describe_matching("南通市", 0.40, 0.60, 0.70, "中级协调")
    assert s2.zh == "南通市创造潜力滞后于创造能力（D=0.70，中级协调）。"
    # |0.55 − 0.50| ≤ 0.1 → synchronous
    assert "基本同步" in describe_matching("南通市", 0.55, 0.50, 0.72, "中级协调").zh
    # (zh, en) grade as given by coupling_coordination; difference measure: 0.50 − 0.62 < −0.1
    s3 = describe_matching("Nantong", 0.50, 0.62, 0.74, ("中级协调", "Intermediate coordination"),
                           side_a=("运用", "use"), side_b=("创造", "creation"), measure="difference")
    assert s3.zh == "Nantong运用滞后于创造（D=0.74，中级协调）。"
    assert "intermediate coordination" in s3.en
    with pytest.raises(InputError, match="D must be a finite"):
        describe_matching("x", 0.1, 0.2, math.nan, "极度失调")


def test_sentence_and_formatting():
    s = Sentence("中文", "English")
    assert str(s) == "中文\nEnglish" and s.text("en") == "English"
    assert '<p lang="zh">中文</p>' in s._repr_html_()
    with pytest.raises(InputError, match="unknown language"):
        s.text("fr")
    assert pct(0.1234) == "12.3%" and pct(0.05, signed=True) == "+5.0%"
    assert num(12345.678) == "12,345.68" and num(float("nan")) == "n/a"
    assert label("320600", {"320600": ("南通市", "Nantong")}, "en") == "Nantong"
    assert label("x", None, "zh") == "x"
    assert grade_en("良好协调") == "good coordination"


def test_ranking_sentences_call_ties_ties():
    import pandas as pd

    from ipbench.analysis.interpretation import extremes_sentence, ranking_sentences

    t = pd.DataFrame({"region_code": ["a", "b", "c"], "name_zh": ["甲市", "乙市", "丙市"],
                      "name_en": ["A", "B", "C"], "score": [0.5, 0.5, 0.2], "rank": [1, 1, 3]})
    s = ranking_sentences(t, 2024).set_index("unit")
    assert s.loc["a", "zh"] == "2024年甲市综合得分0.50，在3个区域中排并列第1位。"
    assert s.loc["c", "en"] == "In 2024, C scores 0.20, #3 of 3 regions."
    e = extremes_sentence(t, 2024)
    assert "甲市、乙市并列综合得分最高" in e["zh"].iloc[0] and "丙市最低" in e["zh"].iloc[0]
    assert e["en"].iloc[0] == "In 2024, A and B tie for first (score 0.50) and C last (0.20) among 3 regions."


def test_pair_sentences_name_the_pair():
    """Issue 10: four identical sentences that never said which pair they described."""
    import pandas as pd

    from ipbench.analysis.interpretation import pair_sentences

    rows = pd.DataFrame({"region_code": ["320600"] * 2, "pair": ["p1", "p2"],
                         "pair_zh": ["创造潜力与创造能力", "创造能力与运用能力"],
                         "pair_en": ["potential – capability", "capability – use"],
                         "D": [0.561, 0.52], "grade_zh": ["勉强协调", "勉强协调"],
                         "grade_en": ["barely", "barely"], "lag_zh": ["创造能力", None],
                         "lag_en": ["capability", None]})
    s = pair_sentences(rows)
    assert s["zh"].to_list() == ["创造潜力与创造能力：D = 0.56（勉强协调），滞后方为创造能力。",
                                 "创造能力与运用能力：D = 0.52（勉强协调），两者基本同步。"]
    assert s["topic"].to_list() == ["pair:p1", "pair:p2"] and s["zh"].nunique() == 2


def test_pair_sentences_state_how_firm_the_lagging_call_is():
    """Issue 9: the lagging-side call comes with its agreement across treatment ×
    normalisation variants (step ``lagging``), firm or not; without that table, no clause."""
    import pandas as pd

    from ipbench.analysis import interpretation as say

    rows = pd.DataFrame({"region_code": ["440000", "310000"], "pair": ["p", "p"],
                         "pair_zh": ["创造潜力与创造能力"] * 2, "pair_en": ["a – b"] * 2,
                         "D": [0.93, 0.78], "grade_zh": ["优质协调", "中级协调"],
                         "grade_en": ["high", "medium"], "lag_zh": ["创造潜力"] * 2,
                         "lag_en": ["creation potential"] * 2})
    plain = say.pair_sentences(rows)
    assert plain["zh"].iloc[0] == "创造潜力与创造能力：D = 0.93（优质协调），滞后方为创造潜力。"
    rows = rows.assign(agree_n=[5.0, 1.0], n_variants=[6, 6], firm=[True, False])
    s = say.pair_sentences(rows)
    assert s["zh"].iloc[0].endswith("该判断在6种异常值处理×标准化组合中5种一致，稳定。")
    assert "仅" not in s["zh"].iloc[1] and s["zh"].iloc[1].endswith("1种一致，不稳定，宜审慎解读。")
    assert "(not firm: read with care)" in s["en"].iloc[1]
    zh, en = say.stability_cells(rows)
    assert zh.to_list() == ["稳定 5/6", "不稳定 1/6"] and en.iloc[0] == "firm 5/6"
