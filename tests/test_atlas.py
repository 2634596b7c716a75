"""The IP atlas page (ipbench.reports.atlas): payload, offline HTML, size budget, map scope."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest

from ipbench.errors import DataError
from ipbench.reports import atlas
from ipbench.runfolder import Results

PROVINCES = {
    "110000": ("北京市", "Beijing"), "120000": ("天津市", "Tianjin"),
    "130000": ("河北省", "Hebei"), "140000": ("山西省", "Shanxi"),
    "150000": ("内蒙古自治区", "Inner Mongolia"), "210000": ("辽宁省", "Liaoning"),
    "220000": ("吉林省", "Jilin"), "230000": ("黑龙江省", "Heilongjiang"),
    "310000": ("上海市", "Shanghai"), "320000": ("江苏省", "Jiangsu"),
    "330000": ("浙江省", "Zhejiang"), "340000": ("安徽省", "Anhui"),
    "350000": ("福建省", "Fujian"), "360000": ("江西省", "Jiangxi"),
    "370000": ("山东省", "Shandong"), "410000": ("河南省", "Henan"),
    "420000": ("湖北省", "Hubei"), "430000": ("湖南省", "Hunan"),
    "440000": ("广东省", "Guangdong"), "450000": ("广西壮族自治区", "Guangxi"),
    "460000": ("海南省", "Hainan"), "500000": ("重庆市", "Chongqing"),
    "510000": ("四川省", "Sichuan"), "520000": ("贵州省", "Guizhou"),
    "530000": ("云南省", "Yunnan"), "540000": ("西藏自治区", "Tibet"),
    "610000": ("陕西省", "Shaanxi"), "620000": ("甘肃省", "Gansu"),
    "630000": ("青海省", "Qinghai"), "640000": ("宁夏回族自治区", "Ningxia"),
    "650000": ("新疆维吾尔自治区", "Xinjiang"),
}
SUBSYSTEMS = {"creation_potential": ("创造潜力", "Creation potential"),
              "creation_capability": ("创造能力", "Creation capability"),
              "use_capability": ("运用能力", "Use capability"),
              "use_demand": ("运用需求", "Use demand"),
              "quality": ("质量", "Quality"), "protection": ("保护", "Protection"),
              "innovation_resources": ("创新资源", "Innovation resources"),
              "industry_resources": ("产业资源", "Industry resources")}
GRADES_ZH = ["极度失调", "严重失调", "中度失调", "轻度失调", "濒临失调", "勉强协调", "初级协调",
             "中级协调", "良好协调", "优质协调"]
GRADES_EN = ["Extreme imbalance", "Serious imbalance", "Moderate imbalance", "Mild imbalance",
             "On the verge of imbalance", "Barely coordinated", "Primary coordination",
             "Intermediate coordination", "Good coordination", "High-quality coordination"]


def synthetic_results(regions: dict[str, tuple[str, str]], years: range, level: str,
                      parent: str | None, n_indicators: int = 37, seed: int = 0,
                      reference: str | None = None) -> Results:
    """Results with the tables the atlas reads, random but shaped like a real run."""
    rng = np.random.default_rng(seed)
    codes = list(regions)
    idx = pd.MultiIndex.from_product([codes, list(years)], names=["region_code", "year"])
    frame = idx.to_frame(index=False).astype({"region_code": "string"})
    size = pd.Series(rng.lognormal(0, 1, len(codes)), index=codes)
    growth = 1.06 ** (frame["year"] - years[0])
    scale = frame["region_code"].map(size).to_numpy() * growth.to_numpy()
    score = 100 * scale / scale.max() * rng.uniform(0.8, 1.0, len(frame))
    comp = frame.assign(score=score)
    comp["rank"] = comp.groupby("year")["score"].rank(ascending=False, method="min").astype(int)
    sub = frame.copy()
    for s in SUBSYSTEMS:
        sub[s] = np.clip(score * rng.uniform(0.6, 1.2, len(frame)), 0, 100)
    cat_rows, ind = [], frame.copy()
    subs = list(SUBSYSTEMS)
    for k in range(n_indicators):
        code = f"indicator_{k:02d}" if k else "invention_grants"
        s = subs[k % len(subs)]
        cat_rows.append({"code": code, "name_zh": f"指标{k}", "name_en": f"Indicator {k}",
                         "unit": "件" if k % 2 else "%", "direction": -1 if k % 7 == 3 else 1,
                         "subsystem": s, "subsystem_zh": SUBSYSTEMS[s][0],
                         "subsystem_en": SUBSYSTEMS[s][1], "formula": f"x{k} / y{k}",
                         "source": "合成数据 synthetic"})
        ind[code] = scale * rng.lognormal(5, 0.5, len(frame))
    ind.loc[ind.index[:3], "indicator_05"] = np.nan  # some regions without a value
    pairs = {"potential_capability": ("creation_potential", "creation_capability"),
             "ip_industry": ("creation_capability", "industry_resources")}
    cps = []
    for pair, (a, b) in pairs.items():
        u1, u2 = sub[a] / 100, sub[b] / 100
        c = 2 * np.sqrt(u1 * u2) / (u1 + u2)
        d = np.sqrt(c * (u1 + u2) / 2)
        grade = np.clip(np.ceil(d * 10), 1, 10).astype(int)
        cps.append(frame.assign(pair=pair, a=a, b=b, U1=u1, U2=u2, C=c, T=(u1 + u2) / 2, D=d,
                                grade=grade,
                                grade_zh=pd.Categorical([GRADES_ZH[g - 1] for g in grade],
                                                        GRADES_ZH, ordered=True),
                                grade_en=pd.Categorical([GRADES_EN[g - 1] for g in grade],
                                                        GRADES_EN, ordered=True)))
    gy = pd.DataFrame({"year": list(years)})
    gy["ip_lon"] = 114 + 0.1 * np.arange(len(gy))
    gy["ip_lat"] = 32 - 0.05 * np.arange(len(gy))
    gy["industry_lon"] = 113 + 0.05 * np.arange(len(gy))
    gy["industry_lat"] = 33 + 0.02 * np.arange(len(gy))
    gy["distance_km"] = 120.0 - np.arange(len(gy))
    dim = pd.DataFrame({"region_code": codes, "name_zh": [v[0] for v in regions.values()],
                        "name_en": [v[1] for v in regions.values()], "level": level,
                        "parent_code": parent or "100000"}).astype({"region_code": "string"})
    tables = {"composite": comp, "subindices": sub, "indicators": ind,
              "catalogue": pd.DataFrame(cat_rows), "coupling": pd.concat(cps, ignore_index=True),
              "dynamics_gravity": gy, "regions": dim,
              "dynamics_coordinates": pd.DataFrame({"region_code": codes, "lon": 110.0,
                                                    "lat": 30.0})}
    params = {"name": "synth", "lang": "zh",
              "scope": {"regions": codes, "years": {"first": years[0], "last": years[-1]},
                        "base_year": years[-1], "reference": reference},
              "normalization": {"method": "minmax", "scale": 100.0},
              "weighting": {"method": "entropy"}, "aggregation": {"method": "arithmetic"},
              "dynamics": {"ip": "patent_grant_invention", "industry": "value_added"}}
    manifest = {"title": "合成数据 · synthetic", "params": params, "demo": True,
                "run_id": "synthetic", "params_hash": "0" * 12}
    return Results(tables, manifest)


def synthetic_provinces() -> Results:
    """31 provinces × 13 years, 37 indicators: the size case of issue 14."""
    return synthetic_results(PROVINCES, range(2011, 2024), "province", None)


def payload_of(html: str) -> dict:
    return json.loads(re.search(r"id='atlas-data'>(.*?)</script>", html, re.S).group(1))


@pytest.fixture(scope="module")
def provinces_html():  # reads and simplifies the national boundaries: ~20 s
    return atlas.atlas_html(synthetic_provinces())


@pytest.mark.slow
def test_provincial_atlas_fits_the_budget_and_loads_nothing_external(provinces_html):
    html = provinces_html
    assert len(html.encode()) <= atlas.MAX_BYTES
    # the only script file is the shared plotly.min.js beside the page; no URL anywhere
    assert re.findall(r"<script[^>]*\bsrc=['\"]([^'\"]+)", html) == [atlas.PLOTLY_JS]
    assert not re.search(r"https?://", html), re.search(r".{60}https?://.{60}", html)
    assert "<link" not in html and "@import" not in html
    # plotly finds its base map in the page and fetches none from its CDN
    assert "window.PlotlyGeoAssets={topojson:{world_110m:{" in html


@pytest.mark.slow
def test_provincial_payload_has_every_variable_and_the_inset(provinces_html):
    p = payload_of(provinces_html)
    assert p["national"] and p["level"] == "province" and len(p["codes"]) == 31
    assert len(p["years"]) == 13
    ids = {f["id"] for f in p["geo"]["features"]}
    assert set(p["codes"]) <= ids
    assert {"710000", "810000", "820000"} <= set(p["others"])  # drawn grey, outside scope
    keys = [v["key"] for v in p["vars"]]
    assert keys[0] == "composite"
    assert sum(k.startswith("sub:") for k in keys) == 8
    assert sum(k.startswith("ind:") for k in keys) == 37
    assert {"D:potential_capability", "grade:potential_capability", "D:ip_industry",
            "grade:ip_industry"} <= set(keys)
    for v in p["vars"]:
        assert len(v["v"]) == 13 and all(len(row) == 31 for row in v["v"]), v["key"]
    lon, lat = p["line"]
    assert None in lon and min(x for x in lat if x is not None) < 5  # the southern dashes
    assert p["gravity"]["years"] == list(range(2011, 2024))
    # the centres are said to be weighted by a named variable, not by its code
    assert p["gravity"]["ip_var"] == ["发明专利授权量", "Invention patent grants"]


def test_ranks_follow_direction_and_share_ties():
    res = synthetic_results({"320100": ("南京市", "Nanjing"), "320200": ("无锡市", "Wuxi"),
                             "320300": ("徐州市", "Xuzhou")}, range(2020, 2022), "prefecture",
                            "320000", n_indicators=4, reference="320000")
    ind = res.tables["indicators"]
    ind.loc[ind["year"] == 2020, "indicator_03"] = [5.0, 1.0, 1.0]  # a cost indicator, tied
    ind.loc[ind["year"] == 2020, "invention_grants"] = [3.0, 2.0, np.nan]
    variables = {v["key"]: v for v in atlas.atlas_variables(res, [2020, 2021],
                                                            ["320100", "320200", "320300"])}
    cost = variables["ind:indicator_03"]
    assert cost["dir"] == -1
    assert cost["r"][0] == [3, 1, 1]  # lower is better; the tie shares rank 1
    grants = variables["ind:invention_grants"]
    assert grants["v"][0] == [3, 2, None] and grants["r"][0] == [1, 2, None]
    comp = variables["composite"]
    table = res.tables["composite"]
    assert comp["r"][1] == table[table["year"] == 2021]["rank"].tolist()
    # definitions name the methods, never their params keys (issue 10's reading standard)
    assert comp["def"][0] == "加权合成（极差标准化 · 熵值法 · 加权算术平均），标准化尺度 0–100"
    assert "entropy method" in comp["def"][1]
    for v in variables.values():
        assert not any(k in v["def"][0] for k in ("minmax", "entropy", "arithmetic")), v["key"]


def test_grade_carries_band_names_and_ranks_by_d():
    res = synthetic_results({"320100": ("南京市", "Nanjing"), "320200": ("无锡市", "Wuxi")},
                            range(2020, 2021), "prefecture", "320000", n_indicators=2)
    v = {x["key"]: x for x in atlas.atlas_variables(res, [2020], ["320100", "320200"])}
    grade, d = v["grade:ip_industry"], v["D:ip_industry"]
    assert grade["cats"] == [GRADES_ZH, GRADES_EN]
    assert grade["r"] == d["r"]
    assert all(1 <= g <= 10 for g in grade["v"][0])


def test_prefecture_atlas_on_the_demo_shape():
    codes = {f"32{k:02d}00": (f"市{k}", f"City {k}") for k in range(1, 14)}
    res = synthetic_results(codes, range(2016, 2025), "prefecture", "320000", n_indicators=5,
                            reference="320000")
    assert atlas.map_scope(res) == ("320000", "prefecture")
    p = payload_of(atlas.atlas_html(res))
    assert not p["national"] and "line" not in p
    assert {f["id"] for f in p["geo"]["features"]} == set(codes)
    assert p["tolerance"] < 0.01


@pytest.mark.slow
def test_county_atlas_under_a_prefecture():
    from ipbench import maps

    counties = maps.boundaries("320600", "county")
    codes = {c: (n, n) for c, n in zip(counties["region_code"], counties["name"], strict=True)}
    res = synthetic_results(codes, range(2020, 2023), "county", "320600", n_indicators=3)
    assert atlas.map_scope(res) == ("320600", "county")
    p = payload_of(atlas.atlas_html(res))
    assert len(p["geo"]["features"]) == len(codes) and not p["others"]


def test_mixed_levels_are_a_data_error():
    res = synthetic_results({"320100": ("南京市", "Nanjing"), "330000": ("浙江省", "Zhejiang")},
                            range(2020, 2021), "prefecture", "320000", n_indicators=2)
    with pytest.raises(DataError, match="mix administrative levels"):
        atlas.map_scope(res)


def test_write_atlas_copies_plotly_once(tmp_path):
    res = synthetic_results({"320100": ("南京市", "Nanjing"), "320200": ("无锡市", "Wuxi")},
                            range(2020, 2022), "prefecture", "320000", n_indicators=2)
    page = atlas.write_atlas(res, tmp_path)
    js = tmp_path / atlas.PLOTLY_JS
    assert page.name == "atlas.html" and js.is_file()
    assert js.read_bytes() == atlas.plotly_js_path().read_bytes()
    mtime = js.stat().st_mtime_ns
    atlas.write_atlas(res, tmp_path)
    assert js.stat().st_mtime_ns == mtime  # unchanged file not rewritten


def test_script_json_cannot_close_the_script_tag():
    assert "<\\/script>" in atlas._json({"x": "</script>"})
