"""The evaluation object: parameters in, every build step logged, results out.

In the spirit of COINr's "coin" and scikit-learn estimators::

    ev = Evaluation.from_params("params/demo.yaml")
    res = ev.run()                      # runs every step once; stages kept by name
    ev.log_yaml()                       # the build log, in the params-file format
    alt = ev.with_params({"weighting.method": "critic"})
    alt.run()                           # reruns from the first changed step ('weight') only
    ipbench.compare(ev, alt)            # rank moves (ipbench.comparison)

Each step (see :mod:`ipbench.steps`) reads the sections of the params it names, reads earlier
stages, and returns named stages (DataFrames). The log records, for each step, the params
sections it used (so the log reads like a params file), its outputs and its time.
"""

from __future__ import annotations

import copy
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ipbench import params as P
from ipbench.project import Project
from ipbench.runfolder import Results, is_complete, run_id
from ipbench.version import build_label


@dataclass
class LogEntry:
    """One build step: its name, the params sections it used, outputs and seconds."""

    step: str
    args: dict[str, Any]
    outputs: list[str]
    seconds: float
    skipped: list[dict[str, str]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        out = {self.step: self.args, "outputs": self.outputs, "seconds": round(self.seconds, 4)}
        if self.skipped:
            out["skipped"] = [f"{r['part'] or 'all'}: {r['reason_en']}" for r in self.skipped]
        return out


@dataclass
class FrameData:
    """In-memory data source with the Store's read API (for tests and notebooks).

    ``facts`` follows the long facts contract (docs/ARCHITECTURE.md)."""

    facts_frame: pd.DataFrame
    regions_frame: pd.DataFrame
    industries_frame: pd.DataFrame
    is_demo: bool = True
    label: str = "in-memory"

    def facts(self, **_: Any) -> pd.DataFrame:
        return self.facts_frame

    def regions(self) -> pd.DataFrame:
        return self.regions_frame

    def industries(self) -> pd.DataFrame:
        return self.industries_frame

    def fingerprint(self) -> str:
        import hashlib

        h = hashlib.sha256()
        for df in (self.facts_frame, self.regions_frame, self.industries_frame):
            h.update(pd.util.hash_pandas_object(df, index=False).to_numpy().tobytes())
        h.update(str(self.is_demo).encode())
        return h.hexdigest()


@dataclass
class Evaluation:
    """A parameterized evaluation. Construct with :meth:`from_params`; call :meth:`run`."""

    params: P.Params
    project: Project
    data: Any = None
    source: str = "<params>"
    stages: dict[str, Any] = field(default_factory=dict)
    log: list[LogEntry] = field(default_factory=list)
    results_: Results | None = None
    _fingerprint: str | None = None

    # ------------------------------------------------------------------ construction

    @classmethod
    def from_params(
        cls, path: str | Path, project: Project | None = None, data: Any = None
    ) -> Evaluation:
        """Read, merge (``extends:``) and validate a params file; nothing is computed yet."""
        path = Path(path)
        params = P.load(path)
        project = (project or Project.find(path.resolve().parent)).with_dataset(params.data)
        return cls(params, project, data, source=str(path))

    @classmethod
    def from_dict(
        cls, params: dict[str, Any], project: Project | None = None, data: Any = None
    ) -> Evaluation:
        p = P.validate(params)
        return cls(p, (project or Project.find()).with_dataset(p.data), data)

    def with_params(self, changes: dict[str, Any] | None = None, **sections: Any) -> Evaluation:
        """A new Evaluation with changed params; stages before the first changed step are
        shared (not recomputed). ``changes`` may use dotted keys (``"weighting.method"``);
        keyword arguments replace/merge whole sections (``weighting={"method": "critic"}``)."""
        merged = dict(changes or {})
        merged.update(sections)
        new_params = self.params.replace(merged, source=f"{self.source} + changes")
        new = Evaluation(new_params, self.project, self.data, source=f"{self.source} + changes")
        new._fingerprint = self._fingerprint
        from ipbench.steps import STEPS

        old, cur = self.params.to_dict(), new_params.to_dict()
        done = {e.step: e for e in self.log}
        for step in STEPS:
            if step.name not in done or any(old.get(s) != cur.get(s) for s in step.reads):
                break
            for name in step.outputs_of(self.stages):
                new.stages[name] = self.stages[name]
            new.log.append(done[step.name])
        return new

    # ------------------------------------------------------------------ running

    @property
    def source_data(self) -> Any:
        if self.data is None:
            from ipbench.steps import open_store

            self.data = open_store(self.project)
        return self.data

    @property
    def fingerprint(self) -> str:
        if self._fingerprint is None:
            self._fingerprint = str(self.source_data.fingerprint())
        return self._fingerprint

    @property
    def params_hash(self) -> str:
        """Hash of the validated params and of the indicator catalogue file they name."""
        import hashlib

        cat = self.project.root / self.params.indicators.catalogue
        h = hashlib.sha256(self.params.hash().encode())
        if cat.is_file():
            h.update(cat.read_bytes())
        return h.hexdigest()

    @property
    def run_id(self) -> str:
        """Folder name from params, data, and the ipbench version with its code fingerprint,
        so that changed code is never served from an old run folder."""
        return run_id(self.params_hash, self.fingerprint, build_label())

    @property
    def run_dir(self) -> Path:
        return self.project.runs / self.params.name / self.run_id

    def run(self, until: str | None = None) -> Results:
        """Run every step not yet run (or up to ``until``); return the results.

        A step switched off in the params (``<section>.enabled: false``), one whose needed
        stages are absent, or one that raises :class:`ipbench.steps.Skip` is recorded in the
        ``skipped`` table (which analysis, what is missing, how to supply it) and the run goes
        on; parts of a step skipped the same way are recorded too."""
        from ipbench.steps import STEPS, Skip, StepContext

        done = {e.step for e in self.log}
        ctx = StepContext(self.params, self.project, self.source_data, self.stages)
        sections = self.params.to_dict()
        for step in STEPS:
            if step.name in done:
                if step.name == until:
                    break
                continue
            t0 = time.perf_counter()
            ctx.notes = []
            skipped: list[dict[str, str]] = []
            out: dict[str, Any] = {}
            absent = [n for n in step.needs if n not in self.stages]
            if not step.enabled(self.params):
                skipped.append(Skip(f"switched off ({step.switch}.enabled: false)",
                                    reason_zh=f"已在参数中关闭（{step.switch}.enabled: false）",
                                    key=f"{step.switch}.enabled").row(step.name))
            elif absent:
                skipped.append(Skip(f"needs {', '.join(absent)}, which an earlier step did not make",
                                    reason_zh=f"依赖的前序结果 {'、'.join(absent)} 不可用",
                                    missing=absent).row(step.name))
            else:
                try:
                    out = step.run(ctx)
                except Skip as note:
                    skipped.append(note.row(step.name))
                skipped += [n.row(step.name) for n in ctx.notes]
            self.stages.update(out)
            args = {s: copy.deepcopy(sections.get(s)) for s in step.reads}
            self.log.append(LogEntry(step.name, args, list(out), time.perf_counter() - t0,
                                     skipped))
            if step.name == until:
                break
        self.results_ = self._results()
        return self.results_

    @property
    def skipped(self) -> pd.DataFrame:
        """What was skipped and why: step, part, key, missing, reason_zh, reason_en, how, how_zh."""
        from ipbench.steps import SKIPPED_COLUMNS

        rows = [r for e in self.log for r in e.skipped]
        return pd.DataFrame(rows, columns=SKIPPED_COLUMNS).astype("string")

    def _results(self) -> Results:
        import datetime as dt

        tables = {k: v for k, v in self.stages.items() if isinstance(v, pd.DataFrame)}
        tables["skipped"] = self.skipped
        manifest = {
            "name": self.params.name,
            "title": self.params.title,
            "params_file": self.source,
            "params_hash": self.params_hash,
            "params": self.params.to_dict(),
            "data_fingerprint": self.fingerprint,
            "demo": bool(getattr(self.source_data, "is_demo", False)),
            # real data: "真实数据 · real data — 来源 source: …" (Store.data_note), else None
            "data_note": getattr(self.source_data, "data_note", None),
            "ipbench_version": build_label(),
            "created": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
            "run_id": self.run_id,
            "log": [e.to_dict() for e in self.log],
            "timings": {e.step: round(e.seconds, 4) for e in self.log},
        }
        return Results(tables, manifest)

    def write(self, folder: str | Path | None = None) -> Path:
        """Run (if needed) and write the results to the run folder; return its path."""
        res = self.results_ if self.results_ is not None else self.run()
        return res.write(folder or self.run_dir)

    def ensure_run(self, force: bool = False) -> tuple[Path, bool]:
        """The run folder for these params and data, computed only when missing (or forced).
        Returns ``(path, computed)``."""
        folder = self.run_dir
        if is_complete(folder) and not force:
            return folder, False
        self.run()
        return self.write(folder), True

    # ------------------------------------------------------------------ display

    def log_yaml(self) -> str:
        """The build log in the params-file format (one mapping per step)."""
        return P.dump_yaml([e.to_dict() for e in self.log])

    def summary(self) -> pd.DataFrame:
        return (self.results_ or self.run()).summary()

    def _repr_html_(self) -> str:
        state = f"{len(self.log)} steps run" if self.log else "not run yet"
        return f"<p>Evaluation <b>{self.params.name}</b> ({state})</p>"
