"""Read API of the DuckDB store, for the evaluation layer and the CLI.

>>> store = Store.open()                       # project found from the current folder
>>> store.facts(variables=["gdp"], regions=["南通"], years=range(2020, 2025))

Reads open a short read-only connection per call (DuckDB → Arrow → pandas), so a rebuild can
swap the file at any time.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from ipbench.data import schema
from ipbench.data.regions import RegionIndex
from ipbench.errors import DataError
from ipbench.project import Project

DEMO_NOTICE = "示例数据 · demo data, not official statistics"
REAL_NOTICE = "真实数据 · real data"


def _to_pandas(con: duckdb.DuckDBPyConnection, sql: str, params: list) -> pd.DataFrame:
    """DuckDB → Arrow → pandas (``to_arrow_table`` in duckdb ≥ 1.4, ``arrow`` before)."""
    rel = con.sql(sql, params=params) if params else con.sql(sql)
    fetch = getattr(rel, "to_arrow_table", None) or rel.arrow
    return fetch().to_pandas()


def _as_list(x: object) -> list | None:
    if x is None:
        return None
    if isinstance(x, (str, int)):
        return [x]
    return list(x)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Store:
    """The built store of one project."""

    path: Path

    @classmethod
    def open(cls, project: Project | str | Path | None = None) -> Store:
        """Store of ``project`` (a Project, its root folder, or None = found from the cwd)."""
        if project is None:
            project = Project.find()
        elif not isinstance(project, Project):
            project = Project(Path(project))
        path = project.store
        if not path.is_file():
            raise DataError("no data store yet: run `ipbench data build` in the project", file=path)
        con = duckdb.connect(str(path), read_only=True)
        try:
            if not schema.is_current(con):
                raise DataError("store has an old layout: run `ipbench data build --force`", file=path)
        finally:
            con.close()
        return cls(path)

    def _query(self, sql: str, params: list | None = None) -> pd.DataFrame:
        con = duckdb.connect(str(self.path), read_only=True)
        try:
            return _to_pandas(con, sql, params or [])
        finally:
            con.close()

    # ------------------------------------------------------------------ dimensions
    def regions(self) -> pd.DataFrame:
        """``region_code, name_zh, name_en, level, parent_code``."""
        return self._query("SELECT * FROM regions ORDER BY region_code")

    def industries(self) -> pd.DataFrame:
        return self._query("SELECT * FROM industries ORDER BY level, industry_code")

    def variables(self) -> pd.DataFrame:
        return self._query('SELECT * FROM variables ORDER BY "group", variable')

    def sources(self) -> pd.DataFrame:
        """``id, file, sha256, spec_hash, demo, loaded_at, rows``."""
        return self._query("SELECT * FROM sources ORDER BY id")

    def region_index(self) -> RegionIndex:
        return RegionIndex.from_frames(self.regions(), self._query("SELECT * FROM region_aliases"))

    def resolve_regions(self, regions: Iterable[object]) -> list[str]:
        """Codes for names or codes (南通, 320600, 海门市 …); ``DataError`` with suggestions."""
        index = self.region_index()
        return [index.resolve(r) for r in regions]

    # ------------------------------------------------------------------ facts
    def facts(
        self,
        variables: Iterable[str] | str | None = None,
        regions: Iterable[object] | str | None = None,
        industries: Iterable[str] | str | None = None,
        years: Iterable[int] | int | None = None,
    ) -> pd.DataFrame:
        """Long facts (``region_code, industry_code, year, variable, value, unit, source``).

        Filters are optional; regions may be names or codes. An unknown variable is an error.
        """
        where, params = [], []
        if (vs := _as_list(variables)) is not None:
            known = set(self._query("SELECT variable FROM variables")["variable"])
            unknown = [v for v in vs if v not in known]
            if unknown:
                raise DataError(f"unknown variable(s) {unknown}: see data/variables.yaml", value=unknown[0])
            where.append("list_contains(?, variable)")
            params.append(vs)
        if (rs := _as_list(regions)) is not None:
            where.append("list_contains(?, region_code)")
            params.append(self.resolve_regions(rs))
        if (ins := _as_list(industries)) is not None:
            where.append("list_contains(?, industry_code)")
            params.append([str(i) for i in ins])
        if (ys := _as_list(years)) is not None:
            where.append("list_contains(?, year)")
            params.append([int(y) for y in ys])
        sql = "SELECT * FROM facts" + (" WHERE " + " AND ".join(where) if where else "")
        sql += " ORDER BY variable, region_code, industry_code, year"
        return self._query(sql, params)

    # ------------------------------------------------------------------ provenance
    def fingerprint(self) -> str:
        """SHA-256 over the vocabulary files and every source's file hash and spec hash."""
        return str(self._query("SELECT value FROM meta WHERE key = 'fingerprint'")["value"].iloc[0])

    @property
    def is_demo(self) -> bool:
        """True when any loaded source is demo data (outputs must then show :data:`DEMO_NOTICE`)."""
        return bool(self._query("SELECT coalesce(bool_or(demo), false) AS d FROM sources")["d"].iloc[0])

    @property
    def notice(self) -> str | None:
        return DEMO_NOTICE if self.is_demo else None

    def table(self, name: str) -> pd.DataFrame | None:
        """An extra table of the store (e.g. the patent records' applicant-level aggregates,
        :data:`ipbench.patents.tables.TABLES`), or None when the store has no such table."""
        known = set(self._query("SELECT table_name FROM information_schema.tables")["table_name"])
        if name not in known:
            return None
        return self._query(f'SELECT * FROM "{name}"')

    @property
    def data_note(self) -> str | None:
        """For a store of real data, the line reports show instead of the demo banner:
        ``真实数据 · real data — 来源 source: <description of each source>`` (the
        ``description`` keys of the data set's ``sources.yaml``, beside the store). None for
        demo data, or when no source has a description."""
        if self.is_demo:
            return None
        from ipbench.data.sources import load_sources

        path = self.path.parent / "sources.yaml"
        try:
            specs = load_sources(path).sources
        except DataError:
            return None
        loaded = set(self.sources()["id"])
        texts = [" ".join(s.description.split()) for s in specs if s.id in loaded and s.description]
        if not texts:
            return None
        return f"{REAL_NOTICE} — 来源 source: " + "; ".join(dict.fromkeys(texts))
