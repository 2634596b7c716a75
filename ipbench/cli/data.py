"""`ipbench data build | check | show`: the data store of the project in the current folder."""

from __future__ import annotations

from typing import Annotated

import pandas as pd
import typer

from ipbench.errors import IpbenchError
from ipbench.project import Project

app = typer.Typer(
    no_args_is_help=True,
    help="Build, check and query the data store (data/raw + data/sources.yaml → data/ipbench.duckdb).",
)


DataSet = Annotated[str | None, typer.Option(
    "--data", "-d", help="Data set: data/NAME/sources.yaml with its own store (default: data/sources.yaml).")]


def _project(dataset: str | None = None) -> Project:
    try:
        return Project.find(dataset=dataset)
    except IpbenchError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None


def _fmt(v: float) -> str:
    return f"{v:,.0f}" if abs(v) >= 1000 else f"{v:.4g}"


@app.command()
def build(
    force: Annotated[bool, typer.Option("--force", help="Reload every source, ignoring what is stored.")] = False,
    data: DataSet = None,
) -> None:
    """Load changed sources into the store (incremental; the store is unchanged if any source fails)."""
    from ipbench.data.build import build as run_build

    project = _project(data)
    try:
        result = run_build(project, force=force, progress=True)
    except IpbenchError as exc:
        typer.echo(f"error: {exc}", err=True)
        typer.echo("The store was left unchanged. Run `ipbench data check` for every problem.", err=True)
        raise typer.Exit(1) from None
    for w in result.warnings:
        typer.echo(str(w))
    typer.echo(result.summary())


@app.command()
def check(data: DataSet = None) -> None:
    """Validate every source and print all problems (exit code 1 on errors; warnings pass)."""
    from ipbench.data.build import check as run_check

    project = _project(data)
    try:
        report = run_check(project)
    except IpbenchError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    typer.echo(report.summary())
    if not report.ok:
        raise typer.Exit(1)


@app.command()
def show(
    variable: Annotated[str, typer.Argument(help="Variable name from data/variables.yaml, e.g. gdp.")],
    region: Annotated[list[str] | None, typer.Option("--region", "-r", help="Region name or code (repeatable).")] = None,
    year: Annotated[list[int] | None, typer.Option("--year", "-y", help="Year (repeatable).")] = None,
    industry: Annotated[str, typer.Option("--industry", "-i", help="Industry code (ALL = whole economy).")] = "ALL",
    data: DataSet = None,
) -> None:
    """Print VARIABLE as a region × year table with bilingual region names."""
    from ipbench.data.freshness import fresh_store

    project = _project(data)
    try:
        store = fresh_store(project)  # the one freshness rule: never show a stale store
        facts = store.facts(variables=[variable], regions=region or None, industries=[industry], years=year or None)
        variables = store.variables().set_index("variable")
        regions = store.regions().set_index("region_code")
    except IpbenchError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    meta = variables.loc[variable]
    typer.echo(f"{meta['name_zh']} / {meta['name_en']} [{meta['unit']}], industry {industry}")
    if store.is_demo:
        typer.echo(f"** {store.notice} **")
    if facts.empty:
        typer.echo("(no data for this selection)")
        return
    table = facts.pivot_table(index="region_code", columns="year", values="value", aggfunc="first")
    labels = [f"{c} {regions.loc[c, 'name_zh']} / {regions.loc[c, 'name_en']}" for c in table.index]
    table.index = pd.Index(labels, name="region")
    with pd.option_context("display.width", 200, "display.max_columns", 30, "display.float_format", _fmt):
        typer.echo(table.to_string())
