"""The results workbook: every table the reports show, one sheet each, bilingual headers."""

from __future__ import annotations

import numbers
import os
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from ipbench.reports.labels import LABELS, bilingual, bilingual_pair, label
from ipbench.runfolder import Results

#: sheet key → table (None: the interpretation sentences); the sheet's name is the label of
#: the key in the report's language (SHEET_NAMES)
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
    "skipped": "skipped",
    "sentences": None,
}
#: columns of the result tables that hold a value as the reports show it (text), beside the
#: exact value the workbook gives
SHOWN_ONLY = ("D_text", "D_first_text", "D_last_text")
#: sheet key → (中文, English) sheet name (Excel: at most 31 characters)
SHEET_NAMES: dict[str, tuple[str, str]] = {
    "about": ("说明", "About"), "composite": ("综合得分", "Composite"),
    "subindices": ("分项指数", "Sub-indices"), "weights": ("指标权重", "Weights"),
    "ahp": ("层次分析法", "AHP"), "coupling": ("耦合协调度", "Coupling"),
    "indicators": ("指标值", "Indicators"), "industry": ("产业概况", "Industries"),
    "catalogue": ("指标体系", "Catalogue"), "imputation": ("缺失值插补", "Imputation"),
    "treatment": ("异常值处理", "Treatment"), "situation": ("份额与区位熵", "Shares and LQ"),
    "concentration": ("集中度", "Concentration"), "growth": ("增长率", "Growth"),
    "cagr": ("年均复合增长率", "CAGR"), "trajectory": ("耦合协调度演变", "D trajectory"),
    "trajectory_overall": ("等级变化", "Grade changes"), "elasticity": ("弹性", "Elasticity"),
    "gravity": ("重心", "Centres of gravity"), "quality": ("布局质量", "Quality"),
    "intensive_industries": ("密集型产业", "Intensive industries"),
    "intensive_regions": ("密集型区域", "Intensive regions"),
    "intensive_region_industry": ("产业内区域密集度", "Regions within industries"),
    "intensive_share": ("密集型产业增加值占比", "Intensive VA share"),
    "peers": ("对标比较", "Peers"), "guidance_industries": ("产业导向", "Guidance industries"),
    "guidance_regions": ("区域导向", "Guidance regions"), "targets": ("规划目标", "Targets"),
    "robustness": ("排名稳健性", "Robustness"), "sobol": ("Sobol指数", "Sobol"),
    "skipped": ("未开展的分析", "Skipped analyses"), "sentences": ("解读", "Interpretation"),
}


def sheet_name(key: str, lang: str = "zh") -> str:
    zh, en = SHEET_NAMES.get(key, (key, key))
    return (en if lang == "en" else zh)[:31]


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
    "intensive_regions": {"intensive": "is_intensive"},
    "intensive_region_industry": {"intensive": "is_intensive"},
    "guidance_industries": {"unit": "unit_code"},
    "guidance_regions": {"unit": "unit_code"},
    "coupling": {"grade": "grade_no", "pair_zh": "pair_name_zh", "pair_en": "pair_name_en"},
    "catalogue": {"code": "indicator_code"},
    "dynamics_growth": {"role": "variable_role"},
    "dynamics_cagr": {"role": "variable_role"},
    "dynamics_gravity": {"lon": "centre_lon", "lat": "centre_lat", "bearing": "bearing_deg"},
    "intensive_industries": {"intensive": "is_intensive", "basis": "intensive_basis"},
    "skipped": {"part": "skip_part_col", "key": "skip_key_col", "missing": "skip_missing_col",
                "reason_zh": "skip_reason_zh", "reason_en": "skip_reason_en", "how": "skip_how_en",
                "how_zh": "skip_how_zh"},
}

#: tables whose columns are indicator or subsystem codes (named by the catalogue, with units)
NAMED_COLUMNS = {"indicators", "subindices", "normalized"}


