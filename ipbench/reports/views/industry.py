"""The industry page: one industry across the regions of the evaluation."""

from __future__ import annotations

from html import escape

import numpy as np
import pandas as pd

from ipbench.reports import fmt
from ipbench.reports.views.base import HTML, ReportView, new_figure


class IndustryView(ReportView):
    KIND = "industry"
    SECTIONS = ("summary", "profile", "situation", "intensive", "guidance", "methods")
    #: appendix terms its sections can use (:data:`ipbench.reports.methods.USES`)
    TERMS = ("normalisation", "weighting", "aggregation", "lq_industries", "share_matching",
             "concentration_industries", "intensive", "count", "guidance_industries")

    @property
    def name(self) -> str:
        return self.industry_name(self.code)

    def header(self) -> HTML:
        return self._header(f"{self.name} · {self.L('industry')}")

    def _rows(self) -> pd.DataFrame:
        t = self.res["industry_profile"]
        t = t[(t["industry_code"] == self.code) & (t["year"] == self.base_year)].copy()
        t["name"] = self.region_names(t["region_code"])
        return t

    def summary(self) -> HTML:
        t = self._rows()
        if t.empty:
            return self._section("summary", self.skipped("industry"))
        from ipbench.analysis.interpretation import industry_sentences

        ind = self.res["industries"].set_index("industry_code")
        reg = self.res["regions"].set_index("region_code")
        rows = t.assign(industry_zh=t["industry_code"].map(ind["name_zh"]),
                        industry_en=t["industry_code"].map(ind["name_en"]),
                        name_zh=t["region_code"].map(reg["name_zh"]),
                        name_en=t["region_code"].map(reg["name_en"]))
        s = industry_sentences(rows, self.base_year)
        return self._section("summary", self.paragraphs(self.lg.col(s, "")),
                             self.sentences("intensive_sentences", self.code))

    def profile(self) -> HTML:
        """The industry in each region (table), its patent LQ map, shares and trends."""
        t = self._rows().sort_values("lq_ip", ascending=False)
        if t.empty:
            return self._section("profile", self.skipped("industry"))
        va = fmt.Format("money", 2, 1.0, "亿元", "100m yuan")
        cols = [("name", "region_name", None), ("patents", "patents", fmt.COLUMNS["patents"]),
                ("value_added", "value_added_short", va),
                ("employment", "employment_short", fmt.Format("amount", 2, 1.0, "万人", "10k persons")),
                ("ip_intensity", "ip_intensity_short", None), ("lq_ip", "lq_ip", None),
                ("lq_va", "lq_va", None), ("share_ip", "share_ip", None),
                ("share_va", "share_va", None), ("share_matching", "share_matching", None)]
        table = self.table(t, cols, self.L("profile_table").format(year=self.base_year),
                           note=self.L("ls_count_note"), css_id="ipbench-industry")
        m = self.map_figure(t.set_index("region_code")["lq_ip"],
                            f"{self.name} · " + self.L("industry_map").format(year=self.base_year))
        return self._section("profile", table, m, self._distribution(), self._trends())

    def _distribution(self) -> str:
        t = self._rows()
        fig = new_figure(8, 3.4)
        ax = fig.add_subplot()
        x = np.arange(len(t))
        ax.bar(x - 0.2, t["share_ip"].to_numpy() * 100, 0.4, label=self.L("share_ip"))
        ax.bar(x + 0.2, t["share_va"].to_numpy() * 100, 0.4, label=self.L("share_va"))
        ax.set_xticks(x, list(t["name"]), rotation=45)
        ax.set_ylabel("%")
        ax.legend()
        return self.figure(fig, f"{self.name} · " + self.L("distribution_figure").format(
            year=self.base_year))

    def _trends(self) -> str:
        t = self.res["industry_profile"]
        t = t[t["industry_code"] == self.code]
        tot = t.groupby("year")[["patents", "value_added"]].sum()
        first = int(tot.index.min())
        fig = new_figure(8, 3.0)
        ax = fig.add_subplot()
        ax.plot(tot.index, tot["patents"] / tot["patents"].iloc[0] * 100, marker="o",
                label=self.L("patents"))
        ax.plot(tot.index, tot["value_added"] / tot["value_added"].iloc[0] * 100, marker="s",
                label=self.L("value_added_short"))
        ax.legend()
        return self.figure(fig, f"{self.name} · " + self.L("industry_trends_figure").format(first=first))

    def situation(self) -> HTML:
        """How concentrated the industry is over the regions (computed by the industry step)."""
        if not self.has("industry_concentration"):
            return self._section("situation", self.skipped("industry"))
        ct = self.res["industry_concentration"]
        ct = ct[ct["industry_code"] == self.code].copy()
        if ct.empty:
            return self._section("situation", self.skipped("industry"))
        ct["what"] = ct["indicator"].map({"patents": self.L("patents"),
                                          "value_added": self.L("value_added_short")})
        ct["top_name"] = self.region_names(ct["top_unit"].astype(str))
        return self._section("situation",
                             self.sentences("industry_sentences", self.code, "concentration"),
                             self.table(
            ct, [("what", "indicator", None), ("gini", "gini", None), ("hhi", "hhi", None),
                 ("cr1", "cr1", None), ("cr3", "cr3", None), ("top_name", "top_unit", None),
                 ("top_share", "top_share", None)],
            self.L("concentration_table").format(year=self.base_year),
            css_id="ipbench-concentration"))

    def intensive(self) -> HTML:
        from ipbench.analysis.intensive import RULE

        first, last = self.intensive_window()
        parts = [f"<p class='ipbench-rule'>{escape(self.L('intensive_rule'))}{self.lg.pick('：', ': ')}"
                 f"{escape(RULE.text(self.lang))}</p>"]
        if self.has("intensive_industries"):
            t = self.res["intensive_industries"]
            me = t[t["industry_code"] == self.code].copy()
            me["name"] = self.industry_names(me["industry_code"])
            parts += [self.sentences("intensive_sentences", "", "industries"),
                      self.table(me, [("name", "industry_name", None),
                                      *self.intensive_cols("intensive_industries")],
                                 self.L("intensive_industries_table").format(first=first, last=last),
                                 note=self.basis_note() + " " + self.L("ls_count_note"),
                                 css_id="ipbench-intensive-industry")]
        else:
            parts.append(self.skipped("intensive"))
        if self.has("intensive_region_industry"):
            ri = self.res["intensive_region_industry"]
            ri = ri[ri["industry_code"] == self.code].copy()
            ri["name"] = self.region_names(ri["region_code"])
            parts += [self.sentences("intensive_sentences", self.code),
                      self.table(ri.sort_values("density", ascending=False),
                                 [("name", "region_name", None),
                                  *self.intensive_cols("intensive_region_industry")],
                                 self.L("intensive_within_table").format(first=first, last=last),
                                 note=self.L("per_industry_basis") + " " + self.L("ls_count_note"),
                                 css_id="ipbench-intensive-regions")]
        return self._section("intensive", *parts)

    def guidance(self) -> HTML:
        if not self.has("guidance_industries"):
            return self._section("guidance", self.skipped("guidance"))
        g = self.res["guidance_industries"]
        g = g[g["industry_code"] == self.code].copy()
        g["name"] = self.region_names(g["region_code"])
        return self._section("guidance", self.sentences("guidance_sentences", self.code),
                             self.guidance_table(g, "region_name", "ipbench-guidance"),
                             self.download("guidance_industries"))
