"""Bilingual interpretation sentences generated from the numbers.

Reports show one or two sentences next to each analysis. Every ``describe_*`` function in
:mod:`ipbench.analysis` returns a :class:`Sentence` (Chinese + English); this module holds the
type, the shared number formatting and the sentence for a matching pair (issue 5, item 1).
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ipbench.errors import InputError


def _grade_names() -> dict[str, str]:
    """zh → en grade names from the bands of :mod:`ipbench.matching` (DOMAIN.md §2)."""
    from ipbench.matching import COUPLING_BANDS, FOUR_BANDS, TEN_BANDS

    out: dict[str, str] = {}
    for b in (TEN_BANDS, FOUR_BANDS, COUPLING_BANDS):
        out.update({zh: en[:1].lower() + en[1:] for zh, en in zip(b.labels_zh, b.labels_en, strict=True)})
    return out


@dataclass(frozen=True)
class Sentence:
    """One interpretation in Chinese and English. ``str()`` gives both, Chinese first."""

    zh: str
    en: str

    def text(self, lang: str = "zh") -> str:
        """The sentence in ``lang`` ('zh' or 'en')."""
        if lang not in ("zh", "en"):
            raise InputError(f"unknown language {lang!r}: use 'zh' or 'en'")
        return self.zh if lang == "zh" else self.en

    def __str__(self) -> str:
        return f"{self.zh}\n{self.en}"

    def summary(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        return (
            f'<p lang="zh">{html.escape(self.zh)}</p>'
            f'<p lang="en"><em>{html.escape(self.en)}</em></p>'
        )


def num(x: float, digits: int = 2) -> str:
    """Fixed-point number with thousands separators; 'n/a' for NaN/None."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    return f"{x:,.{digits}f}"


