"""``ipbench run``: params → one Evaluation run → report notebooks → offline HTML.

1. Validate the params; run the :class:`ipbench.Evaluation` once (its run folder is reused
   when params, data and version are unchanged).
2. Plan the reports: overview, one per region, one per industry (``--only`` filters). Output
   names come only from validated codes (6-digit regions, ``^[A-Z0-9_]+$`` industries) and are
   checked to resolve inside ``reports/<name>/``.
3. Skip reports whose cache key (params hash, data fingerprint, notebook hash, renderer hash,
   ipbench version) is unchanged and whose HTML exists, unless ``force``.
4. Execute the rest with papermill in ``jobs`` worker processes, each with ONE warm kernel and
   ONE HTML exporter (started while the evaluation runs, when it has to run); write each page
   to a temp file and rename it into place only on success.
   A failure writes ``<code>.error.html`` (message only) and ``logs/<kind>-<code>.log`` (the
   traceback); the previous good page stays byte-identical.
5. Write the results workbook and the index; return a :class:`Summary`.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing as mp
import os
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ipbench.reports.kinds import KINDS, ONLY_RE


@dataclass
class Job:
    kind: str
    code: str
    notebook: str
    output: str
    parameters: dict[str, Any]
    title: str
    key: str = ""


@dataclass
class Outcome:
    kind: str
    code: str
    status: str  # built | cached | failed
    seconds: float = 0.0
    message: str = ""


@dataclass
class Summary:
    outcomes: list[Outcome] = field(default_factory=list)
    seconds: float = 0.0
    index: Path | None = None
    run_dir: Path | None = None
    computed: bool = False

    def count(self, status: str) -> int:
        return sum(o.status == status for o in self.outcomes)

    @property
    def ok(self) -> bool:
        return self.count("failed") == 0

    def text(self) -> str:
        lines = [
            f"built {self.count('built')}, cached {self.count('cached')},"
            f" failed {self.count('failed')} in {self.seconds:.1f} s"
        ]
        for o in self.outcomes:
            if o.status == "failed":
                lines.append(f"  FAILED {o.kind}:{o.code}: {o.message}")
        return "\n".join(lines)


# ------------------------------------------------------------------------------ planning


def _file_hash(*paths: Path) -> str:
    h = hashlib.sha256()
    for p in paths:
        h.update(p.name.encode())
        h.update(p.read_bytes())
    return h.hexdigest()


def renderer_hash() -> str:
    """Hash of the code that turns a run into pages (views, labels, template, export)."""
    here = Path(__file__).parent
    files = sorted(here.rglob("*.py")) + sorted((here / "templates").rglob("*.*"))
    return _file_hash(*files)


def parse_only(only: list[str] | None) -> list[tuple[str, str | None]]:
    out = []
    for item in only or []:
        m = ONLY_RE.fullmatch(item.strip())
        if not m:
            raise ValueError(
                f"--only {item!r}: use one of {', '.join(KINDS)}, optionally with :<CODE>"
                " (region:<6-digit code>, industry:<CODE>)"
            )
        out.append((m.group(1), m.group(2)))
    return out


def safe_output(root: Path, kind: str, code: str) -> Path:
    """The output path of a report; refuses anything that is not a validated code or that
    would resolve outside ``root``."""
    if kind not in KINDS:
        raise ValueError(f"refusing report {kind}:{code!r}: unknown kind")
    out = (root / KINDS[kind].output(code)).resolve()
    if root.resolve() not in out.parents:
        raise ValueError(f"refusing to write {out}: outside {root}")
    return out


def plan(params: Any, project: Any, run_dir: Path, names: dict[str, dict[str, str]],
         only: list[str] | None = None, out_root: Path | None = None) -> list[Job]:
    """The pages to build. ``names`` maps a kind's code column (``region_code``,
    ``industry_code``) to {code: display name}, so every kind of that column is titled by name."""
    out_root = out_root or project.reports / params.name
    nbdir = project.notebooks
    wanted = parse_only(only)
    scope = params.scope
    targets = [(k.name, c) for k in KINDS.values() for c in k.codes(scope)]
    if wanted:
        for kind, code in wanted:
            if code is not None and (kind, code) not in targets:
                raise ValueError(f"--only {kind}:{code}: not in this evaluation's scope")
        targets = [t for t in targets if any(
            t[0] == k and (c is None or c == t[1]) for k, c in wanted)]
    lang = params.lang
    jobs = []
    for kind, code in targets:
        output = safe_output(out_root, kind, code)
        spec = KINDS[kind]
        parameters: dict[str, Any] = {"run_dir": str(run_dir)}
        if spec.parameter:
            parameters[spec.parameter] = code
        name = names.get(spec.parameter or "", {}).get(code, code)  # keyed by the code column
        title = (f"{params.title} · {spec.label(lang)}" if spec.pattern is None
                 else f"{name} · {spec.label(lang)} · {params.title}")
        jobs.append(Job(kind, code, str(nbdir / spec.notebook), str(output), parameters,
                        title))
    return jobs


def cache_key(job: Job, ev_inputs: dict[str, str]) -> str:
    blob = json.dumps({**ev_inputs, "kind": job.kind, "code": job.code,
                       "notebook": _file_hash(Path(job.notebook))}, sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()


def _cache_file(out_root: Path, job: Job) -> Path:
    return out_root / ".cache" / f"{job.kind}-{job.code}.json"


# ------------------------------------------------------------------------------ building


def build_one(job: Job, exporter: Any, out_root: Path, manifest: dict[str, Any]) -> Outcome:
    """Execute one notebook in this process's warm kernel and publish its HTML."""
    import papermill as pm

    from ipbench.atomic import write_atomic
    from ipbench.reports import engine
    from ipbench.reports.export import error_outputs, to_html
    from ipbench.reports.pages import error_page

    t0 = time.perf_counter()
    output = Path(job.output)
    error_file = output.with_suffix(".error.html")
    log_file = out_root / "logs" / f"{job.kind}-{job.code}.log"
    try:
        nb = pm.execute_notebook(
            job.notebook, None, parameters=job.parameters, engine_name=engine.ENGINE,
            kernel_name=engine.KERNEL, progress_bar=False, cwd=str(Path(job.notebook).parent),
        )
        errors = error_outputs(nb)
        if errors:
            raise RuntimeError(f"error output in notebook: {errors[0]}")
        html = to_html(nb, exporter, title=job.title,
                       lang=manifest.get("params", {}).get("lang", "zh"))
        write_atomic(output, html)
        write_atomic(_cache_file(out_root, job), json.dumps({"key": job.key}))
        error_file.unlink(missing_ok=True)
        log_file.unlink(missing_ok=True)
        return Outcome(job.kind, job.code, "built", time.perf_counter() - t0)
    except Exception as exc:  # one report failing must not stop the others
        message = _short_message(exc)
        log_file.parent.mkdir(parents=True, exist_ok=True)
        log_file.write_text(traceback.format_exc(), encoding="utf-8")
        _cache_file(out_root, job).unlink(missing_ok=True)
        previous = output.name if output.is_file() else None
        lang = manifest.get("params", {}).get("lang", "zh")
        rel_log = os.path.relpath(log_file, output.parent)
        write_atomic(error_file, error_page(job.title, message, rel_log, manifest, lang, previous))
        return Outcome(job.kind, job.code, "failed", time.perf_counter() - t0, message)


