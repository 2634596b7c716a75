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
    ``run_dir`` is empty)."""
    from ipbench.reports.views.base import resolve_run_dir
    from ipbench.runfolder import Results

    return Results.read(resolve_run_dir(run_dir, name))


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
