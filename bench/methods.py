"""Benchmark of the evaluation methods (a script, not a test): prints median timings.

    .venv/bin/python bench/methods.py [--repeat 15]

(a) full pass on 3,000 units x 60 indicators: normalize.minmax + weights.entropy +
    weights.critic + aggregate.topsis + matching.coupling_coordination on two subsystem scores
    (target <= 50 ms); (b) weights.critic on 10,000 x 50 (target <= 20 ms).
Optional: if a throwaway venv with pymcdm exists (``$PYMCDM_PYTHON``, default
``/tmp/pymcdm-venv/bin/python``), the same CRITIC problem is timed there and the ratio printed.
"""

from __future__ import annotations

import argparse
import importlib
import os
import subprocess
import sys
import time
import timeit
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ipbench import matching, weights  # noqa: E402

TARGET_PASS_MS, TARGET_CRITIC_MS = 50.0, 20.0


def _median_ms(fn, repeat: int, number: int = 3) -> tuple[float, float]:
    """Median wall-clock and process-CPU milliseconds per call (CPU time is the steadier
    figure on a shared machine; it counts every thread of this process)."""
    fn()  # warm-up (imports, caches)
    wall = np.median(timeit.repeat(fn, number=number, repeat=repeat)) / number * 1e3
    cpu = np.median(timeit.repeat(fn, number=number, repeat=repeat, timer=time.process_time))
    return float(wall), float(cpu / number * 1e3)


def _fmt(t: tuple[float, float]) -> str:
    return f"{t[0]:8.2f} ms wall {t[1]:8.2f} ms cpu"


def _data(rows: int, cols: int, seed: int) -> tuple[pd.DataFrame, list[int]]:
    rng = np.random.default_rng(seed)
    X = pd.DataFrame(
        rng.lognormal(mean=2.0, sigma=1.0, size=(rows, cols)),
        index=pd.Index([f"u{i:05d}" for i in range(rows)], name="unit"),
        columns=[f"ind{j:02d}" for j in range(cols)],
    )
    directions = [-1 if j % 7 == 0 else 1 for j in range(cols)]
    return X, directions


def _lazy(name: str):
    try:
        return importlib.import_module(f"ipbench.{name}")
    except ImportError as exc:
        print(f"ipbench.{name} not importable yet ({exc}); rerun later")
        return None


def full_pass_steps(X: pd.DataFrame, d: list[int], normalize, aggregate) -> dict:
    half = X.shape[1] // 2
    cols_a, cols_b = X.columns[:half], X.columns[half:]

    def step_minmax():
        return normalize.minmax(X, directions=d)

    def step_entropy():
        return weights.entropy(X, directions=d)

    def step_critic():
        return weights.critic(X, directions=d)

    def step_topsis(w):
        return aggregate.topsis(X, w, directions=d)

    def step_coupling(N, w):
        wa = w[cols_a] / w[cols_a].sum()
        wb = w[cols_b] / w[cols_b].sum()
        U = pd.DataFrame({"ip": N[cols_a].to_numpy() @ wa.to_numpy(),
                          "industry": N[cols_b].to_numpy() @ wb.to_numpy()}, index=X.index)
        return matching.coupling_coordination(U)

    def full():
        N = step_minmax()
        we = step_entropy()
        step_critic()
        step_topsis(we)
        return step_coupling(N, we)

    N, we = step_minmax(), step_entropy()
    return {
        "full pass": full,
        "  normalize.minmax": step_minmax,
        "  weights.entropy": step_entropy,
        "  weights.critic": step_critic,
        "  aggregate.topsis": lambda: step_topsis(we),
        "  subsystem scores + matching.coupling_coordination": lambda: step_coupling(N, we),
    }


_PYMCDM_SNIPPET = """
import sys, timeit, numpy as np
from pymcdm.weights import critic_weights
rng = np.random.default_rng(int(sys.argv[1]))
X = rng.lognormal(mean=2.0, sigma=1.0, size=(int(sys.argv[2]), int(sys.argv[3])))
critic_weights(X)
t = timeit.repeat(lambda: critic_weights(X), number=1, repeat=int(sys.argv[4]))
print(float(np.median(t)) * 1e3)
"""


def pymcdm_critic_ms(rows: int, cols: int, seed: int, repeat: int) -> float | None:
    python = os.environ.get("PYMCDM_PYTHON", "/tmp/pymcdm-venv/bin/python")
    if not Path(python).exists():
        return None
    try:
        out = subprocess.run(
            [python, "-c", _PYMCDM_SNIPPET, str(seed), str(rows), str(cols), str(repeat)],
            capture_output=True, text=True, timeout=300, check=True,
        )
        return float(out.stdout.strip().splitlines()[-1])
    except (subprocess.SubprocessError, ValueError, IndexError):
        return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    print(f"numpy {np.__version__}, pandas {pd.__version__}; medians of {args.repeat} repeats")

    normalize, aggregate = _lazy("normalize"), _lazy("aggregate")
    if normalize is not None and aggregate is not None:
        X, d = _data(3000, 60, seed=1)
        print("(a) 3,000 units x 60 indicators")
        for label, fn in full_pass_steps(X, d, normalize, aggregate).items():
            ms = _median_ms(fn, args.repeat)
            tail = f"  (target <= {TARGET_PASS_MS:.0f} ms)" if label == "full pass" else ""
            print(f"  {label:<55} {_fmt(ms)}{tail}")

    X, _ = _data(10_000, 50, seed=2)
    ms = _median_ms(lambda: weights.critic(X), args.repeat)
    print("(b) 10,000 units x 50 indicators")
    print(f"  {'weights.critic (DataFrame)':<55} {_fmt(ms)}  (target <= {TARGET_CRITIC_MS:.0f} ms)")
    arr = X.to_numpy()
    print(f"  {'weights.critic (ndarray)':<55} {_fmt(_median_ms(lambda: weights.critic(arr), args.repeat))}")
    ref = pymcdm_critic_ms(10_000, 50, seed=2, repeat=max(3, args.repeat // 3))
    if ref is None:
        print("  pymcdm: not available (set PYMCDM_PYTHON to a venv with pymcdm); skipped")
    else:
        print(f"  {'pymcdm critic_weights (own venv)':<55} {ref:8.2f} ms wall"
              f"  ratio {ref / ms[0]:.1f}x")


if __name__ == "__main__":
    main()
