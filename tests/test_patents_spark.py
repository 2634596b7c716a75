"""The same Ibis aggregation on DuckDB and on PySpark (local mode) gives identical facts.

Values are compared after rounding to 1e-9 (fractional weights are float sums whose order of
addition may differ between engines); integer counts must match exactly.
"""

from __future__ import annotations

import os

import duckdb
import ibis
import pandas as pd
import pytest

from ipbench.patents.aggregate import (
    compact_expr,
    event_weights_expr,
    facts_expr,
    facts_from_compact,
)

pytestmark = [pytest.mark.spark, pytest.mark.slow]

PATENTS = pd.DataFrame({
    "app_key": ["p1", "p2", "p3", "p4", "p5", "p6", "p7"],
    "region_code": ["320600", "320600", "320100", "320100", None, "320600", "320600"],
    "ptype": ["invention", "utility", "invention", "design", "invention", "invention", "invention"],
    "filing_year": [2019, 2020, 2020, 2021, 2020, 2015, 2019],
    "grant_year": [2021, 2020, None, 2021, 2022, 2017, 2021],
    "inforce_end": [2039, 2030, None, 2031, 2040, 2022, 2039],
    "ipc_main": ["H01L21/02", "B63B1/00", "D03D15/00", None, "H01L21/02", "A61K31/00", "H01L21/02"],
    "n_ipc": [2, 1, 3, 0, 1, 1, 2],
}).astype({"grant_year": "Int64", "inforce_end": "Int64", "filing_year": "int64", "n_ipc": "int64"})
PATENT_IPC = pd.DataFrame({
    "app_key": ["p1", "p1", "p2", "p3", "p3", "p3", "p5", "p6", "p7", "p7"],
    "ipc": ["H01L21/02", "D03D15/00", "B63B1/00", "D03D15/00", "H01M10/0525", "B63B1/00",
            "H01L21/02", "A61K31/00", "H01L21/02", "D03D15/00"],
})
EVENTS = pd.DataFrame({
    "app_key": ["p1", "p1", "p2", "p6"],
    "variable": ["patent_transfer", "patent_pledge", "patent_licence", "patent_transfer"],
    "year": [2022, 2023, 2021, 2018], "n": [1, 1, 2, 1],
}).astype({"year": "int64", "n": "int64"})
LOOKUP = pd.DataFrame({
    "ipc": ["H01L21/02", "D03D15/00", "D03D15/00", "B63B1/00", "A61K31/00"],
    "industry_code": ["ELECTRONICS", "TEXTILE", "SMART_EQUIP", "MARINE", "BIOMED"],
    "share": [1.0, 0.5, 0.5, 1.0, 1.0],
})
YEARS = list(range(2016, 2025))


# the same patents in the form the ingest uses: IPC codes per distinct set (ipc_key); p1 and
# p7 carry the same set (main H01L21/02 + D03D15/00) and the same region and years, so the set
# form counts them as one group with c = 2
SET_OF = {"p1": 1, "p2": 2, "p3": 3, "p4": 4, "p5": 5, "p6": 6, "p7": 1}
PATENTS_SET = PATENTS.assign(ipc_key=PATENTS["app_key"].map(SET_OF).astype("int64"))
IPC_SETS = PATENTS_SET[["ipc_key", "ipc_main", "n_ipc"]]
SET_IPC = (PATENT_IPC.assign(ipc_key=PATENT_IPC["app_key"].map(SET_OF).astype("int64"))
           [["ipc_key", "ipc"]].drop_duplicates(ignore_index=True))
IPC_SETS = IPC_SETS.drop_duplicates(ignore_index=True)

FRAMES = {"patents": PATENTS, "patent_ipc": PATENT_IPC, "events": EVENTS, "lookup": LOOKUP,
          "patents_set": PATENTS_SET, "ipc_sets": IPC_SETS, "set_ipc": SET_IPC}


def _duckdb():
    raw = duckdb.connect()
    for name, frame in FRAMES.items():
        raw.register(f"v_{name}", frame)
        raw.execute(f"CREATE TABLE t_{name} AS SELECT * FROM v_{name}")
    return ibis.duckdb.from_connection(raw)


