"""What every report view shares: the document frame (header with a back link, contents,
numbered sections, tables and figures with captions, unit and source line), names of codes,
the ``skipped`` notes, and the methods appendix.

A view only picks rows and columns of a run folder's tables and shows them; numbers are
formatted by :mod:`ipbench.reports.fmt`, words come from :mod:`ipbench.reports.lang`,
sentences from the analysis steps' ``*_sentences`` tables or
:mod:`ipbench.analysis.interpretation`.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Sequence
from html import escape
from pathlib import Path
from typing import Any

import matplotlib as mpl
import numpy as np
import pandas as pd

from ipbench.analysis import interpretation as say
from ipbench.reports import fmt
from ipbench.reports.kinds import depth
from ipbench.reports.lang import Lang
from ipbench.reports.provenance import local_time, provenance_html
from ipbench.runfolder import Results

#: labels from data or params are text, never TeX: texts made while a report is rendered
#: (tick labels included) are drawn with mathtext off; :meth:`ReportView.figure` also
#: switches it off on every text a figure already holds
mpl.rcParams["text.parse_math"] = False

#: resolution of the pages' figures (CSS pixels: a figure is shown at its drawn size)
FIGURE_DPI = 96
#: folder of the run folder where maps drawn for the pages are kept
MAP_CACHE = "maps"


class HTML:
    """A block of (already escaped) HTML; Jupyter shows it through ``_repr_html_``."""

    def __init__(self, html: str) -> None:
        self.html = html

    def _repr_html_(self) -> str:
        return self.html

    def __str__(self) -> str:
        return self.html


#: a table column: (column of the frame, header label key or text, format or None = auto)
Col = tuple[str, str, "fmt.Format | None"]


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


def new_figure(width: float = 8.0, height: float = 4.0, layout: str | None = "constrained") -> Any:
    """A chart figure at the pages' 96 dpi in the CJK font. ``layout=None`` for charts whose
    margins are set with ``subplots_adjust`` (the constrained layout measures every text at
    each draw: ~0.2 s of a three-panel chart on each region page)."""
    from matplotlib.figure import Figure

    from ipbench.fonts import use_cjk_font

    use_cjk_font()
    return Figure(figsize=(width, height), dpi=96, layout=layout)


def figure_png(fig: Any, dpi: float = FIGURE_DPI) -> bytes:
    """A chart as a 256-colour PNG (the maps' encoding: a third of the bytes).

    An axis without a label gets a fixed label position: matplotlib otherwise measures every
    tick label of the axis and its siblings to place the empty label, at each layout pass
    and draw (a quarter of a three-panel chart's time); the picture is the same pixel for
    pixel."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from ipbench.maps import palette_png

    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            if not axis.label.get_text():
                axis.set_label_coords(0.5, 0.5)
    canvas = FigureCanvasAgg(fig)  # the figure is drawn once, here, and then closed
    fig.set_dpi(dpi)
    canvas.draw()
    return palette_png(np.asarray(canvas.buffer_rgba())[..., :3])


class AnalysisTables:
    """Tables several views show the same way (intensive, guidance, targets, robustness)."""

    def intensive_window(self: Any) -> tuple[int, int]:
        spec = self.p.get("intensive", {}) or {}
        w = int(spec.get("window", 3))
        return self.base_year - w + 1, self.base_year

    def intensive_cols(self: Any, table: str = "intensive_regions") -> list[Col]:
        averaged = any(t in self.res and "window" in self.res[t].columns
                       for t in (table, "intensive_regions", "intensive_industries"))
        emp = (fmt.Format("amount", 2, 1e-4, "万人", "10k persons") if averaged
               else fmt.Format("amount", 2, 1e-4, "万人年", "10k person-years"))
        return [("patents", "patents_window", fmt.COLUMNS["patents"]),
                ("employment", "employment_avg" if averaged else "employment_sum", emp),
                ("density", "density", None), ("density_threshold", "density_threshold", None),
                ("scale_threshold", "scale_threshold", None),
                ("intensive", "is_intensive", None)]

    def basis_note(self: Any) -> str:
        """What the industries' density threshold is (params intensive.basis), stated."""
        from ipbench.analysis.intensive import BASES

        basis = (self.p.get("intensive", {}) or {}).get("basis", "whole_economy")
        return self.lg.pick(*BASES.get(basis, (basis, basis))) + self.lg.pick("。", ".")

    def guidance_table(self: Any, g: pd.DataFrame, name_label: str, css_id: str) -> str:
        g = g.assign(type_text=self.lg.col(g, "type"), direction_text=self.lg.col(g, "direction"))
        cols = [("name", name_label, None), ("ip_advantage", "ip_advantage", None),
                ("industry_advantage", "industry_advantage", None),
                ("ip_growth", "ip_growth", None), ("industry_growth", "industry_growth", None),
                ("type_text", "quadrant_type", None), ("direction_text", "recommended", None)]
        return self.table(g, [c for c in cols if c[0] in g.columns], self.L("guidance_table"),
                          css_id=css_id)

    def download(self: Any, key: str) -> str:
        from ipbench.reports.kinds import depth
        from ipbench.reports.workbook import GUIDANCE_FILES

        href = depth(self.KIND) + GUIDANCE_FILES[key]
        return (f"<p><a class='ipbench-download' href='{escape(href)}'>"
                f"{escape(self.L(key))}</a></p>")

    def by_row(self: Any, values: pd.Series, codes: pd.Series, facts: bool = False) -> pd.Series:
        """Values of different indicators (or, with ``facts``, facts variables in their base
        units) in one column, each formatted by its own unit."""
        keys = codes.astype(str).to_numpy(dtype=object)
        groups: dict[fmt.Format, np.ndarray] = {}
        for code in dict.fromkeys(keys):  # one format per code, rows formatted per format
            m = keys == code
            f = (fmt.PERCENT if code == "intensive_va_share_gdp"
                 else self.variable_format(code, values[m], facts))
            groups[f] = groups[f] | m if f in groups else m
        out = pd.Series(fmt.MISSING, index=values.index, dtype=object)
        for f, m in groups.items():
            unit = f.unit(self.lang)
            out[m] = fmt.format_values(values[m], f, self.lang) + (f" {unit}" if unit else "")
        return out

    def targets_table(self: Any, t: pd.DataFrame) -> str:
        from ipbench.analysis.targets import VERDICTS

        t = t.copy()
        t["name"] = self.region_names(t["region_code"])
        t["latest"] = self.by_row(t["latest_value"], t["indicator"])
        t["target_v"] = self.by_row(t["target_value"], t["indicator"])
        cols = [("name", "region_name", None), ("label", "target_label", None),
                ("target_v", "target_value", None), ("target_year", "target_year", None),
                ("latest", "latest_value", None), ("latest_year", "latest_year", None),
                ("attainment_pct", "attainment_pct_short", None),
                ("linear_year", "linear_year", None), ("cagr_year", "cagr_year", None)]
        if "verdict" in t.columns:
            t["verdict_text"] = t["verdict"].map(lambda v: VERDICTS.get(v, (v, v))[self.lg.en])
            cols.append(("verdict_text", "verdict", None))
        else:
            cols.append(("on_track", "on_track", None))
        return self.table(t, cols, self.L("targets_table"), css_id="ipbench-targets")

    def latest(self: Any, table: str) -> pd.DataFrame:
        """Rows of ``table`` in the base year, or in its last year when it ends earlier."""
        t = self.res[table]
        years = sorted(t["year"].unique())
        y = self.base_year if self.base_year in years else years[-1]
        return t[t["year"] == y]

    def quality_table(self: Any, highlight: Any = None) -> str:
        """The regions' patent quality (``quality`` step) in the base year, best first; the
        row of ``highlight`` (the page's region) marked."""
        q = self.latest("quality").copy()
        q["name"] = self.region_names(q["region_code"])
        q = q.sort_values("quality_rank")
        cols = [("name", "region_name", None), ("quality_rank", "quality_rank", None)]
        cols += [(c, c, None) for c in ("invention_share", "patents_per_rd", "high_value_per_10k")
                 if c in q]
        cols.append(("quality_composite", "quality_composite", None))
        year = int(q["year"].iloc[0]) if len(q) else self.base_year
        return self.table(q, cols, self.L("quality_table").format(year=year),
                          highlight=highlight, key="region_code" if highlight is not None else "",
                          css_id="ipbench-quality")

    def robustness_table(self: Any, st: pd.DataFrame, highlight: Any = None) -> str:
        return self.table(st, [("name", "region_name", None),
                               ("composite_rank", "composite_rank", None),
                               ("median", "median", None), ("q05", "q05", None),
                               ("q95", "q95", None), ("mean_abs_shift", "mean_abs_shift", None)],
                          self.L("robustness_table"), highlight=highlight, key="region_code",
                          note=self.L("nominal_note"), css_id="ipbench-robustness")



class ReportView(AnalysisTables):
    """Base of the views; subclasses set ``KIND`` and ``SECTIONS`` (reading order)."""

    KIND = ""
    #: section keys in the order an official reads them (label keys of labels.LABELS)
    SECTIONS: tuple[str, ...] = ()
    #: the methods appendix terms its sections can use (None: every term the run uses)
    TERMS: tuple[str, ...] | None = None

    def __init__(self, res: Results, code: str = "") -> None:
        self.res = res
        self.code = str(code)
        self.lg = Lang(res.lang)
        self._n_table = 0
        self._n_figure = 0
        self._regions = self.lg.names(res["regions"], "region_code")
        self._industries = self.lg.names(res["industries"], "industry_code")
        cat = res["catalogue"]
        self._indicators = dict(zip(cat["code"], self.lg.col(cat, "name"), strict=True))
        subs = cat.drop_duplicates("subsystem")
        self._subsystems = dict(zip(subs["subsystem"], self.lg.col(subs, "subsystem"), strict=True))
        self._units = dict(zip(cat["code"], cat["unit"].astype(str), strict=True))

    # ------------------------------------------------------------------ basics

    @property
    def lang(self) -> str:
        return self.lg.code

    @property
    def p(self) -> dict[str, Any]:
        return self.res.params

    @property
    def base_year(self) -> int:
        return int(self.p["scope"]["base_year"])

    def L(self, key: str) -> str:
        return self.lg.t(key)

    def region_name(self, code: Any) -> str:
        return self._regions.get(str(code), str(code))

    def industry_name(self, code: Any) -> str:
        return self._industries.get(str(code), str(code))

    def subsystem_name(self, code: Any) -> str:
        return str(self._subsystems.get(code, code))

    def indicator_name(self, code: Any) -> str:
        return str(self._indicators.get(code, self.variable_name(code)))

    def variable_name(self, code: Any) -> str:
        """Name of a facts variable (data/variables.yaml), else the code."""
        v = _variables().get(str(code))
        return self.lg.pick(v[0], v[1]) if v else str(code)

    def variable_format(self, code: Any, values: Any = None, facts: bool = False) -> fmt.Format:
        """Format of an indicator (catalogue unit) or, with ``facts`` or when the catalogue
        lacks it, of a facts variable in its base unit (data/variables.yaml)."""
        if code in self._units and not (facts and str(code) in _variables()):
            return fmt.for_unit(self._units[code], None, values)
        v = _variables().get(str(code))
        return fmt.for_unit(v[2] if v else "", v[3] if v else None, values)

    def pairs(self) -> list[tuple[str, str, str]]:
        """(pair key, subsystem a, subsystem b) in the params' order."""
        return [(str(m["name"]), str(m["subsystems"][0]), str(m["subsystems"][1]))
                for m in self.p.get("matching", [])]

    def pairs_intro(self) -> str:
        """'本评价设3对匹配关系：…。' — the pairs this evaluation has, counted and named."""
        names = [self.pair_name(k) for k, _, _ in self.pairs()]
        return self.paragraphs([self.L("pairs_intro").format(
            n=len(names), names=self.lg.pick("、", ", ").join(names))])

    def pair_name(self, pair: str) -> str:
        for key, a, b in self.pairs():
            if key == pair:
                return f"{self.subsystem_name(a)} ↔ {self.subsystem_name(b)}"
        return str(pair)

    def region_names(self, codes: pd.Series) -> pd.Series:
        return codes.astype(str).map(self._regions).fillna(codes.astype(str))

    def industry_names(self, codes: pd.Series) -> pd.Series:
        return codes.astype(str).map(self._industries).fillna(codes.astype(str))

    def method_text(self) -> str:
        """Normalisation · weighting · aggregation by name (keys in the methods appendix)."""
        w = self.res["weights"]
        weighting = str(w["method"].iloc[0]) if "method" in w and len(w) else "–"
        return " · ".join(f"{self.L(part)}：{_method_name(str(key), self.lang)}" if not self.lg.en
                          else f"{self.L(part)}: {_method_name(str(key), self.lang)}"
                          for part, key in (("normalization", self.p["normalization"]["method"]),
                                            ("weighting", weighting),
                                            ("aggregation", self.p["aggregation"]["method"])))

    # ------------------------------------------------------------------ document frame

    def back_link(self) -> str:
        up = depth(self.KIND)
        return (f"<nav class='ipbench-nav'><a href='{up}index.html'>← "
                f"{escape(self.L('back_to_index'))}</a></nav>")

    def _header(self, title: str) -> HTML:
        reference = self.p["scope"].get("reference")
        ref = (f" · {escape(self.L('reference'))}{self.lg.pick('：', ': ')}{escape(self.region_name(reference))}"
               if reference else "")
        return HTML(
            f"{self.back_link()}<h1>{escape(title)}</h1><p class='ipbench-subtitle'>"
            f"{escape(self.res.manifest.get('title', ''))} · {escape(self.L('base_year'))}"
            f" {self.base_year}{ref}</p><p class='ipbench-method'>{escape(self.method_text())}"
            f"</p><p class='ipbench-time'>{escape(self.L('run_time'))}{self.lg.pick('：', ': ')}"
            f"{escape(local_time(self.res.manifest, self.p))}</p>"
        )

    def provenance(self) -> HTML:
        return HTML(provenance_html(self.res.manifest, self.lang))

    def section_number(self, key: str) -> int:
        return self.SECTIONS.index(key) + 1 if key in self.SECTIONS else 0

    def contents(self) -> HTML:
        """The table of contents (sections in reading order, each linked)."""
        items = "".join(f"<li><a href='#sec-{escape(k)}'>{escape(self.L(k))}</a></li>"
                        for k in self.SECTIONS)
        return HTML(f"<nav class='ipbench-toc'><h2>{escape(self.L('contents'))}</h2>"
                    f"<ol>{items}</ol></nav>")

    def _section(self, key: str, *parts: Any) -> HTML:
        n = self.section_number(key)
        num = f"{n} " if n else ""
        body = "".join(str(p) for p in parts)
        return HTML(f"<section class='ipbench-analysis' id='sec-{escape(key)}' "
                    f"data-section='{escape(key)}'><h2>{num}{escape(self.L(key))}</h2>{body}"
                    f"</section>")

    def source_line(self) -> str:
        demo = self.L("demo_source") if self.res.manifest.get("demo") else ""
        return self.L("source_line").format(
            params=self.res.manifest.get("params_file", ""), demo=demo)

    def table(self, df: pd.DataFrame, cols: Sequence[Col], title: str, *,
              highlight: Any = None, key: str = "", unit: str = "", note: str = "",
              css_id: str = "") -> str:
        """Numbered table: caption "表n 标题（单位）", headers with units, formatted cells, a
        source line; rows whose ``key`` column equals ``highlight`` are marked."""
        self._n_table += 1
        heads, cells = [], []
        for col, head, f in cols:
            values = df[col]
            f = f if f is not None else fmt.column_format(col) or fmt.auto_format(values)
            text = self.L(head)
            u = f.unit(self.lang) if f is not None and not unit else ""
            if u:
                text = f"{text}（{u}）" if not self.lg.en else f"{text} ({u})"
            heads.append(f"<th>{escape(text)}</th>")
            shown = (fmt.format_values(values, f, self.lang) if f is not None
                     else values.astype("string").fillna(fmt.MISSING).astype(str))
            cls = " class='n'" if f is not None else ""
            if f is not None and (f.decimals > 2 or f.kind == "shown"):
                # more than the usual two places, by the column's rule (HHI, p-values, D at a
                # band edge): the page says how many it allows
                cls += f" data-places='{fmt.MOST_PLACES if f.kind == 'shown' else f.decimals}'"
            cells.append(("<td" + cls + ">" + shown.map(escape) + "</td>").to_numpy())
        marks = (df[key].astype(str) == str(highlight)).to_numpy() if key and highlight is not None \
            else [False] * len(df)
        rows = []
        for i in range(len(df)):
            cls = " class='ipbench-highlight'" if marks[i] else ""
            rows.append(f"<tr{cls}>" + "".join(c[i] for c in cells) + "</tr>")
        u = f"（{self.L('unit')}：{unit}）" if unit and not self.lg.en else (
            f" ({self.L('unit')}: {unit})" if unit else "")
        ident = f" id='{escape(css_id)}'" if css_id else ""
        foot = escape(self.source_line()) + (f" {escape(note)}" if note else "")
        return (f"<figure class='ipbench-table'><figcaption>{escape(self.L('table_no'))}"
                f"{self._n_table} {escape(title)}{escape(u)}</figcaption>"
                f"<table class='ipbench'{ident}><thead><tr>{''.join(heads)}</tr></thead>"
                f"<tbody>{''.join(rows)}</tbody></table>"
                f"<p class='ipbench-source'>{foot}</p></figure>")

    def figure(self, fig: Any, title: str, note: str = "") -> str:
        """Numbered figure (inline PNG) with its caption and source line, kept together."""
        from matplotlib import pyplot as plt

        from ipbench.maps import literal_texts

        literal_texts(fig)  # text from data is text: a '$' in a name is not TeX
        png = figure_png(fig)
        plt.close(fig)
        return self.image(png, title, note)

    def image(self, png: bytes, title: str, note: str = "") -> str:
        """Numbered figure of a PNG already drawn (maps: :func:`ipbench.maps.map_png`)."""
        self._n_figure += 1
        data = base64.b64encode(png).decode("ascii")
        foot = escape(self.source_line()) + (f" {escape(note)}" if note else "")
        return (f"<figure class='ipbench-figure'><img alt='{escape(title)}'"
                f" src='data:image/png;base64,{data}'/><figcaption>"
                f"{escape(self.L('figure_no'))}{self._n_figure} {escape(title)}</figcaption>"
                f"<p class='ipbench-source'>{foot}</p></figure>")

    def sentences(self, table: str, unit: str = "", topic: str = "") -> str:
        """The step's sentences for ``unit`` whose topic starts with ``topic``."""
        if table not in self.res:
            return ""
        t = self.res[table]
        t = t[(t["unit"].astype(str) == unit) & t["topic"].astype(str).str.startswith(topic)]
        return "".join(f"<p class='ipbench-sentence'>{escape(str(x))}</p>"
                       for x in self.lg.col(t, ""))

    def paragraphs(self, texts: Any) -> str:
        return "".join(f"<p class='ipbench-sentence'>{escape(str(x))}</p>" for x in texts)

    def skipped(self, *steps: str, partial: bool = False) -> str:
        """Why an analysis has no data: the ``skipped`` rows of ``steps`` (which input is
        missing, how to supply it); a plain "not available" when nothing is recorded, or
        nothing with ``partial`` (a section that ran, listing the parts it skipped)."""
        if "skipped" in self.res and len(self.res["skipped"]):
            s = self.res["skipped"]
            s = s[s["step"].astype(str).isin(steps)]
            if len(s):
                return self.table(self._skipped_rows(s),
                                  [("what", "skipped_part", None), ("reason", "reason", None),
                                   ("missing", "missing_input", None),
                                   ("how", "how_to_supply", None)],
                                  self.L("skipped_title"))
        return "" if partial else f"<p class='ipbench-skipped'>{escape(self.L('not_available'))}</p>"

    def _skipped_rows(self, s: pd.DataFrame) -> pd.DataFrame:
        """The ``skipped`` rows in the page's words: analysis and part by name, the missing
        variables by name (their codes and the params key path only in the hint's key), and
        the hint in the page's language."""
        from ipbench.reports.labels import SKIP_MISSING, SKIP_PARTS, STEP_NAMES

        def name(code: str) -> str:
            code = code.strip()
            if code in SKIP_MISSING:
                return self.lg.pick(*SKIP_MISSING[code])
            return self.variable_name(code)

        rows = []
        for r in s.astype(object).where(s.notna(), "").to_dict("records"):
            codes = [c for c in str(r.get("missing", "")).split(",") if c.strip()]
            names = self.lg.pick("、", ", ").join(name(c) for c in codes)
            part = str(r.get("part", ""))
            step_ = str(r["step"])
            what = self.lg.pick(*STEP_NAMES[step_]) if step_ in STEP_NAMES else step_
            if part:
                what += self.lg.pick("（{}）", " ({})").format(
                    self.lg.pick(*SKIP_PARTS[part]) if part in SKIP_PARTS else part)
            reason = str(r.get("reason_en" if self.lg.en else "reason_zh", ""))
            subs = {c.strip(): name(c) for c in codes}  # variables by name; the part by its name
            if part in SKIP_PARTS and part not in subs:
                subs[part] = self.lg.pick(*SKIP_PARTS[part])
            for c in sorted(subs, key=len, reverse=True):
                reason = re.sub(rf"(?<![\w.]){re.escape(c)}(?![\w])", subs[c], reason)
            reason = reason.replace("（行业 ALL）", "（全行业）").replace("(industry ALL)", "(whole economy)")
            key = str(r.get("key", ""))
            if self.lg.en:
                how = str(r.get("how", ""))
                for c in codes:
                    how = re.sub(rf"(?<![\w.]){re.escape(c.strip())}(?![\w])", name(c), how)
            elif str(r.get("how_zh", "")):
                how = str(r["how_zh"])
            elif codes and "." in key:
                how = f"在数据集的 sources.yaml 中加载{names}，或在参数 {key} 处指定另一变量"
            elif codes:
                how = f"在数据集的 sources.yaml 中加载{names}"
            elif key:
                how = f"在参数 {key} 中设置"
            else:
                how = str(r.get("how", ""))
            rows.append({"what": what, "reason": reason, "missing": names, "how": how})
        return pd.DataFrame(rows)

    def has(self, *tables: str) -> bool:
        return all(t in self.res and len(self.res[t]) for t in tables)

    def _map_args(self) -> dict[str, Any]:
        parent = self.p["scope"].get("reference") or \
            self.res["regions"]["parent_code"].dropna().iloc[0]
        names: bool | dict[str, str] = True
        if self.lg.en:
            names = {c: n for c, n in self._regions.items() if n}
        return {"parent_code": parent, "names": names, "lang": "en" if self.lg.en else None,
                "show_values": True}

    def _map_cache(self) -> Path | None:
        """Maps drawn for this run, shared by its pages and report workers (content-addressed:
        the same values and style give the same file)."""
        return Path(self.res.path) / MAP_CACHE if self.res.path is not None else None

    def map_figure(self, values: pd.Series, title: str, highlight: Any = None,
                   value_fmt: str = "{:.2f}") -> str:
        """A numbered choropleth of ``values`` (scores and ratios with 2 decimals); drawn once
        per run and reused with only ``highlight``'s outline added (``maps.map_png``)."""
        from ipbench import maps

        png = maps.map_png(values, highlight=highlight, title=None, fmt=value_fmt,
                           dpi=FIGURE_DPI, cache=self._map_cache(), **self._map_args())
        return self.image(png, title)

    def map_grid(self, panels: dict[str, pd.Series], title: str, highlight: Any = None,
                 value_fmt: str = "{:.2f}") -> str:
        """Several choropleths (one per panel title) as one numbered figure, two per row."""
        from ipbench import maps

        png = maps.map_png(panels, highlight=highlight, fmt=value_fmt, dpi=FIGURE_DPI,
                           cache=self._map_cache(), ncols=2, width=10, panel_height=4.2,
                           **self._map_args())
        return self.image(png, title)

    # ------------------------------------------------------------------ shared sections

    def ranking_frame(self) -> pd.DataFrame:
        """Base-year ranking with the sub-indices and names (made once per view; copies)."""
        if "_ranking" not in self.__dict__:
            self._ranking = self._ranking_frame()
        return self._ranking.copy()

    def _ranking_frame(self) -> pd.DataFrame:
        rank = self.res.ranking(self.base_year)
        sub = self.res["subindices"]
        sub = sub[sub["year"] == self.base_year].drop(columns="year")
        out = rank.merge(sub, on="region_code", how="left").drop(columns="year")
        out.insert(1, "name", self.region_names(out["region_code"]))
        return out

    def ranking_cols(self, df: pd.DataFrame) -> list[Col]:
        subs = [c for c in df.columns if c in self._subsystems]
        return ([("name", "region_name", None), ("rank", "rank", None),
                 ("score", "score", fmt.SCORE)]
                + [(s, self.subsystem_name(s), fmt.SCORE) for s in subs])

    def coupling_frame(self, year: int | None = None) -> pd.DataFrame:
        """The pairs' coupling rows of ``year`` (default: the base year) with names, grade,
        type and how firm each lagging-side call is, in the pairs' order; made once per view
        (several sections show it), each caller gets a copy."""
        key = year or self.base_year
        cache = self.__dict__.setdefault("_coupling_frames", {})
        if key not in cache:
            cache[key] = self._coupling_frame(key)
        return cache[key].copy()

    def _coupling_frame(self, year: int | None = None) -> pd.DataFrame:
        c = self.res["coupling"]
        c = c[c["year"] == (year or self.base_year)].copy()
        c["name"] = self.region_names(c["region_code"])
        c["grade_text"] = self.lg.col(c, "grade")
        c["type_text"] = self.lg.col(c, "type")
        c["pair_name"] = c["pair"].map(self.pair_name)
        if "lagging_stability" in self.res:  # how firm each lagging-side call is (step lagging)
            st = self.res["lagging_stability"]
            st = st[st["year"] == (year or self.base_year)]
            st = st.assign(agree_n=(st["agreement"] * st["n_variants"]).round())
            c = c.merge(st[["pair", "region_code", "agree_n", "n_variants", "firm"]],
                        on=["pair", "region_code"], how="left")
        zh, en = say.stability_cells(c)
        c["stability_text"] = en if self.lg.en else zh
        order = {k: i for i, (k, _, _) in enumerate(self.pairs())}
        return c.assign(_o=c["pair"].map(order)).sort_values(["_o", "D"], ascending=[True, False])

    def methods(self) -> HTML:
        """Methods appendix: every definition and threshold used, with its source."""
        from ipbench.reports.methods import methods_rows

        rows = methods_rows(self.res, self.lang, self.TERMS)
        body = "".join(f"<dt>{escape(t)}</dt><dd>{escape(d)}"
                       f"<br/><small>{escape(self.L('source'))}{self.lg.pick('：', ': ')}{escape(s)}</small></dd>"
                       for t, d, s in rows)
        return self._section("methods", f"<dl class='ipbench-methods'>{body}</dl>")

    def build_log(self) -> HTML:
        from ipbench.params import dump_yaml

        log = dump_yaml(self.res.manifest.get("log", []))
        return HTML(f"<details class='ipbench-log'><summary>{escape(self.L('build_log'))}"
                    f"</summary><pre>{escape(log)}</pre></details>")


_METHOD_NAMES = {
    "minmax": ("极差标准化", "min–max rescaling"), "zscore": ("Z分数标准化", "z-scores"),
    "rank": ("排序标准化", "ranks"), "distance_to_target": ("目标距离法", "distance to target"),
    "distance_to_reference": ("参照距离法", "distance to reference"),
    "goalpost": ("门槛值法", "goalposts"), "log": ("对数变换", "log transform"),
    "entropy": ("熵值法", "entropy method"), "equal": ("等权", "equal weights"),
    "std": ("标准差法", "standard-deviation method"), "critic": ("CRITIC法", "CRITIC"),
    "pca": ("主成分法", "principal components"), "ahp": ("层次分析法", "AHP"),
    "arithmetic": ("加权算术平均", "weighted arithmetic mean"),
    "geometric": ("加权几何平均", "weighted geometric mean"),
    "harmonic": ("加权调和平均", "weighted harmonic mean"), "topsis": ("TOPSIS法", "TOPSIS"),
}


def _method_name(key: str, lang: str) -> str:
    parts = [p.strip() for p in key.replace("×", "+").split("+")]
    names = [_METHOD_NAMES.get(p, (p, p))[1 if lang == "en" else 0] for p in parts]
    return " + ".join(names)


_VARIABLES: dict[str, tuple[str, str, str, str]] | None = None


def _variables() -> dict[str, tuple[str, str, str, str]]:
    """code → (zh, en, unit, kind) of data/variables.yaml ({} when the project has none)."""
    global _VARIABLES
    if _VARIABLES is None:
        try:
            from ipbench.data.variables import load_variables
            from ipbench.project import Project

            v = load_variables(Project.find().variables)
            _VARIABLES = {k: (x.zh, x.en, x.unit, x.kind) for k, x in v.items()}
        except Exception:  # no project here: codes stay codes
            _VARIABLES = {}
    return _VARIABLES

