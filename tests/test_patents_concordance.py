"""IPC → industry concordance: longest-prefix matching and the three counting policies.

Expected weights below are worked out by hand from the formulas in
ipbench/patents/concordance.py (OECD Patent Statistics Manual 2009: fractional counting gives
each of a patent's k codes 1/k).
"""

from __future__ import annotations

import ibis
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ipbench.errors import DataError
from ipbench.patents.aggregate import industry_weights
from ipbench.patents.concordance import normalise_ipc, prefix_keys, read_concordance

TINY = """国民经济行业代码,国民经济行业名称,IPC
C3973,集成电路制造,H01L
C3825,光伏设备及元器件制造,H01L31/00
C1712,棉织造加工,D03D
C3551,纺织专用设备制造,D03D
C2720,化学药品制剂制造,A61K
C2682,化妆品制造,A61K8/00
C3731,金属船舶制造,B63B
C3734,船用配套设备制造,B63H
C3841,锂离子电池制造,H01M
"""
INDUSTRIES = """industries:
  - {code: ALL, zh: 全部, en: All, classification: total, level: 0, parent: null}
  - {code: MARINE, zh: 海工, en: Marine, classification: pilot, level: 1, parent: ALL, gbt4754: [C373]}
  - {code: TEXTILE, zh: 纺织, en: Textiles, classification: pilot, level: 1, parent: ALL, gbt4754: [C17]}
  - {code: SMART_EQUIP, zh: 智能装备, en: Equipment, classification: pilot, level: 1, parent: ALL, gbt4754: [C35]}
  - {code: NEW_ENERGY, zh: 新能源, en: New energy, classification: pilot, level: 1, parent: ALL, gbt4754: [C3825]}
  - {code: ELECTRONICS, zh: 电子, en: Electronics, classification: pilot, level: 1, parent: ALL, gbt4754: [C39]}
  - {code: BIOMED, zh: 医药, en: Medicine, classification: pilot, level: 1, parent: ALL, gbt4754: [C27]}
"""


@pytest.fixture()
def conc(tmp_path):
    (tmp_path / "c.csv").write_text(TINY, encoding="utf-8")
    (tmp_path / "i.yaml").write_text(INDUSTRIES, encoding="utf-8")
    return read_concordance(tmp_path / "c.csv", "pilot", tmp_path / "i.yaml")


def test_prefix_keys_go_from_subgroup_to_subclass():
    assert prefix_keys("H01M10/0525") == [
        "H01M10/0525", "H01M10/052", "H01M10/05", "H01M10/00", "H01M"]
    assert prefix_keys("B63B1/00") == ["B63B1/00", "B63B"]
    assert prefix_keys("H01L") == ["H01L"]
    assert prefix_keys("not an ipc") == []


def test_normalise_ipc_variants():
    assert normalise_ipc("h01m 10/0525") == "H01M10/0525"
    assert normalise_ipc("H01M0010/0525") == "H01M10/0525"
    assert normalise_ipc("A61K 31/00(2006.01)") == "A61K31/00"


def test_longest_prefix_wins(conc):
    # H01L31 (photovoltaics, C3825) is more specific than H01L (C3973)
    assert conc.shares("H01L31/042") == {"NEW_ENERGY": 1.0}
    assert conc.shares("H01L21/02") == {"ELECTRONICS": 1.0}
    # cosmetics A61K8 → C2682, in no pilot industry: the search stops there (not BIOMED)
    assert conc.shares("A61K8/02") == {}
    assert conc.shares("A61K31/00") == {"BIOMED": 1.0}
    # one IPC entry, two GB/T 4754 classes in two industries → 1/2 each
    assert conc.shares("D03D15/00") == {"TEXTILE": 0.5, "SMART_EQUIP": 0.5}
    assert conc.shares("H01M10/0525") == {}  # C3841 belongs to no pilot industry


def test_gbt4754_target_keeps_classes(tmp_path):
    (tmp_path / "c.csv").write_text(TINY, encoding="utf-8")
    conc = read_concordance(tmp_path / "c.csv", "gbt4754")
    assert conc.shares("D03D1/00") == {"C1712": 0.5, "C3551": 0.5}
    assert conc.shares("A61K8/02") == {"C2682": 1.0}


