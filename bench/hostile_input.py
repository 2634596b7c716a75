"""Cost of the hostile-input guards (issue 11): prints timings, asserts nothing.

    .venv/bin/python bench/hostile_input.py
"""

from __future__ import annotations

import io
import tempfile
import time
from pathlib import Path

import openpyxl
import yaml

from ipbench import yamlio
from ipbench.data import loaders
from ipbench.errors import DataError

ROOT = Path(__file__).resolve().parents[1]
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def best(fn, n: int = 5) -> float:
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    for rel in ("params/demo.yaml", "params/indicators/default.yaml", "data/variables.yaml", "data/sources.yaml"):
        path = ROOT / rel
        text = path.read_text(encoding="utf-8")
        plain = best(lambda text=text: yaml.load(text, Loader=_Loader))
        safe = best(lambda path=path: yamlio.load_yaml(path))
        print(f"{rel:36s} {len(text):>7,} B  plain {plain * 1e3:6.2f} ms  yamlio {safe * 1e3:6.2f} ms")

    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]
    bomb = "\n".join(lines)
    t0 = time.perf_counter()
    try:
        yamlio.parse_text(bomb, "bomb.yaml")
    except yamlio.YamlError:
        pass
    print(f"alias bomb (9 x 9 levels, {len(bomb)} B) rejected in {(time.perf_counter() - t0) * 1e3:.2f} ms")

    with tempfile.TemporaryDirectory() as tmp:
        csv = Path(tmp) / "big.csv"
        row = "南通市,2022," + ",".join(str(i) for i in range(20)) + "\n"
        csv.write_text("地区,年份," + ",".join(f"v{i}" for i in range(20)) + "\n" + row * 1_000_000, encoding="utf-8")
        size = csv.stat().st_size
        t = best(lambda: loaders.check_row_length(csv, "big.csv"), 3)
        print(f"row-length check on a {size / 2**20:.0f} MiB CSV: {t * 1e3:.0f} ms")

        wb = openpyxl.Workbook()
        ws = wb.active
        for r in range(20_000):
            ws.append([f"r{r}", 2022, *range(10)])
        xlsx = Path(tmp) / "big.xlsx"
        wb.save(xlsx)
        t = best(lambda: loaders.check_workbook_size(xlsx, "big.xlsx"), 3)
        print(f"workbook check on {xlsx.stat().st_size / 2**20:.1f} MiB XLSX (240k cells): {t * 1e3:.0f} ms")

        wb = openpyxl.Workbook()
        wb.active["A1"] = "x"
        wb.active["XFD1048576"] = 1
        buf = io.BytesIO()
        wb.save(buf)
        stray = Path(tmp) / "stray.xlsx"
        stray.write_bytes(buf.getvalue())
        t0 = time.perf_counter()
        try:
            loaders.check_workbook_size(stray, "stray.xlsx")
        except DataError:
            pass
        print(f"stray cell at XFD1048576 ({stray.stat().st_size:,} B) rejected in {(time.perf_counter() - t0) * 1e3:.1f} ms")


if __name__ == "__main__":
    main()
