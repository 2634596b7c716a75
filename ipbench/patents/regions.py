"""Region assignment: the applicant's area code first, the address second.

Interface (so the project's own resolver, :mod:`ipbench.data.regions`, can be plugged in):

- ``resolve_code(code: str) -> str | None`` — a 6-digit GB/T 2260 code (historical codes
  allowed) to the current code of a known region, or None when unknown;
- ``parse_addresses(addresses: Sequence[str]) -> list[str | None]`` — addresses to the 6-digit
  code of the finest region found (county, else prefecture, else province), None when none.

:class:`RegionAssigner` applies them to *distinct* codes and *distinct* addresses only (a few
thousand strings even for millions of rows), then rolls the result up to the output level:

1. an area code is usable when it has 6 digits (12-digit codes are cut to 6) below province
   level (``XX0000`` is too coarse, e.g. CNIPA's 2-digit 国省代码) and ``resolve_code`` knows it;
2. otherwise the address is parsed (cpca by default, on distinct addresses); a county name
   retired in a merger (吴江市, 大丰市, 金坛市, 姜堰市, 溧水县, 高淳县, 海门市 … — the names of
   the alias table ``ipbench/data/region_aliases.yaml``) that the parser does not know gives
   its successor's code (:func:`retired_names`);
   A code the table does not know (a county code retired in a merger, e.g. 320602) still
   counts in its prefecture when the prefecture code is known and ``level`` is not county;
3. the region is rolled up to ``level`` (prefecture: ``XXYY00``; 省直辖县级 codes ``XX90ZZ``
   stay themselves) and checked against ``scope`` (a code prefix such as ``"32"``).

Records that get no region are **kept** with one reason from :data:`REASONS`. Applicants in
Hong Kong, Macao or Taiwan (area code 81/82/71, or an address or country naming them) and
foreign applicants (:mod:`ipbench.patents.applicants`) are their own classes, not
``province_only``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path

from ipbench.errors import ParamsError

REASONS: dict[str, str] = {
    "no_area_code_or_address": "无区划代码且无地址 / neither area code nor address",
    "unknown_area_code": "区划代码无法识别且地址无法解析 / unknown area code, address not parsed",
    "address_not_parsed": "地址无法解析 / address not parsed",
    "province_only": "仅能定位到省 / only the province is known",
    "outside_scope": "不在研究范围内 / outside the regions studied",
    "hk_macao_taiwan": "港澳台申请人 / applicant in Hong Kong, Macao or Taiwan",
    "foreign": "国外申请人 / foreign applicant",
}
LEVELS = ("county", "prefecture", "province")

#: Historical codes → current codes (fallback when ipbench.data.regions is absent). Only changes
#: the fallback must know; the project's alias table (ipbench.data.regions) supersedes it.
FALLBACK_ALIASES: dict[str, str] = {
    "320684": "320614",  # 海门市 → 南通市海门区 (2020)
    "320982": "320904",  # 大丰市 → 盐城市大丰区 (2015)
    "320482": "320413",  # 金坛市 → 常州市金坛区 (2015)
    "320584": "320509",  # 吴江市 → 苏州市吴江区 (2012)
    "321284": "321204",  # 姜堰市 → 泰州市姜堰区 (2012)
    "320124": "320117",  # 溧水县 → 南京市溧水区 (2013)
    "320125": "320118",  # 高淳县 → 南京市高淳区 (2013)
}

CodeResolver = Callable[[str], "str | None"]
AddressParser = Callable[[Sequence[str]], "list[str | None]"]


@lru_cache(maxsize=1)
def _cpca_codes() -> frozenset[str]:
    import cpca

    path = Path(cpca.__file__).with_name("resources") / "adcodes.csv"
    codes = set()
    with path.open(encoding="utf-8") as fh:
        next(fh)
        for line in fh:
            codes.add(line.split(",", 1)[0][:6])
    return frozenset(codes) | frozenset(FALLBACK_ALIASES.values())


@lru_cache(maxsize=1)
def retired_names() -> dict[str, str]:
    """Retired county-level names → current code, from the alias table's ``codes`` entries
    (``320584: {to: 320509, name: 吴江市}``), else :data:`FALLBACK_NAMES`."""
    out = dict(FALLBACK_NAMES)
    try:
        import yaml

        path = Path(__file__).resolve().parents[1] / "data" / "region_aliases.yaml"
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for spec in (doc.get("codes") or {}).values():
            if isinstance(spec, dict) and spec.get("name") and spec.get("to"):
                out[str(spec["name"])] = str(spec["to"])
    except (OSError, ValueError):  # the fallback names are documented
        pass
    return out


FALLBACK_NAMES: dict[str, str] = {
    "海门市": "320614", "大丰市": "320904", "金坛市": "320413", "吴江市": "320509",
    "姜堰市": "321204", "溧水县": "320117", "高淳县": "320118",
}


def _retired_in(text: str, found: str | None) -> str | None:
    """The successor code of a retired name in ``text`` (used where the parser found nothing
    finer than a prefecture: the literal county name is stronger evidence than a guess such as
    cpca's 高淳县 → 重庆), else None. Where the parser found a province or prefecture the name
    must lie in it, or the text must not name that province/prefecture."""
    for name, code in retired_names().items():
        if name in text:
            if found is None or code.startswith(found[:2] if found.endswith("0000") else found[:4]):
                return code
            if not _names_region(text, found):
                return code
    return None


def _names_region(text: str, code: str) -> bool:
    try:
        import cpca

        path = Path(cpca.__file__).with_name("resources") / "adcodes.csv"
    except ImportError:  # pragma: no cover
        return False
    return any(n and n in text for n in _names_of(str(path)).get(code, ()))


@lru_cache(maxsize=1)
def _names_of(path: str) -> dict[str, tuple[str, ...]]:
    out: dict[str, tuple[str, ...]] = {}
    with open(path, encoding="utf-8") as fh:
        next(fh)
        for line in fh:
            parts = line.rstrip("\n").split(",")
            if len(parts) >= 2:
                name = parts[1]
                short = name.removesuffix("市").removesuffix("省")
                out[parts[0][:6]] = tuple(n for n in (name, short) if len(n) >= 2)  # not 县
    return out


def fallback_resolve_code(code: str) -> str | None:
    """Resolve a code with the alias table above and cpca's code list (circa 2020)."""
    code = FALLBACK_ALIASES.get(code, code)
    return code if code in _cpca_codes() else None


def cpca_parse_addresses(addresses: Sequence[str]) -> list[str | None]:
    """Parse addresses with cpca (MIT; Aho-Corasick matching of 3,500 region names).

    Returns the finest code cpca finds, aliased to the current code (320684 → 320614).
    """
    try:
        import cpca
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ParamsError(
            "address parsing needs the package cpca (pip install cpca), or pass parse_addresses"
        ) from exc
    if not addresses:
        return []
    frame = cpca.transform(list(addresses))
    out: list[str | None] = []
    for code in frame["adcode"].tolist():
        if not isinstance(code, str) or not code:
            out.append(None)
        else:
            out.append(FALLBACK_ALIASES.get(code[:6], code[:6]))
    return out


def roll_up(code: str, level: str) -> str:
    """The ``level`` region containing ``code`` (GB/T 2260 code structure)."""
    if level == "county":
        return code
    if level == "province":
        return code[:2] + "0000"
    if code[2:4] == "90":  # 省直辖县级行政区划: the county is its own prefecture-level unit
        return code
    return code[:4] + "00"


def _code_level(code: str) -> str:
    if code.endswith("0000"):
        return "province"
    if code.endswith("00") or code[2:4] == "90":
        return "prefecture" if code[2:4] != "90" else "county"
    return "county"


_DIGITS = re.compile(r"\d+")


def normalise_code(text: str | None) -> str | None:
    """A 6-digit code from a cell (``320602``, ``320602000000``, ``'320602.0'``), else None."""
    if text is None:
        return None
    digits = "".join(_DIGITS.findall(str(text).split(".")[0]))
    if len(digits) == 12:
        digits = digits[:6]
    return digits if len(digits) == 6 else None


@dataclass
class RegionAssigner:
    """Assign regions to distinct area codes and addresses (see module docstring)."""

    level: str = "prefecture"
    scope: str | None = None
    resolve_code: CodeResolver = field(default=fallback_resolve_code)
    parse_addresses: AddressParser = field(default=cpca_parse_addresses)

    def __post_init__(self) -> None:
        if self.level not in LEVELS:
            raise ParamsError(f"region level {self.level!r}: use one of {LEVELS}")
        if self.scope is not None and not re.fullmatch(r"\d{2}(\d{2}){0,2}", self.scope):
            raise ParamsError(f"region scope {self.scope!r}: use a code prefix such as '32'")

    def finish(self, fine: str) -> tuple[str | None, str | None]:
        """A resolved fine code → ``(region at self.level, None)`` or ``(None, reason)``."""
        if LEVELS.index(_code_level(fine)) > LEVELS.index(self.level):
            return None, "province_only"
        region = roll_up(fine, self.level)
        if self.scope and not region.startswith(self.scope):
            return None, "outside_scope"
        return region, None

    def codes(self, raw_codes: Sequence[str]) -> dict[str, tuple[str | None, str | None]]:
        """Distinct raw area codes → ``(fine code, None)`` when usable, else ``(None, why)``
        with why ``province_only`` (2-digit or ``XX0000``) or ``unknown_area_code``."""
        out: dict[str, tuple[str | None, str | None]] = {}
        for raw in dict.fromkeys(raw_codes):
            code = normalise_code(raw)
            digits = "".join(_DIGITS.findall(str(raw).split(".")[0]))
            if digits[:2] in ("81", "82", "71") and len(digits) in (2, 6, 12):
                out[raw] = (None, "hk_macao_taiwan")
                continue
            if (code and code.endswith("0000")) or len(digits) == 2:
                out[raw] = (None, "province_only")
                continue
            resolved = self.resolve_code(code) if code else None
            if not resolved and code and self.level != "county":
                # a retired county code (e.g. 320602 崇川区 before the 2020 merger) still
                # tells its prefecture when that prefecture is known
                resolved = self.resolve_code(roll_up(code, "prefecture"))
            if resolved and not resolved.endswith("0000"):
                out[raw] = (resolved, None)
            else:
                out[raw] = (None, "unknown_area_code")
        return out

    def addresses(self, addresses: Sequence[str]) -> dict[str, str | None]:
        """Distinct addresses → finest code found (None when none), each parsed once; the
        parser's code goes through ``resolve_code`` so historical codes become current."""
        distinct = list(dict.fromkeys(addresses))
        # region names hold no digits: parse the part before the house number once per
        # distinct head (苏州市常熟市星湖街 for 苏州市常熟市星湖街886号 — 100× fewer strings), and
        # the full address only where the head gives no region finer than needed
        heads = {a: _ADDRESS_TAIL.sub("", a) or a for a in distinct}
        uniq = list(dict.fromkeys(heads.values()))
        by_head = dict(zip(uniq, self.parse_addresses(uniq), strict=True))
        need = 3 if self.level == "county" else 2
        again = [a for a in distinct if heads[a] != a and _precision(by_head[heads[a]]) < need]
        full = dict(zip(again, self.parse_addresses(again), strict=True)) if again else {}
        out = {}
        for a in distinct:
            c = by_head[heads[a]]
            if a in full and _precision(full[a]) > _precision(c):
                c = full[a]
            if _precision(c) < 3:
                c = _retired_in(heads[a], c) or c
            out[a] = (self.resolve_code(c) or c) if c else None
        return out

    def assign(
        self, pairs: Sequence[tuple[str | None, str | None]]
    ) -> dict[tuple[str | None, str | None], tuple[str | None, str | None]]:
        """``(area_code, address)`` pairs → ``(region_code, reason)`` — the rule that
        :func:`ipbench.patents.ingest.ingest` applies in SQL, for small inputs and tests."""
        code_map = self.codes([c for c, _ in pairs if c is not None])
        need = [a for c, a in pairs if a and (c is None or code_map[c][0] is None)]
        addr_map = self.addresses(need) if need else {}
        out = {}
        for c, a in pairs:
            fine, code_reason = code_map[c] if c is not None else (None, None)
            if fine is None and a:
                fine = addr_map.get(a)
            if fine is not None:
                out[(c, a)] = self.finish(fine)
            elif code_reason is not None:
                out[(c, a)] = (None, code_reason)
            elif a:
                out[(c, a)] = (None, "address_not_parsed")
            else:
                out[(c, a)] = (None, "no_area_code_or_address")
        return out


_ADDRESS_TAIL = re.compile(r"[0-9０-９].*$", re.S)


def _precision(code: str | None) -> int:
    """0 none, 1 province (``XX0000``), 2 prefecture (``XXYY00``), 3 county."""
    if not code:
        return 0
    return 1 if code.endswith("0000") else 2 if code.endswith("00") else 3


def default_assigner(level: str = "prefecture", scope: str | None = None) -> RegionAssigner:
    """A :class:`RegionAssigner` wired to :class:`ipbench.data.regions.RegionIndex` (national
    code table + alias table such as 320684 → 320614), falling back to
    :func:`fallback_resolve_code` when the project's region table cannot be loaded."""
    return RegionAssigner(level=level, scope=scope, resolve_code=project_resolver())


@lru_cache(maxsize=1)
def project_resolver() -> CodeResolver:
    """``resolve_code`` backed by :meth:`RegionIndex.resolve` (codes only, aliases applied)."""
    try:
        from ipbench.data.regions import RegionIndex

        index = RegionIndex.default()
    except Exception:  # noqa: BLE001 - the fallback is documented; any load failure uses it
        return fallback_resolve_code

    from ipbench.errors import DataError

    @cache
    def resolve(code: str) -> str | None:
        try:
            return index.resolve(code)
        except DataError:
            return None

    return resolve