def test_malformed_concordance_row_is_named(tmp_path):
    (tmp_path / "c.csv").write_text(TINY + "C3731,金属船舶制造,船舶B63\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"file c\.csv, row 11, column IPC"):
        read_concordance(tmp_path / "c.csv", "gbt4754")


# patent: (main, [all codes]) — hand-checked weights per policy
PATENTS = {
    "P1": ("H01L21/02", ["H01L21/02", "D03D15/00"]),
    "P2": ("A61K8/02", ["A61K8/02", "A61K31/00"]),
    "P3": ("H01M10/0525", ["H01M10/0525"]),
    "P4": ("B63B35/44", ["B63B35/44", "B63H21/17"]),
}
EXPECTED = {
    "main": {"ELECTRONICS": 1.0, "MARINE": 1.0},
    "full": {"ELECTRONICS": 1.0, "TEXTILE": 1.0, "SMART_EQUIP": 1.0, "BIOMED": 1.0, "MARINE": 1.0},
    # P1: 1/2 ELECTRONICS + 1/2·(1/2 TEXTILE + 1/2 SMART_EQUIP); P2: 1/2 BIOMED; P4: 1/2 + 1/2 MARINE
    "fractional": {"ELECTRONICS": 0.5, "TEXTILE": 0.25, "SMART_EQUIP": 0.25, "BIOMED": 0.5,
                   "MARINE": 1.0},
}


def _weights(conc, policy: str) -> dict[str, float]:
    patents = pd.DataFrame({
        "app_key": list(PATENTS), "ipc_main": [m for m, _ in PATENTS.values()],
        "n_ipc": [len(a) for _, a in PATENTS.values()],
    })
    ipc = pd.DataFrame([(k, c) for k, (_, a) in PATENTS.items() for c in a],
                       columns=["app_key", "ipc"])
    lookup = conc.lookup_table(ipc["ipc"])
    w = industry_weights(ibis.memtable(patents), ibis.memtable(ipc), ibis.memtable(lookup), policy)
    df = ibis.duckdb.connect().execute(w)
    assert (df[df.industry_code == "ALL"]["w"] == 1.0).all() and (df.industry_code == "ALL").sum() == 4
    by = df[df.industry_code != "ALL"].groupby("industry_code")["w"].sum()
    return {k: float(v) for k, v in by.items()}


@pytest.mark.parametrize("policy", ["main", "full", "fractional"])
def test_counting_policies_hand_checked(conc, policy):
    got = _weights(conc, policy)
    assert got == pytest.approx(EXPECTED[policy])


def test_shipped_concordance_reads_and_is_sourced(project_root):
    path = project_root / "data/concordance/ipc_gbt4754_demo.csv"
    raw = pd.read_csv(path, comment="#", dtype=str)
    assert list(raw.columns[:3]) == ["国民经济行业代码", "国民经济行业名称", "IPC"]
    assert raw["来源"].notna().all()
    conc = read_concordance(path, "pilot", project_root / "data/industries.yaml")
    assert conc.shares("B63B35/44") == {"MARINE": 1.0}
    assert conc.shares("H01L31/042") == {"NEW_ENERGY": 1.0}
    assert conc.shares("A61K8/02") == {}


@given(st.lists(st.sampled_from(["H01L21/02", "D03D15/00", "A61K8/02", "A61K31/00",
                                 "H01M10/0525", "B63B35/44", "H01L31/04"]),
                min_size=1, max_size=5, unique=True))
def test_fractional_weights_never_exceed_one(codes):
    from ipbench.patents.concordance import Concordance

    c = Concordance({"H01L": {"ELECTRONICS": 1.0}, "H01L31/00": {"NEW_ENERGY": 1.0},
                     "D03D": {"TEXTILE": 0.5, "SMART_EQUIP": 0.5}, "A61K": {"BIOMED": 1.0},
                     "A61K8/00": {}, "B63B": {"MARINE": 1.0}})
    total = sum(sum(c.shares(x).values()) for x in codes) / len(codes)
    assert 0.0 <= total <= 1.0 + 1e-12
