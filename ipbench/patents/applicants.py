"""Applicants: type (enterprise, university, institute, government/other, individual) and origin.

**Type.** From the export's applicant-type column where it has one (incoPat 申请人类型 writes
企业 / 大专院校 / 科研单位 / 机关团体 / 个人, :data:`TYPE_VALUES`), otherwise from the name by
these rules, first match wins (:func:`type_from_name`):

1. enterprise when the name carries a company form — 公司, 企业, 厂, 集团, 合作社, 事务所,
   株式会社, 商行, 工作室 or Latin ``Inc``, ``Ltd``, ``LLC``, ``Corp``, ``GmbH``, ``AG``, ``SE``,
   ``S.A.``, ``B.V.``, ``N.V.``, ``Co.``, ``KK``, ``PLC``, ``S.p.A.`` (so 研究院有限公司 is an
   enterprise: a company that calls itself an institute is registered as a company);
2. university or college: 大学, 学校, 职业技术, ``University``, ``College``,
   ``Institute of Technology``;
3. research institute: 研究院, 研究所, 研究中心, 科学院, 实验室, 设计院, ``Institut``,
   ``Laboratory``, ``Research``, ``Forschung`` (then 学院 alone is a college: 科学院 is not);
4. government or other organisation: 局, 委员会, 政府, 医院, 协会, 学会, 中心, 站, 部队, 办公室,
   基金会, 管理处, ``Hospital``, ``Foundation``, ``Association``;
5. individual: 2–4 Chinese characters (optionally with a middle dot ·) and nothing else, or a
   Latin name of 2–4 words with no organisation word;
6. otherwise ``other`` (counted with government/other organisations).

These follow the categories of CNIPA's statistics (《专利统计年报》: 企业、大专院校、科研单位、
机关团体、个人) and the name conventions of the Company Registration Regulation (企业名称登记
管理规定, names end in a company form).

**Several applicants** in one cell are split on the mapping's separator (``;`` ``；`` …); the
first is the *primary* applicant (first-named applicant: CNIPA's convention for regional and
type statistics). A patent is a **co-application** (合作申请) when it names two or more
applicants, and **university/institute–enterprise** (产学研) when among them at least one is a
university or institute and at least one an enterprise.

**Origin.** ``CN`` (mainland), ``HK``, ``MO``, ``TW`` or another ISO 3166 alpha-2 code, from
the applicant-country column (国别/国家代码) where present, else from the address
(:func:`origin_from_address`: a leading country or territory name, e.g. 日本国东京都 → JP).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

#: ipbench applicant types, with bilingual labels
APPLICANT_TYPES: dict[str, str] = {
    "enterprise": "企业 / enterprise",
    "university": "高校 / university or college",
    "institute": "科研院所 / research institute",
    "government": "机关团体及其他 / government or other organisation",
    "individual": "个人 / individual",
    "other": "其他 / other",
}
#: type-column texts (incoPat, Patsnap, CNIPA statistics) → applicant type
TYPE_VALUES: dict[str, str] = {
    "企业": "enterprise", "公司": "enterprise", "工矿企业": "enterprise", "企业单位": "enterprise",
    "大专院校": "university", "高校": "university", "院校": "university", "大学": "university",
    "科研单位": "institute", "科研院所": "institute", "研究机构": "institute",
    "机关团体": "government", "机关": "government", "政府机构": "government", "事业单位": "government",
    "其他": "other", "其它": "other",
    "个人": "individual", "自然人": "individual",
    "enterprise": "enterprise", "company": "enterprise", "university": "university",
    "academy": "university", "institute": "institute", "research institute": "institute",
    "government": "government", "individual": "individual", "person": "individual",
}

#: Name rules in order (module docstring), as patterns read the same by Python (``re.ASCII``:
#: ``\\b`` is an ASCII word boundary) and by DuckDB (RE2), so :func:`type_sql` (the ingest)
#: equals :func:`type_from_name`. ``individual`` patterns must match the whole name.
NAME_RULES: list[tuple[str, str]] = [
    ("enterprise", r"公司|企业|工厂|厂$|厂（|厂\(|集团|合作社|事务所|株式会社|商行|工作室|经营部|门市部"
                   r"|(?i:\b(inc|ltd|llc|corp|corporation|company|gmbh|plc|limited)\b)|(?i:\bco\.)"
                   r"|\b(AG|SE|S\.A|SA|B\.V|BV|N\.V|NV|KK|S\.p\.A|SpA|Oy|AB|AS|SAS|SRL|Co)\b"),
    ("university", r"大学|学校|职业技术|(?i:\b(university|college|universitat|institute of technology)\b)"),
    ("institute", r"研究院|研究所|研究中心|科学院|实验室|设计院|(?i:\b(institut|institute|laboratory|research"
                  r"|forschung))"),
    ("university", r"学院"),
    ("government", r"局|委员会|政府|医院|协会|学会|中心|站$|部队|办公室|基金会|管理处|(?i:\b(hospital|foundation"
                   r"|association|ministry|agency|council)\b)"),
]
PERSON_RULES: list[str] = [
    r"[\x{4e00}-\x{9fff}]{2,4}",
    r"[\x{4e00}-\x{9fff}]{1,6}·[\x{4e00}-\x{9fff}]{1,8}",
    r"[A-Za-z][A-Za-z.'-]*(,? +[A-Za-z][A-Za-z.'-]*){1,3}",
]


def _py(pattern: str) -> re.Pattern:
    return re.compile(re.sub(r"\\x\{([0-9a-f]+)\}", lambda m: chr(int(m.group(1), 16)), pattern), re.ASCII)


_RULES = [(t, _py(p)) for t, p in NAME_RULES]
_PERSONS = [_py(p) for p in PERSON_RULES]


def type_from_name(name: str | None) -> str | None:
    """Applicant type from a name (module docstring, rules 1–6); None for an empty name."""
    if name is None:
        return None
    s = str(name).strip()
    if not s:
        return None
    for kind, rx in _RULES:
        if rx.search(s):
            return kind
    if any(rx.fullmatch(s) for rx in _PERSONS):
        return "individual"
    return "other"


def type_sql(name: str, cell: str | None = None, extra: dict[str, str] | None = None) -> str:
    """DuckDB SQL of the applicant type of the name expression ``name`` (and the type-cell
    expression ``cell``): the cell's type where known, else the name rules."""
    def q(t: str) -> str:
        return t.replace("'", "''")

    parts = []
    if cell is not None:
        table = {**TYPE_VALUES, **(extra or {})}
        whens = " ".join(f"WHEN '{q(k)}' THEN '{v}'" for k, v in table.items())
        parts.append(f"CASE lower(trim({cell})) {whens} END")
    rules = " ".join(f"WHEN regexp_matches({name}, '{q(p)}') THEN '{t}'" for t, p in NAME_RULES)
    person = " OR ".join(f"regexp_full_match({name}, '{q(p)}')" for p in PERSON_RULES)
    parts.append(f"CASE WHEN {name} IS NULL THEN NULL {rules} WHEN {person} THEN 'individual'"
                 " ELSE 'other' END")
    return f"coalesce({', '.join(parts)})"


