"""`ipbench params check FILE` and `ipbench params show FILE`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ipbench.errors import IpbenchError

app = typer.Typer(no_args_is_help=True)


@app.command()
def check(file: Annotated[Path, typer.Argument(help="Parameter file")]) -> None:
    """Validate FILE (after `extends:` merging); list every problem with its key path."""
    from ipbench import params as P

    try:
        p = P.load(file)
    except IpbenchError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from None
    typer.echo(f"{file}: ok ({p.name}, hash {p.hash()[:12]})")


@app.command()
def show(file: Annotated[Path, typer.Argument(help="Parameter file")]) -> None:
    """Print FILE merged with its `extends:` base and every default filled in, as YAML."""
    from ipbench import params as P

    try:
        p = P.load(file)
    except IpbenchError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from None
    typer.echo(p.to_yaml(), nl=False)
