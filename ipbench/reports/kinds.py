"""The one table of report kinds, read by the runner (plan, output paths, ``--only``), the
index page (sections, order) and the cache (file per kind and code).

Adding a kind is one entry in :data:`KINDS`: its notebook, the view class the notebook
displays, the output folder, the pattern its codes must match and the codes of a scope.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ipbench.params import INDUSTRY_RE, REGION_RE


@dataclass(frozen=True)
class Kind:
    """One kind of report page."""

    name: str                 #: key, label key and ``--only`` prefix
    notebook: str             #: template notebook in ``notebooks/``
    view: str                 #: ``module:Class`` of the view the notebook displays
    folder: str               #: output folder under ``reports/<name>/`` ("" = top level)
    pattern: re.Pattern[str] | None  #: codes must match (None: one page, code = name)
    codes: Callable[[Any], list[str]]  #: the scope's codes of this kind
    parameter: str = ""       #: notebook parameter receiving the code
    title: tuple[str, str] = ("", "")  #: (中文, English) name of the kind (index, page titles)

    def label(self, lang: str = "zh") -> str:
        from ipbench.reports.labels import LABELS

        zh, en = self.title if self.title[0] else LABELS.get(self.name, (self.name, self.name))
        return en if lang == "en" else zh

    def output(self, code: str) -> Path:
        """Relative output path of the page for ``code`` (validated)."""
        if self.pattern is None:
            return Path(self.folder) / f"{self.name}.html"
        if not self.pattern.fullmatch(code):
            raise ValueError(f"refusing report {self.name}:{code!r}: not a validated code")
        return Path(self.folder) / f"{code}.html"

    def view_class(self) -> type:
        module, cls = self.view.split(":")
        return getattr(importlib.import_module(module), cls)


KINDS: dict[str, Kind] = {
    k.name: k for k in (
        Kind("overview", "overview.ipynb", "ipbench.reports.views.overview:OverviewView", "",
             None, lambda scope: ["overview"], title=("总览", "Overview")),
        Kind("region", "region.ipynb", "ipbench.reports.views.region:RegionView", "regions",
             REGION_RE, lambda scope: [str(c) for c in scope.regions], "region_code",
             ("区域报告", "Region report")),
        Kind("industry", "industry.ipynb", "ipbench.reports.views.industry:IndustryView",
             "industries", INDUSTRY_RE,
             lambda scope: [str(c) for c in scope.industries if c != "ALL"], "industry_code",
             ("产业报告", "Industry report")),
        Kind("landscape", "landscape.ipynb", "ipbench.reports.views.landscape:LandscapeView",
             "landscape", INDUSTRY_RE,
             lambda scope: [str(c) for c in scope.industries if c != "ALL"], "industry_code",
             ("专利导航 · 产业", "Patent landscape")),
    )
}

#: ``--only`` items: ``<kind>`` or ``<kind>:<CODE>``
ONLY_RE = re.compile(rf"^({'|'.join(KINDS)})(?::([A-Z0-9_]+))?$")


def depth(kind: str) -> str:
    """Relative prefix from a page of ``kind`` back to the suite's top folder."""
    folder = KINDS[kind].folder
    return "../" * len(Path(folder).parts) if folder else ""
