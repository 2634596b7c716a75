"""Reports: read a run folder and display it (views), render notebooks to offline HTML
(runner, export), index page, results workbook.

Notebooks call :func:`view` (or :func:`overview`, :func:`region`, :func:`industry`) with their
parameters and then only display what the returned view gives. The kinds of pages are the
table :data:`ipbench.reports.kinds.KINDS`.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["industry", "load", "overview", "region", "view"]


def load(run_dir: str | Path = "", name: str = "demo"):
    """The :class:`ipbench.runfolder.Results` of a run folder (newest run of ``name`` when
    ``run_dir`` is empty).

    A complete run folder does not change (it is written whole and renamed into place), so a
    report worker reads its tables once and gives each page its own copies (~5 ms instead of
    ~0.3 s of Parquet reading a page); a rewritten folder (new manifest) is read again."""
    import copy

    from ipbench.reports.views.base import resolve_run_dir
    from ipbench.runfolder import MANIFEST, Results

    folder = Path(resolve_run_dir(run_dir, name)).resolve()
    try:
        stat = (folder / MANIFEST).stat()
        stamp = (str(folder), stat.st_mtime_ns, stat.st_size, stat.st_ino)
    except OSError:
        return Results.read(folder)  # not a run folder: Results.read says so
    if _loaded.get("stamp") != stamp:
        _loaded.clear()
        _loaded.update(stamp=stamp, results=Results.read(folder))
    res = _loaded["results"]
    return Results({k: v.copy() for k, v in res.tables.items()}, copy.deepcopy(res.manifest),
                   res.path)


#: the run folder last read by :func:`load` in this process (one per report worker)
_loaded: dict = {}


def view(kind: str, run_dir: str | Path = "", code: str = "", name: str = "demo"):
    """The view of one page of ``kind`` (a key of KINDS) for ``code`` (default: the first
    code of the scope); a code outside the scope is refused."""
    from types import SimpleNamespace

    from ipbench.reports.kinds import KINDS

    spec = KINDS[kind]
    res = load(run_dir, name)
    s = res.params["scope"]
    codes = spec.codes(SimpleNamespace(**s))
    code = str(code) or codes[0]
    if code not in codes:
        raise ValueError(f"{kind} {code!r} is not in this evaluation's scope")
    return spec.view_class()(res, code)


def overview(run_dir: str | Path = "", name: str = "demo"):
    return view("overview", run_dir, "", name)


def region(run_dir: str | Path = "", region_code: str = "", name: str = "demo"):
    return view("region", run_dir, region_code, name)


def industry(run_dir: str | Path = "", industry_code: str = "", name: str = "demo"):
    return view("industry", run_dir, industry_code, name)
