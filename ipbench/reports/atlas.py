"""The interactive IP atlas (知识产权地理信息系统): one offline HTML page per suite.

A choropleth of the scope's regions where the reader picks the composite, a sub-index, an
indicator, or a matching pair's coupling coordination degree D or its grade, and the year
(slider with play). Hovering shows the name, the value with its unit and the rank (ties are
called ties); clicking a region opens its report (``regions/<code>.html``); ``atlas.html#<code>``
opens the atlas on that region (outlined, with its figures beside the map). The centres of
gravity of IP and industry (``dynamics_gravity``) are drawn with their trajectories.

Offline: the page loads only ``plotly.min.js`` written once per suite beside it from the
installed ``plotly`` wheel (:func:`write_plotly_js`); boundaries are simplified
(:func:`ipbench.maps.simplified`: shared borders stay shared) and embedded as GeoJSON; the CJK font is the page's own subset (``webfont``). Plotly's geo subplot
asks for a base-map topojson from its CDN whenever a choropleth is drawn (plotly.js issue 6767);
the page predefines ``window.PlotlyGeoAssets`` with an empty topology so nothing is fetched.

The national (province-level) map shows the 34 provincial units (Hong Kong, Macau and Taiwan
grey when outside the evaluation) with the South China Sea islands as an inset (a second geo
subplot) and the maritime boundary line (:func:`ipbench.geo.nine_dash_line`).
"""

from __future__ import annotations

import json
import math
import re
import shutil
from html import escape
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ipbench.errors import DataError
from ipbench.reports.labels import bilingual_pair

PAGE = "atlas.html"
PLOTLY_JS = "plotly.min.js"
#: page budget (bytes, without the shared plotly.min.js); a bigger page fails loudly
MAX_BYTES = 1_000_000
#: geo subplot ranges of the national map (degrees) and its South China Sea inset
NATIONAL_RANGE = {"lon": [73.0, 135.5], "lat": [17.5, 54.0]}
INSET_RANGE = {"lon": [106.0, 123.0], "lat": [2.5, 24.0]}
_CODE = re.compile(r"^\d{6}$")
#: the base-map name plotly's geo subplot looks up (scope "world", resolution 110) and the
#: empty topology given under it, so that plotly.js never fetches one from its CDN
TOPOJSON_NAME = "world_110m"
_EMPTY_TOPOLOGY = '{type:"Topology",objects:{},arcs:[]}'

#: page texts (中文, English); shown bilingual
TEXT: dict[str, tuple[str, str]] = {
    "atlas": ("知识产权地理信息系统", "IP atlas"),
    "atlas_region": ("在知识产权地理信息系统中查看本地区", "This region in the IP atlas"),
    "variable": ("指标", "Indicator"),
    "year": ("年份", "Year"),
    "play": ("播放", "Play"),
    "pause": ("暂停", "Pause"),
    "gravity": ("重心轨迹", "Centres of gravity"),
    "composite": ("综合得分", "Composite score"),
    "subindices": ("子系统得分", "Sub-indices"),
    "indicators": ("指标值", "Indicators"),
    "matching": ("匹配度（耦合协调）", "Matching (coupling coordination)"),
    "rank": ("排名", "rank"),
    "tie": ("并列", "tie"),
    "no_data": ("无数据", "no data"),
    "outside": ("不在评价范围", "outside the evaluation"),
    "open_report": ("点击地区打开其报告", "Click a region to open its report"),
    "ip_centre": ("知识产权重心", "IP centre of gravity"),
    "industry_centre": ("产业重心", "Industry centre of gravity"),
    "distance": ("两重心距离", "distance between the centres"),
    "inset": ("南海诸岛", "South China Sea islands"),
    "same_scale": ("各年同一色阶", "same colour scale in every year"),
    "higher_better": ("越高越好", "higher is better"),
    "lower_better": ("越低越好", "lower is better"),
    "index_unit": ("分", "points"),
    "selected": ("所选地区", "Selected region"),
    "region_report": ("打开地区报告", "Open the region report"),
    "back_index": ("返回目录", "Back to the index"),
    "definition": ("定义", "Definition"),
    "grade_def": ("协调等级：按 D 分十级（田深圳等 2021，地理学报 76(4)）",
                  "Grade: ten bands of D (Tian et al. 2021, Acta Geographica Sinica 76(4))"),
    "d_def": ("D = √(C·T)，C = 2√(U₁U₂)/(U₁+U₂)，T = αU₁+βU₂（王淑佳等 2021，自然资源学报 36(3)）",
              "D = √(C·T), C = 2√(U₁U₂)/(U₁+U₂), T = αU₁+βU₂ (Wang et al. 2021, J. Nat. Resour. 36(3))"),
    "gravity_def_ip": ("重心 = Σ zᵢ·(经度ᵢ, 纬度ᵢ) / Σ zᵢ，zᵢ 为地区 i 的 {ip}，坐标为各地区的形心；"
                       "本次评价无产业变量，只有知识产权重心（李恒吉等，干旱区地理）",
                       "Centre = Σ zᵢ·(lonᵢ, latᵢ) / Σ zᵢ with zᵢ = region i's {ip}, at each"
                       " region's centroid; this run has no industry variable, so only the IP"
                       " centre is shown (Li Hengji et al., Arid Land Geography)"),
    "gravity_def": ("重心 = Σ zᵢ·(经度ᵢ, 纬度ᵢ) / Σ zᵢ，zᵢ 为地区 i 的 {ip}（知识产权）或 {ind}（产业），"
                    "坐标为各地区的形心（李恒吉等，干旱区地理）",
                    "Centre = Σ zᵢ·(lonᵢ, latᵢ) / Σ zᵢ with zᵢ = region i's {ip} (IP) or {ind}"
                    " (industry), at each region's centroid (Li Hengji et al., Arid Land Geography)"),
}


