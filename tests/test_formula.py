"""Tests of ipbench.formula: grammar, safety, hand-checked values, per-cell reasons."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ipbench.errors import InputError, ParamsError
from ipbench.formula import (
    FUNCTIONS,
    Formula,
    FormulaError,
    FormulaOverflowError,
    FormulaZeroDivisionError,
    variables_of,
)

KEYS = ["region_code", "industry_code", "year"]


def panel(rows: list[tuple], columns: list[str]) -> pd.DataFrame:
    """Wide data indexed by (region_code, industry_code, year)."""
    df = pd.DataFrame(rows, columns=[*KEYS, *columns])
    return df.set_index(KEYS).astype(float)


@pytest.fixture
def data() -> pd.DataFrame:
    return panel(
        [
            ("320100", "ALL", 2021, 90_000, 9_000_000, 4.0, 2.0),
            ("320100", "ALL", 2022, 99_000, 9_000_000, 6.0, 0.0),
            ("320100", "ALL", 2023, 108_000, 9_000_000, 9.0, 3.0),
            ("320200", "ALL", 2023, 30_000, np.nan, 1.0, 4.0),
            ("320100", "BIOMED", 2023, 5_000, np.nan, 3.0, 1.0),
        ],
        ["inv", "pop", "a", "b"],
    )


# --- grammar and values --------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2 + 3 * 4 ** 2", 50.0),
        ("(2 + 3) * 4", 20.0),
        ("-2 ** 2", -4.0),  # Python precedence: -(2**2)
        ("+7 - -3", 10.0),
        ("1e4 / 8", 1250.0),
        ("1_000 * 2", 2000.0),
        ("log(1)", 0.0),
        ("log10(1000)", 3.0),
        ("log1p(0)", 0.0),
        ("exp(0)", 1.0),
        ("sqrt(16)", 4.0),
        ("abs(-2.5)", 2.5),
        ("min(3, 5) + max(3, 5)", 8.0),
        ("10 ** -2", 0.01),
    ],
)
def test_constant_arithmetic(text, expected, data):
    out = Formula.parse(text).evaluate(data)
    assert len(out) == len(data)
    assert np.allclose(out.to_numpy(), expected, rtol=1e-12)


def test_per_10k_population_hand_checked(data):
    # 90,000 invention patents in force / 9,000,000 residents * 1e4 = 100 per 10,000 residents
    out = Formula.parse("inv / pop * 1e4").evaluate(data)
    assert out.loc[("320100", "ALL", 2021)] == pytest.approx(100.0)
    assert out.loc[("320100", "ALL", 2022)] == pytest.approx(110.0)
    assert out.loc[("320100", "ALL", 2023)] == pytest.approx(120.0)
    assert np.isnan(out.loc[("320200", "ALL", 2023)])
    assert out.index.equals(data.index)


def test_multiline_formula_and_variables_in_order():
    f = Formula.parse("(patent_transfer + patent_licence\n + patent_pledge)\n / inv * 1000")
    assert f.variables == ("patent_transfer", "patent_licence", "patent_pledge", "inv")
    assert f.functions == ()
    g = Formula.parse("growth(rd) + log(inv) + lag(rd, 2)")
    assert g.variables == ("rd", "inv")
    assert g.functions == ("growth", "log", "lag")
    assert variables_of([f, g]) == ("patent_transfer", "patent_licence", "patent_pledge", "inv", "rd")


# --- safety: everything outside the whitelist is rejected -----------------------------------
@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("__import__('os')", "unknown function '__import__'"),
        ("__import__('os').system('ls')", "attribute access"),
        ("open('/etc/passwd')", "unknown function 'open'"),
        ("eval('1')", "unknown function 'eval'"),
        ("a.real", "attribute access"),
        ("(1).__class__", "attribute access"),
        ("a[0]", "indexing"),
        ("lambda: 1", "lambda"),
        ("(lambda x: x)(1)", "lambda"),
        ("[x for x in a]", "comprehension"),
        ("sum(x for x in a)", "unknown function 'sum'"),
        ("{x: 1 for x in a}", "comprehension"),
        ("a if b else 1", "if/else"),
        ("a < b", "comparison"),
        ("a and b", "and/or"),
        ("(a, b)", "tuple"),
        ("[a]", "a list"),
        ("'text'", "only numbers"),
        ("b'x'", "only numbers"),
        ("True + 1", "only numbers"),
        ("None", "only numbers"),
        ("1j", "only numbers"),
        ("f'{a}'", "f-string"),
        ("(a := 1)", "assignment"),
        ("a // b", "operator //"),
        ("a % b", "operator %"),
        ("a @ b", "operator @"),
        ("a ^ b", "operator ^"),
        ("~a", "only unary"),
        ("not a", "only unary"),
        ("_secret + 1", "may not start with _"),
        ("log", "is a function"),
        ("log(a, b)", "takes 1 argument"),
        ("min(a)", "takes 2 argument"),
        ("log(x=a)", "no keyword"),
        ("max(*a)", "takes 2 argument"),
        ("lag(a, 0)", "integer from 1"),
        ("lag(a, 1.5)", "integer from 1"),
        ("lag(a, b)", "integer from 1"),
        ("a.log(b)", "attribute access"),
    ],
)
def test_rejected_syntax(text, fragment):
    with pytest.raises(FormulaError, match="column") as exc:
        Formula.parse(text, indicator="ind_x")
    msg = str(exc.value)
    assert fragment in msg
    assert "indicator 'ind_x'" in msg
    assert text in msg  # the formula is shown
    assert isinstance(exc.value, ParamsError) and isinstance(exc.value, ValueError)


def test_syntax_error_shows_formula_and_caret():
    with pytest.raises(FormulaError) as exc:
        Formula.parse("a / (b + c", indicator="rd_intensity")
    msg = str(exc.value)
    assert "syntax error" in msg and "indicator 'rd_intensity'" in msg
    lines = msg.splitlines()
    assert lines[1].strip() == "a / (b + c"
    # caret under the unclosed parenthesis (column 5)
    assert exc.value.position == 4
    assert lines[2].index("^") == lines[1].index("(")


def test_position_points_at_offending_node():
    with pytest.raises(FormulaError) as exc:
        Formula.parse("a + b + foo(c)")
    assert exc.value.position == 8
    # non-ASCII text before the error: positions count characters, not UTF-8 bytes
    with pytest.raises(FormulaError) as exc:
        Formula.parse("人口 + a.b")
    assert exc.value.position == 5


def test_unknown_variable_suggests_close_names():
    known = {"population", "patent_inforce_invention", "gdp"}
    with pytest.raises(FormulaError) as exc:
        Formula.parse("patent_inforce_invention / popuation * 1e4", indicator="inv_10k", known=known)
    msg = str(exc.value)
    assert "unknown variable 'popuation'" in msg
    assert "did you mean 'population'" in msg
    assert "indicator 'inv_10k'" in msg
    assert exc.value.position == msg.splitlines()[1].strip().index("popuation")


def test_pathological_inputs_are_rejected_cleanly():
    with pytest.raises(FormulaError, match="limit"):
        Formula.parse("-" * 5000 + "1")
    with pytest.raises(FormulaError, match="nested"):
        Formula.parse("-" * 150 + "1")
    with pytest.raises(FormulaError, match="empty"):
        Formula.parse("   ")
    with pytest.raises(FormulaError, match="must be text"):
        Formula.parse(3)  # type: ignore[arg-type]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab_(). ,'\"+-*/%<=[]:lgoxim0123e\n\\")), max_size=30))
def test_fuzz_parse_only_succeeds_or_raises_formula_error(text):
    try:
        f = Formula.parse(text)
    except FormulaError:
        return
    # whatever was accepted uses only whitelisted functions and plain names
    assert set(f.functions) <= set(FUNCTIONS)
    assert all(v.isidentifier() and not v.startswith("_") for v in f.variables)


# --- missing, zero division, undefined ------------------------------------------------------
def test_missing_input_gives_nan_with_reason(data):
    ev = Formula.parse("inv / pop * 1e4").evaluate_detailed(data)
    reasons = ev.reasons()
    assert list(reasons.index) == [("320200", "ALL", 2023), ("320100", "BIOMED", 2023)]
    assert set(reasons["kind"]) == {"missing_input"}
    assert all(reasons["reason"] == "missing input pop")


def test_division_by_zero_names_region_and_year(data):
    f = Formula.parse("a / b * 100")
    with pytest.raises(FormulaZeroDivisionError) as exc:
        f.evaluate(data, indicator="share_x")
    msg = str(exc.value)
    assert "indicator 'share_x'" in msg
    assert "region 320100, industry ALL, year 2022" in msg
    assert "`b`" in msg and "on_zero_division='nan'" in msg
    assert exc.value.indicator == "share_x"
    assert exc.value.cells.to_dict("records") == [
        {"region_code": "320100", "industry_code": "ALL", "year": 2022}
    ]
    assert isinstance(exc.value, InputError)


def test_zero_over_zero_is_also_a_division_by_zero():
    d = panel([("320100", "ALL", 2020, 0.0, 0.0)], ["a", "b"])
    with pytest.raises(FormulaZeroDivisionError, match="year 2020"):
        Formula.parse("a / b").evaluate(d)


def test_division_by_zero_as_nan_records_reason_not_inf(data):
    ev = Formula.parse("a / b * 100").evaluate_detailed(data, on_zero_division="nan")
    assert np.isnan(ev.values.loc[("320100", "ALL", 2022)])
    assert not np.isinf(ev.values).any()
    r = ev.reasons()
    assert r.loc[("320100", "ALL", 2022), "kind"] == "zero_division"
    assert "`b` = 0" in r.loc[("320100", "ALL", 2022), "reason"]
    # 4 / 2 * 100 = 200 (hand-checked)
    assert ev.values.loc[("320100", "ALL", 2021)] == 200.0


def test_compound_denominator_is_named(data):
    with pytest.raises(FormulaZeroDivisionError, match=r"`\(b - b\)`|`b - b`"):
        Formula.parse("a / (b - b)").evaluate(data)


def test_bad_policy_rejected(data):
    with pytest.raises(InputError, match="on_zero_division"):
        Formula.parse("a").evaluate(data, on_zero_division="ignore")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "needs"),
    [("log(b)", "log needs x > 0"), ("sqrt(b - 3)", "sqrt needs x >= 0")],
)
def test_undefined_results_become_nan_with_reason(text, needs, data):
    ev = Formula.parse(text).evaluate_detailed(data)
    assert not np.isinf(ev.values).any()
    r = ev.reasons()
    assert (r["kind"] == "undefined").all() and len(r) > 0
    assert r["reason"].str.contains(needs, regex=False).all()


@pytest.mark.parametrize("text", ["9**9**9 - 10**10**10 + a", "exp(a * 1000)", "a * 1e308 * 1e308"])
def test_overflow_is_reported_as_overflow_naming_indicator_and_cells(text, data):
    """Issue 11: an overflow was an 'undefined' NaN, and later 'nothing to impute from'."""
    with pytest.raises(FormulaOverflowError) as info:
        Formula.parse(text).evaluate(data, indicator="big")
    msg = str(info.value)
    assert "indicator 'big'" in msg and "overflow" in msg and "region 320100" in msg and "year" in msg
    assert "np.float64" not in msg and "nothing to impute" not in msg
    assert len(info.value.cells) > 0 and info.value.indicator == "big"


def test_overflow_as_nan_on_request(data):
    ev = Formula.parse("exp(a * 1000)").evaluate_detailed(data, on_overflow="nan")
    r = ev.reasons()
    assert len(r) > 0 and (r["kind"] == "overflow").all() and not np.isinf(ev.values).any()
    with pytest.raises(InputError, match="on_overflow"):
        Formula.parse("a").evaluate(data, on_overflow="ignore")  # type: ignore[arg-type]


def test_log_of_zero_is_undefined_not_overflow(data):
    d = data.assign(b=0.0)
    r = Formula.parse("log(b)").evaluate_detailed(d).reasons()
    assert (r["kind"] == "undefined").all()


def test_infinite_input_is_invalid(data):
    d = data.copy()
    d.iloc[0, d.columns.get_loc("a")] = np.inf  # row 0 = (320100, ALL, 2021)
    ev = Formula.parse("a + 1").evaluate_detailed(d)
    assert np.isnan(ev.values.loc[("320100", "ALL", 2021)])
    assert ev.reasons().loc[("320100", "ALL", 2021), "kind"] == "invalid_input"


def test_column_absent_from_data_suggests(data):
    with pytest.raises(FormulaError, match="did you mean 'inv'"):
        Formula.parse("inx * 2").evaluate(data)


# --- panel functions --------------------------------------------------------------------------
def test_lag_and_growth_hand_checked(data):
    growth = Formula.parse("growth(a) * 100").evaluate_detailed(data)
    v = growth.values
    assert v.loc[("320100", "ALL", 2022)] == pytest.approx(50.0)  # 6 / 4 - 1
    assert v.loc[("320100", "ALL", 2023)] == pytest.approx(50.0)  # 9 / 6 - 1
    assert np.isnan(v.loc[("320100", "ALL", 2021)])  # no 2020 row
    assert np.isnan(v.loc[("320200", "ALL", 2023)])  # no 2022 row for 320200
    r = growth.reasons()
    assert "no row for year-1" in r.loc[("320100", "ALL", 2021), "reason"]
    lag2 = Formula.parse("lag(a, 2)").evaluate(data)
    assert lag2.loc[("320100", "ALL", 2023)] == 4.0
    assert lag2.isna().sum() == 4


def test_lag_skips_gap_years_instead_of_taking_previous_row():
    d = panel([("320100", "ALL", 2019, 5.0), ("320100", "ALL", 2021, 7.0)], ["a"])
    out = Formula.parse("lag(a)").evaluate(d)
    assert np.isnan(out.loc[("320100", "ALL", 2021)])  # 2020 absent: not 5


def test_growth_from_zero_is_division_by_zero(data):
    with pytest.raises(FormulaZeroDivisionError, match="year 2023") as exc:
        Formula.parse("growth(b)").evaluate(data, indicator="g")
    assert "lag(b)" in str(exc.value)


def test_lag_of_missing_value_reports_previous_year():
    d = panel([("320100", "ALL", 2020, np.nan), ("320100", "ALL", 2021, 3.0)], ["a"])
    r = Formula.parse("lag(a)").evaluate_detailed(d).reasons()
    assert r.loc[("320100", "ALL", 2021), "reason"] == "missing input a (year-1)"


def test_all_industries_takes_whole_economy_row(data):
    out = Formula.parse("a / all_industries(a) * 100").evaluate(data)
    # BIOMED 2023: 3 / 9 (ALL, 2023) * 100
    assert out.loc[("320100", "BIOMED", 2023)] == pytest.approx(100 / 3)
    assert out.loc[("320100", "ALL", 2023)] == pytest.approx(100.0)


def test_panel_functions_need_panel_index():
    flat = pd.DataFrame({"a": [1.0, 2.0]})
    with pytest.raises(InputError, match="'year' level"):
        Formula.parse("lag(a)").evaluate(flat)
    with pytest.raises(InputError, match="'industry_code' level"):
        Formula.parse("all_industries(a)").evaluate(flat)


# --- property: evaluator agrees with an independent interpreter ------------------------------
_leaf = st.one_of(
    st.sampled_from(["a", "b"]),
    st.integers(min_value=1, max_value=9).map(str),
)


def _expr(children):
    return st.one_of(
        st.tuples(children, st.sampled_from("+-*"), children).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
        children.map(lambda c: f"(-{c})"),
        children.map(lambda c: f"abs({c})"),
        st.tuples(children, children).map(lambda t: f"max({t[0]}, {t[1]})"),
    )


_exprs = st.recursive(_leaf, _expr, max_leaves=8)


def _reference(text: str, a: float, b: float) -> float:
    """Tiny independent interpreter over the generated (fully parenthesised) strings."""
    text = text.strip()
    if text in ("a", "b"):
        return {"a": a, "b": b}[text]
    if text.isdigit():
        return float(text)
    if text.startswith("abs(") or text.startswith("max("):
        inner = _split_args(text[4:-1])
        vals = [_reference(x, a, b) for x in inner]
        return abs(vals[0]) if text.startswith("abs") else max(vals)
    assert text[0] == "(" and text[-1] == ")"
    body = text[1:-1]
    if body.startswith("-") and _split_top(body[1:]) is None:
        return -_reference(body[1:], a, b)
    left, op, right = _split_top(body)
    x, y = _reference(left, a, b), _reference(right, a, b)
    return {"+": x + y, "-": x - y, "*": x * y}[op]


def _split_args(s: str) -> list[str]:
    depth = 0
    for i, ch in enumerate(s):
        depth += ch == "("
        depth -= ch == ")"
        if ch == "," and depth == 0:
            return [s[:i], s[i + 1 :]]
    return [s]


def _split_top(s: str):
    depth = 0
    for i, ch in enumerate(s):
        depth += ch == "("
        depth -= ch == ")"
        if depth == 0 and s[i : i + 3] in (" + ", " - ", " * "):
            return s[:i], s[i + 1], s[i + 3 :]
    return None


@settings(max_examples=100, deadline=None)
@given(
    _exprs,
    st.floats(-1e3, 1e3, allow_nan=False),
    st.floats(-1e3, 1e3, allow_nan=False),
)
def test_property_matches_reference_interpreter(text, a, b):
    d = panel([("320100", "ALL", 2020, a, b)], ["a", "b"])
    got = Formula.parse(text).evaluate(d).iloc[0]
    want = _reference(text, a, b)
    assert math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-9)


def test_reasons_with_many_distinct_messages():
    """More than 62 distinct reasons takes the slow path; texts must still be per cell."""
    names = [f"v{i}" for i in range(70)]
    rows = []
    for r in range(3):
        vals = [1.0] * 70
        vals[r] = np.nan  # row r misses v{r}
        rows.append(("320100", "ALL", 2020 + r, *vals))
    d = panel(rows, names)
    r = Formula.parse(" + ".join(names)).evaluate_detailed(d).reasons()
    assert list(r["reason"]) == ["missing input v0", "missing input v1", "missing input v2"]
    # fast path, two reasons in one cell, order of first use
    d2 = panel([("320100", "ALL", 2020, np.nan, np.nan)], ["a", "b"])
    r2 = Formula.parse("b / a").evaluate_detailed(d2).reasons()
    assert r2["reason"].iloc[0] == "missing input b; missing input a"
