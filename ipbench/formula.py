"""Safe evaluation of indicator formulas over variables (公式求值).

A formula is a small arithmetic expression over variable names, e.g.
``patent_inforce_invention / population * 1e4``. It is parsed with
``ast.parse(mode="eval")`` and every node is checked against a whitelist before anything is
computed; user text is never passed to ``eval``/``exec``. (A library such as ``numexpr`` or
``asteval`` was not used: numexpr has no per-cell error reporting and asteval accepts far
more than arithmetic; the whitelist below is ~30 lines and fully tested.)

Grammar::

    expr := number | variable | expr op expr | -expr | +expr | ( expr ) | func(expr, ...)
    op   := + | - | * | / | **

Functions (``FUNCTIONS``): ``log`` (natural), ``log10``, ``log1p``, ``exp``, ``sqrt``, ``abs``,
``min(a, b)``, ``max(a, b)``; and three that use the panel keys of the data
(index levels ``region_code``, ``industry_code``, ``year``):

- ``lag(x)`` / ``lag(x, k)``: value of ``x`` k years earlier (k an integer literal, default
  1) for the same region and industry; absent year → missing.
- ``growth(x)`` = ``x / lag(x) - 1`` (a zero previous value is a division by zero).
- ``all_industries(x)``: value of ``x`` for industry ``ALL`` (whole economy) in the same region
  and year, e.g. ``value_added / all_industries(gdp) * 100`` for an industry's share of GDP.

Evaluation is vectorised over the rows of a DataFrame (one row per region × industry × year,
one column per variable). Rules for bad cells:

- a missing input (NaN, or no row for the lagged year) gives NaN, and the reason is recorded
  (``missing_input``); nothing is raised;
- a zero denominator is never turned into ±inf: by default :class:`FormulaZeroDivisionError`
  is raised naming the indicator and the cells (region, industry, year); with
  ``on_zero_division="nan"`` the cells become NaN with reason ``zero_division``;
- a result that is undefined for finite inputs (``log(0)``, ``sqrt(-1)``) becomes NaN with
  reason ``undefined``; an infinite input value becomes NaN with reason ``invalid_input``;
- a result beyond the float range for finite inputs (``exp(1000)``, ``9**9**9``) is an
  arithmetic overflow: by default :class:`FormulaOverflowError` names the indicator, the
  overflowing part and the cells (region, industry, year); with ``on_overflow="nan"`` the
  cells become NaN with reason ``overflow``.
"""

from __future__ import annotations

import ast
import difflib
import warnings
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from ipbench.errors import InputError, ParamsError

ZeroDivisionPolicy = Literal["raise", "nan"]

MAX_LENGTH = 2000
MAX_DEPTH = 100
TOTAL_INDUSTRY = "ALL"

# name -> (numpy function or None for panel functions, allowed argument counts, domain note)
_MATH: dict[str, tuple[Callable[..., Any], tuple[int, ...], str]] = {
    "log": (np.log, (1,), "needs x > 0"),
    "log10": (np.log10, (1,), "needs x > 0"),
    "log1p": (np.log1p, (1,), "needs x > -1"),
    "exp": (np.exp, (1,), "overflows for large x"),
    "sqrt": (np.sqrt, (1,), "needs x >= 0"),
    "abs": (np.abs, (1,), ""),
    "min": (np.minimum, (2,), ""),
    "max": (np.maximum, (2,), ""),
}
_PANEL: dict[str, tuple[int, ...]] = {"lag": (1, 2), "growth": (1,), "all_industries": (1,)}
FUNCTIONS: tuple[str, ...] = (*_MATH, *_PANEL)
MAX_LAG = 50

