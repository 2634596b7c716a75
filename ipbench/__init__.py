"""ipbench: a research workbench for evaluating the regional layout of intellectual property.

Methods are plain functions over pandas objects, grouped by job:
``ipbench.normalize``, ``ipbench.treat``, ``ipbench.impute``, ``ipbench.weights``,
``ipbench.aggregate``, ``ipbench.matching``.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("ipbench")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0+unknown"

__all__ = ["__version__"]
