"""Write the seeded synthetic patent export used by the demo (示例数据 · demo data, not real).

About 400,000 records over Jiangsu's 13 prefecture-level cities (320100–321300), filed
2008–2024 — early enough that every year 2016–2024 has grants and a stock of inventions in
force — in the CNIPA layout (preset ``cnipa``): two compressed CSV files (one GBK, one UTF-8),
sorted by application number as exports usually are, and one small XLSX that repeats ~1,000
records with differently written application numbers (duplicates), plus a few malformed cells
and unplaceable addresses on purpose. Applicants are enterprises, universities, institutes,
individuals and a few public bodies (5 % 产学研 co-applications), 3 % foreign or Hong Kong/
Taiwan applicants, and some addresses keep county names retired since (吴江市, 金坛市).

The export is a **sample**: its invention grants in the demo industries are a few per cent of
a city's total invention grants (``demo_patents``), where the whole pilot-industry set would be
a fifth to two fifths — a full export of that size would not fit the repository (see
``data/raw/demo_patents/README.md``). Shares, location quotients and trends drawn from it are
unaffected by a uniform sampling rate; absolute per-industry counts are not.

The IPC mix gives each city the specialisations it is known for (南通: ships, marine
engineering, textiles; 苏州/无锡/南京: electronics; 泰州/连云港: medicine; 常州/盐城: new
energy; 徐州: machinery) around a share of codes outside the demo industries. Shares,
grant lags and lapse rates are plausible magnitudes, not statistics.

Usage: ``python scripts/make_demo_patents.py [--out data/raw/demo_patents] [--seed 6]``
"""

from __future__ import annotations

import argparse
import gzip
from pathlib import Path

import numpy as np
import pandas as pd

