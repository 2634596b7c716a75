"""Step ``situation``: shares, concentration (Gini, HHI, CR-k) and location quotients of IP
against industry and population across the scope's regions, per year
(:mod:`ipbench.analysis.concentration`). Population or industry absent: the parts that need
them are skipped with a note; IP absent: the step is skipped."""

from __future__ import annotations

from typing import Any

import pandas as pd

from ipbench.errors import DataError
from ipbench.steps._common import latest, sentences
from ipbench.steps.registry import KEY, Skip, StepContext, step

DEFAULTS = {"ip": "patent_grant_invention", "industry": "value_added", "population": "population"}
WHAT = {"ip": ("发明专利授权", "invention grants"), "industry": ("产业增加值", "value added"),
        "population": ("人口", "population")}


def resolve(ctx: StepContext, roles: dict[str, str], section: str) -> dict[str, str]:
    """role → facts variable; the first role is required (Skip), the others optional (noted)."""
    spec = getattr(ctx.params, section)
    out = {}
    for n, (role, default) in enumerate(roles.items()):
        try:
            got = ctx.variables({f"{section}.{role}": (getattr(spec, role), default)}, part=role)
            out[role] = got[f"{section}.{role}"]
        except Skip as note:
            if n == 0:
                raise
            ctx.skip_part(note)
    return out


def in_sentence(name: str) -> str:
    """An English name as it reads inside a sentence: "Invention patent grants" → "invention
    patent grants"; names that open with an acronym ("R&D expenditure", "GDP") are kept."""
    first = name.split(" ", 1)[0]
    if not first or any(ch.isupper() or ch.isdigit() or ch == "&" for ch in first[1:]):
        return name
    return name[0].lower() + name[1:]


def variable_names(ctx: StepContext, variables: dict[str, str]) -> dict[str, tuple[str, str]]:
    """role → (中文, English) name of the variable from the project's vocabulary, the English
    one as it reads inside the sentences these names go into (:func:`in_sentence`)."""
    from ipbench.data.variables import load_variables

    vocab = load_variables(ctx.project.variables)
    out = {}
    for role, var in variables.items():
        v = vocab.get(var)
        out[role] = (v.zh, in_sentence(v.en)) if v is not None else (var, var)
    return out


@step("situation", reads=("situation", "scope"), needs=("facts", "regions"),
      makes=("situation_shares", "situation_concentration", "situation_sentences"),
      switch="situation")
def situation(ctx: StepContext) -> dict[str, Any]:
    """Shares, concentration and location quotients per year."""
    from ipbench.analysis import concentration as conc

    spec = ctx.params.situation
    roles = resolve(ctx, DEFAULTS, "situation")
    labels = variable_names(ctx, roles)
    wide = ctx.facts_wide(list(roles.values())).rename(columns={v: k for k, v in roles.items()})
    shares, tables = [], []
    for year, g in wide.groupby(level="year"):
        X = g.droplevel("year")[list(roles)].dropna(axis=1, how="all")
        if X.isna().any().any() or "ip" not in X:
            continue
        t = conc.concentration_table(X, k=tuple(spec.k), points=spec.points)
        tables.append(t.reset_index().assign(year=int(year)))
        s = X.copy()
        for col in X.columns:
            s[f"share_{col}"] = conc.shares(X[col], name=roles[col])
        bases = [c for c in ("industry", "population") if c in X.columns]
        if bases:
            lq = conc.location_quotients(X[["ip"]], X[bases])
            for b in bases:
                s[f"lq_ip_{b}"] = lq[f"ip/{b}"]
        shares.append(s.reset_index().assign(year=int(year)))
    if not shares:
        raise DataError(f"situation: no year with complete {list(roles.values())} for the regions")
    share_t = pd.concat(shares, ignore_index=True)
    conc_t = pd.concat(tables, ignore_index=True)
    conc_t["top_unit"] = conc_t["top_unit"].astype("string")
    conc_t["variable"] = conc_t["indicator"].map(roles)
    year = latest(share_t, ctx.params.scope.base_year)
    names = ctx.region_names()
    cur = share_t[share_t["year"] == year].set_index("region_code")
    rows = []
    for role in [r for r in ("ip", "industry") if r in cur]:
        rows.append(("", f"concentration_{role}", conc.describe_concentration(
            cur[role], what=labels[role], k=min(3, len(cur)), names=names)))
    if "lq_ip_industry" in cur or "lq_ip_population" in cur:
        for code, r in cur.iterrows():
            rows.append((code, "lq", lq_sentence(names.get(code, (code, code)), r, year, labels)))
    return {"situation_shares": share_t[[*KEY, *[c for c in share_t if c not in KEY]]],
            "situation_concentration": conc_t, "situation_sentences": sentences(rows)}


def lq_sentence(name: tuple[str, str], r: pd.Series, year: int,
                labels: dict[str, tuple[str, str]]) -> Any:
    """The region's shares and location quotients of IP against industry and population."""
    from ipbench.analysis import Sentence

    def word(v: float) -> tuple[str, str]:
        return ("高于", "above") if v > 1 else ("低于", "below") if v < 1 else ("等于", "equal to")

    ip = labels["ip"]
    zh = [f"{year}年{name[0]}{ip[0]}占{r['share_ip']:.1%}"]
    en = [f"In {year} {name[1]} holds {r['share_ip']:.1%} of {ip[1]}"]
    for base in ("industry", "population"):
        col = f"lq_ip_{base}"
        if col in r and pd.notna(r[col]):
            b, w = labels[base], word(r[col])
            zh.append(f"{b[0]}占{r[f'share_{base}']:.1%}，对{b[0]}的区位熵{r[col]:.2f}（{w[0]}1）")
            en.append(f"{r[f'share_{base}']:.1%} of {b[1]}, a location quotient against"
                      f" {b[1]} of {r[col]:.2f} ({w[1]} 1)")
    return Sentence(zh="；".join(zh) + "。", en="; ".join(en) + ".")
