"""What the report notebooks display: one view module per report kind.

A notebook cell ends with a view method (``r.summary()``, ``r.matching()``): each returns an
:class:`HTML` block (data strings escaped, numbers formatted by :mod:`ipbench.reports.fmt`,
tables and figures numbered with caption and source line). Views only read a run folder.
"""

from ipbench.reports.views.base import HTML, ReportView, resolve_run_dir
from ipbench.reports.views.industry import IndustryView
from ipbench.reports.views.overview import OverviewView
from ipbench.reports.views.region import RegionView

__all__ = ["HTML", "IndustryView", "OverviewView", "RegionView", "ReportView", "resolve_run_dir"]
