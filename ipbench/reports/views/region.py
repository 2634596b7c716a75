"""The region page: one region of the evaluation against the others."""

from __future__ import annotations

from html import escape
from typing import Any

import numpy as np
import pandas as pd

from ipbench.analysis import interpretation as say
from ipbench.reports import fmt
from ipbench.reports.views.base import HTML, ReportView, new_figure
from ipbench.reports.views.landscape import ApplicantTables


class RegionView(ApplicantTables, ReportView):
    KIND = "region"
    SECTIONS = ("summary", "ranking_map", "matching_pairs", "situation", "dynamics", "quality",
                "ls_applicants", "intensive", "peers", "guidance", "targets", "robustness",
                "methods")
    #: appendix terms its sections can use (:data:`ipbench.reports.methods.USES`)
    TERMS = ("normalisation", "weighting", "aggregation", "coupling", "lagging", "lq_regions",
             "concentration_regions", "growth", "elasticity", "gravity", "quality", "intensive",
             "count", "peers", "lq_industries", "guidance_industries", "targets", "robustness")

    @property
    def name(self) -> str:
        return self.region_name(self.code)

    def applicants(self) -> HTML:
        """The region's leading applicants, applicant-type mix and concentration (all
        industries; ``landscape`` step)."""
        return self._section("ls_applicants", *self.applicant_tables(self.code, "ALL", self.name))

    def header(self) -> HTML:
        from ipbench.reports.atlas import atlas_link_html, region_link
        from ipbench.reports.kinds import depth

        head = self._header(f"{self.name} · {self.L('region')}")
        link = atlas_link_html(region_link(self.code, depth(self.KIND)), self.lang, "atlas_region")
        return HTML(head.html + link)

    def _named(self, df: pd.DataFrame) -> pd.DataFrame:
        reg = self.res["regions"].set_index("region_code")
        out = df.copy()
        out["name_zh"] = out["region_code"].map(reg["name_zh"]).fillna(out["region_code"])
        out["name_en"] = out["region_code"].map(reg["name_en"]).fillna(out["name_zh"])
        return out

    # ------------------------------------------------------------------ summary, ranking

    def summary(self) -> HTML:
        r = self._named(self.ranking_frame())
        rank = say.ranking_sentences(r, self.base_year)
        subs = r.set_index("region_code")[[c for c in r.columns if c in self._subsystems]]
        cat = self.res["catalogue"].drop_duplicates("subsystem").set_index("subsystem")
        strong = say.strength_sentences(subs.loc[[self.code]], cat["subsystem_zh"],
                                        cat["subsystem_en"])
        texts = [self.lg.col(rank[rank["unit"] == self.code], "").iloc[0] + " "
                 + self.lg.col(strong, "").iloc[0]]
        pairs = self._pair_sentences()
        return self._section("summary", self.paragraphs(texts),
                             self.paragraphs(self.lg.col(pairs, "")))

    def _pair_sentences(self) -> pd.DataFrame:
        """The region's sentence per pair (the summary and the pairs' section show them)."""
        if "_pair_said" not in self.__dict__:
            self._pair_said = self._say_pairs()
        return self._pair_said

    def _say_pairs(self) -> pd.DataFrame:
        c = self.coupling_frame()
        c = c[c["region_code"] == self.code]
        cat = self.res["catalogue"].drop_duplicates("subsystem").set_index("subsystem")
        rows = c.assign(
            pair_zh=c["a"].map(cat["subsystem_zh"]) + "与" + c["b"].map(cat["subsystem_zh"]),
            pair_en=c["a"].map(cat["subsystem_en"]) + " – " + c["b"].map(cat["subsystem_en"]),
            lag_zh=c["lagging"].map(cat["subsystem_zh"]), lag_en=c["lagging"].map(cat["subsystem_en"]))
        return say.pair_sentences(rows)

    def ranking_map(self) -> HTML:
        df = self.ranking_frame()
        table = self.table(df, self.ranking_cols(df),
                           self.L("ranking_table").format(year=self.base_year),
                           highlight=self.code, key="region_code", css_id="ipbench-ranking")
        m = self.map_figure(df.set_index("region_code")["score"],
                            self.L("score_map").format(year=self.base_year), highlight=self.code)
        return self._section("ranking_map", table, m, self._subindices_chart(), self._trends())

    def _peer_codes(self, index: Any) -> list[str]:
        if "peer_groups" in self.res:
            g = self.res["peer_groups"]
            codes = [str(x) for x in g.loc[g["region_code"] == self.code, "peer"]]
            if codes:
                return codes
        return [str(x) for x in (self.p["scope"].get("peer_group") or list(index))]

    def _subindices_chart(self) -> str:
        sub = self.res["subindices"]
        sub = sub[sub["year"] == self.base_year].set_index("region_code").drop(columns="year")
        peers = [c for c in self._peer_codes(sub.index) if c in sub.index]
        fig = new_figure(8, 3.4)
        ax = fig.add_subplot()
        x = np.arange(sub.shape[1])
        ax.bar(x - 0.2, sub.loc[self.code].to_numpy(), 0.4, label=self.name)
        ax.bar(x + 0.2, sub.loc[peers].mean().to_numpy(), 0.4, label=self.L("peer_mean"))
        ax.set_xticks(x, [self.subsystem_name(s) for s in sub.columns], rotation=20)
        ax.set_ylabel(self.L("subindices"))
        ax.legend()
        return self.figure(fig, self.L("subindices_figure").format(year=self.base_year))

    def _trends(self) -> str:
        from matplotlib.ticker import MaxNLocator

        comp = self.res["composite"]
        me = comp[comp["region_code"] == self.code].sort_values("year")
        peers = self._peer_codes(comp["region_code"].unique())
        mean = comp[comp["region_code"].isin(peers)].groupby("year")["score"].mean()
        n_regions = comp["region_code"].nunique()
        fig = new_figure(10, 3.2, layout=None)  # fixed margins: see new_figure
        ax, ax2, ax3 = fig.subplots(1, 3, gridspec_kw={"left": 0.05, "right": 0.99, "top": 0.9,
                                                        "bottom": 0.1, "wspace": 0.2})
        c = self.res["coupling"]
        c = c[c["region_code"] == self.code]
        for key, _, _ in self.pairs():
            g = c[c["pair"] == key]
            ax3.plot(g["year"], g["D"], marker=".", label=self.pair_name(key))
        ax3.set_ylim(0, 1)
        ax3.set_title(self.L("D"), fontsize=9)
        ax3.legend(fontsize=6)
        ax.plot(me["year"], me["score"], marker="o", label=self.name)
        ax.plot(mean.index, mean.to_numpy(), ls="--", label=self.L("peer_mean"))
        ax.set_title(self.L("score"), fontsize=9)
        ax.legend(fontsize=7)
        ax2.plot(me["year"], me["rank"], marker="o", color="tab:red")
        ax2.set_ylim(n_regions + 0.5, 0.5)
        ax2.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax2.set_title(f"{self.L('rank')} (1–{n_regions})", fontsize=9)
        for a in (ax, ax2, ax3):
            a.xaxis.set_major_locator(MaxNLocator(integer=True))
        return self.figure(fig, self.L("trends_figure"))

    # ------------------------------------------------------------------ the four pairs

    def matching(self) -> HTML:
        """The four pairs: one table with each pair named and its two subsystems named, a
        sentence per pair, the D trajectory in the pairs' order, a map per pair."""
        c = self.coupling_frame()
        me = c[c["region_code"] == self.code].copy()
        me["a_name"] = me["a"].map(self.subsystem_name)
        me["b_name"] = me["b"].map(self.subsystem_name)
        parts = [self.pairs_intro(), self.paragraphs(self.lg.col(self._pair_sentences(), ""))]
        parts.append(self.table(me, [("pair_name", "pair", None), ("a_name", "side_a", None),
                                     ("U1", "score_a", fmt.SCORE), ("b_name", "side_b", None),
                                     ("U2", "score_b", fmt.SCORE), ("C", "C", None),
                                     ("T", "T", None), ("D_text", "D", None),
                                     ("grade_text", "grade", None), ("type_text", "type", None),
                                     ("stability_text", "lag_stability", None)],
                                self.L("region_pairs").format(year=self.base_year),
                                css_id="ipbench-matching"))
        if self.has("dynamics_trajectory"):
            parts.append(self._trajectory())
        panels = {}
        for key, _, _ in self.pairs():
            rows = c[c["pair"] == key]
            if len(rows):
                name = self.pair_name(key)
                parts.append(f"<h3 id='pair-{escape(key)}'>{escape(name)}</h3>")
                parts.append(self.sentences("dynamics_sentences", self.code, f"trajectory:{key}"))
                panels[name] = rows.set_index("region_code")["D"]
        if panels:
            parts.append(self.map_grid(panels, self.L("pair_maps").format(year=self.base_year),
                                       highlight=self.code))
        return self._section("matching_pairs", *parts)

    def _trajectory(self) -> str:
        tr = self.res["dynamics_trajectory"]
        tr = tr[tr["region_code"] == self.code].copy()
        grade = tr["grade_zh"].astype(str)
        if self.lg.en:
            from ipbench.analysis.interpretation import grade_en

            grade = grade.map(grade_en)
        change = (tr["grade_change_en"] if self.lg.en else tr["grade_change"]).fillna("").astype(str)
        tr["cell"] = (tr["D_text"].astype(str) + " " + grade
                      + (" (" + change + ")").where(change != "", ""))
        wide = tr.pivot(index="year", columns="pair", values="cell")
        order = [k for k, _, _ in self.pairs() if k in wide.columns]
        wide = wide[order].reset_index()
        cols = [("year", "year", None)] + [(k, self.pair_name(k), None) for k in order]
        return self.table(wide, cols, self.L("trajectory_table"), css_id="ipbench-trajectory")

    # ------------------------------------------------------------------ analyses

    def situation(self) -> HTML:
        if not self.has("situation_shares"):
            return self._section("situation", self.skipped("situation"))
        sh = self.res["situation_shares"]
        me = sh[sh["region_code"] == self.code].sort_values("year")
        spec = self.p.get("situation", {}) or {}
        ip, ind, pop = (self.variable_name(spec.get(r, r)) for r in ("ip", "industry", "population"))
        share, lq = self.L("share_of"), self.L("lq_of")
        cols = [("year", "year", None),
                ("share_ip", share.format(name=ip), fmt.FRACTION),
                ("share_industry", share.format(name=ind), fmt.FRACTION),
                ("share_population", share.format(name=pop), fmt.FRACTION),
                ("lq_ip_industry", lq.format(a=ip, b=ind), fmt.RATIO),
                ("lq_ip_population", lq.format(a=ip, b=pop), fmt.RATIO)]
        # parts skipped for want of data (e.g. no industry or population) have no columns
        t = self.table(me, [c for c in cols if c[0] in sh.columns], self.L("situation"),
                       css_id="ipbench-situation")
        col, title = (("lq_ip_industry", lq.format(a=ip, b=ind)) if "lq_ip_industry" in sh.columns
                      else ("share_ip", share.format(name=ip)))
        cur = sh[sh["year"] == sh["year"].max()].set_index("region_code")[col]
        m = self.map_figure(cur, title + f" {int(sh['year'].max())}", highlight=self.code)
        sk = self.res["skipped"] if "skipped" in self.res else None
        parts = self.skipped("situation") if sk is not None and (sk["step"] == "situation").any() else ""
        return self._section("situation", self.sentences("situation_sentences", self.code),
                             self.sentences("situation_sentences", "", "concentration_ip"), t, m,
                             parts)

    def dynamics(self) -> HTML:
        if not self.has("dynamics_growth"):
            return self._section("dynamics", self.skipped("dynamics"))
        g = self.res["dynamics_growth"]
        g = g[g["region_code"] == self.code]
        variables = list(dict.fromkeys(g["variable"]))
        wide = g.pivot(index="year", columns="variable", values="growth").reset_index()
        t = self.table(wide, [("year", "year", None)] + [
            (v, self.variable_name(v), fmt.FRACTION) for v in variables],
            self.L("growth_table"), css_id="ipbench-growth")
        cg = self.res["dynamics_cagr"]
        cg = cg[cg["region_code"] == self.code].copy()
        cg["name"] = cg["variable"].map(self.variable_name)
        cg["start"] = self.by_row(cg["start_value"], cg["variable"], facts=True)
        cg["end"] = self.by_row(cg["end_value"], cg["variable"], facts=True)
        t2 = self.table(cg, [("name", "indicator", None), ("start_year", "start_year", None),
                             ("start", "start_value", None), ("end_year", "end_year", None),
                             ("end", "end_value", None), ("cagr", "cagr", None)],
                        self.L("cagr_table"), css_id="ipbench-cagr")
        return self._section("dynamics", self.sentences("dynamics_sentences", self.code, "growth"),
                             self.sentences("dynamics_sentences", "", ""), t, t2,
                             self.skipped("dynamics", partial=True))

    def quality(self) -> HTML:
        if not self.has("quality"):
            return self._section("quality", self.skipped("quality"))
        return self._section("quality", self.sentences("quality_sentences", self.code),
                             self.quality_table(highlight=self.code),
                             self.skipped("quality", partial=True))

    def intensive(self) -> HTML:
        from ipbench.analysis.intensive import RULE

        if not self.has("intensive_regions"):
            return self._section("intensive", self.skipped("intensive"))
        first, last = self.intensive_window()
        rule = (f"<p class='ipbench-rule'>{escape(self.L('intensive_rule'))}{self.lg.pick('：', ': ')}"
                f"{escape(RULE.text(self.lang))}</p>")
        r = self.res["intensive_regions"].copy()
        r["name"] = self.region_names(r["region_code"])
        parts = [rule, self.sentences("intensive_sentences", "", "regions"),
                 self.table(r.sort_values("density", ascending=False),
                            [("name", "region_name", None), *self.intensive_cols()],
                            self.L("intensive_regions_table").format(first=first, last=last),
                            highlight=self.code, key="region_code",
                            css_id="ipbench-intensive-region")]
        if self.has("intensive_region_industry"):
            ri = self.res["intensive_region_industry"]
            ri = ri[ri["region_code"] == self.code].copy()
            ri["name"] = self.industry_names(ri["industry_code"])
            parts.append(self.table(
                ri.sort_values("density", ascending=False),
                [("name", "industry_name", None),
                 *self.intensive_cols("intensive_region_industry"),
                 ("density_ratio", "density_ratio", None)],
                self.L("intensive_within_table").format(first=first, last=last),
                note=self.L("per_industry_basis") + " " + self.L("ls_count_note"),
                css_id="ipbench-intensive-industries"))
        else:
            parts.append(self.skipped("intensive"))
        return self._section("intensive", *parts)

    def peers(self) -> HTML:
        if not self.has("peers"):
            return self._section("peers", self.skipped("peers"))
        t = self.res["peers"]
        t = t[t["region_code"] == self.code].copy()
        t["name"] = t["indicator"].map(self.indicator_name)
        t["unit_text"] = t["indicator"].map(lambda c: self.variable_format(c).unit(self.lang))
        t["value_text"] = self.by_row(t["value"], t["indicator"]).str.replace(
            r" \S+$", "", regex=True)
        t["best_text"] = self.by_row(t["best"], t["indicator"]).str.replace(
            r" \S+$", "", regex=True)
        t["best_name"] = self.region_names(t["best_unit"].astype(str))
        rank = t["rank"].astype(int).astype(str)
        tied = t["tied"] if "tied" in t.columns else pd.Series(1, index=t.index)
        n = tied.astype(int).astype(str)
        t["rank_text"] = rank.where(tied <= 1, rank + self.lg.pick("（", " (") + n
                                    + self.lg.pick("个并列）", " tied)"))
        cols = [("name", "indicator", None), ("unit_text", "unit", None),
                ("value_text", "value", None), ("best_text", "best", None),
                ("best_name", "best_unit", None), ("rank_text", "peer_rank", None),
                ("n_peers", "n_peers", None)]
        if "reference" in t.columns and t["reference"].notna().any():
            t["ref_text"] = self.by_row(t["reference"], t["indicator"]).str.replace(
                r" \S+$", "", regex=True)
            # an average per sub-unit of a count (8.6 universities) is not a count: one decimal,
            # or the row would read "9 vs 9, 1.04 times"
            counts = t["indicator"].map(lambda c: self.variable_format(c).kind == "count")
            avg = counts & t["reference"].notna() & (t["reference"] != t["reference"].round())
            t.loc[avg, "ref_text"] = t.loc[avg, "reference"].map("{:,.1f}".format)
            cols += [("ref_text", "reference_value", None), ("basis_text", "reference_basis", None),
                     ("ratio_to_reference", "ratio_to_reference", None),
                     ("better_than_reference", "better_than_reference", None)]
            t["basis_text"] = self._reference_basis(t["indicator"])
        return self._section("peers", self.sentences("peers_sentences", self.code),
                             self.table(t, cols, self.L("peers_table").format(year=self.base_year),
                                        css_id="ipbench-peers"))

    def _reference_basis(self, indicators: pd.Series) -> pd.Series:
        """How each indicator's reference value was obtained (step ``peers``): the reference's
        own ratio, or its total ÷ its sub-units (e.g. 全国÷31), so that no reader takes a
        per-province average for the national total."""
        if not self.has("peers_reference_basis"):
            return pd.Series(fmt.MISSING, index=indicators.index)
        b = self.res["peers_reference_basis"].set_index("indicator")
        return self.lg.col(b, "basis").reindex(indicators).fillna(fmt.MISSING).set_axis(indicators.index)

    def guidance(self) -> HTML:
        if not self.has("guidance_industries"):
            return self._section("guidance", self.skipped("guidance"))
        g = self.res["guidance_industries"]
        g = g[g["region_code"] == self.code].copy()
        g["name"] = self.industry_names(g["industry_code"])
        return self._section("guidance", self.sentences("guidance_sentences", self.code),
                             self.guidance_table(g, "industry_name", "ipbench-guidance"),
                             self.download("guidance_industries"))

    def targets(self) -> HTML:
        t = self.res["targets"] if "targets" in self.res else pd.DataFrame()
        if t.empty:
            return self._section("targets", self.skipped("targets"))
        t = t[t["region_code"] == self.code]
        if t.empty:  # the plan sets targets, none of them here
            return self._section("targets", f"<p class='ipbench-skipped'>{escape(self.L('no_region_targets'))}</p>")
        return self._section("targets", self.sentences("targets_sentences", self.code),
                             self.targets_table(t))

    def robustness(self) -> HTML:
        if not self.has("robustness_ranks"):
            return self._section("robustness", self.skipped("robustness"))
        st = self._named(self.res["robustness_ranks"]).sort_values("composite_rank")
        st["name"] = self.lg.col(st, "name")
        says = say.robustness_sentences(st[st["region_code"] == self.code])
        return self._section("robustness", self.paragraphs(self.lg.col(says, "")),
                             self.robustness_table(st, highlight=self.code))
