"""Where a project's files live. The one place that defines paths (cookiecutter-data-science).

A project is the folder holding a ``pyproject.toml`` with a ``[tool.ipbench]`` table (or an
``ipbench.toml`` file). Commands find it by walking up from the current directory, as git
does, so a copied project folder works on its own files, never on the folder the package was
installed from.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from ipbench.errors import IpbenchError


class ProjectNotFound(IpbenchError):
    """No ipbench project above the given folder."""


def _is_project_root(folder: Path) -> bool:
    if (folder / "ipbench.toml").is_file():
        return True
    pp = folder / "pyproject.toml"
    if pp.is_file():
        try:
            return "ipbench" in tomllib.loads(pp.read_text(encoding="utf-8")).get("tool", {})
        except (tomllib.TOMLDecodeError, UnicodeDecodeError):
            return False
    return False


def find_root(start: str | Path | None = None) -> Path:
    """Return the nearest folder at or above ``start`` (default: cwd) that is a project root."""
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if _is_project_root(folder):
            return folder
    raise ProjectNotFound(
        f"no ipbench project at or above {here}: run the command inside a project folder"
        " (one with a pyproject.toml holding [tool.ipbench], or an ipbench.toml)"
    )


@dataclass(frozen=True)
class Project:
    """Paths of one project. Build with :meth:`Project.find` or ``Project(root)``."""

    root: Path

    @classmethod
    def find(cls, start: str | Path | None = None) -> Project:
        return cls(find_root(start))

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def raw(self) -> Path:
        """Immutable input files (never written by ipbench)."""
        return self.data / "raw"

    @property
    def sources(self) -> Path:
        """Declarative description of the raw files (``data/sources.yaml``)."""
        return self.data / "sources.yaml"

    @property
    def variables(self) -> Path:
        """Vocabulary of known variables (``data/variables.yaml``)."""
        return self.data / "variables.yaml"

    @property
    def store(self) -> Path:
        """The embedded DuckDB store built from ``data/raw``."""
        return self.data / "ipbench.duckdb"

    @property
    def runs(self) -> Path:
        """Evaluation run folders (Parquet tables + JSON manifest)."""
        return self.data / "processed" / "runs"

    @property
    def params(self) -> Path:
        return self.root / "params"

    @property
    def indicators(self) -> Path:
        """Indicator catalogues (``params/indicators/*.yaml``)."""
        return self.params / "indicators"

    @property
    def notebooks(self) -> Path:
        return self.root / "notebooks"

    @property
    def reports(self) -> Path:
        return self.root / "reports"
