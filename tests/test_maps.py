"""Tests for ipbench.maps: boundaries by region code and offline choropleths."""

from __future__ import annotations

import socket
import warnings

import matplotlib as mpl
import numpy as np
import pandas as pd
import pytest

mpl.use("Agg")

from matplotlib import pyplot as plt  # noqa: E402
from shapely.geometry import Point  # noqa: E402

from ipbench import maps  # noqa: E402
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
        maps.choropleth(values)
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
    maps._load.cache_clear()
    maps._index.cache_clear()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig = maps.choropleth(_values(), highlight=["320600", "320100"], title="知识产权 · IP")
        out = tmp_path / "js.png"
        fig.savefig(out, dpi=80)
    missing = [str(w.message) for w in caught if "missing from font" in str(w.message)]
    assert missing == []
    assert out.read_bytes()[:4] == b"\x89PNG"