def _header(col: str, names: dict[str, tuple[str, str]], lang: str = "zh",
            table: str = "") -> str:
    if col.endswith("_name") and col.removesuffix("_name") in CODE_COLUMNS:
        base = _header(col.removesuffix("_name"), names, lang, table)
        return f"{base} · {'name' if lang == 'en' else '名称'}"
    col = COLUMN_LABELS.get(table, {}).get(col, col)
    if table in NAMED_COLUMNS and col in names:  # indicator/subsystem codes: catalogue names
        return bilingual_pair(*names[col], lang=lang)
    if col in LABELS:
        return bilingual(col, lang)
    if col in names:
        return bilingual_pair(*names[col], lang=lang)
    return col


#: columns holding codes, and the dimension whose names are put beside them
CODE_COLUMNS = {"region_code": "region", "unit": "region", "best_unit": "region",
                "top_unit": "region", "industry_code": "industry", "indicator": "indicator",
                "subsystem": "subsystem", "a": "subsystem", "b": "subsystem",
                "lagging": "subsystem", "pair": "pair"}


def _names_of(res: Results, lang: str) -> dict[str, dict[str, str]]:
    from ipbench.reports.lang import Lang

    lg = Lang(lang)
    cat = res["catalogue"]
    subs = cat.drop_duplicates("subsystem")
    sub = dict(zip(subs["subsystem"], lg.col(subs, "subsystem"), strict=True))
    pairs = {str(m["name"]): f"{sub.get(m['subsystems'][0], m['subsystems'][0])} ↔ "
             f"{sub.get(m['subsystems'][1], m['subsystems'][1])}"
             for m in res.params.get("matching", [])}
    return {"region": lg.names(res["regions"], "region_code"),
            "industry": lg.names(res["industries"], "industry_code"),
            "indicator": dict(zip(cat["code"], lg.col(cat, "name"), strict=True)),
            "subsystem": sub, "pair": pairs}


def _table_format(res: Results, table: str, col: str, values: pd.Series) -> object:
    """Formats that depend on the table: persons vs 万人, 元 vs 亿元, configured variables."""
    from ipbench.reports import fmt
    from ipbench.reports.views.base import _variables

    if table.startswith("intensive_") and col == "employment":
        return fmt.Format("amount", 2, 1e-4, "万人", "10k persons")
    if table == "industry_profile":
        return {"employment": fmt.Format("amount", 2, 1.0, "万人", "10k persons"),
                "value_added": fmt.Format("money", 2, 1.0, "亿元", "100m yuan"),
                "patents": fmt.COLUMNS["patents"]}.get(col)
    if table == "intensive_share" and col in ("value_added_intensive", "gdp"):
        return fmt.for_unit("元", "money", values)
    if table == "situation_shares" and col in ("ip", "industry", "population"):
        var = (res.params.get("situation", {}) or {}).get(col, "")
        v = _variables().get(str(var))
        return fmt.for_unit(v[2], v[3], values) if v else None
    return None


def _excel_format(col: str, values: pd.Series, units: dict[str, str],
                  f: object = None) -> tuple[str, float, str]:
    """(Excel number format, scale, unit for the header) of a column by the formatting policy."""
    from ipbench.reports import fmt

    f = f or fmt.column_format(col)
    if f is None and col in units:
        f = fmt.for_unit(units[col], None, values)
    if f is None:
        f = fmt.auto_format(values) if pd.api.types.is_numeric_dtype(values) else None
    if f is None:
        return "", 1.0, ""
    if f.kind == "fraction":
        return "0.0%", 1.0, ""
    if f.kind == "year":
        return "0", 1.0, ""
    pattern = "#,##0" + ("." + "0" * f.decimals if f.decimals else "")
    return pattern, f.scale, f.unit_zh


