"""The one freshness rule for the data store, used by the CLI, :class:`ipbench.Evaluation`
and the notebooks.

The store is fresh when, for every source of the data set's ``sources.yaml``, the content
hash of its input (the raw file; for patent records every matched export, the concordance
and the mapping preset) and the hash of its specification equal those recorded at the last
build, and the vocabulary files (variables, industries, region aliases) hash as recorded.
:func:`fresh_store` brings the store up to date by the incremental build (which reloads only
what changed, all or nothing) and opens it; it never compares modification times, so a
copied or touched file neither hides nor fakes a change. Report pages are cached on the
store's fingerprint (these hashes), the params hash (with the catalogue's content), the
notebook, the renderer and the code fingerprint (:mod:`ipbench.reports.runner`).
"""

from __future__ import annotations

from typing import Any


def fresh_store(project: Any, force_check: bool = True) -> Any:
    """The data set's :class:`ipbench.data.Store`, rebuilt first where any input changed.

    ``force_check`` is kept for callers that asked for a refresh explicitly; the rule is the
    same either way (content hashes decide)."""
    from ipbench.data import Store, build

    build(project)
    return Store.open(project)
