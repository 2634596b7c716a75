"""Exports in the shapes the databases write, each with known records and the counts they imply.

Header sources (real header texts):
- CNIPA pss 检索结果 document list: 申请号, 申请日, 公开（公告）号, 公开（公告）日, IPC主分类号 with a
  version suffix and kind letter (``D03D15/00(2012.01)I``), 申请（专利权）人, 地址 — one row per
  publication (an A and a B row for a granted invention);
- CNIPA TRS list (GBK): the ``cnipa`` preset headers;
- Patsnap CSV: 申请号, 申请日, 公开(公告)号, 授权日, 专利类型 (值 授权发明), IPC主分类号,
  申请(专利权)人, 原始申请(专利权)人地址, 州/省, 地市, 区县, 权利转移生效日, ``-`` for empty;
- incoPat XLSX (title row above the header): 申请号, 申请日, 专利类型, 申请人, 申请人类型,
  中国申请人地市, 中国申请人区县, 转让执行日, 许可合同备案日期.
"""

from __future__ import annotations

import gzip
import random

import pandas as pd
import pytest

from ipbench.errors import DataError
from ipbench.patents import ingest
from ipbench.patents.applicants import type_from_name
from ipbench.patents.regions import default_assigner


def val(facts, region, industry, year, variable):
    m = ((facts.region_code == region) & (facts.industry_code == industry)
         & (facts.year == year) & (facts.variable == variable))
    return float(facts.loc[m, "value"].sum())


PSS_HEAD = "申请号,申请日,公开（公告）号,公开（公告）日,IPC主分类号,申请（专利权）人,地址,专利类型\n"
PSS_ROWS = [  # two granted inventions (A + B rows), one pending, one design with a Locarno code
    "CN201010000001.1,2010-03-01,CN101000001A,2011-09-01,D03D15/00(2012.01)I,南通纺织有限公司,江苏省南通市崇川区,发明",
    "CN201010000001.1,2010-03-01,CN101000001B,2013-05-02,D03D15/00(2012.01)I,南通纺织有限公司,江苏省南通市崇川区,发明",
    "CN201110000002.X,2011-04-01,CN102000002A,2012-10-01,B63B1/00(2006.01)I,南通大学;南通船舶有限公司,江苏省吴江市松陵镇,发明",
    "CN201110000002.X,2011-04-01,CN102000002B,2014-01-07,B63B1/00(2006.01)I,南通大学;南通船舶有限公司,江苏省吴江市松陵镇,发明",
    "CN201210000003.5,2012-05-01,CN103000003A,2013-11-01,B63B1/00(2006.01)I,张三,江苏省大丰市大中镇,发明",
    "CN201230000004.0,2012-06-01,CN303000004S,2012-12-01,12-08,李四,江苏省姜堰市三水街道,外观设计",
]


def test_pss_a_and_b_rows_merge_in_any_order(tmp_path):
    results = []
    for seed in range(3):
        rows = PSS_ROWS[:]
        random.Random(seed).shuffle(rows)
        half = len(rows) // 2
        a, b = tmp_path / f"a{seed}.csv", tmp_path / f"b{seed}.csv"
        a.write_text(PSS_HEAD + "\n".join(rows[:half]) + "\n", encoding="utf-8")
        b.write_text(PSS_HEAD + "\n".join(rows[half:]) + "\n", encoding="utf-8")
        for files in ([a, b], [b, a]):
            r = ingest(files, mapping="cnipa", scope="32", years=range(2010, 2015))
            results.append(r)
            assert r.counts["patents"] == 4 and r.counts["merged"] == 2
            assert r.counts["grant_from_other_row"] == 2
            assert not (r.issues["problem"] == "malformed IPC code").any()  # (2012.01)I, 12-08
            assert r.counts["unassigned"] == 0  # 吴江市, 大丰市, 姜堰市 are placed
            f = r.facts
            assert val(f, "320600", "ALL", 2013, "patent_grant_invention") == 1.0
            assert val(f, "320500", "ALL", 2014, "patent_grant_invention") == 1.0  # 吴江 → 苏州
            assert val(f, "320900", "ALL", 2012, "patent_app_invention") == 1.0  # 大丰 → 盐城
            assert val(f, "321200", "ALL", 2012, "patent_app_design") == 1.0  # 姜堰 → 泰州
            # no event columns at all: no transfer facts (unknown), and a note says so
            assert not f["variable"].isin(["patent_transfer", "patent_licence", "patent_pledge"]).any()
            assert any("no column for patent_transfer" in n for n in r.notes)
            assert any("no legal-status" in n for n in r.notes)
    first = results[0].facts
    for r in results[1:]:
        pd.testing.assert_frame_equal(r.facts, first)


def test_applicant_types_co_applications_and_iur(tmp_path):
    a = tmp_path / "a.csv"
    a.write_text(PSS_HEAD + "\n".join(PSS_ROWS) + "\n", encoding="utf-8")
    r = ingest([a], mapping="cnipa", scope="32", years=range(2010, 2015))
    t = r.tables["patent_applicant_types"]
    allt = t[t.industry_code == "ALL"].groupby("applicant_type")["applications"].sum()
    assert allt.to_dict() == {"enterprise": 1.0, "university": 1.0, "individual": 2.0}
    assert t["co_applications"].where(t.industry_code == "ALL").sum() == 1.0
    assert t["iur_applications"].where(t.industry_code == "ALL").sum() == 1.0
    ap = r.tables["patent_applicants"]
    names = set(ap.loc[ap.industry_code == "ALL", "applicant"])
    assert names == {"南通纺织有限公司", "南通大学", "南通船舶有限公司", "张三", "李四"}


