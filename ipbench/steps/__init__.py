"""Build steps of an :class:`ipbench.Evaluation`, one module per step, in an explicit order.

Each step is registered once (:func:`ipbench.steps.registry.step`) with the params sections it
reads, the stages it needs and the tables it makes. Steps select data and call the methods
(:mod:`ipbench.normalize`, :mod:`ipbench.weights` …) and :mod:`ipbench.analysis`; no maths is
written here. Adding a step = a module with one registered function + one line in
:data:`ORDER`.

Stage shapes: ``indicators``/``imputed``/``treated``/``normalized`` are wide tables with
``region_code``, ``year`` and one column per indicator code (industry ``ALL``, the scope's
regions); ``subindices`` has one column per subsystem; ``composite`` has ``score`` and ``rank``
(1 = best, per year; ties share the rank). ``skipped`` lists what was skipped and why.
"""

from __future__ import annotations

import importlib
from typing import Any

from ipbench.steps.registry import REGISTRY, SKIPPED_COLUMNS, Skip, Step, StepContext, step

#: run order: (step name, module under ipbench.steps)
ORDER: list[tuple[str, str]] = [
    ("load", "load"),
    ("indicators", "indicators"),
    ("impute", "prepare"),
    ("treat", "prepare"),
    ("normalize", "prepare"),
    ("weight", "weight"),
    ("aggregate", "aggregate"),
    ("match", "match"),
    ("industry", "industry"),
    ("situation", "situation"),
    ("dynamics", "dynamics"),
    ("quality", "quality"),
    ("intensive", "intensive"),
    ("peers", "peers"),
    ("guidance", "guidance"),
    ("targets", "targets"),
    ("robustness", "robustness"),
    ("lagging", "lagging"),
    ("landscape", "landscape"),
]


def _steps() -> list[Step]:
    for _, module in ORDER:
        importlib.import_module(f"ipbench.steps.{module}")
    missing = [n for n, _ in ORDER if n not in REGISTRY]
    if missing:
        raise RuntimeError(f"steps {missing} are in ORDER but not registered")
    return [REGISTRY[n] for n, _ in ORDER]


STEPS: list[Step] = _steps()


def step_names() -> list[str]:
    return [s.name for s in STEPS]


def get(name: str) -> Step:
    return REGISTRY[name]


def open_store(project: Any, refresh: bool = False) -> Any:
    """The data set's store (:class:`ipbench.data.Store`), brought up to date first when its
    inputs changed (:func:`ipbench.data.freshness.fresh_store`)."""
    from ipbench.data.freshness import fresh_store

    return fresh_store(project, force_check=refresh)


__all__ = ["ORDER", "REGISTRY", "SKIPPED_COLUMNS", "STEPS", "Skip", "Step", "StepContext",
           "get", "open_store", "step", "step_names"]
