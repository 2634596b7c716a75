"""Shared fixtures. ``../shared`` (published cases, real reference data) sits beside the project
in CI and on developers' machines, but not in a user's clone: tests that need it skip with a
reason there, and fail loudly when ``CI=true``."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


def _need_shared(sub: str) -> Path:
    path = SHARED / sub
    if not path.exists():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true but {path} is missing: CI must provide ../shared")
        pytest.skip(f"{path} not found: ../shared (published cases, reference data) is absent")
    return path


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
def load_case(shared_cases):
    """``load_case("entropy_weights_elsayed2017")`` → the parsed JSON case."""

    def _load(case_id: str) -> dict:
        return json.loads((shared_cases / f"{case_id}.json").read_text(encoding="utf-8"))

    return _load
