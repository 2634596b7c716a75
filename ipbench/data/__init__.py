"""Data layer: raw yearbook files → validated long facts → an embedded DuckDB store.

* :mod:`ipbench.data.sources` — schema of ``data/sources.yaml``;
* :mod:`ipbench.data.loaders` — CSV/XLSX readers and reshaping to long cells;
* :mod:`ipbench.data.validate` — checks with file/sheet/row/column/value in every message;
* :mod:`ipbench.data.regions`, :mod:`~ipbench.data.industries`, :mod:`~ipbench.data.variables`
  — dimensions and vocabulary; :mod:`ipbench.data.units` — units and missing markers;
* :mod:`ipbench.data.build` — ``check`` and the incremental, transactional ``build``;
* :mod:`ipbench.data.store` — the read API (:class:`Store`).
"""

from ipbench.data.build import BuildResult, Report, build, check
from ipbench.data.store import DEMO_NOTICE, Store

__all__ = ["DEMO_NOTICE", "BuildResult", "Report", "Store", "build", "check"]
