"""Everything a source is checked against: variables, regions, industries (one project)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from ipbench.data.industries import IndustryIndex, load_industries
from ipbench.data.regions import _BUILTIN_ALIASES, RegionIndex
from ipbench.data.variables import Variable, load_variables
from ipbench.project import Project


def _hash_files(paths: list[Path]) -> str:
    h = hashlib.sha256()
    for p in paths:
        h.update(p.name.encode())
        h.update(p.read_bytes() if p.is_file() else b"<absent>")
    return h.hexdigest()


@dataclass(frozen=True)
class Vocabulary:
    """Variables, region and industry indexes of a project, with a hash of their files."""

    variables: dict[str, Variable]
    regions: RegionIndex
    industries: IndustryIndex
    fingerprint: str

    @classmethod
    def from_project(cls, project: Project) -> Vocabulary:
        aliases = project.region_aliases
        industries_file = project.industries
        return cls(
            variables=load_variables(project.variables),
            regions=RegionIndex.default(aliases),
            industries=IndustryIndex(load_industries(industries_file)),
            fingerprint=_hash_files([project.variables, industries_file, aliases, _BUILTIN_ALIASES]),
        )
