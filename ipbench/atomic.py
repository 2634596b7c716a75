"""Atomic file writes: a reader sees the old file or the new one, never half of one (report
pages, their caches, the user cache folder)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomic(path: Path, data: str | bytes, *, soft: bool = False) -> None:
    """Write ``data`` (text as UTF-8) to a temp file beside ``path`` and rename it over
    ``path``, readable by all (mkstemp makes 0600; published pages must be readable).
    ``soft``: a failure (disk full, no permission) is ignored — for caches, where it only
    means nothing is kept."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError:
        if soft:
            return
        raise
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data.encode("utf-8") if isinstance(data, str) else data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if soft and isinstance(exc, OSError):
            return
        raise
