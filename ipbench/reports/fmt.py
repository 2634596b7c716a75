"""The one formatting policy of the reports: how a number is shown follows from its kind and unit.

* counts (件, 次, 项, 家, 所, 个, 人 …, and ranks and years): whole numbers, thousands separated;
* money in 元: 亿元 (2 decimals) when the column's typical magnitude is ≥ 1 亿, else 万元
  (1 decimal); a catalogue unit already in 亿元/万元 keeps it (2 decimals);
* fractions (0–1 shares, growth rates, CAGR) are shown as % with 1 decimal; values already
  in % (unit ``%``) with 1 decimal;
* scores and indices (composite, sub-indices, U, C, T, D): 2 decimals; location quotients,
  ratios and densities (units with ``/``): 2 decimals; D beside its grade with more where two
  would put the figure in the next band (``D_text``, :meth:`ipbench.matching.Bands.text`);
* p-values with 3 decimals, "<0.001" below; HHI with 3 decimals;
* booleans as 是/否 (yes/no); missing as "–".

Columns of the analysis tables have a fixed kind in :data:`COLUMNS`; indicator and variable
columns take kind and unit from the catalogue (``unit``) or ``data/variables.yaml``.
Formatting is vectorised over a column (one ``Series.map`` of a format string).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

#: units of countable things: whole numbers
COUNT_UNITS = frozenset({"件", "次", "项", "家", "所", "个", "人", "户", "名", "人年", "种"})
MISSING = "–"


@dataclass(frozen=True)
class Format:
    """How one column is shown: multiply by ``scale``, ``decimals`` places, ``unit`` in the
    header (zh, en), ``suffix`` after each number (e.g. %)."""

    kind: str
    decimals: int = 2
    scale: float = 1.0
    unit_zh: str = ""
    unit_en: str = ""
    suffix: str = ""

    def unit(self, lang: str = "zh") -> str:
        return self.unit_en if lang == "en" else self.unit_zh


def _money(values: Any, unit: str) -> Format:
    if unit == "亿元":
        return Format("money", 2, 1.0, "亿元", "100m yuan")
    if unit == "万元":
        return Format("money", 1, 1.0, "万元", "10k yuan")
    v = np.abs(pd.to_numeric(pd.Series(values), errors="coerce").dropna())
    typical = float(v.median()) if len(v) else 0.0
    if typical >= 1e8:
        return Format("money", 2, 1e-8, "亿元", "100m yuan")
    return Format("money", 1, 1e-4, "万元", "10k yuan")


def for_unit(unit: str | None, kind: str | None = None, values: Any = None) -> Format:
    """The format of a variable or indicator with ``unit`` (base or catalogue unit) and
    ``kind`` (``count``, ``money``, ``amount``, ``share`` from variables.yaml), sized by
    ``values`` for money."""
    unit = str(unit or "")
    if kind == "money" or unit in ("元", "亿元", "万元"):
        return _money(values if values is not None else [], unit)
    if kind == "share" or unit == "%":
        return Format("percent", 1, 1.0, "%", "%")
    if kind == "count" or unit in COUNT_UNITS:
        return Format("count", 0, 1.0, unit, _UNIT_EN.get(unit, unit))
    if "/" in unit:
        return Format("ratio", 2, 1.0, unit, _UNIT_EN.get(unit, unit))
    return Format("amount", 2, 1.0, unit, _UNIT_EN.get(unit, unit))


_UNIT_EN = {
    "件": "", "次": "", "项": "", "家": "firms", "所": "", "个": "", "人": "persons",
    "人年": "person-years", "万人": "10k persons", "万人年": "10k person-years",
    "件/万人": "per 10k persons", "人年/万人": "person-years per 10k", "件/亿元": "per 100m yuan",
    "件/千人年": "per 1,000 person-years", "次/千件": "per 1,000 patents", "元/人": "yuan per person",
    "万元/人": "10k yuan per person", "件/万名从业人员": "per 10k employees",
}

#: kinds of the columns of the analysis tables (column → Format)
SCORE = Format("score", 2)
#: a number already shown as text by the analysis (e.g. D beside its grade, with the places
#: that keep it in its band: :meth:`ipbench.matching.Bands.text`): shown as it is, aligned as a number
SHOWN = Format("shown", 0)
#: the most places a number shown as text by the analysis may have (Bands.text's ``most``)
MOST_PLACES = 6
RATIO = Format("ratio", 2)
FRACTION = Format("fraction", 1, 100.0, "%", "%", "")
PERCENT = Format("percent", 1, 1.0, "%", "%", "")
INTEGER = Format("count", 0)
YEAR = Format("year", 0)
COLUMNS: dict[str, Format] = {
    "D_text": SHOWN,
    **{c: SCORE for c in ("score", "U1", "U2", "C", "T", "D", "D_first", "D_last", "D_change",
                          "quality_composite", "ip_advantage", "industry_advantage",
                          "weight", "objective", "subjective", "coef", "ci_low", "ci_high",
                          "std_err", "r2", "intercept", "gini", "S1", "ST",
                          "S1_lo", "S1_hi", "ST_lo", "ST_hi")},
    **{c: RATIO for c in ("lq_ip", "lq_va", "lq_ip_industry", "lq_ip_population",
                          "share_matching", "density_ratio", "ratio_to_reference")},
    **{c: FRACTION for c in ("share_ip", "share_va", "share_industry", "share_population",
                             "growth", "cagr", "ip_growth", "industry_growth", "invention_share",
                             "top_share", "cr1", "cr3", "cr5", "pct_of_best")},
    **{c: PERCENT for c in ("attainment_pct", "intensive_va_share_gdp")},
    **{c: INTEGER for c in ("rank", "quality_rank", "composite_rank", "nominal", "n", "n_peers",
                            "n_units", "n_dropped", "tied", "target")},
    **{c: Format("rank", 1) for c in ("median", "mean", "mean_abs_shift")},
    **{c: Format("rank", 0) for c in ("q05", "q95")},
    **{c: YEAR for c in ("year", "start_year", "end_year", "first_year", "last_year",
                         "latest_year", "target_year", "linear_year", "cagr_year")},
    "p_value": Format("p", 3),
    # HHI of 31 provinces is about 0.09 and its floor 1/n = 0.032: two places would hide both
    **{c: Format("score", 3) for c in ("hhi", "hhi_equal")},
    "patents": Format("count", 0, 1.0, "件", ""),
    "scale": Format("count", 0, 1.0, "件", ""),
    "scale_threshold": Format("count", 0, 1.0, "件", ""),
    "employment_avg": Format("amount", 2, 1.0, "万人", "10k persons"),
    "density": Format("ratio", 2, 1.0, "件/万人", "per 10k employed"),
    "density_threshold": Format("ratio", 2, 1.0, "件/万人", "per 10k employed"),
    "ip_intensity": Format("ratio", 2, 1.0, "件/万人", "per 10k employed"),
    "patents_per_rd": Format("ratio", 2, 1.0, "件/亿元", "per 100m yuan"),
    "high_value_per_10k": Format("ratio", 2, 1.0, "件/万人", "per 10k persons"),
    "distance_km": Format("amount", 1, 1.0, "公里", "km"),
    "ip_step_km": Format("amount", 1, 1.0, "公里", "km"),
    "industry_step_km": Format("amount", 1, 1.0, "公里", "km"),
    "ip_lon": Format("amount", 2, 1.0, "°E", "°E"), "ip_lat": Format("amount", 2, 1.0, "°N", "°N"),
    "industry_lon": Format("amount", 2, 1.0, "°E", "°E"),
    "industry_lat": Format("amount", 2, 1.0, "°N", "°N"),
}


def column_format(col: str) -> Format | None:
    """The fixed format of an analysis column, or None (text, or unit-dependent)."""
    return COLUMNS.get(col)


def format_values(values: pd.Series, fmt: Format, lang: str = "zh") -> pd.Series:
    """Strings of ``values`` under ``fmt`` (vectorised; "–" for missing); booleans → 是/否."""
    s = pd.Series(values)
    if pd.api.types.is_bool_dtype(s) or (s.dtype == object and s.map(
            lambda v: isinstance(v, bool | np.bool_)).all() and len(s)):
        yes, no = ("yes", "no") if lang == "en" else ("是", "否")
        return s.map({True: yes, False: no}).fillna(MISSING).astype(str)
    if fmt.kind == "shown":
        return s.astype("string").fillna(MISSING).astype(str)
    num = pd.to_numeric(s, errors="coerce").astype(float) * fmt.scale
    pattern = ("{:.0f}" if fmt.kind == "year" else f"{{:,.{fmt.decimals}f}}") + fmt.suffix
    out = num.map(pattern.format, na_action="ignore").astype(object)
    if fmt.kind == "p":  # a p-value below the last place shown is "<0.001", not "0.000"
        floor = 10.0 ** -fmt.decimals
        out = out.where(~(num < floor), f"<{floor:.{fmt.decimals}f}")
    if fmt.decimals == 0:  # "-0" from rounding a small negative
        out = out.where(out != "-0", "0")
    return out.fillna(MISSING).astype(str)


def format_cell(value: Any, fmt: Format, lang: str = "zh") -> str:
    """One value under ``fmt`` (for sentences and single facts)."""
    return str(format_values(pd.Series([value]), fmt, lang).iloc[0])


def auto_format(values: pd.Series) -> Format | None:
    """Fallback for a column without a declared kind: integers and integer-valued floats as
    counts, other floats with 2 decimals, text unchanged (None)."""
    s = pd.Series(values)
    if pd.api.types.is_bool_dtype(s):
        return INTEGER
    if pd.api.types.is_integer_dtype(s):
        return INTEGER
    if pd.api.types.is_float_dtype(s):
        v = s.dropna()
        return INTEGER if len(v) and np.allclose(v, v.round()) else Format("amount", 2)
    return None
