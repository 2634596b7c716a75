"""The offline comparison page and workbook of :class:`ipbench.comparison.Comparison`.

One HTML file (no script, no external resource; the CJK font subset embedded by
:func:`ipbench.reports.webfont.embed_font`) with: the scenarios and their provenance, methods
and subsystem weights side by side, a slope chart of rank moves (inline SVG) with the rank-move
table, composite and subindex changes, matching-grade changes and guidance-catalogue changes,
each with names and units. The workbook holds the same tables in full.
"""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Any

import pandas as pd

from ipbench.atomic import write_atomic
from ipbench.reports.export import external_references
from ipbench.reports.provenance import demo_banner_html
from ipbench.reports.style import CSS
from ipbench.reports.webfont import embed_font

PAGE = "index.html"
WORKBOOK = "comparison.xlsx"

#: (中文, English) texts of this page.
TEXT: dict[str, tuple[str, str]] = {
    "title": ("方案比较", "Scenario comparison"),
    "scenarios": ("比较的方案", "Scenarios compared"),
    "scenario": ("方案", "Scenario"),
    "baseline": ("基准", "baseline"),
    "methods": ("方法与权重", "Methods and weights"),
    "setting": ("设置", "Setting"),
    "subsystem": ("子系统", "Subsystem"),
    "differs": ("不同", "differs"),
    "sub_weights": ("子系统权重（该子系统指标最终权重之和）",
                    "Subsystem weights (sum of the final weights of its indicators)"),
    "change_pp": ("变化（百分点）", "change (percentage points)"),
    "rank_moves": ("排名变化", "Rank moves"),
    "slope_caption": ("斜率图：每条线连接一个区域在各方案中的排名（上升为绿、下降为红、不变为灰）。",
                      "Slope chart: each line joins a region's ranks across the scenarios"
                      " (green up, red down, grey unchanged)."),
    "move_def": ("排名变化 = 基准方案排名 − 该方案排名（正值为上升）；得分相同者并列同一名次。",
                 "Rank move = baseline rank − scenario rank (positive = moved up); tied scores"
                 " share a rank."),
    "composite": ("综合得分与分项指数变化", "Composite and subindex changes"),
    "score_unit": ("得分单位", "Score unit"),
    "sub_change": ("分项指数变化（该方案 − 基准）", "Subindex change (scenario − baseline)"),
    "grades": ("匹配对协调等级变化", "Matching-grade changes"),
    "no_grade_change": ("各匹配对的协调等级在各方案中相同。",
                        "No matching pair changes grade between the scenarios."),
    "guidance": ("布局指引目录变化", "Guidance-catalogue changes"),
    "no_guidance_change": ("布局指引类型在各方案中相同。",
                           "No guidance type differs between the scenarios."),
    "region": ("区域", "Region"),
    "grade": ("协调等级", "Grade"),
    "pair": ("匹配对", "Matching pair"),
    "unit_name": ("对象", "Unit"),
    "rank": ("排名", "Rank"),
    "score": ("得分", "Score"),
    "move": ("变化", "Move"),
    "params_file": ("参数文件", "Parameters file"),
    "run_id": ("运行编号", "Run id"),
    "data_fingerprint": ("数据指纹", "Data fingerprint"),
    "workbook": ("下载比较工作簿", "Download the comparison workbook"),
    "changed_of": ("{n} / {total} 项变化", "{n} of {total} changed"),
    "no_sub_change": ("各分项指数在各方案中相同（差异均小于0.005）：子系统内各指标的相对权重未变，"
                      "方案间的差别只在子系统之间的权重。",
                      "Every subindex is the same in all scenarios (differences below 0.005): the"
                      " indicators' relative weights within each subsystem are unchanged; the"
                      " scenarios differ only in the weights between subsystems."),
    "made": ("生成时间", "Made"),
}


def t(key: str, lang: str) -> str:
    zh, en = TEXT[key]
    return en if lang == "en" else zh


