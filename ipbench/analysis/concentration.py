"""Static situation (态势): shares, concentration (Gini, HHI, CR-n) and location quotients.

Inputs are one value per unit (region or industry), e.g. invention grants by city.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ipbench._checks import as_frame, check_finite, check_nonnegative
from ipbench.analysis._inputs import align, as_series
from ipbench.analysis.interpretation import Sentence, label, pct
from ipbench.errors import InputError
from ipbench.matching import Bands

# Gini bands used only for wording (not for computing): the bands commonly quoted in the
# Chinese literature after the UN convention [M]. HHI is reported with its equal-share floor
# 1/n and as the "numbers-equivalent" 1/H (Adelman 1969, Rev. Econ. Stat. 51(1):99) rather
# than with the DOJ/FTC market bands, which are meant for firms in a market, not regions.
#: Gini bands used only for wording, closed on the right: [0, 0.2] 高度均衡 … (0.5, 1] 高度集中;
#: sentences show G with two places, more where rounding would cross a band edge (Bands.text)
GINI_BANDS = Bands((0.0, 0.2, 0.3, 0.4, 0.5, 1.0),
                   ("高度均衡", "比较均衡", "相对合理", "差距较大", "高度集中"),
                   ("highly even", "fairly even", "moderately uneven", "uneven", "highly concentrated"),
                   "right", "gini")


def _values(x: Any, name: str) -> pd.Series:
    s = as_series(x, name, nonnegative=True)
    if s.sum() <= 0:
        raise InputError(f"{name} sums to 0: shares and concentration are undefined", indicator=name)
    return s


def shares(x: Any, name: str = "x") -> pd.Series:
    """Each unit's share of the total: s_i = x_i / Σ_j x_j (values >= 0, total > 0)."""
    s = _values(x, name)
    return s / s.sum()


def gini(x: Any, sample: bool = False, name: str = "x") -> float:
    """Gini coefficient of the distribution of ``x`` over units.

    Population definition (default): G = Σ_i Σ_j |x_i − x_j| / (2 n² μ), computed as
    G = 2 Σ_i i·x_(i) / (n Σ x) − (n + 1)/n with x sorted ascending; 0 ≤ G ≤ (n−1)/n < 1.
    ``sample=True`` multiplies by n/(n−1) (reaches 1 at full concentration).
    Reference: Gini (1912) *Variabilità e mutabilità*; Cowell (2011) *Measuring Inequality*,
    3rd ed., ch. 2 and Technical Appendix (both forms). Example: Gini(1, 2, 3, 4) = 0.25.
    """
    s = _values(x, name)
    v = np.sort(s.to_numpy())
    n = v.size
    if sample and n < 2:
        raise InputError(f"{name}: the sample Gini needs at least 2 units, got {n}")
    i = np.arange(1, n + 1)
    g = 2.0 * float(np.dot(i, v)) / (n * v.sum()) - (n + 1.0) / n
    g = max(g, 0.0)  # rounding can give -1e-17 for equal values
    return g * n / (n - 1) if sample else g


def hhi(x: Any, points: bool = False, name: str = "x") -> float:
    """Herfindahl–Hirschman index H = Σ_i s_i², s_i = x_i / Σx; 1/n ≤ H ≤ 1.

    ``points=True`` uses percentage shares (H × 10,000, range up to 10,000) as in the
    U.S. DOJ & FTC Merger Guidelines (2023, §2.1; Horizontal Merger Guidelines 2010, §5.3).
    """
    s = shares(x, name)
    h = float((s**2).sum())
    return h * 10_000.0 if points else h


def concentration_ratio(x: Any, k: int = 2, name: str = "x") -> float:
    """CR-k: combined share of the k largest units, CR_k = Σ_{i ≤ k} s_(i) (shares descending)."""
    s = shares(x, name)
    if not isinstance(k, int | np.integer) or isinstance(k, bool) or not 1 <= k <= len(s):
        raise InputError(f"CR-k needs an integer 1 <= k <= {len(s)} (number of units), got {k!r}")
    return float(s.sort_values(ascending=False).iloc[:k].sum())


def concentration_table(X: Any, k: Sequence[int] = (1, 3, 5), points: bool = False) -> pd.DataFrame:
    """Concentration of each column (indicator) of ``X`` (rows = units).

    Columns of the result: ``n_units``, ``gini``, ``hhi``, ``hhi_equal`` (= 1/n, the floor),
    ``cr{k}`` for each k ≤ n (k larger than the number of units is skipped for that table),
    ``top_unit`` and ``top_share``. Rows are the indicators.
    """
    df = as_frame(X)
    check_finite(df)
    check_nonnegative(df, why="concentration needs quantities >= 0")
    rows = {}
    for col in df.columns:
        s = df[col]
        sh = shares(s, name=str(col))
        row: dict[str, Any] = {
            "n_units": len(s),
            "gini": gini(s, name=str(col)),
            "hhi": hhi(s, points=points, name=str(col)),
            "hhi_equal": (10_000.0 if points else 1.0) / len(s),
        }
        for kk in k:
            if kk <= len(s):
                row[f"cr{kk}"] = concentration_ratio(s, kk, name=str(col))
        row["top_unit"] = sh.idxmax()
        row["top_share"] = float(sh.max())
        rows[col] = row
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "indicator"
    return out


