"""Loaders (ipbench.data.loaders): encodings, merged headers, Excel row numbers; units."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ipbench.data import loaders
from ipbench.data.loaders import column_letter, detect_encoding, read_tables, to_cells
from ipbench.data.sources import Source
from ipbench.data.units import factor_to_base
from ipbench.data.validate import parse_numbers
from ipbench.errors import DataError

TEXT = "示例数据\n地区,2022年,2023年\n南通市,1,2\n"
SPEC = {"id": "t", "file": "t.csv", "layout": "wide_years", "region": "地区", "skip_rows": 1, "variable": "gdp"}


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_encodings_are_detected(tmp_path, encoding):
    path = tmp_path / "t.csv"
    path.write_bytes(TEXT.encode(encoding))
    expected = {"gbk": "gb18030"}.get(encoding, encoding)
    assert detect_encoding(path) == expected
    (tbl,) = read_tables(path, Source(**SPEC))
    assert tbl.labels == [("地区",), ("2022年",), ("2023年",)]
    assert tbl.body.loc[0, 0] == "南通市" and tbl.body.loc[0, "row"] == 3


def test_merged_two_row_header_in_xlsx(tmp_path):
    import xlsxwriter

    path = tmp_path / "w.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("表1")
    ws.merge_range(0, 0, 0, 4, "示例数据 标题")
    ws.merge_range(1, 0, 2, 0, "地区")
    ws.merge_range(1, 1, 1, 2, "专利授权量（件）")
    ws.merge_range(1, 3, 1, 4, "发明专利授权量（件）")
    ws.write_row(2, 1, ["2022年", "2023年", "2022年", "2023年"])
    ws.write_row(3, 0, ["南通市", 10, 11, 2, 3])
    ws.write_row(4, 0, ["注：示例数据"])
    wb.close()
    spec = Source(id="w", file="w.xlsx", layout="wide_years", region="地区", skip_rows=1, header_rows=2,
                  variables={"专利授权量（件）": "patent_grant_total", "发明专利授权量（件）": "patent_grant_invention"})
    (tbl,) = read_tables(path, spec)
    assert tbl.labels[0] == ("地区",) and tbl.labels[2] == ("专利授权量（件）", "2023年")
    cells = to_cells(tbl, spec, set())
    assert len(cells) == 4  # the footnote row is dropped
    c = cells.set_index(["label", "year_raw"]).loc[("发明专利授权量（件）", "2023")]
    assert c["value_raw"] == "3" and c["row"] == 4 and c["column"].startswith("E (") and c["unit_raw"] == "件"


def test_missing_sheet_is_named(tmp_path):
    import xlsxwriter

    path = tmp_path / "w.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    wb.add_worksheet("a")
    wb.close()
    with pytest.raises(DataError, match=r"sheet b.*no sheet 'b'"):
        read_tables(path, Source(id="w", file="w.xlsx", sheet="b", layout="wide_years", region="x", variable="gdp"))


@given(st.integers(min_value=0, max_value=20000))
def test_column_letters_are_bijective(i):
    letters = column_letter(i)
    back = 0
    for ch in letters:
        back = back * 26 + (ord(ch) - 64)
    assert back - 1 == i


@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e15, max_value=1e15))
def test_numbers_round_trip(x):
    import pandas as pd

    values, missing, bad = parse_numbers(pd.Series([repr(x), f"{x:,.6f}"]))
    assert not bad.any() and not missing.any()
    assert values[0] == x and math.isclose(values[1], x, rel_tol=1e-9, abs_tol=1e-6)


def test_units():
    assert factor_to_base("亿元", "元") == 1e8 and factor_to_base("（万元）", "元") == 1e4
    assert factor_to_base("万人", "人") == 1e4 and factor_to_base("个", "家") == 1
    with pytest.raises(DataError, match="unit conflict"):
        factor_to_base("万元", "件", variable="patent_grant_total")


# --- bounded reading and exact locations (issue 11) ----------------------------------------
def test_mixed_encoding_names_the_first_bad_row(tmp_path):
    rows = ["地区,2022年"] + [f"南通{i},{i}" for i in range(20)]
    data = "\n".join(rows).encode("utf-8").split(b"\n")
    data[13] = "苏州,1".encode("gbk")
    path = tmp_path / "m.csv"
    path.write_bytes(b"\n".join(data))
    with pytest.raises(DataError, match=r"row 14: the file mixes encodings"):
        detect_encoding(path)


def test_gbk_file_is_not_mixed(tmp_path):
    path = tmp_path / "g.csv"
    path.write_bytes("地区,2022年\n南通市,1\n苏州市,2\n".encode("gbk"))
    assert detect_encoding(path) == "gb18030"


def test_bom_file_with_a_bad_row_names_it(tmp_path):
    path = tmp_path / "b.csv"
    path.write_bytes("\ufeff地区,2022年\n南通市,1\n".encode() + b"\x80,2\n")
    with pytest.raises(DataError, match=r"row 3: .*BOM"):
        detect_encoding(path)


def test_row_length_cap(tmp_path, monkeypatch):
    monkeypatch.setattr(loaders, "MAX_ROW_BYTES", 100)
    path = tmp_path / "r.csv"
    path.write_text("地区,2022年\n南通市,1\n" + "x" * 150 + "\n南通市,2\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"row 3: row is 150 bytes long"):
        loaders.check_row_length(path, "r.csv")
    path.write_text("地区,2022年\n南通市,1\n", encoding="utf-8")
    loaders.check_row_length(path, "r.csv")  # small files pass without a scan


@pytest.mark.parametrize(("sep", "name"), [(";", "semicolon"), ("\t", "tab"), ("|", "vertical bar")])
def test_another_separator_is_named(tmp_path, sep, name):
    path = tmp_path / "t.csv"
    path.write_text(TEXT.replace(",", sep), encoding="utf-8")
    with pytest.raises(DataError, match=rf"row 2: .*{name}-separated; set delimiter: "):
        read_tables(path, Source(**SPEC))
    spec = Source(**{**SPEC, "delimiter": sep})
    assert len(read_tables(path, spec)[0].labels) == 3


def test_delimiter_must_be_one_character():
    from pydantic import ValidationError

    for bad in ("", ";;", '"', "\n"):
        with pytest.raises(ValidationError, match="one character"):
            Source(**{**SPEC, "delimiter": bad})


def _workbook(path, **cells):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["地区", "2022年"])
    ws.append(["南通市", 1])
    for ref, v in cells.items():
        ws[ref] = v
    wb.save(path)
    return path


def test_workbook_caps(tmp_path, monkeypatch):
    spec = Source(id="w", file="w.xlsx", layout="wide_years", region="地区", variable="gdp")
    stray = _workbook(tmp_path / "w.xlsx", XFD1048576=1)
    with pytest.raises(DataError, match=r"sheet1\.xml reaches XFD1048576 \(17,179,869,184 cells\)"):
        read_tables(stray, spec)
    good = _workbook(tmp_path / "g.xlsx")
    assert len(read_tables(good, spec)) == 1
    monkeypatch.setattr(loaders, "MAX_SHEET_BYTES", 100)
    with pytest.raises(DataError, match="inflates to"):
        read_tables(good, spec)


def test_workbook_check_is_cheap_on_a_bomb(tmp_path):
    """A 5 kB workbook with a stray cell fails in well under a second (was: MemoryError)."""
    import time

    path = _workbook(tmp_path / "w.xlsx", XFD1048576=1)
    assert path.stat().st_size < 10_000
    t0 = time.perf_counter()
    with pytest.raises(DataError):
        loaders.check_workbook_size(path, "w.xlsx")
    assert time.perf_counter() - t0 < 1.0
