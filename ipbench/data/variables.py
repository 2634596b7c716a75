"""The vocabulary of variables (``data/variables.yaml``): base unit, kind, group, names."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, ValidationError

from ipbench.data.units import UNITS
from ipbench.errors import DataError
from ipbench.yamlio import load_data_yaml


class Variable(BaseModel):
    """One variable. ``kind`` count/amount must be non-negative; count should be whole."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    zh: str
    en: str
    unit: str
    kind: Literal["count", "money", "amount", "share"]
    group: Literal["ip", "innovation", "industry", "context"]


def load_variables(path: str | Path) -> dict[str, Variable]:
    """Read ``variables.yaml`` → ``{name: Variable}``; errors name the file and key."""
    path = Path(path)
    if not path.is_file():
        raise DataError("variables file not found", file=path)
    doc = load_data_yaml(path) or {}
    if not isinstance(doc, dict) or not isinstance(doc.get("variables") or {}, dict):
        raise DataError("expected a top-level 'variables:' mapping (name: {zh, en, unit, kind, group})", file=path)
    out: dict[str, Variable] = {}
    for name, spec in (doc.get("variables") or {}).items():
        try:
            var = Variable.model_validate(spec)
        except ValidationError as exc:
            err = exc.errors()[0]
            sub = "".join(f".{p}" for p in err["loc"])
            msg = "unknown key" if err["type"] == "extra_forbidden" else err["msg"]
            raise DataError(f"variables.{name}{sub}: {msg}", file=path) from None
        if var.unit not in UNITS:
            raise DataError(f"variables.{name}: unknown base unit", file=path, value=var.unit)
        out[str(name)] = var
    if not out:
        raise DataError("no variables defined (expected a top-level 'variables:' mapping)", file=path)
    return out


def variables_frame(variables: dict[str, Variable]) -> pd.DataFrame:
    """The vocabulary as a table (``variable, name_zh, name_en, unit, kind, group``)."""
    return pd.DataFrame(
        [
            {"variable": k, "name_zh": v.zh, "name_en": v.en, "unit": v.unit, "kind": v.kind, "group": v.group}
            for k, v in variables.items()
        ]
    )
