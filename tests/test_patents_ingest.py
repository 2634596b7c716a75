"""End-to-end ingest on tiny hand-made exports: readers, duplicates, malformed rows, counts.

Every expected number below is counted by hand from the rows written in each test.
"""

from __future__ import annotations

import gzip

import pandas as pd
import pytest

from ipbench.errors import DataError, ParamsError
from ipbench.patents import ingest
from ipbench.patents.mappings import load_mapping
from ipbench.patents.regions import RegionAssigner

HEAD = "申请号,申请日,公开（公告）号,公开（公告）日,授权公告日,主分类号,分类号,地址,国省代码,专利类型,法律状态,失效日,转让日\n"


def assigner() -> RegionAssigner:
    table = {"江苏省南通市海门区人民路1号": "320614", "南京市江宁区": "320115", "江苏省": "320000"}
    known = {"320614", "320600", "320115", "320100", "320000"}

    def resolve(c):
        c = {"320684": "320614"}.get(c, c)
        return c if c in known else None

    return RegionAssigner(scope="32", resolve_code=resolve,
                          parse_addresses=lambda a: [table.get(x) for x in a])


def run(files, **kw):
    kw.setdefault("assigner", assigner())
    return ingest(files, **kw)


def value(facts, region, industry, year, variable):
    m = ((facts.region_code == region) & (facts.industry_code == industry)
         & (facts.year == year) & (facts.variable == variable))
    assert m.sum() == 1, (region, industry, year, variable)
    return float(facts.loc[m, "value"].iloc[0])


def test_duplicates_across_files_counted_once(tmp_path):
    a = tmp_path / "a.csv"
    a.write_text(HEAD + "CN202310123456.7,2023-01-05,,,,H01L21/02,,江苏省南通市海门区人民路1号,32,发明,,,\n"
                 "CN202320000001.2,2023-02-05,,,,B63B1/00,,南京市江宁区,32,实用新型,,,\n",
                 encoding="utf-8")
    b = tmp_path / "b.csv.gz"
    with gzip.open(b, "wt", encoding="gb18030") as fh:  # GBK, compressed
        fh.write(HEAD + "2023101234567,2023-01-05,,,,H01L21/02,,江苏省南通市海门区人民路1号,32,发明,,,\n"
                 "202310123456,2023-01-05,,,,H01L21/02,,江苏省南通市海门区人民路1号,32,发明,,,\n")
    r = run([a, b], years=[2023])
    assert r.counts["read"] == 4 and r.counts["duplicates"] == 2 and r.counts["patents"] == 2
    assert value(r.facts, "320600", "ALL", 2023, "patent_app_invention") == 1.0
    assert value(r.facts, "320100", "ALL", 2023, "patent_app_utility") == 1.0
    assert value(r.facts, "320100", "MARINE", 2023, "patent_app_total") == 1.0
    assert r.files[1].encoding == "gb18030"


def test_malformed_rows_reported_with_file_and_row(tmp_path):
    a = tmp_path / "exp.csv"
    a.write_text(HEAD
                 + "CN202310000001.1,2023-13-01,,,,H01L21/02,,南京市江宁区,32,发明,,,\n"  # row 2
                 + "CN202310000002.2,2023-03-01,,,,见附件,H01L21/02;XX,南京市江宁区,32,发明,,,\n"
                 + ",2023-03-01,,,,H01L21/02,,南京市江宁区,32,发明,,,\n"  # row 4
                 + "CN202310000003.3,2023-03-01,,,2024/2/30,H01L21/02,,南京市江宁区,32,发明,,,2024-01-01;soon\n",
                 encoding="utf-8")
    r = run([a], years=[2023])
    got = {(x["_row"], x["problem"], None if pd.isna(x["value"]) else x["value"])
           for x in r.issues.to_dict("records")}
    assert (2, "unparseable date", "2023-13-01") in got
    assert (3, "malformed IPC code", "见附件") in got
    assert (3, "malformed IPC code", "XX") in got
    assert (4, "missing application number", None) in got
    assert (5, "unparseable date", "2024/2/30") in got
    assert (5, "unparseable date", "soon") in got
    assert r.counts["malformed"] == 2 and r.counts["patents"] == 2
    # the row with a bad main IPC still counts, through its valid code
    assert value(r.facts, "320100", "ELECTRONICS", 2023, "patent_app_total") == 2.0
    err = r.errors(1)[0]
    assert isinstance(err, DataError) and "file exp.csv, row 2" in str(err)
    with pytest.raises(DataError, match="file exp.csv, row 2"):
        run([a], strict=True)


