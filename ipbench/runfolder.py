"""Run folders: an evaluation's results written once, read by every report.

Layout of ``<project>/data/processed/runs/<name>/<run-id>/``::

    manifest.json        params, params hash, data fingerprint, ipbench version, build log,
                         timings per step, time of the run, demo flag
    tables/<stage>.parquet

The run id is derived from the inputs (``<params-hash[:12]>-<fingerprint[:12]>-<version>``),
so an unchanged rerun finds its folder and does not compute again. A folder is written under a
temporary name and renamed into place when complete, so a half-written run is never read.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ipbench.errors import DataError

MANIFEST = "manifest.json"
TABLES = "tables"
_SAFE = re.compile(r"^[A-Za-z0-9_.+-]+$")


def run_id(params_hash: str, fingerprint: str, version: str) -> str:
    """Folder name for one run: stable for equal inputs, safe as a path component."""
    ver = re.sub(r"[^A-Za-z0-9.]+", "_", version)
    return f"{params_hash[:12]}-{fingerprint[:12]}-{ver}"


@dataclass
class Results:
    """Tables of one evaluation run plus its manifest.

    ``tables`` maps a stage name (``composite``, ``weights``, ``coupling`` …) to a DataFrame;
    ``manifest`` holds the params, hashes, build log and timings. Reports only read these.
    """

    tables: dict[str, pd.DataFrame]
    manifest: dict[str, Any] = field(default_factory=dict)
    path: Path | None = None

    def __getitem__(self, name: str) -> pd.DataFrame:
        try:
            return self.tables[name]
        except KeyError:
            raise KeyError(
                f"no table {name!r} in this run; tables: {sorted(self.tables)}"
            ) from None

    def __contains__(self, name: str) -> bool:
        return name in self.tables

    @property
    def params(self) -> dict[str, Any]:
        return self.manifest.get("params", {})

    @property
    def lang(self) -> str:
        return self.params.get("lang", "zh")

    @property
    def is_demo(self) -> bool:
        return bool(self.manifest.get("demo", False))

    def ranking(self, year: int | None = None) -> pd.DataFrame:
        """Composite scores and ranks in ``year`` (default: the base year), best first."""
        year = year or self.params["scope"]["base_year"]
        comp = self["composite"]
        out = comp[comp["year"] == year].sort_values("rank")
        return out.reset_index(drop=True)

    def summary(self) -> pd.DataFrame:
        """The base-year ranking with sub-indices (a cell shows it by ending with it)."""
        year = self.params["scope"]["base_year"]
        rank = self.ranking(year)
        sub = self["subindices"]
        sub = sub[sub["year"] == year].drop(columns="year")
        return rank.merge(sub, on="region_code", how="left")

    def _repr_html_(self) -> str:
        return self.summary().to_html(index=False, escape=True, float_format="{:.3f}".format)

    # ---------------------------------------------------------------- files

    def write(self, folder: str | Path) -> Path:
        """Write tables and manifest into ``folder`` atomically (temp folder, then rename)."""
        folder = Path(folder)
        folder.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
        try:
            (tmp / TABLES).mkdir()
            for name, df in self.tables.items():
                if not _SAFE.fullmatch(name):
                    raise ValueError(f"unsafe table name {name!r}")
                _to_parquet(df, tmp / TABLES / f"{name}.parquet")
            (tmp / MANIFEST).write_text(
                json.dumps(self.manifest, ensure_ascii=False, indent=1, default=str),
                encoding="utf-8",
            )
            if folder.exists():
                shutil.rmtree(folder)
            os.replace(tmp, folder)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        self.path = folder
        return folder

    @classmethod
    def read(cls, folder: str | Path, tables: list[str] | None = None) -> Results:
        """Read a run folder (all tables, or only ``tables``)."""
        folder = Path(folder)
        manifest_file = folder / MANIFEST
        if not manifest_file.is_file():
            raise DataError(
                "not a complete run folder (manifest.json missing): run"
                " `ipbench run PARAMS` first",
                file=folder,
            )
        manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
        names = tables or sorted(p.stem for p in (folder / TABLES).glob("*.parquet"))
        out = {name: pd.read_parquet(folder / TABLES / f"{name}.parquet") for name in names}
        return cls(out, manifest, folder)


def is_complete(folder: str | Path) -> bool:
    return (Path(folder) / MANIFEST).is_file()


def _to_parquet(df: pd.DataFrame, path: Path) -> None:
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"table {path.stem!r} is a {type(df).__name__}, not a DataFrame")
    flat = df
    if not isinstance(flat.index, pd.RangeIndex) or flat.index.name is not None:
        flat = flat.reset_index()
    flat = flat.copy(deep=False)
    flat.columns = [str(c) for c in flat.columns]
    flat.attrs = {}  # attrs carry in-memory helpers (e.g. record tables), not table content
    flat.to_parquet(path, index=False)
