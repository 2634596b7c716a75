"""Tests for ipbench.fonts: Chinese text renders with the bundled fonts, no missing glyphs."""

from __future__ import annotations

import warnings
from pathlib import Path

import matplotlib as mpl
import pytest

mpl.use("Agg")

from matplotlib import font_manager  # noqa: E402
from matplotlib import pyplot as plt  # noqa: E402

from ipbench.errors import InputError  # noqa: E402
from ipbench.fonts import BUNDLED_FONTS, cjk_font_path, use_cjk_font  # noqa: E402

TEXT = "江苏省专利密集型产业 · 知识产权区域布局 −0.5"


@pytest.fixture(autouse=True)
def _restore_rc():
    with mpl.rc_context():
        yield
    plt.close("all")


def _missing_glyph_warnings(path: Path) -> list[str]:
    """Render TEXT to PNG at ``path`` and return matplotlib's missing-glyph warnings."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig, ax = plt.subplots(figsize=(4, 2))
        ax.set_title(TEXT)
        ax.plot([-1, 0, 1], [1, -1, 0])
        ax.set_xlabel("年份 year")
        fig.savefig(path, format="png")
        plt.close(fig)
    return [str(w.message) for w in caught if "missing from font" in str(w.message)]


def test_without_cjk_font_glyphs_are_missing(tmp_path):
    """Control: the default DejaVu font lacks Han glyphs, so the capture below can fail."""
    mpl.rcParams["font.family"] = "sans-serif"
    mpl.rcParams["font.sans-serif"] = ["DejaVu Sans"]
    assert _missing_glyph_warnings(tmp_path / "control.png")


@pytest.mark.parametrize("family", ["Noto Sans CJK SC", "SimHei"])
def test_use_cjk_font_renders_chinese_without_missing_glyphs(tmp_path, family):
    name = use_cjk_font(family)
    assert name == family
    out = tmp_path / "zh.png"
    assert _missing_glyph_warnings(out) == []
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert mpl.rcParams["axes.unicode_minus"] is False


def test_use_cjk_font_is_idempotent():
    use_cjk_font()
    use_cjk_font()
    path = cjk_font_path()
    registered = [e for e in font_manager.fontManager.ttflist if Path(e.fname) == path]
    assert len({(e.fname, e.name) for e in registered}) == len(registered)
    assert mpl.rcParams["font.sans-serif"].count("Noto Sans CJK SC") == 1
    assert mpl.rcParams["font.sans-serif"][0] == "Noto Sans CJK SC"


def test_serif_family_goes_to_serif_list():
    name = use_cjk_font("Noto Serif CJK SC")
    assert mpl.rcParams["font.family"] == [name, "DejaVu Serif"]
    assert mpl.rcParams["font.serif"][0] == name


def test_every_bundled_font_file_exists():
    for family in BUNDLED_FONTS:
        assert cjk_font_path(family).is_file()


def test_unknown_font_is_an_error():
    with pytest.raises(InputError, match="Comic"):
        use_cjk_font("Comic Sans CJK")