_BINOPS: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: np.add,
    ast.Sub: np.subtract,
    ast.Mult: np.multiply,
    ast.Div: np.divide,
    ast.Pow: np.power,
}
_OP_TEXT = {
    ast.FloorDiv: "//",
    ast.Mod: "%",
    ast.MatMult: "@",
    ast.LShift: "<<",
    ast.RShift: ">>",
    ast.BitOr: "|",
    ast.BitXor: "^",
    ast.BitAnd: "&",
}
# Friendly names of rejected syntax.
_REJECTED: dict[type[ast.AST], str] = {
    ast.Attribute: "attribute access (x.y)",
    ast.Subscript: "indexing (x[...])",
    ast.Lambda: "lambda",
    ast.ListComp: "a comprehension",
    ast.SetComp: "a comprehension",
    ast.DictComp: "a comprehension",
    ast.GeneratorExp: "a generator expression",
    ast.Compare: "a comparison",
    ast.BoolOp: "and/or",
    ast.IfExp: "if/else",
    ast.List: "a list",
    ast.Tuple: "a tuple",
    ast.Set: "a set",
    ast.Dict: "a dict",
    ast.JoinedStr: "an f-string",
    ast.Starred: "*-unpacking",
    ast.NamedExpr: "assignment (:=)",
    ast.Await: "await",
    ast.Yield: "yield",
    ast.YieldFrom: "yield",
}

# Priority of reason kinds when several apply to one cell (first wins).
REASON_KINDS: tuple[str, ...] = ("zero_division", "overflow", "undefined", "invalid_input", "missing_input")
#: functions whose infinite result is a domain edge (log(0) = -inf), not an overflow
_DOMAIN_INF = frozenset({"log", "log10", "log1p"})
_FLOAT_MAX = float(np.finfo(float).max)


class FormulaError(ParamsError):
    """A formula is malformed or uses something not allowed. Names indicator and position."""

    def __init__(
        self,
        message: str,
        *,
        formula: str,
        indicator: str | None = None,
        position: int | None = None,
    ) -> None:
        self.formula, self.indicator, self.position = formula, indicator, position
        who = f"formula of indicator {indicator!r}" if indicator else "formula"
        where = f" at column {position + 1}" if position is not None else ""
        caret = f"\n    {formula}" + (f"\n    {' ' * position}^" if position is not None else "")
        super().__init__(f"{who}{where}: {message}{caret}")


class FormulaZeroDivisionError(InputError):
    """A denominator is 0. ``cells`` lists the panel keys (region, industry, year) at fault."""

    def __init__(self, message: str, *, indicator: str | None, cells: pd.DataFrame) -> None:
        self.cells = cells
        first = tuple(cells.iloc[0]) if len(cells) else None
        super().__init__(message, indicator=indicator, unit=first)


class FormulaOverflowError(InputError):
    """A result exceeds the float range (±1.8e308) for finite inputs. ``cells`` lists the
    panel keys (region, industry, year) at fault."""

    def __init__(self, message: str, *, indicator: str | None, cells: pd.DataFrame) -> None:
        self.cells = cells
        first = tuple(cells.iloc[0]) if len(cells) else None
        super().__init__(message, indicator=indicator, unit=first)


@dataclass(frozen=True)
class Issue:
    """Why some cells of a result are NaN: ``kind`` (see ``REASON_KINDS``), text, cell mask."""

    kind: str
    message: str
    mask: np.ndarray = field(repr=False, compare=False)


