"""Which judgments to revisit when a pairwise-comparison matrix is inconsistent.

For every judgment a_ij (i < j) of an n x n matrix the method tries each value v of Saaty's
scale (1/9 … 9) in its place (a_ji = 1/v), recomputes the consistency ratio
CR = (lambda_max − n) / ((n − 1) RI(n)) and keeps the v with the lowest CR. The judgments are
ranked by that lowest CR: the first is the single change that most reduces CR. This is an
exhaustive version of Harker's (1987) derivative-based search for the judgment whose change
most reduces lambda_max (Harker P.T., "Derivatives of the Perron root of a positive reciprocal
matrix", Math. Modelling 9(5):353-358), checked on the scale the questionnaire offers.

Each hint also gives the consistent ratio w_i / w_j of the current priorities, the deviation
|a_ij − w_i/w_j| and Saaty's epsilon = max(e, 1/e) with e = a_ij w_j / w_i (Saaty 2003,
"Decision-making with the AHP: why is the principal eigenvector necessary", EJOR
145(1):85-91, sec. 3: the judgment with the largest epsilon is the most inconsistent; unlike
the plain deviation it does not favour large entries), and the induced-bias entry c_ij = (A·A)_ij / n − a_ij (Ergu, Kou,
Peng & Shi 2011, "A simple method to improve the consistency ratio of the pair-wise comparison
matrix in ANP", EJOR 213(1):246-259), which is 0 for every entry of a consistent matrix.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import pandas as pd

from ipbench.weights import random_index

#: Saaty's 1-9 scale and its reciprocals (the values a questionnaire can give).
SCALE: tuple[float, ...] = tuple([1 / k for k in range(9, 1, -1)] + list(range(1, 10)))


def priorities(a: np.ndarray) -> tuple[np.ndarray, float]:
    """Principal eigenvector (normalised to sum 1) and lambda_max (Saaty 1977)."""
    vals, vecs = np.linalg.eig(a)
    k = int(np.argmax(vals.real))
    v = np.abs(vecs[:, k].real)
    return v / v.sum(), float(vals[k].real)


def consistency_ratio(a: np.ndarray, ri: str = "saaty") -> float:
    """CR = CI / RI(n), CI = (lambda_max − n)/(n − 1); 0 for n <= 2."""
    n = a.shape[0]
    if n <= 2:
        return 0.0
    _, lam = priorities(a)
    return max((lam - n) / (n - 1), 0.0) / random_index(n, ri)


def scale_text(v: float) -> str:
    """A scale value as the questionnaire writes it: ``3`` or ``1/3``."""
    if v >= 1:
        return f"{round(v):d}" if abs(v - round(v)) < 1e-9 else f"{v:.3g}"
    inv = 1 / v
    return f"1/{round(inv):d}" if abs(inv - round(inv)) < 1e-9 else f"{v:.3g}"


def nearest_scale(v: float) -> float:
    """The scale value nearest to ``v`` on a log scale."""
    return min(SCALE, key=lambda s: abs(np.log(s) - np.log(v)))


@dataclass(frozen=True)
class Hint:
    """One judgment to revisit: the pair, current value, suggested value, CR before/after."""

    i: str
    j: str
    value: float
    suggested: float
    cr_before: float
    cr_after: float
    consistent_ratio: float  # w_i / w_j of the current priorities
    deviation: float  # |a_ij − w_i / w_j|
    epsilon: float  # max(e, 1/e), e = a_ij w_j / w_i  (Saaty 2003: largest = most inconsistent)
    induced_bias: float  # (A·A)_ij / n − a_ij  (Ergu et al. 2011)

    def as_dict(self) -> dict[str, object]:
        return {"i": self.i, "j": self.j, "value": scale_text(self.value),
                "suggested": scale_text(self.suggested), "cr_before": round(self.cr_before, 4),
                "cr_after": round(self.cr_after, 4),
                "consistent_ratio": round(self.consistent_ratio, 4),
                "deviation": round(self.deviation, 4), "epsilon": round(self.epsilon, 4),
                "induced_bias": round(self.induced_bias, 4)}


def revisions(matrix: pd.DataFrame, ri: str = "saaty", top: int = 3) -> list[Hint]:
    """The ``top`` single-judgment changes that most reduce CR (see the module docstring),
    best first. ``matrix`` is a reciprocal DataFrame labelled by element codes."""
    a = matrix.to_numpy(dtype=float)
    n = a.shape[0]
    names = list(matrix.columns)
    if n <= 2:
        return []
    w, _ = priorities(a)
    cr0 = consistency_ratio(a, ri)
    bias = a @ a / n - a
    out = []
    for i in range(n):
        for j in range(i + 1, n):
            best_v, best_cr = a[i, j], cr0
            for v in SCALE:
                b = a.copy()
                b[i, j], b[j, i] = v, 1 / v
                cr = consistency_ratio(b, ri)
                if cr < best_cr - 1e-12:
                    best_v, best_cr = v, cr
            ratio = w[i] / w[j]
            e = a[i, j] / ratio
            out.append(Hint(names[i], names[j], float(a[i, j]), float(best_v), cr0, best_cr,
                            float(ratio), float(abs(a[i, j] - ratio)), float(max(e, 1 / e)),
                            float(bias[i, j])))
    out.sort(key=lambda h: (h.cr_after, -h.epsilon))
    return out[:top]


def as_fraction(v: float) -> str | int:
    """A judgment for a YAML file: integers as ints, reciprocals as ``"1/3"``, others 4 digits."""
    if abs(v - round(v)) < 1e-9:
        return int(round(v))
    inv = 1 / v
    if abs(inv - round(inv)) < 1e-9:
        return f"1/{int(round(inv))}"
    f = Fraction(v).limit_denominator(1000)
    return f"{f.numerator}/{f.denominator}" if abs(float(f) - v) < 1e-6 else float(f"{v:.6g}")