def pct(x: float, digits: int = 1, signed: bool = False) -> str:
    """A fraction as a percentage: 0.1234 → '12.3%' (or '+12.3%' when ``signed``)."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    return f"{100 * x:{'+' if signed else ''}.{digits}f}%"


def label(unit: Any, names: Mapping[Any, Any] | None, lang: str) -> str:
    """Display name of ``unit``: ``names[unit]`` is a str or a (zh, en) pair; else the label."""
    if names is None or unit not in names:
        return str(unit)
    name = names[unit]
    if isinstance(name, str):
        return name
    zh, en = name
    return zh if lang == "zh" else en


def grade_en(grade: str) -> str:
    """English name (lower case) of a coordination grade or coupling stage given in Chinese,
    from the bands of :mod:`ipbench.matching`; unknown names are returned unchanged."""
    return _grade_names().get(str(grade), str(grade))


def describe_matching(
    unit_name: str | tuple[str, str],
    u_a: float,
    u_b: float,
    D: float,
    grade: str | tuple[str, str],
    side_a: tuple[str, str] = ("创造潜力", "creation potential"),
    side_b: tuple[str, str] = ("创造能力", "creation capability"),
    tolerance: float = 0.1,
    measure: str = "ratio",
) -> Sentence:
    """Sentence for one matching pair: which side lags, with D and its grade.

    The lagging side comes from :func:`ipbench.matching.relative_development` (``measure``
    "ratio": U_b/U_a against 1 ± tolerance, or "difference": U_a − U_b against ±tolerance;
    DOMAIN.md §2 [M]). ``grade``: the Chinese grade (English looked up) or a (zh, en) pair,
    e.g. ``grade_zh``/``grade_en`` of :func:`ipbench.matching.coupling_coordination`.

    >>> print(describe_matching("南通市", 0.7, 0.5, 0.62, "初级协调").zh)
    南通市创造能力滞后于创造潜力（D=0.62，初级协调）。
    """
    import pandas as pd

    from ipbench.matching import relative_development

    for what, v in (("u_a", u_a), ("u_b", u_b), ("D", D)):
        if v is None or not math.isfinite(float(v)):
            raise InputError(f"describe_matching: {what} must be a finite number, got {v!r}")
    zh_name, en_name = (unit_name, unit_name) if isinstance(unit_name, str) else unit_name
    g_zh, g_en = (grade, grade_en(grade)) if isinstance(grade, str) else (grade[0], grade[1].lower())
    rd = relative_development(
        pd.Series([float(u_a)], name="a"), pd.Series([float(u_b)], name="b"),
        tolerance=tolerance, measure=measure,  # type: ignore[arg-type]
    )
    kind = rd["type"].iloc[0]
    if kind == "b_lagging":
        zh = f"{zh_name}{side_b[0]}滞后于{side_a[0]}"
        en = f"In {en_name}, {side_b[1]} lags behind {side_a[1]}"
    elif kind == "a_lagging":
        zh = f"{zh_name}{side_a[0]}滞后于{side_b[0]}"
        en = f"In {en_name}, {side_a[1]} lags behind {side_b[1]}"
    else:
        zh = f"{zh_name}{side_a[0]}与{side_b[0]}基本同步"
        en = f"In {en_name}, {side_a[1]} and {side_b[1]} develop in step"
    return Sentence(
        zh=f"{zh}（D={float(D):.2f}，{g_zh}）。",
        en=f"{en} (D = {float(D):.2f}, {g_en}; U = {float(u_a):.2f} vs {float(u_b):.2f}).",
    )


# ------------------------------------------------------------------ sentences from tables
# Vectorised builders: each takes a table (one row per unit) and returns the sentences table
# of the steps (columns unit, topic, zh, en), one row per unit, built with column-wise string
# operations (no Python loop per row).

SENTENCE_COLUMNS = ["unit", "topic", "zh", "en"]


def _fixed(x: Any, digits: int = 2) -> Any:
    """A numeric Series as fixed-point strings (vectorised)."""
    import pandas as pd

    s = pd.Series(x, dtype=float)
    return s.map(f"{{:,.{digits}f}}".format, na_action="ignore").fillna("n/a")


def _frame(unit: Any, topic: str, zh: Any, en: Any) -> Any:
    import pandas as pd

    return pd.DataFrame({"unit": pd.Series(unit).astype(str).to_numpy(), "topic": topic,
                         "zh": pd.Series(zh).to_numpy(), "en": pd.Series(en).to_numpy()},
                        columns=SENTENCE_COLUMNS).astype("string")


def rank_phrases(rank: Any, tied: Any) -> tuple[Any, Any]:
    """"第3位"/"并列第3位" and "#3"/"#3 (tied)" for Series of ranks and tie counts."""
    import pandas as pd

    r = pd.Series(rank).astype(int).astype(str)
    t = pd.Series(tied).to_numpy() > 1
    zh = ("并列第" + r + "位").where(t, "第" + r + "位")
    en = ("#" + r + " (tied)").where(t, "#" + r)
    return zh, en


def ranking_sentences(table: Any, year: int) -> Any:
    """One sentence per region: score and rank among all, ties called ties. ``table``:
    region_code, name_zh, name_en, score, rank (1 = best)."""
    t = table.reset_index(drop=True)
    t = t.assign(name_zh=t["name_zh"].astype(str), name_en=t["name_en"].astype(str))
    n = len(t)
    tied = t["rank"].map(t["rank"].value_counts())
    rz, re_ = rank_phrases(t["rank"], tied)
    sc = _fixed(t["score"])
    zh = f"{year}年" + t["name_zh"] + "综合得分" + sc + f"，在{n}个区域中排" + rz + "。"
    en = "In " + str(year) + ", " + t["name_en"] + " scores " + sc + ", " + re_ + f" of {n} regions."
    return _frame(t["region_code"], "ranking", zh, en)


def extremes_sentence(table: Any, year: int) -> Any:
    """Overview sentence: the first and the last region (all tied ones named)."""
    t = table
    first = t[t["rank"] == t["rank"].min()]
    last = t[t["rank"] == t["rank"].max()]
    tie_top, tie_low = ("并列" if len(first) > 1 else ""), ("并列" if len(last) > 1 else "")
    zh = (f"{year}年，{len(t)}个区域中{'、'.join(first['name_zh'])}{tie_top}综合得分最高"
          f"（{_fixed(first['score']).iloc[0]}），{'、'.join(last['name_zh'])}{tie_low}最低"
          f"（{_fixed(last['score']).iloc[0]}）。")
    top_en = f"{' and '.join(first['name_en'])} tie for first" if len(first) > 1 else \
        f"{first['name_en'].iloc[0]} ranks first"
    low_en = f"{' and '.join(last['name_en'])} tie for last" if len(last) > 1 else \
        f"{last['name_en'].iloc[0]} last"
    en = (f"In {year}, {top_en} (score {_fixed(first['score']).iloc[0]}) and {low_en}"
          f" ({_fixed(last['score']).iloc[0]}) among {len(t)} regions.")
    return _frame([""], "ranking", [zh], [en])


def strength_sentences(scores: Any, names_zh: Any, names_en: Any) -> Any:
    """Strongest and weakest subsystem of each region. ``scores``: regions × subsystems;
    ``names_zh``/``names_en``: subsystem code → name."""
    import pandas as pd

    strong, weak = scores.idxmax(axis=1), scores.idxmin(axis=1)
    names_zh, names_en = dict(names_zh), dict(names_en)
    zh = "优势子系统为" + strong.map(names_zh) + "，短板为" + weak.map(names_zh) + "。"
    en = "Strongest subsystem: " + strong.map(names_en) + "; weakest: " + weak.map(names_en) + "."
    return _frame(pd.Series(scores.index), "strength", zh, en)


def pair_sentences(rows: Any) -> Any:
    """One sentence per region and pair, naming the pair: D, grade, the lagging side.
    ``rows``: region_code, pair, pair_zh, pair_en, D, grade_zh, grade_en, lag_zh, lag_en
    (empty lag = in step)."""
    rows = rows.assign(**{c: rows[c].astype(object).fillna("").astype(str)
                          for c in ("pair_zh", "pair_en", "grade_zh", "grade_en", "lag_zh", "lag_en")})
    lag, lag_en = rows["lag_zh"], rows["lag_en"]
    d = _fixed(rows["D"])
    firm_zh, firm_en = stability_phrases(rows)
    zh = (rows["pair_zh"] + "：D = " + d + "（" + rows["grade_zh"] + "），"
          + ("滞后方为" + lag).where(lag != "", "两者基本同步") + firm_zh + "。")
    en = (rows["pair_en"] + ": D = " + d + " (" + rows["grade_en"] + "); "
          + (lag_en + " lags").where(lag_en != "", "in step") + firm_en + ".")
    out = _frame(rows["region_code"], "pair", zh, en)
    out["topic"] = ("pair:" + rows["pair"].astype(str)).to_numpy()
    return out


def stability_phrases(rows: Any) -> tuple[Any, Any]:
    """How firm each lagging-side call is, as a clause to append (zh, en); empty where
    ``rows`` has no ``agree_n``/``n_variants``/``firm`` (the ``lagging`` step did not run).
    ``agree_n`` of ``n_variants`` treatment × normalisation variants agree with the call;
    *firm* when the share reaches ``lagging.firm_share`` (see :mod:`ipbench.steps.lagging`)."""
    import pandas as pd

    if not {"agree_n", "n_variants", "firm"} <= set(rows.columns):
        empty = pd.Series("", index=rows.index)
        return empty, empty
    known = rows["n_variants"].notna() & rows["agree_n"].notna()
    k = rows["agree_n"].fillna(0).astype(int).astype(str)
    n = rows["n_variants"].fillna(0).astype(int).astype(str)
    firm = rows["firm"].astype("boolean").fillna(False).astype(bool)
    zh = ("；该判断在" + n + "种异常值处理×标准化组合中" + k + "种一致，"
          + pd.Series("稳定", index=rows.index).where(firm, "不稳定，宜审慎解读"))
    en = ("; " + k + " of " + n + " treatment × normalisation variants agree ("
          + pd.Series("firm", index=rows.index).where(firm, "not firm: read with care") + ")")
    return zh.where(known, ""), en.where(known, "")


def stability_cells(rows: Any) -> tuple[Any, Any]:
    """Table cells for the lagging call's agreement: '稳定 5/6' / 'firm 5/6' (zh, en)."""
    import pandas as pd

    if not {"agree_n", "n_variants", "firm"} <= set(rows.columns):
        empty = pd.Series("–", index=rows.index)
        return empty, empty
    known = rows["n_variants"].notna() & rows["agree_n"].notna()
    frac = (rows["agree_n"].fillna(0).astype(int).astype(str) + "/"
            + rows["n_variants"].fillna(0).astype(int).astype(str))
    firm = rows["firm"].astype("boolean").fillna(False).astype(bool)
    zh = pd.Series("稳定 ", index=rows.index).where(firm, "不稳定 ") + frac
    en = pd.Series("firm ", index=rows.index).where(firm, "not firm ") + frac
    return zh.where(known, "–"), en.where(known, "–")


