"""The project's own files must install what it needs: pyproject.toml and environment.yml agree,
and the README's two commands are the ones CI runs."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]

# conda-forge package names that differ from PyPI's (none used at the moment; kept explicit).
CONDA_TO_PYPI: dict[str, str] = {}


def _split(req: str) -> tuple[str, str]:
    """'pandas>=2.2,<4' -> ('pandas', '>=2.2,<4'); extras are kept with the name."""
    m = re.match(r"^\s*([A-Za-z0-9_.\-]+(?:\[[^\]]+\])?)\s*(.*)$", req)
    assert m, req
    return m.group(1).lower().replace("_", "-"), m.group(2).replace(" ", "")


def _pyproject() -> dict[str, str]:
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    reqs = list(meta["dependencies"]) + list(meta["optional-dependencies"]["dev"])
    return dict(_split(r) for r in reqs)


def _environment() -> tuple[dict[str, str], str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    out: dict[str, str] = {}
    python = ""
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            for req in dep["pip"]:
                if req.startswith("-e"):
                    continue
                name, spec = _split(req)
                out[name] = spec
        elif dep != "pip":
            name, spec = _split(dep)
            if name == "python":
                python = spec
            else:
                out[CONDA_TO_PYPI.get(name, name)] = spec
    return out, python


def test_environment_yml_lists_the_same_dependencies_as_pyproject():
    pyproject = _pyproject()
    conda, _ = _environment()
    assert set(conda) == set(pyproject), (
        f"only in pyproject: {sorted(set(pyproject) - set(conda))}; "
        f"only in environment.yml: {sorted(set(conda) - set(pyproject))}"
    )
    differing = {k: (pyproject[k], conda[k]) for k in pyproject if pyproject[k] != conda[k]}
    assert not differing, f"version ranges differ (pyproject, environment.yml): {differing}"


def test_environment_yml_python_matches_requires_python():
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    _, python = _environment()
    lower = re.search(r">=\s*([\d.]+)", meta["requires-python"]).group(1)
    assert python.startswith(f">={lower}"), (python, meta["requires-python"])


def test_every_dependency_has_a_version_range():
    for name, spec in _pyproject().items():
        assert ">=" in spec and "<" in spec, f"{name} needs a lower and an upper bound: {spec!r}"


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    blocks = re.findall(r"```(?:bash|sh)?\n(.*?)```", readme, flags=re.S)
    quick = [line.strip() for b in blocks[:2] for line in b.strip().splitlines()]
    assert quick == ["make demo", "make test"], quick
    assert re.search(r"^make test$", ci, flags=re.M), ".ci/run must call `make test`"
