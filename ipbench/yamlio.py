"""The one YAML loader for every file a user edits (params, catalogues, sources, variables,
industries, region aliases, mapping presets).

Safe and bounded. The text is first walked as a stream of parser events (libyaml, no Python
objects built) and rejected, with the file and the key path, when it

* is larger than :data:`MAX_BYTES` or not UTF-8 (the first bad line is named);
* nests deeper than :data:`MAX_DEPTH` mappings/sequences;
* uses more than :data:`MAX_ALIASES` aliases, or its aliases would expand to more than
  :data:`MAX_NODES` nodes (the "billion laughs" alias bomb: nine anchors each a list of nine
  of the previous is 9**9 ≈ 387 million nodes from a few hundred bytes);
* repeats a key in one mapping (YAML keeps the last silently; here it is an error).

Only then is the document constructed, with the safe loader (no ``!!python/...`` tags).
Messages never echo a value, so an expanded alias cannot flood the terminal.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from ipbench.errors import DataError, IpbenchError, ParamsError

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available

MAX_BYTES = 4 * 1024 * 1024  # 4 MiB: the largest shipped YAML is ~20 kB
MAX_DEPTH = 40
MAX_ALIASES = 1_000
MAX_NODES = 200_000  # nodes after expanding aliases


class YamlError(IpbenchError, ValueError):
    """A YAML file is unreadable, unsafe or too large; ``file`` and ``key`` say where."""

    def __init__(self, message: str, *, file: Any = None, key: str = "", line: int | None = None) -> None:
        self.file, self.key, self.line, self.reason = file, key, line, message
        where = [str(file)] if file is not None else []
        if line is not None:
            where.append(f"line {line}")
        if key:
            where.append(f"key {key}")
        super().__init__(f"{', '.join(where)}: {message}" if where else message)


def key_path(parts: list[str | int]) -> str:
    """``['sources', 0, 'file']`` → ``sources[0].file``."""
    out = ""
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out


class _Frame:
    __slots__ = ("anchor", "expect_key", "index", "is_map", "key", "keys", "start")

    def __init__(self, is_map: bool, anchor: str | None, start: int) -> None:
        self.is_map, self.anchor, self.start = is_map, anchor, start
        self.expect_key = True
        self.key: str | int = "?"
        self.index = 0
        self.keys: set[str] = set()


def check_events(text: str, file: Any = None) -> None:
    """Walk the parser events of ``text`` and raise :class:`YamlError` on any limit."""
    stack: list[_Frame] = []
    sizes: dict[str, int] = {}
    total = 0
    aliases = 0

    def path() -> str:
        parts: list[str | int] = []
        for f in stack:
            if f.is_map:
                if not f.expect_key:
                    parts.append(f.key)
            else:
                parts.append(f.index)
        return key_path(parts)

    def fail(message: str, event: Any) -> YamlError:
        line = event.start_mark.line + 1 if getattr(event, "start_mark", None) else None
        return YamlError(message, file=file, key=path(), line=line)

    def done() -> None:
        """A node finished: advance the enclosing collection."""
        if not stack:
            return
        top = stack[-1]
        if top.is_map:
            top.expect_key = not top.expect_key
        else:
            top.index += 1

    try:
        for ev in yaml.parse(text, Loader=_Loader):
            if isinstance(ev, yaml.DocumentStartEvent):
                stack.clear()
                continue
            is_key = bool(stack) and stack[-1].is_map and stack[-1].expect_key
            if isinstance(ev, yaml.ScalarEvent):
                total += 1
                if ev.anchor:
                    sizes[ev.anchor] = 1
                if is_key:
                    top = stack[-1]
                    if ev.value in top.keys:
                        top.expect_key = False
                        top.key = ev.value
                        raise fail("the key is given twice in one mapping; keep one", ev)
                    top.keys.add(ev.value)
                    top.key = ev.value
            elif isinstance(ev, yaml.AliasEvent):
                aliases += 1
                if aliases > MAX_ALIASES:
                    raise fail(f"more than {MAX_ALIASES:,} aliases (*name); write the values out", ev)
                total += sizes.get(ev.anchor, 1)
                if is_key:
                    stack[-1].key = f"*{ev.anchor}"
            elif isinstance(ev, yaml.CollectionStartEvent):
                total += 1
                if is_key:
                    stack[-1].key = "?"
                stack.append(_Frame(isinstance(ev, yaml.MappingStartEvent), ev.anchor, total))
                if len(stack) > MAX_DEPTH:
                    raise fail(f"nested more than {MAX_DEPTH} levels deep", ev)
            elif isinstance(ev, yaml.CollectionEndEvent):
                frame = stack.pop()
                if frame.anchor:
                    sizes[frame.anchor] = total - frame.start + 1
            else:
                continue
            if total > MAX_NODES:
                raise fail(
                    f"the document expands to more than {MAX_NODES:,} values (aliases *name are"
                    " expanded); write the values out or split the file", ev,
                )
            if not isinstance(ev, yaml.CollectionStartEvent):
                done()
    except yaml.YAMLError as exc:
        raise _syntax_error(exc, file) from None


def _syntax_error(exc: yaml.YAMLError, file: Any) -> YamlError:
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    context = getattr(exc, "context", None)
    text = f"{context}: {problem}" if context else str(problem)
    return YamlError(f"not valid YAML: {text}", file=file, line=mark.line + 1 if mark else None)


def parse_text(text: str, file: Any = None) -> Any:
    """Check ``text`` against the limits and return the safely constructed document."""
    if len(text) > MAX_BYTES:
        raise YamlError(f"larger than {MAX_BYTES // 1024 // 1024} MiB; not a hand-edited YAML file", file=file)
    check_events(text, file)
    try:
        return yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        raise _syntax_error(exc, file) from None
    except (ValueError, TypeError, OverflowError, RecursionError) as exc:  # e.g. bad timestamps
        raise YamlError(f"cannot read a value ({type(exc).__name__}: {str(exc)[:200]})", file=file) from None


def read_text(path: str | Path, file: Any = None) -> str:
    """The UTF-8 text of ``path`` (BOM allowed), size-checked before reading."""
    path = Path(path)
    shown = file if file is not None else path
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise YamlError("not a file", file=shown)
        if size > MAX_BYTES:
            raise YamlError(
                f"{size:,} bytes, larger than {MAX_BYTES // 1024 // 1024} MiB; not a hand-edited YAML file",
                file=shown,
            )
        raw = path.read_bytes()
    except FileNotFoundError:
        raise YamlError("file not found", file=shown) from None
    except OSError as exc:
        raise YamlError(f"cannot read the file ({exc.strerror or type(exc).__name__})", file=shown) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise YamlError("not UTF-8 text; save the file as UTF-8", file=shown, line=line) from None


def load_yaml(path: str | Path, *, file: Any = None) -> Any:
    """Read ``path`` safely (see the module docstring); raise :class:`YamlError`."""
    return parse_text(read_text(path, file), file if file is not None else path)


def load_data_yaml(path: str | Path, *, file: Any = None) -> Any:
    """:func:`load_yaml` raising :class:`DataError` (data files: sources, variables …)."""
    try:
        return load_yaml(path, file=file)
    except YamlError as exc:
        raise as_data_error(exc) from None


def load_params_yaml(path: str | Path, *, file: Any = None) -> Any:
    """:func:`load_yaml` raising :class:`ParamsError` (params, catalogues, presets)."""
    try:
        return load_yaml(path, file=file)
    except YamlError as exc:
        raise ParamsError(str(exc)) from None


def as_data_error(exc: YamlError) -> DataError:
    where = ", ".join(
        x for x in (f"line {exc.line}" if exc.line else "", f"key {exc.key}" if exc.key else "") if x
    )
    return DataError(f"{where}: {exc.reason}" if where else exc.reason, file=exc.file)