@dataclass(frozen=True)
class Evaluated:
    """Values of a formula on every row of the data, with the issues that made cells NaN."""

    values: pd.Series
    issues: tuple[Issue, ...]

    def reasons(self) -> pd.DataFrame:
        """One row per NaN cell: ``kind`` (highest priority) and ``reason`` (all messages).

        Both columns are categorical (few distinct texts, possibly many cells).
        """
        nan = np.isnan(self.values.to_numpy(dtype=float))
        idx = self.values.index[nan]
        # Cells share few distinct combinations of issues: label each cell's combination and
        # build each text once.
        messages = list(dict.fromkeys(i.message for i in self.issues))
        slot = {m: j for j, m in enumerate(messages)}
        hits = np.zeros((int(nan.sum()), len(messages)), dtype=bool)
        for issue in self.issues:
            hits[:, slot[issue.message]] |= np.broadcast_to(issue.mask, nan.shape)[nan]
        if len(messages) <= 62:  # fast path: one integer per combination
            weights = np.left_shift(np.int64(1), np.arange(len(messages), dtype=np.int64))
            _, first, inverse = np.unique(hits @ weights, return_index=True, return_inverse=True)
            patterns = hits[first]
        else:
            patterns, inverse = np.unique(hits, axis=0, return_inverse=True)
        kinds: list[str] = []
        texts: list[str] = []
        for pattern in patterns:
            found = [i for i in self.issues if pattern[slot[i.message]]]
            ranks = [REASON_KINDS.index(i.kind) for i in found]
            kinds.append(REASON_KINDS[min(ranks)] if ranks else "undefined")
            text = "; ".join(dict.fromkeys(i.message for i in found))
            texts.append(text or "undefined result")
        inverse = np.asarray(inverse).reshape(-1)
        return pd.DataFrame(
            {"kind": _categorical(kinds, inverse), "reason": _categorical(texts, inverse)},
            index=idx,
        )


def _categorical(labels: list[str], inverse: np.ndarray) -> pd.Categorical:
    """Categorical with value ``labels[inverse[i]]`` at position i (labels may repeat)."""
    cats = list(dict.fromkeys(labels))
    where = np.asarray([cats.index(lab) for lab in labels], dtype=np.int64)
    return pd.Categorical.from_codes(where[inverse] if len(inverse) else inverse, categories=cats)


def _char_pos(text: str, col_offset: int) -> int:
    """AST column offsets count UTF-8 bytes; convert to a character position."""
    return len(text.encode("utf-8")[:col_offset].decode("utf-8", errors="ignore"))


def _suggest(name: str, candidates: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, list(candidates), n=3, cutoff=0.6)
    return f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""


@dataclass(frozen=True)
class Formula:
    """A parsed, whitelisted formula. Build with :meth:`Formula.parse`.

    ``variables`` are the variable names it uses (in order of first use), ``functions`` the
    functions it calls; both serve dependency checks.
    """

    text: str
    variables: tuple[str, ...]
    functions: tuple[str, ...]
    tree: ast.Expression = field(repr=False, compare=False)

    @classmethod
    def parse(
        cls,
        text: str,
        *,
        indicator: str | None = None,
        known: Collection[str] | None = None,
    ) -> Formula:
        """Parse and check ``text``; ``known`` (if given) is the vocabulary of variable names.

        Raises :class:`FormulaError` naming the indicator and the column at fault.
        """
        if not isinstance(text, str):
            raise FormulaError(
                f"must be text, got {type(text).__name__}", formula=repr(text), indicator=indicator
            )
        # Newlines/tabs (YAML block scalars) become spaces so positions stay one line.
        flat = text.replace("\r", " ").replace("\n", " ").replace("\t", " ").strip()
        if not flat:
            raise FormulaError("is empty", formula=flat, indicator=indicator)
        if len(flat) > MAX_LENGTH:
            raise FormulaError(
                f"is {len(flat)} characters long; the limit is {MAX_LENGTH}",
                formula=flat[:80] + " ...",
                indicator=indicator,
            )
        try:
            with warnings.catch_warnings():  # e.g. invalid escapes in (rejected) strings
                warnings.simplefilter("ignore")
                tree = ast.parse(flat, mode="eval")
        except SyntaxError as exc:
            pos = max((exc.offset or 1) - 1, 0) if exc.lineno in (None, 1) else None
            raise FormulaError(
                f"syntax error ({exc.msg})", formula=flat, indicator=indicator, position=pos
            ) from None
        except (RecursionError, MemoryError, ValueError) as exc:
            raise FormulaError(
                f"cannot be parsed ({type(exc).__name__})", formula=flat, indicator=indicator
            ) from None
        checker = _Checker(flat, indicator, known)
        checker.check(tree)
        return cls(flat, tuple(checker.variables), tuple(checker.functions), tree)

    def evaluate(
        self,
        data: pd.DataFrame,
        *,
        indicator: str | None = None,
        on_zero_division: ZeroDivisionPolicy = "raise",
        on_overflow: ZeroDivisionPolicy = "raise",
    ) -> pd.Series:
        """Values of the formula on each row of ``data`` (columns = variables)."""
        return self.evaluate_detailed(
            data, indicator=indicator, on_zero_division=on_zero_division, on_overflow=on_overflow
        ).values

    def evaluate_detailed(
        self,
        data: pd.DataFrame,
        *,
        indicator: str | None = None,
        on_zero_division: ZeroDivisionPolicy = "raise",
        on_overflow: ZeroDivisionPolicy = "raise",
    ) -> Evaluated:
        """Values plus the issues behind NaN cells (see the module docstring for the rules)."""
        for name, policy in (("on_zero_division", on_zero_division), ("on_overflow", on_overflow)):
            if policy not in ("raise", "nan"):
                raise InputError(f"{name} must be 'raise' or 'nan', got {policy!r}")
        missing = [v for v in self.variables if v not in data.columns]
        if missing:
            raise FormulaError(
                f"variable {missing[0]!r} is not a column of the data"
                f"{_suggest(missing[0], map(str, data.columns))}",
                formula=self.text,
                indicator=indicator,
            )
        ev = _Evaluator(self.text, data)
        with np.errstate(all="ignore"):
            arr, _ = ev.run(self.tree.body)
        values = np.array(np.broadcast_to(arr, (len(data),)), dtype=float)
        if ev.zero_events and on_zero_division == "raise":
            raise _zero_division_error(self.text, indicator, data.index, ev.zero_events)
        if ev.overflow_events and on_overflow == "raise":
            raise _overflow_error(self.text, indicator, data.index, ev.overflow_events)
        out = pd.Series(values, index=data.index, name=indicator)
        return Evaluated(out, tuple(ev.issues))


