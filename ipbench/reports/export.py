"""Executed notebook → offline HTML (code hidden) with the ipbench template.

The template (``templates/ipbench``) extends JupyterLab's and drops every external script
(require.js, MathJax, Mermaid, widget manager CDNs); :func:`to_html` embeds a subset of the
bundled CJK font (see ``webfont``). :func:`external_references` lists any
URL a page would load, for tests and as a guard before a page is published.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ipbench.reports.webfont import embed_font

TEMPLATES = Path(__file__).parent / "templates"

_EXTERNAL = [
    re.compile(r"<script[^>]+src\s*=\s*[\"']?(?:https?:)?//", re.I),
    re.compile(r"<link[^>]+href\s*=\s*[\"']?(?:https?:)?//", re.I),
    re.compile(r"<img[^>]+src\s*=\s*[\"']?(?:https?:)?//", re.I),
    re.compile(r"<iframe[^>]+src\s*=\s*[\"']?(?:https?:)?//", re.I),
    re.compile(r"@import\s+(?:url\()?[\"']?(?:https?:)?//", re.I),
    re.compile(r"url\(\s*[\"']?(?:https?:)?//", re.I),
]


def external_references(html: str) -> list[str]:
    """Snippets of ``html`` that would load something from another host."""
    found = []
    for pattern in _EXTERNAL:
        for m in pattern.finditer(html):
            found.append(html[m.start() : m.start() + 120])
    return found


def error_outputs(nb: Any) -> list[str]:
    """``ename: evalue`` of every error output in an executed notebook."""
    out = []
    for cell in nb.cells:
        for o in cell.get("outputs", []):
            if o.get("output_type") == "error":
                out.append(f"{o.get('ename')}: {o.get('evalue')}")
    return out


_OUTPUT_DIV = re.compile(r'<div class="([^"]*\bjp-OutputArea-output\b[^"]*)"')


def _exporter_class() -> type:
    """nbconvert's HTMLExporter without its last pass: it parses the whole page with
    BeautifulSoup (~0.2 s a page) only to give images without one an alt text (every ipbench
    figure has its caption as alt text) and output areas ``tabindex="0"`` (done here with one
    regular expression)."""
    from nbconvert import HTMLExporter
    from nbconvert.exporters.templateexporter import TemplateExporter
    from nbconvert.filters.highlight import Highlight2HTML
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

    class PageExporter(HTMLExporter):
        def from_notebook_node(self, nb: Any, resources: Any = None, **kw: Any) -> Any:
            if not hasattr(self, "_init_resources"):  # another nbconvert: its own way
                return super().from_notebook_node(nb, resources, **kw)
            langinfo = nb.metadata.get("language_info", {})
            lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
            self.register_filter("highlight_code", self.filters.get(
                "highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self)))
            resources = self._init_resources(resources)
            self.register_filter("filter_data_type", WidgetsDataTypeFilter(
                notebook_metadata=self._nb_metadata, parent=self, resources=resources))
            html, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
            return _OUTPUT_DIV.sub(r'<div class="\1" tabindex="0"', html), resources

    return PageExporter


def make_exporter() -> Any:
    """One HTML exporter (reuse it for many notebooks: building it costs ~0.1 s)."""
    from ipbench.reports.style import CSS

    exp = _exporter_class()(
        template_name="ipbench",
        extra_template_basedirs=[str(TEMPLATES)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    exp._ipbench_css = CSS
    return exp


def warm_up(exporter: Any) -> None:
    """Load the templates and fonts a page export needs (a worker does it before its first
    page, while it waits for the run)."""
    import nbformat

    from ipbench.reports.webfont import _full_cmap, base_font

    to_html(nbformat.v4.new_notebook(), exporter)
    base_font()
    _full_cmap()


def to_html(nb: Any, exporter: Any = None, title: str | None = None, lang: str = "zh") -> str:
    """Render an executed notebook to offline HTML; raises if it would load external URLs."""
    exporter = exporter or make_exporter()
    exporter.language_code = "en" if lang == "en" else "zh"  # ISO 639-1, as nbconvert checks
    if title:
        nb.metadata["title"] = title
    body, _ = exporter.from_notebook_node(nb, resources={"ipbench_css": exporter._ipbench_css})
    # last in <head>: JupyterLab's rules (table fonts, image sizes) must not override the
    # ipbench screen and print rules
    body = body.replace("</head>", f"<style type=\"text/css\">{exporter._ipbench_css}</style>\n</head>", 1)
    body = embed_font(body)
    bad = external_references(body)
    if bad:
        raise RuntimeError(f"rendered page would load external resources: {bad[:3]}")
    return body
