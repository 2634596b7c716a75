"""Benchmark of maps at each level (not a timed test).

Prints wall and CPU seconds of: the first (cold) national choropleth in a fresh process,
which parses the 34 provincial outlines and lays out the South China Sea inset; the same
map warm (boundaries, projection and label anchors cached); a prefecture map of Jiangsu; a
county map of Nantong; the dense county map of Chongqing (38 units); and the simplified
national GeoJSON for the atlas with its size. Each map is built and saved as PNG at 96 dpi
(the report pages' figures). Target: a national map in about a second or less, warm. Then
the report pages' way (``maps.map_png``): a map drawn once as layers, each further page adding
only its region's outline, another worker reading the layers from the cache folder.

Run: ``.venv/bin/python bench/maps.py``. BLAS threads are pinned to 1 (threadpoolctl) and
printed; the maps barely use BLAS, but the machine is shared.
"""

from __future__ import annotations

import io
import time

import matplotlib

matplotlib.use("Agg")


def _timed(label: str, fn) -> None:
    wall, cpu = time.perf_counter(), time.process_time()
    extra = fn()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(f"{label:<46} {wall:6.2f} s wall {cpu:6.2f} s cpu{extra or ''}")


def main() -> None:
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1, user_api="blas"):
        print("BLAS threads pinned to 1 (threadpoolctl)")
        import numpy as np
        import pandas as pd
        from matplotlib import pyplot as plt

        from ipbench import geo, maps

        def render(values: pd.Series, parent: str | None = None) -> None:
            fig = maps.choropleth(values, parent, title="bench", label="score", show_values=True)
            fig.savefig(io.BytesIO(), format="png", dpi=96)
            plt.close(fig)

        def series(codes) -> pd.Series:
            codes = list(codes)
            return pd.Series(np.linspace(0, 1, len(codes)), index=codes)

        _timed("import + index", lambda: geo._index() is None)
        provinces = [c for c in geo.boundaries("100000")["region_code"] if c not in geo.HK_MO_TW]
        geo.clear_cache()
        _timed("national, cold (parse 34 outlines, layout)", lambda: render(series(provinces)))
        for k in range(3):
            _timed(f"national, warm #{k + 1}", lambda: render(series(provinces)))
        jiangsu = geo.boundaries("320000")["region_code"]
        _timed("prefectures of Jiangsu, cold", lambda: render(series(jiangsu)))
        _timed("prefectures of Jiangsu, warm", lambda: render(series(jiangsu)))
        nantong = geo.boundaries("320600")["region_code"]
        _timed("counties of Nantong, cold", lambda: render(series(nantong)))
        _timed("counties of Nantong, warm", lambda: render(series(nantong)))
        chongqing = geo.boundaries("500000", "county")["region_code"]
        _timed("counties of Chongqing (38), cold", lambda: render(series(chongqing)))
        _timed("counties of Chongqing (38), warm", lambda: render(series(chongqing)))
        _timed("centroids of the 31 provinces (warm)", lambda: geo.centroids(provinces) is None)
        import tempfile

        with tempfile.TemporaryDirectory() as cache:
            values = series(provinces)

            def page(code: str) -> str:
                png = maps.map_png(values, highlight=code, cache=cache, show_values=True)
                return f"  ({len(png) / 1000:.0f} kB PNG)"

            _timed("report page map, first (drawn once, layers)", lambda: page("320000"))
            _timed("report page map, next page (outline only)", lambda: page("440000"))
            maps._memo.clear()
            _timed("report page map, other worker (from disk)", lambda: page("110000"))

        def atlas() -> str:
            size = len(geo.simplified("100000", "province", 0.02).to_json())
            return f"  ({size / 1000:.0f} kB GeoJSON, 34 units)"

        _timed("simplified national outlines, tolerance 0.02°", atlas)


if __name__ == "__main__":
    main()