def write_workbook(res: Results, path: str | Path) -> Path:
    """Write the workbook atomically (temp file, then rename): a first sheet with provenance
    and the list of sheets, then one sheet per table with sheet names in the report's
    language, names beside codes, number formats per unit, frozen header, filters, widths."""
    from ipbench.reports.provenance import provenance

    path = Path(path)
    cat = res["catalogue"]
    names = {r.code: (r.name_zh, r.name_en) for r in cat.itertuples()}
    subs = cat.drop_duplicates("subsystem")
    names.update({r.subsystem: (r.subsystem_zh, r.subsystem_en) for r in subs.itertuples()})
    names.update({"name_zh": ("名称", "Name (zh)"), "name_en": ("英文名称", "Name (en)"),
                  "grade_zh": ("协调等级", "Grade (zh)"), "grade_en": ("协调等级(英文)", "Grade"),
                  "type_zh": ("发展类型", "Type (zh)"), "type_en": ("发展类型(英文)", "Type"),
                  "a": ("子系统1代码", "Subsystem 1 code"), "b": ("子系统2代码", "Subsystem 2 code")})
    units = dict(zip(cat["code"], cat["unit"].astype(str), strict=True))
    lang = res.lang
    dims = _names_of(res, lang)
    regions = res["regions"].set_index("region_code")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".xlsx", dir=path.parent)
    os.close(fd)
    written: list[tuple[str, str]] = []
    try:
        with pd.ExcelWriter(tmp, engine="xlsxwriter") as xw:
            book = xw.book
            head_fmt = book.add_format({"bold": True, "bg_color": "#F1F4F8", "text_wrap": True,
                                        "valign": "top", "border": 1})
            about = book.add_worksheet(sheet_name("about", lang))
            for key, table in SHEETS.items():
                if table is None:
                    df = _sentences(res, lang)
                    if df is None:
                        continue
                elif table not in res or res[table] is None or not len(res[table].columns):
                    continue
                else:  # exact values only: the reports' display texts are left out
                    df = res[table].drop(columns=list(SHOWN_ONLY), errors="ignore")
                df = _with_names(df, dims, regions, lang)
                for c in df.columns[[pd.api.types.is_bool_dtype(t) or pd.api.types.is_object_dtype(t)
                                     for t in df.dtypes]]:
                    df[c] = df[c].map(lambda v: _yes_no(v, lang))
                heads, formats = [], []
                for c in df.columns:
                    special = _table_format(res, table or "", str(c), df[c])
                    f, scale, unit = _excel_format(str(c), df[c], units, special) \
                        if pd.api.types.is_numeric_dtype(df[c]) else ("", 1.0, "")
                    if scale != 1.0:
                        df[c] = df[c] * scale
                    h = _header(str(c), names, lang, table or "")
                    heads.append(f"{h} ({unit})" if unit and unit not in h else h)
                    formats.append(book.add_format({"num_format": f}) if f else None)
                df.columns = heads
                name = sheet_name(key, lang)
                ws = book.add_worksheet(name)
                xw.sheets[name] = ws
                for j in range(df.shape[1]):
                    ws.write_column(1, j, _cells(df.iloc[:, j]))
                for j, h in enumerate(heads):
                    ws.write(0, j, h, head_fmt)
                    text = df.iloc[:, j].astype(str)
                    width = min(60, max(8, len(h) * 1.2 if h.isascii() else len(h) * 2,
                                        int(text.str.len().fillna(0).max() if len(text) else 0) + 2))
                    ws.set_column(j, j, width, formats[j])
                ws.freeze_panes(1, 0)
                ws.autofilter(0, 0, max(len(df), 1), len(heads) - 1)
                written.append((name, table or "sentences"))
            _about(about, res, written, lang, head_fmt, provenance(res.manifest))
        os.chmod(tmp, 0o644)  # mkstemp makes 0600; published pages must be readable
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    write_guidance(res, path.parent)
    return path


