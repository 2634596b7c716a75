"""Read returned questionnaires, check every judgment, build the experts' matrices, and write a
scenario file for ``ipbench run`` (``ipbench experts collect``).

Checks, each naming expert, sheet and cell: the workbook is a questionnaire of this evaluation
(hidden ``_ipbench`` sheet, same comparison tree); every node sheet is present with its rows
unchanged; in each row the side is element A, element B or 同等重要 Equal and the intensity an
integer 1-9; a side with intensity 1 or "Equal" with an intensity above 1 is contradictory.

Matrices: a_ij = intensity when element i is chosen, 1/intensity when j is, 1 when equal.
Consistency per expert and node: CR = CI/RI (Saaty 1977); an inconsistent matrix gets the
judgments to revisit from :func:`ipbench.experts.consistency.revisions`.

Scenario: ``weighting.ahp.elements`` are the subsystems. With a dimension level each expert's
flat matrix keeps their judgments between subsystems of one dimension and fills the entries
between dimensions with the ratio of their global priorities, g_i / g_j with
g_i = W(dimension of i) · w_i (Saaty's hierarchic composition), so that for consistent sheets the
principal eigenvector of the flat matrix equals the hierarchic weights.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ipbench import params as P
from ipbench.errors import DataError, ParamsError
from ipbench.experts import questionnaire as Q
from ipbench.experts.consistency import (
    as_fraction,
    consistency_ratio,
    priorities,
    revisions,
    scale_text,
)
from ipbench.experts.hierarchy import GOAL, Tree, node_name


@dataclass(frozen=True)
class Problem:
    """One bad judgment or workbook: where (expert, file, sheet, cell) and what."""

    expert: str
    file: str
    sheet: str
    cell: str
    message: str

    def __str__(self) -> str:
        where = f"{self.expert} ({self.file})"
        if self.sheet:
            where += f", sheet {self.sheet!r}"
        if self.cell:
            where += f", cell {self.cell}"
        return f"{where}: {self.message}"


@dataclass
class ExpertJudgments:
    """One expert's matrices, one per node, labelled by element codes."""

    name: str
    file: str
    matrices: dict[str, pd.DataFrame] = field(default_factory=dict)
    #: node → {(a, b): (sheet, cell of the intensity)} to point hints at cells
    cells: dict[str, dict[tuple[str, str], tuple[str, str]]] = field(default_factory=dict)