#: the settings of ``Comparison.methods`` by name
SETTINGS: dict[str, tuple[str, str]] = {
    "data": ("数据集", "Data set"), "years": ("年份范围", "Years"),
    "base_year": ("基准年", "Base year"), "indicators.catalogue": ("指标体系", "Indicator catalogue"),
    "indicators.exclude": ("排除的指标", "Indicators excluded"),
    "treatment": ("异常值处理", "Outlier treatment"), "imputation": ("缺失值插补", "Imputation"),
    "normalization": ("标准化", "Normalisation"), "weighting": ("赋权", "Weighting"),
    "aggregation": ("集成", "Aggregation"),
}

#: method keys that are not in the views' table of method names
_MORE_NAMES: dict[str, tuple[str, str]] = {
    "none": ("不插补", "none"), "interpolate": ("线性插值", "linear interpolation"),
    "group_mean": ("组均值", "group mean"), "group_median": ("组中位数", "group median"),
    "knn": ("近邻插补", "k nearest neighbours"), "iterative": ("迭代插补", "iterative"),
    "panel": ("面板整体", "whole panel"), "year": ("逐年", "year by year"),
    "on": ("开", "on"), "off": ("关", "off"), "default": ("默认数据集", "default data set"),
    "multiplicative": ("乘法合成", "multiplicative"), "additive": ("加法合成", "additive"),
    "linear": ("线性合成", "linear"),
}


def _name(key: str, lang: str) -> str:
    from ipbench.reports.views.base import _METHOD_NAMES

    names = {**_METHOD_NAMES, **_MORE_NAMES}
    return names[key][1 if lang == "en" else 0] if key in names else key


def _indicator_names(cmp: Any) -> dict[str, str]:
    """Indicator code → name over the scenarios' catalogue files (excluded ones included)."""
    from ipbench.project import Project
    from ipbench.yamlio import load_yaml

    col = "name_en" if cmp.lang == "en" else "name_zh"
    out: dict[str, str] = {}
    for r in cmp.results:
        try:
            path = Project.find().root / str(r.params["indicators"]["catalogue"])
            for ind in load_yaml(path).get("indicators", []):
                out.setdefault(str(ind["code"]), str(ind.get(col) or ind.get("name_zh") or ind["code"]))
        except Exception:  # no catalogue file here: the run's own catalogue names only
            if "catalogue" in r:
                c = r["catalogue"]
                out.update({str(k): str(v) for k, v in zip(c["code"], c[col], strict=True)})
    return out


def _now_utc() -> str:
    from datetime import UTC, datetime

    return datetime.now(UTC).replace(microsecond=0).isoformat()


def _setting_text(setting: str, value: str, names: dict[str, str], lang: str) -> str:
    """One cell of the methods table: method keys by name, excluded indicators by name."""
    import re

    if setting == "indicators.exclude":
        return value if value == "–" else "、".join(
            names.get(c.strip(), c.strip()) for c in value.split(","))
    if setting in ("years", "base_year", "indicators.catalogue"):
        return value
    return re.sub(r"[A-Za-z_]+", lambda w: w.group(0) if w.group(0) in ("AHP", "AIJ", "AIP")
                  else _name(w.group(0), lang), value)


def methods_table(cmp: Any) -> pd.DataFrame:
    """``Comparison.methods`` for the page: settings and method keys by name."""
    lang = cmp.lang
    names = _indicator_names(cmp)
    m = cmp.methods.copy()
    for lab in cmp.labels:
        m[lab] = [_setting_text(str(k), str(v), names, lang)
                  for k, v in zip(m.index, m[lab], strict=True)]
    m.index = [SETTINGS.get(k, (k, k))[1 if lang == "en" else 0] for k in m.index]
    m.index.name = "setting"
    return m


def _table(df: pd.DataFrame, table_id: str, digits: int = 2) -> str:
    def fmt(v: Any) -> str:
        if isinstance(v, bool):
            return "✓" if v else ""
        if isinstance(v, float):
            return "–" if pd.isna(v) else f"{v:.{digits}f}"
        return "–" if v is None else str(v)

    head = "".join(f"<th>{escape(str(c))}</th>" for c in df.columns)
    rows = "".join("<tr>" + "".join(f"<td>{escape(fmt(v))}</td>" for v in row) + "</tr>"
                   for row in df.itertuples(index=False))
    return f"<table class='ipbench' id='{table_id}'><tr>{head}</tr>{rows}</table>"


