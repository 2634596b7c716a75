"""ipbench: a research workbench for evaluating the regional layout of intellectual property.

Methods are plain functions over pandas objects, grouped by job:
``ipbench.normalize``, ``ipbench.treat``, ``ipbench.impute``, ``ipbench.weights``,
``ipbench.aggregate``, ``ipbench.matching``; the evaluation object is
:class:`ipbench.Evaluation` and ``ipbench.compare(a, b)`` shows rank moves between runs.
"""

from __future__ import annotations

from typing import Any

from ipbench.version import __version__

__all__ = ["Evaluation", "__version__", "compare"]


def __getattr__(name: str) -> Any:
    # Imported lazily so that `import ipbench` stays fast for the CLI and method users.
    if name == "Evaluation":
        from ipbench.evaluation import Evaluation

        return Evaluation
    if name == "compare":
        from ipbench.comparison import compare

        return compare
    raise AttributeError(f"module 'ipbench' has no attribute {name!r}")
