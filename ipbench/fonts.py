"""Chinese fonts for matplotlib on a machine without system CJK fonts.

The ``mplfonts`` package ships CJK font files inside the wheel (Noto Sans/Serif CJK SC,
Source Han Serif SC, SimHei). :func:`use_cjk_font` registers one of them with matplotlib's
font manager (``font_manager.fontManager.addfont``) and puts it first in the font-family list.
Nothing is downloaded and nothing is written: unlike ``mplfonts.bin`` (which copies fonts into
matplotlib's data folder and rewrites ``matplotlibrc``), this only changes the running process.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import matplotlib as mpl
from matplotlib import font_manager

from ipbench.errors import InputError

#: family name → (file inside ``mplfonts/fonts``, matplotlib generic family it serves).
BUNDLED_FONTS: dict[str, tuple[str, str]] = {
    "Noto Sans CJK SC": ("NotoSansCJKsc-Regular.otf", "sans-serif"),
    "Noto Serif CJK SC": ("NotoSerifCJKsc-Regular.otf", "serif"),
    "Source Han Serif SC": ("SourceHanSerifSC-Regular.otf", "serif"),
    "SimHei": ("SimHei.ttf", "sans-serif"),
}
#: matplotlib's own fonts, always present: fallback for glyphs a CJK font lacks (e.g. U+2212).
_FALLBACK = {"sans-serif": "DejaVu Sans", "serif": "DejaVu Serif"}
DEFAULT_FONT = "Noto Sans CJK SC"


def _mplfonts_dir() -> Path:
    """Folder of the font files bundled with ``mplfonts`` (found without importing it)."""
    spec = importlib.util.find_spec("mplfonts")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError(
            "the mplfonts package is not installed; it provides the bundled CJK fonts"
            " (pip install mplfonts)"
        )
    return Path(next(iter(spec.submodule_search_locations))) / "fonts"


def cjk_font_path(family: str = DEFAULT_FONT) -> Path:
    """Path of the bundled font file for ``family`` (one of :data:`BUNDLED_FONTS`)."""
    if family not in BUNDLED_FONTS:
        raise InputError(
            f"unknown CJK font {family!r}; bundled fonts are {sorted(BUNDLED_FONTS)}"
        )
    path = _mplfonts_dir() / BUNDLED_FONTS[family][0]
    if not path.is_file():
        raise ImportError(f"font file {path} is missing from the mplfonts installation")
    return path


def use_cjk_font(family: str = DEFAULT_FONT) -> str:
    """Register a bundled CJK font and make matplotlib use it first; return its family name.

    Sets ``font.family`` to ``[font, DejaVu Sans|Serif]`` (matplotlib ≥ 3.6 falls back along
    this list glyph by glyph, so a character the CJK font lacks, such as U+2212 in SimHei, comes
    from DejaVu), puts the font first in ``font.sans-serif`` (or ``font.serif``) for code asking
    for the generic family, and sets ``axes.unicode_minus = False`` (tick labels then use the
    ASCII hyphen, present in every font). Idempotent: calling it again neither registers the
    file twice nor grows the lists.
    """
    path = cjk_font_path(family)
    manager = font_manager.fontManager
    if not any(Path(entry.fname) == path for entry in manager.ttflist):
        manager.addfont(str(path))
    name = font_manager.FontProperties(fname=str(path)).get_name()
    generic = BUNDLED_FONTS[family][1]
    key = f"font.{generic}"
    mpl.rcParams["font.family"] = [name, _FALLBACK[generic]]
    mpl.rcParams[key] = [name] + [f for f in mpl.rcParams[key] if f != name]
    mpl.rcParams["axes.unicode_minus"] = False
    return name