def _t(key: str, lang: str = "zh") -> str:
    return bilingual_pair(*TEXT[key], lang=lang)


# ---------------------------------------------------------------------------- scope and shapes


def map_scope(res: Any) -> tuple[str | None, str]:
    """(parent code, level) of the atlas map: the scope regions' one level
    (:func:`ipbench.geo.scope_level`) and their common parent (:func:`ipbench.geo.parent_of`);
    parent None for provinces (the national map)."""
    from ipbench import geo
    from ipbench.errors import InputError

    codes = [str(c) for c in res.params["scope"]["regions"]]
    try:
        level = geo.scope_level(codes)
        parent = geo.parent_of(codes)
    except InputError as exc:
        raise DataError(f"atlas map of scope.regions: {exc}", column="region_code") from exc
    return (None if parent == geo.NATIONAL_CODE else parent), level


def auto_tolerance(bounds: tuple[float, float, float, float]) -> float:
    """Simplification tolerance (degrees): 1/1500 of the extent's diagonal (≈ half a pixel on
    a 750-pixel map), e.g. ≈ 0.05° for China, ≈ 0.004° for Jiangsu."""
    x0, y0, x1, y1 = bounds
    return math.hypot(x1 - x0, y1 - y0) / 1500


def simplified_shapes(parent: str | None, level: str, tolerance: float | None = None,
                      decimals: int | None = None) -> tuple[Any, float, int]:
    """Boundaries of the map simplified for the web (:func:`ipbench.maps.simplified`: shared
    borders simplified once, specks dropped, the South China Sea islands kept) at ``tolerance``
    degrees (default :func:`auto_tolerance` of the map's extent), coordinates rounded to
    ``decimals`` (default: the tolerance's order of magnitude, at least 2 ≈ 1 km).
    Returns (GeoDataFrame, tolerance, decimals)."""
    from ipbench import maps

    tol = tolerance or auto_tolerance(tuple(maps.boundaries(parent, level).total_bounds))
    digits = decimals or (max(2, min(5, math.ceil(-math.log10(tol)))) if tol > 0 else 4)
    return maps.simplified(parent, level, tol, digits=digits), tol, digits


def _round_coords(coords: Any, decimals: int) -> list:
    arr = np.round(np.asarray(coords, dtype=float)[:, :2], decimals)
    # drop consecutive duplicates that rounding created (rings stay closed)
    keep = np.ones(len(arr), dtype=bool)
    keep[1:] = np.any(arr[1:] != arr[:-1], axis=1)
    arr = arr[keep]
    out = arr.tolist()
    if decimals <= 0:
        return [[int(x), int(y)] for x, y in out]
    return out


def _polygon(poly: Any, decimals: int) -> list | None:
    """Rings of ``poly`` with the exterior clockwise, as d3-geo (plotly's geo) needs: a
    counter-clockwise exterior is read as the whole globe minus the region."""
    from shapely.geometry.polygon import orient

    poly = orient(poly, sign=-1.0)
    rings = [_round_coords(poly.exterior.coords, decimals)]
    if len(rings[0]) < 4:
        return None
    for hole in poly.interiors:
        r = _round_coords(hole.coords, decimals)
        if len(r) >= 4:
            rings.append(r)
    return rings


def to_geojson(frame: Any, decimals: int) -> dict[str, Any]:
    """FeatureCollection with ``id`` = region code and coordinates rounded to ``decimals``."""
    feats = []
    for code, geom in zip(frame["region_code"], frame.geometry, strict=True):
        polys = [p for p in (_polygon(g, decimals) for g in getattr(geom, "geoms", [geom])) if p]
        if not polys:
            continue
        feats.append({"type": "Feature", "id": str(code), "properties": {},
                      "geometry": {"type": "MultiPolygon", "coordinates": polys}})
    return {"type": "FeatureCollection", "features": feats}


def maritime_line(decimals: int = 2) -> tuple[list, list]:
    """China's maritime boundary line (:func:`ipbench.geo.nine_dash_line`) as lon/lat lists
    with ``None`` between the dashes (plotly's gap convention)."""
    from ipbench import geo

    line = geo.nine_dash_line()
    lon: list = []
    lat: list = []
    for part in getattr(line, "geoms", [line]):
        xy = np.round(np.asarray(part.coords)[:, :2], decimals)
        lon += [*xy[:, 0].tolist(), None]
        lat += [*xy[:, 1].tolist(), None]
    return lon, lat


# ---------------------------------------------------------------------------- values