def location_quotients(
    ip: Any,
    base: Any,
    reference: Mapping[str, tuple[float, float]] | None = None,
) -> pd.DataFrame:
    """Location quotients of IP quantities against base quantities (industry, population).

    For unit i, IP column a and base column b:
    LQ_i = (ip_ia / base_ib) / (IP_a / BASE_b), the unit's IP per unit of base relative to the
    reference's; equivalently the ratio of the unit's shares s^IP_i / s^base_i when the
    reference is the sum of the units (default). ``reference`` maps an output column name
    ``"{a}/{b}"`` to (IP_a, BASE_b) totals, e.g. national figures, to compare against a
    reference unit outside the table. LQ > 1: the unit holds more IP than its industry
    (population) would predict. Source: DOMAIN.md §4 (区位熵, LQ_i = (e_i/e_t)/(E_i/E_t)).

    ``ip`` and ``base`` are frames (rows = units) or Series; the result has one column per
    pair ``"{ip column}/{base column}"``.
    """
    from ipbench.matching import location_quotient

    A = as_frame(ip, name="ip")
    B = as_frame(base, name="base")
    check_finite(A, "ip")
    check_finite(B, "base")
    check_nonnegative(A, "ip", why="location quotients need quantities >= 0")
    check_nonnegative(B, "base", why="location quotients need quantities >= 0")
    a0, _ = align(A.iloc[:, 0], B.iloc[:, 0], "ip", "base")
    B = B.reindex(a0.index)
    out = {}
    for a in A.columns:
        for b in B.columns:
            key = f"{a}/{b}"
            zero = B[b] <= 0
            if zero.any():
                unit = B.index[zero.to_numpy()][0]
                raise InputError(
                    f"base {b!r} is 0 at unit {unit!r}: its location quotient is undefined",
                    indicator=b,
                    unit=unit,
                )
            if reference is not None and key in reference:
                tot_a, tot_b = (float(v) for v in reference[key])
            else:
                tot_a, tot_b = float(A[a].sum()), float(B[b].sum())
            if tot_a <= 0 or tot_b <= 0:
                raise InputError(f"reference totals for {key!r} must be > 0, got {(tot_a, tot_b)}")
            # matching.location_quotient: LQ = (e_ij / e_i) / (E_j / E) with e_ij = ip,
            # e_i = base, E_j = IP total, E = base total.
            lq = location_quotient(A[[a]], totals=B[b], reference={a: tot_a}, reference_total=tot_b)
            out[key] = lq[a]
    if reference is not None:
        unknown = set(reference) - set(out)
        if unknown:
            raise InputError(f"reference names unknown pairs {sorted(unknown)}; pairs are {list(out)}")
    return pd.DataFrame(out, index=A.index)


def describe_concentration(
    x: Any,
    what: tuple[str, str] = ("知识产权", "IP"),
    k: int = 3,
    names: Mapping[Any, Any] | None = None,
) -> Sentence:
    """Sentence on how concentrated ``x`` is over units (Gini band, HHI, CR-k, top unit)."""
    s = _values(x, what[1])
    k = min(k, len(s))
    g, h = gini(s), hhi(s)
    cr = concentration_ratio(s, k)
    band = int(GINI_BANDS.classify([g])[0]) - 1
    gz, ge = GINI_BANDS.labels_zh[band], GINI_BANDS.labels_en[band]
    g_text = GINI_BANDS.text([g])[0]  # two places, more where rounding would cross a band edge
    top = s.idxmax()
    return Sentence(
        zh=f"{what[0]}在{len(s)}个单元间的分布{gz}（基尼系数{g_text}；HHI {h:.3f}，相当于{1 / h:.1f}个"
        f"等规模单元），前{k}位合计占{pct(cr)}，{label(top, names, 'zh')}居首（{pct(s[top] / s.sum())}）。",
        en=f"The distribution of {what[1]} over {len(s)} units is {ge} (Gini {g_text}; HHI {h:.3f},"
        f" equivalent to {1 / h:.1f} equal-sized units); the top {k} hold {pct(cr)}, led by"
        f" {label(top, names, 'en')} ({pct(s[top] / s.sum())}).",
    )