# ------------------------------------------------------------------------------ slope chart


def slope_svg(cmp: Any) -> str:
    """Inline SVG: one column per scenario, one line per region from rank to rank."""
    ranks = cmp.ranks
    labels = cmp.labels
    n = len(ranks)
    row_h, top, left, right, col_w = 24, 40, 170, 190, 260
    width = left + col_w * (len(labels) - 1) + right
    height = top + row_h * n + 16
    # y by position in each scenario's order (ties keep the baseline order, shown by rank)
    pos = {}
    for lab in labels:
        order = ranks.sort_values([f"rank:{lab}", f"rank:{labels[0]}"], kind="stable").index
        pos[lab] = {code: k for k, code in enumerate(order)}

    def y(lab: str, code: str) -> float:
        return top + row_h * pos[lab][code] + row_h / 2

    parts = [f"<svg id='ipbench-slope' xmlns='http://www.w3.org/2000/svg' width='{width}'"
             f" height='{height}' viewBox='0 0 {width} {height}' role='img'"
             f" aria-label='{escape(t('rank_moves', cmp.lang))}'"
             " style='font-size:13px;max-width:100%;height:auto'>"]
    for k, lab in enumerate(labels):
        x = left + col_w * k
        parts.append(f"<text x='{x}' y='22' text-anchor='middle' font-weight='bold'>"
                     f"{escape(lab)}</text>")
        parts.append(f"<line x1='{x}' y1='{top - 6}' x2='{x}' y2='{height - 8}'"
                     " stroke='#ddd'/>")
    last = labels[-1]
    for code, row in ranks.iterrows():
        move = row[f"rank:{labels[0]}"] - row[f"rank:{last}"]
        colour = "#1a7f37" if move > 0 else "#c62828" if move < 0 else "#888"
        pts = " ".join(f"{left + col_w * k},{y(lab, code):.1f}" for k, lab in enumerate(labels))
        name = escape(str(row["name"]))
        parts.append(f"<polyline class='ipbench-slope-line' data-region='{escape(str(code))}'"
                     f" points='{pts}' fill='none' stroke='{colour}' stroke-width='2'>"
                     f"<title>{name}</title></polyline>")
        for k, lab in enumerate(labels):
            parts.append(f"<circle cx='{left + col_w * k}' cy='{y(lab, code):.1f}' r='3.5'"
                         f" fill='{colour}'/>")
        r0, r1 = int(row[f"rank:{labels[0]}"]), int(row[f"rank:{last}"])
        parts.append(f"<text x='{left - 10}' y='{y(labels[0], code) + 4:.1f}'"
                     f" text-anchor='end'>{name} {r0}</text>")
        mv = f"{int(move):+d}" if move else "="
        parts.append(f"<text x='{left + col_w * (len(labels) - 1) + 10}'"
                     f" y='{y(last, code) + 4:.1f}' fill='{colour}'>{r1} {name} ({mv})</text>")
    parts.append("</svg>")
    return "".join(parts)


# ------------------------------------------------------------------------------ page


def _signed(v: float, digits: int) -> str:
    """``+1.20`` / ``-0.30``; a change that rounds to zero is ``0.00`` (no ``-0.00``)."""
    if pd.isna(v):
        return "–"
    text = f"{v:+.{digits}f}"
    return text[1:] if float(text) == 0 else text


def _rank_table(cmp: Any) -> pd.DataFrame:
    lang = cmp.lang
    r = cmp.ranks
    out = pd.DataFrame({t("region", lang): r["name"]})
    for lab in cmp.labels:
        out[f"{t('score', lang)} · {lab}"] = r[f"score:{lab}"]
        out[f"{t('rank', lang)} · {lab}"] = r[f"rank:{lab}"].astype("Int64")
    for lab in cmp.labels[1:]:
        out[f"{t('move', lang)} · {lab}"] = r[f"move:{lab}"].map(
            lambda v: "=" if v == 0 else f"{int(v):+d}")
    return out


