"""A ``layout: patent_records`` source of ``data/sources.yaml`` → facts for the store.

The data build (:mod:`ipbench.data.build`) calls :func:`load_patent_source`: the matched
exports go through :func:`ipbench.patents.ingest`, the facts are checked against the project's
vocabulary (variables and units, regions, industries), and everything ingest reports — cell
issues, unassigned patents by reason, notes — becomes build warnings and is written under
``data/interim/patents/<id>_{summary.txt,issues.csv,unassigned.csv}`` so nothing is dropped
silently. :func:`patent_source_hash` covers every input (matched files, concordance, mapping)
so the source is re-ingested only when one of them or the spec changes.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd

from ipbench.data.sources import PatentRecordsSource
from ipbench.data.validate import FACT_COLUMNS, Problem
from ipbench.data.vocabulary import Vocabulary
from ipbench.errors import DataError, IpbenchError
from ipbench.patents.ingest import DEFAULT_CONCORDANCE, ingest
from ipbench.patents.mappings import PRESET_DIR
from ipbench.project import Project

ISSUE_EXAMPLES = 5  # cell issues shown as individual warnings (all are in the interim CSV)


def matched_files(project: Project, spec: PatentRecordsSource) -> list[Path]:
    """Files matched by ``spec.files`` under ``data/raw`` (sorted, each once)."""
    found: dict[Path, None] = {}
    for pattern in spec.files:
        for p in sorted(project.raw.glob(pattern)):
            if p.is_file():
                found[p] = None
    return list(found)


def _mapping_path(project: Project, spec: PatentRecordsSource) -> Path:
    preset = PRESET_DIR / f"{spec.mapping}.yaml"
    if not Path(spec.mapping).suffix and preset.is_file():
        return preset
    return project.root / spec.mapping


def _concordance_path(project: Project, spec: PatentRecordsSource) -> Path:
    return project.root / spec.concordance if spec.concordance else DEFAULT_CONCORDANCE


def patent_source_hash(project: Project, spec: PatentRecordsSource) -> str:
    """SHA-256 over the matched files (name and content), the concordance and the mapping;
    the spec's own hash is stored beside it. Missing inputs hash as ``<absent>``."""
    h = hashlib.sha256()
    paths = [*matched_files(project, spec), _concordance_path(project, spec), _mapping_path(project, spec)]
    for p in paths:
        h.update(str(p.relative_to(project.root) if p.is_relative_to(project.root) else p.name).encode())
        if p.is_file():
            with p.open("rb") as f:
                for block in iter(lambda f=f: f.read(1 << 20), b""):
                    h.update(block)
        else:
            h.update(b"<absent>")
    return h.hexdigest()


def _shown(project: Project, path: Path) -> str:
    return str(path.relative_to(project.root)) if path.is_relative_to(project.root) else str(path)


def load_patent_source(
    project: Project, spec: PatentRecordsSource, vocab: Vocabulary
) -> tuple[pd.DataFrame, list[Problem]]:
    """Ingest the exports of ``spec`` → ``(facts with a 'row' column, problems)``; never raises
    DataError (errors come back as problems, as for table sources)."""
    empty = pd.DataFrame(columns=[*FACT_COLUMNS, "row"])
    where = _shown(project, project.sources)
    files = matched_files(project, spec)
    if not files:
        return empty, [Problem("error", f"source {spec.id}: no file in data/raw matches {spec.files}", where)]
    for label, p in (("concordance", _concordance_path(project, spec)), ("mapping", _mapping_path(project, spec))):
        if not p.is_file():
            return empty, [Problem("error", f"source {spec.id}: {label} file not found", _shown(project, p))]
    industries = project.industries
    try:
        result = ingest(
            files, mapping=_mapping_path(project, spec), concordance=_concordance_path(project, spec),
            policy=spec.policy, target=spec.target, level=spec.level, scope=spec.scope,
            years=range(spec.years[0], spec.years[1] + 1) if spec.years else None, source=spec.id,
            industries_yaml=industries if industries.is_file() else None,
        )
    except IpbenchError as exc:
        file = getattr(exc, "file", None) or where
        return empty, [Problem("error", f"source {spec.id}: {exc}", str(file))]

    facts = result.facts
    if spec.variables is not None:
        facts = facts[facts["variable"].isin(spec.variables)]
    if not spec.industry_total:
        facts = facts[facts["industry_code"] != "ALL"]
    if spec.region_total:
        total = facts.groupby(["industry_code", "year", "variable", "unit", "source"], as_index=False)["value"].sum()
        facts = pd.concat([facts, total.assign(region_code=spec.region_total)[FACT_COLUMNS]], ignore_index=True)
    facts = facts.assign(row=pd.array([pd.NA] * len(facts), dtype="Int64")).reset_index(drop=True)
    # the records' applicant-level aggregates go into the store beside the facts
    facts.attrs["record_tables"] = result.tables

    problems = _vocabulary_problems(facts, spec, vocab, where)
    problems += _ingest_warnings(project, spec, result)
    return facts, problems


