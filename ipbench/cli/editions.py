"""``ipbench publish``: build the reports as a new edition, ``reports/<suite>/<edition>/``."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Annotated

import typer

from ipbench.errors import IpbenchError


def publish(
    params: Annotated[Path, typer.Argument(help="Parameter file, e.g. params/demo.yaml")],
    edition: Annotated[str, typer.Option(
        help="Edition name (default: the data vintage, e.g. 2024; 2024-2 when taken)")] = "auto",
    only: Annotated[list[str] | None, typer.Option(
        "--only", help="Build only some reports: overview, region:320600, industry:AUTO")] = None,
    jobs: Annotated[int, typer.Option("--jobs", "-j", help="Worker processes")] = 0,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar")] = False,
) -> None:
    """Run PARAMS and publish its reports as an edition that later runs never overwrite, with
    a "changes since the previous edition" page and the suite's list of editions."""
    from ipbench.reports.runner import run as run_reports

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # warnings are shown in the reports
            summary = run_reports(params, only=only or None, jobs=jobs or None,
                                  progress=not quiet, edition=edition)
    except (IpbenchError, ValueError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    typer.echo(summary.text())
    folder = Path(summary.index).parent
    typer.echo(f"edition: {folder}")
    typer.echo(f"changes: {folder / 'changes.html'}")
    typer.echo(f"editions: {folder.parent / 'index.html'}")
    if not summary.ok:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command("publish")(publish)
