"""IPC → industry through a concordance table, by longest prefix; counting policies.

Concordance file (CSV, UTF-8 or GBK) in the column layout of CNIPA's
《国际专利分类与国民经济行业分类参照关系表（2018）》: ``国民经济行业代码`` (GB/T 4754-2017, e.g.
``C3734``), ``国民经济行业名称``, ``IPC`` (a subclass ``B63B``, a main group ``B63B35/00`` or a
subgroup ``B63B35/44``); extra columns (e.g. ``来源``) are ignored; lines starting with ``#`` are comments. GB/T 4754 codes
are mapped to the pilot industries of ``data/industries.yaml`` by the longest listed prefix
(``C3415`` → NEW_ENERGY rather than ``C34`` → SMART_EQUIP).

**Longest-prefix matching** of a patent's code ``H01M10/0525``: the table's entries are tried
from the most specific to the least — the subgroup itself, the subgroup with trailing digits
cut (``H01M10/052``, ``H01M10/05``; this follows the IPC dot hierarchy for decimal-extended
subgroups, an approximation without the IPC scheme file), the main group ``H01M10/00``, the
subclass ``H01M`` — and the first level with entries gives the code's GB/T 4754 classes
``G(c)``. An entry whose classes belong to no pilot industry still stops the search (``A61K8``
cosmetics → C2682 is *not* counted as medicine through ``A61K``). ``S(c)`` is the set of target
industries of ``G(c)``, and ``share_c(s) = |{g ∈ G(c): g ∈ s}| / |G(c)|``.

**Counting policies** for a patent p with distinct valid IPC codes c_1..c_k (main code c_1):

- ``main``:        w(p, s) = 1 if s ∈ S(c_1)
- ``full``:        w(p, s) = 1 if s ∈ S(c_1) ∪ … ∪ S(c_k)
- ``fractional``:  w(p, s) = Σ_j share_{c_j}(s) / k   (1/k per code, split evenly over the
  code's GB/T 4754 classes; shares of codes or classes outside every target industry stay
  unassigned, so Σ_s w(p, s) ≤ 1 — fractional counting as in the OECD Patent Statistics
  Manual, 2009).

Under ``main`` and ``full`` a patent can count in several industries, so industry totals may
exceed the number of patents; ``ALL`` (whole economy) always counts each patent once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ipbench.errors import DataError, ParamsError
from ipbench.yamlio import load_data_yaml

POLICIES = ("main", "fractional", "full")
COL_CODE, COL_NAME, COL_IPC = "国民经济行业代码", "国民经济行业名称", "IPC"
_ENTRY = re.compile(r"^([A-H][0-9]{2}[A-Z])(?:([0-9]{1,4})/([0-9]{2,6}))?$")


def normalise_ipc(text: str) -> str:
    """``'H01M 10/0525'`` → ``'H01M10/0525'``; ``'H01M0010/0525'`` → same; version dropped."""
    s = re.sub(r"[\s\u3000]+", "", str(text).upper())
    s = re.sub(r"\([0-9.]+\)$", "", s)
    return re.sub(r"^([A-H][0-9]{2}[A-Z])0*([0-9])", r"\1\2", s)


def prefix_keys(code: str) -> list[str]:
    """Keys to try for ``code``, most specific first (see module docstring)."""
    m = _ENTRY.match(code)
    if not m:
        return []
    subclass, group, sub = m.groups()
    if group is None:
        return [subclass]
    keys = []
    if sub != "00":
        digits = sub
        while len(digits) >= 2:
            if digits != "00":
                keys.append(f"{subclass}{group}/{digits}")
            digits = digits[:-1]
    keys.append(f"{subclass}{group}/00")
    keys.append(subclass)
    return keys


def _canonical_entry(text: str) -> str | None:
    s = normalise_ipc(text)
    m = _ENTRY.match(s)
    if not m:
        return None
    subclass, group, sub = m.groups()
    if group is None:
        return subclass
    sub = sub.rstrip("0")
    return f"{subclass}{group}/{sub.ljust(2, '0')}"


def load_pilot_map(industries_yaml: str | Path) -> dict[str, str]:
    """GB/T 4754 code prefix → pilot industry code, from ``data/industries.yaml``."""
    raw = load_data_yaml(industries_yaml) or {}
    if not isinstance(raw, dict):
        raise DataError("expected a top-level 'industries:' list", file=industries_yaml)
    out: dict[str, str] = {}
    for item in raw.get("industries", []):
        for prefix in item.get("gbt4754") or []:
            if prefix in out and out[prefix] != item["code"]:
                raise DataError(
                    f"GB/T 4754 prefix {prefix} is listed under both {out[prefix]} and"
                    f" {item['code']}",
                    file=str(industries_yaml),
                )
            out[str(prefix)] = str(item["code"])
    return out


def pilot_of(gbt_code: str, pilot_map: Mapping[str, str]) -> str | None:
    """Pilot industry of a GB/T 4754 code by the longest prefix in ``pilot_map``."""
    for n in range(len(gbt_code), 0, -1):
        hit = pilot_map.get(gbt_code[:n])
        if hit:
            return hit
    return None


@dataclass(frozen=True)
class Concordance:
    """IPC entry → {target industry: share}; shares sum to ≤ 1 (see module docstring)."""

    entries: dict[str, dict[str, float]]
    source: str = ""

    def shares(self, code: str) -> dict[str, float]:
        """``share_code(s)`` for the most specific entry matching ``code`` ({} if none)."""
        for key in prefix_keys(code):
            if key in self.entries:
                return self.entries[key]
        return {}

    def industries(self, code: str) -> frozenset[str]:
        """``S(code)``: target industries of the most specific matching entry."""
        return frozenset(self.shares(code))

    def lookup_table(self, codes: Iterable[str]) -> pd.DataFrame:
        """Rows ``ipc, industry_code, share`` for distinct ``codes`` (codes with no industry
        have no row)."""
        rows = []
        for code in dict.fromkeys(codes):
            rows += [(code, ind, sh) for ind, sh in sorted(self.shares(code).items())]
        return pd.DataFrame(rows, columns=["ipc", "industry_code", "share"]).astype(
            {"ipc": "string", "industry_code": "string", "share": "float64"}
        )


def read_concordance(
    path: str | Path,
    target: str = "pilot",
    industries_yaml: str | Path | None = None,
) -> Concordance:
    """Read a concordance CSV; ``target`` ``pilot`` (via industries.yaml) or ``gbt4754``.

    Raises :class:`DataError` naming the file and row of a malformed IPC entry or a missing
    column. Rows whose GB/T 4754 code belongs to no pilot industry are ignored for ``pilot``.
    """
    path = Path(path)
    if target not in ("pilot", "gbt4754"):
        raise ParamsError(f"concordance target {target!r}: use 'pilot' or 'gbt4754'")
    frame = None
    for enc in ("utf-8-sig", "gb18030"):
        try:
            frame = pd.read_csv(path, dtype=str, encoding=enc, comment="#")
            break
        except UnicodeDecodeError:
            continue
    if frame is None:
        raise DataError("cannot decode as UTF-8 or GBK", file=path.name)
    for col in (COL_CODE, COL_IPC):
        if col not in frame.columns:
            raise DataError(
                f"concordance needs columns {COL_CODE}, {COL_NAME}, {COL_IPC}; found"
                f" {list(frame.columns)}",
                file=path.name,
                column=col,
            )
    pilot_map = None
    if target == "pilot":
        if industries_yaml is None:
            raise ParamsError("target='pilot' needs industries_yaml (data/industries.yaml)")
        pilot_map = load_pilot_map(industries_yaml)
    classes: dict[str, dict[str, str | None]] = {}
    for i, (gbt, ipc) in enumerate(zip(frame[COL_CODE], frame[COL_IPC], strict=True)):
        row = i + 2
        if pd.isna(gbt) or pd.isna(ipc):
            raise DataError("empty industry code or IPC", file=path.name, row=row)
        key = _canonical_entry(ipc)
        if key is None:
            raise DataError("malformed IPC entry", file=path.name, row=row, column=COL_IPC,
                            value=ipc)
        gbt = str(gbt).strip()
        industry = pilot_of(gbt, pilot_map) if pilot_map is not None else gbt
        classes.setdefault(key, {})[gbt] = industry
    entries: dict[str, dict[str, float]] = {}
    for key, by_class in classes.items():
        shares: dict[str, float] = {}
        for industry in by_class.values():
            if industry is not None:
                shares[industry] = shares.get(industry, 0.0) + 1.0 / len(by_class)
        entries[key] = shares
    return Concordance(entries, source=path.name)