def _run(con, policy: str, by_set: bool = False) -> pd.DataFrame:
    t = {name: con.table(f"t_{name}") for name in FRAMES}
    if by_set:  # as ipbench.patents.ingest does: weights per distinct IPC set
        args = (t["patents_set"], t["set_ipc"])
        expr = facts_from_compact(
            compact_expr(*args, t["lookup"], policy, ipc_sets=t["ipc_sets"]),
            event_weights_expr(*args, t["events"], t["lookup"], policy, ipc_sets=t["ipc_sets"]),
            YEARS,
        )
    else:
        expr = facts_expr(t["patents"], t["patent_ipc"], t["events"], t["lookup"], policy, YEARS)
    df = con.execute(expr)
    df["value"] = df["value"].astype(float).round(9)
    df["year"] = df["year"].astype("int64")
    return df.sort_values(["region_code", "industry_code", "year", "variable"], ignore_index=True)


# session scope: Spark starts (~25 s) once per test process, however the scheduler orders and
# spreads the module's tests (make test runs two processes, tests/conftest.py)
@pytest.fixture(scope="session")
def spark_con():
    if os.environ.get("CI", "").lower() != "true":
        pytest.importorskip("pyspark")
    from pyspark.sql import SparkSession

    session = (SparkSession.builder.master("local[1]").appName("ipbench-test")
               .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2")
               .config("spark.sql.session.timeZone", "UTC").getOrCreate())
    for name, frame in FRAMES.items():
        sdf = session.createDataFrame(frame.astype(object).where(frame.notna(), None))
        sdf.createOrReplaceTempView(f"t_{name}")
    yield ibis.pyspark.connect(session)
    session.stop()


@pytest.mark.parametrize("policy", ["main", "fractional", "full"])
def test_duckdb_and_spark_agree(spark_con, policy):
    duck = _run(_duckdb(), policy)
    spark = _run(spark_con, policy)
    assert len(duck) > 0
    pd.testing.assert_frame_equal(duck, spark, check_dtype=False)
    # the per-set form used by the ingest gives the same facts on both engines
    pd.testing.assert_frame_equal(_run(_duckdb(), policy, by_set=True), duck, check_dtype=False)
    pd.testing.assert_frame_equal(_run(spark_con, policy, by_set=True), duck, check_dtype=False)
    # one hand-checked value: 南通 ELECTRONICS in-force inventions at end-2021 (fractional: p1
    # and p7 have 2 codes each → 1/2 + 1/2; main/full: 1 + 1)
    m = ((duck.region_code == "320600") & (duck.industry_code == "ELECTRONICS")
         & (duck.year == 2021) & (duck.variable == "patent_inforce_invention"))
    assert float(duck.loc[m, "value"].iloc[0]) == (1.0 if policy == "fractional" else 2.0)


def test_ingest_engine_spark_equals_duckdb(tmp_path):
    """The whole ingest with engine='spark' (local session) gives the DuckDB facts and tables."""
    pytest.importorskip("pyspark")
    from ipbench.patents import ingest

    head = "申请号,申请日,授权公告日,主分类号,分类号,申请（专利权）人,地址,专利类型,转让日\n"
    rows = ["CN201910000001.1,2019-01-01,2021-01-01,B63B1/00,D03D15/00,南通船舶有限公司,江苏省南通市崇川区,发明,2022-01-01",
            "CN201920000002.1,2019-02-01,2019-09-01,H01L21/02,,南通大学;南通电子有限公司,江苏省南通市崇川区,实用新型,",
            "CN202010000005.1,2020-04-01,,B63B1/00,,Siemens AG,德国慕尼黑,发明,"]
    f = tmp_path / "a.csv"
    f.write_text(head + "\n".join(rows) + "\n", encoding="utf-8")
    a = ingest([f], scope="32", years=[2019, 2020, 2021, 2022])
    b = ingest([f], scope="32", years=[2019, 2020, 2021, 2022], engine="spark")
    pd.testing.assert_frame_equal(a.facts.round(9), b.facts.round(9), check_dtype=False)
    for name, t in a.tables.items():
        keys = [c for c in t.columns if t[c].dtype == object or str(t[c].dtype).startswith(("str", "int"))]
        x = t.sort_values(keys, ignore_index=True).round(9)
        y = b.tables[name][t.columns].sort_values(keys, ignore_index=True).round(9)
        pd.testing.assert_frame_equal(x, y, check_dtype=False, obj=name)
