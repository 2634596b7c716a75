"""Exception types. Every error names what is at fault (file, row, column, indicator, unit, key).

All input errors subclass :class:`ValueError`, so ``except ValueError`` keeps working for
callers that do not know ipbench's types.
"""

from __future__ import annotations

from typing import Any


class IpbenchError(Exception):
    """Base class of ipbench's own errors."""


class InputError(IpbenchError, ValueError):
    """A method received input it cannot use (NaN, constant column, bad direction, ...).

    ``indicator`` and ``unit`` name the column and row at fault when known.
    """

    def __init__(self, message: str, *, indicator: Any = None, unit: Any = None) -> None:
        self.indicator = indicator
        self.unit = unit
        super().__init__(message)


class ConsistencyWarning(UserWarning):
    """An AHP judgment matrix is less consistent than the chosen threshold."""


MAX_VALUE_CHARS = 120


def shown_value(value: Any) -> str:
    """``repr(value)`` cut to :data:`MAX_VALUE_CHARS` characters (a 5,000-digit cell or a
    whole line must not flood the terminal)."""
    text = repr(value.item() if hasattr(value, "item") and not isinstance(value, (str, bytes)) else value)
    if len(text) > MAX_VALUE_CHARS:
        text = f"{text[: MAX_VALUE_CHARS - 20]}… ({len(text):,} characters)"
    return text


class DataError(IpbenchError, ValueError):
    """A data file or record is wrong. Carries where: file, sheet, row, column, value."""

    def __init__(
        self,
        message: str,
        *,
        file: Any = None,
        sheet: Any = None,
        row: Any = None,
        column: Any = None,
        value: Any = None,
    ) -> None:
        self.file, self.sheet, self.row, self.column, self.value = file, sheet, row, column, value
        where = ", ".join(
            f"{k} {v!s}"
            for k, v in (("file", file), ("sheet", sheet), ("row", row), ("column", column))
            if v is not None
        )
        shown = f" (value: {shown_value(value)})" if value is not None else ""
        super().__init__(f"{where}: {message}{shown}" if where else f"{message}{shown}")


class ParamsError(IpbenchError, ValueError):
    """A parameter file is invalid; the message gives the full key path and a hint."""
