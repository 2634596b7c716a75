"""Editions: each publication of a report suite kept in ``reports/<suite>/<edition>/``.

An edition is named by its data vintage, the last year of data the evaluation used
(``2024``); a second publication of the same vintage from other parameters or data is
``2024-2``, and so on. A folder that holds an edition is never written again by another run:
publishing the same run (same run id: params, data and code) reuses its edition. Each edition
holds ``edition.json`` (what it was made from), a snapshot of the tables the next edition is
compared with (``.snapshot/*.parquet``), and ``changes.html``: data added (years, sources),
rank moves, IP-intensive industries gained or lost, target progress and grade changes of the
matching pairs since the previous edition. ``reports/<suite>/editions.html`` lists the
editions, newest first, and the suite's index (``reports/<suite>/index.html``, written by
``ipbench run``) carries the same list in a marked block that each publication refreshes; where
there is no run index yet, the list is the index.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from html import escape
from pathlib import Path
from typing import Any

import pandas as pd

from ipbench.atomic import write_atomic
from ipbench.errors import ParamsError
from ipbench.reports.provenance import demo_banner_html
from ipbench.reports.style import CSS
from ipbench.reports.webfont import embed_font
from ipbench.runfolder import MANIFEST, TABLES, Results

EDITION_FILE = "edition.json"
SNAPSHOT = ".snapshot"
CHANGES = "changes.html"
INDEX = "index.html"
EDITIONS_PAGE = "editions.html"
#: the marked block of the suite index that lists the editions
BLOCK = re.compile(r"<!--ipbench:editions-->.*?<!--/ipbench:editions-->", re.S)
#: marks the page that is only the list of editions
PAGE_MARK = "<!--ipbench:editions-page-->"
SNAPSHOT_TABLES = ("composite", "coupling", "intensive_industries", "targets", "regions",
                   "industries")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
_RESERVED = {"regions", "industries", "landscape", "logs", "compare", "index.html",
             "editions.html"}

TEXT: dict[str, tuple[str, str]] = {
    "editions": ("历次发布", "Editions"),
    "edition": ("版次", "Edition"),
    "vintage": ("数据截至", "Data through"),
    "published": ("发布时间", "Published"),
    "base_year": ("基准年", "Base year"),
    "run_id": ("运行编号", "Run id"),
    "all_editions": ("全部版次", "All editions"),
    "reports": ("报告目录", "Reports"),
    "changes": ("与上一版相比的变化", "Changes since the previous edition"),
    "first": ("这是第一版，没有可比较的上一版。", "This is the first edition; there is no previous"
              " edition to compare with."),
    "data_added": ("新增数据", "Data added"),
    "source": ("数据来源", "Source"),
    "years_prev": ("上一版年份", "Years, previous"),
    "years_now": ("本版年份", "Years, this edition"),
    "years_added": ("新增年份", "Years added"),
    "no_data_added": ("没有新增年份或来源。", "No year or source was added."),
    "rank_moves": ("综合排名变化", "Rank moves"),
    "move_def": ("排名变化 = 上一版排名 − 本版排名（正值为上升），各用本版次的基准年；得分相同者并列。",
                 "Move = previous rank − this edition's rank (positive = up), each in its"
                 " edition's base year; tied scores share a rank."),
    "no_moves": ("各区域的综合排名与上一版相同。", "No region's rank changed since the previous"
                 " edition."),
    "intensive": ("知识产权密集型产业", "IP-intensive industries"),
    "gained": ("新增", "Gained"),
    "lost": ("不再认定", "Lost"),
    "none": ("无", "none"),
    "targets": ("目标进展", "Target progress"),
    "grades": ("匹配对协调等级变化", "Grade changes of the matching pairs"),
    "no_grade_change": ("各匹配对协调等级与上一版相同。", "No matching pair changed grade."),
    "region": ("区域", "Region"),
    "pair": ("匹配对", "Matching pair"),
    "rank_prev": ("上一版排名", "Previous rank"),
    "rank_now": ("本版排名", "Rank now"),
    "move": ("变化", "Move"),
    "target": ("目标", "Target"),
    "latest_prev": ("上一版最新值", "Latest value, previous"),
    "latest_now": ("本版最新值", "Latest value, now"),
    "attain_prev": ("上一版完成度（%）", "Attainment, previous (%)"),
    "attain_now": ("本版完成度（%）", "Attainment now (%)"),
    "grade_prev": ("上一版等级", "Previous grade"),
    "grade_now": ("本版等级", "Grade now"),
    "previous": ("上一版", "Previous edition"),
    "changed_of": ("{n} / {total} 项变化", "{n} of {total} changed"),
}


def t(key: str, lang: str) -> str:
    zh, en = TEXT[key]
    return en if lang == "en" else zh


# ------------------------------------------------------------------------------ naming


def list_editions(suite_root: Path) -> list[dict[str, Any]]:
    """Editions of a suite (their ``edition.json``), oldest first."""
    out = []
    if suite_root.is_dir():
        for f in suite_root.glob(f"*/{EDITION_FILE}"):
            try:
                out.append(json.loads(f.read_text(encoding="utf-8")))
            except (OSError, ValueError):
                continue
    return sorted(out, key=lambda e: (e.get("created", ""), e.get("edition", "")))


def _manifest(run_dir: Path) -> dict[str, Any]:
    return json.loads((run_dir / MANIFEST).read_text(encoding="utf-8"))


def vintage(run_dir: Path) -> int:
    """Last year of data the run used (facts, else the scope's last year)."""
    facts = run_dir / TABLES / "facts.parquet"
    if facts.is_file():
        years = pd.read_parquet(facts, columns=["year"])["year"]
        if len(years):
            return int(years.max())
    return int(_manifest(run_dir)["params"]["scope"]["years"]["last"])


def folder(suite_root: Path, manifest: dict[str, Any], run_dir: Path,
           requested: str = "auto") -> Path:
    """The edition folder for this run: its existing edition (same run id), the ``requested``
    name, or a new name from the data vintage. Refuses to reuse a name another run published."""
    existing = {e["edition"]: e for e in list_editions(suite_root)}
    run_id = manifest["run_id"]
    if requested and requested != "auto":
        if not _NAME.fullmatch(requested) or requested in _RESERVED:
            raise ParamsError(f"edition name {requested!r}: use letters, digits, '.', '_' or '-'"
                              f" (not {sorted(_RESERVED)})")
        other = existing.get(requested)
        if other is not None and other.get("run_id") != run_id:
            raise ParamsError(f"edition {requested!r} already exists (run {other.get('run_id')},"
                              f" published {other.get('created')}); editions are never"
                              " overwritten: choose another name")
        return suite_root / requested
    for name, e in existing.items():
        if e.get("run_id") == run_id:
            return suite_root / name
    base = str(vintage(run_dir))
    name, k = base, 2
    while name in existing or (suite_root / name).exists():
        name, k = f"{base}-{k}", k + 1
    return suite_root / name


# ------------------------------------------------------------------------------ publishing


def _coverage(facts: pd.DataFrame) -> pd.DataFrame:
    """Years per source: source, first, last, years (comma list)."""
    g = facts.groupby("source")["year"]
    return pd.DataFrame({"first": g.min(), "last": g.max(),
                         "years": g.apply(lambda s: ",".join(str(y) for y in sorted(s.unique())))
                         }).reset_index()


def snapshot(edition_dir: Path, run_dir: Path) -> None:
    """Copy the tables the next edition's changes page needs into ``.snapshot/``."""
    res = Results.read(run_dir)
    snap = edition_dir / SNAPSHOT
    snap.mkdir(parents=True, exist_ok=True)
    for name in SNAPSHOT_TABLES:
        if name in res:
            res[name].to_parquet(snap / f"{name}.parquet", index=False)
    if "facts" in res:
        _coverage(res["facts"]).to_parquet(snap / "coverage.parquet", index=False)


def _snap(edition_dir: Path) -> dict[str, pd.DataFrame]:
    snap = edition_dir / SNAPSHOT
    return {p.stem: pd.read_parquet(p) for p in snap.glob("*.parquet")} if snap.is_dir() else {}


def publish(suite_root: Path, edition_dir: Path, run_dir: Path) -> Path:
    """Record the edition, snapshot its tables, write its changes page and the suite index.
    Returns the changes page."""
    manifest = _manifest(run_dir)
    info_file = edition_dir / EDITION_FILE
    old = json.loads(info_file.read_text(encoding="utf-8")) if info_file.is_file() else {}
    params = manifest.get("params", {})
    info = {
        "edition": edition_dir.name,
        "title": manifest.get("title", ""),
        "run_id": manifest["run_id"],
        "params_file": manifest.get("params_file", ""),
        "params_hash": manifest.get("params_hash", ""),
        "data_fingerprint": manifest.get("data_fingerprint", ""),
        "vintage": vintage(run_dir),
        "base_year": params.get("scope", {}).get("base_year"),
        "lang": params.get("lang", "zh"),
        "demo": bool(manifest.get("demo", False)),
        "created": old.get("created") or dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "timezone": params.get("timezone"),
    }
    snapshot(edition_dir, run_dir)
    write_atomic(info_file, json.dumps(info, ensure_ascii=False, indent=1))
    editions = list_editions(suite_root)
    names = [e["edition"] for e in editions]
    k = names.index(info["edition"])
    prev = editions[k - 1] if k > 0 else None
    page = edition_dir / CHANGES
    write_atomic(page, changes_page(info, prev, _snap(edition_dir),
                                    _snap(suite_root / prev["edition"]) if prev else {}))
    write_atomic(suite_root / EDITIONS_PAGE, suite_index(editions))
    index = suite_root / INDEX
    html = index.read_text(encoding="utf-8") if index.is_file() else PAGE_MARK
    if PAGE_MARK in html:  # no run index (yet): the list of editions is the suite's index
        write_atomic(index, suite_index(editions))
    elif BLOCK.search(html):  # the run's index: refresh its list of editions
        write_atomic(index, BLOCK.sub(lambda _: index_block(suite_root), html, count=1))
    return page


def _published(e: dict[str, Any]) -> str:
    """When an edition was published, in its report's time zone (+08:00 by default)."""
    from ipbench.reports.provenance import local_time

    return local_time({"created": e.get("created", "")}, {"timezone": e.get("timezone")})


def index_block(suite_root: Path) -> str:
    """The editions as a marked block of the suite index (empty markers when there are none)."""
    editions = list_editions(suite_root)
    if not editions:
        return "<!--ipbench:editions--><!--/ipbench:editions-->"
    lang = editions[-1].get("lang", "zh")
    items = "".join(
        f"<li><a href='{escape(e['edition'])}/{INDEX}'>{escape(e['edition'])}</a>"
        f" <small>({escape(t('vintage', lang))} {escape(str(e.get('vintage')))} ·"
        f" {escape(t('published', lang))} {escape(_published(e))})</small> ·"
        f" <a href='{escape(e['edition'])}/{CHANGES}'>{escape(t('changes', lang))}</a></li>"
        for e in reversed(editions))
    return (f"<!--ipbench:editions--><h2>{escape(t('editions', lang))}</h2><ul>{items}</ul>"
            f"<p><a href='{EDITIONS_PAGE}'>{escape(t('all_editions', lang))}</a></p>"
            "<!--/ipbench:editions-->")


# ------------------------------------------------------------------------------ pages


def _page(title: str, body: str, lang: str) -> str:
    return embed_font(
        f"<!DOCTYPE html><html lang='{'en' if lang == 'en' else 'zh-CN'}'><head>"
        f"<meta charset='utf-8'><meta name='viewport' content='width=device-width'>"
        f"<title>{escape(title)}</title><style>{CSS}</style></head>"
        f"<body><main>{body}</main></body></html>")


def _table(df: pd.DataFrame, table_id: str) -> str:
    def fmt(v: Any) -> str:
        if isinstance(v, float):
            return "–" if pd.isna(v) else f"{v:,.2f}"
        return "–" if v is None or v is pd.NA else str(v)

    head = "".join(f"<th>{escape(str(c))}</th>" for c in df.columns)
    rows = "".join("<tr>" + "".join(f"<td>{escape(fmt(v))}</td>" for v in r) + "</tr>"
                   for r in df.itertuples(index=False))
    return f"<table class='ipbench' id='{table_id}'><tr>{head}</tr>{rows}</table>"


def suite_index(editions: list[dict[str, Any]]) -> str:
    """The suite's index: every edition, newest first, with its reports and changes page."""
    latest = editions[-1] if editions else {}
    lang = latest.get("lang", "zh")
    rows = []
    for e in reversed(editions):
        name = escape(e["edition"])
        rows.append(
            f"<tr><td><a href='{name}/{INDEX}'>{name}</a></td><td>{escape(str(e.get('vintage')))}"
            f"</td><td>{escape(str(e.get('base_year')))}</td><td>{escape(_published(e))}"
            f"</td><td><a href='{name}/{CHANGES}'>{escape(t('changes', lang))}</a></td>"
            f"<td><code>{escape(e.get('run_id', ''))}</code></td></tr>")
    head = (f"<tr><th>{escape(t('edition', lang))}</th><th>{escape(t('vintage', lang))}</th>"
            f"<th>{escape(t('base_year', lang))}</th><th>{escape(t('published', lang))}</th>"
            f"<th>{escape(t('changes', lang))}</th><th>{escape(t('run_id', lang))}</th></tr>")
    title = f"{latest.get('title', '')} · {t('editions', lang)}"
    body = (f"{PAGE_MARK}<h1>{escape(title)}</h1>"
            + (demo_banner_html() if any(e.get("demo") for e in editions) else "")
            + f"<table class='ipbench' id='ipbench-editions'>{head}{''.join(rows)}</table>")
    return _page(title, body, lang)


def _names(snap: dict[str, pd.DataFrame], table: str, code: str, lang: str) -> dict[str, str]:
    if table not in snap:
        return {}
    df = snap[table]
    col = "name_en" if lang == "en" and "name_en" in df else "name_zh"
    return dict(zip(df[code].astype(str), df[col], strict=True))


def data_added(now: dict[str, pd.DataFrame], prev: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Per source: years in the previous and this edition and the years added."""
    a = prev.get("coverage", pd.DataFrame(columns=["source", "years"])).set_index("source")
    b = now.get("coverage", pd.DataFrame(columns=["source", "years"])).set_index("source")
    rows = []
    for src in sorted(set(a.index) | set(b.index)):
        ya = set(str(a.at[src, "years"]).split(",")) if src in a.index else set()
        yb = set(str(b.at[src, "years"]).split(",")) if src in b.index else set()
        added = sorted(yb - ya)
        rows.append({"source": src, "prev": _span(ya), "now": _span(yb),
                     "added": ", ".join(added), "new_source": src not in a.index})
    return pd.DataFrame(rows, columns=["source", "prev", "now", "added", "new_source"])


def _span(years: set[str]) -> str:
    ys = sorted(int(y) for y in years if y)
    return f"{ys[0]}–{ys[-1]}" if ys else "–"


def rank_moves(info: dict[str, Any], prev_info: dict[str, Any], now: dict[str, pd.DataFrame],
               prev: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Rank in the previous edition's base year vs this edition's, largest |move| first."""
    def ranking(snap: dict[str, pd.DataFrame], year: Any) -> pd.Series:
        c = snap["composite"]
        c = c[c["year"] == year]
        return c.set_index(c["region_code"].astype(str))["rank"]

    ra, rb = ranking(prev, prev_info.get("base_year")), ranking(now, info.get("base_year"))
    table = pd.DataFrame({"rank_prev": ra, "rank_now": rb})
    table["move"] = table["rank_prev"] - table["rank_now"]
    table["abs"] = table["move"].abs()
    table = table.sort_values(["abs", "rank_now"], ascending=[False, True], kind="stable")
    return table.drop(columns="abs")


def changes_page(info: dict[str, Any], prev_info: dict[str, Any] | None,
                 now: dict[str, pd.DataFrame], prev: dict[str, pd.DataFrame]) -> str:
    """The "changes since the previous edition" page."""
    lang = info.get("lang", "zh")
    title = f"{info.get('title', '')} · {info['edition']} · {t('changes', lang)}"
    parts = [f"<h1>{escape(title)}</h1>"]
    if info.get("demo"):
        parts.append(demo_banner_html())
    if prev_info is None or not prev:
        parts.append(f"<p>{escape(t('first', lang))}</p>")
        return _page(title, "".join(parts), lang)
    parts.append(f"<p>{escape(t('previous', lang))}: <a href='../{escape(prev_info['edition'])}/"
                 f"{INDEX}'>{escape(prev_info['edition'])}</a> ({escape(t('vintage', lang))}"
                 f" {prev_info.get('vintage')}) → {escape(info['edition'])}"
                 f" ({escape(t('vintage', lang))} {info.get('vintage')})</p>")
    regions = {**_names(prev, "regions", "region_code", lang),
               **_names(now, "regions", "region_code", lang)}
    industries = {**_names(prev, "industries", "industry_code", lang),
                  **_names(now, "industries", "industry_code", lang)}

    added = data_added(now, prev)
    parts.append(f"<h2>{escape(t('data_added', lang))}</h2>")
    years = sorted({y for s in added["added"] for y in s.split(", ") if y})
    new_sources = added.loc[added["new_source"], "source"].tolist()
    if years or new_sources:
        lines = []
        if years:
            lines.append(f"{t('years_added', lang)}: {', '.join(years)}")
        if new_sources:
            lines.append(f"{t('source', lang)} +: {', '.join(new_sources)}")
        parts.append(f"<p class='ipbench-sentence' id='ipbench-data-added'>"
                     f"{escape('; '.join(lines))}</p>")
    else:
        parts.append(f"<p id='ipbench-data-added'>{escape(t('no_data_added', lang))}</p>")
    shown = added.drop(columns="new_source").rename(columns={
        "source": t("source", lang), "prev": t("years_prev", lang), "now": t("years_now", lang),
        "added": t("years_added", lang)})
    parts.append(_table(shown, "ipbench-coverage"))

    if "composite" in now and "composite" in prev:
        moves = rank_moves(info, prev_info, now, prev)
        parts.append(f"<h2>{escape(t('rank_moves', lang))}</h2>"
                     f"<p>{escape(t('move_def', lang))}</p>")
        big = moves[moves["move"].fillna(0) != 0].head(3)
        if len(big):
            parts.append("<p class='ipbench-sentence' id='ipbench-largest-moves'>" + escape(
                "; ".join(f"{regions.get(c, c)} {int(r.rank_prev)} → {int(r.rank_now)}"
                          f" ({int(r.move):+d})" for c, r in big.iterrows())) + "</p>")
        else:
            parts.append("<p class='ipbench-sentence' id='ipbench-largest-moves'>"
                         f"{escape(t('no_moves', lang))}</p>")
        shown = pd.DataFrame({
            t("region", lang): [regions.get(c, c) for c in moves.index],
            t("rank_prev", lang): moves["rank_prev"].astype("Int64"),
            t("rank_now", lang): moves["rank_now"].astype("Int64"),
            t("move", lang): moves["move"].map(
                lambda v: "–" if pd.isna(v) else ("=" if v == 0 else f"{int(v):+d}")),
        })
        parts.append(_table(shown, "ipbench-edition-rank-moves"))

    if "intensive_industries" in now and "intensive_industries" in prev:
        def chosen(snap: dict[str, pd.DataFrame]) -> set[str]:
            df = snap["intensive_industries"]
            return set(df.loc[df["intensive"].astype(bool), "industry_code"].astype(str))

        a, b = chosen(prev), chosen(now)
        gained = ", ".join(industries.get(c, c) for c in sorted(b - a)) or t("none", lang)
        lost = ", ".join(industries.get(c, c) for c in sorted(a - b)) or t("none", lang)
        parts.append(f"<h2>{escape(t('intensive', lang))}</h2><p id='ipbench-intensive'>"
                     f"{escape(t('gained', lang))}: {escape(gained)}；"
                     f"{escape(t('lost', lang))}: {escape(lost)}</p>")

    if "targets" in now:
        tn = now["targets"].set_index("label" if "label" in now["targets"] else "indicator")
        tp = prev.get("targets")
        tp = tp.set_index(tn.index.name) if tp is not None and tn.index.name in tp else None
        rows = []
        for key, r in tn.iterrows():
            p = tp.loc[key] if tp is not None and key in tp.index else None
            rows.append({
                t("target", lang): f"{key} → {r['target_value']:g} ({int(r['target_year'])})",
                t("latest_prev", lang): (f"{p['latest_value']:,.2f} ({p['latest_year']})"
                                         if p is not None else "–"),
                t("latest_now", lang): f"{r['latest_value']:,.2f} ({r['latest_year']})",
                t("attain_prev", lang): p["attainment_pct"] if p is not None else float("nan"),
                t("attain_now", lang): r["attainment_pct"],
            })
        parts.append(f"<h2>{escape(t('targets', lang))}</h2>"
                     + _table(pd.DataFrame(rows), "ipbench-targets"))

    if "coupling" in now and "coupling" in prev:
        gcol = "grade_en" if lang == "en" else "grade_zh"
        pcol = "pair_en" if lang == "en" else "pair_zh"

        def grades(snap: dict[str, pd.DataFrame], year: Any) -> pd.DataFrame:
            c = snap["coupling"]
            c = c[c["year"] == year].copy()
            c["region_code"] = c["region_code"].astype(str)
            return c.set_index(["region_code", "pair"])

        ga, gb = grades(prev, prev_info.get("base_year")), grades(now, info.get("base_year"))
        joined = ga[[gcol]].rename(columns={gcol: f"{gcol}_prev"}).join(
            gb[[gcol] + ([pcol] if pcol in gb else [])], how="inner")
        changed = joined[joined[f"{gcol}_prev"] != joined[gcol]]
        parts.append(f"<h2>{escape(t('grades', lang))}</h2>")
        if len(changed):
            shown = pd.DataFrame({
                t("region", lang): [regions.get(c, c) for c, _ in changed.index],
                t("pair", lang): changed[pcol] if pcol in changed else
                [p for _, p in changed.index],
                t("grade_prev", lang): changed[f"{gcol}_prev"],
                t("grade_now", lang): changed[gcol],
            })
            parts.append(f"<p>{escape(t('changed_of', lang).format(n=len(changed), total=len(joined)))}</p>"
                         + _table(shown, "ipbench-grade-changes"))
        else:
            parts.append(f"<p>{escape(t('no_grade_change', lang))}</p>")
    return _page(title, "".join(parts), lang)
