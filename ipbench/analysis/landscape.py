"""A key industry's patent landscape (专利导航 · 产业) from facts and the records' tables.

Definitions (counts in 件, weighted by the source's counting policy):

- :func:`trends`: applications and grants by patent type and year (facts
  ``patent_app_*``/``patent_grant_*``).
- :func:`ipc_composition`: applications by IPC subclass (or main group) of the main IPC, their
  shares in the first and the second half of the years, and the shift
  Δ = share(second half) − share(first half) in percentage points.
- :func:`life_cycle`: per year, applications and applicants (with ≥ 1 application) — the
  technology life-cycle chart plots applicants against applications (growth: both rise;
  maturity: applications rise, applicants level off; decline: both fall) (Ernst 1997,
  "The use of patent data for technological forecasting", *Technol. Forecast. Soc. Change* 56).
- :func:`regional_distribution`: applications per region in ``years`` and shares of their sum.
- :func:`legal_status`: patents by status class at the export date (``unknown`` when the
  export has no status), shares.
- :func:`events`: transfers, licences (次) and pledges (项) by year (facts).
- :func:`origins`: applications by applicant origin (mainland China, Hong Kong, Macao, Taiwan,
  each foreign country) and by Chinese province, shares, and the region's province rank.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

TYPES = ("invention", "utility", "design")
#: fractional counts are compared at this many decimals: summed in another order (DuckDB's
#: threads) equal counts differ in the 12th digit, and must stay ties
TIE_DECIMALS = 9
EVENTS = {"patent_transfer": "转让 / transfers (次)", "patent_licence": "许可 / licences (次)",
          "patent_pledge": "质押 / pledges (项)"}


def _f(facts: pd.DataFrame, region: str | None, industry: str, variables: Sequence[str]) -> pd.DataFrame:
    m = (facts["industry_code"] == industry) & facts["variable"].isin(list(variables))
    if region is not None:
        m &= facts["region_code"] == region
    return facts[m]


def trends(facts: pd.DataFrame, region: str, industry: str) -> pd.DataFrame:
    """``year, kind (app|grant), invention, utility, design, total``."""
    out = []
    for kind in ("app", "grant"):
        f = _f(facts, region, industry, [f"patent_{kind}_{t}" for t in (*TYPES, "total")])
        w = f.groupby(["year", "variable"])["value"].sum().unstack("variable")
        w.columns = [c.rsplit("_", 1)[1] for c in w.columns]
        out.append(w.reset_index().assign(kind=kind))
    t = pd.concat(out, ignore_index=True)
    return t.reindex(columns=["year", "kind", *TYPES, "total"])


def ipc_composition(ipc: pd.DataFrame, region: str, industry: str, years: Sequence[int],
                    level: str = "ipc_subclass", n: int = 10) -> pd.DataFrame:
    """``code, applications, share_first, share_second, shift_pp`` for the ``n`` largest codes."""
    years = sorted(int(y) for y in years)
    t = ipc[(ipc["region_code"] == region) & (ipc["industry_code"] == industry) & ipc["year"].isin(years)]
    half = len(years) // 2
    first, second = years[:half], years[half:]
    g = t.groupby(level)["applications"].sum()
    s1 = t[t["year"].isin(first)].groupby(level)["applications"].sum()
    s2 = t[t["year"].isin(second)].groupby(level)["applications"].sum()
    out = pd.DataFrame({"applications": g})
    out["share_first"] = (s1 / s1.sum()).reindex(out.index).fillna(0.0) if s1.sum() else float("nan")
    out["share_second"] = (s2 / s2.sum()).reindex(out.index).fillna(0.0) if s2.sum() else float("nan")
    out["shift_pp"] = (out["share_second"] - out["share_first"]) * 100
    return _ordered(out.rename_axis("code").reset_index(), "code").head(n).reset_index(drop=True)


def life_cycle(applicants: pd.DataFrame, region: str | None, industry: str) -> pd.DataFrame:
    """``year, applications, applicants``: applicants with ≥ 1 application in the year and
    the applications credited to them (a co-application counts once per applicant)."""
    a = applicants[applicants["industry_code"] == industry]
    if region is not None:
        a = a[a["region_code"] == region]
    a = a[a["applications"] > 0]
    g = a.groupby("year").agg(applications=("applications", "sum"), applicants=("applicant", "nunique"))
    return g.reset_index()


def regional_distribution(facts: pd.DataFrame, industry: str, years: Sequence[int],
                          regions: Sequence[str] | None = None) -> pd.DataFrame:
    """``region_code, applications, share`` (share of the regions listed)."""
    f = _f(facts, None, industry, ["patent_app_total"])
    f = f[f["year"].isin(list(years))]
    if regions is not None:
        f = f[f["region_code"].isin(list(regions))]
    g = f.groupby("region_code", as_index=False)["value"].sum().rename(columns={"value": "applications"})
    total = g["applications"].sum()
    g["share"] = g["applications"] / total if total else float("nan")
    return _ordered(g, "region_code")


def legal_status(status: pd.DataFrame, region: str, industry: str) -> pd.DataFrame:
    """``status_class, ptype, patents, share`` (share within the patent type)."""
    t = status[(status["region_code"] == region) & (status["industry_code"] == industry)]
    g = t.groupby(["ptype", "status_class"], as_index=False)["patents"].sum()
    g["share"] = g["patents"] / g.groupby("ptype")["patents"].transform("sum")
    return g


def events(facts: pd.DataFrame, region: str, industry: str) -> pd.DataFrame:
    """``year`` and one column per event variable present (absent columns: no data, not 0)."""
    f = _f(facts, region, industry, list(EVENTS))
    w = f.groupby(["year", "variable"])["value"].sum().unstack("variable")
    return w.reset_index()


def origins(orig: pd.DataFrame, industry: str, years: Sequence[int], province: str | None = None
            ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``(by_origin, by_province)``: ``origin|province, applications, share`` (shares of all
    applications with a known origin; provinces: of mainland applications) and, in
    ``by_province``, ``rank`` and ``is_region`` (the region's province)."""
    t = orig[(orig["industry_code"] == industry) & orig["year"].isin(list(years))]
    by_o = t.groupby("origin", as_index=False)["applications"].sum()
    by_o["share"] = by_o["applications"] / by_o["applications"].sum() if len(by_o) else []
    cn = t[(t["origin"] == "CN") & t["province"].notna()]
    by_p = cn.groupby("province", as_index=False)["applications"].sum()
    by_p["share"] = by_p["applications"] / by_p["applications"].sum() if len(by_p) else []
    by_p["rank"] = by_p["applications"].round(TIE_DECIMALS).rank(method="min", ascending=False).astype(int)
    by_p["is_region"] = by_p["province"] == province
    return _ordered(by_o, "origin"), _ordered(by_p, "province")


def _ordered(t: pd.DataFrame, key: str) -> pd.DataFrame:
    """``t`` by applications, most first, equal counts (:data:`TIE_DECIMALS`) by ``key``."""
    order = np.lexsort((t[key].astype(str).to_numpy(dtype=object),
                        -t["applications"].to_numpy(dtype=float).round(TIE_DECIMALS)))
    return t.iloc[order].reset_index(drop=True)
