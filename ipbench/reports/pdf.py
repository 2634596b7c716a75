"""Report pages → A4 PDFs with headless Chromium (the pages' print stylesheet sets A4).

:func:`find_chromium` looks for a Chromium/Chrome binary (``IPBENCH_CHROMIUM`` first);
:func:`export_suite` prints every page of a suite to ``reports/<suite>/pdf/`` (same relative
paths, ``.pdf``) and returns what it wrote. Without Chromium, :class:`ChromiumMissing` carries
the instructions to get it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome",
              "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
              "/Applications/Chromium.app/Contents/MacOS/Chromium")

HOW_TO_GET = (
    "headless Chromium was not found. Install it and rerun:\n"
    "  Debian/Ubuntu: sudo apt-get install chromium   (or chromium-browser)\n"
    "  macOS:         brew install --cask chromium     (or install Google Chrome)\n"
    "  Windows:       install Google Chrome or Microsoft Edge\n"
    "or point IPBENCH_CHROMIUM at the browser binary. Without it, open a page and use the"
    " browser's Print → Save as PDF: the pages carry A4 print styles."
)


class ChromiumMissing(RuntimeError):
    def __init__(self) -> None:
        super().__init__(HOW_TO_GET)


def find_chromium() -> str | None:
    env = os.environ.get("IPBENCH_CHROMIUM")
    if env:
        return env if Path(env).is_file() or shutil.which(env) else None
    for name in CANDIDATES:
        found = shutil.which(name) or (name if Path(name).is_file() else None)
        if found:
            return found
    return None


def pages(suite_dir: Path) -> list[Path]:
    """The HTML pages of a suite (index first; error pages excluded)."""
    found = [p for p in sorted(suite_dir.rglob("*.html"))
             if not p.name.endswith(".error.html") and "pdf" not in p.relative_to(suite_dir).parts
             and not any(part.startswith(".") for part in p.relative_to(suite_dir).parts)]
    return sorted(found, key=lambda p: (p.name != "index.html", len(p.parts), str(p)))


def print_pdf(chromium: str, page: Path, out: Path, timeout: float = 120) -> None:
    """One page → one PDF (A4 from the page's @page rule; no browser header/footer)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="ipbench-chromium-") as profile:
        tmp = out.with_suffix(".pdf.tmp")
        cmd = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
               f"--user-data-dir={profile}", "--no-pdf-header-footer",
               "--run-all-compositor-stages-before-draw", "--virtual-time-budget=10000",
               f"--print-to-pdf={tmp}", page.resolve().as_uri()]
        res = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
        if res.returncode != 0 or not tmp.is_file() or tmp.stat().st_size == 0:
            tmp.unlink(missing_ok=True)
            raise RuntimeError(f"chromium failed on {page}: {res.stderr.strip()[-500:]}")
        os.replace(tmp, out)


def export_suite(suite_dir: Path, jobs: int = 2, chromium: str | None = None) -> list[Path]:
    """Every page of ``suite_dir`` → ``suite_dir/pdf/<relative path>.pdf``."""
    chromium = chromium or find_chromium()
    if not chromium:
        raise ChromiumMissing
    todo = pages(suite_dir)
    outs = [suite_dir / "pdf" / p.relative_to(suite_dir).with_suffix(".pdf") for p in todo]
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        list(pool.map(lambda po: print_pdf(chromium, *po), zip(todo, outs, strict=True)))
    return outs
