"""The pages embed a subset of the bundled CJK font covering exactly their own characters."""

from __future__ import annotations

import base64
import io
import re

import pytest
from fontTools.ttLib import TTFont

from ipbench.reports.export import external_references
from ipbench.reports.webfont import FAMILY, embed_font, page_characters

PAGE = (
    "<html><head><title>t</title><script>var s = '脚本';</script></head>"
    "<body><h1>南通市 · 示例数据</h1><p>耦合协调度 D=0.62</p></body></html>"
)


def _embedded_font(html: str) -> TTFont:
    m = re.search(r"url\(data:font/woff;base64,([A-Za-z0-9+/=]+)\)", html)
    assert m, "no embedded WOFF font"
    return TTFont(io.BytesIO(base64.b64decode(m.group(1))))


def test_page_characters_ignore_markup_and_scripts():
    chars = page_characters(PAGE)
    assert "南" in chars and "协" in chars and "·" in chars
    assert "脚" not in chars  # text inside <script> is not rendered
    assert all(ord(c) > 126 for c in chars)


def test_embedded_subset_covers_the_page_and_little_else():
    html = embed_font(PAGE)
    assert html.index('id="ipbench-font"') < html.index("</head>")
    assert f'font-family: "{FAMILY}"' in html
    cmap = _embedded_font(html).getBestCmap()
    for ch in "南通市示例数据耦合协调度D=0.62":
        assert ord(ch) in cmap, f"glyph for {ch!r} missing"
    assert ord("脚") not in cmap
    assert ord("龙") not in cmap  # not on the page: the subset stays small
    assert external_references(html) == []


def test_page_without_chinese_is_left_alone():
    plain = "<html><head></head><body><p>English only</p></body></html>"
    assert embed_font(plain) == plain


def test_page_css_routes_jupyterlab_font_variables_to_the_embedded_font():
    # JupyterLab's theme picks fonts through these variables; unless they lead to the embedded
    # family, text in notebook outputs falls back to system fonts (tofu without CJK fonts).
    from ipbench.reports.style import CSS

    for var in ("--jp-ui-font-family", "--jp-content-font-family"):
        assert re.search(rf'body \{{[^}}]*{var}: "{FAMILY}"', CSS), var


def test_base_font_is_cached_and_rare_characters_fall_back_to_the_full_font(tmp_path, monkeypatch):
    from ipbench.reports import webfont

    monkeypatch.setenv("IPBENCH_CACHE", str(tmp_path))
    webfont.base_font.cache_clear()
    webfont.font_face_css.cache_clear()
    try:
        path, covered = webfont.base_font()
        assert path.is_file() and path.parent.parent == tmp_path
        assert ord("南") in covered and ord("（") in covered
        rare = "堃"  # a name character outside GB 2312
        with pytest.raises(UnicodeEncodeError):
            rare.encode("gb2312")
        assert ord(rare) not in covered
        html = embed_font(f"<html><head></head><body><p>王{rare}（南通）</p></body></html>")
        cmap = _embedded_font(html).getBestCmap()
        assert {ord(rare), ord("王"), ord("（")} <= set(cmap)
        # a second call reuses the file on disk
        assert webfont.base_font.__wrapped__()[0] == path
    finally:
        webfont.base_font.cache_clear()
        webfont.font_face_css.cache_clear()


def test_truetype_base_keeps_the_outlines():
    """The CFF → TrueType conversion of the base font moves no outline by more than a few
    units of the 1,000-unit em (cu2qu's tolerance is 1), and keeps advance widths."""
    from fontTools.pens.boundsPen import BoundsPen

    from ipbench.fonts import cjk_font_path
    from ipbench.reports import webfont

    text = "南通市知识产权耦合协调度（D）0.62%"
    cff = TTFont(io.BytesIO(webfont._subset(cjk_font_path(), text, flavor=None)))
    tt = TTFont(io.BytesIO(webfont._to_truetype(webfont._subset(cjk_font_path(), text, None))))
    assert "glyf" in tt and "CFF " not in tt
    cff_glyphs, tt_glyphs = cff.getGlyphSet(), tt.getGlyphSet()
    for ch in text:
        name = cff.getBestCmap()[ord(ch)]
        assert tt.getBestCmap()[ord(ch)] == name
        assert tt["hmtx"][name] == cff["hmtx"][name]
        boxes = []
        for glyphs in (cff_glyphs, tt_glyphs):
            pen = BoundsPen(glyphs)
            glyphs[name].draw(pen)
            boxes.append(pen.bounds)
        assert all(abs(a - b) <= 2 for a, b in zip(*boxes, strict=True)), (ch, boxes)
