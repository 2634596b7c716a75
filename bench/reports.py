"""Benchmark of the report suite (not a timed test). In one run, on a copy of the project:

0. the demo store built from the raw files (``ipbench data build``; timed apart: the naive
   loop below starts from the cold run's folder and pays neither the store nor the evaluation),
1. the full demo suite cold (``ipbench run``: one Evaluation, warm-kernel workers),
2. the same suite with nothing changed (everything cached),
3. a naive baseline over the same notebooks: per report ``papermill`` CLI, then
   ``jupyter nbconvert --to html --no-input`` CLI, sequentially.

Prints per-report seconds and the ratios against the targets (cold <= baseline / 8,
unchanged <= 2 s), and where a page's seconds go: each view method of one page of every
kind timed in this process on the cold run's folder (maps and figures dominate).
BLAS/OpenMP threads are pinned (``--blas-threads``, default 1) here and in the workers,
kernels and CLI runs, and the setting printed. ``--baseline-sample N`` times N reports of
each kind with the naive method and extrapolates to the whole suite (default: all reports).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import cpu_seconds, load_average, pin_blas

from ipbench.reports.kinds import KINDS
from ipbench.reports.views.base import MAP_CACHE

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))


def profile_sections(run_dir: Path, outcomes: list) -> None:
    """Seconds of each view method (one notebook cell each) for the first page of every kind."""
    from ipbench.reports.kinds import KINDS
    from ipbench.runfolder import Results

    res = Results.read(run_dir)
    seen = set()
    for o in outcomes:
        if o.kind in seen:
            continue
        seen.add(o.kind)
        cls = KINDS[o.kind].view_class()
        view = cls(res, o.code if KINDS[o.kind].pattern else "")
        parts = []
        for name in _cells(ROOT / "notebooks" / KINDS[o.kind].notebook):
            t = time.perf_counter()
            getattr(view, name)()
            parts.append((name, time.perf_counter() - t))
        total = sum(s for _, s in parts)
        print(f"where {o.kind}:{o.code}'s {total:.2f} s go (view methods, in process): "
              + ", ".join(f"{n} {s:.2f}" for n, s in sorted(parts, key=lambda x: -x[1])[:6]))


def _cells(notebook: Path) -> list[str]:
    """The view methods a notebook's cells call (``r.summary()`` → ``summary``), in order."""
    import json
    import re

    nb = json.loads(notebook.read_text(encoding="utf-8"))
    return [m for c in nb["cells"] for m in re.findall(r"^r\.(\w+)\(\)", "".join(c["source"]), re.M)]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--blas-threads", type=int, default=1)
    ap.add_argument("--baseline-sample", type=int, default=0)
    args = ap.parse_args()
    print(pin_blas(args.blas_threads))  # here and in the workers, kernels and CLI runs
    from _suite import copy_project

    from ipbench.reports.runner import run

    bin_dir = Path(sys.executable).parent
    with tempfile.TemporaryDirectory() as tmp:
        root = copy_project(Path(tmp) / "project")
        params = root / "params" / "demo.yaml"
        load = load_average()
        print(f"cpus: {os.cpu_count()}; load average (1, 5, 15 min): {load}"
              " (timings on a loaded machine overstate the code's cost)")
        from ipbench.data import build
        from ipbench.project import Project

        t = time.perf_counter()
        build(Project(root))
        print(f"demo store built from the raw files: {time.perf_counter() - t:.1f} s"
              " (not part of the cold suite)")
        t, cpu = time.perf_counter(), cpu_seconds()
        cold = run(params, jobs=args.jobs, progress=False)
        t_cold, cpu_cold = time.perf_counter() - t, cpu_seconds() - cpu
        t = time.perf_counter()
        warm = run(params, jobs=args.jobs, progress=False)
        t_warm = time.perf_counter() - t
        print(f"cold suite: {len(cold.outcomes)} reports in {t_cold:.1f} s"
              f" (built {cold.count('built')}, failed {cold.count('failed')}; jobs={args.jobs});"
              f" CPU {cpu_cold:.1f} s in this process, its workers and their kernels")
        for o in cold.outcomes:
            print(f"  {o.kind:8s} {o.code:12s} {o.seconds:6.2f} s (in its worker)")
        print(f"unchanged rerun: {t_warm:.2f} s (built {warm.count('built')},"
              f" cached {warm.count('cached')})")

        profile_sections(cold.run_dir, cold.outcomes)
        # the naive loop starts without the maps the cold suite drew into the run folder
        # (it draws and reuses its own, as the notebooks do)
        shutil.rmtree(cold.run_dir / MAP_CACHE, ignore_errors=True)
        jobs = [(o.kind, o.code) for o in cold.outcomes]
        if args.baseline_sample:
            by_kind: dict[str, list] = {}
            for j in jobs:
                by_kind.setdefault(j[0], []).append(j)
            sample = [j for js in by_kind.values() for j in js[: args.baseline_sample]]
        else:
            sample = jobs
        out = Path(tmp) / "naive"
        out.mkdir()
        times = {}
        cpu_naive = cpu_seconds()
        for kind, code in sample:
            t = time.perf_counter()
            nb_out = out / f"{kind}-{code}.ipynb"
            spec = KINDS[kind]
            cmd = [str(bin_dir / "papermill"), str(root / "notebooks" / spec.notebook),
                   str(nb_out), "-p", "run_dir", str(cold.run_dir), "--no-progress-bar",
                   "--cwd", str(root / "notebooks"), "-k", "python3"]
            if spec.parameter:
                cmd += ["-p", spec.parameter, code]
            subprocess.run(cmd, check=True, capture_output=True)
            subprocess.run([str(bin_dir / "jupyter"), "nbconvert", "--to", "html", "--no-input",
                            str(nb_out)], check=True, capture_output=True)
            times[(kind, code)] = time.perf_counter() - t
            print(f"  naive {kind:8s} {code:12s} {times[(kind, code)]:6.2f} s")
        per_kind = {}
        for (kind, _), s in times.items():
            per_kind.setdefault(kind, []).append(s)
        t_naive = sum(sum(v) / len(v) * sum(1 for j in jobs if j[0] == k)
                      for k, v in per_kind.items())
        note = "" if len(sample) == len(jobs) else f" (extrapolated from {len(sample)} reports)"
        cpu_naive = cpu_seconds() - cpu_naive
        print(f"naive baseline: {t_naive:.1f} s{note}; CPU of the timed reports"
              f" {cpu_naive:.1f} s")
        print(f"cold / naive = {t_cold / t_naive:.3f} (target <= 0.125);"
              f" unchanged = {t_warm:.2f} s (target <= 2 s)")
        if len(sample) == len(jobs):
            print(f"cold / naive by CPU = {cpu_cold / cpu_naive:.3f} (less sensitive to the"
                  " machine's load)")
        load = load_average()
        print(f"load average at the end (1, 5, 15 min): {load}")
        shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    main()