def type_from_cell(text: str | None, extra: dict[str, str] | None = None) -> str | None:
    """Applicant type from a type-column cell (exact text after stripping), else None."""
    if text is None:
        return None
    t = str(text).strip()
    table = {**TYPE_VALUES, **(extra or {})}
    return table.get(t) or table.get(t.lower())


def split_names(cell: str | None, separator: str) -> list[str]:
    """Applicant names in a cell, trimmed, in order, empty parts dropped."""
    if cell is None:
        return []
    return [p.strip() for p in re.split(separator, str(cell)) if p.strip()]


# leading country / territory names in addresses → ISO 3166-1 alpha-2 (HK, MO, TW kept apart)
COUNTRY_NAMES: dict[str, str] = {
    "香港": "HK", "中国香港": "HK", "澳门": "MO", "中国澳门": "MO", "台湾": "TW", "中国台湾": "TW",
    "台湾省": "TW", "日本": "JP", "美国": "US", "美利坚合众国": "US", "韩国": "KR", "大韩民国": "KR",
    "德国": "DE", "德意志联邦共和国": "DE", "法国": "FR", "英国": "GB", "瑞士": "CH", "瑞典": "SE",
    "荷兰": "NL", "意大利": "IT", "芬兰": "FI", "丹麦": "DK", "加拿大": "CA", "澳大利亚": "AU",
    "新加坡": "SG", "以色列": "IL", "印度": "IN", "比利时": "BE", "奥地利": "AT", "西班牙": "ES",
    "挪威": "NO", "俄罗斯": "RU", "爱尔兰": "IE", "卢森堡": "LU", "开曼群岛": "KY",
    "英属维尔京群岛": "VG", "百慕大": "BM", "新西兰": "NZ", "巴西": "BR", "马来西亚": "MY",
}
_COUNTRY_RE = re.compile("^(" + "|".join(sorted(map(re.escape, COUNTRY_NAMES), key=len, reverse=True)) + ")")
#: applicant-country cell texts meaning mainland China
MAINLAND = {"CN", "中国", "中华人民共和国", "中国大陆", "CHINA", "PRC"}
#: province codes of Hong Kong, Macao and Taiwan in GB/T 2260
HMT_CODES = {"81": "HK", "82": "MO", "71": "TW"}


def origin_from_address(address: str | None) -> str | None:
    """``HK``/``MO``/``TW``/a foreign alpha-2 code when the address starts with that country or
    territory (after an optional 中国), else None (mainland or unknown)."""
    if not address:
        return None
    m = _COUNTRY_RE.match(str(address).strip())
    return COUNTRY_NAMES[m.group(1)] if m else None


def origin_from_country(text: str | None) -> str | None:
    """``CN`` for mainland China, ``HK``/``MO``/``TW``, or the alpha-2 code (upper case) of a
    country cell (``JP``, ``日本`` …); None when empty or not recognised."""
    if text is None:
        return None
    t = str(text).strip()
    if not t:
        return None
    if t.upper() in MAINLAND:
        return "CN"
    if t in COUNTRY_NAMES:
        return COUNTRY_NAMES[t]
    if re.fullmatch(r"[A-Za-z]{2}", t):
        return t.upper()
    return None


def classify(names: Iterable[str], types: Iterable[str | None] | None = None,
             extra: dict[str, str] | None = None) -> list[str]:
    """Types of ``names``: the type cell where it is known, else :func:`type_from_name`."""
    names = list(names)
    cells = list(types) if types is not None else [None] * len(names)
    out = []
    for n, t in zip(names, cells, strict=True):
        out.append(type_from_cell(t, extra) or type_from_name(n) or "other")
    return out
