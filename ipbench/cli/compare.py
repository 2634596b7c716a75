"""``ipbench compare``: scenarios side by side, published beside the report suites."""

from __future__ import annotations

import re
import warnings
from pathlib import Path
from typing import Annotated

import typer

from ipbench.errors import IpbenchError


def output_folder(reports: Path, names: list[str]) -> Path:
    """``reports/compare/<a>__<b>[__<c>…]/`` (names are validated params slugs)."""
    safe = [re.sub(r"[^a-z0-9_-]", "_", n) for n in names]
    return reports / "compare" / "__".join(safe)


def compare(
    params: Annotated[list[Path], typer.Argument(help="Two or more parameter files; the first"
                                                 " is the baseline")],
    year: Annotated[int | None, typer.Option(help="Year compared (default: the first's base"
                                             " year)")] = None,
    out: Annotated[Path | None, typer.Option(
        "--out", "-o", help="Folder (default: reports/compare/<a>__<b>/)")] = None,
) -> None:
    """Run each evaluation once (reusing run folders) and publish the comparison page and
    workbook: methods and weights, rank moves, subindex, grade and guidance changes."""
    from ipbench.comparison import compare as run_compare
    from ipbench.project import Project

    if len(params) < 2:
        raise typer.BadParameter("give at least two parameter files", param_hint="PARAMS")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the runs' own warnings are in their reports
            cmp = run_compare(*params, year=year)
        folder = out or output_folder(Project.find(params[0].resolve().parent).reports,
                                      cmp.labels)
        files = cmp.write(folder)
    except (IpbenchError, ValueError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    for line in cmp.headline():
        typer.echo(line)
    typer.echo(f"workbook: {files['workbook']}")
    typer.echo(f"open: {files['page']}")


def register(app: typer.Typer) -> None:
    app.command("compare")(compare)