NOTICE = "# 示例数据 · demo data, not official statistics: synthetic patent export (ipbench scripts/make_demo_patents.py)"
# code: (name, weight, {industry: multiplier}); weights ∝ the demo's invention grants by city
# (scripts/make_demo_data.py: grants w × invention share 0.12 + 0.5 w), so the export samples
# every city at about the same rate and location quotients drawn from it are not distorted
CITIES = {
    "320100": ("南京市", 0.224, {"ELECTRONICS": 2.0, "BIOMED": 1.5, "SMART_EQUIP": 1.2}),
    "320200": ("无锡市", 0.110, {"ELECTRONICS": 2.0, "NEW_ENERGY": 1.5, "TEXTILE": 1.2}),
    "320300": ("徐州市", 0.033, {"SMART_EQUIP": 2.5, "NEW_ENERGY": 1.2}),
    "320400": ("常州市", 0.076, {"NEW_ENERGY": 2.5, "SMART_EQUIP": 1.8, "NEW_MATERIAL": 1.3}),
    "320500": ("苏州市", 0.371, {"ELECTRONICS": 2.2, "BIOMED": 1.8, "SMART_EQUIP": 1.5, "TEXTILE": 1.3}),
    "320600": ("南通市", 0.065, {"MARINE": 6.0, "TEXTILE": 3.0, "NEW_MATERIAL": 1.2}),
    "320700": ("连云港市", 0.0097, {"BIOMED": 4.0, "NEW_MATERIAL": 1.5}),
    "320800": ("淮安市", 0.013, {"NEW_MATERIAL": 2.0, "TEXTILE": 1.2}),
    "320900": ("盐城市", 0.017, {"NEW_ENERGY": 3.0, "AUTO": 2.0}),
    "321000": ("扬州市", 0.029, {"MARINE": 2.5, "AUTO": 1.8}),
    "321100": ("镇江市", 0.024, {"NEW_MATERIAL": 2.5, "MARINE": 1.5}),
    "321200": ("泰州市", 0.021, {"BIOMED": 3.0, "MARINE": 2.5}),
    "321300": ("宿迁市", 0.0077, {"TEXTILE": 2.5, "NEW_MATERIAL": 1.2}),
}
COUNTIES = {  # a few districts/counties per city, incl. names retired since (海门市, 港闸区)
    "320100": ["玄武区", "秦淮区", "鼓楼区", "江宁区", "浦口区", "栖霞区", "雨花台区"],
    "320200": ["梁溪区", "滨湖区", "新吴区", "惠山区", "江阴市", "宜兴市"],
    "320300": ["鼓楼区", "云龙区", "铜山区", "邳州市", "新沂市"],
    "320400": ["天宁区", "钟楼区", "新北区", "武进区", "溧阳市", "金坛区", "金坛市"],
    "320500": ["姑苏区", "吴中区", "相城区", "吴江区", "吴江市", "昆山市", "常熟市", "张家港市", "太仓市"],
    "320600": ["崇川区", "港闸区", "通州区", "海门市", "海门区", "如皋市", "启东市", "海安市", "如东县"],
    "320700": ["海州区", "连云区", "赣榆区", "东海县", "灌云县"],
    "320800": ["清江浦区", "淮安区", "淮阴区", "洪泽区", "涟水县"],
    "320900": ["亭湖区", "盐都区", "大丰区", "东台市", "建湖县"],
    "321000": ["广陵区", "邗江区", "江都区", "仪征市", "高邮市"],
    "321100": ["京口区", "润州区", "丹徒区", "丹阳市", "扬中市", "句容市"],
    "321200": ["海陵区", "高港区", "姜堰区", "靖江市", "泰兴市", "兴化市"],
    "321300": ["宿城区", "宿豫区", "沭阳县", "泗阳县", "泗洪县"],
}
IPC = {  # industry: IPC codes (subgroups) whose concordance rows lead to it
    "MARINE": ["B63B1/00", "B63B35/44", "B63B3/14", "B63H21/17", "B63H25/00", "B63J3/00", "E21B43/01", "E02B17/00"],
    "TEXTILE": ["D01H1/00", "D02G3/04", "D03D15/00", "D04B1/00", "D06P1/00", "D06M11/00", "D04H1/4382", "D01F6/62", "A41D13/00"],
    "SMART_EQUIP": ["B25J9/16", "B25J11/00", "B23Q3/00", "B23B31/00", "G05B19/418", "G01N21/88", "B65G47/00"],
    "NEW_MATERIAL": ["C08F220/18", "C08G18/00", "C08L67/02", "C08C19/00", "C04B35/565", "C03C13/00", "C01B32/05", "C22C21/00"],
    "NEW_ENERGY": ["H01L31/042", "H01L31/18", "H02S40/00", "F03D1/06", "F03D80/00", "H02J3/38"],
    "ELECTRONICS": ["H01L21/02", "H01L23/00", "G06F9/44", "G06F3/01", "G06N3/08", "G06Q10/00", "G06T7/00", "H04L9/40", "H04W4/00", "H04M1/02", "H05K7/20"],
    "BIOMED": ["A61K31/00", "A61K36/00", "A61K39/00", "A61P35/00", "C07D401/00", "C12N15/00", "C07K16/00", "A61B5/00", "A61B17/00", "A61M5/00"],
    "AUTO": ["B60L58/00", "B60W30/00", "B60K6/00", "B60R16/00", "B60T13/00", "B62D21/00"],
    "OTHER": ["H01M10/0525", "H01M4/00", "A47J27/00", "F16K1/00", "A01G9/00", "B65D81/00", "E04B1/00", "G01R31/00", "F24F11/00", "A61K8/00", "B01D53/00", "C02F1/00"],
}
BASE = {"MARINE": 0.02, "TEXTILE": 0.05, "SMART_EQUIP": 0.10, "NEW_MATERIAL": 0.07, "NEW_ENERGY": 0.05,
        "ELECTRONICS": 0.12, "BIOMED": 0.06, "AUTO": 0.05, "OTHER": 0.48}
YEARS = list(range(2008, 2025))
# filings per year relative to 2019 (Jiangsu's applications roughly quadrupled 2008 → 2016)
YEAR_GROWTH = np.array([0.22, 0.28, 0.36, 0.46, 0.55, 0.6, 0.62, 0.68,
                        0.75, 0.85, 0.95, 1.0, 1.1, 1.2, 1.15, 1.15, 1.2])
TYPE_P = {"invention": 0.35, "utility": 0.55, "design": 0.10}
TYPE_DIGIT = {"invention": "1", "utility": "2", "design": "3"}
TYPE_ZH = {"invention": "发明", "utility": "实用新型", "design": "外观设计"}
WORDS = ["华", "瑞", "恒", "通", "达", "新", "科", "远", "海", "金", "宏", "信", "创", "智", "博"]
ROADS = ["人民路", "工农路", "长江路", "世纪大道", "科技园路", "创新大道", "青年路", "解放路", "星湖街"]


SUFFIX = {"MARINE": "船舶重工有限公司", "TEXTILE": "纺织有限公司", "SMART_EQUIP": "智能装备有限公司",
          "NEW_MATERIAL": "新材料股份有限公司", "NEW_ENERGY": "新能源科技有限公司",
          "ELECTRONICS": "电子科技有限公司", "BIOMED": "生物医药有限公司", "AUTO": "汽车零部件有限公司",
          "OTHER": "科技有限公司"}