def _vocabulary_problems(facts: pd.DataFrame, spec: PatentRecordsSource, vocab: Vocabulary, where: str) -> list[Problem]:
    out = []
    for var, unit in facts[["variable", "unit"]].drop_duplicates().itertuples(index=False):
        if var not in vocab.variables:
            out.append(Problem("error", f"source {spec.id}: variable not in data/variables.yaml", where, value=var))
        elif vocab.variables[var].unit != unit:
            out.append(Problem("error", f"source {spec.id}: variable {var} has unit {unit}, the vocabulary"
                               f" {vocab.variables[var].unit}", where, value=unit))
    for code in facts["region_code"].unique():
        try:
            vocab.regions.resolve(code)
        except DataError as exc:
            out.append(Problem("error", f"source {spec.id}: {exc}", where, value=code))
    for code in facts["industry_code"].unique():
        try:
            vocab.industries.resolve(code)
        except DataError:
            out.append(Problem("error", f"source {spec.id}: industry not in data/industries.yaml", where, value=code))
    return out


def _ingest_warnings(project: Project, spec: PatentRecordsSource, result) -> list[Problem]:  # noqa: ANN001
    """Ingest's issues, unassigned counts and notes as warnings; full lists written to
    ``data/interim/patents/<id>_*``."""
    out_dir = project.interim / "patents"
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / f"{spec.id}_summary.txt").write_text(result.summary() + "\n", encoding="utf-8")
    result.issues.to_csv(out_dir / f"{spec.id}_issues.csv", index=False, encoding="utf-8-sig")
    result.unassigned.to_csv(out_dir / f"{spec.id}_unassigned.csv", index=False, encoding="utf-8-sig")
    shown = _shown(project, out_dir)
    c = result.counts
    warn = []
    if c["malformed"] or c["duplicates"]:
        warn.append(Problem("warning", f"source {spec.id}: {c['malformed']:,} malformed record(s) not counted,"
                            f" {c['duplicates']:,} duplicate(s) counted once (of {c['read']:,} read)"))
    if c["unassigned"]:
        reasons = ", ".join(f"{k} {v:,}" for k, v in sorted(result.unassigned_by_reason.items(), key=lambda kv: -kv[1]))
        warn.append(Problem("warning", f"source {spec.id}: {c['unassigned']:,} of {c['patents']:,} patents"
                            f" without a region ({reasons}); list in {shown}/{spec.id}_unassigned.csv"))
    if len(result.issues):
        warn.append(Problem("warning", f"source {spec.id}: {len(result.issues):,} malformed cell(s);"
                            f" list in {shown}/{spec.id}_issues.csv"))
        for r in result.issues.head(ISSUE_EXAMPLES).to_dict("records"):
            warn.append(Problem("warning", r["problem"], str(r["_file"]), row=int(r["_row"]), column=r["field"],
                                value=None if pd.isna(r["value"]) else r["value"]))
    warn += [Problem("warning", f"source {spec.id}: {n}") for n in result.notes]
    return warn


def _existing(con, name: str) -> bool:  # noqa: ANN001
    return bool(con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = ?",
                            [name]).fetchall()[0][0])


def drop_record_tables(con, source_id: str) -> None:  # noqa: ANN001
    """Delete a source's rows from the extra tables (:data:`ipbench.patents.tables.TABLES`)."""
    from ipbench.patents.tables import TABLES

    for name in TABLES:
        if _existing(con, name):
            con.execute(f'DELETE FROM "{name}" WHERE source = ?', [source_id])


def write_record_tables(con, source_id: str, tables: dict[str, pd.DataFrame]) -> None:  # noqa: ANN001
    """Append a source's applicant-level tables (a ``source`` column added) to the store."""
    import pyarrow as pa

    from ipbench.patents.tables import TABLES

    for name, frame in tables.items():
        if name not in TABLES:
            continue
        frame = frame.assign(source=source_id)
        con.register("_record_table", pa.Table.from_pandas(frame, preserve_index=False))
        if not _existing(con, name):
            con.execute(f'CREATE TABLE "{name}" AS SELECT * FROM _record_table LIMIT 0')
        con.execute(f'INSERT INTO "{name}" BY NAME SELECT * FROM _record_table')
        con.unregister("_record_table")
