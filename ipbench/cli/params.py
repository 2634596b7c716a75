"""`ipbench params check FILE` and `ipbench params show FILE`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from ipbench.errors import IpbenchError

app = typer.Typer(no_args_is_help=True)


def _load_or_exit(file: Path) -> Any:
    """The validated, merged params of ``file``; on error print it and exit with status 1."""
    from ipbench import params as P

    try:
        return P.load(file)
    except IpbenchError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from None


@app.command()
def check(
    file: Annotated[Path, typer.Argument(help="Parameter file")],
    no_data: Annotated[bool, typer.Option(
        "--no-data", help="Check the file only, not against the data store")] = False,
) -> None:
    """Validate FILE (after `extends:` merging) and check it against the data: every problem
    with its key path, the indicators the data cannot support, and what a run will skip."""
    p = _load_or_exit(file)
    if no_data:
        typer.echo(f"{file}: ok ({p.name}, hash {p.hash()[:12]}; not checked against the data)")
        return
    from ipbench.data.freshness import fresh_store
    from ipbench.project import Project
    from ipbench.steps.preflight import preflight

    try:
        project = Project.find(file.resolve().parent).with_dataset(p.data)
        result = preflight(p, project, fresh_store(project))
    except IpbenchError as exc:
        typer.echo(f"{file}: {exc}", err=True)
        raise typer.Exit(1) from None
    text = result.summary()
    if text:
        typer.echo(text, err=not result.ok)
    if not result.ok:
        typer.echo(f"{file}: {len(result.problems)} problem(s)", err=True)
        raise typer.Exit(1)
    typer.echo(f"{file}: ok ({p.name}, hash {p.hash()[:12]}; {len(result.dropped)} indicator(s)"
               f" dropped, {len(result.skipped)} part(s) skipped)")


@app.command()
def show(file: Annotated[Path, typer.Argument(help="Parameter file")]) -> None:
    """Print FILE merged with its `extends:` base and every default filled in, as YAML."""
    typer.echo(_load_or_exit(file).to_yaml(), nl=False)
