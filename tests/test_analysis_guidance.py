"""Tests of ipbench.analysis.guidance: quadrant assignment on a tiny table, Excel round trip."""

from __future__ import annotations

import openpyxl
import pandas as pd
import pytest

from ipbench.analysis.guidance import (
    HEADERS,
    describe_guidance,
    guidance_catalogue,
    write_catalogue_xlsx,
)
from ipbench.errors import InputError

IP = pd.Series({"新材料": 1.6, "生物医药": 1.4, "纺织": 0.6, "建筑": 0.5, "船舶": 1.02})
IND = pd.Series({"新材料": 1.3, "生物医药": 0.7, "纺织": 1.8, "建筑": 0.8, "船舶": 1.5})


def test_quadrants_by_hand():
    c = guidance_catalogue(IP, IND)
    q = c["quadrant"].to_dict()
    # IP ≥ 1 & industry ≥ 1 → advantaged; IP ≥ 1 & industry < 1 → potential;
    # IP < 1 & industry ≥ 1 → weak link; both < 1 → ordinary
    assert q == {"新材料": "advantaged", "船舶": "advantaged", "生物医药": "potential",
                 "纺织": "weak_link", "建筑": "ordinary"}
    assert c.loc["纺织", "type_zh"] == "短板型" and c.loc["纺织", "type_en"] == "Weak link"
    assert c.loc["生物医药", "type_zh"] == "潜力型"
    assert c.loc["新材料", "direction_zh"].startswith("巩固提升")
    # sorted: advantaged first, IP advantage descending within a quadrant
    assert list(c.index) == ["新材料", "船舶", "生物医药", "纺织", "建筑"]
    assert (c["decided_by"] == "level").all()


def test_growth_breaks_ties_near_the_cut():
    # 船舶 IP LQ 1.02 is within 5 % of the cut: a falling IP growth puts it below → weak link
    g = pd.Series({"新材料": 0.1, "生物医药": 0.1, "纺织": 0.1, "建筑": 0.1, "船舶": -0.03})
    c = guidance_catalogue(IP, IND, ip_growth=g)
    assert c.loc["船舶", "quadrant"] == "weak_link"
    assert c.loc["船舶", "decided_by"] == "growth: ip"
    assert c.loc["新材料", "decided_by"] == "level"
    # growing → stays above
    c2 = guidance_catalogue(IP, IND, ip_growth=g.replace(-0.03, 0.2))
    assert c2.loc["船舶", "quadrant"] == "advantaged"
    # with tolerance 0 growth only breaks exact ties
    assert guidance_catalogue(IP, IND, ip_growth=g, tolerance=0.0).loc["船舶", "quadrant"] == "advantaged"


def test_mean_cut():
    # mean IP = (1.6+1.4+0.6+0.5+1.02)/5 = 1.024 → 船舶 (1.02) falls below; mean industry 1.22
    c = guidance_catalogue(IP, IND, ip_cut="mean", industry_cut="mean")
    assert c.attrs["cuts"]["ip_cut"] == pytest.approx(1.024)
    assert c.loc["船舶", "quadrant"] == "weak_link"
    assert c.loc["新材料", "quadrant"] == "advantaged"
    with pytest.raises(InputError, match="'mean' or 'median'"):
        guidance_catalogue(IP, IND, ip_cut="max")


def test_describe_guidance():
    s = describe_guidance(guidance_catalogue(IP, IND))
    assert s.zh == "导向目录：优势型2个，潜力型1个，短板型1个，一般型1个；优势型包括新材料、船舶；需补齐知识产权短板的有纺织。"
    assert s.en.startswith("Guidance catalogue: 2 advantaged, 1 potential, 1 weak link, 1 ordinary")


def test_workbook_round_trip_keeps_chinese(tmp_path):
    g = pd.Series(0.1, index=IP.index)
    c = guidance_catalogue(IP, IND, ip_growth=g, names={"新材料": ("新材料产业", "new materials")})
    path = write_catalogue_xlsx(c, tmp_path / "导向目录.xlsx", demo=True)
    assert path.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["导向目录.xlsx"]  # no temp file left behind
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["导向目录 Catalogue", "说明 Notes"]
    ws = wb["导向目录 Catalogue"]
    header = [cell.value for cell in ws[1]]
    assert header[0] == "单元 Unit"
    assert "类型 Type (中文)" in header and "推荐方向（中文）" in header
    assert HEADERS["ip_advantage"] in header
    col = header.index("类型 Type (中文)")
    assert [row[col] for row in ws.iter_rows(min_row=2, values_only=True)] == ["优势型", "优势型", "潜力型", "短板型", "一般型"]
    assert ws.cell(row=2, column=1).value == "新材料"
    assert ws.cell(row=2, column=2).value == "新材料产业"
    notes = [r[0] for r in wb["说明 Notes"].iter_rows(min_row=2, values_only=True)]
    assert "示例数据 · demo data, not official statistics" in notes
    assert "ip_cut = 1" in notes


def test_workbook_errors(tmp_path):
    c = guidance_catalogue(IP, IND)
    with pytest.raises(InputError, match=".xlsx"):
        write_catalogue_xlsx(c, tmp_path / "x.csv")
    with pytest.raises(InputError, match="does not exist"):
        write_catalogue_xlsx(c, tmp_path / "missing" / "x.xlsx")
    with pytest.raises(InputError, match="without a bilingual header"):
        write_catalogue_xlsx(c.assign(extra=1), tmp_path / "x.xlsx")
