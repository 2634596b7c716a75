"""Region assignment: area code first (with aliases), address second; reasons when unassigned."""

from __future__ import annotations

import pytest

from ipbench.errors import ParamsError
from ipbench.patents.regions import (
    RegionAssigner,
    cpca_parse_addresses,
    normalise_code,
    project_resolver,
    roll_up,
)

KNOWN = {"320600", "320614", "320613", "320100", "320115", "310000", "310100", "310115", "320000",
         "429004"}
ALIASES = {"320684": "320614"}  # 海门市 → 海门区 (国函〔2020〕79号)


def resolve(code: str) -> str | None:
    code = ALIASES.get(code, code)
    return code if code in KNOWN else None


def parse(addresses):
    table = {"江苏省南通市海门区人民路1号": "320614", "南京市江宁区": "320115",
             "上海市浦东新区": "310115", "江苏省": "320000"}
    return [table.get(a) for a in addresses]


def assigner(**kw) -> RegionAssigner:
    return RegionAssigner(resolve_code=resolve, parse_addresses=parse, **kw)


def test_codes_normalised():
    assert normalise_code("320614") == "320614"
    assert normalise_code("320614000000") == "320614"
    assert normalise_code("320614.0") == "320614"
    assert normalise_code("32") is None


def test_roll_up_levels():
    assert roll_up("320614", "prefecture") == "320600"
    assert roll_up("320614", "province") == "320000"
    assert roll_up("429004", "prefecture") == "429004"  # 省直辖县级 (仙桃市) is its own unit


def test_alias_code_assigned_and_rolled_up():
    got = assigner().assign([("320684", None), ("320684", None)])
    assert got[("320684", None)] == ("320600", None)
    county = assigner(level="county").assign([("320684", None)])
    assert county[("320684", None)] == ("320614", None)


def test_address_used_only_when_code_unusable():
    calls = []

    def spy(addresses):
        calls.append(list(addresses))
        return parse(addresses)

    a = RegionAssigner(resolve_code=resolve, parse_addresses=spy)
    got = a.assign([("320614", "上海市浦东新区"), ("32", "南京市江宁区"), ("32", "南京市江宁区"),
                    (None, "江苏省南通市海门区人民路1号")])
    assert got[("320614", "上海市浦东新区")] == ("320600", None)  # the code wins
    assert got[("32", "南京市江宁区")] == ("320100", None)
    # distinct, code-less only; the part before the house number first, the full address
    # only where that part gives no region
    assert calls == [["南京市江宁区", "江苏省南通市海门区人民路"], ["江苏省南通市海门区人民路1号"]]


def test_unassigned_reasons():
    a = assigner(scope="32")
    got = a.assign([(None, None), ("999999", None), ("999999", "某某路8号"), ("32", "某某路8号"),
                    ("320000", None), (None, "江苏省"), (None, "上海市浦东新区"),
                    ("310115", None), (None, "某某路8号")])
    assert got[(None, None)] == (None, "no_area_code_or_address")
    assert got[("999999", None)] == (None, "unknown_area_code")
    assert got[("999999", "某某路8号")] == (None, "unknown_area_code")
    assert got[("32", "某某路8号")] == (None, "province_only")
    assert got[("320000", None)] == (None, "province_only")
    assert got[(None, "江苏省")] == (None, "province_only")
    assert got[(None, "上海市浦东新区")] == (None, "outside_scope")
    assert got[("310115", None)] == (None, "outside_scope")
    assert got[(None, "某某路8号")] == (None, "address_not_parsed")


def test_bad_level_or_scope():
    with pytest.raises(ParamsError, match="level"):
        RegionAssigner(level="city")
    with pytest.raises(ParamsError, match="scope"):
        RegionAssigner(scope="Jiangsu")


def test_cpca_addresses_and_project_aliases():
    pytest.importorskip("cpca")
    codes = cpca_parse_addresses(["江苏省南通市崇川区工农路1号", "海门市人民路", "南京市江宁区"])
    assert codes[1] == "320614"  # cpca says 320684; the alias gives today's 海门区
    assert codes[2] == "320115"
    r = project_resolver()
    assert r("320684") == "320614"
    assert r("320600") == "320600"
