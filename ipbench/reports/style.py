"""CSS shared by the report pages: a CJK-capable font stack led by the subset font each page
embeds (``webfont.FAMILY``), then common system fonts (no webfont download); numbered
tables and figures; and an A4 print stylesheet (a browser's Print → PDF and
``ipbench export pdf`` give clean pages: table rows and figures are never cut, captions stay
with their table or figure, headings stay with what follows, table headers repeat)."""

from ipbench.reports.webfont import FAMILY

FONT_STACK = (
    f'"{FAMILY}", "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC",'
    ' "Hiragino Sans GB", "WenQuanYi Micro Hei", "SimHei", "Noto Sans", "Helvetica Neue",'
    " Arial, sans-serif"
)

CSS = f"""
body, .jp-Notebook, .jp-RenderedHTMLCommon {{ font-family: {FONT_STACK}; }}
/* JupyterLab's theme sets fonts through these variables on :root; defining them on body wins
   for everything inside, whatever order the style sheets come in. */
body {{ --jp-ui-font-family: {FONT_STACK}; --jp-content-font-family: {FONT_STACK}; }}
body {{ max-width: 1100px; margin: 0 auto; padding: 0 16px; }}
.jp-RenderedHTMLCommon table, table.ipbench {{ border-collapse: collapse; font-size: 13px; }}
table.ipbench th, table.ipbench td {{ border: 1px solid #ccc; padding: 3px 8px; }}
table.ipbench th {{ background: #f1f4f8; }}
table.ipbench tr.ipbench-highlight td {{ background: #fff1c9; font-weight: bold; }}
.ipbench-sentence {{ font-size: 15px; margin: 6px 0; }}
.ipbench-error {{ border: 1px solid #c00; background: #fee; padding: 12px; }}
.jp-RenderedHTMLCommon table.ipbench td, .jp-RenderedHTMLCommon table.ipbench th,
table.ipbench td, table.ipbench th {{ text-align: left; }}
.jp-RenderedHTMLCommon table.ipbench td.n, table.ipbench td.n {{ text-align: right; }}
table.ipbench td.n {{ text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }}
figure.ipbench-table, figure.ipbench-figure {{ margin: 12px 0 18px 0; }}
figure.ipbench-table figcaption, figure.ipbench-figure figcaption {{ font-weight: bold;
  font-size: 14px; margin: 4px 0; }}
figure.ipbench-figure img {{ max-width: 100%; display: block; }}
.ipbench-source {{ font-size: 11px; color: #666; margin: 2px 0 0 0; }}
.ipbench-nav {{ margin: 8px 0; font-size: 13px; }}
.ipbench-toc ol {{ columns: 2; font-size: 14px; }}
.ipbench-rule {{ font-size: 13px; background: #f6f8fa; border-left: 3px solid #8aa; padding: 6px 10px; }}
.ipbench-warning {{ color: #a40000; font-weight: bold; }}
.ipbench-methods dt {{ font-weight: bold; margin-top: 8px; }}
.ipbench-methods dd {{ margin-left: 1.5em; font-size: 13px; }}
.ipbench-time {{ font-size: 13px; color: #444; }}
@page {{ size: A4; margin: 16mm 14mm 16mm 14mm; }}
@media print {{
  body {{ max-width: none; padding: 0; font-size: 10.5pt; }}
  .ipbench-nav, details.ipbench-log, .jp-InputPrompt, .jp-OutputPrompt {{ display: none !important; }}
  details.ipbench-provenance > summary {{ display: none; }}
  h1 {{ font-size: 18pt; }} h2 {{ font-size: 14pt; }} h3 {{ font-size: 12pt; }}
  h2, h3, figcaption {{ break-after: avoid; page-break-after: avoid; }}
  section.ipbench-analysis {{ break-before: auto; }}
  figure.ipbench-figure {{ break-inside: avoid; page-break-inside: avoid; }}
  figure.ipbench-figure img {{ max-height: 85mm; width: auto; max-width: 100%; }}
  figure.ipbench-table {{ break-inside: auto; }}
  table.ipbench {{ font-size: 8pt; width: 100%; }}
  table.ipbench th, table.ipbench td {{ padding: 1px 4px; }}
  table.ipbench td:not(.n) {{ min-width: 7em; }}
  table.ipbench td:first-child {{ min-width: 9em; }}
  table.ipbench thead {{ display: table-header-group; }}
  table.ipbench tr {{ break-inside: avoid; page-break-inside: avoid; }}
  .ipbench-sentence {{ font-size: 10.5pt; }}
  .jp-Cell, .jp-OutputArea-output {{ break-inside: auto; overflow: visible !important; }}
  .jp-OutputArea-child {{ break-inside: auto; }}
  a {{ color: inherit; text-decoration: none; }}
}}
"""
