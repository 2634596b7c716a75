"""The overview page: all regions of the evaluation."""

from __future__ import annotations

from html import escape
from typing import Any

import pandas as pd

from ipbench.analysis import interpretation as say
from ipbench.reports import fmt
from ipbench.reports.views.base import HTML, ReportView, new_figure


class OverviewView(ReportView):
    KIND = "overview"
    SECTIONS = ("summary", "ranking_map", "matching_pairs", "situation", "dynamics", "quality",
                "intensive", "guidance", "targets", "robustness", "methods")
    #: appendix terms its sections can use (:data:`ipbench.reports.methods.USES`)
    TERMS = ("normalisation", "weighting", "aggregation", "coupling", "lagging", "lq_regions",
             "concentration_regions", "growth", "elasticity", "gravity", "quality", "intensive",
             "count", "guidance_regions", "targets", "robustness")

    def header(self) -> HTML:
        return self._header(f"{self.L('overview')} · {self.res.manifest.get('title', '')}")

    # ------------------------------------------------------------------ summary, ranking

    def _ranking_names(self) -> pd.DataFrame:
        r = self.ranking_frame()
        reg = self.res["regions"].set_index("region_code")
        r["name_zh"] = r["region_code"].map(reg["name_zh"]).fillna(r["region_code"])
        r["name_en"] = r["region_code"].map(reg["name_en"]).fillna(r["name_zh"])
        return r

    def summary(self) -> HTML:
        t = say.extremes_sentence(self._ranking_names(), self.base_year)
        parts = [self.paragraphs(self.lg.col(t, ""))]
        if "robustness_sentences" in self.res:
            parts.append(self.sentences("robustness_sentences", "", "ranks"))
        return self._section("summary", *parts)

    def ranking_map(self) -> HTML:
        df = self.ranking_frame()
        parts = [self.table(df, self.ranking_cols(df),
                            self.L("ranking_table").format(year=self.base_year),
                            css_id="ipbench-ranking"),
                 self.map_figure(df.set_index("region_code")["score"],
                                 self.L("score_map").format(year=self.base_year)),
                 self.catalogue_warnings(), self._weights()]
        if "ahp" in self.res:
            parts.append(self._ahp())
        return self._section("ranking_map", *parts)

    def catalogue_warnings(self) -> str:
        """Pairs of index indicators that are identical or perfectly correlated over the
        panel (the catalogue check of the indicators step): one quantity weighted twice."""
        if not self.has("catalogue_warnings"):
            return ""
        w = self.res["catalogue_warnings"]
        a, b = w["a"].map(self.indicator_name), w["b"].map(self.indicator_name)
        what = self.lg.col(w, "kind")
        texts = (self.L("duplicate_warning_head") + a + self.lg.pick("与", " and ") + b
                 + self.lg.pick("：", ": ") + what.astype(str) + self.L("duplicate_warning_tail"))
        return "".join(f"<p class='ipbench-warning'>{escape(t)}</p>" for t in texts)

    def _weights(self) -> str:
        w = self.res["weights"].copy()
        w["name"] = w["indicator"].map(self.indicator_name)
        w["sub"] = w["subsystem"].map(self.subsystem_name)
        w4 = fmt.Format("score", 4)
        cols = [("name", "indicator", None), ("sub", "subsystem", None),
                ("objective", "objective", w4)]
        if w["subjective"].notna().any():
            cols.append(("subjective", "subjective", w4))
        cols.append(("weight", "weight", w4))
        return self.table(w, cols, self.L("weights_table"), css_id="ipbench-weights")

    def _ahp(self) -> str:
        a = self.res["ahp"].copy()
        a["element"] = a["element"].map(lambda e: self.subsystem_name(e) if e != "CR" else "CR")
        cols = [("element", "element", None)] + [
            (c, "group" if c == "group" else c, fmt.Format("score", 4))
            for c in a.columns if c != "element"]
        return self.ahp_notes() + self.table(a, cols, self.L("ahp_table"), css_id="ipbench-ahp")

    def ahp_notes(self) -> str:
        """How the judgments were aggregated, the CR threshold, a warning per matrix whose CR
        exceeds it (Saaty: CR <= 0.1)."""
        spec = self.p["weighting"]["ahp"]
        limit = float(spec.get("cr_threshold", 0.1))
        cr = self.res["ahp"].set_index("element").loc["CR"]
        how = self.L("ahp_" + str(spec.get("method", "aij")))
        parts = [f"<p>{escape(how)} · {escape(self.L('cr_threshold'))} {limit:g}</p>"]
        bad = cr[pd.to_numeric(cr, errors="coerce") > limit]
        for who, value in bad.items():
            name = self.L("group") if who == "group" else str(who)
            text = self.L("cr_warning").format(who=name, cr=float(value), limit=limit)
            parts.append(f"<p class='ipbench-warning'>{escape(text)}</p>")
        return "".join(parts)

    # ------------------------------------------------------------------ the four pairs

    def matching(self) -> HTML:
        """Each pair: its name, a sentence, the regions' table (scores named by subsystem),
        its own map of D."""
        c = self.coupling_frame()
        reg = self.res["regions"].set_index("region_code")
        c["name_zh"] = c["region_code"].map(reg["name_zh"])
        c["name_en"] = c["region_code"].map(reg["name_en"]).fillna(c["name_zh"])
        cat = self.res["catalogue"].drop_duplicates("subsystem").set_index("subsystem")
        c["pair_zh"] = c["a"].map(cat["subsystem_zh"]) + " ↔ " + c["b"].map(cat["subsystem_zh"])
        c["pair_en"] = c["a"].map(cat["subsystem_en"]) + " ↔ " + c["b"].map(cat["subsystem_en"])
        for s in ("a", "b"):
            c[f"{s}_zh"], c[f"{s}_en"] = c[s].map(cat["subsystem_zh"]), c[s].map(cat["subsystem_en"])
        c["side"] = ((c["lagging"] == c["a"]).map({True: "a", False: ""})
                     .where(c["lagging"] != c["b"], "b"))
        notes = say.lag_summary_sentences(c, self.base_year).set_index("unit")
        parts = [self.pairs_intro()]
        for key, a, b in self.pairs():
            rows = c[c["pair"] == key]
            if rows.empty:
                continue
            name = self.pair_name(key)
            cols = [("name", "region_name", None),
                    ("U1", self.L("score_of").format(name=self.subsystem_name(a)), fmt.SCORE),
                    ("U2", self.L("score_of").format(name=self.subsystem_name(b)), fmt.SCORE),
                    ("C", "C", None), ("T", "T", None), ("D_text", "D", None),
                    ("grade_text", "grade", None), ("type_text", "type", None),
                    ("stability_text", "lag_stability", None)]
            parts.append(f"<h3 id='pair-{escape(key)}'>{escape(name)}</h3>")
            if key in notes.index:
                parts.append(self.paragraphs([self.lg.col(notes.loc[[key]], "").iloc[0]]))
            parts.append(self.table(rows, cols, self.L("pair_table").format(
                pair=name, year=self.base_year), css_id=f"ipbench-coupling-{key}"))
            parts.append(self.map_figure(rows.set_index("region_code")["D"],
                                         self.L("pair_map").format(pair=name, year=self.base_year)))
        return self._section("matching_pairs", *parts)

    # ------------------------------------------------------------------ analyses

    def _variable_label(self, role: str) -> str:
        """Name of the variable configured for ``role`` in params ``situation``."""
        spec = self.p.get("situation", {}) or {}
        return self.variable_name(spec.get(role, role))

    def situation(self) -> HTML:
        if not self.has("situation_concentration", "situation_shares"):
            return self._section("situation", self.skipped("situation"))
        conc = self.latest("situation_concentration").copy()
        conc["what"] = conc["indicator"].map(self._variable_label)
        conc["top_name"] = self.region_names(conc["top_unit"])
        ks = [c for c in ("cr1", "cr3", "cr5") if c in conc.columns]
        t1 = self.table(conc, [("what", "indicator", None), ("gini", "gini", None),
                               ("hhi", "hhi", None), ("hhi_equal", "hhi_equal", None),
                               *[(k, k, None) for k in ks], ("top_name", "top_unit", None),
                               ("top_share", "top_share", None)],
                        self.L("concentration_table").format(year=self.base_year),
                        css_id="ipbench-concentration")
        sh = self.latest("situation_shares").copy()
        sh["name"] = self.region_names(sh["region_code"])
        ip, ind, pop = (self._variable_label(r) for r in ("ip", "industry", "population"))
        share = self.L("share_of")
        # parts skipped for want of data (e.g. no industry or population) have no columns
        col, title = (("lq_ip_industry", self.L("lq_of").format(a=ip, b=ind))
                      if "lq_ip_industry" in sh.columns else ("share_ip", share.format(name=ip)))
        sh = sh.sort_values(col, ascending=False)
        cols = [("name", "region_name", None),
                ("share_ip", share.format(name=ip), fmt.FRACTION),
                ("share_industry", share.format(name=ind), fmt.FRACTION),
                ("share_population", share.format(name=pop), fmt.FRACTION),
                ("lq_ip_industry", self.L("lq_of").format(a=ip, b=ind), fmt.RATIO),
                ("lq_ip_population", self.L("lq_of").format(a=ip, b=pop), fmt.RATIO)]
        has_lq = any(c in sh.columns for c in ("lq_ip_industry", "lq_ip_population"))
        t2 = self.table(sh, [c for c in cols if c[0] in sh.columns],
                        self.L("shares_table" if has_lq else "shares_only_table").format(year=self.base_year),
                        css_id="ipbench-situation")
        m = self.map_figure(sh.set_index("region_code")[col], title + f" {self.base_year}")
        sk = self.res["skipped"] if "skipped" in self.res else None
        parts = self.skipped("situation") if sk is not None and (sk["step"] == "situation").any() else ""
        return self._section("situation", self.sentences("situation_sentences"), t1, t2, m, parts)

    def dynamics(self) -> HTML:
        if not self.has("dynamics_cagr"):
            return self._section("dynamics", self.skipped("dynamics"))
        parts = [self.sentences("dynamics_sentences")]
        if self.has("dynamics_elasticity"):
            el = self.res["dynamics_elasticity"].copy()
            el["sample_text"] = el["sample"].map(lambda s: self.L(f"sample_{s}"))
            parts.append(self.table(el, [("sample_text", "sample", None), ("coef", "coef", None),
                                         ("ci_low", "ci_low", None), ("ci_high", "ci_high", None),
                                         ("std_err", "std_err", None), ("p_value", "p_value", None),
                                         ("r2", "r2", None), ("n", "n", None)],
                                    self.L("elasticity_table"), css_id="ipbench-elasticity"))
        cg = self.res["dynamics_cagr"]
        wide = cg.pivot_table(index="region_code", columns="variable", values="cagr").reset_index()
        wide.insert(1, "name", self.region_names(wide["region_code"]))
        variables = list(dict.fromkeys(cg["variable"]))
        first, last = int(cg["start_year"].min()), int(cg["end_year"].max())
        parts.append(self.table(wide, [("name", "region_name", None)] + [
            (v, self.variable_name(v), fmt.FRACTION) for v in variables],
            self.L("cagr_table") + f"（{first}–{last}）", css_id="ipbench-cagr"))
        if self.has("dynamics_trajectory_overall"):
            parts.append(self._trajectory_counts())
        if self.has("dynamics_gravity"):
            parts.append(self.figure(self._gravity_figure(), self.L("gravity_figure")))
        parts.append(self.skipped("dynamics", partial=True))
        return self._section("dynamics", *parts)

    def _trajectory_counts(self) -> str:
        ov = self.res["dynamics_trajectory_overall"].copy()
        ov["change"] = self.lg.col(ov, "grade_change") if self.lg.en else ov["grade_change"]
        counts = ov.groupby(["pair", "change"], sort=False).size().unstack(fill_value=0)
        order = [k for k, _, _ in self.pairs() if k in counts.index]
        counts = counts.reindex(order).reset_index()
        counts["pair_name"] = counts["pair"].map(self.pair_name)
        cols = [("pair_name", "pair", None)] + [
            (c, str(c), fmt.INTEGER) for c in counts.columns if c not in ("pair", "pair_name")]
        return self.table(counts, cols, self.L("trajectory_counts").format(
            first=int(ov["first_year"].min()), last=int(ov["last_year"].max())),
            unit=self.L("regions_count"), css_id="ipbench-trajectory-counts")

    def _gravity_figure(self) -> Any:
        from ipbench import maps

        g = self.res["dynamics_gravity"]
        parent = self.p["scope"].get("reference") or \
            self.res["regions"]["parent_code"].dropna().iloc[0]
        from ipbench.geo import child_level

        # without an industry variable the table has the IP centre only (columns lon, lat)
        both = "industry_lon" in g.columns
        fig = new_figure(9 if both else 5.5, 3.6)
        ax, ax2 = fig.subplots(1, 2, width_ratios=[1.3, 1]) if both else (fig.subplots(), None)
        maps.draw_outlines(ax, parent, child_level(parent), color="#bbb", linewidth=0.5)
        spec = self.p.get("dynamics", {}) or {}
        lon, lat = ("ip_lon", "ip_lat") if "ip_lon" in g.columns else ("lon", "lat")
        ax.plot(g[lon], g[lat], "-o", ms=3, color="tab:red",
                label=self.variable_name(spec.get("ip") or "patent_grant_invention"))
        if both:
            ax.plot(g["industry_lon"], g["industry_lat"], "-s", ms=3, color="tab:blue",
                    label=self.variable_name(spec.get("industry") or "value_added"))
        ax.set_aspect(1.2)
        ax.set_xlabel(self.L("longitude"))
        ax.set_ylabel(self.L("latitude"))
        ax.legend(fontsize=7)
        if ax2 is not None:
            ax2.plot(g["year"], g["distance_km"], marker="o")
            ax2.set_title(f"{self.L('distance_km')}", fontsize=9)
        return fig

    def quality(self) -> HTML:
        if not self.has("quality"):
            return self._section("quality", self.skipped("quality"))
        return self._section("quality", self.sentences("quality_sentences", "", ""),
                             self.quality_table(), self.skipped("quality", partial=True))

    def intensive(self) -> HTML:
        from ipbench.analysis.intensive import RULE

        if not self.has("intensive_regions"):
            return self._section("intensive", self.skipped("intensive"))
        rule = f"<p class='ipbench-rule'>{escape(self.L('intensive_rule'))}{self.lg.pick('：', ': ')}{escape(RULE.text(self.lang))}</p>"
        parts = [rule, self.sentences("intensive_sentences", "", "industries")]
        first, last = self.intensive_window()
        cols = self.intensive_cols()
        if self.has("intensive_industries"):
            t = self.res["intensive_industries"].copy()
            t["name"] = self.industry_names(t["industry_code"])
            parts.append(self.table(t.sort_values("density", ascending=False),
                                    [("name", "industry_name", None), *cols],
                                    self.L("intensive_industries_table").format(first=first, last=last),
                                    note=self.basis_note() + " " + self.L("ls_count_note"),
                                    css_id="ipbench-intensive-industries"))
        else:
            parts.append(self.skipped("intensive"))
        r = self.res["intensive_regions"].copy()
        r["name"] = self.region_names(r["region_code"])
        parts.append(self.sentences("intensive_sentences", "", "regions"))
        parts.append(self.table(r.sort_values("density", ascending=False),
                                [("name", "region_name", None), *cols],
                                self.L("intensive_regions_table").format(first=first, last=last),
                                css_id="ipbench-intensive-regions"))
        return self._section("intensive", *parts)

    def guidance(self) -> HTML:
        if not self.has("guidance_regions"):
            return self._section("guidance", self.skipped("guidance"))
        g = self.res["guidance_regions"].copy()
        g["name"] = self.region_names(g["unit"])
        return self._section("guidance", self.sentences("guidance_sentences", "", "regions"),
                             self.guidance_table(g, "region_name", "ipbench-guidance-regions"),
                             self.download("guidance_regions"))

    def targets(self) -> HTML:
        if not self.has("targets"):
            return self._section("targets", self.skipped("targets"))
        t = self.res["targets"]
        says = "".join(self.sentences("targets_sentences", c) for c in t["region_code"].unique())
        return self._section("targets", says, self.targets_table(t))

    def robustness(self) -> HTML:
        if not self.has("robustness_ranks"):
            return self._section("robustness", self.skipped("robustness"))
        from ipbench.robustness import RankRobustness, plot_rank_intervals

        st = self.res["robustness_ranks"].copy()
        st["name"] = self.region_names(st["region_code"])
        st = st.sort_values("composite_rank")
        t = self.robustness_table(st)
        stats = st.assign(region_code=st["name"]).set_index("region_code")
        rr = RankRobustness(stats, None, None, pd.DataFrame(), pd.DataFrame(),
                            pd.Series(dtype=float), {})
        fig = plot_rank_intervals(rr)
        ax = fig.axes[0]
        handles, _ = ax.get_legend_handles_labels()
        ax.legend(handles, [self.L(k) for k in ("range_5_95", "median_short", "nominal_short")],
                  loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=3, fontsize=8, frameon=False)
        ax.set_xlabel(self.L("rank_axis"))
        parts = [self.sentences("robustness_sentences"), t,
                 self.figure(fig, self.L("robustness_figure"))]
        if self.has("robustness_sensitivity"):
            s = self.res["robustness_sensitivity"].copy()
            s["factor_name"] = s["factor"].map(self._factor)
            parts.append(self.table(s, [("factor_name", "factor", None), ("S1", "S1", None),
                                        ("ST", "ST", None)], self.L("sobol_table"),
                                    css_id="ipbench-sobol"))
        return self._section("robustness", *parts)

    def _factor(self, name: str) -> str:
        from ipbench.robustness import FACTOR_LABELS

        zh, _, en = FACTOR_LABELS.get(name, f"{name} · {name}").partition(" · ")
        return self.lg.pick(zh, en)
