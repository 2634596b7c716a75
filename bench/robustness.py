"""Benchmark of ipbench.robustness (not a timed test).

Prints the median wall time of: the uncertainty analysis with 10,000 draws on 300 units ×
30 indicators (target ≤ 2 s), the Sobol design run (n base rows → n(d + 2) runs), and the
Sobol estimators with bootstrap on their own. Run: ``.venv/bin/python bench/robustness.py``.
"""

from __future__ import annotations

import statistics
import time

import numpy as np
import pandas as pd

from ipbench.robustness import _bootstrap, rank_robustness, sobol_indices

UNITS, INDICATORS, DRAWS, SOBOL_N, REPEATS = 300, 30, 10_000, 2_000, 5


def _median_time(fn, repeats: int = REPEATS) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


def main() -> None:
    rng = np.random.default_rng(2024)
    X = pd.DataFrame(
        rng.lognormal(size=(UNITS, INDICATORS)),
        columns=[f"x{j}" for j in range(INDICATORS)],
    )
    w = pd.Series(rng.dirichlet(np.ones(INDICATORS)), index=X.columns)
    setup = {"weightings": ["nominal", "equal", "entropy", "critic"], "weight_noise": 0.2,
             "normalisations": ["minmax", "zscore", "rank"],
             "aggregations": ["arithmetic", "topsis"]}
    rank_robustness(X, w, n=100, seed=0, **setup)  # warm-up (imports, BLAS)

    t_ua, res = _median_time(lambda: rank_robustness(X, w, n=DRAWS, seed=1, **setup))
    print(f"uncertainty analysis: {DRAWS:,} draws, {UNITS} units × {INDICATORS} indicators,"
          f" factors {list(res.settings['factors'])}: median {t_ua:.3f} s"
          f" (target ≤ 2 s) over {REPEATS} runs")

    t_sa, sa = _median_time(
        lambda: rank_robustness(X, w, n=SOBOL_N, sobol=True, seed=1, **setup), repeats=3
    )
    print(f"sensitivity analysis: n = {SOBOL_N:,} base rows → {sa.settings['runs']:,} runs"
          f" incl. Sobol indices + {sa.settings['n_boot']} bootstrap resamples:"
          f" median {t_sa:.3f} s over 3 runs")

    d = len(sa.settings["factors"])
    y = np.random.default_rng(3).random(SOBOL_N * (d + 2))
    yA, yB = y[:SOBOL_N], y[SOBOL_N:2 * SOBOL_N]
    yAB = y[2 * SOBOL_N:].reshape(d, SOBOL_N).T
    boot_rng = np.random.default_rng(4)
    t_est, _ = _median_time(
        lambda: (sobol_indices(yA, yB, yAB), _bootstrap(yA, yB, yAB, 500, 0.9, boot_rng))
    )
    print(f"Sobol step alone (S1, ST and 500 bootstrap resamples, d = {d}): median"
          f" {t_est * 1000:.1f} ms")
    print(sa.sensitivity.round(3).to_string())


if __name__ == "__main__":
    main()
