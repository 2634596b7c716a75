"""The step registry: each build step declares what it reads, needs and makes.

A step is a plain function of a :class:`StepContext` returning named tables, registered once::

    @step("weight", reads=("weighting",), needs=("treated", "catalogue"), makes=("weights", "ahp"))
    def weight(ctx: StepContext) -> dict[str, pd.DataFrame]:
        ...

* ``reads``: the params sections the step uses. :meth:`ipbench.Evaluation.with_params` reruns
  from the first step whose sections changed, and the build log records them.
* ``needs``: stages made by earlier steps. When one is absent (its step was skipped or switched
  off) the step is skipped too, with the reason recorded.
* ``makes``: the tables the step may return; :meth:`Step.run` refuses anything else.
* ``switch``: the params section whose ``enabled: false`` switches the step off (analyses).

A step whose *data* lack an input raises :class:`Skip` (which variable is missing and how to
supply it); the evaluation records it in the ``skipped`` table, and the CLI and the reports
show it. A missing input the user named explicitly in the params is a
:class:`~ipbench.errors.ParamsError` naming that key path instead (:meth:`StepContext.variables`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ipbench.errors import DataError
from ipbench.params import Params, params_error
from ipbench.project import Project

KEY = ["region_code", "year"]
SKIPPED_COLUMNS = ["step", "part", "key", "missing", "reason_zh", "reason_en", "how", "how_zh"]


class Skip(Exception):  # noqa: N818 (a control-flow signal, not an error)
    """Raised by a step (or one part of it) whose inputs the data lack.

    ``missing``: the variables or stages absent; ``how``: how a user supplies them (``how_zh``
    in Chinese; else the report words it from ``missing`` and ``key``); ``key``: the params key
    path that chose the input (for the report's methods notes)."""

    def __init__(self, reason_en: str, *, reason_zh: str | None = None,
                 missing: tuple[str, ...] | list[str] = (), how: str = "", key: str = "",
                 part: str = "", how_zh: str = "") -> None:
        super().__init__(reason_en)
        self.reason_en = reason_en
        self.reason_zh = reason_zh or reason_en
        self.missing = tuple(missing)
        self.how = how
        self.how_zh = how_zh
        self.key = key
        self.part = part

    def row(self, step: str) -> dict[str, str]:
        return {"step": step, "part": self.part, "key": self.key,
                "missing": ", ".join(self.missing), "reason_zh": self.reason_zh,
                "reason_en": self.reason_en, "how": self.how, "how_zh": self.how_zh}


@dataclass
class StepContext:
    """What a step sees: the validated params, the project, the data source (a
    :class:`ipbench.data.Store` or :class:`ipbench.evaluation.FrameData`) and earlier stages."""

    params: Params
    project: Project
    data: Any
    stages: dict[str, Any]
    #: parts of the current step skipped so far (collected by :meth:`skip_part`)
    notes: list[Skip] = field(default_factory=list)

    # ------------------------------------------------------------------ stages

    def panel(self, name: str) -> pd.DataFrame:
        """A wide stage as a DataFrame indexed by (region_code, year)."""
        return self.stages[name].set_index(KEY)

    def has(self, name: str) -> bool:
        return name in self.stages and self.stages[name] is not None

    def directions(self) -> pd.Series:
        """+1/−1 per indicator code, from the catalogue stage."""
        return self.stages["catalogue"].set_index("code")["direction"].astype(int)

    def skip_part(self, note: Skip) -> None:
        """Record that one part of the running step was skipped (the step goes on)."""
        self.notes.append(note)

    # ------------------------------------------------------------------ names

    def region_names(self) -> dict[str, tuple[str, str]]:
        """code → (中文名, English name) of the scope's regions and its reference."""
        r = self.stages["regions"]
        return {str(c): (str(zh), str(en)) for c, zh, en in
                zip(r["region_code"], r["name_zh"], r["name_en"], strict=True)}

    def industry_names(self) -> dict[str, tuple[str, str]]:
        r = self.stages["industries"]
        return {str(c): (str(zh), str(en)) for c, zh, en in
                zip(r["industry_code"], r["name_zh"], r["name_en"], strict=True)}

    # ------------------------------------------------------------------ facts

    def facts_variables(self, industry: str = "ALL") -> set[str]:
        """Variables with at least one fact for ``industry`` among the scope's regions."""
        f = self.stages["facts"]
        f = f[(f["industry_code"] == industry) & f["region_code"].isin(self.params.scope.regions)]
        return set(f["variable"].astype(str))

    def variables(self, wanted: Mapping[str, tuple[str | None, str]], *, part: str = "",
                  industry: str = "ALL", how: str = "") -> dict[str, str]:
        """Resolve the facts variables an analysis reads.

        ``wanted`` maps a params key path (``situation.population``) to ``(explicit, default)``:
        the value the user wrote (None when left to the default) and the default variable.
        An explicit variable without facts is a :class:`ParamsError` naming the key path; a
        default one raises :class:`Skip` naming the variable and how to supply it. Returns
        key path → variable."""
        have = self.facts_variables(industry)
        out, missing, keys = {}, [], []
        for key, (explicit, default) in wanted.items():
            var = explicit or default
            if var in have:
                out[key] = var
            elif explicit:
                raise params_error(key, explicit, f"no facts of this variable (industry {industry})"
                                   " for the scope's regions", sorted(have))
            else:
                missing.append(var)
                keys.append(key)
        if missing:
            raise Skip(
                f"needs variable(s) {', '.join(missing)} (industry {industry}), absent from the data",
                reason_zh=f"数据中缺少变量 {'、'.join(missing)}（行业 {industry}）",
                missing=missing, key=", ".join(keys), part=part,
                how=how or (f"load {', '.join(missing)} through a source in the data set's"
                            " sources.yaml, or name another variable at " + ", ".join(keys)),
            )
        return out

    def facts_wide(self, variables: list[str], industry: str = "ALL",
                   regions: list[str] | None = None) -> pd.DataFrame:
        """Facts of ``industry`` as a wide table indexed by (region_code, year), one column per
        variable (in the given order); variables must exist (see :meth:`variables`)."""
        facts = self.stages["facts"]
        regions = regions if regions is not None else list(self.params.scope.regions)
        f = facts[(facts["industry_code"] == industry) & facts["region_code"].isin(regions)
                  & facts["variable"].isin(variables)]
        wide = f.pivot_table(index=KEY, columns="variable", values="value", aggfunc="sum")
        return wide.reindex(columns=list(dict.fromkeys(variables)))


StepFunc = Callable[[StepContext], dict[str, Any]]


@dataclass(frozen=True)
class Step:
    """One registered build step (see the module docstring)."""

    name: str
    reads: tuple[str, ...]
    needs: tuple[str, ...]
    makes: tuple[str, ...]
    func: StepFunc
    switch: str | None = None
    doc: str = ""

    @property
    def sections(self) -> tuple[str, ...]:
        """The params sections read (alias kept for the build log)."""
        return self.reads

    def enabled(self, params: Params) -> bool:
        if self.switch is None:
            return True
        section = getattr(params, self.switch, None)
        return bool(getattr(section, "enabled", True))

    def run(self, ctx: StepContext) -> dict[str, Any]:
        out = self.func(ctx)
        extra = sorted(set(out) - set(self.makes))
        if extra:
            raise RuntimeError(f"step {self.name!r} returned undeclared tables {extra};"
                               f" declare them in makes={self.makes}")
        return out

    def outputs_of(self, stages: Mapping[str, Any]) -> list[str]:
        return [k for k in self.makes if k in stages]


REGISTRY: dict[str, Step] = {}


def step(name: str, *, reads: tuple[str, ...] = (), needs: tuple[str, ...] = (),
         makes: tuple[str, ...], switch: str | None = None) -> Callable[[StepFunc], StepFunc]:
    """Register a build step (once; a second registration of a name is an error)."""

    def deco(func: StepFunc) -> StepFunc:
        if name in REGISTRY and REGISTRY[name].func is not func:
            raise RuntimeError(f"step {name!r} is registered twice")
        REGISTRY[name] = Step(name, tuple(reads), tuple(needs), tuple(makes), func, switch,
                              (func.__doc__ or "").strip().split("\n")[0])
        return func

    return deco


def require_stage(ctx: StepContext, name: str, step_name: str) -> pd.DataFrame:
    """A stage the step cannot do without (a programming error when absent)."""
    if name not in ctx.stages:
        raise DataError(f"step {step_name!r} needs stage {name!r}, which no earlier step made")
    return ctx.stages[name]