def _cells_error(
    error: type[FormulaZeroDivisionError] | type[FormulaOverflowError],
    indicator: str | None,
    index: pd.Index,
    events: list[tuple[str, np.ndarray]],
    what: Callable[[str], str],
    advice: str,
) -> FormulaZeroDivisionError | FormulaOverflowError:
    """``error`` naming the indicator (or "formula"), ``what(parts)`` happened, the first five
    cells the ``events`` flag (``(and N more)``), and ``advice``; the cells go with it."""
    mask = np.zeros(len(index), dtype=bool)
    for _, m in events:
        mask |= np.broadcast_to(m, mask.shape)
    cells = index[mask].to_frame(index=False)
    first = cells.head(5)
    shown = "; ".join(
        ", ".join(f"{_LABEL.get(str(k), str(k))} {v}" for k, v in row.items())
        for _, row in first.iterrows()
    )
    more = f" (and {len(cells) - len(first)} more)" if len(cells) > len(first) else ""
    parts = ", ".join(dict.fromkeys(f"`{d}`" for d, _ in events))
    who = f"indicator {indicator!r}" if indicator else "formula"
    return error(f"{who}: {what(parts)} at {shown}{more}. {advice}", indicator=indicator,
                 cells=cells)


def _zero_division_error(
    text: str, indicator: str | None, index: pd.Index, events: list[tuple[str, np.ndarray]]
) -> FormulaZeroDivisionError:
    return _cells_error(
        FormulaZeroDivisionError, indicator, index, events,
        lambda parts: f"division by zero in `{text}`: denominator {parts} is 0",
        "Check these values, or pass on_zero_division='nan' to record such cells as missing"
        " (reason zero_division).",
    )