def _short_message(exc: BaseException) -> str:
    ename = getattr(exc, "ename", None)
    if ename:
        return f"{ename}: {getattr(exc, 'evalue', '')}"[:2000]
    return f"{type(exc).__name__}: {exc}"[:2000]


def _worker(jobs: Any, results: Any, cwd: str, prepare: str = "") -> None:
    """A report worker: ONE warm kernel and ONE exporter for every page it is given; items
    are ``(job, out_root, manifest)``, None ends it. ``prepare``: set-up code for the kernel
    (:func:`prepare_code`)."""
    import gc

    from ipbench.reports.engine import WarmKernel
    from ipbench.reports.export import make_exporter, warm_up

    kernel = WarmKernel(cwd, prepare=prepare)
    exporter = make_exporter()
    warm_up(exporter)
    gc.collect()
    gc.freeze()  # the worker's long-lived objects: later collections skip them
    try:
        while True:
            item = jobs.get()
            if item is None:
                break
            job, out_root, manifest = item
            results.put(build_one(job, exporter, Path(out_root), manifest))
    finally:
        kernel.shutdown()


class Workers:
    """Report worker processes, started before they have work: each spawns its kernel and
    imports pandas, matplotlib and ipbench while the evaluation runs in this process (on a
    2-core machine the evaluation leaves a core free), so pages start as soon as the run
    folder is there."""

    def __init__(self, n: int, cwd: Path, prepare: str = "") -> None:
        ctx = mp.get_context("spawn")
        self.jobs, self.results = ctx.Queue(), ctx.Queue()
        self.procs = [ctx.Process(target=_worker,
                                  args=(self.jobs, self.results, str(cwd), prepare))
                      for _ in range(n)]
        for p in self.procs:
            p.start()
        self._closed = False

    def submit(self, jobs_to_run: list[Job], out_root: Path, manifest: dict[str, Any]) -> None:
        for job in jobs_to_run:
            self.jobs.put((job, str(out_root), manifest))

    def collect(self, jobs_to_run: list[Job], bar: Any) -> list[Outcome]:
        """The outcomes of the submitted ``jobs_to_run`` (a dead worker's pages fail)."""
        outcomes: list[Outcome] = []
        while len(outcomes) < len(jobs_to_run):
            try:
                outcomes.append(self.results.get(timeout=5))
                bar.update()
            except Exception:  # queue.Empty: check that workers are alive
                if not any(p.is_alive() for p in self.procs):
                    done = {(o.kind, o.code) for o in outcomes}
                    for job in jobs_to_run:
                        if (job.kind, job.code) not in done:
                            outcomes.append(Outcome(job.kind, job.code, "failed", 0.0,
                                                    "worker process died"))
                    break
        return outcomes

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        for _ in self.procs:
            self.jobs.put(None)
        for p in self.procs:
            p.join(timeout=30)
            if p.is_alive():  # stuck (e.g. a kernel that will not stop): end it
                p.terminate()
                p.join(timeout=5)


