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

from ipbench.reports.labels import label
from ipbench.reports.provenance import provenance_html
from ipbench.runfolder import Results


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
            f" {self.base_year}</p>"
        )

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

    def _map(self, values: pd.Series, title: str, highlight: Any = None) -> Any:
        from matplotlib import pyplot as plt

        from ipbench import maps

        parent = self.p["scope"].get("reference") or self.res["regions"]["parent_code"].dropna().iloc[0]
        fig = maps.choropleth(values, parent_code=parent, highlight=highlight, title=title,
                              show_values=True)
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
        return section(self.L("ahp"), t)

    def coupling_table(self) -> HTML:
        return section(self.L("coupling"), table_html(self.coupling_rows(), "ipbench-coupling"))

    def map(self) -> Any:
        r = self._ranking().set_index("region_code")["score"]
        return self._map(r, f"{self.L('score')} {self.base_year}")

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
        comp = self.res["composite"]
        me = comp[comp["region_code"] == self.code].sort_values("year")
        mean = comp.groupby("year")["score"].mean()
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
        ax2.invert_yaxis()
        ax2.set_title(self.L("rank"))
        ax.legend(fontsize=8)
        ax2.yaxis.get_major_locator().set_params(integer=True)
        return figure_html(fig, self.L("trends"))

    def map(self) -> Any:
        r = self._ranking().set_index("region_code")["score"]
        return self._map(r, f"{self.L('score')} {self.base_year}", highlight=self.code)


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
