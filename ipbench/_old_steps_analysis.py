"""Analysis steps of the pilots (issue 5), run after the composite: situation, dynamics,
quality, intensive, peers, guidance, targets, robustness.

Each step reads earlier stages (``facts``, ``imputed``, ``weights``, ``coupling`` …) and its
params section (keys = arguments of the :mod:`ipbench.analysis` function it calls) and returns
tables prefixed with its name. Every step also returns ``<step>_sentences`` (columns
``unit``, ``topic``, ``zh``, ``en``): the interpretation sentences generated from its numbers
by the ``describe_*`` functions, so the report notebooks only read and display.

Facts variables (whole economy, industry ``ALL``) are read for the scope's regions; units of
the store (元, 人) are kept except where a table says otherwise (R&D in 亿元 for patents per
R&D input).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ipbench.errors import DataError, InputError, ParamsError
from ipbench.params import params_error

KEY = ["region_code", "year"]
SENTENCE_COLUMNS = ["unit", "topic", "zh", "en"]
#: derived target indicator: value added of IP-intensive industries, % of GDP
INTENSIVE_SHARE = "intensive_va_share_gdp"
#: Albers equal-area conic for China (standard parallels 25°N/47°N, central meridian 105°E):
#: polygon centroids are computed in this projection and converted back to lon/lat.
CHINA_ALBERS = "+proj=aea +lat_1=25 +lat_2=47 +lat_0=0 +lon_0=105 +datum=WGS84 +units=m"


def _sentences(rows: list[tuple[str, str, Any]]) -> pd.DataFrame:
    """Rows (unit, topic, Sentence) → the sentences table."""
    return pd.DataFrame(
        [(str(u), t, s.zh, s.en) for u, t, s in rows], columns=SENTENCE_COLUMNS
    ).astype("string")


def _names(ctx: Any) -> dict[str, tuple[str, str]]:
    r = ctx.stages["regions"]
    return {c: (zh, en) for c, zh, en in zip(r["region_code"], r["name_zh"], r["name_en"], strict=True)}


def _industry_names(ctx: Any) -> dict[str, tuple[str, str]]:
    r = ctx.stages["industries"]
    return {c: (zh, en) for c, zh, en in
            zip(r["industry_code"], r["name_zh"], r["name_en"], strict=True)}


def facts_wide(ctx: Any, variables: dict[str, str], industry: str = "ALL",
               regions: list[str] | None = None) -> pd.DataFrame:
    """Facts of ``industry`` as a wide table indexed by (region_code, year); ``variables``
    maps a params key path (for the error) to a facts variable. A variable without data
    raises :class:`ParamsError` naming the key."""
    facts = ctx.stages["facts"]
    regions = regions if regions is not None else list(ctx.params.scope.regions)
    f = facts[(facts["industry_code"] == industry) & facts["region_code"].isin(regions)]
    known = sorted(set(facts["variable"]))
    for key, var in variables.items():
        if not (f["variable"] == var).any():
            raise params_error(key, var, f"no facts of this variable for industry {industry}", known)
    f = f[f["variable"].isin(list(variables.values()))]
    wide = f.pivot_table(index=KEY, columns="variable", values="value", aggfunc="sum")
    return wide[list(dict.fromkeys(variables.values()))]


def _year_panel(wide: pd.DataFrame, var: str) -> pd.DataFrame:
    """years × regions panel of one variable."""
    return wide[var].unstack("region_code").sort_index()


# ------------------------------------------------------------------------------- situation


def situation(ctx: Any) -> dict[str, Any]:
    """Shares, concentration (Gini, HHI, CR-k) of IP, industry and population across the
    scope's regions per year, and location quotients of IP against industry and population
    (reference = the scope's regions together)."""
    from ipbench.analysis import concentration as conc

    spec = ctx.params.situation
    wide = facts_wide(ctx, {"situation.ip": spec.ip, "situation.industry": spec.industry,
                            "situation.population": spec.population})
    labels = {"ip": spec.ip, "industry": spec.industry, "population": spec.population}
    shares, tables = [], []
    for year, g in wide.groupby(level="year"):
        X = g.droplevel("year").rename(columns={v: k for k, v in labels.items()})
        if X.isna().any().any():
            continue
        t = conc.concentration_table(X, k=tuple(spec.k), points=spec.points)
        tables.append(t.reset_index().assign(year=int(year)))
        lq = conc.location_quotients(X[["ip"]], X[["industry", "population"]])
        s = X.copy()
        for col in ("ip", "industry", "population"):
            s[f"share_{col}"] = conc.shares(X[col], name=labels[col])
        s["lq_ip_industry"] = lq["ip/industry"]
        s["lq_ip_population"] = lq["ip/population"]
        shares.append(s.reset_index().assign(year=int(year)))
    if not shares:
        raise DataError(f"situation: no year with complete {list(labels.values())} for the regions")
    share_t = pd.concat(shares, ignore_index=True)
    conc_t = pd.concat(tables, ignore_index=True)
    conc_t["top_unit"] = conc_t["top_unit"].astype("string")
    year = _latest(share_t, ctx.params.scope.base_year)
    names = _names(ctx)
    cur = share_t[share_t["year"] == year].set_index("region_code")
    rows = [
        ("", "concentration_ip", conc.describe_concentration(
            cur["ip"], what=("发明专利授权", "invention grants"), k=min(3, len(cur)), names=names)),
        ("", "concentration_industry", conc.describe_concentration(
            cur["industry"], what=("产业增加值", "value added"), k=min(3, len(cur)), names=names)),
    ]
    for code, r in cur.iterrows():
        rows.append((code, "lq", _lq_sentence(names.get(code, (code, code)), r, year)))
    return {"situation_shares": share_t, "situation_concentration": conc_t,
            "situation_sentences": _sentences(rows)}


def _latest(t: pd.DataFrame, base_year: int) -> int:
    years = sorted(int(y) for y in t["year"].unique())
    return base_year if base_year in years else years[-1]


def _lq_sentence(name: tuple[str, str], r: pd.Series, year: int) -> Any:
    from ipbench.analysis import Sentence

    def word(v: float) -> tuple[str, str]:
        return ("高于", "above") if v > 1 else ("低于", "below") if v < 1 else ("等于", "equal to")

    a, b = word(r["lq_ip_industry"]), word(r["lq_ip_population"])
    return Sentence(
        zh=f"{year}年{name[0]}发明专利份额{r['share_ip']:.1%}，产业份额{r['share_industry']:.1%}："
           f"专利对产业的区位熵{r['lq_ip_industry']:.2f}（{a[0]}1），对人口的区位熵"
           f"{r['lq_ip_population']:.2f}（{b[0]}1）。",
        en=f"In {year} {name[1]} holds {r['share_ip']:.1%} of invention grants and"
           f" {r['share_industry']:.1%} of value added: its IP location quotient is"
           f" {r['lq_ip_industry']:.2f} against industry ({a[1]} 1) and"
           f" {r['lq_ip_population']:.2f} against population ({b[1]} 1).",
    )


# ------------------------------------------------------------------------------- dynamics


def prefecture_coordinates(codes: list[str], parent: str) -> pd.DataFrame:
    """lon/lat of each region's polygon centroid, computed in :data:`CHINA_ALBERS` (equal
    area, so the centroid is the area centre, not a degree-average) and converted back to
    WGS-84; index region_code. A region without a boundary raises :class:`DataError`."""
    import geopandas as gpd

    from ipbench import maps

    level = "prefecture" if parent.endswith("0000") else "county"
    b = maps.boundaries(parent, level).set_index("region_code")
    missing = [c for c in codes if c not in b.index]
    if missing:
        raise DataError(f"no boundary for region(s) {missing} under {parent} ({level})")
    cent = b.loc[codes].geometry.to_crs(CHINA_ALBERS).centroid
    ll = gpd.GeoSeries(cent, crs=CHINA_ALBERS).to_crs(4326)
    return pd.DataFrame({"lon": ll.x, "lat": ll.y}, index=pd.Index(codes, name="region_code"))


def _parent(ctx: Any) -> str:
    ref = ctx.params.scope.reference
    if ref:
        return ref
    parents = ctx.stages["regions"]["parent_code"].dropna().unique()
    if len(parents) != 1:
        raise DataError(f"regions have several parents {list(parents)}: set scope.reference")
    return str(parents[0])


def dynamics(ctx: Any) -> dict[str, Any]:
    """Growth and CAGR per region of IP, industry and R&D; D trajectories of every matching
    pair with grade changes; elasticity of IP to R&D (pooled region-years and the base-year
    cross-section); centres of gravity of IP and industry and their distance per year."""
    from ipbench.analysis import dynamics as dyn

    spec = ctx.params.dynamics
    scope = ctx.params.scope
    keys = {"dynamics.ip": spec.ip, "dynamics.industry": spec.industry, "dynamics.rd": spec.rd}
    wide = facts_wide(ctx, keys)
    names = _names(ctx)
    start = spec.start or scope.years.first
    end = spec.end or scope.years.last
    for key, y in (("dynamics.start", start), ("dynamics.end", end)):
        if y not in scope.years.span:
            raise params_error(key, y, f"outside scope.years {scope.years.first}-{scope.years.last}")
    growth, cagrs = [], []
    for var in dict.fromkeys(keys.values()):
        panel = _year_panel(wide, var)
        g = dyn.growth_rates(panel).rename_axis(index="year", columns="region_code")
        g = g.stack().rename("growth").reset_index()
        growth.append(g.assign(variable=var))
        try:
            c = dyn.cagr_table(panel, start, end)
        except InputError as exc:
            raise DataError(f"dynamics: CAGR of {var}: {exc}") from exc
        cagrs.append(c.rename_axis("region_code").reset_index().assign(variable=var))
    growth_t = pd.concat(growth, ignore_index=True)[["region_code", "year", "variable", "growth"]]
    cagr_t = pd.concat(cagrs, ignore_index=True)

    traj_y, traj_o = [], []
    coupling = ctx.stages["coupling"]
    for pair, c in coupling.groupby("pair", sort=False):
        tr = dyn.d_trajectory(c)
        traj_y.append(tr.yearly.assign(pair=pair))
        traj_o.append(tr.overall.rename_axis("region_code").reset_index().assign(pair=pair))
    cols_y = ["pair", "region_code", "year", "D", "grade_zh", "D_change", "grade_change",
              "grade_change_en"]
    yearly = pd.concat(traj_y, ignore_index=True)[cols_y] if traj_y else pd.DataFrame(columns=cols_y)
    overall = pd.concat(traj_o, ignore_index=True) if traj_o else pd.DataFrame()

    pooled = wide[[spec.ip, spec.rd]].dropna()
    pooled.index = [f"{r}:{y}" for r, y in pooled.index]
    base = wide.xs(scope.base_year, level="year")[[spec.ip, spec.rd]]
    el = {"pooled": dyn.elasticity(pooled[spec.ip], pooled[spec.rd], spec.alpha, spec.cov_type),
          "base_year": dyn.elasticity(base[spec.ip], base[spec.rd], spec.alpha, spec.cov_type)}
    el_t = pd.DataFrame([{"sample": k, "y": spec.ip, "x": spec.rd, **vars(e)} for k, e in el.items()])

    coords = prefecture_coordinates(list(scope.regions), _parent(ctx))
    ip_p, ind_p = _year_panel(wide, spec.ip).dropna(), _year_panel(wide, spec.industry).dropna()
    gip, gind = dyn.gravity_path(ip_p, coords), dyn.gravity_path(ind_p, coords)
    dist = dyn.centre_distance(ip_p, ind_p, coords)
    dist["ip_step_km"] = gip["step_km"].reindex(dist.index)
    dist["industry_step_km"] = gind["step_km"].reindex(dist.index)
    gravity_t = dist.reset_index()

    what_ip = ("发明专利授权", "invention grants")
    rows = [("", "elasticity", dyn.describe_elasticity(el["pooled"], what_ip, ("R&D经费", "R&D spending"))),
            ("", "gravity_ip", dyn.describe_gravity(gip, ("发明专利授权", "invention-grant"))),
            ("", "gravity_industry", dyn.describe_gravity(gind, ("产业增加值", "value-added"))),
            ("", "gravity_distance", _distance_sentence(dist))]
    ip_cagr = cagr_t[cagr_t["variable"] == spec.ip].set_index("region_code")
    for code in scope.regions:
        rows.append((code, "growth", dyn.describe_growth(ip_cagr, code, names, what_ip)))
    if traj_o:
        for pair, o in overall.groupby("pair", sort=False):
            tr = dyn.DTrajectory(yearly=yearly, overall=o.set_index("region_code"))
            for code in o["region_code"]:
                s = dyn.describe_trajectory(tr, code, names)
                rows.append((code, f"trajectory:{pair}", s))
    coords_t = coords.reset_index()
    return {"dynamics_growth": growth_t, "dynamics_cagr": cagr_t, "dynamics_trajectory": yearly,
            "dynamics_trajectory_overall": overall, "dynamics_elasticity": el_t,
            "dynamics_gravity": gravity_t, "dynamics_coordinates": coords_t,
            "dynamics_sentences": _sentences(rows)}


def _distance_sentence(dist: pd.DataFrame) -> Any:
    from ipbench.analysis import Sentence

    y0, y1 = int(dist.index[0]), int(dist.index[-1])
    d0, d1 = float(dist["distance_km"].iloc[0]), float(dist["distance_km"].iloc[-1])
    zh, en = ("缩小", "narrowed") if d1 < d0 else ("扩大", "widened") if d1 > d0 else ("不变", "unchanged")
    return Sentence(
        zh=f"知识产权重心与产业重心的距离由{y0}年的{d0:.1f}公里{zh}至{y1}年的{d1:.1f}公里"
           f"（{'空间上趋于匹配' if d1 < d0 else '空间匹配未改善'}）。",
        en=f"The distance between the IP and the industry centres of gravity {en} from"
           f" {d0:.1f} km in {y0} to {d1:.1f} km in {y1}.",
    )


# ------------------------------------------------------------------------------- quality


QUALITY_VARIABLES = {
    "invention": "patent_grant_invention",
    "total": "patent_grant_total",
    "rd": "rd_expenditure",
    "high_value": "patent_inforce_high_value",
    "population": "population",
}


def quality(ctx: Any) -> dict[str, Any]:
    """Quality indicators per region and year — invention share of grants, invention grants
    per 亿元 of R&D expenditure, high-value invention patents per 10,000 people (where the
    data exist) — and the layout-quality composite (min-max, ``quality.weights``) per year."""
    from ipbench.analysis import quality as q

    facts = ctx.stages["facts"]
    have = set(facts.loc[facts["industry_code"] == "ALL", "variable"])
    present = {k: v for k, v in QUALITY_VARIABLES.items() if v in have}
    wide = facts_wide(ctx, {f"facts.{v}": v for v in present.values()})
    frames, rows = [], []
    names = _names(ctx)
    spec = ctx.params.quality
    for year, g in wide.groupby(level="year"):
        X = g.droplevel("year")

        def col(k: str, X: pd.DataFrame = X) -> Any:
            return X[present[k]] if k in present else None

        ind = q.quality_indicators(
            invention=col("invention"), total=col("total") if "invention" in present else None,
            patents=col("invention") if "rd" in present else None,
            rd_input=col("rd") / 1e8 if "rd" in present and "invention" in present else None,
            high_value=col("high_value") if "population" in present else None,
            population_persons=col("population") if "high_value" in present else None,
        )
        if ind.isna().any().any():
            continue
        try:
            comp = q.quality_composite(ind, weights=spec.weights)
        except InputError as exc:
            if spec.weights is not None and "weight" in str(exc):
                raise params_error("quality.weights", spec.weights, str(exc), list(ind.columns)) from exc
            raise
        t = comp.table().rename(columns={"rank": "quality_rank"}).rename_axis("region_code")
        frames.append(t.reset_index().assign(year=int(year)))
        if int(year) == ctx.params.scope.base_year:
            rows = [(c, "quality", q.describe_quality(comp, c, names)) for c in t.index]
    if not frames:
        raise DataError("quality: no year with complete quality indicators")
    return {"quality": pd.concat(frames, ignore_index=True), "quality_sentences": _sentences(rows)}


# ------------------------------------------------------------------------------- intensive


def _window(ctx: Any, window: int) -> list[int]:
    base = ctx.params.scope.base_year
    years = [y for y in range(base - window + 1, base + 1) if y >= ctx.params.scope.years.first]
    return years


def intensive(ctx: Any) -> dict[str, Any]:
    """IP-intensive industries (industry patents and employment summed over the regions and
    the window; reference = the whole economy of the regions), IP-intensive regions (whole
    economy; reference = the scope's reference unit when it has data, else the regions
    pooled), regions intensive within each industry, and the share of the intensive
    industries' value added in each region's GDP per year."""
    from ipbench.analysis import intensive as ii

    spec = ctx.params.intensive
    scope = ctx.params.scope
    inds = [i for i in scope.industries if i != "ALL"]
    years = _window(ctx, spec.window)
    facts = ctx.stages["facts"]
    f = facts[facts["year"].isin(years) & facts["variable"].isin(
        ["patent_grant_invention", "employment"])]
    args = {"density_threshold": spec.density_threshold, "scale_threshold": spec.scale_threshold,
            "per": spec.per}
    win = f.pivot_table(index=["region_code", "industry_code"], columns="variable",
                        values="value", aggfunc="sum")
    if not {"patent_grant_invention", "employment"} <= set(win.columns):
        raise DataError("intensive needs facts patent_grant_invention and employment")
    regs = win.loc[win.index.get_level_values("region_code").isin(scope.regions)]
    ind_names, names = _industry_names(ctx), _names(ctx)
    out: dict[str, Any] = {}
    rows = []
    # regions (whole economy)
    allr = regs.xs("ALL", level="industry_code")
    ref = None
    if scope.reference and (scope.reference, "ALL") in win.index:
        r = win.loc[(scope.reference, "ALL")]
        ref = {"patents": float(r["patent_grant_invention"]), "employment": float(r["employment"])}
    reg_t = ii.ip_intensive(allr["patent_grant_invention"], allr["employment"], reference=ref, **args)
    out["intensive_regions"] = reg_t.rename_axis("region_code").reset_index()
    rows.append(("", "regions", ii.describe_intensive(reg_t, names)))
    if inds:
        byind = regs[regs.index.get_level_values("industry_code").isin(inds)]
        tot = byind.groupby(level="industry_code").sum()
        econ = allr.sum()
        ref_i = {"patents": float(econ["patent_grant_invention"]), "employment": float(econ["employment"])}
        ind_t = ii.ip_intensive(tot["patent_grant_invention"], tot["employment"], reference=ref_i,
                                **args)
        out["intensive_industries"] = ind_t.rename_axis("industry_code").reset_index()
        rows.append(("", "industries", ii.describe_intensive(ind_t, ind_names)))
        within = []
        for code, g in byind.groupby(level="industry_code"):
            g = g.droplevel("industry_code")
            t = ii.ip_intensive(g["patent_grant_invention"], g["employment"], **args)
            within.append(t.rename_axis("region_code").reset_index().assign(industry_code=code))
            rows.append((code, "regions_in_industry", ii.describe_intensive(t, names)))
        out["intensive_region_industry"] = pd.concat(within, ignore_index=True)
        out["intensive_share"] = _intensive_share(ctx, set(ind_t.index[ind_t["intensive"]]))
    out["intensive_sentences"] = _sentences(rows)
    return out


def _intensive_share(ctx: Any, intensive_set: set[str]) -> pd.DataFrame:
    """Per region × year: value added of the intensive industries / GDP × 100."""
    facts = ctx.stages["facts"]
    scope = ctx.params.scope
    f = facts[facts["region_code"].isin(scope.regions)]
    va = f[(f["variable"] == "value_added") & f["industry_code"].isin(sorted(intensive_set))]
    va = va.groupby(KEY)["value"].sum()
    gdp = f[(f["variable"] == "gdp") & (f["industry_code"] == "ALL")].set_index(KEY)["value"]
    t = pd.DataFrame({"value_added_intensive": va.reindex(gdp.index).fillna(0.0), "gdp": gdp})
    t[INTENSIVE_SHARE] = t["value_added_intensive"] / t["gdp"] * 100
    return t.reset_index()


# ------------------------------------------------------------------------------- peers


def peers(ctx: Any) -> dict[str, Any]:
    """Each region against the peer group (``scope.peer_group``, default all regions) and the
    reference unit (``scope.reference``) on every indicator in the base year (imputed values):
    best, gap to best, rank among peers, gap and ratio to the reference."""
    from ipbench.analysis.peers import describe_peers, peer_comparison

    scope = ctx.params.scope
    X = ctx.panel("imputed").xs(scope.base_year, level="year")
    cat = ctx.stages["catalogue"].set_index("code")
    d = cat["direction"].reindex(X.columns).astype(int)
    ref = None
    refs = ctx.stages.get("reference_indicators")
    if refs is not None and len(refs):
        r = refs[refs["year"] == scope.base_year]
        if len(r):
            ref = r.iloc[0].reindex(X.columns).astype(float)
    labels = {c: (cat.at[c, "name_zh"], cat.at[c, "name_en"]) for c in X.columns}
    names = _names(ctx)
    ref_name = names.get(scope.reference or "", ("参照单位", "the reference unit"))
    frames, rows = [], []
    for code in scope.regions:
        t = peer_comparison(X, code, peers=scope.peers, reference=ref, directions=d)
        frames.append(t.reset_index().assign(region_code=code))
        rows.append((code, "peers", describe_peers(t, names.get(code, code), ref_name, labels)))
    out = pd.concat(frames, ignore_index=True)
    out["best_unit"] = out["best_unit"].astype("string")
    return {"peers": out, "peers_sentences": _sentences(rows)}


# ------------------------------------------------------------------------------- guidance


def _growth(wide: pd.DataFrame, var: str, years: list[int]) -> pd.Series:
    """CAGR of ``var`` per row-unit between the first and last of ``years`` (NaN if undefined)."""
    a, b = wide.get((var, years[0])), wide.get((var, years[-1]))
    if a is None or b is None or len(years) < 2:
        return pd.Series(np.nan, index=wide.index)
    n = years[-1] - years[0]
    return ((b / a.where(a > 0)) ** (1.0 / n) - 1.0).astype(float)


def guidance(ctx: Any) -> dict[str, Any]:
    """Guidance catalogues (导向目录) in the base year: every region's industries (IP advantage
    = patent location quotient, industry advantage = value-added location quotient, from the
    ``industry`` step; growth = CAGR over the window) and the regions (IP advantage = location
    quotient of invention grants against population, industry advantage = that of value added
    against population; growth = CAGR of both)."""
    from ipbench.analysis.guidance import describe_guidance, guidance_catalogue

    spec = ctx.params.guidance
    scope = ctx.params.scope
    years = _window(ctx, spec.window + 1)
    args = {"ip_cut": spec.ip_cut, "industry_cut": spec.industry_cut,
            "tolerance": spec.tolerance, "growth_cut": spec.growth_cut}
    names, ind_names = _names(ctx), _industry_names(ctx)
    out: dict[str, Any] = {}
    rows = []
    prof = ctx.stages.get("industry_profile")
    if prof is not None and len(prof):
        w = prof[prof["year"].isin([years[0], years[-1]])].pivot_table(
            index=["region_code", "industry_code"], columns="year",
            values=["patents", "value_added"])
        cur = prof[prof["year"] == scope.base_year].set_index(["region_code", "industry_code"])
        unit = [f"{r}/{i}" for r, i in cur.index]
        label = {f"{r}/{i}": (f"{names.get(r, (r, r))[0]} · {ind_names.get(i, (i, i))[0]}",
                              f"{names.get(r, (r, r))[1]} · {ind_names.get(i, (i, i))[1]}")
                 for r, i in cur.index}
        gi = _growth(w, "patents", years).reindex(cur.index)
        gv = _growth(w, "value_added", years).reindex(cur.index)
        cat = guidance_catalogue(
            pd.Series(cur["lq_ip"].to_numpy(), index=unit),
            pd.Series(cur["lq_va"].to_numpy(), index=unit),
            ip_growth=pd.Series(gi.fillna(0.0).to_numpy(), index=unit),
            industry_growth=pd.Series(gv.fillna(0.0).to_numpy(), index=unit),
            names=label, **args)
        cat = cat.rename_axis("unit").reset_index()
        cat.insert(1, "region_code", cat["unit"].str.split("/").str[0])
        cat.insert(2, "industry_code", cat["unit"].str.split("/").str[1])
        cat["name_en"] = cat["unit"].map(lambda u: label[u][1])
        out["guidance_industries"] = cat
        for code, g in cat.groupby("region_code"):
            sub = g.set_index("industry_code")
            rows.append((code, "industries", describe_guidance(sub, ind_names)))
        for code, g in cat.groupby("industry_code"):
            rows.append((code, "regions_in_industry", describe_guidance(g.set_index("region_code"), names)))
    sit = ctx.stages["situation_shares"]
    cur_r = sit[sit["year"] == scope.base_year].set_index("region_code")
    w = sit[sit["year"].isin([years[0], years[-1]])].pivot_table(
        index="region_code", columns="year", values=["ip", "industry"])
    lq_va = cur_r["share_industry"] / cur_r["share_population"]
    reg = guidance_catalogue(
        cur_r["lq_ip_population"], lq_va,
        ip_growth=_growth(w, "ip", years).reindex(cur_r.index).fillna(0.0),
        industry_growth=_growth(w, "industry", years).reindex(cur_r.index).fillna(0.0),
        names=names, **args)
    reg = reg.rename_axis("unit").reset_index()
    reg["name_en"] = reg["unit"].map(lambda u: names.get(u, (u, u))[1])
    out["guidance_regions"] = reg
    rows.append(("", "regions", describe_guidance(reg.set_index("unit"), names)))
    out["guidance_sentences"] = _sentences(rows)
    return out


# ------------------------------------------------------------------------------- targets


def targets(ctx: Any) -> dict[str, Any]:
    """Plan targets (params ``targets:``): attainment %, projected year of attainment by the
    linear trend and by CAGR over the scope's years, on-track flag (linear)."""
    from ipbench.analysis.targets import Target, assess_targets, describe_target

    scope = ctx.params.scope
    cols = ["target", "region_code", "label"]
    if not ctx.params.targets:
        return {"targets": pd.DataFrame(columns=cols), "targets_sentences": _sentences([])}
    ind = ctx.panel("indicators")
    cat = ctx.stages["catalogue"].set_index("code")
    facts = ctx.stages["facts"]
    fvars = set(facts.loc[facts["industry_code"] == "ALL", "variable"])
    share = ctx.stages.get("intensive_share")
    frames, rows = [], []
    for i, t in enumerate(ctx.params.targets):
        if t.indicator in ind.columns:
            hist = ind[t.indicator].unstack("region_code")
            name = (cat.at[t.indicator, "name_zh"], cat.at[t.indicator, "name_en"])
        elif t.indicator == INTENSIVE_SHARE and share is not None:
            hist = share.set_index(KEY)[INTENSIVE_SHARE].unstack("region_code")
            name = ("专利密集型产业增加值占GDP比重(%)", "IP-intensive industries' value added (% of GDP)")
        elif t.indicator in fvars:
            hist = facts_wide(ctx, {f"targets[{i}].indicator": t.indicator})[t.indicator]
            hist = hist.unstack("region_code")
            name = (t.indicator, t.indicator)
        else:
            known = [*ind.columns, INTENSIVE_SHARE, *sorted(fvars)]
            raise params_error(f"targets[{i}].indicator", t.indicator,
                               "neither a selected indicator nor a facts variable", known)
        hist = hist.sort_index()
        regions = [t.region] if t.region else list(scope.regions)
        for code in regions:
            if code not in hist.columns:
                raise params_error(f"targets[{i}].region", code, "not one of scope.regions",
                                   list(scope.regions))
            try:
                a = assess_targets(hist[[code]].rename(columns={code: t.indicator}),
                                   [Target(t.indicator, t.value, t.year, t.direction)])
            except InputError as exc:
                raise ParamsError(f"targets[{i}]: {exc}") from exc
            a.insert(0, "target", i)
            a.insert(1, "region_code", code)
            a.insert(2, "label", t.label or name[0])
            frames.append(a)
            lab = (t.label or name[0], t.label or name[1]) if t.label else name
            reg = _names(ctx).get(code, (code, code))
            rows.append((code, f"target:{i}", describe_target(
                a.iloc[0], (f"{reg[0]}{lab[0]}", f"{reg[1]}: {lab[1]}"))))
    return {"targets": pd.concat(frames, ignore_index=True), "targets_sentences": _sentences(rows)}


# ------------------------------------------------------------------------------- robustness


def robustness(ctx: Any) -> dict[str, Any]:
    """Rank robustness of the base-year composite (:func:`ipbench.robustness.rank_robustness`)
    on the treated indicators with the evaluation's weights as the nominal set. A method
    choice that cannot be applied raises :class:`ParamsError` (never skipped)."""
    from ipbench.analysis import Sentence
    from ipbench.robustness import rank_robustness

    spec = ctx.params.robustness
    cols = ["region_code", "nominal", "median", "mean", "q05", "q95", "mean_abs_shift"]
    if not spec.enabled:
        return {"robustness_ranks": pd.DataFrame(columns=cols),
                "robustness_sentences": _sentences([])}
    base = ctx.params.scope.base_year
    X = ctx.panel("treated").xs(base, level="year")
    cat = ctx.stages["catalogue"].set_index("code")
    w = ctx.stages["weights"].set_index("indicator")["weight"].reindex(X.columns)
    try:
        res = rank_robustness(
            X, weights=w, directions=cat["direction"].reindex(X.columns),
            weightings=list(spec.weightings), weight_noise=spec.weight_noise,
            normalisations=list(spec.normalisations), aggregations=list(spec.aggregations),
            n=spec.n, sobol=spec.sobol, n_boot=spec.n_boot, conf=spec.conf, seed=spec.seed)
    except InputError as exc:
        raise ParamsError(f"robustness: {exc}") from exc
    st = res.rank_stats.rename_axis("region_code").reset_index()
    comp = ctx.stages["composite"]
    st["composite_rank"] = st["region_code"].map(
        comp[comp["year"] == base].set_index("region_code")["rank"])
    names = _names(ctx)
    width = st["q95"] - st["q05"]
    widest = st.loc[width.idxmax()]
    stable = st.loc[width == width.min(), "region_code"].tolist()
    zh_st = "、".join(names.get(c, (c, c))[0] for c in stable[:4])
    en_st = ", ".join(names.get(c, (c, c))[1] for c in stable[:4])
    wn = names.get(widest["region_code"], (widest["region_code"],) * 2)
    rows = [("", "ranks", Sentence(
        zh=f"在{res.settings['runs']}次方法组合抽样（随机种子{spec.seed}）下，排名5%–95%区间宽度"
           f"中位数为{width.median():.1f}位；最稳定的是{zh_st}，波动最大的是{wn[0]}"
           f"（第{widest['q05']:.0f}–{widest['q95']:.0f}位）。",
        en=f"Over {res.settings['runs']} Monte Carlo runs of method choices (seed {spec.seed}),"
           f" the median 5–95 % rank interval spans {width.median():.1f} places; most stable:"
           f" {en_st}; least stable: {wn[1]} (ranks {widest['q05']:.0f}–{widest['q95']:.0f})."))]
    out = {"robustness_ranks": st, "robustness_sentences": None}
    if res.sensitivity is not None:
        sens = res.sensitivity.reset_index()
        out["robustness_sensitivity"] = sens
        top = sens.loc[sens["ST"].idxmax()]
        rows.append(("", "sobol", Sentence(
            zh=f"对排名影响最大的方法选择是{_factor(top['factor'], 'zh')}（总效应指数ST={top['ST']:.2f}）。",
            en=f"The method choice that moves the ranks most is"
               f" {_factor(top['factor'], 'en')} (total Sobol index ST = {top['ST']:.2f}).")))
    out["robustness_sentences"] = _sentences(rows)
    return out


def _factor(name: str, lang: str) -> str:
    from ipbench.robustness import FACTOR_LABELS

    zh, en = FACTOR_LABELS.get(name, f"{name} · {name}").split(" · ")
    return zh if lang == "zh" else en


#: (step name, params sections, function, output tables) in run order
ANALYSIS_STEPS: list[tuple[str, tuple[str, ...], Any, tuple[str, ...]]] = [
    ("situation", ("situation",), situation,
     ("situation_shares", "situation_concentration", "situation_sentences")),
    ("dynamics", ("dynamics",), dynamics,
     ("dynamics_growth", "dynamics_cagr", "dynamics_trajectory", "dynamics_trajectory_overall",
      "dynamics_elasticity", "dynamics_gravity", "dynamics_coordinates", "dynamics_sentences")),
    ("quality", ("quality",), quality, ("quality", "quality_sentences")),
    ("intensive", ("intensive",), intensive,
     ("intensive_regions", "intensive_industries", "intensive_region_industry",
      "intensive_share", "intensive_sentences")),
    ("peers", (), peers, ("peers", "peers_sentences")),
    ("guidance", ("guidance",), guidance,
     ("guidance_industries", "guidance_regions", "guidance_sentences")),
    ("targets", ("targets",), targets, ("targets", "targets_sentences")),
    ("robustness", ("robustness",), robustness,
     ("robustness_ranks", "robustness_sensitivity", "robustness_sentences")),
]
