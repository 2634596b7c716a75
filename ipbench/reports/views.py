"""What the report notebooks display: one view object per report kind.

A notebook cell ends with a view method (``r.ranking_table()``, ``r.trends()``): each returns
an :class:`HTML` block (data strings escaped) or a matplotlib ``Figure`` (rendered inline as a
PNG data URI). Views only read a run folder; nothing here computes an evaluation.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ipbench.reports.labels import LABELS, label
from ipbench.reports.provenance import provenance_html
from ipbench.runfolder import Results

_LABEL_KEYS = set(LABELS)


class HTML:
    """A block of (already escaped) HTML; Jupyter shows it through ``_repr_html_``."""

    def __init__(self, html: str) -> None:
        self.html = html

    def _repr_html_(self) -> str:
        return self.html

    def __str__(self) -> str:
        return self.html


def table_html(df: pd.DataFrame, css_id: str = "", highlight: Any = None, key: str = "",
               digits: int = 3) -> HTML:
    """An escaped HTML table; rows whose ``key`` column equals ``highlight`` are marked."""
    head = "".join(f"<th>{escape(str(c))}</th>" for c in df.columns)
    rows = []
    for _, row in df.iterrows():
        cls = " class='ipbench-highlight'" if key and highlight is not None and str(
            row[key]) == str(highlight) else ""
        cells = "".join(f"<td>{escape(_fmt(v, digits))}</td>" for v in row.to_numpy())
        rows.append(f"<tr{cls}>{cells}</tr>")
    ident = f" id='{escape(css_id)}'" if css_id else ""
    return HTML(f"<table class='ipbench'{ident}><thead><tr>{head}</tr></thead>"
                f"<tbody>{''.join(rows)}</tbody></table>")


def _fmt(v: Any, digits: int) -> str:
    if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA:
        return "–"
    if isinstance(v, float | np.floating):
        return f"{v:,.{digits}f}"
    return str(v)


def figure_html(fig: Any, heading: str = "", alt: str = "") -> HTML:
    """A figure as an inline PNG (data URI) under an optional heading."""
    import base64
    import io

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=96)
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    head = f"<h2>{escape(heading)}</h2>" if heading else ""
    return HTML(f"{head}<img class='ipbench-figure' alt='{escape(alt or heading)}'"
                f" src='data:image/png;base64,{data}' style='max-width:100%'/>")


def section(heading: str, body: HTML | str) -> HTML:
    return HTML(f"<h2>{escape(heading)}</h2>{body}")


def _figure(width: float = 8.0, height: float = 4.0) -> Any:
    from matplotlib.figure import Figure

    from ipbench.fonts import use_cjk_font

    use_cjk_font()
    return Figure(figsize=(width, height), dpi=96, layout="constrained")


def resolve_run_dir(run_dir: str | Path, name: str = "demo") -> Path:
    """``run_dir``, or when empty the newest complete run of evaluation ``name``."""
    if str(run_dir):
        return Path(run_dir)
    from ipbench.project import Project

    runs = sorted(
        (p for p in (Project.find().runs / name).glob("*") if (p / "manifest.json").is_file()),
        key=lambda p: (p / "manifest.json").stat().st_mtime,
    )
    if not runs:
        raise FileNotFoundError(f"no run of {name!r} yet: run `ipbench run params/{name}.yaml`")
    return runs[-1]


@dataclass
class _Base:
    res: Results

    @property
    def lang(self) -> str:
        return self.res.lang

    @property
    def p(self) -> dict[str, Any]:
        return self.res.params

    @property
    def base_year(self) -> int:
        return int(self.p["scope"]["base_year"])

    def L(self, key: str) -> str:
        return label(key, self.lang)

    def region_name(self, code: str) -> str:
        r = self.res["regions"].set_index("region_code")
        col = "name_en" if self.lang == "en" else "name_zh"
        return str(r[col].get(code, code)) if col in r else code

    def industry_name(self, code: str) -> str:
        r = self.res["industries"].set_index("industry_code")
        col = "name_en" if self.lang == "en" else "name_zh"
        return str(r[col].get(code, code)) if col in r else code

    def subsystem_name(self, code: str) -> str:
        cat = self.res["catalogue"].drop_duplicates("subsystem").set_index("subsystem")
        col = "subsystem_en" if self.lang == "en" else "subsystem_zh"
        return str(cat[col].get(code, code))

    def indicator_name(self, code: str) -> str:
        cat = self.res["catalogue"].set_index("code")
        return str(cat["name_en" if self.lang == "en" else "name_zh"].get(code, code))

    def provenance(self) -> HTML:
        return HTML(provenance_html(self.res.manifest, self.lang))

    def _header(self, subtitle: str) -> HTML:
        return HTML(
            f"<h1>{escape(subtitle)}</h1><p class='ipbench-subtitle'>"
            f"{escape(self.res.manifest.get('title', ''))} · {escape(self.L('base_year'))}"
            f" {self.base_year}</p><p class='ipbench-method'>{escape(self.L('method'))}: "
            f"{escape(self.method_text())}</p>"
        )

    def method_text(self) -> str:
        """Normalization · weighting (as recorded by the weights step) · aggregation."""
        w = self.res["weights"]
        weighting = str(w["method"].iloc[0]) if "method" in w and len(w) else "–"
        return (f"{self.L('normalization')} {self.p['normalization']['method']} · "
                f"{self.L('weighting')} {weighting} · "
                f"{self.L('aggregation')} {self.p['aggregation']['method']}")

    def _ranking(self) -> pd.DataFrame:
        rank = self.res.ranking(self.base_year)
        sub = self.res["subindices"]
        sub = sub[sub["year"] == self.base_year].drop(columns="year")
        out = rank.merge(sub, on="region_code", how="left")
        out.insert(1, "name", out["region_code"].map(self.region_name))
        return out.drop(columns="year")

    def ranking_table(self, highlight: str | None = None) -> HTML:
        df = self._ranking()
        cols = {"region_code": self.L("region_code"), "name": self.L("region_name"),
                "score": self.L("score"), "rank": self.L("rank")}
        cols.update({s: self.subsystem_name(s) for s in df.columns if s not in cols})
        table = table_html(df.rename(columns=cols), "ipbench-ranking", highlight,
                           self.L("region_code"))
        return section(f"{self.L('ranking')} {self.base_year}", table)

    def coupling_rows(self, region: str | None = None, year: int | None = None) -> pd.DataFrame:
        c = self.res["coupling"]
        c = c[c["year"] == (year or self.base_year)]
        if region:
            c = c[c["region_code"] == region]
        grade = "grade_en" if self.lang == "en" else "grade_zh"
        kind = "type_en" if self.lang == "en" else "type_zh"
        pair = c["a"].map(self.subsystem_name) + " — " + c["b"].map(self.subsystem_name)
        out = pd.DataFrame({
            self.L("pair"): pair,
            self.L("region_name"): c["region_code"].map(self.region_name),
            self.L("U1"): c["U1"], self.L("U2"): c["U2"], "C": c["C"], "T": c["T"],
            "D": c["D"], self.L("grade"): c[grade], self.L("type"): c[kind],
        })
        return out.reset_index(drop=True)

    # ------------------------------------------------------------ analyses (issue 5) helpers

    def _say(self, table: str, unit: str = "", topic: str = "") -> str:
        """The step's interpretation sentences for ``unit`` whose topic starts with ``topic``,
        in the report's language, as escaped paragraphs."""
        if table not in self.res:
            return ""
        t = self.res[table]
        t = t[(t["unit"] == unit) & t["topic"].str.startswith(topic)]
        col = "en" if self.lang == "en" else "zh"
        return "".join(f"<p class='ipbench-sentence'>{escape(str(x))}</p>" for x in t[col])

    def _tbl(self, df: pd.DataFrame, cols: dict[str, str], css_id: str, highlight: Any = None,
             key: str = "", digits: int = 2) -> str:
        """Escaped table of ``df[cols]`` with headers ``L(label key)``; booleans as 是/否."""
        out = df[list(cols)].copy()
        for c in out.columns:
            if pd.api.types.is_bool_dtype(out[c]):
                out[c] = out[c].map(lambda b: self.L("yes") if b else self.L("no"))
            elif pd.api.types.is_integer_dtype(out[c]):  # years, ranks: no decimals
                out[c] = out[c].map(lambda v: "–" if pd.isna(v) else str(int(v)))
        heads = {c: self.L(k) if k in _LABEL_KEYS else k for c, k in cols.items()}
        return table_html(out.rename(columns=heads), css_id, highlight,
                          heads.get(key, ""), digits).html

    def _section(self, key: str, *parts: Any) -> HTML:
        body = "".join(str(p) for p in parts)
        return HTML(f"<section class='ipbench-analysis' data-section='{escape(key)}'>"
                    f"<h2>{escape(self.L(key))}</h2>{body}</section>")

    def _fig(self, fig: Any, alt: str) -> str:
        return figure_html(fig, "", alt).html

    def _with_names(self, df: pd.DataFrame, col: str = "region_code") -> pd.DataFrame:
        out = df.copy()
        out.insert(out.columns.get_loc(col) + 1, "name", out[col].map(self.region_name))
        return out

    def _grade(self, zh: pd.Series) -> pd.Series:
        if self.lang != "en":
            return zh
        from ipbench.analysis.interpretation import grade_en

        return zh.map(lambda g: grade_en(g) if g else g)

    def _change(self, zh: pd.Series, en: pd.Series) -> pd.Series:
        return en if self.lang == "en" else zh

    def _latest(self, table: str) -> pd.DataFrame:
        t = self.res[table]
        years = sorted(t["year"].unique())
        y = self.base_year if self.base_year in years else years[-1]
        return t[t["year"] == y]

    def _guidance_table(self, g: pd.DataFrame, css_id: str) -> str:
        g = g.copy()
        g["type"] = g["type_en" if self.lang == "en" else "type_zh"]
        g["direction"] = g["direction_en" if self.lang == "en" else "direction_zh"]
        cols = {"name": "region_name", "ip_advantage": "ip_advantage",
                "industry_advantage": "industry_advantage", "ip_growth": "ip_growth",
                "industry_growth": "industry_growth", "type": "quadrant_type",
                "direction": "recommended"}
        return self._tbl(g, {k: v for k, v in cols.items() if k in g.columns}, css_id)

    def _targets_table(self, t: pd.DataFrame) -> str:
        return self._tbl(t, {"name": "region_name", "label": "target_label",
                             "target_value": "target_value", "target_year": "target_year",
                             "latest_value": "latest_value", "latest_year": "latest_year",
                             "attainment_pct": "attainment_pct", "linear_year": "linear_year",
                             "cagr_year": "cagr_year", "on_track": "on_track"},
                         "ipbench-targets")

    def _download(self, name: str, up: str = "") -> str:
        return (f"<p><a class='ipbench-download' href='{escape(up + name)}'>"
                f"{escape(self.L('guidance_download'))}</a></p>")

    def _map(self, values: pd.Series, title: str, highlight: Any = None) -> Any:
        from matplotlib import pyplot as plt

        from ipbench import maps

        parent = self.p["scope"].get("reference") or self.res["regions"]["parent_code"].dropna().iloc[0]
        names: bool | dict[str, str] = True
        if self.lang == "en":  # English names of the regions the dimension knows
            r = self.res["regions"]
            names = {str(c): str(n) for c, n in zip(r["region_code"], r["name_en"], strict=True)
                     if isinstance(n, str) and n}
        fig = maps.choropleth(values, parent_code=parent, highlight=highlight, title=title,
                              show_values=True, names=names,
                              lang="en" if self.lang == "en" else None)
        plt.close(fig)
        return figure_html(fig, self.L("map"), title)


