"""The results workbook: every table the reports show, one sheet each, bilingual headers."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pandas as pd

from ipbench.reports.labels import LABELS, bilingual
from ipbench.runfolder import Results

#: sheet name → (table, columns to keep or None for all)
SHEETS = {
    "composite": "composite",
    "subindices": "subindices",
    "weights": "weights",
    "ahp": "ahp",
    "coupling": "coupling",
    "indicators": "indicators",
    "industry": "industry_profile",
    "catalogue": "catalogue",
    "imputation": "imputation_log",
    "treatment": "treatment",
}


def _header(col: str, names: dict[str, tuple[str, str]]) -> str:
    if col in LABELS:
        return bilingual(col)
    if col in names:
        zh, en = names[col]
        return f"{zh} / {en}"
    return col


def write_workbook(res: Results, path: str | Path) -> Path:
    """Write the workbook atomically (temp file, then rename)."""
    path = Path(path)
    cat = res["catalogue"]
    names = {r.code: (r.name_zh, r.name_en) for r in cat.itertuples()}
    subs = cat.drop_duplicates("subsystem")
    names.update({r.subsystem: (r.subsystem_zh, r.subsystem_en) for r in subs.itertuples()})
    names.update({"name_zh": ("名称", "Name (zh)"), "name_en": ("英文名称", "Name (en)"),
                  "grade_zh": ("协调等级", "Grade (zh)"), "grade_en": ("协调等级(英文)", "Grade"),
                  "type_zh": ("发展类型", "Type (zh)"), "type_en": ("发展类型(英文)", "Type"),
                  "a": ("子系统1", "Subsystem 1"), "b": ("子系统2", "Subsystem 2")})
    regions = res["regions"].set_index("region_code")["name_zh"]
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".xlsx", dir=path.parent)
    os.close(fd)
    try:
        with pd.ExcelWriter(tmp, engine="xlsxwriter") as xw:
            for sheet, table in SHEETS.items():
                if table not in res:
                    continue
                df = res[table].copy()
                if "region_code" in df.columns:
                    df.insert(df.columns.get_loc("region_code") + 1, "name_zh",
                              df["region_code"].map(regions))
                df.columns = [_header(str(c), names) for c in df.columns]
                df.to_excel(xw, sheet_name=sheet, index=False)
                xw.sheets[sheet].set_column(0, len(df.columns) - 1, 16)
        os.chmod(tmp, 0o644)  # mkstemp makes 0600; published pages must be readable
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
