"""Tables of the DuckDB store and how they are written (see docs/ARCHITECTURE.md)."""

from __future__ import annotations

import hashlib

import duckdb

from ipbench.data.variables import variables_frame

SCHEMA_VERSION = "1"

DDL = """
CREATE TABLE facts (
    region_code VARCHAR NOT NULL, industry_code VARCHAR NOT NULL, year INTEGER NOT NULL,
    variable VARCHAR NOT NULL, value DOUBLE NOT NULL, unit VARCHAR NOT NULL, source VARCHAR NOT NULL
);
CREATE TABLE regions (
    region_code VARCHAR PRIMARY KEY, name_zh VARCHAR, name_en VARCHAR, level VARCHAR, parent_code VARCHAR
);
CREATE TABLE region_aliases (alias VARCHAR, region_code VARCHAR, kind VARCHAR);
CREATE TABLE industries (
    industry_code VARCHAR PRIMARY KEY, name_zh VARCHAR, name_en VARCHAR, classification VARCHAR,
    level INTEGER, parent_code VARCHAR, gbt4754 VARCHAR
);
CREATE TABLE variables (
    variable VARCHAR PRIMARY KEY, name_zh VARCHAR, name_en VARCHAR, unit VARCHAR, kind VARCHAR, "group" VARCHAR
);
CREATE TABLE sources (
    id VARCHAR PRIMARY KEY, file VARCHAR, sha256 VARCHAR, spec_hash VARCHAR, demo BOOLEAN,
    loaded_at VARCHAR, "rows" BIGINT
);
CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR);
"""

TABLES = ("facts", "regions", "region_aliases", "industries", "variables", "sources", "meta")


def create(con: duckdb.DuckDBPyConnection) -> None:
    for t in TABLES:
        con.execute(f"DROP TABLE IF EXISTS {t}")
    con.execute(DDL)


def is_current(con: duckdb.DuckDBPyConnection) -> bool:
    names = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    if not set(TABLES) <= names:
        return False
    row = con.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
    return bool(row and row[0] == SCHEMA_VERSION)


def _replace(con: duckdb.DuckDBPyConnection, table: str, frame) -> None:  # noqa: ANN001
    con.execute(f"DELETE FROM {table}")
    con.register("_frame", frame)
    cols = ", ".join(f'"{c}"' for c in frame.columns)
    con.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM _frame")
    con.unregister("_frame")


def write_dimensions(con: duckdb.DuckDBPyConnection, vocab) -> None:  # noqa: ANN001
    _replace(con, "regions", vocab.regions.table)
    _replace(con, "region_aliases", vocab.regions.aliases)
    _replace(con, "industries", vocab.industries.table)
    _replace(con, "variables", variables_frame(vocab.variables))


def write_meta(con: duckdb.DuckDBPyConnection, vocabulary_hash: str) -> None:
    rows = con.execute("SELECT id, sha256, spec_hash FROM sources ORDER BY id").fetchall()
    h = hashlib.sha256(vocabulary_hash.encode())
    for r in rows:
        h.update("|".join(r).encode())
    con.execute("DELETE FROM meta")
    con.executemany(
        "INSERT INTO meta VALUES (?, ?)",
        [["schema", SCHEMA_VERSION], ["vocabulary", vocabulary_hash], ["fingerprint", h.hexdigest()]],
    )
