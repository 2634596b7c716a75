"""``ipbench experts``: AHP questionnaires for the expert group, and collecting them."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ipbench.errors import IpbenchError

app = typer.Typer(no_args_is_help=True, add_completion=False,
                  help="AHP questionnaires for the expert group (专家组问卷) and their collection.")


@app.command("questionnaire")
def questionnaire(
    params: Annotated[Path, typer.Argument(help="The evaluation, e.g. params/demo.yaml")],
    expert: Annotated[list[str], typer.Option("--expert", "-e", help="An expert's name (repeat)")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for the workbooks")] = Path(
        "questionnaires"),
) -> None:
    """Write one Excel questionnaire per expert from the evaluation's indicator hierarchy."""
    from ipbench import experts

    try:
        files = experts.questionnaires(params, expert, out)
    except (IpbenchError, ValueError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    for f in files:
        typer.echo(f"wrote {f}")


def _weights(items: list[str] | None) -> dict[str, float]:
    out = {}
    for item in items or []:
        name, sep, value = item.rpartition("=")
        try:
            w = float(value)
        except ValueError:
            w = -1.0
        if not sep or not name or w <= 0:
            raise typer.BadParameter(f"{item!r}: use NAME=WEIGHT with a positive weight",
                                     param_hint="--weight")
        out[name] = w
    return out


@app.command("collect")
def collect(
    files: Annotated[list[Path], typer.Argument(help="Returned questionnaire workbooks")],
    into: Annotated[Path, typer.Option("--into", help="Scenario file to write, e.g."
                                       " params/demo_experts.yaml")],
    params: Annotated[Path | None, typer.Option(
        "--params", help="The evaluation (default: the one the questionnaires name)")] = None,
    method: Annotated[str, typer.Option(help="Group method: aij (judgments) or aip"
                                        " (priorities)")] = "aij",
    weight: Annotated[list[str] | None, typer.Option(
        "--weight", help="An expert's weight, NAME=WEIGHT (default 1 each)")] = None,
    combine: Annotated[str | None, typer.Option(
        help="Combine with the evaluation's objective weights: multiplicative or linear")] = None,
    cr_threshold: Annotated[float, typer.Option(help="Acceptable consistency ratio")] = 0.1,
    keep_inconsistent: Annotated[bool, typer.Option(
        "--keep-inconsistent", help="Write the scenario even when a CR is above the threshold")
    ] = False,
) -> None:
    """Check the returned workbooks, report CR per expert and sheet with the judgments to
    revisit, and write a scenario file for ``ipbench run``."""
    from ipbench import experts

    if method not in ("aij", "aip"):
        raise typer.BadParameter("use aij or aip", param_hint="--method")
    if combine not in (None, "multiplicative", "linear"):
        raise typer.BadParameter("use multiplicative or linear", param_hint="--combine")
    weights = _weights(weight)
    try:
        base = params or _base_of(files)
        col = experts.collect_files(files, base, cr_threshold=cr_threshold)
    except (IpbenchError, ValueError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    if col.problems:
        typer.echo(f"{len(col.problems)} problem(s) in the questionnaires:", err=True)
        for p in col.problems:
            typer.echo(f"  - {p}", err=True)
        typer.echo("no scenario written", err=True)
        raise typer.Exit(1)
    unknown = sorted(set(weights) - {e.name for e in col.experts})
    if unknown:
        typer.echo(f"error: --weight names unknown experts {unknown}", err=True)
        raise typer.Exit(2)
    table = col.consistency()
    typer.echo(f"consistency ratio CR (Saaty; acceptable <= {cr_threshold:g}):")
    for r in table.itertuples():
        flag = "ok" if r.consistent else "INCONSISTENT"
        typer.echo(f"  {r.expert:<12} {r.sheet:<24} n={r.n}  CR={r.cr:.3f}  {flag}")
    if not col.consistent:
        typer.echo("judgments to revisit (the single change that most lowers CR first;"
                   " Harker 1987, Saaty 2003):")
        for line in col.hint_lines():
            typer.echo(f"  - {line}")
        if not keep_inconsistent:
            typer.echo("no scenario written: revise the judgments above, or pass"
                       " --keep-inconsistent", err=True)
            raise typer.Exit(1)
    try:
        path = col.write_scenario(into, method=method, weights=weights, combine=combine)
    except (IpbenchError, ValueError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    typer.echo(f"wrote {path}  (run it: ipbench run {path})")


def _base_of(files: list[Path]) -> Path:
    """The params file the first readable questionnaire names (project-relative)."""
    import openpyxl

    from ipbench.experts.collect import _meta
    from ipbench.experts.questionnaire import META_SHEET
    from ipbench.project import Project

    for f in files:
        try:
            wb = openpyxl.load_workbook(f, read_only=True)
        except Exception:  # reported by collect with the file's name
            continue
        if META_SHEET in wb.sheetnames:
            facts, _ = _meta(wb[META_SHEET])
            if facts.get("params_file"):
                return Project.find().root / facts["params_file"]
    raise typer.BadParameter("no questionnaire names its evaluation; give --params",
                             param_hint="FILES")
