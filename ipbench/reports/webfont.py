"""Embed a subset of the bundled CJK font in a page, so Chinese renders offline everywhere.

Government intranet machines may lack CJK fonts (a fresh Linux desktop, a locked-down kiosk).
Each page therefore carries its own ``@font-face``: Noto Sans CJK SC (SIL Open Font License,
shipped by the ``mplfonts`` package) cut down with fontTools to the characters the page uses,
as a base64 WOFF data URI (typically 30–150 kB a page). No file is fetched from anywhere.
"""

from __future__ import annotations

import base64
import io
import re
from functools import lru_cache

from ipbench.fonts import DEFAULT_FONT, cjk_font_path

#: CSS family name of the embedded subset; first in the pages' font stack (see style.py).
FAMILY = "ipbench CJK"

_TAG = re.compile(r"<(script|style)\b.*?</\1>|<[^>]+>", re.S | re.I)
_ASCII = "".join(chr(c) for c in range(32, 127))


def page_characters(html: str) -> str:
    """The distinct non-ASCII characters of the page's text (markup and scripts removed)."""
    text = _TAG.sub(" ", html)
    return "".join(sorted({ch for ch in text if ord(ch) > 126}))


@lru_cache(maxsize=64)
def font_face_css(characters: str, family: str = DEFAULT_FONT) -> str:
    """``@font-face`` rule with the bundled font subset to ``characters`` plus printable ASCII."""
    from fontTools import subset

    opts = subset.Options()
    opts.flavor = "woff"  # zlib-compressed; WOFF2 would need brotli
    opts.layout_features = ["*"]
    opts.notdef_outline = True
    font = subset.load_font(str(cjk_font_path(family)), opts, lazy=True)
    subsetter = subset.Subsetter(opts)
    subsetter.populate(text=characters + _ASCII)
    subsetter.subset(font)
    buf = io.BytesIO()
    subset.save_font(font, buf, opts)
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    return (
        f'@font-face {{ font-family: "{FAMILY}"; font-style: normal; font-weight: 400;'
        f' src: url(data:font/woff;base64,{data}) format("woff"); }}'
    )


def embed_font(html: str) -> str:
    """Insert the subset ``@font-face`` into ``html``'s head (pages without CJK stay as they are)."""
    chars = page_characters(html)
    if not any("\u2e80" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef" for ch in chars):
        return html
    style = f'<style id="ipbench-font">{font_face_css(chars)}</style>'
    head_end = html.find("</head>")
    if head_end < 0:
        return style + html
    return html[:head_end] + style + html[head_end:]