def lag_summary_sentences(rows: Any, year: int) -> Any:
    """Per pair over all regions: how many regions lag on each side, the highest D.
    ``rows``: pair, pair_zh, pair_en, a_zh, a_en, b_zh, b_en, side ('a', 'b' or ''), name_zh,
    name_en, D."""
    text = ("pair_zh", "pair_en", "a_zh", "a_en", "b_zh", "b_en", "name_zh", "name_en", "side")
    rows = rows.assign(**{c: rows[c].astype(object).fillna("").astype(str) for c in text})
    g = rows.groupby("pair", sort=False)
    first = g.first()
    n = g.size()
    na = g["side"].apply(lambda s: int((s == "a").sum()))
    nb = g["side"].apply(lambda s: int((s == "b").sum()))
    top = rows.loc[g["D"].idxmax()].set_index("pair")
    n_s, na_s, nb_s, ns_s = (x.astype(str) for x in (n, na, nb, n - na - nb))
    d = _fixed(top["D"])
    zh = (first["pair_zh"] + f"：{year}年" + n_s + "个区域中" + na_s + "个" + first["a_zh"] + "滞后、"
          + nb_s + "个" + first["b_zh"] + "滞后、" + ns_s + "个基本同步；D最高为" + top["name_zh"]
          + "（" + d + "）。")
    en = (first["pair_en"] + f": in {year}, " + first["a_en"] + " lags in " + na_s + " of " + n_s
          + " regions, " + first["b_en"] + " in " + nb_s + ", " + ns_s + " in step; highest D: "
          + top["name_en"] + " (" + d + ").")
    if {"firm", "n_variants"} <= set(rows.columns):
        known = rows["n_variants"].notna()
        loose = (~rows["firm"].astype("boolean").fillna(True).astype(bool) & known)
        n_loose = loose.groupby(rows["pair"], sort=False).sum().reindex(first.index).astype(int)
        n_known = known.groupby(rows["pair"], sort=False).sum().reindex(first.index).astype(int)
        has = n_known > 0
        zh = zh.where(~has, zh + "其中" + n_loose.astype(str) + "个区域的滞后方判断在异常值处理×标准化组合间不稳定。")
        en = en.where(~has, en + " For " + n_loose.astype(str)
                      + " regions the lagging-side call is not firm across treatment × normalisation variants.")
    out = _frame(list(first.index), "pair_summary", zh, en)
    return out