def _cells(col: pd.Series) -> list[object]:
    """A column's values as Excel cells: numbers as numbers, missing values blank (None),
    ±inf as the text "inf"/"-inf" (as ``DataFrame.to_excel`` writes them), dates as ISO
    text; written with ``write_column``, three times faster than ``to_excel``'s cell objects."""
    if pd.api.types.is_datetime64_any_dtype(col):
        return [None if pd.isna(v) else v.isoformat() for v in col]
    if pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col):
        col = col.to_numpy(dtype=float, na_value=np.nan)
    return [_cell(v) for v in col.tolist()]


def _cell(v: object) -> object:
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, str):
        return v
    if isinstance(v, numbers.Number) and not isinstance(v, bool | np.bool_):
        f = float(v)  # type: ignore[arg-type]
        return None if f != f else ("inf" if f == np.inf else "-inf" if f == -np.inf else v)
    return str(v)


def _yes_no(v: object, lang: str) -> object:
    if isinstance(v, bool | np.bool_):
        return ("yes" if v else "no") if lang == "en" else ("是" if v else "否")
    return v


def _with_names(df: pd.DataFrame, dims: dict[str, dict[str, str]], regions: pd.DataFrame,
                lang: str) -> pd.DataFrame:
    """A name column right after each code column (English reports: English, then Chinese)."""
    for col, dim in CODE_COLUMNS.items():
        if col not in df.columns or f"{col}_name" in df.columns:
            continue
        at = df.columns.get_loc(col) + 1
        if col == "region_code":
            for c in ("name_en", "name_zh") if lang == "en" else ("name_zh",):
                if c not in df.columns:
                    df.insert(at, c, df["region_code"].map(regions[c]))
                    at += 1
            continue
        if col in ("unit",) and "name" in df.columns:
            continue
        mapped = df[col].astype(str).map(dims[dim])
        if mapped.notna().any():
            df.insert(at, f"{col}_name", mapped)
    return df


def _about(ws: object, res: Results, sheets: list[tuple[str, str]], lang: str, head: object,
           facts: dict) -> None:
    """First sheet: title, demo banner, provenance, and the list of sheets."""
    en = lang == "en"
    ws.set_column(0, 0, 28)
    ws.set_column(1, 1, 90)
    ws.write(0, 0, res.manifest.get("title", ""), head)
    row = 1
    if facts.get("demo"):
        ws.write(row, 0, label("demo_banner", lang))
        row += 1
    for key in ("params_file", "params_hash", "data_fingerprint", "ipbench_version", "run_time",
                "run_id"):
        ws.write(row, 0, label(key, lang))
        ws.write(row, 1, str(facts.get(key, "")))
        row += 1
    row += 1
    ws.write(row, 0, "Sheets" if en else "工作表", head)
    ws.write(row, 1, "Contents" if en else "内容", head)
    for name, table in sheets:
        row += 1
        ws.write_url(row, 0, f"internal:'{name}'!A1", string=name)
        ws.write(row, 1, _describe(table, lang))


def _describe(table: str, lang: str) -> str:
    key = {"composite": "score", "subindices": "subindices", "weights": "weights",
           "coupling": "coupling", "industry_profile": "profile", "robustness_ranks": "robustness",
           "sentences": "interpretation", "peers": "peers", "targets": "targets",
           "quality": "quality", "situation_shares": "situation", "skipped": "skipped_title",
           "guidance_industries": "guidance_industries", "guidance_regions": "guidance_regions",
           "dynamics_trajectory": "trajectory", "dynamics_elasticity": "elasticity",
           "dynamics_gravity": "gravity", "dynamics_cagr": "cagr", "dynamics_growth": "growth",
           "situation_concentration": "concentration", "robustness_sensitivity": "S1",
           "intensive_industries": "intensive", "intensive_regions": "intensive",
           "intensive_region_industry": "intensive", "intensive_share": "intensive_va_share_gdp",
           }.get(table)
    return label(key, lang) if key in LABELS else table


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