def test_patsnap_csv_with_dash_cells_and_address_parts(tmp_path):
    head = ("申请号,申请日,公开(公告)号,授权日,专利类型,IPC主分类号,申请(专利权)人,原始申请(专利权)人地址,"
            "当前申请(专利权)人地址,州/省,地市,区县,权利转移生效日,许可生效日,质押生效日\n")
    rows = [
        "CN201910000001.1,2019-01-02,CN110000001B,2021-03-04,授权发明,H01L21/02,南京电子有限公司,"
        "江苏省南京市江宁区,上海市浦东新区,-,-,-,2022-05-06,-,-",
        "CN201920000002.2,2019-02-03,-,-,实用新型,-,王五,-,-,江苏省,南通市,海门区,-,-,-",
        "CN201910000003.3,2019-03-04,-,-,发明申请,G06F9/44,Sony Corp,日本东京都港区,-,-,-,-,-,-,-",
        "CN201910000004.4,2019-03-05,-,-,发明申请,G06F9/44,台积电股份有限公司,台湾新竹市,-,-,-,-,-,-,-",
    ]
    f = tmp_path / "patsnap.csv"
    f.write_text(head + "\n".join(rows) + "\n", encoding="utf-8-sig")
    r = ingest([f], mapping="patsnap", scope="32", years=range(2019, 2023))
    assert len(r.issues) == 0  # '-' is empty, not malformed
    assert r.counts["foreign"] == 1 and r.counts["hk_macao_taiwan"] == 1
    assert val(r.facts, "320100", "ALL", 2021, "patent_grant_invention") == 1.0
    assert val(r.facts, "320100", "ALL", 2022, "patent_transfer") == 1.0  # original address
    assert val(r.facts, "320600", "ALL", 2019, "patent_app_utility") == 1.0  # 州/省+地市+区县
    o = r.tables["patent_origins"]
    o = o[o.industry_code == "ALL"].groupby("origin")["applications"].sum().to_dict()
    assert o == {"CN": 2.0, "JP": 1.0, "TW": 1.0}


def test_patsnap_without_address_lists_headers(tmp_path):
    f = tmp_path / "p.csv"
    f.write_text("申请号,申请日,标题\nCN201910000001.1,2019-01-02,x\n", encoding="utf-8")
    with pytest.raises(DataError) as e:
        ingest([f], mapping="patsnap")
    assert "标题" in str(e.value) and "p.csv" in str(e.value)


def test_incopat_xlsx_title_row_and_event_dates(tmp_path):
    head = ["申请号", "申请日", "专利类型", "申请人", "申请人类型", "中国申请人地市", "中国申请人区县",
            "转让执行日", "许可合同备案日期", "授权公告日"]
    rows = [["CN201810000001.1", "2018-01-02", "发明", "常州大学", "大专院校", "常州市", "金坛区",
             "2021-06-01", "", "2020-05-05"],
            ["CN201820000002.2", "2018-02-03", "实用新型", "常州新能源有限公司", "企业", "常州市", "武进区",
             "", "2022-01-01", "2018-09-09"]]
    f = tmp_path / "incopat.xlsx"
    frame = pd.DataFrame([["incoPat 检索结果导出"] + [""] * (len(head) - 1), head, *rows])
    frame.to_excel(f, header=False, index=False)
    r = ingest([f], mapping="incopat", scope="32", years=range(2018, 2023))
    assert r.counts["patents"] == 2 and r.counts["unassigned"] == 0
    assert val(r.facts, "320400", "ALL", 2021, "patent_transfer") == 1.0  # 转让执行日, not grant year
    assert val(r.facts, "320400", "ALL", 2022, "patent_licence") == 1.0
    assert "patent_pledge" not in set(r.facts["variable"])


def test_trs_gbk_gz_hong_kong_code(tmp_path):
    head = "申请号,申请日,主分类号,申请（专利权）人,地址,国省代码,专利类型\n"
    body = ("200810000001,2008-01-01,H01L21/02,香港科技有限公司,香港九龙,81,发明\n"
            "200810000002,2008-01-01,H01L21/02,苏州电子有限公司,江苏省苏州市吴江市,32,发明\n")
    f = tmp_path / "trs.csv.gz"
    with gzip.open(f, "wt", encoding="gb18030") as fh:
        fh.write(head + body)
    r = ingest([f], scope="32", years=[2008])
    assert r.counts["hk_macao_taiwan"] == 1 and "province_only" not in r.unassigned_by_reason
    assert val(r.facts, "320500", "ALL", 2008, "patent_app_invention") == 1.0


@pytest.mark.parametrize(("name", "kind"), [
    ("江苏省产业技术研究院有限公司", "enterprise"), ("中国科学院苏州纳米技术与纳米仿生研究所", "institute"),
    ("南通职业大学", "university"), ("南京理工大学紫金学院", "university"), ("南通市人民医院", "government"),
    ("海门市市场监督管理局", "government"), ("欧阳娜娜", "individual"), ("Robert Bosch GmbH", "enterprise"),
    ("SAMSUNG ELECTRONICS CO., LTD.", "enterprise"), ("John Smith", "individual"),
    ("Massachusetts Institute of Technology", "university"),
])
def test_applicant_type_from_name(name, kind):
    assert type_from_name(name) == kind


def test_default_assigner_places_retired_names():
    got = default_assigner(scope="32").addresses(["江苏省金坛市", "南京市溧水县", "高淳县淳溪镇"])
    assert got == {"江苏省金坛市": "320413", "南京市溧水县": "320117", "高淳县淳溪镇": "320118"}
