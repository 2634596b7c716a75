"""Scenarios side by side (COINr ``compare_coins``, extended for an expert meeting).

::

    cmp = ipbench.compare("params/demo.yaml", "params/demo_ahp.yaml")
    cmp.summary()          # text: methods, mean |rank move|, largest moves, grade changes
    cmp                    # in a notebook: the same as HTML tables
    cmp.ranks              # one row per region: score and rank per scenario, move vs the first

Each argument is an :class:`ipbench.Evaluation`, a :class:`ipbench.runfolder.Results` or a
params file. Every evaluation runs at most once: results already held by an Evaluation are
used; a params file whose run folder is complete is read, not recomputed; otherwise, when an
earlier argument was run in memory on the same data, the evaluation is derived from it with
:meth:`Evaluation.with_params` (stages before the first changed step are shared) and written to
its run folder. The first scenario is the baseline: moves and changes are "other − baseline"
(rank move = rank_baseline − rank_other, positive = moved up).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from html import escape
from pathlib import Path
from typing import Any

import pandas as pd

from ipbench.runfolder import Results

# ------------------------------------------------------------------------------ inputs


def _results(x: Any) -> Any:
    """Results of an Evaluation (run once) or the Results themselves."""
    if hasattr(x, "results_"):
        return x.results_ if x.results_ is not None else x.run()
    return x


def _from_path(path: Path, earlier: list[Any]) -> tuple[Results, Any]:
    """Results of a params file: its complete run folder, else derived from an earlier
    in-memory evaluation on the same data, else a fresh run. Returns (results, evaluation)."""
    from ipbench.evaluation import Evaluation
    from ipbench.runfolder import is_complete

    ev = Evaluation.from_params(path)
    for prev in earlier:  # share the data source of an earlier one (same project and data set)
        if prev is not None and prev.project.root == ev.project.root and \
                prev.params.data == ev.params.data:
            ev.data = prev.source_data
            break
    folder = ev.run_dir
    if is_complete(folder):
        return Results.read(folder), None
    for prev in earlier:
        if prev is None or not prev.log or prev.data is not ev.data:
            continue
        old, new = prev.params.to_dict(), ev.params.to_dict()
        changes = {k: v for k, v in new.items() if old.get(k) != v}
        derived = prev.with_params(changes)
        if derived.params.hash() == ev.params.hash():
            derived.source = ev.source
            derived.run()
            derived.write(folder)
            return derived.results_, derived
    ev.run()
    ev.write(folder)
    return ev.results_, ev


def resolve(items: list[Any]) -> list[Results]:
    """Results for each item (see the module docstring)."""
    out: list[Results] = []
    evs: list[Any] = []
    for x in items:
        if isinstance(x, (str, Path)):
            res, ev = _from_path(Path(x), evs)
            out.append(res)
            evs.append(ev)
        else:
            out.append(_results(x))
            evs.append(x if hasattr(x, "results_") else None)
    return out


# ------------------------------------------------------------------------------ the result


def _name_col(lang: str) -> str:
    return "name_en" if lang == "en" else "name_zh"


@dataclass
class Comparison:
    """Two or more evaluation results compared in ``year`` (default: the first's base year).

    ``labels`` name the scenarios (default: each params ``name``)."""

    results: list[Results]
    year: int | None = None
    labels: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if len(self.results) < 2:
            raise ValueError("compare needs at least two evaluations")
        if not self.labels:
            self.labels = [r.params.get("name", f"s{k}") for k, r in enumerate(self.results)]
        if len(set(self.labels)) != len(self.labels):
            self.labels = [f"{k + 1}:{lab}" for k, lab in enumerate(self.labels)]
        if self.year is None:
            self.year = int(self.base.params["scope"]["base_year"])

    @property
    def base(self) -> Results:
        return self.results[0]

    @property
    def lang(self) -> str:
        return self.base.lang

    @property
    def titles(self) -> list[str]:
        return [r.manifest.get("title") or lab for r, lab in zip(self.results, self.labels,
                                                                   strict=True)]

    @property
    def is_demo(self) -> bool:
        return any(r.is_demo for r in self.results)

    # --------------------------------------------------------------- names and units

    @cached_property
    def region_names(self) -> dict[str, str]:
        reg = self.base["regions"]
        return dict(zip(reg["region_code"].astype(str), reg[_name_col(self.lang)], strict=True))

    @cached_property
    def subsystem_names(self) -> dict[str, str]:
        col = "subsystem_en" if self.lang == "en" else "subsystem_zh"
        out: dict[str, str] = {}
        for r in self.results:
            if "catalogue" in r:
                cat = r["catalogue"]
                out.update(dict(zip(cat["subsystem"], cat[col], strict=True)))
        return out

    def score_unit(self, res: Results | None = None) -> str:
        """What a composite score is, from the params (normalisation × scale, aggregation)."""
        p = (res or self.base).params
        norm, agg = p.get("normalization", {}), p.get("aggregation", {})
        scale = norm.get("scale", 1)
        if norm.get("method") == "minmax":
            return f"0–{scale:g} ({norm.get('method')} × {scale:g}, {agg.get('method')})"
        return f"{norm.get('method')} × {scale:g}, {agg.get('method')}"

    # --------------------------------------------------------------- tables

    @cached_property
    def methods(self) -> pd.DataFrame:
        """The settings that make each scenario, side by side (rows differ → ``differs``)."""
        rows = {
            "data": lambda p: p.get("data") or "default",
            "years": lambda p: f"{p['scope']['years']['first']}–{p['scope']['years']['last']}",
            "base_year": lambda p: p["scope"]["base_year"],
            "indicators.catalogue": lambda p: p["indicators"]["catalogue"],
            "indicators.exclude": lambda p: ", ".join(p["indicators"]["exclude"]) or "–",
            "treatment": lambda p: "on" if p["treatment"]["enabled"] else "off",
            "imputation": lambda p: f"{p['imputation']['method']} → {p['imputation']['then']}",
            "normalization": lambda p: (f"{p['normalization']['method']} × "
                                        f"{p['normalization']['scale']:g}"
                                        f" ({p['normalization']['across']})"),
            "weighting": _weighting_text,
            "aggregation": lambda p: p["aggregation"]["method"],
        }
        table = pd.DataFrame({lab: {k: str(f(r.params)) for k, f in rows.items()}
                              for lab, r in zip(self.labels, self.results, strict=True)})
        table["differs"] = table.nunique(axis=1) > 1
        table.index.name = "setting"
        return table

    @cached_property
    def weights(self) -> pd.DataFrame:
        """Subsystem weights (sum of their indicators' final weights) per scenario, with the
        change of each scenario from the baseline (percentage points)."""
        cols = {}
        for lab, r in zip(self.labels, self.results, strict=True):
            w = r["weights"]
            cols[lab] = w.groupby("subsystem", sort=False)["weight"].sum()
        table = pd.DataFrame(cols)
        for lab in self.labels[1:]:
            table[f"change_pp:{lab}"] = 100 * (table[lab] - table[self.labels[0]])
        table.insert(0, "name", [self.subsystem_names.get(s, s) for s in table.index])
        table.index.name = "subsystem"
        return table

    @cached_property
    def indicator_weights(self) -> pd.DataFrame:
        cols = {lab: r["weights"].set_index("indicator")["weight"]
                for lab, r in zip(self.labels, self.results, strict=True)}
        table = pd.DataFrame(cols)
        names = {}
        for r in self.results:
            if "catalogue" in r:
                cat = r["catalogue"].set_index("code")
                names.update(cat[_name_col(self.lang)].to_dict())
        table.insert(0, "name", [names.get(c, c) for c in table.index])
        table.index.name = "indicator"
        return table

    @cached_property
    def ranks(self) -> pd.DataFrame:
        """One row per region: ``score:<s>`` and ``rank:<s>`` per scenario, ``move:<s>``
        (rank_baseline − rank_s, positive = up) and ``score_change:<s>``; sorted by the last
        scenario's rank."""
        table = None
        for lab, r in zip(self.labels, self.results, strict=True):
            t = r.ranking(self.year).set_index("region_code")[["score", "rank"]]
            t.index = t.index.astype(str)
            t = t.rename(columns={"score": f"score:{lab}", "rank": f"rank:{lab}"})
            table = t if table is None else table.join(t, how="outer")
        b = self.labels[0]
        for lab in self.labels[1:]:
            table[f"move:{lab}"] = table[f"rank:{b}"] - table[f"rank:{lab}"]
            table[f"score_change:{lab}"] = table[f"score:{lab}"] - table[f"score:{b}"]
        table.insert(0, "name", [self.region_names.get(c, c) for c in table.index])
        table.index.name = "region_code"
        return table.sort_values(f"rank:{self.labels[-1]}", kind="stable")

    def rank_moves(self, other: int = 1) -> pd.DataFrame:
        """Baseline vs scenario ``other`` in the form of the former ``compare`` table:
        ``score_a, rank_a, score_b, rank_b, move, abs_move``, sorted by b's rank."""
        a, b = self.labels[0], self.labels[other]
        t = self.ranks
        out = pd.DataFrame({"score_a": t[f"score:{a}"], "rank_a": t[f"rank:{a}"],
                            "score_b": t[f"score:{b}"], "rank_b": t[f"rank:{b}"]})
        out["move"] = out["rank_a"] - out["rank_b"]
        out["abs_move"] = out["move"].abs()
        return out.sort_values("rank_b", kind="stable")

    @cached_property
    def subindices(self) -> pd.DataFrame:
        """Long table: region, subsystem, value per scenario and change from the baseline."""
        frames = []
        for lab, r in zip(self.labels, self.results, strict=True):
            s = r["subindices"]
            s = s[s["year"] == self.year].drop(columns="year").set_index("region_code")
            s.index = s.index.astype(str)
            frames.append(s.stack().rename(lab))
        table = pd.concat(frames, axis=1)
        table.index.names = ["region_code", "subsystem"]
        for lab in self.labels[1:]:
            table[f"change:{lab}"] = table[lab] - table[self.labels[0]]
        table = table.reset_index()
        table.insert(1, "name", table["region_code"].map(self.region_names))
        table.insert(3, "subsystem_name", table["subsystem"].map(
            lambda s: self.subsystem_names.get(s, s)))
        return table

    @cached_property
    def grades(self) -> pd.DataFrame:
        """Matching pairs in ``year``: D (and ``D_text``, D as shown beside its grade) and grade
        (its name) per scenario; ``changed`` when the grade differs between scenarios."""
        gcol = "grade_en" if self.lang == "en" else "grade_zh"
        pcol = "pair_en" if self.lang == "en" else "pair_zh"
        frames, pair_names = [], {}
        for lab, r in zip(self.labels, self.results, strict=True):
            if "coupling" not in r:
                continue
            c = r["coupling"]
            c = c[c["year"] == self.year].copy()
            c["region_code"] = c["region_code"].astype(str)
            if pcol in c:
                pair_names.update(dict(zip(c["pair"], c[pcol], strict=True)))
            c = c.set_index(["region_code", "pair"])
            cols = ["D", gcol] + (["D_text"] if "D_text" in c else [])
            frames.append(c[cols].rename(columns={"D": f"D:{lab}", gcol: f"grade:{lab}",
                                                  "D_text": f"D_text:{lab}"}))
        if len(frames) < 2:
            return pd.DataFrame()
        table = pd.concat(frames, axis=1).reset_index()
        present = [lab for lab in self.labels if f"grade:{lab}" in table]
        table["changed"] = table[[f"grade:{lab}" for lab in present]].astype(str).nunique(
            axis=1) > 1
        table.insert(1, "name", table["region_code"].map(self.region_names))
        table.insert(3, "pair_name", table["pair"].map(lambda p: pair_names.get(p, p)))
        return table

    @cached_property
    def guidance(self) -> pd.DataFrame:
        """Guidance-catalogue types (region and region × industry) per scenario; ``changed``
        marks the rows whose type differs between scenarios."""
        tcol = "type_en" if self.lang == "en" else "type_zh"
        ncol = "name_en" if self.lang == "en" else "name"
        frames = []
        for lab, r in zip(self.labels, self.results, strict=True):
            parts = []
            for table in ("guidance_regions", "guidance_industries"):
                if table in r:
                    g = r[table]
                    names = g[ncol] if ncol in g else g["name"]
                    parts.append(pd.DataFrame({"unit": g["unit"].astype(str),
                                               "name": names, lab: g[tcol]}))
            if parts:
                frames.append(pd.concat(parts).set_index(["unit", "name"])[lab])
        if len(frames) < 2:
            return pd.DataFrame()
        table = pd.concat(frames, axis=1).reset_index()
        table["changed"] = table[self.labels].astype(str).nunique(axis=1) > 1
        return table

    # --------------------------------------------------------------- display

    def mean_abs_move(self, other: int = 1) -> float:
        return float(self.rank_moves(other)["abs_move"].mean())

    def headline(self, lang: str = "en") -> list[str]:
        """One line per other scenario (``lang`` zh or en): mean |rank move|, largest moves,
        matching-grade and guidance-type changes."""
        zh = lang == "zh"
        lines = []
        b = self.labels[0]
        for k, lab in enumerate(self.labels[1:], start=1):
            moves = self.ranks[f"move:{lab}"]
            top = moves.abs().sort_values(ascending=False, kind="stable")
            biggest = [f"{self.region_names.get(c, c)} {int(moves[c]):+d}"
                       for c in top.index[:3] if moves[c] != 0]
            n_moved, n = int((moves != 0).sum()), len(moves)
            mam = self.mean_abs_move(k)
            parts = ([f"{lab} 与 {b} 相比（{self.year}年）：平均排名变化 {mam:.2f} 位",
                      f"{n_moved}/{n} 个区域排名变化"] if zh else
                     [f"{lab} vs {b} ({self.year}): mean |rank move| {mam:.2f}",
                      f"{n_moved} of {n} regions move"])
            if biggest:
                parts.append(("变化最大：" if zh else "largest: ") + ", ".join(biggest))
            if len(self.grades):
                g = self.grades
                c = int((g[f"grade:{lab}"] != g[f"grade:{b}"]).sum())
                parts.append(f"匹配对协调等级变化 {c}/{len(g)}" if zh else
                             f"matching grades changed: {c} of {len(g)}")
            if len(self.guidance):
                gd = self.guidance
                c = int((gd[lab].astype(str) != gd[b].astype(str)).sum())
                parts.append(f"布局指引类型变化 {c}/{len(gd)}" if zh else
                             f"guidance types changed: {c} of {len(gd)}")
            lines.append(("；" if zh else "; ").join(parts))
        return lines

    def summary(self) -> str:
        """Text: the settings that differ, then the headline of each scenario."""
        m = self.methods
        diff = m[m["differs"]].drop(columns="differs")
        parts = [f"compare {', '.join(self.labels)} in {self.year}",
                 f"composite score: {self.score_unit()}"]
        parts.append("settings that differ:\n" + (diff.to_string() if len(diff) else "  none"))
        parts += self.headline()
        return "\n".join(parts)

    def _repr_html_(self) -> str:
        m = self.methods
        html = [f"<p><b>{escape(' vs '.join(self.labels))}</b> ({self.year}); composite score:"
                f" {escape(self.score_unit())}</p>"]
        html += [f"<p>{escape(line)}</p>" for line in self.headline()]
        html.append(m[m["differs"]].drop(columns="differs").to_html(escape=True))
        shown = self.ranks.copy()
        html.append(shown.to_html(escape=True, float_format="{:.2f}".format))
        return "".join(html)

    def write(self, folder: str | Path) -> dict[str, Path]:
        """Publish the comparison page and workbook into ``folder``
        (:mod:`ipbench.reports.compare_page`)."""
        from ipbench.reports.compare_page import publish

        return publish(self, Path(folder))


def _weighting_text(p: dict[str, Any]) -> str:
    w = p["weighting"]
    ahp = w.get("ahp")
    if not ahp:
        return w["method"]
    experts = ", ".join(f"{e['name']}×{e['weight']:g}" for e in ahp["experts"])
    ahp_text = f"AHP {ahp['method'].upper()} ({experts})"
    if w["method"] == "ahp":
        return ahp_text
    comb = (w.get("combine") or {}).get("method", "multiplicative")
    return f"{ahp_text} × {w['method']} ({comb})"


def compare(a: Any, b: Any, *more: Any, year: int | None = None,
            labels: list[str] | None = None) -> Comparison:
    """Compare two or more evaluations (Evaluations, Results or params files); see the module
    docstring. ``year`` defaults to the first one's base year."""
    return Comparison(resolve([a, b, *more]), year, list(labels or []))


def mean_abs_move(table: pd.DataFrame) -> float:
    """Mean absolute rank move of a :meth:`Comparison.rank_moves` table (COINr's statistic)."""
    return float(table["abs_move"].mean())