def _weights_table(cmp: Any) -> pd.DataFrame:
    lang = cmp.lang
    w = cmp.weights
    out = pd.DataFrame({t("subsystem", lang): w["name"]})
    for lab in cmp.labels:
        out[lab] = w[lab].map(lambda v: f"{100 * v:.1f}%")
    for lab in cmp.labels[1:]:
        out[f"{t('change_pp', lang)} · {lab}"] = w[f"change_pp:{lab}"].map(lambda v: _signed(v, 1))
    return out


def _subindex_table(cmp: Any) -> pd.DataFrame:
    s = cmp.subindices
    last = cmp.labels[-1]
    piv = s.pivot_table(index="name", columns="subsystem_name", values=f"change:{last}",
                        sort=False)
    order = cmp.ranks["name"].tolist()
    piv = piv.reindex([n for n in order if n in piv.index])
    piv = piv.map(lambda v: _signed(v, 2))
    piv.index.name = t("region", cmp.lang)
    return piv.reset_index()


def _d_shown(d: pd.Series, shown: pd.Series | None) -> pd.Series:
    """D with 3 places (scenarios whose grades differ can be close), or with the places of
    ``shown`` (D as the reports show it beside its grade, :meth:`ipbench.matching.Bands.text`)
    where those are more: then 3 places would put the figure in the next band."""
    three = d.map(lambda v: f"{v:.3f}")
    if shown is None:
        return three
    shown = shown.astype(str)
    return shown.where(shown.str.split(".").str[-1].str.len() > 3, three)


def _grade_table(cmp: Any) -> tuple[pd.DataFrame, int, int]:
    g = cmp.grades
    if not len(g):
        return pd.DataFrame(), 0, 0
    lang = cmp.lang
    changed = g[g["changed"]]
    out = pd.DataFrame({t("region", lang): changed["name"],
                        t("pair", lang): changed["pair_name"]})
    for lab in cmp.labels:
        if f"grade:{lab}" in changed:
            out[f"D · {lab}"] = _d_shown(changed[f"D:{lab}"], changed.get(f"D_text:{lab}"))
            out[f"{t('grade', lang)} · {lab}"] = changed[f"grade:{lab}"]
    return out, len(changed), len(g)


def _guidance_table(cmp: Any) -> tuple[pd.DataFrame, int, int]:
    g = cmp.guidance
    if not len(g):
        return pd.DataFrame(), 0, 0
    changed = g[g["changed"]]
    out = changed[["name", *cmp.labels]].rename(columns={"name": t("unit_name", cmp.lang)})
    return out, len(changed), len(g)