def _sig(values: Any, digits: int = 5) -> list:
    """Values rounded to ``digits`` significant digits; NaN → None (JSON null)."""
    out = []
    for v in np.asarray(values, dtype=float):
        if not np.isfinite(v):
            out.append(None)
        elif v == 0:
            out.append(0)
        else:
            r = round(float(v), digits - 1 - int(math.floor(math.log10(abs(v)))))
            out.append(int(r) if r == int(r) and abs(r) < 1e15 else r)
    return out


def _ranks(wide: pd.DataFrame, direction: int) -> pd.DataFrame:
    """Rank 1 = best in each year (row), ties sharing the lowest rank (``method="min"``)."""
    return wide.rank(axis=1, ascending=direction < 0, method="min")


def _series(table: pd.DataFrame, column: str, years: list[int], codes: list[str],
            rank: pd.DataFrame | None = None, direction: int = 1) -> dict[str, list]:
    wide = (table.astype({"region_code": str}).pivot_table(index="year", columns="region_code",
                                                           values=column, aggfunc="first")
            .reindex(index=years, columns=codes))
    ranks = rank if rank is not None else _ranks(wide, direction)
    return {"v": [_sig(wide.loc[y]) for y in years],
            "r": [[None if pd.isna(x) else int(x) for x in ranks.loc[y]] for y in years]}


def _names(res: Any, codes: list[str]) -> dict[str, list[str]]:
    dim = res["regions"].astype({"region_code": str}).set_index("region_code")
    zh = [str(dim["name_zh"].get(c, c)) for c in codes]
    en = [str(dim["name_en"].get(c, c)) if "name_en" in dim else c for c in codes]
    return {"zh": zh, "en": en}


def _method(p: dict[str, Any], lang: str = "zh") -> str:
    """Normalisation · weighting · aggregation by name (e.g. 极差标准化 · 熵值法 · 加权算术平均)."""
    from ipbench.reports.views.base import _method_name

    n, w, a = p.get("normalization", {}), p.get("weighting", {}), p.get("aggregation", {})
    ahp = " + " + _method_name("ahp", lang) if w.get("ahp") else ""
    return (f"{_method_name(str(n.get('method')), lang)} · "
            f"{_method_name(str(w.get('method')), lang)}{ahp} · "
            f"{_method_name(str(a.get('method')), lang)}")


def atlas_variables(res: Any, years: list[int], codes: list[str]) -> list[dict[str, Any]]:
    """Every variable the atlas offers, with its values and ranks per year (rows) and region.

    Each entry: ``key``, ``group``, ``zh``/``en`` names, ``unit``, ``dir`` (+1 higher is
    better, −1 lower), ``def`` (definition and source, zh/en), ``v`` and ``r`` (years ×
    regions), and for grades ``cats`` (the band names)."""
    p = res.params
    scale = p.get("normalization", {}).get("scale")
    unit = TEXT["index_unit"]
    out: list[dict[str, Any]] = []
    method, method_en = _method(p), _method(p, "en")
    if "composite" in res:
        comp = res["composite"].astype({"region_code": str})
        rank = (comp.pivot_table(index="year", columns="region_code", values="rank",
                                 aggfunc="first").reindex(index=years, columns=codes))
        zh, en = TEXT["composite"]
        out.append({"key": "composite", "group": "composite", "zh": zh, "en": en,
                    "unit": list(unit), "dir": 1,
                    "def": [f"加权合成（{method}），标准化尺度 0–{scale:g}" if scale else method,
                            f"weighted aggregate ({method_en}), normalised scale 0–{scale:g}"
                            if scale else method_en],
                    **_series(comp, "score", years, codes, rank)})
    cat = res["catalogue"] if "catalogue" in res else pd.DataFrame()
    sub_names = {}
    if not cat.empty:
        for row in cat.drop_duplicates("subsystem").itertuples():
            sub_names[str(row.subsystem)] = (str(row.subsystem_zh), str(row.subsystem_en))
    if "subindices" in res:
        sub = res["subindices"]
        for col in [c for c in sub.columns if c not in ("region_code", "year")]:
            zh, en = sub_names.get(col, (col, col))
            out.append({"key": f"sub:{col}", "group": "subindices", "zh": zh, "en": en,
                        "unit": list(unit), "dir": 1,
                        "def": [f"子系统内指标的加权合成（{method}）",
                                f"weighted aggregate of the subsystem's indicators ({method_en})"],
                        **_series(sub, col, years, codes)})
    if "indicators" in res and not cat.empty:
        ind = res["indicators"]
        for row in cat.itertuples():
            if row.code not in ind.columns:
                continue
            direction = int(row.direction) if pd.notna(row.direction) else 1
            source = "" if pd.isna(row.source) else str(row.source)
            formula = "" if pd.isna(row.formula) else str(row.formula)
            out.append({"key": f"ind:{row.code}", "group": "indicators", "zh": str(row.name_zh),
                        "en": str(row.name_en), "unit": [str(row.unit), str(row.unit)],
                        "dir": direction,
                        "def": [f"{formula}；{source}".strip("；"), f"{formula}; {source}".strip("; ")],
                        **_series(ind, row.code, years, codes, direction=direction)})
    if "coupling" in res:
        cp = res["coupling"].astype({"region_code": str})
        for pair, c in cp.groupby("pair", sort=False):
            a, b = str(c["a"].iloc[0]), str(c["b"].iloc[0])
            an, bn = sub_names.get(a, (a, a)), sub_names.get(b, (b, b))
            zh, en = f"{an[0]} ↔ {bn[0]}", f"{an[1]} ↔ {bn[1]}"
            out.append({"key": f"D:{pair}", "group": "matching", "zh": f"{zh}：D（0–1）",
                        "en": f"{en}: D (0–1)", "unit": ["", ""], "dir": 1,
                        "def": list(TEXT["d_def"]), **_series(c, "D", years, codes)})
            grades = _grades(c)
            if grades is None:
                continue
            c, cats = grades
            out.append({"key": f"grade:{pair}", "group": "matching", "zh": f"{zh}：协调等级",
                        "en": f"{en}: grade", "unit": ["", ""], "dir": 1,
                        "def": list(TEXT["grade_def"]), "v": _series(c, "grade", years, codes)["v"],
                        "r": _series(c, "D", years, codes)["r"], "cats": cats})
    return out


