"""The landscape view (ipbench/reports/views/landscape.py) on synthetic step tables: every section
shows its rows; a table the step did not make shows the ``skipped`` note; region pages show the
region's applicants."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from ipbench.reports.kinds import KINDS
from ipbench.reports.views.landscape import LandscapeView, no_mathtext
from ipbench.reports.views.region import RegionView
from ipbench.runfolder import Results

REGIONS = ["320100", "320500", "320600"]
YEARS = [2020, 2021, 2022, 2023]
IND = "MARINE"
SECTIONS = ("summary", "trends", "technology", "life_cycle", "applicants", "regions", "status",
            "events", "origins", "methods")


def _frame() -> dict[str, pd.DataFrame]:
    regions = pd.DataFrame({"region_code": [*REGIONS, "320000"],
                            "name_zh": ["南京市", "苏州市", "南通市", "江苏省"],
                            "name_en": ["Nanjing", "Suzhou", "Nantong", "Jiangsu"],
                            "level": ["prefecture"] * 3 + ["province"],
                            "parent_code": ["320000"] * 3 + [None]})
    industries = pd.DataFrame({"industry_code": ["ALL", IND], "name_zh": ["全部行业", "海洋工程装备"],
                               "name_en": ["All industries", "Marine equipment"]})
    catalogue = pd.DataFrame({"code": ["x"], "name_zh": ["x"], "name_en": ["x"], "subsystem": ["s"],
                              "subsystem_zh": ["s"], "subsystem_en": ["s"], "unit": ["件"]})
    return {"regions": regions, "industries": industries, "catalogue": catalogue,
            "weights": pd.DataFrame({"method": ["entropy"]}),
            "skipped": pd.DataFrame(columns=["step", "part", "key", "missing", "reason_zh",
                                             "reason_en", "how"])}


def _landscape(foreign: bool = True, events: tuple[str, ...] = ("patent_transfer", "patent_licence",
                                                                  "patent_pledge")) -> dict[str, pd.DataFrame]:
    rows = []
    for kind, base in (("app", 100.0), ("grant", 40.0)):
        for i, y in enumerate(YEARS):
            rows.append({"region_code": "ALL", "industry_code": IND, "year": y, "kind": kind,
                         "invention": base + i, "utility": 2 * base + i, "design": 0.0,
                         "total": 3 * base + 2 * i})
    trends = pd.DataFrame(rows)
    ipc = pd.DataFrame({
        "region_code": "ALL", "industry_code": IND,
        "level": ["ipc_subclass", "ipc_subclass", "ipc_group", "ipc_group"],
        "code": ["B63B", "E21B", "B63B35", "E21B43"], "applications": [700.0, 300.0, 400.0, 300.0],
        "share_first": [0.6, 0.4, 0.3, 0.4], "share_second": [0.8, 0.2, 0.5, 0.2],
        "shift_pp": [20.0, -20.0, 20.0, -20.0]})
    life = pd.DataFrame({"region_code": "ALL", "industry_code": IND, "year": YEARS,
                         "applications": [300.0, 310.0, 330.0, 360.0], "applicants": [50, 55, 61, 64]})
    dist = pd.DataFrame({"industry_code": IND, "region_code": REGIONS,
                         "applications": [500.0, 500.0, 250.0], "share": [0.4, 0.4, 0.2]})
    status = pd.DataFrame({"region_code": "ALL", "industry_code": IND,
                           "ptype": ["invention", "invention", "utility"],
                           "status_class": ["in_force", "lapsed", "in_force"],
                           "patents": [60.0, 40.0, 200.0], "share": [0.6, 0.4, 1.0]})
    ev = pd.DataFrame({"region_code": "ALL", "industry_code": IND, "year": YEARS})
    for i, v in enumerate(events):
        ev[v] = [float(i + j) for j in range(len(YEARS))]
    top = pd.DataFrame({"region_code": ["ALL", "ALL", "320600"], "industry_code": [IND, IND, "ALL"],
                        "rank": [1, 1, 1], "applicant": ["南通船舶有限公司", "南通大学", "南通大学"],
                        "applicant_type": ["enterprise", "university", "university"],
                        "type_zh_en": ["企业 / enterprise", "高校 / university or college",
                                       "高校 / university or college"],
                        "applications": [90.0, 90.0, 75.0], "grants": [30.0, 20.0, 40.0],
                        "share": [0.072, 0.072, 0.25], "growth": [0.5, None, 0.1]})
    mix = pd.DataFrame({"region_code": ["ALL", "320600"], "industry_code": [IND, "ALL"],
                        "applicant_type": ["enterprise", "university"],
                        "type_zh_en": ["企业 / enterprise", "高校 / university or college"],
                        "applications": [1000.0, 300.0], "share": [1.0, 1.0],
                        "co_share": [0.1, 0.2], "iur_share": [0.05, 0.2]})
    conc = pd.DataFrame({"region_code": ["ALL", "320600"], "industry_code": [IND, "ALL"],
                         "applicants": [230, 80], "CR4": [0.3, 0.5], "CR8": [0.4, 0.7],
                         "HHI": [321.0, 900.0]})
    origins = pd.DataFrame({"industry_code": IND, "origin": ["CN", "JP", "TW"] if foreign else ["CN"],
                            "applications": [950.0, 40.0, 10.0] if foreign else [1000.0],
                            "share": [0.95, 0.04, 0.01] if foreign else [1.0]})
    provinces = pd.DataFrame({"industry_code": IND, "province": ["440000", "320000"],
                              "applications": [600.0, 350.0], "share": [600 / 950, 350 / 950],
                              "rank": [1, 2], "is_region": [False, True]})
    otr = pd.DataFrame({"industry_code": IND, "year": [2020, 2020, 2021],
                        "origin": ["CN", "JP", "CN"], "applications": [99.0, 1.0, 100.0],
                        "share": [0.99, 0.01, 1.0]})
    return {"landscape_trends": trends, "landscape_ipc": ipc, "landscape_life_cycle": life,
            "landscape_distribution": dist, "landscape_status": status, "landscape_events": ev,
            "landscape_top_applicants": top, "landscape_type_mix": mix,
            "landscape_concentration": conc, "landscape_origins": origins,
            "landscape_provinces": provinces, "landscape_origin_trends": otr}


def _results(tables: dict[str, pd.DataFrame], lang: str = "zh") -> Results:
    params = {"lang": lang, "scope": {"regions": REGIONS, "industries": [IND],
                                      "years": {"first": YEARS[0], "last": YEARS[-1]},
                                      "base_year": YEARS[-1], "reference": "320000"},
              "normalization": {"method": "minmax"}, "aggregation": {"method": "arithmetic"}}
    manifest = {"params": params, "title": "合成", "demo": True, "params_file": "params/x.yaml",
                "created": "2024-01-01T00:00:00+00:00"}
    return Results({**_frame(), **tables}, manifest)


def _visible(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", re.sub(r"<img[^>]*>", "", html)))


def _page(res: Results) -> dict[str, str]:
    v = LandscapeView(res, IND)
    return {m: str(getattr(v, m)()) for m in ("header", "contents", *SECTIONS)}


@pytest.fixture(scope="module")
def page() -> dict[str, str]:
    return _page(_results(_landscape()))


def test_kind_entry():
    k = KINDS["landscape"]
    assert str(k.output(IND)) == "landscape/MARINE.html"
    assert k.view_class() is LandscapeView and k.notebook == "landscape.ipynb"


def test_every_section_shows_its_rows(page):
    text = {k: _visible(v) for k, v in page.items()}
    assert "海洋工程装备 · 专利导航 · 产业" in text["header"]
    assert "2023年，评价范围内本产业专利申请306件，其中发明专利103件；授权126件" in text["summary"]
    assert "南京市、苏州市（并列），各占评价范围的40.0%" in text["summary"]  # a tie is a tie
    assert "B63B，2022–2023年占80.0%" in text["summary"]
    assert "发明申请（件）" in text["trends"] and "306" in text["trends"]
    assert "外观设计专利采用洛迦诺分类" in text["trends"]
    assert "2020–2021年占比（%）" in text["technology"] and "20.00" in text["technology"]
    assert "B63B 35/00" in text["technology"]  # main groups, written the IPC way
    assert "Ernst 1997" in text["life_cycle"] and "64" in text["life_cycle"]
    assert "南通船舶有限公司" in text["applicants"] and "高校" in text["applicants"]
    assert "321" in text["applicants"]  # HHI
    assert "苏州市" in text["regions"] and "data:image/png" in page["regions"]  # the map
    assert "有效" in text["status"] and "60.0" in text["status"]
    assert "转让（次）" in text["events"] and "质押（项）" in text["events"]
    assert "日本" in text["origins"] and "中国台湾" in text["origins"]
    assert "ipbench-highlight" in page["origins"] and "江苏省" in text["origins"]
    assert "Hirschman" in text["methods"] and "2020–2021年" in text["methods"]


def test_numbering_is_continuous(page):
    html = "".join(page.values())
    tables = [int(n) for n in re.findall(r"<figcaption>表(\d+) ", html)]
    figures = [int(n) for n in re.findall(r"<figcaption>图(\d+) ", html)]
    assert tables == list(range(1, len(tables) + 1)) and len(tables) >= 12
    assert figures == list(range(1, len(figures) + 1)) and len(figures) >= 6


def test_missing_origin_years_are_zero_not_missing(page):
    # TW has no row in the trends: no applications from there that year
    m = re.search(r"<tr><td class='n'>2020</td><td class='n'>1.0</td><td class='n'>([^<]*)</td>",
                  page["origins"])
    assert m and m.group(1) == "0.0"


def test_skipped_sections_show_the_note():
    res = _results({})
    res.tables["skipped"] = pd.DataFrame([{
        "step": "landscape", "part": "", "key": "", "missing": "patent records",
        "reason_zh": "数据中没有专利著录项目数据", "reason_en": "no patent records in the store",
        "how": "add a patent_records source to data/sources.yaml"}])
    page = _page(res)
    for key in ("summary", "trends", "technology", "life_cycle", "applicants", "regions",
                "status", "events", "origins"):
        text = _visible(page[key])
        assert "数据中没有专利著录项目数据" in text, key
        assert "在数据集的 sources.yaml 中加载专利著录数据" in text, key  # the hint, in the page's language


def test_no_foreign_and_absent_event_columns_are_said():
    page = _page(_results(_landscape(foreign=False, events=("patent_transfer",))))
    assert "没有境外或港澳台申请人" in _visible(page["origins"])
    events = _visible(page["events"])
    assert "许可、质押的日期列" in events and "不是“0次”" in events
    assert "许可（次）" not in events


def test_english_page():
    page = _page(_results(_landscape(), lang="en"))
    text = _visible("".join(page.values()))
    assert "Marine equipment · Patent landscape" in text
    assert "Japan" in text and "Taiwan, China" in text and "university or college" in text


def test_region_page_shows_applicants_and_type_mix():
    v = RegionView(_results(_landscape()), "320600")
    text = _visible(str(v.applicants()))
    assert "南通市主要申请人" in text and "南通大学" in text
    assert "南通市申请人类型构成" in text and "南通船舶有限公司" not in text
    assert "ls_applicants" in v.SECTIONS


def test_labels_from_data_are_not_mathtext():
    from ipbench.reports.views.base import new_figure

    fig = new_figure()
    ax = fig.add_subplot()
    ax.set_xticks([0], ["$x$ Co."])
    no_mathtext(fig)
    assert not any(t.get_parse_math() for t in ax.get_xticklabels())


def test_a_tiny_negative_shift_is_not_minus_zero():
    tables = _landscape()
    tables["landscape_ipc"].loc[1, "shift_pp"] = -0.001
    html = str(LandscapeView(_results(tables), IND).technology())
    assert "-0.00" not in html and "<td class='n'>0.00</td>" in html