@dataclass
class Collection:
    """The collected questionnaires: judgments, problems, consistency and hints."""

    tree: Tree
    experts: list[ExpertJudgments]
    problems: list[Problem]
    params_file: str
    ri: str = "saaty"
    cr_threshold: float = 0.1

    @property
    def ok(self) -> bool:
        return not self.problems

    def consistency(self) -> pd.DataFrame:
        """CR per expert and node (``consistent`` = CR <= threshold)."""
        rows = []
        for e in self.experts:
            for k, node in enumerate(self.tree.nodes, start=1):
                m = e.matrices.get(node.code)
                if m is None:
                    continue
                cr = consistency_ratio(m.to_numpy(), self.ri)
                rows.append({"expert": e.name, "node": node.code, "sheet": Q.sheet_name(k, node.code),
                             "n": len(node.children), "cr": cr,
                             "consistent": cr <= self.cr_threshold})
        return pd.DataFrame(rows, columns=["expert", "node", "sheet", "n", "cr", "consistent"])

    @property
    def consistent(self) -> bool:
        table = self.consistency()
        return bool(table["consistent"].all()) if len(table) else True

    def hints(self, top: int = 3) -> list[dict[str, Any]]:
        """For every inconsistent (expert, node): the judgments to revisit, best first, each
        with its sheet and cell, the current and suggested answer and CR before/after."""
        out = []
        for e in self.experts:
            for node in self.tree.nodes:
                m = e.matrices.get(node.code)
                if m is None or consistency_ratio(m.to_numpy(), self.ri) <= self.cr_threshold:
                    continue
                for h in revisions(m, self.ri, top=top):
                    sheet, cell = e.cells[node.code][(h.i, h.j)]
                    out.append({"expert": e.name, "node": node.code, "sheet": sheet, "cell": cell,
                                **h.as_dict(), "now": answer_text(h.i, h.j, h.value),
                                "answer": answer_text(h.i, h.j, h.suggested)})
        return out

    def hint_lines(self, top: int = 3) -> list[str]:
        lines = []
        for h in self.hints(top):
            lines.append(
                f"{h['expert']}, sheet {h['sheet']!r}, cell {h['cell']} ({node_name(h['i'])} vs"
                f" {node_name(h['j'])}): now {h['now']}; answer {h['answer']} to lower CR"
                f" {h['cr_before']:.3f} -> {h['cr_after']:.3f} (consistent ratio w_i/w_j ="
                f" {h['consistent_ratio']:.3g})"
            )
        return lines

    def global_weights(self, expert: ExpertJudgments) -> pd.Series:
        """g_i = W(parent of i) · w_i (hierarchic composition; Saaty 1980, ch. 3)."""
        local = {code: pd.Series(priorities(m.to_numpy())[0], index=m.columns)
                 for code, m in expert.matrices.items()}
        goal = local.get(GOAL)
        g = {}
        for s in self.tree.elements:
            parent = self.tree.parent[s]
            if parent == GOAL:
                g[s] = float(goal[s]) if goal is not None else 1.0
            else:
                top = float(goal[parent]) if goal is not None else 1.0
                g[s] = top * (float(local[parent][s]) if parent in local else 1.0)
        out = pd.Series(g)
        return out / out.sum()

    def flat_matrix(self, expert: ExpertJudgments) -> pd.DataFrame:
        """The expert's n x n matrix over the subsystems (see the module docstring)."""
        el = list(self.tree.elements)
        g = self.global_weights(expert)
        a = pd.DataFrame(np.outer(g[el], 1 / g[el]), index=el, columns=el)
        for code, m in expert.matrices.items():
            if code == GOAL and any(p != GOAL for p in self.tree.parent.values()):
                continue  # goal compares dimensions, not subsystems
            a.loc[m.index, m.columns] = m.to_numpy()
        return a

    def scenario(self, name: str, extends: str, *, title: str | None = None,
                 method: str = "aij", weights: dict[str, float] | None = None,
                 combine: str | None = None, strict: bool = False) -> dict[str, Any]:
        """The scenario as a params dict (``extends`` the evaluation)."""
        experts = []
        for e in self.experts:
            m = self.flat_matrix(e)
            experts.append({"name": e.name, "weight": float((weights or {}).get(e.name, 1.0)),
                            "matrix": [[as_fraction(v) for v in row] for row in m.to_numpy()]})
        weighting: dict[str, Any] = {
            "method": "ahp",
            "ahp": {"elements": list(self.tree.elements), "method": method, "ri": self.ri,
                    "cr_threshold": self.cr_threshold, "strict": strict, "experts": experts},
        }
        if combine:
            weighting.pop("method")
            weighting["combine"] = {"method": combine}
        out: dict[str, Any] = {"extends": extends, "name": name}
        if title:
            out["title"] = title
        out["weighting"] = weighting
        return out

    def write_scenario(self, path: str | Path, **kwargs: Any) -> Path:
        """Write the scenario YAML (with a header naming the questionnaires and the CRs),
        then validate it by loading it."""
        from ipbench.atomic import write_atomic

        path = Path(path)
        base = Path(self.params_file)
        if base.resolve().parent != path.resolve().parent:
            raise ParamsError(f"{path}: write the scenario beside the evaluation it extends"
                              f" ({base.resolve().parent}/), e.g. --into"
                              f" {base.parent / (base.stem + '_experts.yaml')}")
        extends = os.path.relpath(base.resolve(), path.resolve().parent)
        name = kwargs.pop("name", None) or path.stem
        data = self.scenario(name, extends, **kwargs)
        table = self.consistency()
        head = ["# AHP scenario collected from expert questionnaires (ipbench experts collect).",
                f"# Base evaluation: {extends}; elements are the subsystems."]
        for e in self.experts:
            crs = table[table["expert"] == e.name]
            head.append(f"# {e.name}: {Path(e.file).name}; CR by sheet: " + ", ".join(
                f"{r.sheet} {r.cr:.3f}" for r in crs.itertuples()))
        if any(self.tree.parent[s] != GOAL for s in self.tree.elements):
            head.append("# Entries between subsystems of different dimensions are g_i/g_j of the"
                        " expert's hierarchic weights (Saaty); entries within a dimension are the"
                        " expert's judgments.")
        text = "\n".join(head) + "\n" + P.dump_yaml(data)
        P.validate(P.deep_merge(P.read_merged(base), {k: v for k, v in data.items()
                                                      if k != "extends"}), source=str(path))
        write_atomic(path, text)
        return path