def robustness_sentences(ranks: Any) -> Any:
    """Per region: 5–95 % rank interval and median under alternative methods, and the
    evaluation's rank. ``ranks``: region_code, name_zh, name_en, q05, q95, median,
    composite_rank."""
    ranks = ranks.assign(name_zh=ranks["name_zh"].astype(str), name_en=ranks["name_en"].astype(str))
    q05, q95, med = (ranks[c].round().astype(int).astype(str) for c in ("q05", "q95", "median"))
    ev = ranks["composite_rank"].astype(int).astype(str)
    zh = ("在不同权重、标准化与集成方法组合下，" + ranks["name_zh"] + "排名的5%–95%区间为第" + q05
          + "–" + q95 + "位，中位数第" + med + "位；本次评价排名第" + ev + "位。")
    en = ("Under alternative weights, normalisations and aggregations " + ranks["name_en"]
          + " ranks " + q05 + "–" + q95 + " (5–95 %), median " + med + "; evaluation rank " + ev + ".")
    return _frame(ranks["region_code"], "robustness", zh, en)


def industry_sentences(profile: Any, year: int) -> Any:
    """Per industry: how many regions are specialised in its patents (LQ > 1), the highest
    LQ, the weakest IP–industry share match. ``profile``: industry_code, industry_zh,
    industry_en, name_zh, name_en (regions), lq_ip, share_matching (one year)."""
    g = profile.groupby("industry_code", sort=False)
    top = profile.loc[g["lq_ip"].idxmax()].set_index("industry_code")
    low = profile.loc[g["share_matching"].idxmin()].set_index("industry_code")
    n = g.size().astype(str)
    spec = g["lq_ip"].apply(lambda s: int((s > 1).sum())).astype(str)
    zh = (f"{year}年，" + n + "个区域中有" + spec + "个在" + top["industry_zh"]
          + "发明专利上具有专业化优势（区位熵>1），最高为" + top["name_zh"] + "（" + _fixed(top["lq_ip"])
          + "）；专利与产业份额匹配度最低的是" + low["name_zh"] + "（" + _fixed(low["share_matching"]) + "）。")
    en = (f"{year}: " + spec + " of " + n + " regions are specialised in " + top["industry_en"]
          + " invention patents (LQ > 1); highest LQ: " + top["name_en"] + " (" + _fixed(top["lq_ip"])
          + "); weakest IP–industry share match: " + low["name_en"] + " ("
          + _fixed(low["share_matching"]) + ").")
    return _frame(list(top.index), "industry", zh, en)