def execute(jobs_to_run: list[Job], n_workers: int, cwd: Path, out_root: Path,
            manifest: dict[str, Any], progress: bool = True,
            workers: Workers | None = None) -> list[Outcome]:
    """Build the pages of ``jobs_to_run``: in ``workers`` (started already) or ``n_workers``
    new worker processes, or in this process with one kernel when one worker is enough."""
    return start(jobs_to_run, n_workers, cwd, out_root, manifest, progress, workers)()


def start(jobs_to_run: list[Job], n_workers: int, cwd: Path, out_root: Path,
          manifest: dict[str, Any], progress: bool = True,
          workers: Workers | None = None) -> Callable[[], list[Outcome]]:
    """:func:`execute` in two halves: the pages are handed to the worker processes now, and
    the returned function waits for their outcomes (meanwhile this process is free for other
    work: the workbook, the atlas). With one worker the pages are built here, before it
    returns."""
    from tqdm import tqdm

    bar = tqdm(total=len(jobs_to_run), desc="reports", unit="report", disable=not progress)
    if workers is None and (n_workers <= 1 or len(jobs_to_run) <= 1):
        from ipbench.reports.engine import WarmKernel
        from ipbench.reports.export import make_exporter

        outcomes: list[Outcome] = []
        try:
            kernel = WarmKernel(cwd)
            exporter = make_exporter()
            try:
                for job in jobs_to_run:
                    outcomes.append(build_one(job, exporter, out_root, manifest))
                    bar.update()
            finally:
                kernel.shutdown()
        finally:
            bar.close()
        return lambda: outcomes
    own = workers is None
    pool = workers or Workers(n_workers, cwd)
    pool.submit(jobs_to_run, out_root, manifest)

    def wait() -> list[Outcome]:
        try:
            return pool.collect(jobs_to_run, bar)
        finally:
            bar.close()
            if own:
                pool.close()

    return wait