UNIVERSITIES = {c: u for c, u in {
    "320100": ["南京大学", "东南大学", "南京理工大学", "南京航空航天大学"], "320200": ["江南大学"],
    "320300": ["中国矿业大学", "江苏师范大学"], "320400": ["常州大学", "河海大学常州校区"],
    "320500": ["苏州大学", "苏州科技大学"], "320600": ["南通大学", "南通职业大学"],
    "320700": ["江苏海洋大学"], "320800": ["淮阴工学院"], "320900": ["盐城工学院"],
    "321000": ["扬州大学"], "321100": ["江苏大学", "江苏科技大学"], "321200": ["泰州学院"],
    "321300": ["宿迁学院"]}.items()}
INSTITUTES = ["纺织产品质量监督检验研究院", "船舶设计研究所", "智能制造研究院", "化工研究所", "生物医药研究院"]
SURNAMES = ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "朱", "欧阳"]
GIVEN = ["伟", "芳", "娜", "敏", "静", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超"]
FOREIGN = [("日本国东京都港区", "索尼株式会社"), ("日本大阪府", "松下知识产权经营株式会社"),
           ("美国加利福尼亚州", "APPLE INC."), ("德国慕尼黑", "Siemens AG"),
           ("韩国京畿道", "SAMSUNG ELECTRONICS CO., LTD."), ("瑞士巴塞尔", "Novartis AG"),
           ("中国台湾新竹市", "台湾积体电路制造股份有限公司"), ("香港九龙", "香港纺织及成衣研发中心有限公司")]


def check_digit(digits: str) -> str:
    """Check character in the style of CNIPA numbers (weights 2..9 repeating, mod 11, 10 = X);
    synthetic numbers only — the reader does not validate check characters."""
    weights = [2, 3, 4, 5, 6, 7, 8, 9] * 2
    r = sum(int(d) * w for d, w in zip(digits, weights, strict=False)) % 11
    return "X" if r == 10 else str(r)


def _dates(rng, start: np.ndarray, lo_days: int, hi_days: int) -> np.ndarray:
    return start + rng.integers(lo_days, hi_days, size=start.size).astype("timedelta64[D]")


def make_records(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    codes = list(CITIES)
    w = np.array([CITIES[c][1] for c in codes])
    city = rng.choice(codes, size=n, p=w / w.sum())
    year = rng.choice(YEARS, size=n, p=YEAR_GROWTH / YEAR_GROWTH.sum())
    ptype = rng.choice(list(TYPE_P), size=n, p=list(TYPE_P.values()))
    filing = (pd.to_datetime(year.astype(str)).values.astype("datetime64[D]")
              + rng.integers(0, 365, size=n).astype("timedelta64[D]"))
    inds = list(BASE)
    industry = np.empty(n, dtype=object)
    for c in codes:
        m = city == c
        p = np.array([BASE[i] * CITIES[c][2].get(i, 1.0) for i in inds])
        industry[m] = rng.choice(inds, size=m.sum(), p=p / p.sum())
    # application numbers: year + type digit + 7-digit serial + check character
    serial = rng.permutation(n) + 1_000_000
    app = [f"{y}{TYPE_DIGIT[t]}{s:07d}" for y, t, s in zip(year, ptype, serial, strict=True)]
    app_no = [f"CN{a}.{check_digit(a)}" for a in app]
    # grants
    lag = {"invention": (500, 1300, 0.55), "utility": (120, 300, 0.95), "design": (90, 240, 0.95)}
    grant = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
    for t, (lo, hi, p) in lag.items():
        m = (ptype == t) & (rng.random(n) < p)
        grant[m] = _dates(rng, filing[m], lo, hi)
    end_of_data = np.datetime64("2024-12-31")
    grant[grant > end_of_data] = np.datetime64("NaT")
    granted = ~np.isnat(grant)
    # lapse: utility models and designs lapse faster (annual fees not paid)
    rate = np.where(ptype == "invention", 0.06, 0.15)
    age = np.where(granted, (end_of_data - np.where(granted, grant, end_of_data)).astype(int) / 365.25, 0)
    lapsed = granted & (rng.random(n) < 1 - np.exp(-rate * age))
    lapse = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
    span = np.maximum((end_of_data - np.where(lapsed, grant, end_of_data)).astype(int), 1)
    lapse[lapsed] = grant[lapsed] + (rng.random(lapsed.sum()) * span[lapsed]).astype("timedelta64[D]")
    undated = lapsed & (rng.random(n) < 0.2)
    pending = (ptype == "invention") & ~granted & (filing > np.datetime64("2021-06-30"))
    status = np.where(granted & ~lapsed, "有效", np.where(lapsed, "失效",
                      np.where(pending, "审中", "驳回")))
    pub_kind = np.where(granted, np.where(ptype == "invention", "B", np.where(ptype == "utility", "U", "S")), "A")
    pub_date = np.where(granted, grant, filing + np.timedelta64(540, "D"))
    has_pub = granted | (ptype == "invention")
    pub_no = [f"CN{110000000 + i}{k}" if h else "" for i, (k, h) in enumerate(zip(pub_kind, has_pub, strict=True))]
    # IPC codes (designs carry Locarno classes, not IPC: left empty)
    main, allc = [], []
    other_inds = [i for i in inds if i != "OTHER"]
    for ind, t in zip(industry, ptype, strict=True):
        if t == "design":
            main.append("")
            allc.append("")
            continue
        pool = IPC[ind]
        m0 = pool[rng.integers(len(pool))]
        k = int(rng.choice([1, 2, 3, 4], p=[0.35, 0.35, 0.2, 0.1]))
        extra = []
        for _ in range(k - 1):
            src = pool if rng.random() < 0.7 else IPC[other_inds[rng.integers(len(other_inds))]]
            extra.append(src[rng.integers(len(src))])
        codes_ = list(dict.fromkeys([m0, *extra]))
        main.append(m0)
        allc.append(";".join(codes_))
    # events after grant
    def events(p: float) -> list[str]:
        out = []
        for g, ok in zip(grant, granted & (rng.random(n) < p), strict=True):
            if not ok or g >= end_of_data:
                out.append("")
                continue
            span_ = int((end_of_data - g).astype(int))
            k = 1 + int(rng.random() < 0.15)
            ds = sorted(g + np.sort(rng.integers(1, span_ + 1, size=k)).astype("timedelta64[D]"))
            out.append(";".join(str(d) for d in ds))
        return out
    transfer, licence, pledge = events(0.06), events(0.015), events(0.02)
    county = [COUNTIES[c][rng.integers(len(COUNTIES[c]))] for c in city]
    road = rng.integers(len(ROADS), size=n)
    style = rng.random(n)
    addr = []
    for i in range(n):
        nm = CITIES[city[i]][0]
        tail = f"{ROADS[road[i]]}{rng.integers(1, 999)}号"
        if style[i] < 0.6:
            addr.append(f"江苏省{nm}{county[i]}{tail}")
        elif style[i] < 0.85:
            addr.append(f"{nm}{county[i]}{tail}")
        elif style[i] < 0.995:
            addr.append(f"江苏省{nm}{tail}")
        else:
            addr.append(f"高新区{tail}")  # no city named: cannot be placed
    applicant = [f"{nm[:-1]}{WORDS[a]}{WORDS[b]}{SUFFIX[ind]}" for nm, a, b, ind in zip(
        (CITIES[c][0] for c in city), rng.integers(15, size=n), rng.integers(15, size=n), industry,
        strict=True)]
    # applicant types: ~70 % enterprises, universities, institutes, individuals, a few public
    # bodies; 5 % co-applications of a university or institute with an enterprise (产学研);
    # 3 % foreign applicants (their address names the country: not placed in a Jiangsu city)
    kind = rng.choice(["ent", "uni", "inst", "ind", "gov"], size=n, p=[0.70, 0.12, 0.05, 0.12, 0.01])
    co = rng.random(n) < 0.05
    foreign = rng.random(n) < 0.03
    for i in range(n):
        c = city[i]
        if kind[i] == "uni":
            applicant[i] = UNIVERSITIES[c][rng.integers(len(UNIVERSITIES[c]))]
        elif kind[i] == "inst":
            applicant[i] = f"江苏省{CITIES[c][0][:-1]}{INSTITUTES[rng.integers(len(INSTITUTES))]}"
        elif kind[i] == "ind":
            applicant[i] = SURNAMES[rng.integers(len(SURNAMES))] + GIVEN[rng.integers(len(GIVEN))]
        elif kind[i] == "gov":
            applicant[i] = f"{CITIES[c][0]}市场监督管理局"
        if co[i] and kind[i] in ("uni", "inst"):
            applicant[i] += f";{CITIES[c][0][:-1]}{WORDS[rng.integers(15)]}{WORDS[rng.integers(15)]}{SUFFIX[industry[i]]}"
        if foreign[i]:
            country, name = FOREIGN[rng.integers(len(FOREIGN))]
            applicant[i], addr[i] = name, f"{country}{ROADS[road[i]]}{rng.integers(1, 99)}号"
    fmt = lambda d: np.where(np.isnat(d), "", np.datetime_as_string(d, unit="D"))  # noqa: E731
    frame = pd.DataFrame({
        "申请号": app_no, "申请日": fmt(filing), "公开（公告）号": pub_no,
        "公开（公告）日": np.where(has_pub, fmt(pub_date), ""),
        "授权公告日": fmt(grant), "名称": [f"一种{t}" for t in np.where(ptype == "design", "产品外观", "装置及方法")],
        "主分类号": main, "分类号": allc, "申请（专利权）人": applicant, "地址": addr, "国省代码": "32",
        "专利类型": [TYPE_ZH[t] for t in ptype], "法律状态": status,
        "失效日": np.where(undated, "", fmt(lapse)), "转让日": transfer, "许可日": licence, "质押日": pledge,
    })
    # a few malformed cells on purpose (reported by the ingest with file and row)
    bad = rng.choice(n, size=60, replace=False)
    frame.loc[bad[:20], "申请日"] = "2021-02-30"
    frame.loc[bad[20:40], "主分类号"] = "见附件"
    frame.loc[bad[40:], "授权公告日"] = "二〇二二年"
    return frame


README = """# 示例数据 · demo data, not official statistics

Synthetic patent-list export written by `scripts/make_demo_patents.py` (seed 6): ~400,000
records filed 2008–2024 over Jiangsu's 13 cities, in the CNIPA layout (`--mapping cnipa`).
Loaded by the source `demo_patent_records` of `data/sources.yaml`; it supplies the
per-industry patent variables of the demo (e.g. 发明专利授权量 / patent_grant_invention by pilot
industry in the industry reports).

**The export is a sample.** A full export of a province's patents would be millions of rows;
this one keeps the repository small: it holds about 7 % of each city's invention grants in
`demo_patents` (the same rate in every city), so its invention grants in the demo
industries are about 4–5 % of a city's total, where all pilot
industries together would plausibly be 20–40 %. Read per-industry *counts* and *intensities*
(grants per 10,000 employed) as those of the sample; location quotients, shares between cities,
industry rankings and trends do not depend on a uniform sampling rate.
"""


def write_readme(out: Path) -> None:
    """The folder's README (the sample caveat)."""
    (out / "README.md").write_text(README, encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(Path(__file__).resolve().parents[1] / "data/raw/demo_patents"))
    ap.add_argument("--seed", type=int, default=6)
    ap.add_argument("--n", type=int, default=399_000)
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    frame = make_records(args.n, args.seed)
    # exports list records by application number; the order also helps gzip (smaller files)
    frame = frame.iloc[np.argsort(frame["申请号"].to_numpy(), kind="stable")].reset_index(drop=True)
    rng = np.random.default_rng(args.seed + 1)
    early = frame["申请日"].str[:4] <= "2020"
    xlsx_new = frame.sample(3_000, random_state=args.seed)
    rest = frame.drop(xlsx_new.index)
    dups = rest.sample(1_000, random_state=args.seed + 2).copy()
    # the same applications written differently (no CN prefix, no dot)
    dups["申请号"] = dups["申请号"].str.replace("CN", "", regex=False).str.replace(".", "", regex=False)
    xlsx = pd.concat([xlsx_new, dups]).sample(frac=1.0, random_state=int(rng.integers(1 << 30)))
    for name, part, enc in (
        ("demo_cnipa_2008_2020_gbk.csv.gz", rest[early.loc[rest.index]], "gb18030"),
        ("demo_cnipa_2021_2024.csv.gz", rest[~early.loc[rest.index]], "utf-8"),
    ):
        with gzip.open(out / name, "wt", encoding=enc, newline="", compresslevel=9) as fh:
            fh.write(NOTICE + "\n")
            part.to_csv(fh, index=False)
    with pd.ExcelWriter(out / "demo_cnipa_extra.xlsx", engine="xlsxwriter") as xw:
        xlsx.to_excel(xw, sheet_name="demo 示例数据", index=False)
        pd.DataFrame({"说明 / note": [NOTICE.lstrip("# ")]}).to_excel(xw, sheet_name="README", index=False)
    write_readme(out)
    sizes = {p.name: p.stat().st_size for p in out.iterdir() if p.is_file()}
    print(f"{len(frame):,} records (+{len(dups):,} duplicates in the XLSX) -> {out}")
    for k, v in sorted(sizes.items()):
        print(f"  {k}: {v / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