def _grades(c: pd.DataFrame) -> tuple[pd.DataFrame, list[list[str]]] | None:
    """Grade numbers (1 = lowest band) and the band names [zh, en] of one pair's rows: from the
    ordered categories of ``grade_zh``/``grade_en`` (or a ``grade`` column with plain names);
    None when the table has no grades."""
    if "grade_zh" not in c:
        return None
    zh, en = c["grade_zh"], c["grade_en"] if "grade_en" in c else c["grade_zh"]
    if isinstance(zh.dtype, pd.CategoricalDtype):
        cats_zh = [str(x) for x in zh.cat.categories]
        cats_en = ([str(x) for x in en.cat.categories]
                   if isinstance(en.dtype, pd.CategoricalDtype) else cats_zh)
        number = pd.Series(zh.cat.codes, index=c.index).astype(float) + 1
        number[zh.isna()] = np.nan
    elif "grade" in c:
        bands = c.dropna(subset=["grade"]).drop_duplicates("grade").sort_values("grade")
        top = int(bands["grade"].max())
        by_no = dict(zip(bands["grade"].astype(int), zip(bands["grade_zh"], bands["grade_en"]
                                                          if "grade_en" in bands else bands["grade_zh"],
                                                          strict=True), strict=True))
        cats_zh = [str(by_no.get(k, (k, k))[0]) for k in range(1, top + 1)]
        cats_en = [str(by_no.get(k, (k, k))[1]) for k in range(1, top + 1)]
        number = c["grade"].astype(float)
    else:
        return None
    return c.assign(grade=number), [cats_zh, cats_en]


def gravity(res: Any) -> dict[str, Any] | None:
    """Centres of gravity per year (``dynamics_gravity``) and what weighted them. The IP centre
    is ``ip_lon``/``ip_lat`` (or ``lon``/``lat`` when the run has no industry variable); the
    industry centre and the distance are None when the run has none."""
    if "dynamics_gravity" not in res:
        return None
    g = res["dynamics_gravity"].sort_values("year")
    ip = ("ip_lon", "ip_lat") if "ip_lon" in g else ("lon", "lat")
    if not set(ip) <= set(g.columns) or g.empty:
        return None
    has_ind = {"industry_lon", "industry_lat"} <= set(g.columns)
    dyn = res.params.get("dynamics", {}) or {}
    return {"years": g["year"].astype(int).tolist(),
            "ip": [_sig(g[ip[0]], 6), _sig(g[ip[1]], 6)],
            "ind": [_sig(g["industry_lon"], 6), _sig(g["industry_lat"], 6)] if has_ind else None,
            "km": _sig(g["distance_km"], 4) if "distance_km" in g else None,
            "ip_var": _variable_names(dyn.get("ip") or "patent_grant_invention"),
            "ind_var": _variable_names(dyn.get("industry") or "value_added") if has_ind else None}


def _variable_names(code: str) -> list[str]:
    """[中文, English] name of a facts variable (data/variables.yaml), the code when unknown:
    the page names what weighted the centres, not the variable's code."""
    from ipbench.reports.views.base import _variables

    v = _variables().get(str(code))
    return [v[0], v[1]] if v else [str(code), str(code)]


# ---------------------------------------------------------------------------- page


def atlas_payload(res: Any, tolerance: float | None = None) -> dict[str, Any]:
    """Everything the page's script needs, as one JSON-able dict."""
    parent, level = map_scope(res)
    codes = [str(c) for c in res.params["scope"]["regions"]]
    for c in codes:
        if not _CODE.fullmatch(c):
            raise DataError(f"scope region {c!r} is not a 6-digit code", column="region_code")
    comp = res["composite"]
    years = sorted(int(y) for y in comp["year"].unique())
    shapes, tol, decimals = simplified_shapes(parent, level, tolerance)
    geo = to_geojson(shapes, decimals)
    drawn = {f["id"] for f in geo["features"]}
    missing = [c for c in codes if c not in drawn]
    if missing:
        raise DataError(f"no {level}-level boundary for scope region(s) {missing} under"
                        f" {parent or 'the whole country'} (ipbench.maps)", column="region_code")
    all_names = dict(zip(shapes["region_code"].astype(str), shapes["name"].astype(str),
                         strict=True))
    names = _names(res, codes)
    payload: dict[str, Any] = {
        "lang": res.lang, "level": level, "parent": parent, "years": years,
        "base_year": int(res.params["scope"].get("base_year") or years[-1]),
        "codes": codes, "names": names,
        "others": {c: all_names.get(c, c) for c in sorted(drawn - set(codes))},
        "vars": atlas_variables(res, years, codes),
        "gravity": gravity(res), "geo": geo, "tolerance": tol,
        "national": parent is None,
        "texts": {k: list(v) for k, v in TEXT.items()},
    }
    if parent is None:
        payload["line"] = maritime_line(decimals)
        payload["ranges"] = {"main": NATIONAL_RANGE, "inset": INSET_RANGE}
    return payload


