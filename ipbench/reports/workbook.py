"""The results workbook: every table the reports show, one sheet each, bilingual headers."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pandas as pd

from ipbench.reports.labels import LABELS, bilingual, bilingual_pair
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
    # analyses of the pilots (issue 5)
    "situation": "situation_shares",
    "concentration": "situation_concentration",
    "growth": "dynamics_growth",
    "cagr": "dynamics_cagr",
    "trajectory": "dynamics_trajectory",
    "trajectory_overall": "dynamics_trajectory_overall",
    "elasticity": "dynamics_elasticity",
    "gravity": "dynamics_gravity",
    "quality": "quality",
    "intensive_industries": "intensive_industries",
    "intensive_regions": "intensive_regions",
    "intensive_region_industry": "intensive_region_industry",
    "intensive_share": "intensive_share",
    "peers": "peers",
    "guidance_industries": "guidance_industries",
    "guidance_regions": "guidance_regions",
    "targets": "targets",
    "robustness": "robustness_ranks",
    "sobol": "robustness_sensitivity",
    "sentences": None,
}
#: the sentence tables of the analysis steps, gathered on one sheet
SENTENCES = ("situation_sentences", "dynamics_sentences", "quality_sentences",
             "intensive_sentences", "peers_sentences", "guidance_sentences",
             "targets_sentences", "robustness_sentences")
#: guidance catalogues written next to the workbook (write_catalogue_xlsx)
GUIDANCE_FILES = {"guidance_industries": "guidance.xlsx",
                  "guidance_regions": "guidance_regions.xlsx"}


#: columns whose code means something else in one table (table → column → label key)
COLUMN_LABELS: dict[str, dict[str, str]] = {
    "situation_shares": {"ip": "ip_measure", "industry": "industry_measure"},
    "intensive_industries": {"intensive": "is_intensive"},
    "intensive_regions": {"intensive": "is_intensive"},
    "intensive_region_industry": {"intensive": "is_intensive"},
    "guidance_industries": {"unit": "unit_code"},
    "guidance_regions": {"unit": "unit_code"},
    "coupling": {"grade": "grade_no"},
    "catalogue": {"code": "indicator_code"},
}

#: tables whose columns are indicator or subsystem codes (named by the catalogue, with units)
NAMED_COLUMNS = {"indicators", "subindices", "normalized"}


def _header(col: str, names: dict[str, tuple[str, str]], lang: str = "zh",
            table: str = "") -> str:
    col = COLUMN_LABELS.get(table, {}).get(col, col)
    if table in NAMED_COLUMNS and col in names:  # indicator/subsystem codes: catalogue names
        return bilingual_pair(*names[col], lang=lang)
    if col in LABELS:
        return bilingual(col, lang)
    if col in names:
        return bilingual_pair(*names[col], lang=lang)
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
    regions = res["regions"].set_index("region_code")
    lang = res.lang
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".xlsx", dir=path.parent)
    os.close(fd)
    try:
        with pd.ExcelWriter(tmp, engine="xlsxwriter") as xw:
            for sheet, table in SHEETS.items():
                if table is None:
                    df = _sentences(res, lang)
                    if df is None:
                        continue
                elif table not in res:
                    continue
                else:
                    df = res[table].copy()
                if "region_code" in df.columns:
                    at = df.columns.get_loc("region_code") + 1
                    # English reports: the English name first, then the Chinese one
                    for col in ("name_zh", "name_en") if lang == "en" else ("name_zh",):
                        if col not in df.columns:
                            df.insert(at, col, df["region_code"].map(regions[col]))
                df.columns = [_header(str(c), names, lang, table or "") for c in df.columns]
                df.to_excel(xw, sheet_name=sheet, index=False)
                xw.sheets[sheet].set_column(0, len(df.columns) - 1, 16)
        os.chmod(tmp, 0o644)  # mkstemp makes 0600; published pages must be readable
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    write_guidance(res, path.parent)
    return path


def _sentences(res: Results, lang: str = "zh") -> pd.DataFrame | None:
    frames = [res[t].assign(step=t.removesuffix("_sentences")) for t in SENTENCES if t in res]
    if not frames:
        return None
    df = pd.concat(frames, ignore_index=True)
    keys = {"step": "step", "unit": "unit_code", "topic": "topic", "zh": "interpretation_zh",
            "en": "interpretation_en"}
    order = ["step", "unit", "topic", *(("en", "zh") if lang == "en" else ("zh", "en"))]
    return df[order].rename(columns={c: bilingual(keys[c], lang) for c in order})


def write_guidance(res: Results, folder: str | Path) -> list[Path]:
    """The guidance catalogues (导向目录) as Excel files with bilingual headers in ``folder``
    (next to the HTML reports): ``guidance.xlsx`` (each region's industries) and
    ``guidance_regions.xlsx``, by :func:`ipbench.analysis.guidance.write_catalogue_xlsx`
    (atomic writes). Called by :func:`write_workbook`, so the runner publishes them with the
    results workbook."""
    from ipbench.analysis.guidance import HEADERS, write_catalogue_xlsx

    out = []
    title = res.manifest.get("title", "")
    for table, name in GUIDANCE_FILES.items():
        if table not in res or res[table].empty:
            continue
        cat = res[table].set_index("unit")
        cat = cat[[c for c in cat.columns if c in HEADERS]]
        f = write_catalogue_xlsx(cat, Path(folder) / name,
                                 title=f"{title} · {bilingual('guidance_title', res.lang)}",
                                 demo=res.is_demo)
        os.chmod(f, 0o644)
        out.append(f)
    return out
