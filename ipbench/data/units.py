"""Units of measure and yearbook missing-value markers.

Every variable in ``data/variables.yaml`` has a base unit (元, 件, 人 …). A source states the
unit its numbers are in; the loader multiplies by the factor below to reach the base unit:
value_base = value_raw × factor(unit) × scale (``scale`` is an optional extra factor a source
may declare, e.g. for "千件").
"""

from __future__ import annotations

import unicodedata

from ipbench.errors import DataError

#: unit label -> (base unit, factor to base unit)
UNITS: dict[str, tuple[str, float]] = {
    "元": ("元", 1.0),
    "千元": ("元", 1e3),
    "万元": ("元", 1e4),
    "百万元": ("元", 1e6),
    "亿元": ("元", 1e8),
    "人": ("人", 1.0),
    "万人": ("人", 1e4),
    "人年": ("人年", 1.0),
    "万人年": ("人年", 1e4),
    "件": ("件", 1.0),
    "万件": ("件", 1e4),
    "项": ("项", 1.0),
    "万项": ("项", 1e4),
    "次": ("次", 1.0),
    "个": ("个", 1.0),
    "家": ("家", 1.0),
    "户": ("家", 1.0),
    "所": ("所", 1.0),
    "%": ("%", 1.0),
}

#: "个" is the generic counting word: it converts to any of these count units with factor 1.
GENERIC_COUNT = "个"
COUNT_UNITS = frozenset({"件", "项", "次", "个", "家", "所"})

#: Cells holding one of these are missing values, not errors: yearbooks print "—" or "…" for
#: "not available" and "-" for "not applicable". An empty cell is missing too.
MISSING_MARKERS = frozenset(
    {"", "-", "--", "—", "——", "–", "－", "―", "…", "……", "...", "/", "NA", "N/A", "n/a", "nan", "NaN", "null", "无"}
)

_UNIT_SYNONYMS = {"万 元": "万元", "亿 元": "亿元", "人·年": "人年", "人/年": "人年", "％": "%"}


def clean_unit(label: object) -> str:
    """Normalise a unit label: NFKC, strip brackets and spaces (``（万元）`` → ``万元``)."""
    text = unicodedata.normalize("NFKC", str(label)).strip().strip("()[]（）【】").strip()
    return _UNIT_SYNONYMS.get(text, text)


def factor_to_base(unit: object, base: str, *, variable: str = "") -> float:
    """Factor that converts a number in ``unit`` into ``base``; ``DataError`` if they conflict.

    >>> factor_to_base("亿元", "元")
    100000000.0
    """
    label = clean_unit(unit)
    if label not in UNITS:
        raise DataError(
            f"unknown unit {label!r} for variable {variable!r}; known units: {', '.join(UNITS)}",
            value=str(unit),
        )
    unit_base, factor = UNITS[label]
    if unit_base == base:
        return factor
    if unit_base == GENERIC_COUNT and base in COUNT_UNITS:
        return factor
    raise DataError(
        f"unit conflict: variable {variable!r} is stored in {base!r} but the source gives {label!r}"
        f" (a unit of {unit_base!r})",
        value=str(unit),
    )
