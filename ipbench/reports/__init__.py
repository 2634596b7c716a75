"""Reports: read a run folder and display it (views), render notebooks to offline HTML
(runner, export), index page, results workbook.

Notebooks call :func:`overview`, :func:`region` or :func:`industry` with their parameters and
then only display what the returned view gives.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["industry", "load", "overview", "region"]


def load(run_dir: str | Path = "", name: str = "demo"):
    """The :class:`ipbench.runfolder.Results` of a run folder (newest run of ``name`` when
    ``run_dir`` is empty)."""
    from ipbench.reports.views import resolve_run_dir
    from ipbench.runfolder import Results

    return Results.read(resolve_run_dir(run_dir, name))


def overview(run_dir: str | Path = "", name: str = "demo"):
    from ipbench.reports.views import OverviewView

    return OverviewView(load(run_dir, name))


def region(run_dir: str | Path = "", region_code: str = "", name: str = "demo"):
    from ipbench.reports.views import RegionView

    res = load(run_dir, name)
    code = str(region_code) or res.params["scope"]["regions"][0]
    if code not in res.params["scope"]["regions"]:
        raise ValueError(f"region {code!r} is not in this evaluation's scope.regions")
    return RegionView(res, code)


def industry(run_dir: str | Path = "", industry_code: str = "", name: str = "demo"):
    from ipbench.reports.views import IndustryView

    res = load(run_dir, name)
    inds = [i for i in res.params["scope"]["industries"] if i != "ALL"]
    code = str(industry_code) or inds[0]
    if code not in inds:
        raise ValueError(f"industry {code!r} is not in this evaluation's scope.industries")
    return IndustryView(res, code)
