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
def check(file: Annotated[Path, typer.Argument(help="Parameter file")]) -> None:
    """Validate FILE (after `extends:` merging); list every problem with its key path."""
    p = _load_or_exit(file)
    typer.echo(f"{file}: ok ({p.name}, hash {p.hash()[:12]})")


@app.command()
def show(file: Annotated[Path, typer.Argument(help="Parameter file")]) -> None:
    """Print FILE merged with its `extends:` base and every default filled in, as YAML."""
    typer.echo(_load_or_exit(file).to_yaml(), nl=False)
