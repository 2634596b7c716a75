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
