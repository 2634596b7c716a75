"""``ipbench export pdf [SUITE]``: the report pages of a suite as A4 PDFs (headless Chromium)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(no_args_is_help=True, add_completion=False)


@app.command("pdf")
def pdf(
    suite: Annotated[str, typer.Argument(help="Report suite under reports/ (e.g. demo); default: all")] = "",
    jobs: Annotated[int, typer.Option("--jobs", "-j", help="Pages printed at once")] = 2,
) -> None:
    """Print every page of reports/SUITE/ to reports/SUITE/pdf/ (A4)."""
    from ipbench.project import Project
    from ipbench.reports.pdf import ChromiumMissing, export_suite

    root = Project.find().reports
    suites = [root / suite] if suite else sorted(p for p in root.iterdir() if (p / "index.html").is_file())
    for s in suites:
        if not (s / "index.html").is_file():
            typer.echo(f"error: no report suite {s.name!r} in {root} (run `ipbench run params/{s.name}.yaml`)",
                       err=True)
            raise typer.Exit(2)
    try:
        for s in suites:
            outs = export_suite(s, jobs=jobs)
            typer.echo(f"{s.name}: {len(outs)} PDF(s) in {Path(s, 'pdf')}")
    except ChromiumMissing as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(3) from None
    except RuntimeError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
