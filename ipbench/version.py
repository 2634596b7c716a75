"""Version of the installed package and a fingerprint of its code.

The fingerprint goes into run ids and report cache keys, so that a changed method (say in
``weights.py``) is never served from a run folder or report built by older code, even when the
version number was not bumped.
"""

from __future__ import annotations

import hashlib
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

try:
    __version__ = version("ipbench")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0+unknown"

PACKAGE_DIR = Path(__file__).resolve().parent


@cache
def code_fingerprint() -> str:
    """SHA-256 (first 12 hex digits) over the package's source and data files, by path."""
    h = hashlib.sha256()
    for path in sorted(PACKAGE_DIR.rglob("*")):
        if path.is_file() and path.suffix in {".py", ".yaml", ".j2", ".css", ".json", ".tpl"}:
            h.update(path.relative_to(PACKAGE_DIR).as_posix().encode())
            h.update(path.read_bytes())
    return h.hexdigest()[:12]


def build_label() -> str:
    """``<version>+<code fingerprint>``, shown in reports and manifests."""
    return f"{__version__}+{code_fingerprint()}"
