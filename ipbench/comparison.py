"""Compare two evaluations' ranks (COINr ``compare_coins``)."""

from __future__ import annotations

from typing import Any

import pandas as pd


def _results(x: Any) -> Any:
    if hasattr(x, "results_"):
        return x.results_ if x.results_ is not None else x.run()
    return x


def compare(a: Any, b: Any, year: int | None = None) -> pd.DataFrame:
    """Rank moves from ``a`` to ``b`` (Evaluations or Results) in ``year`` (default: a's base
    year): columns ``score_a``, ``rank_a``, ``score_b``, ``rank_b``, ``move`` (= rank_a −
    rank_b, positive = moved up) and ``abs_move``; sorted by b's rank."""
    ra, rb = _results(a), _results(b)
    year = year or ra.params["scope"]["base_year"]
    ta = ra.ranking(year).set_index("region_code")[["score", "rank"]]
    tb = rb.ranking(year).set_index("region_code")[["score", "rank"]]
    out = ta.add_suffix("_a").join(tb.add_suffix("_b"), how="outer")
    out["move"] = out["rank_a"] - out["rank_b"]
    out["abs_move"] = out["move"].abs()
    return out.sort_values("rank_b")


def mean_abs_move(table: pd.DataFrame) -> float:
    """Mean absolute rank move of a :func:`compare` table (COINr's summary statistic)."""
    return float(table["abs_move"].mean())