# ------------------------------------------------------------------------------ the command


def run(params_file: str | Path, only: list[str] | None = None, jobs: int | None = None,
        force: bool = False, progress: bool = True, project: Any = None,
        data: Any = None, edition: str | None = None) -> Summary:
    """Run the evaluation once and build its reports; see the module docstring. With
    ``edition`` ("auto" or a name) the suite is kept as an edition (``reports.editions``)."""
    from ipbench.evaluation import Evaluation
    from ipbench.project import Project
    from ipbench.runfolder import is_complete

    t0 = time.perf_counter()
    params_file = Path(params_file)
    project = project or Project.find(params_file.resolve().parent)
    ev = Evaluation.from_params(params_file, project, data)
    project = ev.project  # with the params' data set (its own sources and store)
    try:
        ev.source = str(params_file.resolve().relative_to(project.root))
    except ValueError:
        ev.source = str(params_file)
    if ev.data is None:
        ev.data = _store(project)
    workers = None
    if jobs != 1 and (force or not is_complete(ev.run_dir)):
        # the evaluation must run, so pages will be built: start their workers meanwhile
        workers = Workers(max(1, min(jobs or os.cpu_count() or 1, 8)), project.root,
                          prepare_code(ev.params))
    try:
        return _run(ev, project, params_file, only, jobs, force, progress, edition, workers, t0)
    finally:
        if workers is not None:
            workers.close()


def _run(ev: Any, project: Any, params_file: Path, only: list[str] | None, jobs: int | None,
         force: bool, progress: bool, edition: str | None, workers: Workers | None,
         t0: float) -> Summary:
    from ipbench.atomic import write_atomic
    from ipbench.params import dump_yaml
    from ipbench.reports.pages import index_page
    from ipbench.runfolder import Results

    run_dir, computed = ev.ensure_run(force=force)
    res = Results.read(run_dir, tables=["regions", "industries"])
    manifest = res.manifest
    names = {
        "region_code": dict(zip(res["regions"]["region_code"], _names(res["regions"], ev.params.lang),
                                strict=True)),
        "industry_code": dict(zip(res["industries"]["industry_code"],
                             _names(res["industries"], ev.params.lang), strict=True)),
    }
    out_root = project.reports / ev.params.name
    if edition is not None:  # reports/<suite>/<edition>/, never another run's edition
        from ipbench.reports import editions

        out_root = editions.folder(out_root, manifest, run_dir, edition)
    all_jobs = plan(ev.params, project, run_dir, names, only, out_root)
    inputs = {"params_hash": manifest["params_hash"], "data": manifest["data_fingerprint"],
              "version": manifest["ipbench_version"], "run_id": manifest["run_id"],
              "renderer": renderer_hash()}
    todo, outcomes = [], []
    for job in all_jobs:
        job.key = cache_key(job, inputs)
        cf = _cache_file(out_root, job)
        fresh = (not force and Path(job.output).is_file() and cf.is_file()
                 and json.loads(cf.read_text(encoding="utf-8")).get("key") == job.key)
        if fresh:
            outcomes.append(Outcome(job.kind, job.code, "cached"))
        else:
            todo.append(job)
    n_workers = max(1, min(jobs or os.cpu_count() or 1, len(todo), 8))
    pages = (start(todo, n_workers, project.root, out_root, manifest, progress, workers)
             if todo else list)
    # the workbook and the atlas are written here while the workers build the pages
    try:
        workbook = out_root / f"{ev.params.name}_results.xlsx"
        wb_key = out_root / ".cache" / "workbook.json"
        if force or not workbook.is_file() or not wb_key.is_file() or json.loads(
                wb_key.read_text(encoding="utf-8")).get("run_id") != manifest["run_id"]:
            from ipbench.reports.workbook import write_workbook

            write_workbook(Results.read(run_dir), workbook)
            write_atomic(wb_key, json.dumps({"run_id": manifest["run_id"]}))
        from ipbench.reports.atlas import write_suite_atlas

        atlas_href, atlas_error = write_suite_atlas(run_dir, out_root,
                                                    f"{manifest['run_id']}-{inputs['renderer']}", force)
    except BaseException:
        pages()  # the pages finish (and the workers end) before the error goes up
        raise
    outcomes += pages()
    every = all_jobs if not only else plan(ev.params, project, run_dir, names, None, out_root)
    entries = _index_entries(every, outcomes, out_root)
    index = out_root / "index.html"
    from ipbench.reports.workbook import GUIDANCE_FILES

    downloads = [(workbook.name, "workbook")] + [
        (name, key) for key, name in GUIDANCE_FILES.items() if (out_root / name).is_file()]
    region_names = dict(zip(res["regions"]["region_code"].astype(str),
                            _names(res["regions"], ev.params.lang), strict=True))
    from ipbench.reports.editions import index_block as editions_block

    write_atomic(index, index_page(manifest, entries, downloads, dump_yaml(manifest["params"]),
                                   atlas=atlas_href, region_names=region_names,
                                   editions=editions_block(out_root)))
    order = {(j.kind, j.code): i for i, j in enumerate(all_jobs)}
    outcomes.sort(key=lambda o: order[(o.kind, o.code)])
    if atlas_error:
        outcomes.append(Outcome("atlas", "atlas", "failed", 0.0, atlas_error))
    if edition is not None:  # edition record, changes page, the suite's list of editions
        editions.publish(out_root.parent, out_root, run_dir)
    return Summary(outcomes, time.perf_counter() - t0, index, run_dir, computed)


