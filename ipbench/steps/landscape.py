"""Step ``landscape``: each key industry's patent landscape (专利导航 · 产业) and each region's
applicants, from the patent records' tables in the store (:mod:`ipbench.patents.tables`) and
the facts (:mod:`ipbench.analysis.landscape`, :mod:`ipbench.analysis.applicants`).

Tables are long, keyed by ``region_code`` (:data:`SCOPE` = ``ALL`` for the scope's regions
together: the records and facts of the scope's regions pooled, each applicant counted once;
the applicant tables also per region, over all industries, for the region pages) and
``industry_code`` (the industries the records cover, ``ALL`` included);
``landscape_ipc`` has a ``level`` column (``ipc_subclass`` | ``ipc_group``);
``landscape_distribution`` is over the scope's regions; ``landscape_origins`` and
``landscape_provinces`` are keyed by industry only (provinces with the scope's province marked,
``is_region``), ``landscape_origin_trends`` by industry and year. Without patent records the
step is skipped.
"""

from __future__ import annotations

import pandas as pd

from ipbench.analysis import landscape as ls
from ipbench.steps.registry import Skip, StepContext, step

MAKES = ("landscape_trends", "landscape_ipc", "landscape_life_cycle", "landscape_distribution",
         "landscape_status", "landscape_events", "landscape_top_applicants", "landscape_type_mix",
         "landscape_concentration", "landscape_origins", "landscape_provinces",
         "landscape_origin_trends")
#: region_code of the scope's regions taken together
SCOPE = "ALL"
IPC_LEVELS = ("ipc_subclass", "ipc_group")


def _plain(t: pd.DataFrame) -> pd.DataFrame:
    """Text columns as NumPy objects: the many small selections and group-bys below are
    several times faster than on Arrow-backed strings."""
    text = [c for c in t.columns if isinstance(t[c].dtype, pd.StringDtype)
            or str(t[c].dtype).startswith(("string", "large_string"))]
    return t.astype(dict.fromkeys(text, object)) if text else t


def _tables(data: object) -> dict[str, pd.DataFrame]:
    read = getattr(data, "table", None)
    first = read("patent_applicants") if callable(read) else None
    got = {}
    if first is not None and not first.empty:
        # here, not at import: the patents package loads Ibis (~0.6 s), which a store without
        # patent records never needs
        from ipbench.patents.tables import TABLES

        got = {name: first if name == "patent_applicants" else read(name) for name in TABLES}
    if not got or any(t is None or t.empty for t in got.values()):
        raise Skip("no patent records in the store", reason_zh="数据中没有专利著录项目数据",
                   missing=("patent records",), how="add a patent_records source to data/sources.yaml")
    return {k: _plain(v) for k, v in got.items()}


def _years(ctx: StepContext) -> list[int]:
    y = ctx.params.scope.years
    return list(range(int(y.first), int(y.last) + 1))


def _with_scope(t: pd.DataFrame, regions: list[str]) -> pd.DataFrame:
    """``t`` plus its scope regions' rows again under region_code :data:`SCOPE` (tables
    without regions unchanged); the analyses sum these rows and count applicants once."""
    if "region_code" not in t.columns:
        return t
    t = t[t["region_code"] != SCOPE]
    whole = t[t["region_code"].isin(regions)].assign(region_code=SCOPE)
    return pd.concat([t, whole], ignore_index=True)


def _split(t: pd.DataFrame, col: str) -> dict[str, pd.DataFrame]:
    """``t``'s rows by the value of ``col`` ({} when ``t`` has no such column)."""
    if col not in t.columns or t.empty:
        return {}
    return {str(k): g for k, g in t.groupby(col, sort=False, observed=True)}


def _stack(parts: list[tuple[dict, pd.DataFrame]]) -> pd.DataFrame:
    frames = [t.assign(**keys) for keys, t in parts if t is not None and len(t)]
    if not frames:
        return pd.DataFrame()
    out = pd.concat(frames, ignore_index=True)
    first = [c for c in ("region_code", "industry_code") if c in out.columns]
    return out[first + [c for c in out.columns if c not in first]]


