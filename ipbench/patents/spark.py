"""Run the ingest's Ibis aggregation on Spark (``ipbench patents ingest --engine spark``).

Reading and cleaning stay in DuckDB; the narrow per-patent tables (one row per patent, a few
numeric and short text columns) are written as Parquet to a folder Spark can read and opened
as Ibis tables of a PySpark backend; :mod:`ipbench.patents.aggregate` and
:mod:`ipbench.patents.tables` then run there unchanged.

The session is configured the standard way: ``SparkSession.builder.getOrCreate()`` picks up
``SPARK_REMOTE`` (Spark Connect, e.g. ``sc://spark-master:15002``), or the master and
settings given by ``spark-submit`` / ``PYSPARK_SUBMIT_ARGS`` / ``spark-defaults.conf``.
``spark_dir`` (or the environment variable ``IPBENCH_SPARK_DIR``) must be readable by every
executor on a cluster (``hdfs://…``, ``s3a://…`` with DuckDB's httpfs, or a shared mount); the
default, a local temporary folder, suits ``local[*]`` and single-machine tests.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import duckdb

from ipbench.errors import ParamsError


def spark_session(spark: object | None = None) -> object:
    """``spark`` or the session of ``SparkSession.builder.getOrCreate()``."""
    if spark is not None:
        return spark
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ParamsError("engine 'spark' needs pyspark (pip install 'ibis-framework[pyspark]')") from exc
    return SparkSession.builder.appName("ipbench-patents").getOrCreate()


@contextmanager
def spark_tables(con: duckdb.DuckDBPyConnection, names: Sequence[str], *, spark: object | None = None,
                 spark_dir: str | Path | None = None) -> Iterator[dict]:
    """DuckDB tables ``names`` → Parquet in ``spark_dir`` → Ibis tables on Spark (yielded as a
    dict); a temporary folder is removed afterwards."""
    import ibis

    session = spark_session(spark)
    where = spark_dir or os.environ.get("IPBENCH_SPARK_DIR")
    tmp = None
    if where is None:
        tmp = tempfile.mkdtemp(prefix="ipbench_spark_")
        where = tmp
    try:
        backend = ibis.pyspark.connect(session)
        out = {}
        for name in names:
            path = f"{str(where).rstrip('/')}/{name}.parquet"
            con.execute(f"COPY (SELECT * FROM {name}) TO '{path.replace(chr(39), chr(39) * 2)}'"
                        " (FORMAT parquet)")
            out[name] = backend.read_parquet(path, table_name=f"ipbench_{name}")
        yield out
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