def test_unassigned_listed_by_reason(tmp_path):
    a = tmp_path / "a.csv"
    a.write_text(HEAD
                 + "CN202310000001.1,2023-03-01,,,,H01L21/02,,,,发明,,,\n"
                 + "CN202310000002.2,2023-03-01,,,,H01L21/02,,江苏省,32,发明,,,\n"
                 + "CN202310000003.3,2023-03-01,,,,H01L21/02,,某某路8号,,发明,,,\n"
                 + "CN202310000004.4,2023-03-01,,,,H01L21/02,,,320684,发明,,,\n",
                 encoding="utf-8")
    r = run([a], years=[2023])
    assert r.unassigned_by_reason == {"no_area_code_or_address": 1, "province_only": 1,
                                      "address_not_parsed": 1}
    assert sorted(r.unassigned["_row"]) == [2, 3, 4]
    assert r.counts["assigned"] == 1  # 320684 (海门市) → 320614 → 南通 320600
    assert value(r.facts, "320600", "ALL", 2023, "patent_app_total") == 1.0
    assert "address_not_parsed" in r.summary()


def test_grants_inforce_and_events(tmp_path):
    """In force at 31 Dec: grant ≤ year-end < min(lapse, filing + term)."""
    a = tmp_path / "a.csv"
    a.write_text(
        HEAD
        # invention, granted 2018, lapsed 2021-07-01 → in force 2018, 2019, 2020
        + "CN201610000001.1,2016-03-01,,,2018-06-01,H01L21/02,,南京市江宁区,32,发明,失效,2021-07-01,2019-05-01;2020-01-02\n"
        # invention filed 2003, 20-year term ends 2023-01-10 → in force through 2022
        + "CN200310000002.2,2003-01-10,,,2006-01-01,H01L21/02,,南京市江宁区,32,发明,有效,,\n"
        # utility filed 2014-05-05, 10-year term → in force 2016..2023 (not invention)
        + "CN201420000003.3,2014-05-05,,,2014-12-01,B63B1/00,,南京市江宁区,32,实用新型,,,\n"
        # invention lapsed without a date → in no year's stock
        + "CN201710000004.4,2017-01-01,,,2019-01-01,H01L21/02,,南京市江宁区,32,发明,未缴年费终止失效,,\n"
        # granted via publication kind code B (no grant-date column value)
        + "CN201810000005.5,2018-01-01,CN108000000B,2020-05-05,,H01L21/02,,南京市江宁区,32,发明,,,\n",
        encoding="utf-8")
    years = list(range(2016, 2025))
    r = run([a], years=years)
    f = r.facts
    inv = {y: value(f, "320100", "ALL", y, "patent_inforce_invention") for y in years}
    assert inv == {2016: 1, 2017: 1, 2018: 2, 2019: 2, 2020: 3, 2021: 2, 2022: 2, 2023: 1, 2024: 1}
    tot = {y: value(f, "320100", "ALL", y, "patent_inforce_total") for y in years}
    assert tot == {2016: 2, 2017: 2, 2018: 3, 2019: 3, 2020: 4, 2021: 3, 2022: 3, 2023: 2, 2024: 1}
    assert value(f, "320100", "ALL", 2020, "patent_grant_invention") == 1.0
    assert value(f, "320100", "ALL", 2019, "patent_transfer") == 1.0
    assert value(f, "320100", "ALL", 2020, "patent_transfer") == 1.0
    assert r.counts["undated_lapse"] == 1
    assert set(f["unit"][f.variable == "patent_transfer"]) == {"次"}


