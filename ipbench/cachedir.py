"""The user's cache folder for derived files that are slow to make and never change for the
same inputs (the base web font, simplified map outlines, region centroids): ``$IPBENCH_CACHE``,
else ``$XDG_CACHE_HOME/ipbench`` (``%LOCALAPPDATA%\\ipbench`` on Windows), else
``~/.cache/ipbench``. Entries are named by a hash of everything they derive from and written
atomically (:func:`ipbench.atomic.write_atomic`), so concurrent report workers never read half
a file; deleting the folder only costs the time to make them again."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def cache_dir(*parts: str) -> Path:
    """The cache folder (or a sub-folder of it, created)."""
    env = os.environ.get("IPBENCH_CACHE")
    if env:
        base = Path(env)
    else:
        root = os.environ.get("XDG_CACHE_HOME") or os.environ.get("LOCALAPPDATA")
        base = (Path(root) if root else Path.home() / ".cache") / "ipbench"
    folder = base.joinpath(*parts)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:  # a read-only home: this user's folder in the temporary directory
        folder = Path(tempfile.gettempdir(), f"ipbench-cache-{os.getuid() if hasattr(os, 'getuid') else 0}",
                      *parts)
        folder.mkdir(parents=True, exist_ok=True)
    return folder