def page_html(cmp: Any) -> str:
    """The comparison page (offline HTML)."""
    lang = cmp.lang
    title = f"{t('title', lang)}: {' · '.join(cmp.labels)}"
    parts = [f"<h1>{escape(title)}</h1>"]
    if cmp.is_demo:
        parts.append(demo_banner_html())
    prov = pd.DataFrame({
        t("scenario", lang): [f"{lab}" + (f" ({t('baseline', lang)})" if k == 0 else "")
                              for k, lab in enumerate(cmp.labels)],
        "": cmp.titles,
        t("params_file", lang): [r.manifest.get("params_file", "") for r in cmp.results],
        t("run_id", lang): [r.manifest.get("run_id", "") for r in cmp.results],
        t("data_fingerprint", lang): [str(r.manifest.get("data_fingerprint", ""))[:12]
                                      for r in cmp.results],
    })
    from ipbench.reports.provenance import local_time

    parts.append(f"<p class='ipbench-time'>{escape(t('made', lang))}"
                 f"{'：' if lang != 'en' else ': '}"
                 f"{escape(local_time({'created': _now_utc()}, cmp.base.params))}</p>")
    parts.append(f"<h2>{escape(t('scenarios', lang))}</h2>" + _table(prov, "ipbench-scenarios"))
    parts += [f"<p class='ipbench-sentence'>{escape(line)}</p>" for line in cmp.headline(lang)]
    parts.append(f"<p><a href='{WORKBOOK}'>{escape(t('workbook', lang))}</a></p>")

    m = methods_table(cmp).reset_index()
    m["differs"] = m["differs"].astype(bool)
    m = m.rename(columns={"setting": t("setting", lang), "differs": t("differs", lang)})
    parts.append(f"<h2>{escape(t('methods', lang))}</h2>" + _table(m, "ipbench-methods"))
    parts.append(f"<h3>{escape(t('sub_weights', lang))}</h3>"
                 + _table(_weights_table(cmp), "ipbench-weights"))

    parts.append(f"<h2>{escape(t('rank_moves', lang))} ({cmp.year})</h2>")
    parts.append(f"<p>{escape(t('slope_caption', lang))}</p>" + slope_svg(cmp))
    parts.append(f"<p>{escape(t('move_def', lang))} {escape(t('score_unit', lang))}:"
                 f" {escape(cmp.score_unit())}</p>")
    parts.append(_table(_rank_table(cmp), "ipbench-rank-moves"))

    parts.append(f"<h2>{escape(t('composite', lang))} ({cmp.year})</h2>")
    parts.append(f"<p>{escape(t('sub_change', lang))}: {escape(cmp.labels[-1])} −"
                 f" {escape(cmp.labels[0])}; {escape(t('score_unit', lang))}:"
                 f" {escape(cmp.score_unit(cmp.results[-1]))}</p>")
    sub = _subindex_table(cmp)
    moved = sub.select_dtypes("number").abs().max().max() if len(sub) else 0.0
    if pd.notna(moved) and moved < 0.005:
        parts.append(f"<p class='ipbench-sentence'>{escape(t('no_sub_change', lang))}</p>")
    else:
        parts.append(_table(sub, "ipbench-subindex-changes"))

    grades, n, total = _grade_table(cmp)
    parts.append(f"<h2>{escape(t('grades', lang))} ({cmp.year})</h2>")
    if total:
        parts.append(f"<p>{escape(t('changed_of', lang).format(n=n, total=total))}</p>")
    parts.append(_table(grades, "ipbench-grade-changes") if n else
                 f"<p>{escape(t('no_grade_change', lang))}</p>")

    guide, n, total = _guidance_table(cmp)
    parts.append(f"<h2>{escape(t('guidance', lang))}</h2>")
    if total:
        parts.append(f"<p>{escape(t('changed_of', lang).format(n=n, total=total))}</p>")
    parts.append(_table(guide, "ipbench-guidance-changes") if n else
                 f"<p>{escape(t('no_guidance_change', lang))}</p>")
    html = embed_font(
        f"<!DOCTYPE html><html lang='{'en' if lang == 'en' else 'zh-CN'}'><head>"
        f"<meta charset='utf-8'><meta name='viewport' content='width=device-width'>"
        f"<title>{escape(title)}</title><style>{CSS}</style></head>"
        f"<body><main>{''.join(parts)}</main></body></html>")
    bad = external_references(html)
    if bad:
        raise RuntimeError(f"comparison page would load external resources: {bad[:3]}")
    return html


def write_workbook(cmp: Any, path: Path) -> Path:
    """The comparison tables in one workbook (one sheet each, bilingual sheet names)."""
    import os
    import tempfile

    sheets = {
        "方法 Methods": cmp.methods.reset_index(),
        "子系统权重 Weights": cmp.weights.reset_index(),
        "指标权重 Indicator weights": cmp.indicator_weights.reset_index(),
        "排名 Ranks": cmp.ranks.reset_index(),
        "分项指数 Subindices": cmp.subindices,
        "协调等级 Grades": cmp.grades,
        "布局指引 Guidance": cmp.guidance,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".xlsx", dir=path.parent)
    os.close(fd)
    try:
        with pd.ExcelWriter(tmp, engine="openpyxl") as xw:
            for name, df in sheets.items():
                df.to_excel(xw, sheet_name=name[:31], index=False)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def publish(cmp: Any, folder: Path) -> dict[str, Path]:
    """Write ``index.html`` and ``comparison.xlsx`` into ``folder``."""
    page = folder / PAGE
    write_atomic(page, page_html(cmp))
    return {"page": page, "workbook": write_workbook(cmp, folder / WORKBOOK)}