def test_xlsx_and_other_preset(tmp_path):
    frame = pd.DataFrame({
        "申请号": ["CN202310000001.1", "CN202320000002.2"], "申请日": ["2023-01-01", "2023-02-01"],
        "公开(公告)号": ["", ""], "IPC主分类号": ["H01L21/02", "D03D15/00"],
        "IPC分类号": ["H01L21/02", "D03D15/00"], "申请(专利权)人地址": ["南京市江宁区", "南京市江宁区"],
    })
    path = tmp_path / "patsnap.xlsx"
    frame.to_excel(path, index=False)
    r = run([path], mapping="patsnap", years=[2023])
    assert r.counts["patents"] == 2
    assert value(r.facts, "320100", "TEXTILE", 2023, "patent_app_utility") == 0.5
    assert value(r.facts, "320100", "SMART_EQUIP", 2023, "patent_app_total") == 0.5


def test_missing_required_column_named(tmp_path):
    a = tmp_path / "a.csv"
    a.write_text("编号,日期\n1,2023-01-01\n", encoding="utf-8")
    with pytest.raises(DataError, match="file a.csv.*申请号"):
        run([a])
    with pytest.raises(ParamsError, match="policy"):
        run([a], policy="half")


def test_presets_load_and_variables_match_vocabulary(project_root):
    import yaml

    from ipbench.patents.aggregate import UNITS

    for name in ("cnipa", "incopat", "patsnap", "ipbench"):
        assert "app_no" in load_mapping(name).fields
    vocab = yaml.safe_load((project_root / "data/variables.yaml").read_text(encoding="utf-8"))
    for var, unit in UNITS.items():
        assert vocab["variables"][var]["unit"] == unit


def test_eight_digit_numbers_spaces_and_type_from_number(tmp_path):
    """Pre-2003 8-digit numbers keep their own key (not confused with a 12-digit one) and give
    their type by the 3rd digit; cells padded with spaces (also U+3000) read like clean ones."""
    a = tmp_path / "a.csv"
    a.write_text(HEAD
                 + "CN02123456.7,2002-05-06,,,,H01L21/02,,,320115,,,,\n"  # 8-digit, 3rd digit 1: invention
                 + "ZL 02 2 23456.8,2002-05-07,,,,H01L21/02,,,320115,,,,\n"  # 3rd digit 2: utility
                 + "02323456,2002-05-07,,,,,,,,,,,\n"  # design, no region
                 + " 000002123456 ,\u30002002-05-08 ,,,,H01L21/02,,,,实用新型,,,\n",  # 12-digit
                 encoding="utf-8")
    r = run([a], years=[2002])
    assert r.counts["patents"] == 4 and r.counts["duplicates"] == 0 and len(r.issues) == 0
    keys = dict(zip(r.unassigned["_row"], r.unassigned["app_key"], strict=True))
    assert keys == {4: "02323456", 5: "000002123456"}
    assert value(r.facts, "320100", "ALL", 2002, "patent_app_invention") == 1.0
    assert value(r.facts, "320100", "ALL", 2002, "patent_app_utility") == 1.0
    assert value(r.facts, "320100", "ALL", 2002, "patent_app_total") == 2.0


def test_row_numbers_survive_a_parallel_read(tmp_path):
    """Rows are numbered from the order DuckDB appends them; a file large enough for the
    parallel CSV reader (several row groups) must still report the right row."""
    import duckdb

    n = 300_000
    path = tmp_path / "big.csv"
    duckdb.connect().execute(f"""
    COPY (SELECT 'CN2023' || CASE WHEN i % 2 = 0 THEN '1' ELSE '2' END
                 || lpad(CAST(i AS VARCHAR), 7, '0') || '.1' AS 申请号,
                 CASE WHEN i IN (7, 123457, {n - 2}) THEN 'bad' ELSE '2023-01-05' END AS 申请日,
                 'H01L21/02' AS 主分类号, '南京市江宁区' AS 地址, '32' AS 国省代码
          FROM range({n}) t(i)) TO '{path}' (HEADER)""")
    r = run([path], years=[2023], threads=2)
    bad = r.issues[r.issues["problem"] == "unparseable date"]
    assert sorted(bad["_row"]) == [7 + 2, 123457 + 2, n - 2 + 2]  # header = row 1
    assert r.counts["patents"] == n - 3
    assert value(r.facts, "320100", "ALL", 2023, "patent_app_invention") == n / 2 - 1