def _overflow_error(
    text: str, indicator: str | None, index: pd.Index, events: list[tuple[str, np.ndarray]]
) -> FormulaOverflowError:
    return _cells_error(
        FormulaOverflowError, indicator, index, events,
        lambda parts: f"arithmetic overflow in `{text}`: {parts} exceeds the float range"
        f" (±{_FLOAT_MAX:.3g})",
        "Check the formula's constants and the inputs' units, or pass on_overflow='nan' to"
        " record such cells as missing (reason overflow).",
    )


_LABEL = {"region_code": "region", "industry_code": "industry"}


class _Checker:
    """Walks the AST and rejects everything outside the whitelist."""

    def __init__(self, text: str, indicator: str | None, known: Collection[str] | None) -> None:
        self.text, self.indicator = text, indicator
        self.known = None if known is None else set(known)
        self.variables: dict[str, None] = {}
        self.functions: dict[str, None] = {}

    def fail(self, message: str, node: ast.AST | None = None) -> FormulaError:
        pos = _char_pos(self.text, node.col_offset) if hasattr(node, "col_offset") else None
        return FormulaError(message, formula=self.text, indicator=self.indicator, position=pos)

    def check(self, tree: ast.Expression) -> None:
        # Depth first, iteratively, so a pathological nesting cannot exhaust the stack.
        stack: list[tuple[ast.AST, int]] = [(tree.body, 1)]
        while stack:
            node, depth = stack.pop()
            if depth > MAX_DEPTH:
                raise self.fail(f"is nested more than {MAX_DEPTH} levels deep", node)
            stack.extend((child, depth + 1) for child in reversed(self.children(node)))

    def children(self, node: ast.AST) -> list[ast.AST]:
        if isinstance(node, ast.Constant):
            v = node.value
            if isinstance(v, bool) or not isinstance(v, int | float):
                raise self.fail(f"constant {v!r} is not allowed: only numbers", node)
            return []
        if isinstance(node, ast.Name):
            self.name(node)
            return []
        if isinstance(node, ast.BinOp):
            if type(node.op) not in _BINOPS:
                sym = _OP_TEXT.get(type(node.op), type(node.op).__name__)
                raise self.fail(f"operator {sym} is not allowed: use + - * / **", node)
            return [node.left, node.right]
        if isinstance(node, ast.UnaryOp):
            if not isinstance(node.op, ast.USub | ast.UAdd):
                raise self.fail("only unary - and + are allowed", node)
            return [node.operand]
        if isinstance(node, ast.Call):
            return self.call(node)
        what = _REJECTED.get(type(node), type(node).__name__)
        raise self.fail(f"{what} is not allowed in a formula", node)

    def name(self, node: ast.Name) -> None:
        name = node.id
        if name.startswith("_"):
            raise self.fail(f"name {name!r} is not allowed (names may not start with _)", node)
        if name in FUNCTIONS:
            raise self.fail(f"{name!r} is a function: call it, e.g. {name}(x)", node)
        if self.known is not None and name not in self.known:
            raise self.fail(
                f"unknown variable {name!r}{_suggest(name, self.known)}"
                " (variables are defined in data/variables.yaml)",
                node,
            )
        self.variables.setdefault(name, None)

    def call(self, node: ast.Call) -> list[ast.AST]:
        if not isinstance(node.func, ast.Name):
            what = _REJECTED.get(type(node.func), "this kind of call")
            raise self.fail(f"{what} is not allowed: call a function by name", node)
        fname = node.func.id
        if fname not in FUNCTIONS:
            raise self.fail(
                f"unknown function {fname!r}{_suggest(fname, FUNCTIONS)}"
                f" (allowed: {', '.join(FUNCTIONS)})",
                node,
            )
        if node.keywords:
            raise self.fail(f"{fname}() takes no keyword arguments", node)
        arities = _MATH[fname][1] if fname in _MATH else _PANEL[fname]
        if len(node.args) not in arities:
            want = " or ".join(map(str, arities))
            raise self.fail(f"{fname}() takes {want} argument(s), got {len(node.args)}", node)
        self.functions.setdefault(fname, None)
        if fname == "lag" and len(node.args) == 2:
            k = node.args[1]
            ok = (
                isinstance(k, ast.Constant)
                and isinstance(k.value, int)
                and not isinstance(k.value, bool)
                and 1 <= k.value <= MAX_LAG
            )
            if not ok:
                raise self.fail(f"lag(x, k): k must be an integer from 1 to {MAX_LAG}", k)
            return [node.args[0]]
        return list(node.args)


