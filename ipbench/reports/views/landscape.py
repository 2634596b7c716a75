"""The landscape page (专利导航 · 产业): one key industry's patents across the evaluation's regions.

Shows the ``landscape_*`` tables of the ``landscape`` step (:mod:`ipbench.steps.landscape`):
the rows of the scope's regions taken together (``region_code`` = ``ALL``) for trends,
technology, life cycle, applicants, legal status and events; the rows per region for the
distribution and its map; the rows per industry for domestic and foreign applicants. A table
the step did not make shows the ``skipped`` note (which input is missing, how to supply it).
Display only: no count is computed here.
"""

from __future__ import annotations

from html import escape
from typing import Any

import numpy as np
import pandas as pd

from ipbench.reports import fmt
from ipbench.reports.views.base import HTML, Col, ReportView, new_figure

#: region_code of the scope's regions together (ipbench.steps.landscape.SCOPE)
SCOPE = "ALL"
STEP = "landscape"
COUNT = fmt.Format("count", 0, 1.0, "件", "")
TIMES = fmt.Format("count", 0, 1.0, "次", "")
ITEMS = fmt.Format("count", 0, 1.0, "项", "")
PP = fmt.Format("amount", 2, 1.0, "百分点", "pp")
HHI = fmt.Format("amount", 0)
#: a fraction in a sentence: 30.2%
PCT = fmt.Format("fraction", 1, 100.0, "%", "%", "%")
TYPES = ("invention", "utility", "design")
EVENTS = {"patent_transfer": ("transfers", TIMES), "patent_licence": ("licences", TIMES),
          "patent_pledge": ("pledges", ITEMS)}
STATUS_ORDER = ("in_force", "pending", "lapsed", "other", "unknown")
#: names of applicant origins (alpha-2; HK, MO, TW are regions of China)
ORIGINS = {
    "CN": ("中国大陆", "Mainland China"), "HK": ("中国香港", "Hong Kong, China"),
    "MO": ("中国澳门", "Macao, China"), "TW": ("中国台湾", "Taiwan, China"),
    "JP": ("日本", "Japan"), "US": ("美国", "United States"), "KR": ("韩国", "Korea"),
    "DE": ("德国", "Germany"), "FR": ("法国", "France"), "GB": ("英国", "United Kingdom"),
    "CH": ("瑞士", "Switzerland"), "SE": ("瑞典", "Sweden"), "NL": ("荷兰", "Netherlands"),
    "IT": ("意大利", "Italy"), "FI": ("芬兰", "Finland"), "DK": ("丹麦", "Denmark"),
    "CA": ("加拿大", "Canada"), "AU": ("澳大利亚", "Australia"), "SG": ("新加坡", "Singapore"),
    "IL": ("以色列", "Israel"), "IN": ("印度", "India"), "BE": ("比利时", "Belgium"),
    "AT": ("奥地利", "Austria"), "ES": ("西班牙", "Spain"), "NO": ("挪威", "Norway"),
    "RU": ("俄罗斯", "Russia"), "IE": ("爱尔兰", "Ireland"), "LU": ("卢森堡", "Luxembourg"),
    "KY": ("开曼群岛", "Cayman Islands"), "VG": ("英属维尔京群岛", "British Virgin Islands"),
    "BM": ("百慕大", "Bermuda"), "NZ": ("新西兰", "New Zealand"), "BR": ("巴西", "Brazil"),
    "MY": ("马来西亚", "Malaysia"),
}


_PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
            "#7f7f7f", "#bcbd22", "#17becf")


def no_mathtext(fig: Any) -> Any:
    """Every text of ``fig`` drawn literally ($ in a name is not TeX)."""
    from ipbench.maps import literal_texts

    return literal_texts(fig)


