"""Where a project's files live. The one place that defines paths (cookiecutter-data-science).

A project is the folder holding a ``pyproject.toml`` with a ``[tool.ipbench]`` table (or an
``ipbench.toml`` file). Commands find it by walking up from the current directory, as git
does, so a copied project folder works on its own files, never on the folder the package was
installed from.
"""

from __future__ import annotations

import re
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


DATASET_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


@dataclass(frozen=True)
class Project:
    """Paths of one project. Build with :meth:`Project.find` or ``Project(root)``.

    A project holds one or more **data sets**, each with its own sources file and store so
    that, for instance, demo data and real statistics never share a store:

    * the default data set (``dataset=None``): ``data/sources.yaml`` → ``data/ipbench.duckdb``;
    * a named data set ``NAME``: ``data/NAME/sources.yaml`` → ``data/NAME/ipbench.duckdb``.

    Raw files of every data set live under ``data/raw/`` (paths in a sources file are relative
    to it). The vocabulary (``variables.yaml``, ``industries.yaml``, ``region_aliases.yaml``) is
    read from the data set's folder when it has its own copy, else from ``data/``. A params
    file chooses its data set with the top-level key ``data:``; the CLI with ``--data NAME``.
    """

    root: Path
    dataset: str | None = None

    @classmethod
    def find(cls, start: str | Path | None = None, dataset: str | None = None) -> Project:
        return cls(find_root(start), dataset_name(dataset))

    def with_dataset(self, dataset: str | None) -> Project:
        """The same project with data set ``dataset`` (None = the default one)."""
        return Project(self.root, dataset_name(dataset))

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def dataset_dir(self) -> Path:
        """Folder of the data set's sources file and store (``data/`` or ``data/NAME/``)."""
        return self.data if self.dataset is None else self.data / self.dataset

    @property
    def raw(self) -> Path:
        """Immutable input files (never written by ipbench)."""
        return self.data / "raw"

    @property
    def sources(self) -> Path:
        """Declarative description of the raw files (``data/[NAME/]sources.yaml``)."""
        return self.dataset_dir / "sources.yaml"

    def vocabulary_file(self, name: str) -> Path:
        """``name`` (e.g. ``industries.yaml``) of the data set, else of the project."""
        own = self.dataset_dir / name
        return own if own.is_file() else self.data / name

    @property
    def variables(self) -> Path:
        """Vocabulary of known variables (``data/variables.yaml``)."""
        return self.vocabulary_file("variables.yaml")

    @property
    def industries(self) -> Path:
        """Industry dimension (``data/industries.yaml``)."""
        return self.vocabulary_file("industries.yaml")

    @property
    def region_aliases(self) -> Path:
        """Extra region-name aliases (``data/region_aliases.yaml``, optional)."""
        return self.vocabulary_file("region_aliases.yaml")

    @property
    def store(self) -> Path:
        """The embedded DuckDB store built from the data set's sources."""
        return self.dataset_dir / "ipbench.duckdb"

    @property
    def interim(self) -> Path:
        """Intermediate outputs of the data set (e.g. patent-ingestion issue lists)."""
        return self.dataset_dir / "interim"

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


def dataset_name(name: str | None) -> str | None:
    """Validate a data-set name (``None`` or ``"default"`` = the default data set)."""
    if name is None or name == "default":
        return None
    if not DATASET_RE.fullmatch(name):
        raise IpbenchError(
            f"data set {name!r}: use lower-case letters, digits, '_' or '-' (a folder under data/)"
        )
    return name
