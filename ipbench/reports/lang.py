"""The one language helper of the reports: labels, bilingual column pairs, names of codes.

Every place a report switches between Chinese and English goes through a :class:`Lang`:
``t(key)`` for a label, ``pick(zh, en)`` for a literal pair, ``col(frame, "type")`` for the
``type_zh``/``type_en`` column of a table, ``names(dim)`` for code → name maps.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from ipbench.reports.labels import LABELS, label


@dataclass(frozen=True)
class Lang:
    code: str = "zh"

    @property
    def en(self) -> bool:
        return self.code == "en"

    def t(self, key: str) -> str:
        """The label of ``key`` (labels.LABELS); unknown keys are returned as they are."""
        return label(key, self.code) if key in LABELS else key

    def pick(self, zh: Any, en: Any) -> Any:
        return en if self.en else zh

    def col(self, frame: pd.DataFrame, base: str) -> pd.Series:
        """``frame[base + "_en"]`` or ``frame[base + "_zh"]`` (or ``frame[base]``/``"en"``)."""
        for name in (f"{base}_{self.code}", self.code if base == "" else ""):
            if name and name in frame.columns:
                return frame[name]
        return frame[base]

    def names(self, dim: pd.DataFrame, key: str) -> dict[str, str]:
        """code → name in this language from a dimension table (``name_zh``/``name_en``);
        an empty English name falls back to the Chinese one."""
        zh = dim["name_zh"].astype(str) if "name_zh" in dim else dim[key].astype(str)
        en = dim["name_en"] if "name_en" in dim else zh
        name = en.where(en.notna() & (en.astype(str) != ""), zh).astype(str) if self.en else zh
        return dict(zip(dim[key].astype(str), name, strict=True))