def prepare_code(params: Any) -> str:
    """Set-up code for report kernels started before the run folder exists: the imports the
    pages make and the outlines and layout of the scope's maps (:func:`ipbench.maps.prepare`),
    done while the evaluation runs. Codes in it are validated region codes."""
    lines = ["import ipbench.analysis.interpretation, ipbench.robustness"]
    try:
        from ipbench import geo

        regions = [str(c) for c in params.scope.regions]
        level = geo.scope_level(regions)
        parent = geo.as_code(params.scope.reference or geo.parent_of(regions))
        lines.append(f"ipbench.maps.prepare({parent!r}, {level!r})")
    except Exception:  # a scope the maps cannot draw: the pages will say so
        pass
    return "\n".join(lines)


def _store(project: Any) -> Any:
    """The data store, brought up to date by the one freshness rule
    (:func:`ipbench.data.freshness.fresh_store`: content hashes of every input)."""
    from ipbench.data.freshness import fresh_store

    return fresh_store(project)


def _names(dim: Any, lang: str) -> list[str]:
    col = "name_en" if lang == "en" and "name_en" in dim else "name_zh"
    return [str(x) for x in dim[col]]


def _index_entries(jobs: list[Job], outcomes: list[Outcome], out_root: Path) -> list[dict]:
    status = {(o.kind, o.code): o.status for o in outcomes}
    entries = []
    for job in jobs:
        out = Path(job.output)
        err = out.with_suffix(".error.html")
        entries.append({
            "kind": job.kind, "code": job.code,
            "title": job.title.split(" · ")[0] if KINDS[job.kind].pattern else job.title,
            "status": status.get((job.kind, job.code),
                                 "failed" if err.is_file() else "cached"),
            "href": os.path.relpath(out, out_root) if out.is_file() else None,
            "error_href": os.path.relpath(err, out_root) if err.is_file() else None,
        })
    return entries
