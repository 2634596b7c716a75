"""Monitoring of plan targets: attainment, trend projections (linear OLS and CAGR), on-track.

A target is (indicator, value, year[, direction]), e.g. Nantong 2026: 32 high-value invention
patents per 10,000 people. History is a wide panel: index = years, columns = indicators.

* attainment % = latest / target × 100 (for a "lower is better" target: target / latest × 100);
* linear projection: OLS y_t = a + b·t over the window (statsmodels); the target is reached at
  t* = (target − a) / b when the trend moves towards it (sign(b) = direction);
* CAGR projection: g = (y_last / y_first)^(1/(t_last − t_first)) − 1 over the window;
  y_t = y_last (1 + g)^(t − t_last); t* = t_last + ln(target / y_last) / ln(1 + g);
* the projected year of attainment is the first whole year ≥ t* (never before the latest
  year); a flat or opposite trend never reaches the target → None with the reason;
* on track: the chosen method's projection for the target year reaches the target (or the
  target is already attained);
* ``verdict`` uses both projections and never silently follows one: ``attained``,
  ``on_track`` (both reach the target by its year), ``off_track`` (neither does),
  ``disagree`` (one does, the other does not), or ``linear_only``/``cagr_only`` prefixed
  verdicts when the other projection is undefined (e.g. CAGR of a non-positive series).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ipbench.analysis._inputs import as_panel
from ipbench.analysis.interpretation import Sentence, num, pct
from ipbench.errors import InputError

_EPS = 1e-9


@dataclass(frozen=True)
class Target:
    """A plan target: reach ``value`` of ``indicator`` by ``year``; ``direction`` +1 means
    "at least" (higher is better), −1 "at most"."""

    indicator: str
    value: float
    year: int
    direction: int = 1

    def __post_init__(self) -> None:
        if self.direction not in (1, -1):
            raise InputError(f"target {self.indicator!r}: direction must be +1 or -1, got {self.direction!r}",
                             indicator=self.indicator)
        if not math.isfinite(float(self.value)):
            raise InputError(f"target {self.indicator!r}: value must be finite", indicator=self.indicator)


def _as_target(t: Target | Mapping[str, Any]) -> Target:
    if isinstance(t, Target):
        return t
    unknown = set(t) - {"indicator", "value", "year", "direction"}
    if unknown or not {"indicator", "value", "year"} <= set(t):
        raise InputError(f"a target needs keys indicator, value, year (and optional direction); got {sorted(t)}")
    return Target(str(t["indicator"]), float(t["value"]), int(t["year"]), int(t.get("direction", 1)))


def _reached(y: float, target: Target) -> bool:
    return target.direction * (y - target.value) >= -_EPS * max(1.0, abs(target.value))


def _first_year(t_star: float, latest: int) -> int:
    return max(int(math.ceil(t_star - 1e-7)), latest)


def linear_trend(series: pd.Series) -> tuple[float, float]:
    """OLS fit y_t = a + b·t (statsmodels); returns (a, b). Needs ≥ 2 years."""
    import statsmodels.api as sm

    t = np.asarray(series.index, dtype=float)
    res = sm.OLS(series.to_numpy(dtype=float), sm.add_constant(t, has_constant="add")).fit()
    return float(res.params[0]), float(res.params[1])


def assess_targets(
    history: Any,
    targets: Sequence[Target | Mapping[str, Any]],
    window: int | None = None,
    on_track_method: str = "linear",
) -> pd.DataFrame:
    """Assess each target against the indicator's history; one row per target.

    ``window``: number of latest observed years used for the trends (default: all observed).
    Columns: indicator, target_value, target_year, direction, latest_year, latest_value,
    attainment_pct, attained, linear_slope, linear_at_target_year, linear_year, linear_reason,
    cagr, cagr_at_target_year, cagr_year, cagr_reason, on_track, on_track_method.
    ``*_year`` is the projected first year of attainment (None when never reached; the reason
    says why).
    """
    if on_track_method not in ("linear", "cagr"):
        raise InputError(f"on_track_method must be 'linear' or 'cagr', got {on_track_method!r}")
    df = as_panel(history, name="history")
    rows = []
    for raw in targets:
        tg = _as_target(raw)
        if tg.indicator not in df.columns:
            raise InputError(f"target indicator {tg.indicator!r} has no history; columns are {list(df.columns)}",
                             indicator=tg.indicator)
        s = df[tg.indicator].dropna()
        if window is not None:
            if window < 2:
                raise InputError(f"window must be >= 2 years, got {window}")
            s = s.iloc[-window:]
        if len(s) < 2:
            raise InputError(f"indicator {tg.indicator!r} has {len(s)} observed year(s); trends need 2",
                             indicator=tg.indicator)
        t_last, y_last = int(s.index[-1]), float(s.iloc[-1])
        if tg.year < t_last:
            raise InputError(f"target year {tg.year} of {tg.indicator!r} is before the latest data year {t_last}",
                             indicator=tg.indicator)
        attained = _reached(y_last, tg)
        if tg.direction > 0:
            att = y_last / tg.value * 100 if tg.value != 0 else np.nan
        else:
            att = tg.value / y_last * 100 if y_last != 0 else np.nan
        row: dict[str, Any] = {
            "indicator": tg.indicator, "target_value": tg.value, "target_year": tg.year,
            "direction": tg.direction, "latest_year": t_last, "latest_value": y_last,
            "attainment_pct": att, "attained": attained,
        }
        # linear
        a, b = linear_trend(s)
        row["linear_slope"] = b
        row["linear_at_target_year"] = a + b * tg.year
        if attained:
            row["linear_year"], row["linear_reason"] = t_last, "already attained"
        elif tg.direction * b <= 0:
            row["linear_year"], row["linear_reason"] = None, (
                "trend flat or moving away from the target: never attained")
        else:
            row["linear_year"] = _first_year((tg.value - a) / b, t_last)
            row["linear_reason"] = "projected"
        # CAGR
        t_first, y_first = int(s.index[0]), float(s.iloc[0])
        if y_first <= 0 or y_last <= 0:
            g = np.nan
            row["cagr_year"], row["cagr_reason"] = None, "CAGR undefined: non-positive value in the window"
            row["cagr_at_target_year"] = np.nan
        else:
            g = (y_last / y_first) ** (1.0 / (t_last - t_first)) - 1.0
            row["cagr_at_target_year"] = y_last * (1.0 + g) ** (tg.year - t_last)
            if attained:
                row["cagr_year"], row["cagr_reason"] = t_last, "already attained"
            elif tg.direction * g <= 0 or tg.value <= 0:
                row["cagr_year"], row["cagr_reason"] = None, (
                    "growth flat or moving away from the target: never attained")
            else:
                t_star = t_last + math.log(tg.value / y_last) / math.log(1.0 + g)
                row["cagr_year"], row["cagr_reason"] = _first_year(t_star, t_last), "projected"
        row["cagr"] = g
        lin_ok = bool(attained or _reached(row["linear_at_target_year"], tg))
        cg = row["cagr_at_target_year"]
        cagr_ok = None if np.isnan(cg) else bool(attained or _reached(cg, tg))
        row["linear_on_track"], row["cagr_on_track"] = lin_ok, cagr_ok
        row["verdict"] = verdict(attained, lin_ok, cagr_ok)
        row["on_track"] = lin_ok if on_track_method == "linear" else bool(cagr_ok)
        row["on_track_method"] = on_track_method
        rows.append(row)
    cols = ["indicator", "target_value", "target_year", "direction", "latest_year", "latest_value",
            "attainment_pct", "attained", "linear_slope", "linear_at_target_year", "linear_year",
            "linear_reason", "cagr", "cagr_at_target_year", "cagr_year", "cagr_reason",
            "linear_on_track", "cagr_on_track", "verdict", "on_track", "on_track_method"]
    out = pd.DataFrame(rows, columns=cols)
    for c in ("linear_year", "cagr_year"):
        out[c] = out[c].astype("Int64")
    out["cagr_on_track"] = out["cagr_on_track"].astype("boolean")
    return out


#: verdict → (zh, en)
VERDICTS = {
    "attained": ("已达标", "attained"),
    "on_track": ("两种外推均可如期达标", "on track on both projections"),
    "off_track": ("两种外推均难以如期达标", "off track on both projections"),
    "disagree": ("两种外推结论不一致", "the two projections disagree"),
    "linear_on_track": ("仅线性外推可用：可如期达标", "linear projection only: on track"),
    "linear_off_track": ("仅线性外推可用：难以如期达标", "linear projection only: off track"),
}


def verdict(attained: bool, linear_ok: bool, cagr_ok: bool | None) -> str:
    """The verdict from both projections (see the module docstring)."""
    if attained:
        return "attained"
    if cagr_ok is None:
        return "linear_on_track" if linear_ok else "linear_off_track"
    if linear_ok and cagr_ok:
        return "on_track"
    if not linear_ok and not cagr_ok:
        return "off_track"
    return "disagree"


def _n(x: float) -> str:
    """Whole numbers without decimals (counts), others with two."""
    return num(x, 0) if pd.notna(x) and float(x) == round(float(x)) and abs(float(x)) >= 100 else num(x)


def describe_target(row: pd.Series, name: tuple[str, str] | None = None,
                    unit: tuple[str, str] = ("", "")) -> Sentence:
    """Sentence for one row of :func:`assess_targets`: latest value, attainment, the year each
    projection reaches the target, and the verdict of both (disagreement said)."""
    zh_n, en_n = name or (str(row["indicator"]), str(row["indicator"]))
    uz, ue = unit
    ue = f" {ue}" if ue else ""
    head_zh = (f"{zh_n}{int(row['latest_year'])}年为{_n(row['latest_value'])}{uz}，"
               f"为{int(row['target_year'])}年目标{_n(row['target_value'])}{uz}的{pct(row['attainment_pct'] / 100)}")
    head_en = (f"{en_n} was {_n(row['latest_value'])}{ue} in {int(row['latest_year'])},"
               f" {pct(row['attainment_pct'] / 100)} of the {int(row['target_year'])} target"
               f" {_n(row['target_value'])}{ue}")
    if row["attained"]:
        return Sentence(zh=head_zh + "，已提前达标。", en=head_en + "; already attained.")

    def year(col: str, zh: bool) -> str:
        y = row.get(col)
        if y is None or pd.isna(y):
            return "无法达标" if zh else "never"
        return f"{int(y)}年达标" if zh else f"in {int(y)}"

    v = row.get("verdict") or verdict(False, bool(row["on_track"]), None)
    vz, ve = VERDICTS[v]
    return Sentence(
        zh=head_zh + f"；按线性趋势外推{year('linear_year', True)}，按年均复合增速外推"
        f"{year('cagr_year', True)}；{vz}。",
        en=head_en + f"; the linear trend reaches it {year('linear_year', False)}, compound"
        f" growth {year('cagr_year', False)}: {ve}.",
    )
