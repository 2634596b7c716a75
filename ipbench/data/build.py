"""Check and build: raw files + ``sources.yaml`` → validated facts → the DuckDB store.

Incremental: a source is reloaded only when its file's SHA-256 or its YAML spec changed (a
change to variables.yaml, industries.yaml or the region aliases reloads everything); sources
removed from the YAML are dropped. A ``layout: patent_records`` source is ingested by
:func:`ipbench.patents.ingest` (:mod:`ipbench.patents.source`); its hash covers every matched
export, the concordance and the mapping, and ingest's issues and unassigned counts become
build warnings.

Transactional: all changed sources are read and validated first; the store is then updated in
a temporary copy beside it (``.ipbench.duckdb.tmp-<pid>``) which replaces the store with one
atomic rename (``os.replace``) only when everything succeeded. On any error the store file is
left exactly as it was.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from ipbench.data import schema
from ipbench.data.loaders import read_tables, to_cells
from ipbench.data.sources import PatentRecordsSource, Source, load_sources, resolve_inside
from ipbench.data.validate import FACT_COLUMNS, Collector, Problem, validate_cells
from ipbench.data.vocabulary import Vocabulary
from ipbench.errors import DataError, shown_value
from ipbench.project import Project


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


@dataclass
class Report:
    """Problems found while checking sources; ``ok`` when there is no error."""

    problems: list[Problem] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.level == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.level == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        lines = [f"  {sid}: {n:,} facts" for sid, n in self.rows.items()]
        lines += [f"  {p}" for p in self.problems]
        head = f"{len(self.errors)} error(s), {len(self.warnings)} warning(s) in {len(self.rows)} source(s)"
        return "\n".join([head, *lines])

    def raise_if_errors(self) -> None:
        if self.errors:
            first = self.errors[0]
            more = len(self.errors) - 1
            err = first.to_error()
            if more:
                err.args = (f"{err.args[0]} [and {more} more error(s): run `ipbench data check`]",)
            raise err


def _display(project: Project, path: Path) -> str:
    try:
        return str(path.relative_to(project.root))
    except ValueError:
        return str(path)


def load_source(
    project: Project, spec: Source | PatentRecordsSource, vocab: Vocabulary
) -> tuple[pd.DataFrame, list[Problem]]:
    """Read, reshape and validate one source → ``(facts, problems)``; never raises DataError."""
    if isinstance(spec, PatentRecordsSource):
        from ipbench.patents.source import load_patent_source

        return load_patent_source(project, spec, vocab)
    path = project.raw / spec.file
    shown = _display(project, path)
    try:
        path = resolve_inside(project.raw, spec.file)
        tables = read_tables(path, spec, shown)
        cells = pd.concat([to_cells(t, spec, set(vocab.variables)) for t in tables], ignore_index=True)
    except DataError as exc:
        return pd.DataFrame(columns=FACT_COLUMNS), [Problem("error", _bare(exc), exc.file or shown, exc.sheet, exc.row, exc.column, exc.value)]
    return validate_cells(
        cells, spec, file=shown, variables=vocab.variables, regions=vocab.regions,
        industries=vocab.industries, collector=Collector(shown),
    )


def _bare(exc: DataError) -> str:
    """The message of a DataError without its location prefix and value suffix."""
    text = str(exc)
    where = ", ".join(
        f"{k} {v!s}" for k, v in (("file", exc.file), ("sheet", exc.sheet), ("row", exc.row), ("column", exc.column))
        if v is not None
    )
    if where and text.startswith(where + ": "):
        text = text[len(where) + 2 :]
    if exc.value is not None and text.endswith(f" (value: {shown_value(exc.value)})"):
        text = text[: -len(f" (value: {shown_value(exc.value)})")]
    return text


def _source_hash(project: Project, spec: Source | PatentRecordsSource) -> str:
    """SHA-256 of a source's input: its file, or for patent records every matched export plus
    the concordance and the mapping ("" when the file is missing)."""
    if isinstance(spec, PatentRecordsSource):
        from ipbench.patents.source import patent_source_hash

        return patent_source_hash(project, spec)
    try:
        path = resolve_inside(project.raw, spec.file)
    except DataError:
        return ""
    return file_sha256(path) if path.is_file() else ""


def _where(source: str, row: object) -> str:
    return source if pd.isna(row) else f"{source} row {int(row)}"


def _cross_duplicates(frames: dict[str, pd.DataFrame]) -> list[Problem]:
    """The same key given by two sources is an error (which one should win is not obvious)."""
    key = ["region_code", "industry_code", "year", "variable"]
    parts = [f[[*key, "source", "row"]] for f in frames.values() if len(f)]
    if len(parts) < 2:
        return []
    allf = pd.concat(parts, ignore_index=True)
    dup = allf[allf.duplicated(key, keep=False)]
    out = []
    for k, g in list(dup.groupby(key, sort=True))[:20]:
        srcs = ", ".join(_where(s, r) for s, r in zip(g.source, g.row, strict=True))
        out.append(Problem("error", f"key {dict(zip(key, k, strict=True))} is given by several sources: {srcs}"))
    return out


def check(project: Project | None = None, *, progress: bool = False) -> Report:
    """Validate every source (all problems, nothing written)."""
    project = project or Project.find()
    specs = load_sources(project.sources)
    vocab = Vocabulary.from_project(project)
    report = Report()
    frames = {}
    for spec in _progress(specs.sources, progress, "checking"):
        facts, problems = load_source(project, spec, vocab)
        frames[spec.id] = facts
        report.rows[spec.id] = len(facts)
        report.problems += problems
    report.problems += _cross_duplicates(frames)
    return report


@dataclass(frozen=True)
class BuildResult:
    loaded: list[str]
    kept: list[str]
    removed: list[str]
    facts: int
    warnings: list[Problem]
    changed: bool

    def summary(self) -> str:
        if not self.changed:
            return f"store is up to date ({len(self.kept)} source(s), {self.facts:,} facts)"
        parts = [f"loaded {', '.join(self.loaded) or 'nothing'}"]
        if self.kept:
            parts.append(f"unchanged {', '.join(self.kept)}")
        if self.removed:
            parts.append(f"removed {', '.join(self.removed)}")
        return "; ".join(parts) + f" → {self.facts:,} facts, {len(self.warnings)} warning(s)"


def _progress(items: list, on: bool, what: str):  # noqa: ANN202
    if on and len(items) > 1:
        from tqdm import tqdm

        return tqdm(items, desc=what, unit="source")
    return items


def _stored_sources(store: Path) -> tuple[pd.DataFrame, str | None]:
    if not store.is_file():
        return pd.DataFrame(columns=["id", "sha256", "spec_hash"]), None
    try:
        con = duckdb.connect(str(store), read_only=True)
    except duckdb.Error as exc:
        raise DataError(f"cannot open the store: {exc}; rebuild with `ipbench data build --force`", file=store) from None
    try:
        if not schema.is_current(con):
            return pd.DataFrame(columns=["id", "sha256", "spec_hash"]), None
        src = con.execute("SELECT id, sha256, spec_hash FROM sources").df()
        vocab = con.execute("SELECT value FROM meta WHERE key = 'vocabulary'").fetchone()
    finally:
        con.close()
    return src, (vocab[0] if vocab else None)


def build(project: Project | None = None, *, force: bool = False, progress: bool = False) -> BuildResult:
    """Bring ``data/ipbench.duckdb`` up to date with ``data/raw`` and ``sources.yaml``.

    Raises ``DataError`` (naming file/sheet/row/column/value of the first error) and leaves
    the store untouched when any source has an error.
    """
    project = project or Project.find()
    specs = load_sources(project.sources)
    vocab = Vocabulary.from_project(project)
    store = project.store
    stored, stored_vocab = (pd.DataFrame(columns=["id", "sha256", "spec_hash"]), None) if force else _stored_sources(store)
    full = force or stored_vocab != vocab.fingerprint
    old = {} if full else {r.id: (r.sha256, r.spec_hash) for r in stored.itertuples()}

    plan = []
    for spec in specs.sources:
        sha = _source_hash(project, spec)
        plan.append((spec, sha, old.get(spec.id) != (sha, spec.spec_hash())))
    ids = {s.id for s in specs.sources}
    removed = [] if full else sorted(set(old) - ids)
    todo = [(s, sha) for s, sha, changed in plan if changed]
    kept = [s.id for s, _, changed in plan if not changed]
    if not todo and not removed and not full and store.is_file():
        con = duckdb.connect(str(store), read_only=True)
        n = con.execute("SELECT count(*) FROM facts").fetchone()[0]
        con.close()
        return BuildResult([], kept, [], int(n), [], changed=False)

    report = Report()
    frames: dict[str, pd.DataFrame] = {}
    for spec, _sha in _progress(todo, progress, "loading"):
        facts, problems = load_source(project, spec, vocab)
        frames[spec.id] = facts
        report.rows[spec.id] = len(facts)
        report.problems += problems
    report.problems += _cross_duplicates(frames)
    report.raise_if_errors()

    tmp = store.with_name(f".{store.name}.tmp-{os.getpid()}")
    tmp.unlink(missing_ok=True)
    try:
        if not full and store.is_file():
            shutil.copy2(store, tmp)
        con = duckdb.connect(str(tmp))
        try:
            con.execute("BEGIN TRANSACTION")
            if full or not store.is_file():
                schema.create(con)
            schema.write_dimensions(con, vocab)
            from ipbench.patents.source import drop_record_tables, write_record_tables

            for sid in [*removed, *frames]:
                con.execute("DELETE FROM facts WHERE source = ?", [sid])
                con.execute("DELETE FROM sources WHERE id = ?", [sid])
                drop_record_tables(con, sid)
            now = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
            for spec, sha in todo:
                facts = frames[spec.id][FACT_COLUMNS].copy(deep=False)
                facts.attrs = {}  # the record tables travel in attrs; they are written below
                con.register("new_facts", pa.Table.from_pandas(facts, preserve_index=False))
                con.execute(
                    "INSERT INTO facts SELECT region_code, industry_code, CAST(year AS INTEGER), variable,"
                    " value, unit, source FROM new_facts"
                )
                con.unregister("new_facts")
                write_record_tables(con, spec.id, frames[spec.id].attrs.get("record_tables", {}))
                con.execute(
                    "INSERT INTO sources VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [spec.id, spec.file, sha, spec.spec_hash(), spec.demo, now, len(facts)],
                )
            clash = con.execute(
                "SELECT region_code, industry_code, year, variable, list(source) FROM facts"
                " GROUP BY ALL HAVING count(*) > 1 LIMIT 1"
            ).fetchone()
            if clash:
                reg, ind, year, var, srcs = clash
                rows = [
                    _where(sid, f.loc[m, "row"].iloc[0])
                    for sid, f in frames.items()
                    if (m := (f.region_code == reg) & (f.industry_code == ind) & (f.year == year) & (f.variable == var)).any()
                ]
                raise DataError(
                    f"key (region {reg}, industry {ind}, year {year}, variable {var}) is given by several"
                    f" sources: {', '.join(srcs)} ({'; '.join(rows)})",
                    file=_display(project, project.sources),
                )
            schema.write_meta(con, vocab.fingerprint)
            n = con.execute("SELECT count(*) FROM facts").fetchone()[0]
            con.execute("COMMIT")
            con.execute("CHECKPOINT")
        finally:
            con.close()
        os.replace(tmp, store)
    finally:
        tmp.unlink(missing_ok=True)
        Path(str(tmp) + ".wal").unlink(missing_ok=True)
    return BuildResult([s.id for s, _ in todo], kept, removed, int(n), report.warnings, changed=True)
