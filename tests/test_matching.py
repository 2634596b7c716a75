"""Tests for ipbench.matching: hand-checked values and properties."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from ipbench import matching as M
from ipbench.errors import InputError


# ---------------------------------------------------------------- coupling coordination
def test_coupling_two_systems_hand_checked():
    # U = (0.2, 0.8): C = 2·sqrt(.16)/1.0 = 0.8 (normative form, 王淑佳等 2021);
    # T = .5·.2 + .5·.8 = 0.5; D = sqrt(.8·.5) = sqrt(.4) = 0.632456 -> (0.6, 0.7] 初级协调;
    # C = 0.8 lies in (0.5, 0.8] 磨合阶段 (田深圳等 2021 Table 1, right-closed).
    U = pd.DataFrame({"ip": [0.2], "industry": [0.8]}, index=["110000"])
    out = M.coupling_coordination(U)
    row = out.loc["110000"]
    assert row["C"] == pytest.approx(0.8)
    assert row["T"] == pytest.approx(0.5)
    assert row["D"] == pytest.approx(math.sqrt(0.4))
    assert (row["grade"], row["grade_zh"], row["grade_en"]) == (7, "初级协调", "Primary coordination")
    assert (row["C_stage_zh"], row["C_stage_en"]) == ("磨合阶段", "Running-in")


def test_coupling_three_systems_weights_and_modified():
    # U = (.1, .4, .4): geometric mean = .016^(1/3) = 0.251984; mean = 0.3 -> C = 0.839947
    # T with a = (.5, .25, .25) = .05 + .1 + .1 = 0.25; D = sqrt(.839947·.25) = 0.458243
    # -> (0.4, 0.5] 濒临失调.
    # modified (王淑佳 2021): spread = (|.1-.4| + |.1-.4| + 0)/(1 + 2) = 0.2;
    # prod U/max = .25·1·1 = .25, ^(1/2) = .5 -> C = sqrt(.8·.5) = 0.632456
    U = pd.DataFrame([[0.1, 0.4, 0.4]], columns=["a", "b", "c"])
    out = M.coupling_coordination(U, weights={"a": 0.5, "b": 0.25, "c": 0.25})
    assert out["C"].iloc[0] == pytest.approx(0.016 ** (1 / 3) / 0.3)
    assert out["C"].iloc[0] == pytest.approx(0.839947, abs=1e-6)
    assert out["T"].iloc[0] == pytest.approx(0.25)
    assert out["D"].iloc[0] == pytest.approx(0.458243, abs=1e-6)
    assert out["grade_zh"].iloc[0] == "濒临失调"
    mod = M.coupling_coordination(U, modified=True)
    assert mod["C"].iloc[0] == pytest.approx(math.sqrt(0.4))
    # n = 2 modified: sqrt((1 - |.2 - .8|)·(.2/.8)) = sqrt(.4·.25) = sqrt(.1)
    two = M.coupling_coordination(pd.DataFrame({"x": [0.2], "y": [0.8]}), modified=True)
    assert two["C"].iloc[0] == pytest.approx(math.sqrt(0.1))


def test_band_interval_conventions_and_four_bands():
    # D exactly 0.3: (0.2, 0.3] 中度失调 with right-closed; [0.3, 0.4) 轻度失调 with left-closed.
    # U = (.09, .09): C = 1, T = .09, D = sqrt(.09) = .3 (rounding noise handled);
    # U = (.25, .25): D = .5; U = (1, 1): D = 1; U = (0, .4): D = 0
    U = pd.DataFrame({"a": [0.09, 0.25, 1.0, 0.0], "b": [0.09, 0.25, 1.0, 0.4]})
    right = M.coupling_coordination(U)
    left = M.coupling_coordination(U, closed="left")
    assert right["D"].iloc[:3].tolist() == pytest.approx([0.3, 0.5, 1.0])
    assert right["grade_zh"].tolist() == ["中度失调", "濒临失调", "优质协调", "极度失调"]
    assert left["grade_zh"].tolist() == ["轻度失调", "勉强协调", "优质协调", "极度失调"]
    # zero subsystem: C = 0 and D = 0 (documented), lowest band
    assert right.loc[3, "C"] == 0 and right.loc[3, "D"] == 0 and right.loc[3, "T"] == 0.2
    # 李恒吉 four bands are left-closed: D = .5 -> [0.5, 0.6) 勉强协调发展
    four = M.coupling_coordination(U, bands="four")
    assert four["grade_zh"].tolist() == ["失调衰退", "勉强协调发展", "协调发展", "失调衰退"]
    assert four.loc[1, "grade_en"] == "Barely coordinated development"


def test_custom_bands_from_mapping_and_validation():
    spec = {"edges": [0, 0.5, 1], "labels_zh": ["低", "高"], "labels_en": ["low", "high"],
            "closed": "left"}
    U = pd.DataFrame({"a": [0.04, 0.25], "b": [0.04, 0.25]})  # D = 0.2 and 0.5
    out = M.coupling_coordination(U, bands=spec)
    assert out["grade_en"].tolist() == ["low", "high"]
    assert M.Bands.from_mapping(spec).classify([0.5]).tolist() == [2]
    with pytest.raises(InputError, match="labels"):
        M.Bands((0, 0.5, 1), ("低",), ("low",))
    with pytest.raises(InputError, match="increase"):
        M.Bands((0, 0.6, 0.5), ("a", "b"), ("a", "b"))
    with pytest.raises(InputError, match="unknown bands keys"):
        M.Bands.from_mapping({**spec, "colour": "red"})
    with pytest.raises(InputError, match="unknown bands"):
        M.coupling_coordination(U, bands="seven")


def test_coupling_bad_input_names_unit_and_subsystem():
    U = pd.DataFrame({"ip": [0.5, 1.2], "ind": [0.5, 0.5]}, index=["r1", "r2"])
    with pytest.raises(InputError, match=r"'ip' at unit 'r2'.*outside \[0, 1\]"):
        M.coupling_coordination(U)
    with pytest.raises(InputError, match="at least 2 subsystems"):
        M.coupling_coordination(pd.DataFrame({"ip": [0.5]}))
    with pytest.raises(InputError, match="NaN.*'ind'"):
        M.coupling_coordination(pd.DataFrame({"ip": [0.5], "ind": [np.nan]}))
    with pytest.raises(InputError, match="sum"):
        M.coupling_coordination(pd.DataFrame({"ip": [0.5], "ind": [0.5]}), weights=[0.7, 0.7])


scores = st.integers(1, 20).flatmap(
    lambda m: st.integers(2, 5).flatmap(
        lambda n: arrays(np.float64, (m, n), elements=st.floats(0, 1, allow_subnormal=False))
    )
)


@settings(max_examples=80, deadline=None)
@given(scores, st.booleans())
def test_coupling_properties(U, modified):
    out = M.coupling_coordination(U, modified=modified)
    for col in ("C", "T", "D"):
        assert ((out[col] >= 0) & (out[col] <= 1 + 1e-12)).all()
    # symmetric in subsystems with equal weights
    rev = M.coupling_coordination(U[:, ::-1], modified=modified)
    np.testing.assert_allclose(out[["C", "T", "D"]].to_numpy(), rev[["C", "T", "D"]].to_numpy(),
                               atol=1e-12)
    # grade monotone in D
    order = np.argsort(out["D"].to_numpy(), kind="stable")
    assert np.all(np.diff(out["grade"].to_numpy()[order]) >= 0)


@settings(max_examples=50, deadline=None)
@given(st.floats(0.001, 1), st.integers(2, 6))
def test_coupling_equal_scores_give_c_one(u, n):
    out = M.coupling_coordination(np.full((1, n), u))
    assert out["C"].iloc[0] == pytest.approx(1.0)
    assert out["D"].iloc[0] == pytest.approx(math.sqrt(u))
    assert M.coupling_coordination(np.full((1, n), u), modified=True)["C"].iloc[0] == pytest.approx(1)


# ---------------------------------------------------------------- relative development
def test_relative_development_types_bilingual():
    # ratio r = U_b/U_a: .5/.5 = 1 sync; .8/.4 = 2 -> a lags; .3/.6 = .5 -> b lags;
    # .55/.5 = 1.1 -> exactly at tolerance -> synchronous
    U = pd.DataFrame({"cap": [0.5, 0.4, 0.6, 0.5], "use": [0.5, 0.8, 0.3, 0.55]},
                     index=list("wxyz"))
    out = M.relative_development(U, names=[("创造能力", "capability"), ("运用", "use")])
    assert out["type"].tolist() == ["synchronous", "a_lagging", "b_lagging", "synchronous"]
    assert out.loc["x", "type_zh"] == "创造能力滞后型" and out.loc["x", "type_en"] == "capability lagging"
    assert out.loc["y", "type_zh"] == "运用滞后型" and out.loc["y", "lagging"] == "use"
    assert out.loc["w", "type_zh"] == "同步型" and pd.isna(out.loc["w", "lagging"])
    np.testing.assert_allclose(out["ratio"].to_numpy(), [1, 2, 0.5, 1.1])
    # difference rule: .5-.55 = -.05 within .1 -> sync; .4-.8 = -.4 -> a lags
    diff = M.relative_development(U["cap"], U["use"], measure="difference")
    assert diff["type"].tolist() == ["synchronous", "a_lagging", "b_lagging", "synchronous"]
    assert diff.loc["x", "type_en"] == "cap lagging"


def test_relative_development_zero_and_errors():
    out = M.relative_development(pd.DataFrame({"a": [0.0, 0.0], "b": [0.0, 0.3]}))
    assert out["type"].tolist() == ["synchronous", "a_lagging"] and out["ratio"].iloc[1] == np.inf
    with pytest.raises(InputError, match="two subsystems"):
        M.relative_development(pd.DataFrame({"a": [0.1], "b": [0.2], "c": [0.3]}))
    with pytest.raises(InputError, match="same units"):
        M.relative_development(pd.Series([0.1, 0.2]), pd.Series([0.1, 0.2], index=[5, 6]))


# ---------------------------------------------------------------- location quotient
def test_location_quotient_hand_checked():
    # region A: 10, 30 (total 40); B: 40, 20 (total 60); reference E = (50, 50), E = 100
    # LQ_A1 = (10/40)/(50/100) = 0.5; LQ_A2 = (30/40)/0.5 = 1.5
    # LQ_B1 = (40/60)/0.5 = 1.3333; LQ_B2 = (20/60)/0.5 = 0.6667
    X = pd.DataFrame({"ict": [10, 40], "pharma": [30, 20]}, index=["A", "B"])
    lq = M.location_quotient(X)
    np.testing.assert_allclose(lq.to_numpy(), [[0.5, 1.5], [4 / 3, 2 / 3]])


def test_location_quotient_reference_row_and_totals():
    # a national row 'CN' = (100, 300), national total 1000 (other industries included);
    # region A = (10, 30) with total employment 200:
    # LQ_A,ict = (10/200)/(100/1000) = 0.5; LQ_A,pharma = (30/200)/(300/1000) = 0.5
    X = pd.DataFrame({"ict": [10, 100], "pharma": [30, 300]}, index=["A", "CN"])
    lq = M.location_quotient(X, totals={"A": 200, "CN": 1000}, reference="CN")
    assert list(lq.index) == ["A"]
    np.testing.assert_allclose(lq.to_numpy(), [[0.5, 0.5]])
    lq2 = M.location_quotient(X.loc[["A"]], totals={"A": 200},
                              reference=pd.Series({"ict": 100, "pharma": 300}),
                              reference_total=1000)
    np.testing.assert_allclose(lq2.to_numpy(), [[0.5, 0.5]])
    with pytest.raises(InputError, match="region 'A'"):
        M.location_quotient(pd.DataFrame({"ict": [0, 1], "p": [0, 2]}, index=["A", "B"]))
    with pytest.raises(InputError, match="negative"):
        M.location_quotient(pd.DataFrame({"ict": [-1, 1], "p": [1, 2]}))
    with pytest.raises(InputError, match="lacks categories"):
        M.location_quotient(X, reference={"ict": 100})


# ---------------------------------------------------------------- share matching
def test_share_matching_hand_checked():
    # a = (1, 3, 0) -> shares .25, .75, 0; b = (2, 2, 0) -> .5, .5, 0
    # M_x = 1 - .25/.75 = 0.6667; M_y = 1 - .25/1.25 = 0.8; z: both 0 -> M = 1, ratio missing
    a = pd.Series([1, 3, 0], index=list("xyz"))
    b = pd.Series([2, 2, 0], index=list("xyz"))
    out = M.share_matching(a, b)
    np.testing.assert_allclose(out["matching"].to_numpy(), [2 / 3, 0.8, 1.0])
    np.testing.assert_allclose(out["ratio"].to_numpy()[:2], [0.5, 1.5])
    assert np.isnan(out["ratio"].iloc[2])
    # reference totals (national): A = 10, B = 8 -> shares .1, .3 / .25, .25
    ref = M.share_matching(a, b, totals=(10, 8))
    np.testing.assert_allclose(ref["share_a"].to_numpy(), [0.1, 0.3, 0.0])
    with pytest.raises(InputError, match="different regions"):
        M.share_matching(a, pd.Series([1, 2, 3], index=list("xyw")))


@settings(max_examples=60, deadline=None)
@given(arrays(np.float64, st.integers(2, 10), elements=st.floats(0.01, 1e6)))
def test_share_matching_bounds_and_identity(x):
    out = M.share_matching(pd.Series(x), pd.Series(x * 3.0))
    np.testing.assert_allclose(out["matching"].to_numpy(), 1.0)
    y = pd.Series(x[::-1].copy())
    m = M.share_matching(pd.Series(x), y)["matching"]
    assert ((m >= 0) & (m <= 1)).all()


# --- D as shown beside its grade ------------------------------------------------------------


@pytest.mark.parametrize(("d", "shown"), [
    (0.8996, "0.90"),   # (0.8, 0.9]: "0.90" is still in (0.8, 0.9]
    (0.8022, "0.802"),  # "0.80" would lie in (0.7, 0.8]
    (0.80049, "0.8005"),  # "0.80" and "0.800" both would
    (0.7996, "0.80"),   # (0.7, 0.8] holds 0.80
    (0.93, "0.93"), (0.0, "0.00"), (1.0, "1.00"),
    (0.30000000000000004, "0.30"),  # 0.3 in floating point is in (0.2, 0.3], as is "0.30"
])
def test_d_text_keeps_the_shown_figure_in_its_band(d, shown):
    assert M.TEN_BANDS.text([d])[0] == shown


@settings(max_examples=300, deadline=None)
@given(st.floats(0, 1), st.sampled_from(["ten", "four"]), st.sampled_from(["right", "left"]))
def test_a_reader_grading_the_shown_figure_finds_the_grade_shown(d, name, closed):
    bands = M._resolve_bands(name)
    shown = bands.text([d], closed)[0]
    assert len(shown.split(".")[1]) >= 2
    assert bands.classify([float(shown)], closed)[0] == bands.classify([d], closed)[0]


def test_coupling_table_has_d_as_shown():
    U = pd.DataFrame({"a": [0.5908, 0.7729], "b": [0.7009, 0.8450]})
    cc = M.coupling_coordination(U)
    # the real panel's 江西 (运用能力 ↔ 运用需求, 2023) and 北京 (创造潜力 ↔ 创造能力)
    assert list(cc["D_text"]) == ["0.802", "0.90"]
    assert list(cc["grade_zh"].astype(str)) == ["良好协调", "良好协调"]


def test_band_intervals_are_drawn_as_classify_draws_them():
    assert M.TEN_BANDS.intervals()[:2] == ["[0,0.1]", "(0.1,0.2]"] and M.TEN_BANDS.intervals()[-1] == "(0.9,1]"
    assert M.FOUR_BANDS.intervals() == ["[0,0.4)", "[0.4,0.5)", "[0.5,0.6)", "[0.6,1]"]
    assert M.TEN_BANDS.intervals("left")[-2:] == ["[0.8,0.9)", "[0.9,1]"]
    assert list(M.TEN_BANDS.classify([0.0, 0.1, 0.2], "right")) == [1, 1, 2]