# ---------------------------------------------------------------------------------- overview


@dataclass
class OverviewView(_Base):
    def header(self) -> HTML:
        return self._header(f"{self.L('overview')} · {self.res.manifest.get('title', '')}")

    def summary(self) -> HTML:
        r = self._ranking()
        best, worst = r.iloc[0], r.iloc[-1]
        if self.lang == "en":
            text = (f"In {self.base_year}, {best['name']} ranks first (score {best['score']:.3f})"
                    f" and {worst['name']} last ({worst['score']:.3f}) among {len(r)} regions.")
        else:
            text = (f"{self.base_year}年，{len(r)}个区域中{best['name']}综合得分最高"
                    f"（{best['score']:.3f}），{worst['name']}最低（{worst['score']:.3f}）。")
        return HTML(f"<p class='ipbench-sentence'>{escape(text)}</p>")

    def weights_table(self) -> HTML:
        w = self.res["weights"]
        df = pd.DataFrame({
            self.L("indicator"): w["indicator"].map(self.indicator_name),
            self.L("subsystem"): w["subsystem"].map(self.subsystem_name),
            self.L("objective"): w["objective"], self.L("subjective"): w["subjective"],
            self.L("weight"): w["weight"],
        })
        method = escape(str(w["method"].iloc[0]))
        return section(self.L("weights"), f"<p>{escape(self.L('method'))}: <b>{method}</b></p>"
                       + table_html(df, "ipbench-weights", digits=4).html)

    def ahp_table(self) -> HTML:
        if "ahp" not in self.res:
            return HTML("")
        a = self.res["ahp"].copy()
        a["element"] = a["element"].map(lambda e: self.subsystem_name(e) if e != "CR" else e)
        t = table_html(a.rename(columns={"element": self.L("element"),
                                         "group": self.L("group")}), "ipbench-ahp", digits=4)
        return section(self.L("ahp"), self.ahp_notes() + t.html)

    def ahp_notes(self) -> str:
        """How the judgments were aggregated, the CR threshold, and one warning per matrix
        (each expert's, AIJ's aggregated one) whose CR exceeds it (Saaty: CR <= 0.1)."""
        spec = self.p["weighting"]["ahp"]
        limit = float(spec.get("cr_threshold", 0.1))
        cr = self.res["ahp"].set_index("element").loc["CR"]
        how = self.L("ahp_" + str(spec.get("method", "aij")))
        parts = [f"<p>{escape(how)} · {escape(self.L('cr_threshold'))} {limit:g}</p>"]
        for who, value in cr.items():
            if pd.notna(value) and float(value) > limit:
                name = self.L("group") if who == "group" else str(who)
                text = self.L("cr_warning").format(who=name, cr=float(value), limit=limit)
                parts.append(f"<p class='ipbench-warning' style='color:#a40000;font-weight:bold'>"
                             f"{escape(text)}</p>")
        return "".join(parts)

    def coupling_table(self) -> HTML:
        return section(self.L("coupling"), table_html(self.coupling_rows(), "ipbench-coupling"))

    def map(self) -> Any:
        r = self._ranking().set_index("region_code")["score"]
        return self._map(r, f"{self.L('score')} {self.base_year}")

    def matching(self) -> HTML:
        """All regions' four pairs in the base year (scores, C, T, D, grade, lagging side)."""
        c = self.res["coupling"]
        c = c[c["year"] == self.base_year].copy()
        c["pair_name"] = c["a"].map(self.subsystem_name) + " ↔ " + c["b"].map(self.subsystem_name)
        c["grade"] = c["grade_en" if self.lang == "en" else "grade_zh"]
        c["kind"] = c["type_en" if self.lang == "en" else "type_zh"]
        c = self._with_names(c)
        note = "".join(
            f"<p class='ipbench-sentence'>{escape(self._lag_note(p, c[c['pair_name'] == p]))}</p>"
            for p in dict.fromkeys(c["pair_name"]))
        table = self._tbl(c, {"pair_name": "pair", "name": "region_name", "U1": "U1", "U2": "U2",
                              "C": "C", "T": "T", "D": "D", "grade": "grade", "kind": "type"},
                          "ipbench-coupling", digits=3)
        return self._section("matching_pairs", note, table)

    def _lag_note(self, pair: str, rows: pd.DataFrame) -> str:
        n = len(rows)
        a = rows["a"].iloc[0]
        b = rows["b"].iloc[0]
        na, nb = int((rows["lagging"] == a).sum()), int((rows["lagging"] == b).sum())
        sa, sb = self.subsystem_name(a), self.subsystem_name(b)
        best = rows.loc[rows["D"].idxmax()]
        if self.lang == "en":
            return (f"{pair}: in {self.base_year}, {sa} lags in {na} of {n} regions, {sb} in {nb},"
                    f" {n - na - nb} in step; highest D: {best['name']} ({best['D']:.2f}).")
        return (f"{pair}：{self.base_year}年{n}个区域中{na}个{sa}滞后、{nb}个{sb}滞后、"
                f"{n - na - nb}个基本同步；D最高为{best['name']}（{best['D']:.2f}）。")

    def matching_map(self, pair: str = "") -> Any:
        """Map of D of one pair (default the first) in the base year."""
        c = self.res["coupling"]
        pair = pair or str(c["pair"].iloc[0])
        c = c[(c["year"] == self.base_year) & (c["pair"] == pair)]
        title = (f"{self.subsystem_name(c['a'].iloc[0])}–{self.subsystem_name(c['b'].iloc[0])}"
                 f" D {self.base_year}")
        return self._map(c.set_index("region_code")["D"], title)

    def situation(self) -> HTML:
        conc = self._latest("situation_concentration")
        conc = conc.assign(what=conc["indicator"].map(
            {"ip": self.L("patents"), "industry": self.L("value_added"),
             "population": self.L("share_population")}))
        conc["top_unit"] = conc["top_unit"].map(self.region_name)
        ks = [c for c in ("cr1", "cr3", "cr5") if c in conc.columns]
        t1 = self._tbl(conc, {"what": "indicator", "gini": "gini", "hhi": "hhi",
                              "hhi_equal": "hhi_equal", **{k: k for k in ks},
                              "top_unit": "top_unit", "top_share": "top_share"},
                       "ipbench-concentration", digits=3)
        sh = self._with_names(self._latest("situation_shares"))
        t2 = self._tbl(sh.sort_values("lq_ip_industry", ascending=False),
                       {"name": "region_name", "share_ip": "share_ip",
                        "share_industry": "share_industry", "share_population": "share_population",
                        "lq_ip_industry": "lq_ip_industry", "lq_ip_population": "lq_ip_population"},
                       "ipbench-situation", digits=3)
        m = self._map(sh.set_index("region_code")["lq_ip_industry"],
                      f"{self.L('lq_ip_industry')} {self.base_year}")
        return self._section("situation", self._say("situation_sentences"), t1, t2, m)

    def dynamics(self) -> HTML:
        el = self.res["dynamics_elasticity"]
        t_el = self._tbl(el, {"sample": "sample", "coef": "coef", "ci_low": "ci_low",
                              "ci_high": "ci_high", "std_err": "std_err", "p_value": "p_value",
                              "r2": "r2", "n": "n"}, "ipbench-elasticity", digits=3)
        cg = self.res["dynamics_cagr"]
        wide = cg.pivot_table(index="region_code", columns="variable", values="cagr")
        wide = self._with_names(wide.reset_index())
        heads = {"name": "region_name", **{v: f"{self.L('cagr')} · {v}" for v in
                                           cg["variable"].unique()}}
        t_cg = self._tbl(wide, heads, "ipbench-cagr", digits=3)
        ov = self.res["dynamics_trajectory_overall"].copy()
        ov["pair_name"] = ov["pair"].map(self._pair_name)
        ov["change"] = self._change(ov["grade_change"], ov["grade_change_en"])
        counts = ov.groupby(["pair_name", "change"], sort=False).size().unstack(fill_value=0)
        counts = counts.reset_index()
        t_tr = self._tbl(counts, {c: ("pair" if c == "pair_name" else c) for c in counts.columns},
                         "ipbench-trajectory-counts", digits=0)
        return self._section("dynamics", self._say("dynamics_sentences"), t_el, t_cg,
                             f"<h3>{escape(self.L('trajectory'))}</h3>", t_tr,
                             self._fig(self._gravity_figure(), self.L("gravity")))

    def _pair_name(self, pair: str) -> str:
        c = self.res["coupling"]
        row = c[c["pair"] == pair].iloc[0]
        return f"{self.subsystem_name(row['a'])} ↔ {self.subsystem_name(row['b'])}"

    def _gravity_figure(self) -> Any:
        from ipbench import maps

        g = self.res["dynamics_gravity"]
        parent = self.p["scope"].get("reference") or self.res["regions"]["parent_code"].dropna().iloc[0]
        fig = _figure(9, 3.6)
        ax, ax2 = fig.subplots(1, 2, width_ratios=[1.3, 1])
        maps.boundaries(parent, "prefecture").boundary.plot(ax=ax, color="#bbb", linewidth=0.5)
        ax.plot(g["ip_lon"], g["ip_lat"], "-o", ms=3, color="tab:red", label=self.L("patents"))
        ax.plot(g["industry_lon"], g["industry_lat"], "-s", ms=3, color="tab:blue",
                label=self.L("value_added"))
        ax.set_aspect(1.2)
        ax.legend(fontsize=7)
        ax.set_title(self.L("gravity"), fontsize=9)
        ax2.plot(g["year"], g["distance_km"], marker="o")
        ax2.set_title(self.L("distance_km"), fontsize=9)
        return fig

    def quality(self) -> HTML:
        q = self._with_names(self._latest("quality")).sort_values("quality_rank")
        cols = {"name": "region_name", **{c: c for c in ("invention_share", "patents_per_rd",
                                                        "high_value_per_10k") if c in q},
                "quality_composite": "quality_composite", "quality_rank": "quality_rank"}
        best = q.iloc[0]
        if self.lang == "en":
            text = f"{best['name']} has the best layout quality in {self.base_year} ({best['quality_composite']:.2f})."
        else:
            text = f"{self.base_year}年布局质量综合得分最高的是{best['name']}（{best['quality_composite']:.2f}）。"
        return self._section("quality", f"<p class='ipbench-sentence'>{escape(text)}</p>",
                             self._tbl(q, cols, "ipbench-quality", digits=2))

    def intensive(self) -> HTML:
        parts = [self._say("intensive_sentences")]
        ev = {"patents": "patents", "employment": "employment", "density": "density",
              "density_threshold": "density_threshold", "scale_threshold": "scale_threshold",
              "density_ratio": "density_ratio", "intensive": "is_intensive"}
        if "intensive_industries" in self.res:
            t = self.res["intensive_industries"].copy()
            t["name"] = t["industry_code"].map(self.industry_name)
            t = t.sort_values("density", ascending=False)
            parts.append(self._tbl(t, {"name": "industry_name", **ev}, "ipbench-intensive-industries"))
        r = self._with_names(self.res["intensive_regions"]).sort_values("density", ascending=False)
        parts.append(self._tbl(r, {"name": "region_name", **ev}, "ipbench-intensive-regions"))
        return self._section("intensive", *parts)

    def guidance(self) -> HTML:
        g = self.res["guidance_regions"].copy()
        g["name"] = g["unit"].map(self.region_name)
        return self._section("guidance", self._say("guidance_sentences", "", "regions"),
                             self._guidance_table(g, "ipbench-guidance-regions"),
                             self._download("guidance.xlsx"))

    def targets(self) -> HTML:
        t = self.res["targets"]
        if t.empty:
            return self._section("targets", f"<p>{escape(self.L('not_available'))}</p>")
        t = self._with_names(t)
        return self._section("targets", self._say("targets_sentences", "", "") or "".join(
            self._say("targets_sentences", c) for c in t["region_code"].unique()),
            self._targets_table(t))

    def robustness(self) -> HTML:
        if "robustness_ranks" not in self.res or self.res["robustness_ranks"].empty:
            return self._section("robustness", f"<p>{escape(self.L('not_available'))}</p>")
        from matplotlib import pyplot as plt

        from ipbench.robustness import RankRobustness, plot_rank_intervals

        st = self._with_names(self.res["robustness_ranks"])
        t = self._tbl(st, {"name": "region_name", "composite_rank": "composite_rank",
                           "nominal": "nominal", "median": "median", "q05": "q05", "q95": "q95",
                           "mean_abs_shift": "mean_abs_shift"}, "ipbench-robustness", digits=1)
        stats = st.assign(region_code=st["name"]).set_index("region_code")
        rr = RankRobustness(stats, None, None, pd.DataFrame(), pd.DataFrame(), pd.Series(dtype=float), {})
        fig = plot_rank_intervals(rr)
        plt.close(fig)
        ax = fig.axes[0]  # relabel in the report's language; legend above the plot, where it
        handles, _ = ax.get_legend_handles_labels()  # cannot hide the last ranks
        ax.legend(handles, [self.L(k) for k in ("range_5_95", "median_short", "nominal_short")],
                  loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=3, fontsize=8,
                  frameon=False)
        ax.set_xlabel(self.L("rank_axis"))
        parts = [self._say("robustness_sentences"), t, self._fig(fig, self.L("robustness"))]
        if "robustness_sensitivity" in self.res:
            s = self.res["robustness_sensitivity"].copy()
            s["factor"] = s["factor"].map(lambda f: self._factor(f))
            parts.append(self._tbl(s, {"factor": "factor", "S1": "S1", "ST": "ST"},
                                   "ipbench-sobol", digits=3))
        return self._section("robustness", *parts)

    def _factor(self, name: str) -> str:
        from ipbench.robustness import FACTOR_LABELS

        zh, _, en = FACTOR_LABELS.get(name, f"{name} · {name}").partition(" · ")
        return en if self.lang == "en" else zh

    def build_log(self) -> HTML:
        from ipbench.params import dump_yaml

        log = dump_yaml(self.res.manifest.get("log", []))
        return HTML(f"<details><summary>{escape(self.L('build_log'))}</summary>"
                    f"<pre>{escape(log)}</pre></details>")


