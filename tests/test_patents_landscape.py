"""The landscape step and analyses on tables ingested from a small export with known records."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
import pytest

from ipbench.analysis import applicants as ap
from ipbench.patents import ingest
from ipbench.steps.landscape import MAKES, landscape
from ipbench.steps.registry import Skip

HEAD = "申请号,申请日,授权公告日,主分类号,申请（专利权）人,地址,专利类型,转让日\n"
ROWS = [
    "CN201910000001.1,2019-01-01,2021-01-01,B63B1/00,南通船舶有限公司,江苏省南通市崇川区,发明,2022-01-01",
    "CN201910000002.1,2019-02-01,,B63B35/44,南通船舶有限公司;南通大学,江苏省南通市崇川区,发明,",
    "CN202010000003.1,2020-02-01,,B63B1/00,南通大学,江苏省南通市崇川区,发明,",
    "CN202010000004.1,2020-03-01,,B63B1/00,张三,江苏省南京市江宁区,发明,",
    "CN202010000005.1,2020-04-01,,B63B1/00,Siemens AG,德国慕尼黑,发明,",
]


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    f = tmp_path_factory.mktemp("l") / "a.csv"
    f.write_text(HEAD + "\n".join(ROWS) + "\n", encoding="utf-8")
    return ingest([f], scope="32", years=[2019, 2020, 2021, 2022], source="recs")


class Data:
    def __init__(self, tables):
        self.tables = tables

    def table(self, name):
        t = self.tables.get(name)
        return None if t is None else t.assign(source="recs")


def ctx(tables, facts):
    scope = SimpleNamespace(regions=["320600", "320100"], years=SimpleNamespace(first=2019, last=2020))
    return SimpleNamespace(params=SimpleNamespace(scope=scope), data=Data(tables), stages={"facts": facts})


def test_top_applicants_shares_and_concentration(result):
    t = result.tables
    top = ap.top_applicants(t["patent_applicants"], t["patent_applicant_types"], "320600", "MARINE", [2019, 2020])
    assert list(top["applicant"]) == ["南通大学", "南通船舶有限公司"]  # tie: 2 each, by name
    assert list(top["rank"]) == [1, 1]
    assert top["share"].tolist() == [2 / 3, 2 / 3]  # co-application credited to both
    c = ap.concentration(t["patent_applicants"], "320600", "MARINE", [2019, 2020])
    assert c["applicants"].iloc[0] == 2 and c["HHI"].iloc[0] == pytest.approx(5000.0)


def test_step_makes_every_table(result):
    out = landscape(ctx(result.tables, result.facts))
    assert set(out) == set(MAKES)
    # per region × key industry the analysis gives the mix (the step keeps the scope's rows
    # per industry and each region's rows over all industries: what the pages read)
    t = result.tables
    m = ap.type_mix(t["patent_applicant_types"], "320600", "MARINE", [2019, 2020]).set_index("applicant_type")
    assert m.loc["enterprise", "applications"] == 2.0 and m.loc["university", "applications"] == 1.0
    assert m.loc["enterprise", "iur_share"] == 0.5
    orig = out["landscape_origins"]
    o = orig[orig.industry_code == "MARINE"].set_index("origin")["applications"].to_dict()
    assert o == {"CN": 4.0, "DE": 1.0}
    ev = out["landscape_events"]
    assert ev.loc[(ev.region_code == "ALL") & (ev.industry_code == "ALL") & (ev.year == 2022),
                  "patent_transfer"].iloc[0] == 1.0
    mix = out["landscape_type_mix"]
    assert set(mix.loc[mix.industry_code == "ALL", "region_code"]) == {"320600", "320100", "ALL"}
    assert set(mix.loc[mix.industry_code == "MARINE", "region_code"]) == {"ALL"}


def test_step_skips_without_records():
    with pytest.raises(Skip):
        landscape(ctx({}, pd.DataFrame()))


def test_scope_rows_pool_the_regions_and_distribution_is_over_the_scope(result):
    from ipbench.steps.landscape import SCOPE

    out = landscape(ctx(result.tables, result.facts))
    lc = out["landscape_life_cycle"]
    lc = lc[lc.industry_code == "MARINE"].set_index(["region_code", "year"])
    # 2020: 南通大学 (320600) and 张三 (320100) — two applicants pooled, each counted once
    assert lc.loc[(SCOPE, 2020), "applicants"] == 2
    mix = out["landscape_type_mix"]
    whole = mix[(mix.region_code == SCOPE) & (mix.industry_code == "MARINE")]
    t = result.tables
    parts = sum(ap.type_mix(t["patent_applicant_types"], r, "MARINE", [2019, 2020])["applications"].sum()
                for r in ("320600", "320100"))
    assert whole["applications"].sum() == parts == 4.0
    dist = out["landscape_distribution"]
    assert set(dist.region_code) <= {"320600", "320100"}  # no province total, no SCOPE row
    ipc = out["landscape_ipc"]
    assert set(ipc.level) == {"ipc_subclass", "ipc_group"}
    assert "B63B35" in set(ipc.loc[ipc.level == "ipc_group", "code"])
    prov = out["landscape_provinces"]
    assert prov.loc[prov.industry_code == "MARINE", "is_region"].tolist() == [True]  # 江苏
    ot = out["landscape_origin_trends"]
    assert ot[(ot.industry_code == "MARINE") & (ot.origin == "DE")]["year"].tolist() == [2020]


def test_equal_counts_are_ties_whatever_the_summation_order():
    """Fractional counts summed in another order (DuckDB's threads) differ in the 12th digit:
    equal counts keep one order (by code) and one rank, whatever the rows' order."""
    from ipbench.analysis import landscape as ls

    thirds = [1 / 3] * 3 + [0.1] * 10  # 1.0 both ways, but summed apart they differ by 1e-16
    ipc = pd.DataFrame({"region_code": "320600", "industry_code": "MARINE", "year": 2020,
                        "ipc_subclass": ["B63B"] * 3 + ["A01K"] * 10, "applications": thirds})
    orig = pd.DataFrame({"industry_code": "MARINE", "year": 2020, "origin": "CN",
                         "province": ["320000"] * 3 + ["330000"] * 10, "applications": thirds,
                         "grants": 0.0})
    outs = []
    for seed in (0, 1, 2):
        shuffled = ipc.sample(frac=1, random_state=seed)
        by_p = ls.origins(orig.sample(frac=1, random_state=seed), "MARINE", [2020])[1]
        comp = ls.ipc_composition(shuffled, "320600", "MARINE", [2020])
        outs.append((list(comp["code"]), list(by_p["province"]), list(by_p["rank"])))
    assert all(o == (["A01K", "B63B"], ["320000", "330000"], [1, 1]) for o in outs), outs
