"""Industry dimension (``data/industries.yaml``): pilot key industries and GB/T 4754 classes.

``ALL`` is the whole economy. A source may name an industry by code (``MARINE``, ``C27``), by
Chinese or English name; matching ignores case and spaces.
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ipbench.data.loaders import norm_label
from ipbench.errors import DataError
from ipbench.yamlio import load_data_yaml

TOTAL = "ALL"


class Industry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    code: str
    zh: str
    en: str
    classification: Literal["total", "pilot", "gbt4754"]
    level: int = Field(ge=0)
    parent: str | None = None
    gbt4754: list[str] = Field(default_factory=list)


def load_industries(path: str | Path) -> pd.DataFrame:
    """``industry_code, name_zh, name_en, classification, level, parent_code, gbt4754``."""
    path = Path(path)
    if not path.is_file():
        raise DataError("industries file not found", file=path)
    doc = load_data_yaml(path) or {}
    if not isinstance(doc, dict) or not isinstance(doc.get("industries") or [], list):
        raise DataError("expected a top-level 'industries:' list", file=path)
    rows = []
    for i, item in enumerate(doc.get("industries") or []):
        try:
            ind = Industry.model_validate(item)
        except ValidationError as exc:
            err = exc.errors()[0]
            key = ".".join(str(p) for p in err["loc"])
            raise DataError(f"industries[{i}].{key}: {err['msg']}", file=path) from None
        rows.append(
            {
                "industry_code": ind.code,
                "name_zh": ind.zh,
                "name_en": ind.en,
                "classification": ind.classification,
                "level": ind.level,
                "parent_code": ind.parent,
                "gbt4754": ",".join(ind.gbt4754),
            }
        )
    table = pd.DataFrame(rows)
    if table.empty or TOTAL not in set(table.industry_code):
        raise DataError(f"industries must include the whole-economy code {TOTAL}", file=path)
    dup = table.industry_code[table.industry_code.duplicated()]
    if len(dup):
        raise DataError("duplicate industry code", file=path, value=dup.iloc[0])
    orphans = set(table.parent_code.dropna()) - set(table.industry_code)
    if orphans:
        raise DataError("industry parent is not a known code", file=path, value=sorted(orphans)[0])
    return table


class IndustryIndex:
    """Resolve industry codes/names to codes."""

    def __init__(self, table: pd.DataFrame) -> None:
        self.table = table
        self._lookup: dict[str, str] = {}
        for code, zh, en in table[["industry_code", "name_zh", "name_en"]].itertuples(index=False):
            for key in (code, zh, en):
                self._lookup[norm_label(key).lower()] = code

    def resolve(self, value: object) -> str:
        key = norm_label(value).lower()
        if key in self._lookup:
            return self._lookup[key]
        hits = difflib.get_close_matches(key, list(self._lookup), n=3, cutoff=0.5)
        hint = f"; did you mean {', '.join(self._lookup[h] for h in hits)}?" if hits else ""
        raise DataError(f"unknown industry {str(value)!r} (not in data/industries.yaml){hint}", value=value)
