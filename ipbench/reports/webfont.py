"""Embed a subset of the bundled CJK font in a page, so Chinese renders offline everywhere.

Government intranet machines may lack CJK fonts (a fresh Linux desktop, a locked-down kiosk).
Each page therefore carries its own ``@font-face``: Noto Sans CJK SC (SIL Open Font License,
shipped by the ``mplfonts`` package) cut down with fontTools to the characters the page uses,
as a base64 WOFF data URI (typically 30–100 kB a page). No file is fetched from anywhere.

Subsetting the 16 MB font costs ~0.8 s a page, so the common repertoire (GB 2312, Latin,
punctuation, CJK symbols and full-width forms) is cut once into a ~2 MB base font cached on
disk (``$IPBENCH_CACHE`` or the user cache folder), its outlines converted from CFF cubic
curves to TrueType quadratic ones (fontTools ``cu2qu``, within 1/1000 em): a TrueType font
is subset by copying the glyphs it needs, without interpreting CFF charstrings, so pages
subset it in ~0.08 s (the CFF base took ~0.25 s) and their fonts are ~15 % smaller. Pages
fall back to the full font when they use a character outside the base. OpenType layout
features (kerning, vertical forms) are dropped: horizontal Chinese and Latin text does not
need them.
"""

from __future__ import annotations

import base64
import io
import re
from functools import lru_cache
from pathlib import Path

from ipbench.atomic import write_atomic
from ipbench.cachedir import cache_dir
from ipbench.fonts import DEFAULT_FONT, cjk_font_path

#: CSS family name of the embedded subset; first in the pages' font stack (see style.py).
FAMILY = "ipbench CJK"

_TAG = re.compile(r"<(script|style)\b.*?</\1>|<[^>]+>", re.S | re.I)
_ASCII = "".join(chr(c) for c in range(32, 127))


def page_characters(html: str) -> str:
    """The distinct non-ASCII characters of the page's text (markup and scripts removed)."""
    text = _TAG.sub(" ", html)
    return "".join(sorted({ch for ch in text if ord(ch) > 126}))


def _subset(source: Path, text: str, flavor: str | None) -> bytes:
    from fontTools import subset

    opts = subset.Options()
    opts.flavor = flavor
    opts.layout_features = []
    opts.notdef_outline = True
    font = subset.load_font(str(source), opts, lazy=True)
    subsetter = subset.Subsetter(opts)
    subsetter.populate(text=text)
    subsetter.subset(font)
    buf = io.BytesIO()
    subset.save_font(font, buf, opts)
    return buf.getvalue()


def _repertoire() -> str:
    """GB 2312 (6,763 hanzi and its symbols), Latin, general punctuation and arrows, CJK
    symbols and punctuation, half- and full-width forms."""
    gb2312 = (bytes([hi, lo]) for hi in range(0xA1, 0xF8) for lo in range(0xA1, 0xFF))
    chars = {b.decode("gb2312", errors="ignore") for b in gb2312}
    for lo, hi in ((0x20, 0x250), (0x2000, 0x2C00), (0x3000, 0x3040), (0xFF00, 0xFFF0)):
        chars.update(chr(c) for c in range(lo, hi))
    return "".join(sorted(chars - {""}))


def _to_truetype(data: bytes) -> bytes:
    """A CFF-flavoured OpenType font as a TrueType-flavoured one: each outline's cubic curves
    approximated by quadratic ones (max error 1 unit of 1,000 em; CFF hints are dropped),
    ``maxp`` 1.0 and ``post`` 2.0 as TrueType requires (the recipe of fontTools'
    ``Snippets/otf2ttf.py``)."""
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import TTFont, newTable

    font = TTFont(io.BytesIO(data))
    if "glyf" in font:  # TrueType already (SimHei)
        return data
    order = font.getGlyphOrder()
    glyphs = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder, glyf.glyphs = order, {}
    for name in order:
        pen = TTGlyphPen(glyphs)
        glyphs[name].draw(Cu2QuPen(pen, 1.0, reverse_direction=True))
        glyf[name] = pen.glyph()
    font["loca"], font["glyf"] = newTable("loca"), glyf
    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000
    for attr in ("maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
                 "maxStackElements", "maxSizeOfInstructions", "maxComponentElements"):
        setattr(maxp, attr, 0)
    maxp.maxZones = 1
    post = font["post"]
    post.formatType, post.extraNames, post.mapping, post.glyphOrder = 2.0, [], {}, order
    for tag in ("CFF ", "VORG"):
        if tag in font:
            del font[tag]
    font.sfntVersion = "\000\001\000\000"
    font["head"].glyphDataFormat = 0
    buf = io.BytesIO()
    font.save(buf)
    return buf.getvalue()


@lru_cache(maxsize=4)
def base_font(family: str = DEFAULT_FONT) -> tuple[Path, frozenset[int]]:
    """The cached common-repertoire cut of the bundled font, in TrueType outlines (built on
    first use, ~12 s) and the code points it covers."""
    from fontTools.ttLib import TTFont

    source = cjk_font_path(family)
    stat = source.stat()
    path = cache_dir("fonts") / f"{source.stem}-{stat.st_size}-{int(stat.st_mtime)}-tt.ttf"
    if not path.is_file():  # written atomically: concurrent workers never read half a file
        write_atomic(path, _to_truetype(_subset(source, _repertoire(), flavor=None)))
    return path, frozenset(TTFont(str(path), lazy=True).getBestCmap())


@lru_cache(maxsize=4)
def _full_cmap(family: str = DEFAULT_FONT) -> frozenset[int]:
    """Code points of the full bundled font (characters it lacks, such as ₂ or ⁴ in Noto Sans
    CJK, come from the reader's fallback fonts whichever cut is embedded)."""
    from fontTools.ttLib import TTFont

    return frozenset(TTFont(str(cjk_font_path(family)), lazy=True).getBestCmap())


@lru_cache(maxsize=64)
def font_face_css(characters: str, family: str = DEFAULT_FONT) -> str:
    """``@font-face`` rule with the bundled font subset to ``characters`` plus printable ASCII."""
    source, covered = base_font(family)
    rare = {ord(ch) for ch in characters} - covered
    if rare & _full_cmap(family):
        source = cjk_font_path(family)  # a rare character the font has: cut from the full font
    woff = _subset(source, characters + _ASCII, flavor="woff")  # WOFF2 would need brotli
    data = base64.b64encode(woff).decode("ascii")
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
