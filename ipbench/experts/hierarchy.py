"""The comparison tree an expert group judges: the goal, the dimensions of
``indicators.hierarchy`` (when given) and the subsystems of the indicator catalogue.

Each node with two or more children is one questionnaire sheet (one pairwise-comparison
matrix). The leaves are the subsystems, which are the AHP ``elements`` of a params file
(``weighting.ahp.elements``); a subsystem that ``indicators.hierarchy`` does not name is its own
dimension (as in the evaluation's aggregation tree).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

from ipbench import params as P
from ipbench.errors import ParamsError
from ipbench.indicators import SUBSYSTEMS, Catalogue

GOAL = "goal"

#: Bilingual names of the goal and of common dimension codes of ``indicators.hierarchy``;
#: any other code is shown as written (the params file names it).
NODE_NAMES: dict[str, tuple[str, str]] = {
    GOAL: ("知识产权区域布局", "Regional IP layout"),
    "ip_creation": ("知识产权创造", "IP creation"),
    "ip_use": ("知识产权运用", "IP use"),
    "ip_protection": ("知识产权保护", "IP protection"),
    "resources": ("创新与产业资源", "Innovation and industry resources"),
}


def node_name(code: str, lang: str = "zh") -> str:
    """``中文（English）`` for a node or subsystem code (``lang`` picks which comes first)."""
    zh, en = NODE_NAMES.get(code) or SUBSYSTEMS.get(code) or (code, code)
    if zh == en:
        return zh
    return f"{zh}（{en}）" if lang != "en" else f"{en} ({zh})"


@dataclass(frozen=True)
class Node:
    """One comparison: ``code`` (goal or dimension) and the children compared pairwise."""

    code: str
    children: tuple[str, ...]

    @property
    def pairs(self) -> list[tuple[str, str]]:
        """Upper-triangle pairs (i < j) in the order of ``children``."""
        return list(combinations(self.children, 2))


@dataclass(frozen=True)
class Tree:
    """The comparison tree of one evaluation."""

    nodes: tuple[Node, ...]
    #: subsystems in matrix order (= ``weighting.ahp.elements`` of the scenario)
    elements: tuple[str, ...]
    #: dimension of each subsystem (the subsystem itself when no hierarchy names it)
    parent: dict[str, str]

    @property
    def fingerprint(self) -> str:
        """Hash of the tree, written into each questionnaire so that a workbook returned for
        another evaluation (or an older catalogue) is recognised."""
        blob = json.dumps([(n.code, n.children) for n in self.nodes], ensure_ascii=False)
        return hashlib.sha256(blob.encode()).hexdigest()[:16]

    def node(self, code: str) -> Node:
        return next(n for n in self.nodes if n.code == code)


def subsystems_of(params: P.Params, root: Path) -> list[str]:
    """Subsystems of the selected indicators (catalogue order), as the evaluation uses them."""
    spec = params.indicators
    path = root / spec.catalogue
    if not path.is_file():
        raise ParamsError(f"indicators.catalogue: file not found (value: {spec.catalogue!r})")
    cat = Catalogue.load(path)
    codes = list(spec.select) if spec.select is not None else cat.codes
    codes = [c for c in codes if c not in spec.exclude]
    subs = cat.subsystems
    return list(dict.fromkeys(subs[c] for c in codes if c in subs.index))


def tree(params: P.Params, root: Path) -> Tree:
    """The comparison tree of ``params`` (project folder ``root``)."""
    subs = subsystems_of(params, root)
    hier = params.indicators.hierarchy or {}
    parent = {s: s for s in subs}
    dims: dict[str, list[str]] = {}
    for dim, members in hier.items():
        for i, s in enumerate(members):
            if s not in subs:
                raise P.params_error(f"indicators.hierarchy.{dim}[{i}]", s, "unknown subsystem",
                                     subs)
            parent[s] = dim
    for s in subs:  # catalogue order within each dimension, dimensions in first-seen order
        dims.setdefault(parent[s], []).append(s)
    if len(subs) < 2:
        raise ParamsError(f"indicators: {len(subs)} subsystem selected; AHP needs at least 2")
    nodes: list[Node] = []
    if hier:
        nodes.append(Node(GOAL, tuple(dims)))
        nodes += [Node(d, tuple(m)) for d, m in dims.items() if len(m) >= 2 and d not in subs]
        elements = tuple(s for m in dims.values() for s in m)
    else:
        nodes.append(Node(GOAL, tuple(subs)))
        elements = tuple(subs)
        parent = {s: GOAL for s in subs}
    if len(nodes[0].children) < 2:  # one dimension only: the goal has nothing to compare
        nodes = nodes[1:]
    return Tree(tuple(nodes), elements, parent)
