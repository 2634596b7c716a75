"""Throw-away copies of the project for tests that run the real pipeline, and the demo report
suite built once per test session (shared by tests/test_reports_suite.py, tests/test_browser.py,
tests/test_browser_atlas.py and tests/test_reports_format.py).

The first :func:`copy_project` of a session lays a template: the project's data, params and
notebooks, with the demo store built and the demo evaluation run. Every copy starts from it, so
the store is built once per session instead of once per copy (a copy re-checks the store by
content hash, ~2 s, and finds it fresh; a test that changes a raw file still gets a rebuild).
``conftest.py`` names the session's temporary folder where the template is laid."""

from __future__ import annotations

import functools
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: the session's temporary folder (set by conftest.py); the template is laid below it
BASE: list[Path] = []


def _copy_sources(dest: Path) -> Path:
    """Copy what a run needs (data without run folders, params, notebooks) to ``dest``."""
    shutil.copytree(ROOT / "data", dest / "data", ignore=shutil.ignore_patterns("processed"))
    shutil.copytree(ROOT / "params", dest / "params")
    shutil.copytree(ROOT / "notebooks", dest / "notebooks",
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    (dest / "ipbench.toml").write_text("# ipbench project (test copy)\n", encoding="utf-8")
    return dest


@functools.lru_cache(maxsize=1)
def template(base: str) -> Path:
    """The project copied under ``base`` with the demo store built and the demo run computed."""
    from ipbench.evaluation import Evaluation
    from ipbench.reports.runner import _store

    root = _copy_sources(Path(base) / "template" / "project")
    ev = Evaluation.from_params(root / "params" / "demo.yaml")
    ev.source = "params/demo.yaml"  # as the runner records it, relative to the project
    ev.data = _store(ev.project)
    ev.ensure_run()
    return root


def copy_project(dest: Path) -> Path:
    """A copy of the project at ``dest``: data (demo store built, demo run folder present),
    params and notebooks; no reports."""
    if not BASE:  # outside a pytest session with conftest.py: copy the sources only
        return _copy_sources(dest)
    shutil.copytree(template(str(BASE[0])), dest, dirs_exist_ok=True)
    return dest


@functools.lru_cache(maxsize=1)
def built_demo(base: str) -> tuple[Path, object]:
    """Build the full demo suite in a copy of the project under ``base`` (once)."""
    from ipbench.reports.runner import run

    root = copy_project(Path(base) / "project")
    summary = run(root / "params" / "demo.yaml", jobs=2, progress=False)
    return root, summary