# ---------------------------------------------------------------------------------- region


@dataclass
class RegionView(_Base):
    code: str = ""

    @property
    def name(self) -> str:
        return self.region_name(self.code)

    def header(self) -> HTML:
        return self._header(f"{self.name} · {self.L('region')}")

    def summary(self) -> HTML:
        r = self._ranking().set_index("region_code")
        me = r.loc[self.code]
        subs = [c for c in r.columns if c not in ("name", "score", "rank")]
        strong = max(subs, key=lambda s: me[s])
        weak = min(subs, key=lambda s: me[s])
        if self.lang == "en":
            parts = [f"{self.name} ranks {int(me['rank'])} of {len(r)} in {self.base_year}"
                     f" (score {me['score']:.3f}); strongest: {self.subsystem_name(strong)},"
                     f" weakest: {self.subsystem_name(weak)}."]
        else:
            parts = [f"{self.base_year}年{self.name}综合得分{me['score']:.3f}，在{len(r)}个区域中"
                     f"排名第{int(me['rank'])}；优势子系统为{self.subsystem_name(strong)}，"
                     f"短板为{self.subsystem_name(weak)}。"]
        c = self.res["coupling"]
        c = c[(c["year"] == self.base_year) & (c["region_code"] == self.code)]
        for _, row in c.iterrows():
            lag = row["lagging"]
            if self.lang == "en":
                tail = f"; {self.subsystem_name(lag)} lags" if lag else "; synchronous"
                pair = f"{self.subsystem_name(row['a'])} – {self.subsystem_name(row['b'])}"
                parts.append(f"{pair}: D = {row['D']:.3f} ({row['grade_en']}){tail}.")
            else:
                tail = f"，{self.subsystem_name(lag)}滞后" if lag else "，两者同步"
                pair = f"{self.subsystem_name(row['a'])}与{self.subsystem_name(row['b'])}"
                parts.append(f"{pair}：D = {row['D']:.3f}（{row['grade_zh']}）{tail}。")
        return HTML("".join(f"<p class='ipbench-sentence'>{escape(t)}</p>" for t in parts))

    def ranking_table(self) -> HTML:
        return super().ranking_table(highlight=self.code)

    def subindices_chart(self) -> Any:
        sub = self.res["subindices"]
        sub = sub[sub["year"] == self.base_year].set_index("region_code").drop(columns="year")
        peers = self.p["scope"].get("peer_group") or list(sub.index)
        fig = _figure(8, 3.6)
        ax = fig.add_subplot()
        x = np.arange(sub.shape[1])
        ax.bar(x - 0.2, sub.loc[self.code].to_numpy(), 0.4, label=self.name)
        ax.bar(x + 0.2, sub.loc[peers].mean().to_numpy(), 0.4, label=self.L("peer_mean"))
        ax.set_xticks(x, [self.subsystem_name(s) for s in sub.columns], rotation=20)
        ax.set_title(f"{self.L('subindices')} {self.base_year}")
        ax.legend()
        return figure_html(fig, self.L("subindices"))

    def peers_table(self) -> HTML:
        ind = self.res["indicators"]
        ind = ind[ind["year"] == self.base_year].set_index("region_code").drop(columns="year")
        peers = self.p["scope"].get("peer_group") or list(ind.index)
        cat = self.res["catalogue"].set_index("code")
        d = cat["direction"].reindex(ind.columns)
        pv = ind.loc[peers]
        best = pd.Series(np.where(d > 0, pv.max(), pv.min()), index=ind.columns)
        ranks = (pv * d).rank(ascending=False, method="min")
        me = ind.loc[self.code]
        df = pd.DataFrame({
            self.L("indicator"): [self.indicator_name(c) for c in ind.columns],
            self.L("unit"): cat["unit"].reindex(ind.columns).to_numpy(),
            self.name: me.to_numpy(),
            self.L("peer_mean"): pv.mean().to_numpy(),
            self.L("peer_best"): best.to_numpy(),
            self.L("peer_rank"): ranks.loc[self.code].to_numpy() if self.code in ranks.index else np.nan,
        })
        ref = self.res.tables.get("reference_indicators")
        if ref is not None and len(ref):
            r = ref[ref["year"] == self.base_year]
            if len(r):
                df[self.L("reference")] = r.iloc[0].reindex(ind.columns).to_numpy(dtype=float)
        return section(self.L("peer_rank"), table_html(df, "ipbench-peers", digits=2))

    def matching_table(self) -> HTML:
        return section(self.L("coupling"), table_html(self.coupling_rows(self.code),
                                                      "ipbench-matching"))

    def trends(self) -> Any:
        from matplotlib.ticker import MaxNLocator

        comp = self.res["composite"]
        me = comp[comp["region_code"] == self.code].sort_values("year")
        peers = [str(x) for x in (self.p["scope"].get("peer_group") or comp["region_code"].unique())]
        mean = comp[comp["region_code"].isin(peers)].groupby("year")["score"].mean()
        n_regions = comp["region_code"].nunique()
        fig = _figure(10, 3.4)
        ax, ax2, ax3 = fig.subplots(1, 3)
        c = self.res["coupling"]
        c = c[c["region_code"] == self.code]
        for _, g in c.groupby("pair", sort=False):
            pair = f"{self.subsystem_name(g['a'].iloc[0])}–{self.subsystem_name(g['b'].iloc[0])}"
            ax3.plot(g["year"], g["D"], marker=".", label=pair)
        ax3.set_ylim(0, 1)
        ax3.set_title(self.L("D"))
        ax3.legend(fontsize=7)
        ax.plot(me["year"], me["score"], marker="o", label=self.name)
        ax.plot(mean.index, mean.to_numpy(), ls="--", label=self.L("peer_mean"))
        ax.set_title(self.L("score"))
        ax.legend()
        ax2.plot(me["year"], me["rank"], marker="o", color="tab:red")
        ax2.set_ylim(n_regions + 0.5, 0.5)  # whole range 1..n, best on top, whole ranks only
        ax2.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax2.set_title(f"{self.L('rank')} (1–{n_regions})")
        ax.legend(fontsize=8)
        return figure_html(fig, self.L("trends"))

    def map(self) -> Any:
        r = self._ranking().set_index("region_code")["score"]
        return self._map(r, f"{self.L('score')} {self.base_year}", highlight=self.code)

    def matching(self) -> HTML:
        """The region's four pairs: base-year table, sentence per pair, D trajectory with
        grade changes over the years."""
        c = self.res["coupling"]
        me = c[c["region_code"] == self.code]
        now = me[me["year"] == self.base_year]
        col = "sentence_en" if self.lang == "en" else "sentence_zh"
        says = "".join(f"<p class='ipbench-sentence'>{escape(str(x))}</p>" for x in now[col])
        says += self._say("dynamics_sentences", self.code, "trajectory:")
        table = table_html(self.coupling_rows(self.code), "ipbench-matching").html
        tr = self.res["dynamics_trajectory"]
        tr = tr[tr["region_code"] == self.code].copy()
        tr["pair_name"] = tr["pair"].map(self._pair_label)
        tr["cell"] = (tr["D"].map("{:.3f}".format) + " " + self._grade(tr["grade_zh"].astype(str))
                      + self._change(tr["grade_change"], tr["grade_change_en"]).map(
                          lambda x: f" ({x})" if x else ""))
        wide = tr.pivot(index="year", columns="pair_name", values="cell").reset_index()
        wide = wide.rename(columns={"year": self.L("year")})
        traj = table_html(wide, "ipbench-trajectory").html
        return self._section("matching_pairs", says, table,
                             f"<h3>{escape(self.L('trajectory'))}</h3>", traj)

    def _pair_label(self, pair: str) -> str:
        c = self.res["coupling"]
        row = c[c["pair"] == pair].iloc[0]
        return f"{self.subsystem_name(row['a'])} ↔ {self.subsystem_name(row['b'])}"

    def situation(self) -> HTML:
        sh = self.res["situation_shares"]
        me = sh[sh["region_code"] == self.code].sort_values("year")
        t = self._tbl(me, {"year": "year", "share_ip": "share_ip",
                           "share_industry": "share_industry",
                           "share_population": "share_population",
                           "lq_ip_industry": "lq_ip_industry",
                           "lq_ip_population": "lq_ip_population"}, "ipbench-situation", digits=3)
        cur = self._latest("situation_shares").set_index("region_code")["lq_ip_industry"]
        m = self._map(cur, f"{self.L('lq_ip_industry')} {self.base_year}", highlight=self.code)
        return self._section("situation", self._say("situation_sentences", self.code),
                             self._say("situation_sentences", "", "concentration_ip"), t, m)

    def dynamics(self) -> HTML:
        g = self.res["dynamics_growth"]
        g = g[g["region_code"] == self.code]
        wide = g.pivot(index="year", columns="variable", values="growth").reset_index()
        t = self._tbl(wide, {"year": "year", **{v: f"{self.L('growth')} · {v}" for v in
                                                g["variable"].unique()}}, "ipbench-growth", digits=3)
        cg = self.res["dynamics_cagr"]
        cg = cg[cg["region_code"] == self.code]
        t2 = self._tbl(cg, {"variable": "indicator", "start_year": "start_year",
                            "end_year": "end_year", "start_value": "start_value",
                            "end_value": "end_value", "cagr": "cagr"}, "ipbench-cagr", digits=3)
        return self._section("dynamics", self._say("dynamics_sentences", self.code, "growth"),
                             self._say("dynamics_sentences", "", ""), t, t2)

    def quality(self) -> HTML:
        q = self._with_names(self._latest("quality")).sort_values("quality_rank")
        cols = {"name": "region_name", **{c: c for c in ("invention_share", "patents_per_rd",
                                                        "high_value_per_10k") if c in q},
                "quality_composite": "quality_composite", "quality_rank": "quality_rank"}
        return self._section("quality", self._say("quality_sentences", self.code),
                             self._tbl(q, cols, "ipbench-quality", self.name, "name"))

    def intensive(self) -> HTML:
        r = self.res["intensive_regions"]
        me = r[r["region_code"] == self.code]
        ev = {"patents": "patents", "employment": "employment", "density": "density",
              "density_threshold": "density_threshold", "scale": "scale",
              "scale_threshold": "scale_threshold", "intensive": "is_intensive"}
        parts = [self._say("intensive_sentences", "", "regions"),
                 self._tbl(me, ev, "ipbench-intensive-region")]
        if "intensive_region_industry" in self.res:
            ri = self.res["intensive_region_industry"]
            ri = ri[ri["region_code"] == self.code].copy()
            ri["name"] = ri["industry_code"].map(self.industry_name)
            parts.append(self._tbl(ri.sort_values("density_ratio", ascending=False),
                                   {"name": "industry_name", **ev, "density_ratio": "density_ratio"},
                                   "ipbench-intensive-industries"))
        return self._section("intensive", *parts)

    def peers(self) -> HTML:
        t = self.res["peers"]
        t = t[t["region_code"] == self.code].copy()
        t["name"] = t["indicator"].map(self.indicator_name)
        t["best_unit"] = t["best_unit"].map(self.region_name)
        cols = {"name": "indicator", "value": "value", "best": "best", "best_unit": "best_unit",
                "gap_to_best": "gap_to_best", "rank": "peer_rank"}
        if "reference" in t.columns:
            cols.update({"reference": "reference", "ratio_to_reference": "ratio_to_reference",
                         "better_than_reference": "better_than_reference"})
        return self._section("peers", self._say("peers_sentences", self.code),
                             self._tbl(t, cols, "ipbench-peers"))

    def guidance(self) -> HTML:
        if "guidance_industries" not in self.res:
            return self._section("guidance", f"<p>{escape(self.L('not_available'))}</p>")
        g = self.res["guidance_industries"]
        g = g[g["region_code"] == self.code].copy()
        g["name"] = g["industry_code"].map(self.industry_name)
        table = self._guidance_table(g, "ipbench-guidance").replace(
            escape(self.L("region_name")), escape(self.L("industry_name")), 1)
        return self._section("guidance", self._say("guidance_sentences", self.code),
                             table, self._download("guidance.xlsx", "../"))

    def targets(self) -> HTML:
        t = self.res["targets"]
        t = t[t["region_code"] == self.code] if len(t) else t
        if t.empty:
            return self._section("targets", f"<p>{escape(self.L('not_available'))}</p>")
        return self._section("targets", self._say("targets_sentences", self.code),
                             self._targets_table(self._with_names(t)))

    def robustness(self) -> HTML:
        if "robustness_ranks" not in self.res or self.res["robustness_ranks"].empty:
            return self._section("robustness", f"<p>{escape(self.L('not_available'))}</p>")
        st = self.res["robustness_ranks"]
        me = st[st["region_code"] == self.code].iloc[0]
        if self.lang == "en":
            text = (f"Under alternative weights, normalisations and aggregations {self.name}"
                    f" ranks {me['q05']:.0f}–{me['q95']:.0f} (5–95 %), median {me['median']:.0f};"
                    f" evaluation rank {me['composite_rank']:.0f}.")
        else:
            text = (f"在不同权重、标准化与集成方法组合下，{self.name}排名的5%–95%区间为第"
                    f"{me['q05']:.0f}–{me['q95']:.0f}位，中位数第{me['median']:.0f}位；"
                    f"本次评价排名第{me['composite_rank']:.0f}位。")
        t = self._tbl(self._with_names(st), {"name": "region_name", "composite_rank": "composite_rank",
                                             "median": "median", "q05": "q05", "q95": "q95"},
                      "ipbench-robustness", self.name, "name", digits=1)
        return self._section("robustness", f"<p class='ipbench-sentence'>{escape(text)}</p>", t)