def _json(obj: Any) -> str:
    """JSON safe inside ``<script>`` (no ``</`` sequence)."""
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")


def atlas_html(res: Any, title: str | None = None, tolerance: float | None = None,
               index_href: str = "index.html") -> str:
    """The atlas page (HTML text) of a run's results."""
    from ipbench.reports.provenance import demo_banner_html, provenance_html
    from ipbench.reports.style import CSS, FONT_STACK
    from ipbench.reports.webfont import font_face_css

    lang = res.lang
    payload = atlas_payload(res, tolerance)
    payload["font"] = FONT_STACK
    title = title or f"{res.manifest.get('title', '')} · {_t('atlas', lang)}"
    body = (
        f"<p><a href='{escape(index_href)}'>{escape(_t('back_index', lang))}</a></p>"
        f"<h1>{escape(title)}</h1>{demo_banner_html() if res.is_demo else ''}"
        "<div id='atlas-controls'>"
        f"<label>{escape(_t('variable', lang))} <select id='atlas-var'></select></label> "
        f"<label>{escape(_t('year', lang))} <input id='atlas-year' type='range' step='1'>"
        "</label> <output id='atlas-year-out'></output> "
        f"<button id='atlas-play' type='button'>{escape(_t('play', lang))}</button> "
        f"<label><input id='atlas-gravity' type='checkbox' checked> {escape(_t('gravity', lang))}"
        "</label></div>"
        "<p id='atlas-def' class='atlas-note'></p>"
        "<div id='atlas-map' style='width:100%;height:660px'></div>"
        f"<p class='atlas-note'>{escape(_t('open_report', lang))}</p>"
        "<div id='atlas-selected'></div><p id='atlas-gravity-def' class='atlas-note'></p>"
        + provenance_html(res.manifest, lang)
    )
    css = CSS + ("#atlas-controls{display:flex;flex-wrap:wrap;gap:8px;align-items:center;"
                 "margin:8px 0}#atlas-var{max-width:520px}.atlas-note{font-size:13px;color:#444}"
                 "#atlas-selected table{margin-top:6px}select,button,input{font-family:inherit}")
    data = _json(payload)
    chars = "".join(sorted({ch for ch in body + data + title if ord(ch) > 126}))
    font = font_face_css(chars) if any("\u2e80" <= ch <= "\u9fff" for ch in chars) else ""
    return (
        f"<!DOCTYPE html><html lang='{'en' if lang == 'en' else 'zh-CN'}'><head>"
        "<meta charset='utf-8'><meta name='viewport' content='width=device-width'>"
        f"<title>{escape(title)}</title><style>{css}</style><style id='ipbench-font'>{font}</style>"
        # plotly's geo subplot fetches a base-map topojson from its CDN unless one is present
        f"<script>window.PlotlyGeoAssets={{topojson:{{{TOPOJSON_NAME}:{_EMPTY_TOPOLOGY}}}}};</script>"
        f"<script src='{PLOTLY_JS}'></script></head><body><main>{body}</main>"
        f"<script type='application/json' id='atlas-data'>{data}</script>"
        f"<script>{_SCRIPT}</script></body></html>"
    )


def plotly_js_path() -> Path:
    """plotly.min.js as shipped inside the installed plotly wheel."""
    import plotly

    path = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    if not path.is_file():
        raise DataError("plotly.min.js missing from the plotly package: reinstall plotly",
                        file=path)
    return path


def write_plotly_js(folder: str | Path) -> Path:
    """Copy plotly.min.js beside the suite's pages (only when absent or different)."""
    src = plotly_js_path()
    dest = Path(folder) / PLOTLY_JS
    if not dest.is_file() or dest.stat().st_size != src.stat().st_size or (
            dest.read_bytes() != src.read_bytes()):
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = dest.with_name(f".{PLOTLY_JS}.tmp")
        shutil.copyfile(src, tmp)
        tmp.replace(dest)
    return dest


def write_atlas(res: Any, folder: str | Path, title: str | None = None,
                tolerance: float | None = None) -> Path:
    """Write ``<folder>/atlas.html`` and ``<folder>/plotly.min.js``; returns the page path.

    Raises :class:`DataError` when the page exceeds :data:`MAX_BYTES` (pass a larger
    ``tolerance`` to simplify the boundaries more)."""
    from ipbench.atomic import write_atomic

    html = atlas_html(res, title, tolerance)
    size = len(html.encode("utf-8"))
    page = Path(folder) / PAGE
    if size > MAX_BYTES:
        raise DataError(f"atlas page is {size:,} bytes, over the {MAX_BYTES:,}-byte budget;"
                        " simplify more (tolerance)", file=page)
    write_plotly_js(folder)
    write_atomic(page, html)
    return page