def answer_text(i: str, j: str, v: float) -> str:
    """A matrix value as a questionnaire answer: ``'创造潜力' × 3`` or ``equal``."""
    if math.isclose(v, 1.0):
        return "同等重要 Equal (1)"
    if v > 1:
        return f"{node_name(i)} × {scale_text(v)}"
    return f"{node_name(j)} × {scale_text(1 / v)}"


# ------------------------------------------------------------------------------ reading


def _meta(ws: Any) -> tuple[dict[str, str], pd.DataFrame]:
    facts: dict[str, str] = {}
    rows = list(ws.iter_rows(values_only=True))
    k = 0
    while k < len(rows) and rows[k] and rows[k][0] not in (None, "sheet"):
        facts[str(rows[k][0])] = "" if rows[k][1] is None else str(rows[k][1])
        k += 1
    while k < len(rows) and (not rows[k] or rows[k][0] != "sheet"):
        k += 1
    table = pd.DataFrame([r[:5] for r in rows[k + 1:] if r and r[0] is not None],
                         columns=["sheet", "node", "row", "a", "b"])
    return facts, table


def _intensity(value: Any) -> int | str:
    """The intensity as an int 1-9, or the reason it is not one."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return "empty: choose an intensity 1-9"
    if isinstance(value, bool):
        return f"{value!r} is not a number 1-9"
    if isinstance(value, str):
        text = value.strip()
        try:
            value = float(text)
        except ValueError:
            return f"{text!r} is text, not an intensity 1-9"
    if not isinstance(value, (int, float)) or not math.isfinite(value):
        return f"{value!r} is not a number 1-9"
    if value != int(value) or not 1 <= value <= 9:
        return f"{value:g} is off Saaty's scale: choose an integer 1-9"
    return int(value)


def read_workbook(file: str | Path, tr: Tree, problems: list[Problem],
                  expected_name: str | None = None) -> ExpertJudgments | None:
    """One returned questionnaire → the expert's matrices; problems are appended."""
    import openpyxl

    file = Path(file)
    fname = file.name
    try:
        wb = openpyxl.load_workbook(file, data_only=True)
    except FileNotFoundError:
        problems.append(Problem(expected_name or "?", fname, "", "", "file not found"))
        return None
    except Exception as exc:  # a corrupt or non-Excel file
        problems.append(Problem(expected_name or "?", fname, "", "",
                                f"not an Excel workbook ({type(exc).__name__})"))
        return None
    if Q.META_SHEET not in wb.sheetnames:
        problems.append(Problem(expected_name or "?", fname, Q.META_SHEET, "",
                                "not a questionnaire written by `ipbench experts questionnaire`"
                                " (its hidden sheet is missing)"))
        return None
    facts, lay = _meta(wb[Q.META_SHEET])
    expert = facts.get("expert") or "?"
    if facts.get("format") != Q.FORMAT:
        problems.append(Problem(expert, fname, Q.META_SHEET, "B1",
                                f"unknown questionnaire format {facts.get('format')!r}"))
        return None
    if facts.get("tree") != tr.fingerprint:
        problems.append(Problem(expert, fname, "", "",
                                f"written for another evaluation or catalogue"
                                f" ({facts.get('evaluation')!r}, {facts.get('params_file')!r}):"
                                " its sheets do not match this evaluation's hierarchy; send the"
                                " expert a new questionnaire"))
        return None
    out = ExpertJudgments(expert, str(file))
    expected = Q.layout(tr).frame()
    for k, node in enumerate(tr.nodes, start=1):
        sheet = Q.sheet_name(k, node.code)
        if sheet not in wb.sheetnames:
            others = [s for s in wb.sheetnames if s not in (Q.META_SHEET, Q.INSTRUCTIONS)]
            problems.append(Problem(expert, fname, sheet, "",
                                    f"sheet is missing (renamed or deleted?); sheets found:"
                                    f" {others}"))
            continue
        ws = wb[sheet]
        idx = list(node.children)
        a = np.eye(len(idx))
        cells: dict[tuple[str, str], tuple[str, str]] = {}
        rows = expected[expected["sheet"] == sheet]
        for r in rows.itertuples():
            ca, cb = node_name(r.a), node_name(r.b)
            got_a = ws[f"{Q.COL_A}{r.row}"].value
            got_b = ws[f"{Q.COL_B}{r.row}"].value
            if got_a != ca or got_b != cb:
                problems.append(Problem(expert, fname, sheet, f"{Q.COL_A}{r.row}",
                                        f"row changed: expected {ca!r} vs {cb!r}, found"
                                        f" {got_a!r} vs {got_b!r}"))
                continue
            side_cell, val_cell = f"{Q.COL_SIDE}{r.row}", f"{Q.COL_VALUE}{r.row}"
            side = ws[side_cell].value
            side = side.strip() if isinstance(side, str) else side
            raw = ws[val_cell].value
            cells[(r.a, r.b)] = (sheet, val_cell)
            if side in (None, ""):
                problems.append(Problem(expert, fname, sheet, side_cell,
                                        f"empty: choose {ca!r}, {cb!r} or {Q.EQUAL!r}"))
                continue
            if side not in (ca, cb, Q.EQUAL):
                problems.append(Problem(expert, fname, sheet, side_cell,
                                        f"{side!r} is not one of {ca!r}, {cb!r}, {Q.EQUAL!r}"))
                continue
            if side == Q.EQUAL and raw in (None, ""):
                v: int | str = 1
            else:
                v = _intensity(raw)
            if isinstance(v, str):
                problems.append(Problem(expert, fname, sheet, val_cell, v))
                continue
            if side == Q.EQUAL and v != 1:
                problems.append(Problem(expert, fname, sheet, val_cell,
                                        f"contradictory: {Q.EQUAL!r} in {side_cell} but intensity"
                                        f" {v}; equal importance is 1"))
                continue
            if side != Q.EQUAL and v == 1:
                problems.append(Problem(expert, fname, sheet, val_cell,
                                        f"contradictory: {side!r} is chosen as more important in"
                                        f" {side_cell} but intensity 1 means equal; choose 2-9"
                                        f" or {Q.EQUAL!r}"))
                continue
            i, j = idx.index(r.a), idx.index(r.b)
            value = 1.0 if side == Q.EQUAL else (float(v) if side == ca else 1.0 / v)
            a[i, j], a[j, i] = value, 1.0 / value
        out.cells[node.code] = cells
        out.matrices[node.code] = pd.DataFrame(a, index=idx, columns=idx)
    return out


def collect(files: list[str | Path], tr: Tree, params_file: str, *, ri: str = "saaty",
            cr_threshold: float = 0.1) -> Collection:
    """Read every questionnaire in ``files``; see the module docstring for the checks."""
    problems: list[Problem] = []
    experts: list[ExpertJudgments] = []
    seen: dict[str, str] = {}
    for f in files:
        before = len(problems)
        e = read_workbook(f, tr, problems)
        if e is None:
            continue
        if e.name in seen:
            problems.append(Problem(e.name, Path(f).name, Q.META_SHEET, "B5",
                                    f"the same expert also answered {Path(seen[e.name]).name}"))
            continue
        seen[e.name] = str(f)
        if len(problems) == before:
            experts.append(e)
    if not files:
        raise DataError("no questionnaire files given")
    return Collection(tr, experts, problems, params_file, ri, cr_threshold)
