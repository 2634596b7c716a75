"""Benchmark: build a store from 1 million long rows (target ≤ 5 s) and report peak memory.

Generates a long CSV (region code, industry, year, variable, unit, value) in a temporary
project, then times ``ipbench.data.build`` end to end (read with pyarrow, validate, write to
DuckDB, atomic swap). Peak memory is the process's maximum resident set size
(``resource.getrusage``), which covers pandas, Arrow and DuckDB allocations alike.

Run: ``python bench/data.py [--rows 1000000]``.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

REPO = Path(__file__).resolve().parents[1]


def make_project(root: Path, rows: int, seed: int = 1) -> None:
    (root / "data" / "raw").mkdir(parents=True)
    (root / "pyproject.toml").write_text('[tool.ipbench]\nname = "bench"\n', encoding="utf-8")
    for name in ("variables.yaml", "industries.yaml"):
        shutil.copy(REPO / "data" / name, root / "data" / name)
    from ipbench.data.regions import national_code_table

    codes = national_code_table()["region_code"].to_numpy()
    variables = ["patent_grant_total", "patent_grant_invention", "value_added", "employment", "firms"]
    units = {"value_added": "万元", "employment": "人"}
    industries = ["ALL", "MARINE", "TEXTILE", "SMART_EQUIP", "NEW_MATERIAL", "NEW_ENERGY", "ELECTRONICS", "BIOMED", "AUTO"]
    years = np.arange(2000, 2025)
    # unique keys: region × industry × year × variable, first `rows` of a shuffled grid
    n_reg = int(np.ceil(rows / (len(industries) * len(years) * len(variables))))
    grid = pd.MultiIndex.from_product([codes[:n_reg], industries, years, variables]).to_frame(index=False)
    grid.columns = ["region", "industry", "year", "variable"]
    grid = grid.iloc[:rows]
    rng = np.random.default_rng(seed)
    grid["unit"] = grid["variable"].map(lambda v: units.get(v, "件" if v.startswith("patent") else "家"))
    grid["value"] = rng.integers(0, 100000, len(grid))
    grid.to_csv(root / "data" / "raw" / "long.csv", index=False)
    spec = {"id": "big", "file": "long.csv", "layout": "long", "region": "region", "industry_column": "industry",
            "year": "year", "variable_column": "variable", "unit_column": "unit", "value": "value",
            "variables": {v: v for v in variables}}
    (root / "data" / "sources.yaml").write_text(yaml.safe_dump({"sources": [spec]}), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    from ipbench.data import Store, build
    from ipbench.data.regions import RegionIndex
    from ipbench.project import Project

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        t0 = time.perf_counter()
        make_project(root, args.rows)
        size = (root / "data" / "raw" / "long.csv").stat().st_size
        print(f"generated {args.rows:,} rows ({size / 1e6:.1f} MB CSV) in {time.perf_counter() - t0:.1f} s")
        RegionIndex.default()  # code table load (once per process, cached) is not part of the build
        rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        t0 = time.perf_counter()
        result = build(Project(root), force=True)
        elapsed = time.perf_counter() - t0
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        scale = 1024 if sys.platform != "darwin" else 1024 * 1024  # ru_maxrss: KiB on Linux, bytes on macOS
        print(f"build: {result.facts:,} facts in {elapsed:.2f} s (target ≤ 5 s)")
        print(f"peak RSS: {peak / scale:.0f} MiB (before build {rss0 / scale:.0f} MiB)")
        t0 = time.perf_counter()
        f = Store.open(Project(root)).facts(variables=["value_added"])
        print(f"read back {len(f):,} facts of one variable in {time.perf_counter() - t0:.2f} s")


if __name__ == "__main__":
    main()
