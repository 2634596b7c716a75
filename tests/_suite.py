"""A throw-away copy of the project with the demo report suite built once per test session
(shared by tests/test_reports_suite.py and tests/test_browser.py)."""

from __future__ import annotations

import functools
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def copy_project(dest: Path) -> Path:
    """Copy what a run needs (data without run folders, params, notebooks) to ``dest``."""
    shutil.copytree(ROOT / "data", dest / "data", ignore=shutil.ignore_patterns("processed"))
    shutil.copytree(ROOT / "params", dest / "params")
    shutil.copytree(ROOT / "notebooks", dest / "notebooks",
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    (dest / "ipbench.toml").write_text("# ipbench project (test copy)\n", encoding="utf-8")
    return dest


@functools.lru_cache(maxsize=1)
def built_demo(base: str) -> tuple[Path, object]:
    """Build the full demo suite in a copy of the project under ``base`` (once)."""
    from ipbench.reports.runner import run

    root = copy_project(Path(base) / "project")
    summary = run(root / "params" / "demo.yaml", jobs=2, progress=False)
    return root, summary
