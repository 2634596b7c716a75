"""Applicants of a region × industry from the patent records' tables (:mod:`ipbench.patents.tables`).

Counts are applications (件; Σ of the counting policy's industry weights, so fractional under
``fractional``); every named applicant of a co-application is credited the whole patent.

- :func:`top_applicants`: the ``n`` applicants with most applications in ``years``, with
  their type, share s_i = a_i / A (A = the region × industry's applications in ``years``, so
  shares of co-applicants add up to more than the joint patents), and growth
  g_i = a_i(last half of the years) / a_i(first half) − 1 (None when the first half is 0);
  ties share a rank (``method='min'``).
- :func:`type_mix`: applications by the primary applicant's type and their shares, with the
  co-application share (≥ 2 applicants) and the 产学研 share (a university or institute with
  an enterprise) — CNIPA《专利统计年报》's applicant categories.
- :func:`concentration`: CR_k = Σ of the k largest applicant shares and the
  Herfindahl–Hirschman index HHI = Σ s_i² (×10,000) over applicants' shares of the applicants'
  total (Σ a_i), so co-applications count once per applicant (Hirschman 1964; U.S. DoJ/FTC
  Horizontal Merger Guidelines 2010 §5.3 thresholds 1,500 / 2,500).
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from ipbench.analysis.landscape import TIE_DECIMALS
from ipbench.patents.applicants import APPLICANT_TYPES


def _select(t: pd.DataFrame, region: str | None, industry: str, years: Sequence[int] | None) -> pd.DataFrame:
    m = t["industry_code"] == industry
    if region is not None:
        m &= t["region_code"] == region
    if years is not None:
        m &= t["year"].isin(list(years))
    return t[m]


def top_applicants(applicants: pd.DataFrame, types: pd.DataFrame, region: str, industry: str,
                   years: Sequence[int], n: int = 10) -> pd.DataFrame:
    """``rank, applicant, applicant_type, type_zh_en, applications, grants, share, growth``."""
    years = sorted(int(y) for y in years)
    a = _select(applicants, region, industry, years)
    total = float(_select(types, region, industry, years)["applications"].sum())
    g = a.groupby(["applicant", "applicant_type"], as_index=False)[["applications", "grants"]].sum()
    half = len(years) // 2
    first, last = set(years[:half]), set(years[len(years) - half:])
    yr = a["year"].to_numpy()
    f = a["applications"].where(pd.Series(yr, index=a.index).isin(first), 0.0).groupby(a["applicant"]).sum()
    la = a["applications"].where(pd.Series(yr, index=a.index).isin(last), 0.0).groupby(a["applicant"]).sum()
    growth = (la / f.where(f > 0)) - 1.0
    g["share"] = g["applications"] / total if total else float("nan")
    g["growth"] = g["applicant"].map(growth)
    g["type_zh_en"] = g["applicant_type"].map(APPLICANT_TYPES).fillna(g["applicant_type"])
    g["rank"] = g["applications"].round(TIE_DECIMALS).rank(method="min", ascending=False).astype(int)
    g = g.sort_values(["rank", "applicant"], kind="stable").head(n).reset_index(drop=True)
    return g[["rank", "applicant", "applicant_type", "type_zh_en", "applications", "grants", "share", "growth"]]


def type_mix(types: pd.DataFrame, region: str, industry: str, years: Sequence[int]) -> pd.DataFrame:
    """``applicant_type, type_zh_en, applications, share, co_share, iur_share`` (shares of the
    region × industry's applications in ``years``)."""
    t = _select(types, region, industry, years)
    g = t.groupby("applicant_type", as_index=False)[["applications", "co_applications", "iur_applications"]].sum()
    total = g["applications"].sum()
    g["share"] = g["applications"] / total if total else float("nan")
    g["co_share"] = g["co_applications"] / g["applications"].where(g["applications"] > 0)
    g["iur_share"] = g["iur_applications"] / g["applications"].where(g["applications"] > 0)
    g["type_zh_en"] = g["applicant_type"].map(APPLICANT_TYPES).fillna(g["applicant_type"])
    return g.sort_values("applications", ascending=False, ignore_index=True)[
        ["applicant_type", "type_zh_en", "applications", "share", "co_share", "iur_share"]]


def concentration(applicants: pd.DataFrame, region: str, industry: str, years: Sequence[int],
                  ks: Sequence[int] = (4, 8)) -> pd.DataFrame:
    """One row: ``applicants`` (with ≥ 1 application), ``CR4``, ``CR8`` …, ``HHI`` (module
    docstring)."""
    a = _select(applicants, region, industry, years).groupby("applicant")["applications"].sum()
    a = a[a > 0].sort_values(ascending=False)
    s = a / a.sum() if len(a) else a
    row = {"applicants": len(a)}
    row |= {f"CR{k}": float(s.head(k).sum()) if len(s) else float("nan") for k in ks}
    row["HHI"] = float((s ** 2).sum() * 10_000) if len(s) else float("nan")
    return pd.DataFrame([row])
