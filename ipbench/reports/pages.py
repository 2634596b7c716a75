"""Pages written by Python, not notebooks: the index and the error page."""

from __future__ import annotations

from html import escape
from typing import Any

from ipbench.reports.labels import label
from ipbench.reports.provenance import provenance_html
from ipbench.reports.style import CSS
from ipbench.reports.webfont import embed_font


def _page(title: str, body: str, lang: str) -> str:
    return embed_font(
        f"<!DOCTYPE html><html lang='{'en' if lang == 'en' else 'zh-CN'}'><head>"
        f"<meta charset='utf-8'><meta name='viewport' content='width=device-width'>"
        f"<title>{escape(title)}</title><style>{CSS}</style></head>"
        f"<body><main>{body}</main></body></html>"
    )


def error_page(title: str, message: str, log_file: str, manifest: dict[str, Any],
               lang: str = "zh", previous: str | None = None) -> str:
    """A short error page: the message (no traceback), where the full log is, provenance."""
    kept = (f"<p>{escape(label('previous_kept', lang))}: <a href='{escape(previous)}'>"
            f"{escape(previous)}</a></p>" if previous else "")
    body = (
        f"<h1>{escape(label('error_page', lang))}: {escape(title)}</h1>"
        f"<div class='ipbench-error'><b>{escape(label('error_message', lang))}:</b>"
        f"<pre>{escape(message)}</pre></div>"
        f"<p>{escape(label('error_log', lang))}: <code>{escape(log_file)}</code></p>{kept}"
        + provenance_html(manifest, lang)
    )
    return _page(f"{label('error_page', lang)}: {title}", body, lang)


def index_page(manifest: dict[str, Any], entries: list[dict[str, Any]],
               downloads: list[tuple[str, str]], params_yaml: str,
               atlas: str | None = None, region_names: dict[str, str] | None = None,
               editions: str = "") -> str:
    """The index: every report linked (with status), the interactive atlas (``atlas``: its
    href), the suite's published editions (``editions``: the marked block of
    :func:`ipbench.reports.editions.index_block`), the workbooks to download as
    ``(href, label key)`` pairs, the evaluation's parameters."""
    from ipbench.reports.views.base import _method_name

    p = manifest.get("params", {})
    lang = p.get("lang", "zh")
    scope = p.get("scope", {})
    groups: dict[str, list[dict[str, Any]]] = {}
    for e in entries:
        groups.setdefault(e["kind"], []).append(e)
    parts = [f"<h1>{escape(manifest.get('title', ''))}</h1>", provenance_html(manifest, lang)]
    if atlas:
        from ipbench.reports.atlas import atlas_link_html

        parts.append(atlas_link_html(atlas, lang))
    parts.append(editions)
    facts = [
        ("regions", len(scope.get("regions", []))),
        ("key_industries", len([i for i in scope.get("industries", []) if i != "ALL"])
         or label("no_key_industries", lang)),
        ("years", f"{scope.get('years', {}).get('first')}–{scope.get('years', {}).get('last')}"),
        ("base_year", scope.get("base_year")),
        ("reference", (region_names or {}).get(str(scope.get("reference")),
                                                scope.get("reference")) or "–"),
        ("method", " · ".join(
            _method_name(str(k), lang) for k in (
                p.get("normalization", {}).get("method"),
                f"{p.get('weighting', {}).get('method')}"
                f"{'+ahp' if p.get('weighting', {}).get('ahp') else ''}",
                p.get("aggregation", {}).get("method")))),
    ]
    parts.append(f"<h2>{escape(label('parameters', lang))}</h2><table class='ipbench'>"
                 + "".join(f"<tr><th>{escape(label(k, lang))}</th><td>{escape(str(v))}</td></tr>"
                           for k, v in facts) + "</table>")
    from ipbench.reports.kinds import KINDS

    for kind in KINDS:
        items = groups.get(kind, [])
        if not items:
            continue
        lis = []
        for e in items:
            status = label(e["status"], lang)
            link = f"<a href='{escape(e['href'])}'>{escape(e['title'])}</a>" if e.get("href") else escape(e["title"])
            err = (f" · <a class='ipbench-failed' href='{escape(e['error_href'])}'>"
                   f"{escape(label('error_page', lang))}</a>" if e.get("error_href") else "")
            lis.append(f"<li>{link} <small>({escape(status)})</small>{err}</li>")
        parts.append(f"<h2>{escape(KINDS[kind].label(lang))}</h2><ul>{''.join(lis)}</ul>")
    if downloads:
        parts.append("<ul>" + "".join(f"<li><a href='{escape(href)}'>{escape(label(key, lang))}</a></li>"
                                      for href, key in downloads) + "</ul>")
    parts.append(f"<details><summary>{escape(label('parameters', lang))} (YAML)</summary>"
                 f"<pre>{escape(params_yaml)}</pre></details>")
    return _page(f"{manifest.get('title', '')} · {label('index', lang)}", "".join(parts), lang)