class ApplicantTables:
    """Top applicants, applicant-type mix and concentration of one region × industry: shown
    by the landscape pages (the scope together) and the region pages (industry ``ALL``)."""

    @property
    def years(self: Any) -> tuple[int, int]:
        y = self.p["scope"]["years"]
        return int(y["first"]), int(y["last"])

    def _period(self: Any, a: int, b: int) -> str:
        return f"{a}–{b}" + self.lg.pick("年", "")

    def _ls_rows(self: Any, table: str, industry: str, region: str | None) -> pd.DataFrame:
        """Rows of ``table`` for ``industry`` (and ``region``); empty when absent."""
        if table not in self.res or "industry_code" not in self.res[table].columns:
            return pd.DataFrame()
        t = self.res[table]
        m = t["industry_code"].astype(str) == industry
        if region is not None and "region_code" in t.columns:
            m &= t["region_code"].astype(str) == region
        return t[m].copy()

    def _absent(self: Any, table: str) -> str:
        """The skipped note when the step made no such table, else "no records" for this
        industry."""
        if table not in self.res or not len(self.res[table]):
            return self.skipped(STEP)
        return f"<p class='ipbench-skipped'>{escape(self.L('ls_no_rows'))}</p>"

    def _type_name(self: Any, s: pd.Series) -> pd.Series:
        """``企业 / enterprise`` → the part in the page's language."""
        parts = s.astype(str).str.split(" / ", n=1)
        return parts.str[1 if self.lg.en else 0].fillna(s.astype(str))

    def applicant_tables(self: Any, region: str, industry: str, who: str) -> list[str]:
        """Tables of the leading applicants, the applicant-type mix and the concentration of
        ``region`` × ``industry`` over the scope's years."""
        first, last = self.years
        top = self._ls_rows("landscape_top_applicants", industry, region)
        if top.empty:
            return [self._absent("landscape_top_applicants")]
        g1 = (first, first + (last - first + 1) // 2 - 1)
        g2 = (last - (last - first + 1) // 2 + 1, last)
        top["type_text"] = self._type_name(top["type_zh_en"])
        parts = [self.table(
            top, [("rank", "rank", None), ("applicant", "ls_applicant", None),
                  ("type_text", "ls_type", None), ("applications", "ls_applications", COUNT),
                  ("grants", "ls_grants_of", COUNT), ("share", "ls_share", fmt.FRACTION),
                  ("growth", "ls_growth", fmt.FRACTION)],
            self.L("ls_top_table").format(who=who, first=first, last=last),
            note=self.L("ls_top_note").format(g1=self._period(*g1), g2=self._period(*g2)),
            css_id="ipbench-top-applicants")]
        mix = self._ls_rows("landscape_type_mix", industry, region)
        if len(mix):
            mix["type_text"] = self._type_name(mix["type_zh_en"])
            parts.append(self.table(
                mix, [("type_text", "ls_type", None), ("applications", "ls_applications", COUNT),
                      ("share", "ls_share", fmt.FRACTION), ("co_share", "ls_co_share", fmt.FRACTION),
                      ("iur_share", "ls_iur_share", fmt.FRACTION)],
                self.L("ls_mix_table").format(who=who, first=first, last=last),
                note=self.L("ls_mix_note")))
        conc = self._ls_rows("landscape_concentration", industry, region)
        if len(conc):
            parts.append(self.table(
                conc, [("applicants", "ls_applicants_n", fmt.Format("count", 0, 1.0, "个", "")),
                       ("CR4", "CR4", fmt.FRACTION), ("CR8", "CR8", fmt.FRACTION),
                       ("HHI", "HHI", HHI)],
                self.L("ls_conc_table").format(who=who, first=first, last=last),
                note=self.L("ls_conc_note")))
        return parts


class LandscapeView(ApplicantTables, ReportView):
    KIND = "landscape"
    SECTIONS = ("ls_summary", "ls_trends", "ls_technology", "ls_life_cycle", "ls_applicants",
                "ls_regions", "ls_status", "ls_events", "ls_origins", "methods")

    @property
    def name(self) -> str:
        return self.industry_name(self.code)

    def halves(self) -> tuple[tuple[int, int], tuple[int, int]]:
        """The first and second half of the years (the IPC shift's periods; the second
        half has the odd year)."""
        first, last = self.years
        mid = first + (last - first + 1) // 2
        return (first, mid - 1), (mid, last)

    def _rows(self, table: str, region: str | None = SCOPE) -> pd.DataFrame:
        return self._ls_rows(table, self.code, region)

    def _note(self, key: str, **kw: Any) -> str:
        return f"<p class='ipbench-note'>{escape(self.L(key).format(**kw))}</p>"

    def origin_name(self, code: Any) -> str:
        zh, en = ORIGINS.get(str(code), (str(code), str(code)))
        return self.lg.pick(zh, en)

    def province_name(self, code: Any) -> str:
        name = self.region_name(code)
        if name == str(code):
            try:
                from ipbench.geo import region_name

                name = region_name(str(code))
            except Exception:  # noqa: BLE001 - unknown code: shown as the code
                pass
        return name

    # ------------------------------------------------------------------ frame

    def header(self) -> HTML:
        first, last = self.years
        n = len(self.p["scope"]["regions"])
        scope = self.L("ls_scope").format(n=n, first=first, last=last)
        from ipbench.reports.provenance import local_time

        return HTML(
            f"{self.back_link()}<h1>{escape(self.name)} · {escape(self.L('landscape'))}</h1>"
            f"<p class='ipbench-subtitle'>{escape(self.res.manifest.get('title', ''))} · "
            f"{escape(scope)}</p><p class='ipbench-time'>{escape(self.L('run_time'))}{self.lg.pick('：', ': ')}"
            f"{escape(local_time(self.res.manifest, self.p))}</p>")

    # ------------------------------------------------------------------ sections

    def summary(self) -> HTML:
        """Picked facts of the base year and the period, each with its unit."""
        y = self.base_year
        lines: list[str] = []
        tr = self._rows("landscape_trends")
        app = tr[(tr.get("kind") == "app") & (tr.get("year") == y)] if len(tr) else tr
        grant = tr[(tr.get("kind") == "grant") & (tr.get("year") == y)] if len(tr) else tr
        if len(app):
            a = app.iloc[0]
            g = grant.iloc[0]["total"] if len(grant) else np.nan
            lines.append(self.L("ls_sum_trends").format(
                year=y, apps=fmt.format_cell(a["total"], COUNT),
                inv=fmt.format_cell(a["invention"], COUNT), grants=fmt.format_cell(g, COUNT)))
        dist = self._rows("landscape_distribution", None)
        if len(dist):
            top = dist[dist["applications"] == dist["applications"].max()]
            lines.append(self.L("ls_sum_region" if len(top) == 1 else "ls_sum_region_tie").format(
                first=self.years[0], last=self.years[1],
                names=self.lg.pick("、", ", ").join(self.region_names(top["region_code"])),
                share=fmt.format_cell(top["share"].iloc[0], PCT)))
        ipc = self._rows("landscape_ipc")
        ipc = ipc[ipc["level"] == "ipc_subclass"] if len(ipc) else ipc
        if len(ipc):
            top = ipc[ipc["applications"] == ipc["applications"].max()]
            (_, _), (s2, e2) = self.halves()
            lines.append(self.L("ls_sum_ipc").format(
                codes=self.lg.pick("、", ", ").join(top["code"].astype(str)),
                tie=self.L("ls_tie") if len(top) > 1 else "",
                share=fmt.format_cell(top["share_second"].iloc[0], PCT),
                period=self._period(s2, e2)))
        conc = self._rows("landscape_concentration")
        if len(conc):
            c = conc.iloc[0]
            lines.append(self.L("ls_sum_applicants").format(
                first=self.years[0], last=self.years[1],
                n=fmt.format_cell(c["applicants"], fmt.INTEGER),
                cr4=fmt.format_cell(c["CR4"], PCT), hhi=fmt.format_cell(c["HHI"], HHI)))
        orig = self._rows("landscape_origins", None)
        if len(orig):
            cn = orig[orig["origin"] == "CN"]
            share = cn["share"].iloc[0] if len(cn) else 0.0
            lines.append(self.L("ls_sum_origins").format(
                share=fmt.format_cell(share, PCT),
                n=int((orig["origin"] != "CN").sum())))
        if not lines:
            return self._section("ls_summary", self._absent("landscape_trends"))
        return self._section("ls_summary", self.paragraphs(lines),
                             f"<p class='ipbench-note'>{escape(self.L('ls_coverage'))}</p>")

    def trends(self) -> HTML:
        t = self._rows("landscape_trends")
        if t.empty:
            return self._section("ls_trends", self._absent("landscape_trends"))
        w = t.pivot_table(index="year", columns="kind", values=[*TYPES, "total"], aggfunc="first")
        w.columns = [f"{k}_{v}" for v, k in w.columns]
        w = w.reset_index()
        no_design = self.code != "ALL" and not t["design"].fillna(0).any()
        shown = [v for v in (*TYPES, "total") if not (v == "design" and no_design)]
        cols: list[Col] = [("year", "year", None)]
        for kind in ("app", "grant"):
            cols += [(f"{kind}_{v}", self.L(f"ls_{kind}_{v}"), COUNT)
                     for v in shown if f"{kind}_{v}" in w.columns]
        table = self.table(w, cols, self.L("ls_trends_table").format(name=self.name),
                           note=self._count_note())
        fig = new_figure(10, 3.4)
        axes = fig.subplots(1, 2, sharey=True)
        colors = {"invention": "#1f77b4", "utility": "#ff7f0e", "design": "#2ca02c"}
        for ax, kind in zip(axes, ("app", "grant"), strict=True):
            g = t[t["kind"] == kind].sort_values("year")
            bottom = np.zeros(len(g))
            for v in [x for x in TYPES if x in shown]:
                vals = g[v].fillna(0).to_numpy(dtype=float)
                ax.bar(g["year"], vals, bottom=bottom, label=self.L(f"ls_{v}"), color=colors[v])
                bottom += vals
            ax.set_title(self.L(f"ls_{kind}s"), fontsize=9)
            ax.set_xticks(g["year"].to_numpy())
            ax.tick_params(axis="x", labelrotation=45)
        axes[0].set_ylabel(self.L("ls_count_axis"))
        axes[0].legend(fontsize=7)
        fig = self.figure(no_mathtext(fig), self.L("ls_trends_figure").format(name=self.name),
                          self.L("ls_lag_note"))
        notes = self._note("ls_design_note") if no_design else ""
        return self._section("ls_trends", table, fig, notes)

    def _count_note(self) -> str:
        return self.L("ls_count_note")

    def technology(self) -> HTML:
        t = self._rows("landscape_ipc")
        if t.empty:
            return self._section("ls_technology", self._absent("landscape_ipc"))
        (a1, b1), (a2, b2) = self.halves()
        cols: list[Col] = [("code", "ls_code", None), ("applications", "ls_applications", COUNT),
                           ("share_first", self.L("ls_share_period").format(
                               period=self._period(a1, b1)), fmt.FRACTION),
                           ("share_second", self.L("ls_share_period").format(
                               period=self._period(a2, b2)), fmt.FRACTION),
                           ("shift_pp", "ls_shift", PP)]
        parts = []
        for level in ("ipc_subclass", "ipc_group"):
            lv = t[t["level"] == level].copy()
            lv["shift_pp"] = lv["shift_pp"].round(PP.decimals) + 0.0  # no "-0.00"
            if level == "ipc_group":
                lv["code"] = lv["code"].astype(str).str.replace(r"^(\w{4})(\d+)$", r"\1 \2/00",
                                                                regex=True)
            if len(lv):
                parts.append(self.table(
                    lv, cols, self.L(f"ls_{level}_table").format(
                        name=self.name, first=self.years[0], last=self.years[1]),
                    note=self.L("ls_ipc_note")))
        sub = t[t["level"] == "ipc_subclass"].iloc[::-1]
        if len(sub):
            fig = new_figure(8, 0.35 * len(sub) + 1.2)
            ax = fig.add_subplot()
            y = np.arange(len(sub))
            ax.barh(y + 0.2, sub["share_first"].to_numpy() * 100, 0.4,
                    label=self._period(a1, b1), color="#9ecae1")
            ax.barh(y - 0.2, sub["share_second"].to_numpy() * 100, 0.4,
                    label=self._period(a2, b2), color="#08519c")
            ax.set_yticks(y, list(sub["code"].astype(str)))
            ax.set_xlabel(self.L("ls_share_axis"))
            ax.legend(fontsize=7)
            parts.append(self.figure(no_mathtext(fig),
                                     self.L("ls_ipc_figure").format(name=self.name)))
        return self._section("ls_technology", *parts)

    def life_cycle(self) -> HTML:
        t = self._rows("landscape_life_cycle").sort_values("year") if "landscape_life_cycle" \
            in self.res else pd.DataFrame()
        if t.empty:
            return self._section("ls_life_cycle", self._absent("landscape_life_cycle"))
        fig = new_figure(7, 4.4)
        ax = fig.add_subplot()
        ax.plot(t["applications"], t["applicants"], "-o", color="#08519c", ms=4)
        for i, r in enumerate(t.itertuples()):
            ax.annotate(str(int(r.year)), (r.applications, r.applicants), fontsize=7,
                        xytext=(5, -10) if i % 2 else (-26, 4), textcoords="offset points")
        ax.set_xlabel(self.L("ls_lc_x"))
        ax.set_ylabel(self.L("ls_lc_y"))
        ax.grid(alpha=0.3)
        first, last = int(t["year"].min()), int(t["year"].max())
        figure = self.figure(no_mathtext(fig), self.L("ls_lc_figure").format(
            name=self.name, first=first, last=last), self.L("ls_lag_note"))
        table = self.table(t, [("year", "year", None), ("applications", "ls_applications", COUNT),
                               ("applicants", "ls_applicants_n", fmt.Format("count", 0, 1.0, "个", ""))],
                           self.L("ls_lc_table").format(name=self.name, first=first, last=last),
                           note=self.L("ls_lc_note"))
        return self._section("ls_life_cycle", self._note("ls_lc_read"), figure, table)

    def applicants(self) -> HTML:
        return self._section("ls_applicants", *self.applicant_tables(SCOPE, self.code, self.name))

    def regions(self) -> HTML:
        t = self._rows("landscape_distribution", None)
        if t.empty:
            return self._section("ls_regions", self._absent("landscape_distribution"))
        t["name"] = self.region_names(t["region_code"])
        first, last = self.years
        table = self.table(t, [("name", "region_name", None),
                               ("applications", "ls_applications", COUNT),
                               ("share", "ls_share", fmt.FRACTION)],
                           self.L("ls_dist_table").format(name=self.name, first=first, last=last),
                           note=self.L("ls_dist_note"))
        m = self.map_figure(t.set_index("region_code")["applications"],
                            self.L("ls_dist_map").format(name=self.name, first=first, last=last),
                            value_fmt="{:,.0f}")
        return self._section("ls_regions", table, m)

    def status(self) -> HTML:
        t = self._rows("landscape_status")
        if t.empty:
            return self._section("ls_status", self._absent("landscape_status"))
        order = {k: i for i, k in enumerate(STATUS_ORDER)}
        t = t.assign(_t=t["ptype"].map({k: i for i, k in enumerate(TYPES)}),
                     _s=t["status_class"].map(order)).sort_values(["_t", "_s"])
        t["ptype_text"] = t["ptype"].map(lambda v: self.L(f"ls_{v}"))
        t["status_text"] = t["status_class"].map(lambda v: self.L(f"ls_status_{v}"))
        parts = []
        if set(t["status_class"]) == {"unknown"}:
            parts.append(self._note("ls_status_unknown_note"))
        parts.append(self.table(t, [("ptype_text", "ls_ptype", None),
                                    ("status_text", "ls_status", None),
                                    ("patents", "ls_patents", COUNT),
                                    ("share", "ls_share_in_type", fmt.FRACTION)],
                                self.L("ls_status_table").format(name=self.name),
                                note=self.L("ls_status_note")))
        w = t.pivot_table(index="ptype", columns="status_class", values="share", aggfunc="first")
        w = w.reindex(index=[p for p in TYPES if p in w.index],
                      columns=[s for s in STATUS_ORDER if s in w.columns]).fillna(0.0)
        fig = new_figure(8, 0.6 * len(w) + 1.4)
        ax = fig.add_subplot()
        left = np.zeros(len(w))
        colors = {"in_force": "#31a354", "pending": "#fdae6b", "lapsed": "#bdbdbd",
                  "other": "#9e9ac8", "unknown": "#f0f0f0"}
        y = np.arange(len(w))
        for s in w.columns:
            vals = w[s].to_numpy() * 100
            ax.barh(y, vals, left=left, label=self.L(f"ls_status_{s}"), color=colors[s],
                    edgecolor="white")
            left += vals
        ax.set_yticks(y, [self.L(f"ls_{p}") for p in w.index])
        ax.set_xlim(0, 100)
        ax.set_xlabel(self.L("ls_share_axis"))
        ax.invert_yaxis()
        ax.legend(fontsize=7, ncols=len(w.columns), loc="upper center", bbox_to_anchor=(0.5, -0.25))
        parts.append(self.figure(no_mathtext(fig), self.L("ls_status_figure").format(name=self.name)))
        return self._section("ls_status", *parts)

    def events(self) -> HTML:
        t = self._rows("landscape_events")
        if t.empty:
            return self._section("ls_events", self._absent("landscape_events"))
        t = t.sort_values("year")
        present = [v for v in EVENTS if v in t.columns and t[v].notna().any()]
        absent = [v for v in EVENTS if v not in present]
        parts = []
        if absent:
            parts.append(self._note("ls_events_absent", what=self.lg.pick("、", ", ").join(
                self.L(f"ls_{EVENTS[v][0]}") for v in absent)))
        if not present:
            return self._section("ls_events", *parts)
        parts.append(self.table(t, [("year", "year", None)] + [
            (v, f"ls_{EVENTS[v][0]}", EVENTS[v][1]) for v in present],
            self.L("ls_events_table").format(name=self.name), note=self.L("ls_events_note")))
        fig = new_figure(8, 3.2)
        ax = fig.add_subplot()
        for v, marker in zip(present, "os^", strict=False):
            ax.plot(t["year"], t[v], marker=marker, label=self.L(f"ls_{EVENTS[v][0]}"))
        ax.set_xticks(t["year"].to_numpy())
        ax.set_ylabel(self.L("ls_events_axis"))
        ax.legend(fontsize=7)
        parts.append(self.figure(no_mathtext(fig), self.L("ls_events_figure").format(name=self.name)))
        return self._section("ls_events", *parts)

    def origins(self) -> HTML:
        o = self._rows("landscape_origins", None)
        if o.empty:
            return self._section("ls_origins", self._absent("landscape_origins"))
        first, last = self.years
        if not (o["origin"] != "CN").any():
            return self._section("ls_origins", self._note("ls_no_foreign"))
        o["name"] = o["origin"].map(self.origin_name)
        parts = [self.table(o, [("name", "ls_origin", None),
                                ("applications", "ls_applications", COUNT),
                                ("share", "ls_share", fmt.FRACTION)],
                            self.L("ls_origins_table").format(name=self.name, first=first, last=last),
                            note=self.L("ls_origins_note"))]
        p = self._rows("landscape_provinces", None)
        if len(p):
            p["name"] = p["province"].map(self.province_name)
            parts.append(self.table(
                p, [("rank", "rank", None), ("name", "ls_province", None),
                    ("applications", "ls_applications", COUNT), ("share", "ls_share", fmt.FRACTION)],
                self.L("ls_provinces_table").format(name=self.name, first=first, last=last),
                highlight=True, key="is_region",
                note=self.L("ls_one_province" if len(p) == 1 else "ls_provinces_note")))
        tr = self._rows("landscape_origin_trends", None)
        tr = tr[tr["origin"] != "CN"] if len(tr) else tr
        if len(tr):
            # no row for an origin in a year: no application from there (0)
            w = tr.pivot_table(index="year", columns="origin", values="share", aggfunc="first").fillna(0.0)
            w = w.reindex(columns=list(o.loc[o["origin"] != "CN", "origin"]), fill_value=0.0)
            w = w.reset_index()
            cols: list[Col] = [("year", "year", None)] + [
                (c, self.origin_name(c), fmt.FRACTION) for c in w.columns if c != "year"]
            parts.append(self.table(w, cols, self.L("ls_origin_trends_table").format(name=self.name),
                                    note=self.L("ls_origin_trends_note")))
            fig = new_figure(8, 3.4)
            ax = fig.add_subplot()
            bottom = np.zeros(len(w))
            colors = dict(zip(w.columns[1:], _PALETTE, strict=False))
            for c in w.columns[1:]:
                vals = w[c].to_numpy(dtype=float) * 100
                ax.bar(w["year"], vals, bottom=bottom, label=self.origin_name(c), color=colors.get(c))
                bottom += vals
            ax.set_xticks(w["year"].to_numpy())
            ax.set_ylabel(self.L("ls_share_axis"))
            ax.legend(fontsize=7, loc="center left", bbox_to_anchor=(1.0, 0.5))
            parts.append(self.figure(no_mathtext(fig),
                                     self.L("ls_origin_trends_figure").format(name=self.name)))
        return self._section("ls_origins", *parts)

    def methods(self) -> HTML:
        """Definitions used on this page, each with its source."""
        (a1, b1), (a2, b2) = self.halves()
        rows = [(self.L(f"ls_m_{k}"), self.L(f"ls_m_{k}_def").format(
            p1=self._period(a1, b1), p2=self._period(a2, b2)), self.L(f"ls_m_{k}_src"))
            for k in ("count", "lag", "ipc", "life", "types", "top", "conc", "status", "origin")]
        body = "".join(f"<dt>{escape(t)}</dt><dd>{escape(d)}"
                       f"<br/><small>{escape(self.L('source'))}{self.lg.pick('：', ': ')}{escape(s)}</small></dd>"
                       for t, d, s in rows)
        return self._section("methods", f"<dl class='ipbench-methods'>{body}</dl>")