def test_cells_sharing_a_key_are_told_apart(tmp_path, monkeypatch):
    """IPC, applicant and location cells are joined on hash keys; cells whose keys collide
    (forced here: keys modulo 3) get keys of their own, so every count and table is unchanged."""
    import ipbench.patents.records as records

    head = "申请号,申请日,授权公告日,主分类号,分类号,申请（专利权）人,地址,国省代码,专利类型\n"
    rows = ["CN202310000001.1,2023-01-05,2024-01-02,H01L21/02,B63B1/00,南通船舶有限公司,,320684,发明",
            "CN202310000002.1,2023-02-05,,B63B1/00,,南通大学;南通电子有限公司,南京市江宁区,,发明",
            "CN202320000003.1,2023-03-05,2023-09-01,D03D15/00,H01L21/02,张三,江苏省南通市海门区人民路1号,,实用新型",
            "CN202330000004.1,2023-04-05,,,,Siemens AG,南京市江宁区,32,外观设计",
            "CN202310000005.1,2023-05-05,,A61K31/00,,南京大学,,320115,发明",
            "CN202310000001.1,2023-01-05,,H01L21/02,,南通船舶有限公司,,320684,发明"]
    path = tmp_path / "a.csv"
    path.write_text(head + "\n".join(rows) + "\n", encoding="utf-8")
    exact = run([path], years=[2023, 2024])
    strong = records.key_sql
    monkeypatch.setattr(records, "key_sql", lambda key: f"(({strong(key)}) % 3)")
    clashing = run([path], years=[2023, 2024])
    assert clashing.counts == exact.counts and exact.counts["patents"] == 5
    pd.testing.assert_frame_equal(clashing.facts, exact.facts)
    for name, t in exact.tables.items():
        keys = [c for c in t.columns if t[c].dtype.kind != "f"]
        pd.testing.assert_frame_equal(clashing.tables[name].sort_values(keys, ignore_index=True),
                                      t.sort_values(keys, ignore_index=True), obj=name)
    assert len(exact.tables["patent_applicants"]) > 0


def test_merged_rows_keep_an_ipc_pair_no_single_row_has(tmp_path):
    """Two rows of one application merge field by field: the main IPC of one row and the IPC
    list of the other form a pair that no row has; the merged patent still has its codes."""
    path = tmp_path / "a.csv"
    path.write_text("app_no,filing_date,grant_date,patent_type,ipc_main,ipc_all,area_code\n"
                    "202310000001,2023-01-05,2024-01-01,发明,B63B1/00,H01L21/02,320115\n"
                    "202310000001,2023-01-05,2024-02-01,发明,H01L21/02,A61K31/00,320115\n", encoding="utf-8")
    r = run([path], mapping="ipbench", years=[2023])
    assert r.counts["merged"] == 1 and r.counts["no_industry"] == 0
    assert value(r.facts, "320100", "MARINE", 2023, "patent_app_total") == 0.5  # B63B1/00 of 2 codes
    assert r.tables["patent_ipc"]["ipc_group"].unique().tolist() == ["B63B1"]


def test_legal_status_texts_are_classed():
    """Status texts as CNIPA, incoPat and Patsnap write them: English ones in any case;
    'Inactive' is not 'active', 审查中 and 在审 are pending, PCT-有效期满 has ended."""
    import duckdb

    from ipbench.patents.records import known_statuses, status_sql

    con = duckdb.connect()
    got = known_statuses(con)
    expect = {"Inactive": "lapsed", "Expired": "lapsed", "Lapsed": "lapsed", "失效": "lapsed",
              "PCT-有效期满": "lapsed", "期限届满": "lapsed", "全部无效": "lapsed",
              "审查中": "pending", "在审": "pending", "实质审查": "pending", "Pending": "pending",
              "有效": "in_force", "部分无效": "in_force", "Active": "in_force",
              "Granted": "in_force", "授权-有效": "in_force"}
    assert {k: got[k] for k in expect} == expect
    texts = ["INACTIVE", "expired", "active", "", None]
    rows = con.execute(f"SELECT {status_sql('s')} FROM (SELECT unnest(?::VARCHAR[]) AS s)",
                       [texts]).fetchall()
    assert [r[0] for r in rows] == ["lapsed", "lapsed", "in_force", None, None]
