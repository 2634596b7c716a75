"""Guidance catalogue (导向目录): quadrants of IP advantage × industry advantage.

Rule [M: design choice, after the improved quadrant map of 张莉, 单晓光 2021 (科技进步与对策
38(15)) — not an official CNIPA formula]:

* IP advantage a_i (e.g. patent location quotient) and industry advantage b_i (e.g. value-
  added location quotient) are compared with cut-offs (default 1, the LQ of the reference
  average; ``"mean"``/``"median"`` use the units' mean/median instead).
* A value within ``tolerance`` of its cut (|a − cut| ≤ tolerance·|cut|) is a tie; when the
  side's growth (``ip_growth`` / ``industry_growth``) is given, the tie goes above the cut if
  the growth exceeds ``growth_cut`` (default 0, i.e. growing) and below otherwise; without a
  growth the plain comparison a ≥ cut decides.
* Quadrants: IP ≥ & industry ≥ → 优势型 Advantaged; IP ≥ & industry < → 潜力型 Potential
  (IP ahead of industry); IP < & industry ≥ → 短板型 Weak link (industry strong, IP lagging);
  both < → 一般型 Ordinary.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ipbench.analysis._inputs import align, as_series
from ipbench.analysis.interpretation import Sentence, label
from ipbench.errors import InputError

QUADRANTS: dict[str, dict[str, str]] = {
    "advantaged": {
        "zh": "优势型",
        "en": "Advantaged",
        "direction_zh": "巩固提升：培育高价值专利组合，开展专利导航与布局，支撑产业向价值链高端发展。",
        "direction_en": "Consolidate and upgrade: build high-value patent portfolios, use patent"
        " navigation, and support moves up the value chain.",
    },
    "potential": {
        "zh": "潜力型",
        "en": "Potential",
        "direction_zh": "促进转化：推动专利转让、许可和质押融资，孵化企业，将技术优势转化为产业优势。",
        "direction_en": "Convert: promote patent transfer, licensing and pledge financing and"
        " incubate firms, turning the technology lead into industry.",
    },
    "weak_link": {
        "zh": "短板型",
        "en": "Weak link",
        "direction_zh": "补齐短板：加大研发与专利创造投入，引进关键技术和专利，防范知识产权风险。",
        "direction_en": "Close the gap: invest in R&D and patent creation, acquire key"
        " technologies and patents, and manage IP risks.",
    },
    "ordinary": {
        "zh": "一般型",
        "en": "Ordinary",
        "direction_zh": "择优培育：跟踪监测，对增长较快的细分领域予以重点扶持。",
        "direction_en": "Support selectively: monitor, and back the fastest-growing niches.",
    },
}

# Bilingual Excel headers of the catalogue columns.
HEADERS: dict[str, str] = {
    "unit": "单元 Unit",
    "name": "名称 Name",
    "ip_advantage": "知识产权优势 IP advantage",
    "industry_advantage": "产业优势 Industry advantage",
    "ip_growth": "知识产权增长 IP growth",
    "industry_growth": "产业增长 Industry growth",
    "ip_high": "知识产权高于门槛 IP above cut",
    "industry_high": "产业高于门槛 Industry above cut",
    "decided_by": "判定依据 Decided by",
    "quadrant": "类型代码 Type code",
    "type_zh": "类型 Type (中文)",
    "type_en": "类型 Type (English)",
    "direction_zh": "推荐方向（中文）",
    "direction_en": "Recommended direction (English)",
}


def _cut(values: pd.Series, cut: float | str, name: str) -> float:
    if isinstance(cut, str):
        if cut == "mean":
            return float(values.mean())
        if cut == "median":
            return float(values.median())
        raise InputError(f"{name} must be a number, 'mean' or 'median', got {cut!r}")
    return float(cut)


def _side(a: pd.Series, cut: float, tol: float, growth: pd.Series | None, growth_cut: float) -> tuple[pd.Series, pd.Series]:
    high = a >= cut
    by = pd.Series("level", index=a.index, dtype="string")
    if growth is not None:
        tie = (a - cut).abs() <= tol * abs(cut)
        high = high.where(~tie, growth > growth_cut)
        by = by.where(~tie, "growth")
    return high.astype(bool), by


def guidance_catalogue(
    ip_advantage: Any,
    industry_advantage: Any,
    ip_growth: Any = None,
    industry_growth: Any = None,
    ip_cut: float | str = 1.0,
    industry_cut: float | str = 1.0,
    tolerance: float = 0.05,
    growth_cut: float = 0.0,
    names: Mapping[Any, Any] | None = None,
) -> pd.DataFrame:
    """Classify units (industries or regions) into the four guidance quadrants.

    See the module docstring for the rule. Returns one row per unit with the evidence:
    ``ip_advantage``, ``industry_advantage``, (growths), ``ip_high``, ``industry_high``,
    ``decided_by`` ("level", or "growth: ip/industry" when a growth broke a tie),
    ``quadrant`` (advantaged/potential/weak_link/ordinary), ``type_zh``, ``type_en``,
    ``direction_zh``, ``direction_en`` and, with ``names``, ``name``. Sorted by quadrant,
    then IP advantage descending.
    """
    a = as_series(ip_advantage, "ip_advantage")
    b = align(a, as_series(industry_advantage, "industry_advantage"), "ip_advantage", "industry_advantage")[1]
    if tolerance < 0:
        raise InputError(f"tolerance must be >= 0, got {tolerance!r}")
    ga = None if ip_growth is None else align(a, as_series(ip_growth, "ip_growth"), "ip_advantage", "ip_growth")[1]
    gb = (None if industry_growth is None else
          align(a, as_series(industry_growth, "industry_growth"), "ip_advantage", "industry_growth")[1])
    ca, cb = _cut(a, ip_cut, "ip_cut"), _cut(b, industry_cut, "industry_cut")
    ha, bya = _side(a, ca, tolerance, ga, growth_cut)
    hb, byb = _side(b, cb, tolerance, gb, growth_cut)
    quad = np.select([ha & hb, ha & ~hb, ~ha & hb], ["advantaged", "potential", "weak_link"], "ordinary")
    out = pd.DataFrame({"ip_advantage": a, "industry_advantage": b}, index=a.index)
    if names is not None:
        out.insert(0, "name", [label(u, names, "zh") for u in a.index])
    if ga is not None:
        out["ip_growth"] = ga
    if gb is not None:
        out["industry_growth"] = gb
    out["ip_high"], out["industry_high"] = ha, hb
    decided = []
    for u in a.index:
        parts = [s for s, by in (("ip", bya[u]), ("industry", byb[u])) if by == "growth"]
        decided.append("growth: " + "/".join(parts) if parts else "level")
    out["decided_by"] = decided
    out["quadrant"] = quad
    for key in ("zh", "en", "direction_zh", "direction_en"):
        out["type_" + key if key in ("zh", "en") else key] = [QUADRANTS[q][key] for q in quad]
    order = {q: i for i, q in enumerate(QUADRANTS)}
    out = out.assign(_o=[order[q] for q in quad]).sort_values(["_o", "ip_advantage"], ascending=[True, False])
    out = out.drop(columns="_o")
    out.attrs["cuts"] = {"ip_cut": ca, "industry_cut": cb, "tolerance": tolerance, "growth_cut": growth_cut}
    return out


def write_catalogue_xlsx(
    catalogue: pd.DataFrame,
    path: str | os.PathLike[str],
    title: str = "知识产权导向目录 IP guidance catalogue",
    demo: bool = False,
) -> Path:
    """Write the catalogue to an .xlsx workbook with bilingual headers, atomically.

    Sheet "导向目录 Catalogue" holds the table (header row 1, frozen); sheet "说明 Notes"
    the rule, cut-offs and, when ``demo``, the banner 「示例数据 · demo data, not official
    statistics」. The file is written to a temporary file in the target folder and renamed
    over ``path`` (``os.replace``), so readers never see a half-written workbook.
    """
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise InputError(f"the catalogue is written as .xlsx, got {path.name!r}")
    if not path.parent.is_dir():
        raise InputError(f"folder {str(path.parent)!r} does not exist")
    unknown = [c for c in catalogue.columns if c not in HEADERS]
    if unknown:
        raise InputError(f"catalogue has columns without a bilingual header: {unknown}")
    table = catalogue.rename_axis("unit").reset_index()
    table["unit"] = table["unit"].astype(str)
    table = table.rename(columns=HEADERS)
    cuts = catalogue.attrs.get("cuts", {})
    notes = [title]
    if demo:
        notes.append("示例数据 · demo data, not official statistics")
    notes += [
        "规则 Rule: 知识产权优势 × 产业优势四象限，增长率用于门槛附近的判定"
        " (IP advantage × industry advantage quadrants; growth breaks ties near the cut-offs).",
        *(f"{k} = {v:g}" for k, v in cuts.items()),
        *(f"{v['zh']} {v['en']}: {v['direction_zh']} / {v['direction_en']}" for v in QUADRANTS.values()),
    ]
    fd, tmp = tempfile.mkstemp(suffix=".xlsx", prefix=f".{path.stem}.", dir=path.parent)
    os.close(fd)
    try:
        with pd.ExcelWriter(tmp, engine="xlsxwriter") as xw:
            table.to_excel(xw, sheet_name="导向目录 Catalogue", index=False)
            ws = xw.sheets["导向目录 Catalogue"]
            ws.freeze_panes(1, 0)
            for j, col in enumerate(table.columns):
                width = 60 if str(col).startswith(("推荐", "Recommended")) else max(14, len(str(col)) + 4)
                ws.set_column(j, j, width)
            pd.DataFrame({"说明 Notes": notes}).to_excel(xw, sheet_name="说明 Notes", index=False)
            xw.sheets["说明 Notes"].set_column(0, 0, 120)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return path


def describe_guidance(catalogue: pd.DataFrame, names: Mapping[Any, Any] | None = None, max_listed: int = 4) -> Sentence:
    """Sentence: how many units fall in each quadrant, listing the advantaged and weak links."""
    counts = catalogue["quadrant"].value_counts()
    zh_parts = [f"{QUADRANTS[q]['zh']}{int(counts.get(q, 0))}个" for q in QUADRANTS]
    en_parts = [f"{int(counts.get(q, 0))} {QUADRANTS[q]['en'].lower()}" for q in QUADRANTS]

    def listed(q: str, lang: str) -> str:
        units = catalogue.index[catalogue["quadrant"] == q][:max_listed]
        return ("、" if lang == "zh" else ", ").join(label(u, names, lang) for u in units)

    zh = "导向目录：" + "，".join(zh_parts)
    en = "Guidance catalogue: " + ", ".join(en_parts)
    if counts.get("advantaged", 0):
        zh += f"；优势型包括{listed('advantaged', 'zh')}"
        en += f"; advantaged: {listed('advantaged', 'en')}"
    if counts.get("weak_link", 0):
        zh += f"；需补齐知识产权短板的有{listed('weak_link', 'zh')}"
        en += f"; IP weak links to close: {listed('weak_link', 'en')}"
    return Sentence(zh=zh + "。", en=en + ".")
