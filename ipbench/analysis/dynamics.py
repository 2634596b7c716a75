"""Dynamics (动态匹配): growth, CAGR, D trajectories, elasticity, centres of gravity.

Panels are wide: index = integer years, columns = units (or indicators).
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ipbench._checks import as_frame, check_finite
from ipbench.analysis._inputs import align, as_panel, as_series
from ipbench.analysis.interpretation import Sentence, grade_en, label, num, pct
from ipbench.errors import InputError

EARTH_RADIUS_KM = 6371.0088  # IUGG mean Earth radius R1 (Moritz 2000, Geodetic Reference System 1980)


# --- growth -------------------------------------------------------------------------------


def growth_rates(panel: Any) -> pd.DataFrame:
    """Year-on-year growth g_t = x_t / x_{t−1} − 1 for each column.

    Missing years are inserted as empty rows first, so a growth over a gap is never reported
    as annual: the year after a gap has NaN. A base of 0 gives NaN (growth undefined).
    """
    df = as_panel(panel)
    full = df.reindex(range(int(df.index.min()), int(df.index.max()) + 1))
    prev = full.shift(1)
    g = full / prev.where(prev != 0) - 1.0
    return g.loc[df.index].iloc[1:] if len(df) > 1 else g.iloc[0:0]


def cagr(start_value: float, end_value: float, years: float) -> float:
    """Compound annual growth rate (standard definition, the geometric-mean growth rate):
    CAGR = (x_end / x_start)^(1/years) − 1, with x_start > 0, x_end ≥ 0, years > 0.

    Example: 100 → 121 over 2 years gives 10 %.
    """
    x0, x1, n = float(start_value), float(end_value), float(years)
    if not all(map(math.isfinite, (x0, x1, n))):
        raise InputError(f"CAGR needs finite values, got start={x0!r}, end={x1!r}, years={n!r}")
    if x0 <= 0 or x1 < 0:
        raise InputError(f"CAGR needs start > 0 and end >= 0, got start={x0!r}, end={x1!r}")
    if n <= 0:
        raise InputError(f"CAGR needs a positive number of years, got {n!r}")
    return (x1 / x0) ** (1.0 / n) - 1.0


def cagr_table(panel: Any, start: int | None = None, end: int | None = None) -> pd.DataFrame:
    """CAGR of each column between ``start`` and ``end`` (default: first and last year).

    Columns: ``start_year``, ``end_year``, ``start_value``, ``end_value``, ``cagr``. A column
    with no value in the start or end year raises :class:`InputError` naming it.
    """
    df = as_panel(panel)
    y0 = int(df.index.min()) if start is None else int(start)
    y1 = int(df.index.max()) if end is None else int(end)
    for y in (y0, y1):
        if y not in df.index:
            raise InputError(f"year {y} is not in the panel (years {df.index.min()}–{df.index.max()})")
    if y1 <= y0:
        raise InputError(f"end year {y1} must be after start year {y0}")
    rows = {}
    for col in df.columns:
        a, b = df.at[y0, col], df.at[y1, col]
        if np.isnan(a) or np.isnan(b):
            raise InputError(
                f"{col!r} has no value in {y0 if np.isnan(a) else y1}: CAGR undefined",
                indicator=col,
            )
        try:
            rate = cagr(a, b, y1 - y0)
        except InputError as exc:
            raise InputError(f"{col!r}: {exc}", indicator=col) from exc
        rows[col] = {"start_year": y0, "end_year": y1, "start_value": a, "end_value": b, "cagr": rate}
    return pd.DataFrame.from_dict(rows, orient="index")


# --- D trajectories -----------------------------------------------------------------------

_CHANGE = {1: ("升级", "up"), -1: ("降级", "down"), 0: ("持平", "same")}


@dataclass(frozen=True)
class DTrajectory:
    """Coupling-coordination degree D over years.

    ``yearly``: unit, year, D, grade, D_change (vs the unit's previous year), grade_change
    (升级/降级/持平 · up/down/same). ``overall``: per unit first/last year, D, grade, change.
    """

    yearly: pd.DataFrame
    overall: pd.DataFrame

    def summary(self) -> str:
        up = int((self.overall["grade_change_en"] == "up").sum())
        down = int((self.overall["grade_change_en"] == "down").sum())
        return (
            f"D trajectories of {len(self.overall)} unit(s): {up} moved up a grade, {down} down.\n"
            + self.overall.to_string()
        )

    def _repr_html_(self) -> str:
        return f"<p>{html.escape(self.summary().splitlines()[0])}</p>" + self.overall.to_html()


def d_trajectory(
    frame: pd.DataFrame,
    unit: str = "region_code",
    year: str = "year",
    d: str = "D",
    grade: str = "grade_zh",
    text: str = "D_text",
) -> DTrajectory:
    """Trajectories of D and its grade per unit, from a long table (unit, year, D, grade).

    The defaults fit the output of :func:`ipbench.matching.coupling_coordination` with the
    unit and year as columns (``.reset_index()``). When the table has ``text`` (D as shown
    beside its grade, :meth:`ipbench.matching.Bands.text`), it is kept, and the first and last
    year's texts are ``D_first_text`` and ``D_last_text`` of ``overall``.

    The grade bands are monotone in D, so a grade change is "up" when D rose and "down"
    when it fell; equal grades are "same" whatever the change in D.
    """
    for col in (unit, year, d, grade):
        if col not in frame.columns:
            raise InputError(f"d_trajectory: column {col!r} missing; columns are {list(frame.columns)}")
    shown = [text] if text in frame.columns else []
    df = frame[[unit, year, d, grade, *shown]].copy()
    if df[[unit, year]].duplicated().any():
        dup = df.loc[df[[unit, year]].duplicated(), [unit, year]].iloc[0].tolist()
        raise InputError(f"d_trajectory: unit/year {dup} appears twice", unit=dup[0])
    check_finite(df[[d]].astype(float), name=d)
    df = df.sort_values([unit, year]).reset_index(drop=True)
    df["D_change"] = df.groupby(unit)[d].diff()
    prev_grade = df.groupby(unit)[grade].shift(1)
    sign = np.sign(df["D_change"].fillna(0.0)).astype(int)
    same = (prev_grade == df[grade]) | prev_grade.isna()
    step = sign.where(~same, 0)
    df["grade_change"] = [_CHANGE[s][0] if not first else "" for s, first in zip(step, prev_grade.isna(), strict=True)]
    df["grade_change_en"] = [_CHANGE[s][1] if not first else "" for s, first in zip(step, prev_grade.isna(), strict=True)]
    g = df.groupby(unit, sort=False)
    first, last = g.head(1).set_index(unit), g.tail(1).set_index(unit)
    overall = pd.DataFrame(
        {
            "first_year": first[year],
            "last_year": last[year],
            "D_first": first[d],
            "D_last": last[d],
            "D_change": last[d] - first[d],
            "grade_first": first[grade],
            "grade_last": last[grade],
            **({"D_first_text": first[text], "D_last_text": last[text]} if shown else {}),
        }
    )
    s = np.sign(overall["D_change"]).astype(int).where(overall["grade_first"] != overall["grade_last"], 0)
    overall["grade_change"] = [_CHANGE[v][0] for v in s]
    overall["grade_change_en"] = [_CHANGE[v][1] for v in s]
    return DTrajectory(yearly=df, overall=overall)


def describe_trajectory(traj: DTrajectory, unit: Any, names: Mapping[Any, Any] | None = None) -> Sentence:
    """Sentence on one unit's D trajectory (first → last year, grade change)."""
    if unit not in traj.overall.index:
        raise InputError(f"unit {unit!r} is not in the trajectory", unit=unit)
    r = traj.overall.loc[unit]
    a, b = (r[f"D_{e}_text"] if f"D_{e}_text" in r.index else f"{r[f'D_{e}']:.2f}" for e in ("first", "last"))
    zh_verb = {"up": "由{a}升至{b}", "down": "由{a}降至{b}", "same": "保持{b}"}[r["grade_change_en"]]
    en_verb = {"up": "rose from {a} to {b}", "down": "fell from {a} to {b}", "same": "stayed at {b}"}[
        r["grade_change_en"]
    ]
    return Sentence(
        zh=f"{label(unit, names, 'zh')}耦合协调度D从{int(r['first_year'])}年的{a}"
        f"变为{int(r['last_year'])}年的{b}，等级"
        + zh_verb.format(a=r["grade_first"], b=r["grade_last"]) + "。",
        en=f"{label(unit, names, 'en')}: D went from {a} ({int(r['first_year'])})"
        f" to {b} ({int(r['last_year'])}); the grade "
        + en_verb.format(a=grade_en(r["grade_first"]), b=grade_en(r["grade_last"])) + ".",
    )


# --- elasticity ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Elasticity:
    """Log-log OLS elasticity ln y = a + b ln x: ``coef`` = b with its confidence interval."""

    coef: float
    ci_low: float
    ci_high: float
    std_err: float
    p_value: float
    intercept: float
    r2: float
    n: int
    n_dropped: int
    alpha: float
    cov_type: str

    def summary(self) -> str:
        lvl = 100 * (1 - self.alpha)
        return (
            f"elasticity b = {self.coef:.3f} ({lvl:g}% CI {self.ci_low:.3f} to {self.ci_high:.3f};"
            f" s.e. {self.std_err:.3f}, p = {self.p_value:.3g}); R² = {self.r2:.3f};"
            f" n = {self.n} ({self.n_dropped} dropped for missing values); covariance {self.cov_type}"
        )

    def _repr_html_(self) -> str:
        return f"<p>{html.escape(self.summary())}</p>"


def elasticity(y: Any, x: Any, alpha: float = 0.05, cov_type: str = "nonrobust") -> Elasticity:
    """Elasticity of ``y`` (e.g. invention grants) to ``x`` (e.g. R&D expenditure).

    OLS of ln y_i = a + b ln x_i + e_i (statsmodels); b is the elasticity (% change in y per
    1 % change in x) with a (1 − alpha) interval: b ± t_{n−2} s.e.(b) for ``cov_type=
    "nonrobust"``, b ± z s.e.(b) (statsmodels' normal approximation) for robust errors such
    as "HC1" (see statsmodels ``OLS.fit``). Units with a
    missing y or x are dropped and counted (``n_dropped``); zero or negative values raise
    (the log is undefined). Units may be regions, years or region-years (pooled).
    """
    import statsmodels.api as sm

    ys = as_series(y, "y", allow_nan=True)
    xs = as_series(x, "x", allow_nan=True)
    ys, xs = align(ys, xs, "y", "x")
    keep = ys.notna() & xs.notna()
    ys, xs = ys[keep], xs[keep]
    for nm, s in (("y", ys), ("x", xs)):
        bad = s <= 0
        if bad.any():
            unit = s.index[bad.to_numpy()][0]
            raise InputError(f"elasticity: {nm} must be > 0 for the log; unit {unit!r} has {s[unit]!r}", unit=unit)
    n = len(ys)
    if n < 3:
        raise InputError(f"elasticity needs at least 3 units with both values, got {n}")
    if np.ptp(np.log(xs.to_numpy())) == 0:
        raise InputError("elasticity: x is constant, the slope is not identified")
    if not 0 < alpha < 1:
        raise InputError(f"alpha must be in (0, 1), got {alpha!r}")
    X = sm.add_constant(np.log(xs.to_numpy()))
    res = sm.OLS(np.log(ys.to_numpy()), X).fit(cov_type=cov_type)
    lo, hi = res.conf_int(alpha=alpha)[1]
    return Elasticity(
        coef=float(res.params[1]),
        ci_low=float(lo),
        ci_high=float(hi),
        std_err=float(res.bse[1]),
        p_value=float(res.pvalues[1]),
        intercept=float(res.params[0]),
        r2=float(res.rsquared),
        n=n,
        n_dropped=int((~keep).sum()),
        alpha=alpha,
        cov_type=cov_type,
    )


def describe_elasticity(
    e: Elasticity, y_name: tuple[str, str] = ("专利", "patents"), x_name: tuple[str, str] = ("研发投入", "R&D input")
) -> Sentence:
    """Sentence: elastic (b > 1 with CI above 1), inelastic (CI below 1), or not distinguishable."""
    lvl = f"{100 * (1 - e.alpha):g}%"
    if e.ci_low > 1:
        zh, en = "富有弹性（产出增长快于投入）", "elastic (output grows faster than input)"
    elif e.ci_high < 1:
        zh, en = "缺乏弹性（产出增长慢于投入）", "inelastic (output grows more slowly than input)"
    else:
        zh, en = "与单位弹性无显著差异", "not distinguishable from unit elasticity"
    return Sentence(
        zh=f"{y_name[0]}对{x_name[0]}的弹性为{e.coef:.2f}（{lvl}置信区间{e.ci_low:.2f}～{e.ci_high:.2f}，"
        f"n={e.n}），{zh}。",
        en=f"The elasticity of {y_name[1]} to {x_name[1]} is {e.coef:.2f} ({lvl} CI {e.ci_low:.2f}"
        f" to {e.ci_high:.2f}, n = {e.n}): {en}.",
    )


# --- centres of gravity ---------------------------------------------------------------------


def haversine_km(lon1: Any, lat1: Any, lon2: Any, lat2: Any, radius_km: float = EARTH_RADIUS_KM) -> Any:
    """Great-circle distance (km) by the haversine formula (Sinnott 1984, Sky & Telescope 68:159):
    d = 2R·asin√(sin²(Δφ/2) + cos φ1 cos φ2 sin²(Δλ/2)); degrees in, vectorised."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dphi, dlam = p2 - p1, np.radians(np.asarray(lon2) - np.asarray(lon1))
    h = np.sin(dphi / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlam / 2) ** 2
    return 2 * radius_km * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))


def bearing_deg(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Initial great-circle bearing from point 1 to point 2, degrees clockwise from north."""
    p1, p2, dl = math.radians(lat1), math.radians(lat2), math.radians(lon2 - lon1)
    y = math.sin(dl) * math.cos(p2)
    x = math.cos(p1) * math.sin(p2) - math.sin(p1) * math.cos(p2) * math.cos(dl)
    return (math.degrees(math.atan2(y, x)) + 360.0) % 360.0


_COMPASS = [("北", "north"), ("东北", "north-east"), ("东", "east"), ("东南", "south-east"),
            ("南", "south"), ("西南", "south-west"), ("西", "west"), ("西北", "north-west")]


def compass(bearing: float) -> tuple[str, str]:
    """8-point compass direction (zh, en) of a bearing in degrees."""
    return _COMPASS[int(((bearing % 360) + 22.5) // 45) % 8]


def _coords(coords: Any) -> pd.DataFrame:
    c = as_frame(coords, name="coords")
    for col in ("lon", "lat"):
        if col not in c.columns:
            raise InputError(f"coords needs columns 'lon' and 'lat', got {list(c.columns)}", indicator=col)
    check_finite(c[["lon", "lat"]], name="coords")
    bad = (c["lat"].abs() > 90) | (c["lon"].abs() > 180)
    if bad.any():
        unit = c.index[bad.to_numpy()][0]
        raise InputError(f"coords of unit {unit!r} are out of range: {c.loc[unit, ['lon', 'lat']].tolist()}", unit=unit)
    return c[["lon", "lat"]]


def centre_of_gravity(weights: Any, coords: Any) -> tuple[float, float]:
    """Weighted centre (x̄, ȳ) = (Σ z_i x_i / Σ z_i, Σ z_i y_i / Σ z_i) of unit coordinates.

    ``weights``: z_i ≥ 0 per unit (e.g. invention grants); ``coords``: frame with ``lon``,
    ``lat`` (degrees) indexed by the same units (extra units in coords are ignored). Source:
    李恒吉等 sec. 2.5 (DOMAIN.md §3); plain lon/lat averaging, as in that literature.
    """
    z = as_series(weights, "weights", nonnegative=True)
    c = _coords(coords)
    missing = z.index.difference(c.index)
    if len(missing):
        raise InputError(f"coords missing for unit(s) {list(missing)}", unit=missing[0])
    if z.sum() <= 0:
        raise InputError("weights sum to 0: the centre of gravity is undefined")
    c = c.loc[z.index]
    return float((z * c["lon"]).sum() / z.sum()), float((z * c["lat"]).sum() / z.sum())


def gravity_path(panel: Any, coords: Any) -> pd.DataFrame:
    """Centre of gravity per year of a panel (years × units) and its movement.

    Columns: ``lon``, ``lat``, ``step_km`` (haversine distance from the previous year's
    centre), ``cumulative_km``, ``bearing`` (degrees from north). Units with NaN in a year
    raise (a centre over a changing set of units is not comparable).
    """
    df = as_panel(panel, allow_nan=False)
    rows = [centre_of_gravity(df.loc[y], coords) for y in df.index]
    out = pd.DataFrame(rows, index=df.index, columns=["lon", "lat"])
    out.index.name = "year"
    step = haversine_km(out["lon"].shift(1), out["lat"].shift(1), out["lon"], out["lat"])
    out["step_km"] = step
    out["cumulative_km"] = out["step_km"].fillna(0.0).cumsum()
    out["bearing"] = [np.nan] + [
        bearing_deg(a, b, c, d)
        for a, b, c, d in zip(out["lon"].iloc[:-1], out["lat"].iloc[:-1], out["lon"].iloc[1:], out["lat"].iloc[1:], strict=True)
    ]
    return out


def centre_distance(ip_panel: Any, industry_panel: Any, coords: Any) -> pd.DataFrame:
    """Distance (km) per year between the IP centre and the industry centre of gravity.

    A shrinking distance means IP and industry are converging spatially (dynamic matching,
    DOMAIN.md §3; 张莉, 单晓光 2021). Columns: ``ip_lon``, ``ip_lat``, ``industry_lon``,
    ``industry_lat``, ``distance_km``; years are those present in both panels.
    """
    a, b = gravity_path(ip_panel, coords), gravity_path(industry_panel, coords)
    years = a.index.intersection(b.index)
    if len(years) == 0:
        raise InputError("the IP and industry panels share no year")
    out = pd.DataFrame(
        {
            "ip_lon": a.loc[years, "lon"],
            "ip_lat": a.loc[years, "lat"],
            "industry_lon": b.loc[years, "lon"],
            "industry_lat": b.loc[years, "lat"],
        }
    )
    out["distance_km"] = haversine_km(out["ip_lon"], out["ip_lat"], out["industry_lon"], out["industry_lat"])
    return out


def describe_gravity(path: pd.DataFrame, what: tuple[str, str] = ("知识产权", "IP")) -> Sentence:
    """Sentence on the net movement of a centre of gravity between the first and last year."""
    if len(path) < 2:
        raise InputError("describe_gravity needs at least two years")
    y0, y1 = int(path.index[0]), int(path.index[-1])
    p0, p1 = path.iloc[0], path.iloc[-1]
    dist = float(haversine_km(p0["lon"], p0["lat"], p1["lon"], p1["lat"]))
    zh_dir, en_dir = compass(bearing_deg(p0["lon"], p0["lat"], p1["lon"], p1["lat"]))
    return Sentence(
        zh=f"{y0}—{y1}年{what[0]}重心向{zh_dir}方向净移动{num(dist, 1)}公里"
        f"（累计路径{num(float(path['cumulative_km'].iloc[-1]), 1)}公里）。",
        en=f"From {y0} to {y1} the {what[1]} centre of gravity moved {num(dist, 1)} km {en_dir}"
        f" (path length {num(float(path['cumulative_km'].iloc[-1]), 1)} km).",
    )


def describe_growth(table: pd.DataFrame, unit: Any, names: Mapping[Any, Any] | None = None,
                    what: tuple[str, str] = ("发明专利授权量", "invention grants")) -> Sentence:
    """Sentence on one row of :func:`cagr_table`."""
    if unit not in table.index:
        raise InputError(f"unit {unit!r} is not in the CAGR table", unit=unit)
    r = table.loc[unit]
    return Sentence(
        zh=f"{label(unit, names, 'zh')}{what[0]}{int(r['start_year'])}—{int(r['end_year'])}年"
        f"年均复合增长{pct(r['cagr'], signed=True)}。",
        en=f"{label(unit, names, 'en')}: {what[1]} grew at a compound {pct(r['cagr'], signed=True)}"
        f" a year from {int(r['start_year'])} to {int(r['end_year'])}.",
    )
