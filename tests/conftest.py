"""Shared fixtures. ``../shared`` (published cases, real reference data) sits beside the project
in CI and on developers' machines, but not in a user's clone: tests that need it skip with a
reason there, and fail loudly when ``CI=true``."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


#: test modules that share one pytest-xdist worker (``make test`` runs ``-n 2 --dist loadgroup``):
#: those reading the built demo suite, which that worker then builds once
#: (:func:`_suite.built_demo`), and the Spark tests, which then start Spark once
SHARED_WORKER = {
    "test_browser.py": "demo_suite", "test_browser_atlas.py": "demo_suite",
    "test_reports_format.py": "demo_suite", "test_reports_suite.py": "demo_suite",
    "test_patents_spark.py": "spark",
}


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):  # noqa: ANN001, ANN201
    """``--dist loadgroup`` grouping the modules of :data:`SHARED_WORKER`. pytest-xdist 3.8 groups
    tests by their ``xdist_group`` mark through a suffix on the node id, which pytest 9.2 no
    longer carries (node ids are now computed), so its groups were ignored; the scheduler's
    scope of a test is set here instead: the module's group, else the test itself."""
    if config.getoption("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadGroupScheduling

    class ByModule(LoadGroupScheduling):
        def _split_scope(self, nodeid: str) -> str:
            module = nodeid.split("::", 1)[0].rsplit("/", 1)[-1]
            return SHARED_WORKER.get(module) or super()._split_scope(nodeid)

    return ByModule(config, log)


def _need_shared(sub: str) -> Path:
    path = SHARED / sub
    if not path.exists():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true but {path} is missing: CI must provide ../shared")
        pytest.skip(f"{path} not found: ../shared (published cases, reference data) is absent")
    return path


@pytest.fixture(scope="session", autouse=True)
def _suite_base(tmp_path_factory) -> None:
    """Where ``_suite.copy_project`` lays its once-per-session template (see tests/_suite.py)."""
    import _suite

    _suite.BASE[:] = [tmp_path_factory.getbasetemp()]


@pytest.fixture(scope="session")
def project_root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def shared_cases() -> Path:
    """Folder of published worked examples (``../shared/cases``)."""
    return _need_shared("cases")


@pytest.fixture(scope="session")
def shared_reference() -> Path:
    """Folder of real public statistics (``../shared/reference``)."""
    return _need_shared("reference")


@pytest.fixture(scope="session")
def demo_tables_store(tmp_path_factory):
    """A store of the demo's table sources (Jiangsu's cities, Nantong's counties), built once per
    session; the 200k-record patent demo is left out (tests/test_data_demo.py builds it)."""
    import yaml
    from data_corpus import REPO, make_project, write_sources

    from ipbench.data import Store, build
    from ipbench.project import Project

    root = tmp_path_factory.mktemp("demo_tables")
    make_project(root, sources=[], files={})
    shutil.copytree(REPO / "data" / "raw" / "demo", root / "data" / "raw" / "demo")
    doc = yaml.safe_load((REPO / "data" / "sources.yaml").read_text(encoding="utf-8"))
    write_sources(root, [s for s in doc["sources"] if s.get("layout") != "patent_records"])
    assert build(Project(root)).warnings == []
    return Store.open(Project(root))


@pytest.fixture(scope="session")
def load_case(shared_cases):
    """``load_case("entropy_weights_elsayed2017")`` → the parsed JSON case."""

    def _load(case_id: str) -> dict:
        return json.loads((shared_cases / f"{case_id}.json").read_text(encoding="utf-8"))

    return _load


class Headless:
    """Debian's Chromium, headless, each launch with a throw-away profile (``.ci/run`` installs
    it). ``argv`` is the command line for a launch of one's own (``Popen``); ``run`` launches,
    waits and returns what the browser printed (``--dump-dom``)."""

    FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--no-first-run")

    def __init__(self, exe: str) -> None:
        self.exe = exe

    def argv(self, profile: str | Path, *extra: str) -> list[str]:
        return [self.exe, *self.FLAGS, f"--user-data-dir={profile}", *extra]

    def run(self, url: str, *extra: str, timeout: float = 120) -> str:
        with tempfile.TemporaryDirectory() as profile:
            res = subprocess.run(self.argv(profile, *extra, url), capture_output=True, text=True,
                                 timeout=timeout)
        assert res.returncode == 0, res.stderr[-2000:]
        return res.stdout


@pytest.fixture(scope="session")
def chromium() -> Headless:
    """Headless Chromium; skips without it, but fails under ``CI=true``."""
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if exe is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("CI=true but chromium is missing (.ci/run installs Debian's chromium)")
        pytest.skip("chromium not installed (apt-get install chromium)")
    return Headless(exe)