class _Evaluator:
    """Evaluates a checked AST on numpy arrays; records issues and zero denominators."""

    def __init__(self, text: str, data: pd.DataFrame) -> None:
        self.text, self.data = text, data
        self.n = len(data)
        self.issues: list[Issue] = []
        self.zero_events: list[tuple[str, np.ndarray]] = []
        self.overflow_events: list[tuple[str, np.ndarray]] = []
        self._shift_cache: dict[tuple[str, int], np.ndarray] = {}

    def seg(self, node: ast.AST) -> str:
        return ast.get_source_segment(self.text, node) or ast.unparse(node)

    def add(self, kind: str, message: str, mask: Any) -> None:
        mask = np.asarray(mask, dtype=bool)
        if mask.any():
            self.issues.append(Issue(kind, message, mask))

    def run(self, node: ast.AST) -> tuple[Any, Any]:
        """Return (values, finite mask) for ``node``: array of length n or a scalar."""
        if isinstance(node, ast.Constant):
            v = float(node.value)
            return v, np.isfinite(v)
        if isinstance(node, ast.Name):
            arr = self.data[node.id].to_numpy(dtype=float, na_value=np.nan)
            arr = np.array(arr, dtype=float)  # own copy
            self.add("missing_input", f"missing input {node.id}", np.isnan(arr))
            inf = np.isinf(arr)
            self.add("invalid_input", f"input {node.id} is infinite", inf)
            arr[inf] = np.nan
            return arr, np.isfinite(arr)
        if isinstance(node, ast.UnaryOp):
            v, ok = self.run(node.operand)
            return (-v if isinstance(node.op, ast.USub) else v), ok
        if isinstance(node, ast.BinOp):
            a, ok_a = self.run(node.left)
            b, ok_b = self.run(node.right)
            res = _BINOPS[type(node.op)](a, b)
            ok_in = ok_a & ok_b
            zero = np.zeros(self.n, dtype=bool)
            if isinstance(node.op, ast.Div):
                zero = np.broadcast_to(np.asarray(b) == 0, (self.n,))
                if zero.any():
                    den = self.seg(node.right)
                    self.zero_events.append((den, zero.copy()))
                    self.add("zero_division", f"division by zero: `{den}` = 0", zero)
            return self.finish(res, ok_in, zero, node)
        if isinstance(node, ast.Call):
            return self.call(node)
        raise AssertionError(f"unchecked node {type(node).__name__}")  # pragma: no cover

    def finish(self, res: Any, ok_in: Any, handled: Any, node: ast.AST) -> tuple[Any, Any]:
        """NaN-out non-finite results; record those that came from finite inputs."""
        res = np.array(res, dtype=float) if np.ndim(res) else float(res)
        bad = ~np.isfinite(res)
        fresh = np.broadcast_to(bad & ok_in & ~np.asarray(handled, dtype=bool), (self.n,))
        domain = isinstance(node, ast.Call) and node.func.id in _DOMAIN_INF  # type: ignore[attr-defined]
        over = fresh & np.broadcast_to(np.isinf(res), (self.n,)) if not domain else None
        if over is not None and over.any():
            seg = self.seg(node)
            self.overflow_events.append((seg, over.copy()))
            self.add("overflow", f"`{seg}` overflows (beyond ±{_FLOAT_MAX:.3g})", over)
            fresh = fresh & ~over
        if fresh.any():
            note = ""
            if isinstance(node, ast.Call) and _MATH.get(node.func.id, (0, 0, ""))[2]:
                note = f" ({node.func.id} {_MATH[node.func.id][2]})"
            self.add("undefined", f"`{self.seg(node)}` is undefined or overflows{note}", fresh)
        if np.ndim(res):
            res[bad] = np.nan
        elif bad:
            res = np.full(self.n, np.nan)
        return res, np.isfinite(res)

    def call(self, node: ast.Call) -> tuple[Any, Any]:
        fname = node.func.id  # type: ignore[attr-defined]
        if fname in _MATH:
            args = [self.run(a) for a in node.args]
            ok_in = args[0][1]
            for _, ok in args[1:]:
                ok_in = ok_in & ok
            res = _MATH[fname][0](*(v for v, _ in args))
            return self.finish(res, ok_in, False, node)
        if fname == "all_industries":
            return self.shifted(node.args[0], "industry_code", None)
        k = node.args[1].value if len(node.args) == 2 else 1  # type: ignore[attr-defined]
        if fname == "lag":
            return self.shifted(node.args[0], "year", k)
        # growth(x) = x / lag(x) - 1
        cur, ok_cur = self.run(node.args[0])
        prev, ok_prev = self.shifted(node.args[0], "year", 1)
        zero = np.broadcast_to(np.asarray(prev) == 0, (self.n,))
        if zero.any():
            den = f"lag({self.seg(node.args[0])})"
            self.zero_events.append((den, zero.copy()))
            self.add("zero_division", f"division by zero: `{den}` = 0 in growth()", zero)
        res = np.asarray(cur) / np.asarray(prev) - 1.0
        return self.finish(res, ok_cur & ok_prev, zero, node)

    def positions(self, level: str, k: int | None) -> np.ndarray:
        """Row position of each row's counterpart (year − k, or industry ALL); −1 if absent."""
        key = (level, k or 0)
        if key in self._shift_cache:
            return self._shift_cache[key]
        index = self.data.index
        if level not in (index.names or []) or not isinstance(index, pd.MultiIndex):
            need = "lag()/growth() need" if level == "year" else "all_industries() needs"
            raise InputError(
                f"{need} data indexed by (region_code, industry_code, year) with a {level!r}"
                f" level; got index levels {list(index.names)}"
            )
        if index.has_duplicates:
            raise InputError("lag()/all_industries() need unique panel keys; the index repeats")
        frame = index.to_frame(index=False)
        if level == "year":
            frame["year"] = frame["year"].astype("int64") - k
        else:
            frame[level] = TOTAL_INDUSTRY
        target = pd.MultiIndex.from_frame(frame)
        pos = index.get_indexer(target)
        self._shift_cache[key] = pos
        return pos

    def shifted(self, arg: ast.AST, level: str, k: int | None) -> tuple[Any, Any]:
        """Values of ``arg`` taken from each row's counterpart row (lag / all_industries)."""
        pos = self.positions(level, k)
        inner = _Evaluator(self.text, self.data)
        inner._shift_cache = self._shift_cache
        with np.errstate(all="ignore"):
            v, _ = inner.run(arg)
        self.zero_events.extend(inner.zero_events)
        v = np.broadcast_to(np.asarray(v, dtype=float), (self.n,))
        found = pos >= 0
        out = np.where(found, v[np.where(found, pos, 0)], np.nan)
        where = f"year-{k}" if level == "year" else f"industry {TOTAL_INDUSTRY}"
        for issue in inner.issues:
            m = np.broadcast_to(issue.mask, (self.n,))
            shifted_mask = found & m[np.where(found, pos, 0)]
            self.add(issue.kind, f"{issue.message} ({where})", shifted_mask)
        self.add("missing_input", f"no row for {where} of `{self.seg(arg)}`", ~found)
        return out, np.isfinite(out)


def variables_of(formulas: Iterable[Formula]) -> tuple[str, ...]:
    """Union of the variables used by ``formulas``, in order of first use."""
    seen: dict[str, None] = {}
    for f in formulas:
        for v in f.variables:
            seen.setdefault(v, None)
    return tuple(seen)
