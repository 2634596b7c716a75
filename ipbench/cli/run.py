"""Top-level commands ``ipbench run`` and ``ipbench lab`` (placeholder: filled in by its issue)."""

import typer


def register(app: typer.Typer) -> None:
    """Add the top-level commands to ``app``."""
