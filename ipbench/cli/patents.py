"""`ipbench patents ...`: ingest patent-list exports (CNIPA / incoPat / Patsnap) into facts rows."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from tqdm import tqdm

from ipbench.errors import IpbenchError

app = typer.Typer(no_args_is_help=True, help="专利数据导入 / Ingest patent-record exports.")

_STEPS = ("read", "clean", "regions", "industries", "aggregate")


@app.command("ingest")
def ingest_cmd(
    files: Annotated[list[Path], typer.Argument(help="CSV (.csv, .csv.gz; UTF-8 or GBK) or XLSX exports")],
    mapping: Annotated[str, typer.Option(help="preset (cnipa, incopat, patsnap, ipbench) or YAML file")] = "cnipa",
    concordance: Annotated[Path | None, typer.Option(help="IPC→GB/T 4754 concordance CSV (default: the curated demo table)")] = None,
    policy: Annotated[str, typer.Option(help="counting policy: main | fractional | full")] = "fractional",
    target: Annotated[str, typer.Option(help="industries: pilot (data/industries.yaml) or gbt4754")] = "pilot",
    level: Annotated[str, typer.Option(help="region level: prefecture | county | province")] = "prefecture",
    scope: Annotated[str | None, typer.Option(help="code prefix of the regions studied, e.g. 32")] = None,
    source: Annotated[str, typer.Option(help="source id written in the facts rows")] = "patent_export",
    out: Annotated[Path | None, typer.Option(help="output folder (default data/interim/patents)")] = None,
    strict: Annotated[bool, typer.Option(help="stop at the first malformed cell")] = False,
    engine: Annotated[str, typer.Option(help="where the aggregation runs: duckdb | spark (SparkSession"
                                        " from SPARK_REMOTE / spark-submit settings)")] = "duckdb",
    spark_dir: Annotated[str | None, typer.Option(help="folder every Spark executor can read (engine spark;"
                                                  " default IPBENCH_SPARK_DIR or a local temp folder)")] = None,
) -> None:
    """Read exports, assign regions and industries, count by region × industry × year."""
    from ipbench.patents.ingest import ingest
    from ipbench.project import Project, ProjectNotFound

    if out is None:
        try:
            out = Project.find().data / "interim" / "patents"
        except ProjectNotFound:
            out = Path("patents_out")
    bar = tqdm(total=len(files) + len(_STEPS), desc="patents", unit="step")

    def on_step(name: str) -> None:
        bar.set_postfix_str(name)
        bar.update(1)

    def on_file(fr) -> None:  # noqa: ANN001
        bar.set_postfix_str(f"{fr.file}: {fr.rows:,} rows ({fr.encoding})")
        bar.update(1)

    try:
        result = ingest(files, mapping=mapping, concordance=concordance, policy=policy,
                        target=target, level=level, scope=scope, source=source, strict=strict,
                        on_step=on_step, on_file=on_file, engine=engine, spark_dir=spark_dir)
    except IpbenchError as exc:
        bar.close()
        typer.secho(f"error: {exc}", fg=typer.colors.RED, err=True)
        raise typer.Exit(2) from exc
    bar.update(bar.total - bar.n)
    bar.close()
    out.mkdir(parents=True, exist_ok=True)
    facts_path = out / f"{source}_facts.csv"
    result.facts.to_csv(facts_path, index=False, encoding="utf-8")
    result.issues.to_csv(out / f"{source}_issues.csv", index=False, encoding="utf-8-sig")
    result.unassigned.to_csv(out / f"{source}_unassigned.csv", index=False, encoding="utf-8-sig")
    typer.echo(result.summary())
    for err in result.errors(limit=5):
        typer.echo(f"  DataError: {err}")
    if len(result.issues) > 5:
        typer.echo(f"  … {len(result.issues) - 5:,} more in {out / (source + '_issues.csv')}")
    typer.echo(f"facts → {facts_path}")
    typer.echo(
        "to load these records into the store on every `ipbench data build`, describe them in"
        " data/sources.yaml (files relative to data/raw):\n"
        f"  - {{id: {source}, layout: patent_records, files: [<glob>], mapping: {mapping},"
        f" policy: {policy}, level: {level}}}"
    )


@app.command("presets")
def presets_cmd() -> None:
    """List the column-mapping presets."""
    from ipbench.patents.mappings import list_presets, load_mapping

    for name in list_presets():
        m = load_mapping(name)
        typer.echo(f"{name:10s} {m.label}  [{m.evidence}]")
