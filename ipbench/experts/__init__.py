"""The expert group's AHP workflow: questionnaires out, judgments in, a scenario file.

::

    from ipbench import experts
    experts.questionnaires("params/demo.yaml", ["专家A", "专家B"], "questionnaires/")
    col = experts.collect_files(["questionnaires/demo_专家A.xlsx", ...], "params/demo.yaml")
    col.problems            # bad cells, each naming expert, sheet and cell
    col.consistency()       # CR per expert and node
    col.hint_lines()        # judgments to revisit (CR-minimising single-entry change)
    col.write_scenario("params/demo_experts.yaml", method="aij")

Modules: :mod:`.hierarchy` (the comparison tree), :mod:`.questionnaire` (workbooks),
:mod:`.collect` (checking, matrices, scenario), :mod:`.consistency` (repair hints).
"""

from __future__ import annotations

from pathlib import Path

from ipbench import params as P
from ipbench.experts.collect import Collection, Problem, collect
from ipbench.experts.hierarchy import Tree, tree
from ipbench.experts.questionnaire import file_stem, write_questionnaire
from ipbench.project import Project

__all__ = ["Collection", "Problem", "Tree", "collect_files", "load_tree", "questionnaires"]


def _project_and_params(params_file: str | Path) -> tuple[Project, P.Params, str]:
    params_file = Path(params_file)
    params = P.load(params_file)
    project = Project.find(params_file.resolve().parent)
    try:
        rel = str(params_file.resolve().relative_to(project.root))
    except ValueError:
        rel = str(params_file)
    return project, params, rel


def load_tree(params_file: str | Path) -> Tree:
    """The comparison tree of a params file (catalogue + ``indicators.hierarchy``)."""
    project, params, _ = _project_and_params(params_file)
    return tree(params, project.root)


def questionnaires(params_file: str | Path, experts: list[str], folder: str | Path) -> list[Path]:
    """One questionnaire workbook per expert in ``folder`` (``<evaluation>_<expert>.xlsx``)."""
    from ipbench.errors import InputError
    from ipbench.indicators import Catalogue

    if not experts:
        raise InputError("name at least one expert (--expert NAME)")
    dup = sorted({e for e in experts if experts.count(e) > 1})
    if dup:
        raise InputError(f"expert names are given twice: {dup}")
    stems = [file_stem(e) for e in experts]
    clash = sorted({e for e, s in zip(experts, stems, strict=True) if stems.count(s) > 1})
    if clash:
        raise InputError(f"expert names {clash} give the same file name; make them differ in"
                         " letters or digits")
    project, params, rel = _project_and_params(params_file)
    tr = tree(params, project.root)
    cat = Catalogue.load(project.root / params.indicators.catalogue)
    name_col = "name_en" if params.lang == "en" else "name_zh"
    frame = cat.frame()
    frame = frame[~frame.index.isin(params.indicators.exclude)]
    if params.indicators.select is not None:
        frame = frame[frame.index.isin(params.indicators.select)]
    contents = frame.groupby("subsystem", sort=False)[name_col].agg(list).to_dict()
    out = []
    for e in experts:
        path = Path(folder) / f"{params.name}_{file_stem(e)}.xlsx"
        out.append(write_questionnaire(path, tr, e, evaluation=params.name, title=params.title,
                                       params_file=rel, contents=contents))
    return out


def collect_files(files: list[str | Path], params_file: str | Path, *, ri: str = "saaty",
                  cr_threshold: float = 0.1) -> Collection:
    """Read returned questionnaires of the evaluation ``params_file`` (see :mod:`.collect`)."""
    project, params, _ = _project_and_params(params_file)
    tr = tree(params, project.root)
    return collect(list(files), tr, str(Path(params_file)), ri=ri, cr_threshold=cr_threshold)
