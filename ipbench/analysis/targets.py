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
  target is already attained).
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
        proj = row["linear_at_target_year"] if on_track_method == "linear" else row["cagr_at_target_year"]
        row["on_track"] = bool(attained or (not np.isnan(proj) and _reached(proj, tg)))
        row["on_track_method"] = on_track_method
        rows.append(row)
    cols = ["indicator", "target_value", "target_year", "direction", "latest_year", "latest_value",
            "attainment_pct", "attained", "linear_slope", "linear_at_target_year", "linear_year",
            "linear_reason", "cagr", "cagr_at_target_year", "cagr_year", "cagr_reason", "on_track",
            "on_track_method"]
    out = pd.DataFrame(rows, columns=cols)
    for c in ("linear_year", "cagr_year"):
        out[c] = out[c].astype("Int64")
    return out


def describe_target(row: pd.Series, name: tuple[str, str] | None = None) -> Sentence:
    """Sentence for one row of :func:`assess_targets`."""
    zh_n, en_n = name or (str(row["indicator"]), str(row["indicator"]))
    head_zh = (f"{zh_n}{int(row['latest_year'])}年为{num(row['latest_value'])}，"
               f"为{int(row['target_year'])}年目标{num(row['target_value'])}的{pct(row['attainment_pct'] / 100)}")
    head_en = (f"{en_n} was {num(row['latest_value'])} in {int(row['latest_year'])},"
               f" {pct(row['attainment_pct'] / 100)} of the {int(row['target_year'])} target {num(row['target_value'])}")
    if row["attained"]:
        return Sentence(zh=head_zh + "，已提前达标。", en=head_en + "; already attained.")
    y = row["linear_year"] if row["on_track_method"] == "linear" else row["cagr_year"]
    how_zh = "线性趋势" if row["on_track_method"] == "linear" else "年均复合增速"
    how_en = "linear trend" if row["on_track_method"] == "linear" else "compound growth"
    if pd.isna(y):
        return Sentence(zh=head_zh + f"；按{how_zh}外推无法达标。",
                        en=head_en + f"; on the {how_en} it would never be reached.")
    ok_zh = "可如期达标" if row["on_track"] else "难以如期达标"
    ok_en = "on track" if row["on_track"] else "off track"
    return Sentence(zh=head_zh + f"；按{how_zh}外推预计{int(y)}年达标，{ok_zh}。",
                    en=head_en + f"; on the {how_en} it is reached in {int(y)} ({ok_en}).")