@step("landscape", reads=("scope",), makes=MAKES)
def landscape(ctx: StepContext) -> dict[str, pd.DataFrame]:
    """Patent landscape per key industry; top applicants and applicant-type mix per region."""
    t = _tables(ctx.data)
    from ipbench.analysis import applicants as ap

    # applicants as numbers while the analyses group by them (hashing the names again in each
    # of the many group-bys cost a third of the step); the codes follow the names' sort order,
    # so ties are broken alike, and the names are put back in the output
    apps = t["patent_applicants"]
    codes, names = pd.factorize(apps["applicant"], sort=True)
    t["patent_applicants"] = apps.assign(applicant=pd.Series(codes, index=apps.index)
                                         .where(codes >= 0).astype(float))
    years = _years(ctx)
    regions = [str(r) for r in ctx.params.scope.regions]
    industries = sorted(set(t["patent_applicant_types"]["industry_code"]))
    facts = ctx.stages.get("facts")
    if facts is None:
        facts = pd.DataFrame(columns=["region_code", "industry_code", "year", "variable", "value"])
    facts = facts[facts["source"].isin(set(t["patent_applicants"]["source"]))] if "source" in facts else facts
    facts = _plain(facts)
    facts, t = _with_scope(facts, regions), {k: _with_scope(v, regions) for k, v in t.items()}
    province = regions[0][:2] + "0000" if regions else None
    out: dict[str, list] = {k: [] for k in MAKES}
    # the analyses select their rows; handing each the rows of one industry (and region) first
    # gives the same results without scanning the whole tables every time
    all_t = {**t, "facts": facts}
    by_ind = {k: _split(v, "industry_code") for k, v in all_t.items()}
    for ind in industries:
        ti = {k: by_ind[k].get(ind, v.iloc[:0]) for k, v in all_t.items()}
        by_reg = {k: _split(v, "region_code") for k, v in ti.items()}
        # the landscape pages read the scope's rows (every table); the region pages read each
        # region's applicants over all industries: nothing else is computed
        for reg in [*(regions if ind == SCOPE else []), SCOPE]:
            r = {k: by_reg[k].get(reg, v.iloc[:0]) if by_reg[k] or "region_code" in v.columns else v
                 for k, v in ti.items()}
            k = {"region_code": reg, "industry_code": ind}
            out["landscape_top_applicants"].append(
                (k, ap.top_applicants(r["patent_applicants"], r["patent_applicant_types"], reg, ind, years)))
            out["landscape_type_mix"].append((k, ap.type_mix(r["patent_applicant_types"], reg, ind, years)))
            out["landscape_concentration"].append((k, ap.concentration(r["patent_applicants"], reg, ind, years)))
            if reg != SCOPE:
                continue
            out["landscape_trends"].append((k, ls.trends(r["facts"], reg, ind)))
            for level in IPC_LEVELS:
                out["landscape_ipc"].append(({**k, "level": level}, ls.ipc_composition(
                    r["patent_ipc"], reg, ind, years, level=level)))
            out["landscape_life_cycle"].append((k, ls.life_cycle(r["patent_applicants"], reg, ind)))
            out["landscape_status"].append((k, ls.legal_status(r["patent_status"], reg, ind)))
            out["landscape_events"].append((k, ls.events(r["facts"], reg, ind)))
        ki = {"industry_code": ind}
        facts_i = ti["facts"]
        out["landscape_distribution"].append((ki, ls.regional_distribution(facts_i, ind, years, regions)))
        by_o, by_p = ls.origins(ti["patent_origins"], ind, years, province)
        out["landscape_origins"].append((ki, by_o))
        out["landscape_provinces"].append((ki, by_p))
        orig_i = ti["patent_origins"]
        by_year = ({int(k): g for k, g in orig_i.groupby("year", sort=False)}
                   if "year" in orig_i.columns and len(orig_i) else {})
        for y in years:
            rows = by_year.get(int(y), orig_i.iloc[:0])
            out["landscape_origin_trends"].append(({**ki, "year": y}, ls.origins(rows, ind, [y])[0]))
    tables = {k: _stack(v) for k, v in out.items()}
    top = tables["landscape_top_applicants"]
    if len(top):
        top["applicant"] = pd.Series(names, dtype=object).reindex(top["applicant"].astype(int)).to_numpy()
    return tables
