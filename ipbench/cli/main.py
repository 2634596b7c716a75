"""Entry point of the ``ipbench`` command: registers each command group's Typer app."""

from __future__ import annotations

import typer

from ipbench.cli import compare, data, editions, experts, export, params, patents, run

app = typer.Typer(
    name="ipbench",
    help="ipbench: evaluate the regional layout of intellectual property (知识产权区域布局评价).",
    no_args_is_help=True,
    add_completion=False,
)
app.add_typer(data.app, name="data", help="Build, check and query the data store.")
app.add_typer(params.app, name="params", help="Check and show parameter files.")
app.add_typer(patents.app, name="patents", help="Ingest patent-record exports.")
run.register(app)  # top-level commands: run, lab, demo
app.add_typer(experts.app, name="experts", help="AHP questionnaires for the expert group.")
compare.register(app)  # ipbench compare A B …: scenarios side by side
editions.register(app)  # ipbench publish: reports kept as an edition
app.add_typer(export.app, name="export", help="Export report pages (PDF via headless Chromium).")


if __name__ == "__main__":  # pragma: no cover
    app()
