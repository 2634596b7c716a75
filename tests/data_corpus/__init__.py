"""Helpers for the data-layer tests: a temporary ipbench project with a small good source.

The malformed inputs of ``tests/test_data_corpus.py`` are derived from ``GOOD_CSV`` at test
time (nothing malformed is stored in the repository).
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]

GOOD_CSV = """地区,年份,专利授权量(件),发明专利授权量(件),实用新型专利授权量(件),外观设计专利授权量(件),地区生产总值(亿元)
南京市,2022,100,20,60,20,16907.85
南通,2022,50,10,30,10,11379.6
320500,2022,200,50,100,50,23958.34
"""

GOOD_SPEC = {
    "id": "good",
    "file": "good.csv",
    "layout": "wide_variables",
    "region": "地区",
    "year": "年份",
    "variables": {
        "专利授权量(件)": "patent_grant_total",
        "发明专利授权量(件)": "patent_grant_invention",
        "实用新型专利授权量(件)": "patent_grant_utility",
        "外观设计专利授权量(件)": "patent_grant_design",
        "地区生产总值(亿元)": "gdp",
    },
    "checks": [
        {"total": "patent_grant_total", "parts": ["patent_grant_invention", "patent_grant_utility", "patent_grant_design"]}
    ],
}


def make_project(root: Path, sources: list[dict] | None = None, files: dict[str, str | bytes] | None = None) -> Path:
    """A project folder: pyproject with [tool.ipbench], the repo's vocabulary, raw files, sources."""
    (root / "data" / "raw").mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text('[tool.ipbench]\nname = "test"\n', encoding="utf-8")
    for name in ("variables.yaml", "industries.yaml"):
        shutil.copy(REPO / "data" / name, root / "data" / name)
    files = {"good.csv": GOOD_CSV} if files is None else files
    for name, content in files.items():
        path = root / "data" / "raw" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    write_sources(root, [GOOD_SPEC] if sources is None else sources)
    return root


def write_sources(root: Path, sources: list[dict]) -> None:
    text = yaml.safe_dump({"sources": sources}, allow_unicode=True, sort_keys=False)
    (root / "data" / "sources.yaml").write_text(text, encoding="utf-8")


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else "<absent>"
