"""CSS shared by the report pages: a CJK-capable font stack led by the subset font each page
embeds (``webfont.FAMILY``), then common system fonts (no webfont download)."""

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
"""