def write_suite_atlas(run_dir: str | Path, out_root: str | Path, key: str,
                      force: bool = False) -> tuple[str | None, str]:
    """The runner's call: write the suite's atlas unless ``.cache/atlas.json`` holds ``key``
    (run id and renderer hash) and the page exists. Returns (href of the page or None,
    error message or ""); a failure writes ``logs/atlas.log`` (the traceback) and does not
    stop the suite."""
    import traceback

    from ipbench.atomic import write_atomic
    from ipbench.runfolder import Results

    out_root = Path(out_root)
    page, cache = out_root / PAGE, out_root / ".cache" / "atlas.json"
    log = out_root / "logs" / "atlas.log"
    if (not force and page.is_file() and (out_root / PLOTLY_JS).is_file() and cache.is_file()
            and json.loads(cache.read_text(encoding="utf-8")).get("key") == key):
        return PAGE, ""
    try:
        write_atlas(Results.read(run_dir), out_root)
    except Exception as exc:  # the atlas failing must not stop the index
        log.parent.mkdir(parents=True, exist_ok=True)
        log.write_text(traceback.format_exc(), encoding="utf-8")
        cache.unlink(missing_ok=True)
        return (PAGE if page.is_file() else None), f"{type(exc).__name__}: {exc}"[:2000]
    write_atomic(cache, json.dumps({"key": key}))
    log.unlink(missing_ok=True)
    return PAGE, ""


def region_link(code: str, up: str = "../") -> str:
    """Href of the atlas opened on ``code`` from a page ``up`` below the suite folder."""
    return f"{up}{PAGE}#{code}"


def atlas_link_html(href: str, lang: str = "zh", text: str = "atlas") -> str:
    """A paragraph linking the atlas (for the index, ``text="atlas"``, and the region
    reports, ``text="atlas_region"``)."""
    return (f"<p class='ipbench-atlas-link'><a href='{escape(href)}'>"
            f"{escape(TEXT[text][1 if lang == 'en' else 0])}</a></p>")


