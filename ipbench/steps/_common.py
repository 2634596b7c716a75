"""Small helpers shared by the analysis steps (sentence tables, year windows)."""

from __future__ import annotations

from typing import Any

import pandas as pd

SENTENCE_COLUMNS = ["unit", "topic", "zh", "en"]


def sentences(rows: list[tuple[str, str, Any]]) -> pd.DataFrame:
    """Rows (unit, topic, Sentence) → the sentences table (columns unit, topic, zh, en)."""
    return pd.DataFrame([(str(u), t, s.zh, s.en) for u, t, s in rows],
                        columns=SENTENCE_COLUMNS).astype("string")


def latest(t: pd.DataFrame, base_year: int) -> int:
    """The base year when ``t`` has it, else its latest year."""
    years = sorted(int(y) for y in t["year"].unique())
    return base_year if base_year in years else years[-1]


def window(params: Any, n: int) -> list[int]:
    """The ``n`` years ending in the base year (not before the scope's first year)."""
    base = params.scope.base_year
    return [y for y in range(base - n + 1, base + 1) if y >= params.scope.years.first]


def year_panel(wide: pd.DataFrame, var: str) -> pd.DataFrame:
    """years × regions panel of one variable of a (region_code, year)-indexed table."""
    return wide[var].unstack("region_code").sort_index()