# ---------------------------------------------------------------------------------- industry


@dataclass
class IndustryView(_Base):
    code: str = ""

    @property
    def name(self) -> str:
        return self.industry_name(self.code)

    def _rows(self) -> pd.DataFrame:
        t = self.res["industry_profile"]
        return t[(t["industry_code"] == self.code) & (t["year"] == self.base_year)]

    def header(self) -> HTML:
        return self._header(f"{self.name} · {self.L('industry')}")

    def summary(self) -> HTML:
        t = self._rows()
        if t.empty:
            return HTML(f"<p>{escape(self.L('not_available'))}</p>")
        top = t.sort_values("lq_ip", ascending=False).iloc[0]
        n_spec = int((t["lq_ip"] > 1).sum())
        low = t.sort_values("share_matching").iloc[0]
        name = self.region_name
        if self.lang == "en":
            text = (f"{self.base_year}: {n_spec} of {len(t)} regions are specialised in"
                    f" {self.name} patents (LQ > 1); highest LQ: {name(top['region_code'])}"
                    f" ({top['lq_ip']:.2f}); weakest IP–industry share match:"
                    f" {name(low['region_code'])} ({low['share_matching']:.2f}).")
        else:
            text = (f"{self.base_year}年，{len(t)}个区域中有{n_spec}个在{self.name}专利上具有专业化优势"
                    f"（区位熵>1），最高为{name(top['region_code'])}（{top['lq_ip']:.2f}）；"
                    f"专利与产业份额匹配度最低的是{name(low['region_code'])}"
                    f"（{low['share_matching']:.2f}）。")
        return HTML(f"<p class='ipbench-sentence'>{escape(text)}</p>")

    def profile_table(self) -> HTML:
        t = self._rows().sort_values("lq_ip", ascending=False)
        keys = ["patents", "value_added", "employment", "ip_intensity", "lq_ip", "lq_va",
                "share_ip", "share_va", "share_matching"]
        df = t[["region_code", *keys]].copy()
        df.insert(1, "name", df["region_code"].map(self.region_name))
        df = df.rename(columns={"region_code": self.L("region_code"),
                                "name": self.L("region_name"),
                                **{k: self.L(k) for k in keys}})
        return section(self.L("profile"), table_html(df, "ipbench-industry", digits=2))

    def distribution(self) -> Any:
        t = self._rows().set_index("region_code")
        fig = _figure(8, 3.6)
        ax = fig.add_subplot()
        x = np.arange(len(t))
        ax.bar(x - 0.2, t["share_ip"].to_numpy(), 0.4, label=self.L("share_ip"))
        ax.bar(x + 0.2, t["share_va"].to_numpy(), 0.4, label=self.L("share_va"))
        ax.set_xticks(x, [self.region_name(c) for c in t.index], rotation=45)
        ax.set_title(f"{self.name} · {self.L('distribution')} {self.base_year}")
        ax.legend()
        return figure_html(fig, self.L("distribution"))

    def trends(self) -> Any:
        t = self.res["industry_profile"]
        t = t[t["industry_code"] == self.code]
        tot = t.groupby("year")[["patents", "value_added"]].sum()
        fig = _figure(8, 3.2)
        ax = fig.add_subplot()
        ax.plot(tot.index, tot["patents"] / tot["patents"].iloc[0] * 100, marker="o",
                label=self.L("patents"))
        ax.plot(tot.index, tot["value_added"] / tot["value_added"].iloc[0] * 100, marker="s",
                label=self.L("value_added"))
        ax.set_title(f"{self.L('trends')} ({tot.index.min()} = 100)")
        ax.legend()
        return figure_html(fig, self.L("trends"))

    def map(self) -> Any:
        t = self._rows().set_index("region_code")["lq_ip"]
        return self._map(t, f"{self.name} {self.L('lq_ip')} {self.base_year}")

    def intensive(self) -> HTML:
        parts = [self._say("intensive_sentences", "", "industries")]
        if "intensive_industries" in self.res:
            t = self.res["intensive_industries"]
            me = t[t["industry_code"] == self.code]
            parts.append(self._tbl(me, {"patents": "patents", "employment": "employment",
                                        "density": "density",
                                        "density_threshold": "density_threshold",
                                        "scale_threshold": "scale_threshold",
                                        "intensive": "is_intensive"}, "ipbench-intensive-industry"))
        if "intensive_region_industry" in self.res:
            ri = self.res["intensive_region_industry"]
            ri = self._with_names(ri[ri["industry_code"] == self.code])
            parts.append(self._say("intensive_sentences", self.code))
            parts.append(self._tbl(ri.sort_values("density", ascending=False),
                                   {"name": "region_name", "patents": "patents",
                                    "density": "density", "density_threshold": "density_threshold",
                                    "scale_threshold": "scale_threshold",
                                    "intensive": "is_intensive"}, "ipbench-intensive-regions"))
        return self._section("intensive", *parts)

    def concentration(self) -> HTML:
        from ipbench.analysis.concentration import concentration_table, describe_concentration

        t = self._rows().set_index("region_code")
        names = {c: (self.region_name(c), self.region_name(c)) for c in t.index}
        X = t[["patents", "value_added"]]
        s = describe_concentration(X["patents"], (f"{self.name}发明专利", f"{self.name} patents"),
                                   3, names)
        ct = concentration_table(X, k=(1, 3)).reset_index()
        ct["what"] = ct["indicator"].map(self.L)
        ct["top_unit"] = ct["top_unit"].map(self.region_name)
        return self._section("situation",
                             f"<p class='ipbench-sentence'>{escape(s.text(self.lang))}</p>",
                             self._tbl(ct, {"what": "indicator", "gini": "gini", "hhi": "hhi",
                                            "cr1": "cr1", "cr3": "cr3", "top_unit": "top_unit",
                                            "top_share": "top_share"}, "ipbench-concentration",
                                       digits=3))

    def guidance(self) -> HTML:
        if "guidance_industries" not in self.res:
            return self._section("guidance", f"<p>{escape(self.L('not_available'))}</p>")
        g = self.res["guidance_industries"]
        g = g[g["industry_code"] == self.code].copy()
        g["name"] = g["region_code"].map(self.region_name)
        return self._section("guidance", self._say("guidance_sentences", self.code),
                             self._guidance_table(g, "ipbench-guidance"),
                             self._download("guidance.xlsx", "../"))