_SCRIPT = r"""
(function () {
  const A = JSON.parse(document.getElementById('atlas-data').textContent);
  const L = A.lang === 'en' ? 1 : 0;
  const T = k => { const t = A.texts[k]; return t[0] === t[1] ? t[0] : (L ? t[1] + ' / ' + t[0] : t[0] + ' / ' + t[1]); };
  const name = i => A.names[L ? 'en' : 'zh'][i];
  const gd = document.getElementById('atlas-map');
  const sel = document.getElementById('atlas-var');
  const slider = document.getElementById('atlas-year');
  const yearOut = document.getElementById('atlas-year-out');
  const play = document.getElementById('atlas-play');
  const gravBox = document.getElementById('atlas-gravity');
  const byKey = {};
  const groups = {};
  A.vars.forEach(v => { byKey[v.key] = v; (groups[v.group] = groups[v.group] || []).push(v); });
  ['composite', 'subindices', 'indicators', 'matching'].forEach(g => {
    if (!groups[g]) return;
    const og = document.createElement('optgroup');
    og.label = T(g);
    groups[g].forEach(v => {
      const o = document.createElement('option');
      o.value = v.key;
      o.textContent = (L ? v.en : v.zh) + (v.unit[L] ? ' (' + v.unit[L] + ')' : '');
      og.appendChild(o);
    });
    sel.appendChild(og);
  });
  slider.min = 0; slider.max = A.years.length - 1;
  slider.value = Math.max(0, A.years.indexOf(A.base_year));
  const state = { key: A.vars[0].key, yi: +slider.value, hash: null };

  function fmt(x) {
    if (x === null || x === undefined) return T('no_data');
    const r = Number(Number(x).toPrecision(4));
    return r.toLocaleString('en-US', { maximumFractionDigits: 6 });
  }
  function cell(v, yi, i) {
    const x = v.v[yi][i];
    if (x === null) return { x: null, text: T('no_data'), rank: '' };
    const rank = v.r[yi][i];
    const n = v.v[yi].filter(y => y !== null).length;
    const tie = v.r[yi].filter(r => r === rank).length > 1;
    let text;
    if (v.cats) text = v.cats[L][x - 1] + ' (' + x + '/' + v.cats[0].length + ')';
    else text = fmt(x) + (v.unit[L] ? ' ' + v.unit[L] : '');
    const rt = (L ? 'rank ' : '排名 ') + rank + '/' + n + (tie ? ' (' + T('tie') + ')' : '');
    return { x: x, text: text, rank: rt };
  }
  function range(v) {
    let lo = Infinity, hi = -Infinity;
    v.v.forEach(row => row.forEach(x => { if (x !== null) { lo = Math.min(lo, x); hi = Math.max(hi, x); } }));
    if (v.cats) return [0.5, v.cats[0].length + 0.5];
    if (!isFinite(lo)) return [0, 1];
    if (lo === hi) { const d = Math.abs(lo) || 1; return [lo - d / 2, hi + d / 2]; }
    return [lo, hi];
  }
  const GRADES = ['#a50026', '#d73027', '#f46d43', '#fdae61', '#fee08b', '#d9ef8b', '#a6d96a', '#66bd63', '#1a9850', '#006837'];
  function gradeScale(n) {
    const s = [];
    for (let k = 0; k < n; k++) {
      const c = GRADES[Math.round(k * (GRADES.length - 1) / Math.max(1, n - 1))];
      s.push([k / n, c], [(k + 1) / n, c]);
    }
    return s;
  }
  function valueTrace(geo) {
    const v = byKey[state.key], yi = state.yi;
    const loc = [], z = [], cd = [];
    A.codes.forEach((c, i) => {
      const k = cell(v, yi, i);
      if (k.x === null) return;
      loc.push(c); z.push(k.x); cd.push([name(i), k.text, k.rank, c]);
    });
    const [zmin, zmax] = range(v);
    const bar = { title: { text: (L ? v.en : v.zh).replace(/(.{12})/g, '$1<br>') + (v.unit[L] ? '<br>(' + v.unit[L] + ')' : ''), font: { size: 11 } },
                  x: 1, xanchor: 'right', y: 0.98, yanchor: 'top', len: 0.6, thickness: 14 };
    if (v.cats) { bar.tickvals = v.cats[0].map((_, k) => k + 1); bar.ticktext = v.cats[L]; }
    return { type: 'choropleth', name: 'values', geo: geo, geojson: A.geo, featureidkey: 'id',
             locations: loc, z: z, customdata: cd, zmin: zmin, zmax: zmax, zauto: false,
             colorscale: v.cats ? gradeScale(v.cats[0].length) : 'YlOrRd', reversescale: !v.cats,  // plotly's YlOrRd runs dark to light
             showscale: geo === 'geo', colorbar: bar,
             // the region the page was opened on (#code) gets a thick dark outline
             marker: { line: { color: loc.map(c => c === state.hash ? '#08306b' : '#ffffff'),
                               width: loc.map(c => c === state.hash ? 3 : 0.6) } },
             hovertemplate: '<b>%{customdata[0]}</b><br>%{customdata[1]}<br>%{customdata[2]}<extra>' + A.years[yi] + '</extra>' };
  }
  function baseTrace(geo) {
    // regions without a value this year, and regions outside the evaluation, in grey
    const v = byKey[state.key], yi = state.yi;
    const loc = [], cd = [];
    A.codes.forEach((c, i) => { if (v.v[yi][i] === null) { loc.push(c); cd.push([name(i), T('no_data')]); } });
    Object.entries(A.others).forEach(([c, n]) => { loc.push(c); cd.push([n, T('outside')]); });
    return { type: 'choropleth', name: 'base', geo: geo, geojson: A.geo, featureidkey: 'id',
             locations: loc, z: loc.map(() => 0), customdata: cd, showscale: false,
             colorscale: [[0, '#d9d9d9'], [1, '#d9d9d9']], zmin: 0, zmax: 1,
             marker: { line: { color: '#9a9a9a', width: 0.5 } },
             hovertemplate: '%{customdata[0]}<br>%{customdata[1]}<extra></extra>' };
  }
  function gravityTraces() {
    const g = A.gravity;
    if (!g) return [];
    const yi = g.years.indexOf(A.years[state.yi]);
    const on = gravBox.checked;
    const yrs = g.years.map(String);
    const path = (xy, colour, label, sym) => ({
      type: 'scattergeo', geo: 'geo', mode: 'lines+markers', lon: xy[0], lat: xy[1], text: yrs,
      name: label, visible: on, line: { color: colour, width: 2 },
      marker: { size: 5, color: colour, symbol: sym },
      hovertemplate: label + ' %{text}<br>%{lon:.2f}°E, %{lat:.2f}°N<extra></extra>' });
    const out = [path(g.ip, '#b2182b', T('ip_centre'), 'circle')];
    if (g.ind) out.push(path(g.ind, '#2166ac', T('industry_centre'), 'square'));
    if (yi >= 0) {
      const centres = [[g.ip, '#b2182b', 'circle', T('ip_centre')]];
      if (g.ind) centres.push([g.ind, '#2166ac', 'square', T('industry_centre')]);
      const dist = g.km ? '<br>' + T('distance') + ' ' + fmt(g.km[yi]) + ' km' : '';
      out.push({ type: 'scattergeo', geo: 'geo', mode: 'markers', showlegend: false, visible: on,
                 lon: centres.map(c => c[0][0][yi]), lat: centres.map(c => c[0][1][yi]),
                 marker: { size: 13, color: centres.map(c => c[1]), symbol: centres.map(c => c[2]),
                           line: { color: '#fff', width: 1.5 } },
                 text: centres.map(c => c[3]),
                 hovertemplate: '%{text} ' + g.years[yi] + '<br>%{lon:.2f}°E, %{lat:.2f}°N' + dist +
                   '<extra></extra>' });
    }
    return out;
  }
  function lineTraces() {
    if (!A.line) return [];
    const t = geo => ({ type: 'scattergeo', geo: geo, mode: 'lines', lon: A.line[0], lat: A.line[1],
                        line: { color: '#4d4d4d', width: 1.2 }, hoverinfo: 'skip', showlegend: false });
    return [t('geo2')];  // in the inset: the main map ends above the South China Sea
  }
  function traces() {
    const out = [baseTrace('geo'), valueTrace('geo')];
    if (A.national) out.push(baseTrace('geo2'), valueTrace('geo2'));
    return out.concat(lineTraces(), gravityTraces());
  }
  function layout() {
    const geo = { visible: false, scope: 'world', resolution: 110, projection: { type: 'mercator' },
                  bgcolor: 'rgba(0,0,0,0)' };
    const lay = { margin: { l: 0, r: 10, t: 10, b: 0 }, dragmode: 'pan', showlegend: !!A.gravity,
                  legend: { x: 0, y: 0, bgcolor: 'rgba(255,255,255,0.8)' },
                  font: { family: A.font }, hoverlabel: { font: { family: A.font } } };
    if (A.national) {
      lay.geo = Object.assign({}, geo, { domain: { x: [0, 1], y: [0, 1] },
        lonaxis: { range: A.ranges.main.lon }, lataxis: { range: A.ranges.main.lat } });
      lay.geo2 = Object.assign({}, geo, { domain: { x: [0.80, 0.97], y: [0.02, 0.34] },
        lonaxis: { range: A.ranges.inset.lon }, lataxis: { range: A.ranges.inset.lat } });
      lay.shapes = [{ type: 'rect', xref: 'paper', yref: 'paper', x0: 0.80, x1: 0.97, y0: 0.02, y1: 0.34,
                      line: { color: '#666', width: 1 } }];
      lay.annotations = [{ xref: 'paper', yref: 'paper', x: 0.885, y: 0.02, yanchor: 'bottom',
                           text: T('inset'), showarrow: false, font: { size: 10 } }];
    } else {
      lay.geo = Object.assign({}, geo, { fitbounds: 'locations' });
    }
    return lay;
  }
  function describe() {
    const v = byKey[state.key];
    const dir = v.cats ? '' : ' · ' + T(v.dir < 0 ? 'lower_better' : 'higher_better');
    document.getElementById('atlas-def').textContent =
      (L ? v.en : v.zh) + (v.unit[L] ? ' (' + v.unit[L] + ')' : '') + dir + ' · ' + T('same_scale') +
      (v.def[L] ? ' · ' + T('definition') + ': ' + v.def[L] : '');
    yearOut.textContent = A.years[state.yi];
    const box = document.getElementById('atlas-selected');
    const i = A.codes.indexOf(state.hash);
    if (i < 0) { box.innerHTML = ''; return; }
    const k = cell(v, state.yi, i);
    box.innerHTML = '';
    const h = document.createElement('h3');
    h.textContent = T('selected') + ': ' + name(i) + ' (' + state.hash + ')';
    const p = document.createElement('p');
    p.textContent = A.years[state.yi] + ' · ' + (L ? v.en : v.zh) + ': ' + k.text + (k.rank ? ' · ' + k.rank : '');
    const a = document.createElement('a');
    a.href = 'regions/' + state.hash + '.html';
    a.textContent = T('region_report');
    box.append(h, p, a);
  }
  function draw() {
    describe();
    return Plotly.react(gd, traces(), layout(), { responsive: true, displaylogo: false,
                                                  scrollZoom: true, modeBarButtonsToRemove: ['select2d', 'lasso2d'] });
  }
  function readHash() {
    const m = /^#(\d{6})$/.exec(location.hash);
    state.hash = m && A.codes.includes(m[1]) ? m[1] : null;
  }
  sel.addEventListener('change', () => { state.key = sel.value; draw(); });
  slider.addEventListener('input', () => { state.yi = +slider.value; draw(); });
  gravBox.addEventListener('change', draw);
  window.addEventListener('hashchange', () => { readHash(); draw(); });
  let timer = null;
  play.addEventListener('click', () => {
    if (timer) { clearInterval(timer); timer = null; play.textContent = T('play'); return; }
    play.textContent = T('pause');
    timer = setInterval(() => {
      state.yi = (state.yi + 1) % A.years.length; slider.value = state.yi; draw();
      if (state.yi === A.years.length - 1) { clearInterval(timer); timer = null; play.textContent = T('play'); }
    }, 900);
  });
  if (A.gravity) {
    document.getElementById('atlas-gravity-def').textContent =
      T('gravity') + ': ' + A.texts[A.gravity.ind_var ? 'gravity_def' : 'gravity_def_ip'][L]
        .replace('{ip}', A.gravity.ip_var[L]).replace('{ind}', A.gravity.ind_var ? A.gravity.ind_var[L] : '');
  } else {
    gravBox.parentNode.style.display = 'none';
  }
  readHash();
  sel.value = state.key;
  if (A.national) gd.style.height = Math.min(900, Math.max(480, Math.round(gd.clientWidth * 0.78))) + 'px';
  // plotly measures legend and colour-bar texts when it draws: wait for the embedded font
  const fontsReady = document.fonts && document.fonts.ready ? document.fonts.ready : Promise.resolve();
  fontsReady.then(draw).then(() => {
    gd.on('plotly_click', ev => {
      const p = ev.points && ev.points[0];
      const code = p && p.location;
      if (code && A.codes.includes(code)) location.href = 'regions/' + code + '.html';
    });
    gd.setAttribute('data-ready', '1');
  });
})();
"""
