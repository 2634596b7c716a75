"""English reports (``lang: en``) and the AHP scenario as a user sees them.

- The English suite (params/demo_en.yaml) for a subset: no Chinese left in headings, table
  headers, cells and sentences, except names in parentheses and the mandated demo-data notice.
- The AHP scenario (params/demo_ahp.yaml): group CR of AIJ finite and equal to a hand-computed
  value; an inconsistent expert matrix warns naming the expert and its CR, and the report says so.
"""

from __future__ import annotations

import re
import warnings
from html import escape
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from _suite import ROOT, copy_project

from ipbench.errors import ConsistencyWarning
from ipbench.reports.labels import LABELS, bilingual

CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")
#: a parenthesised part, ASCII or full-width, not nested: 「Nantong (南通市)」
PARENS = re.compile(r"\([^()]*\)|（[^（）]*）")
DEMO_NOTICE = "示例数据 · demo data, not official statistics"  # ARCHITECTURE.md: shown verbatim
CHECKED = {"title", "h1", "h2", "h3", "th", "td", "p", "li", "summary", "caption", "a", "b"}


def cjk_leftovers(text: str) -> str:
    """The Chinese left in ``text`` once parenthesised parts are removed ('' when none)."""
    return "".join(CJK.findall(PARENS.sub("", text)))


class _Visible(HTMLParser):
    """Collects (tag, text) of the text a reader sees in headings, table cells, paragraphs
    and list items, and image alt texts; skips script/style, <pre> (the params YAML, which
    echoes the user's file) and the demo-data banner."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[tuple[str, bool]] = []
        self.found: list[tuple[str, str]] = []

    def _skipped(self) -> bool:
        return any(skip for _, skip in self.stack)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        # applicant names are proper names as registered (often Chinese): not page text
        skip = (tag in ("script", "style", "pre") or "ipbench-demo-banner" in (a.get("class") or "")
                or a.get("id") == "ipbench-top-applicants")
        if tag in ("img", "meta", "br", "hr", "input", "link"):  # void elements
            if tag == "img" and a.get("alt") and not self._skipped():
                self.found.append(("img@alt", a["alt"] or ""))
            return
        self.stack.append((tag, skip))

    def handle_endtag(self, tag: str) -> None:
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data: str) -> None:
        text = data.strip()
        if text and self.stack and not self._skipped() and self.stack[-1][0] in CHECKED:
            self.found.append((self.stack[-1][0], text))


def visible_chinese(html: str) -> list[tuple[str, str]]:
    parser = _Visible()
    parser.feed(html)
    return [(tag, text) for tag, text in parser.found if cjk_leftovers(text)]


def test_cjk_check_itself():
    assert cjk_leftovers("Nantong (南通市) ranks 5") == ""
    assert cjk_leftovers("Nantong（南通市）") == ""
    assert cjk_leftovers("南通 ranks 5") == "南通"
    assert cjk_leftovers("Grade: 初级协调") == "初级协调"
    assert cjk_leftovers("(a) 专利 (b)") == "专利"
    html = ("<h2>Matching 匹配</h2><pre>label: 南通</pre><div class='ipbench-demo-banner'>"
            f"{DEMO_NOTICE}</div><table><tr><th>Region (区域)</th><td>苏州市</td></tr></table>"
            "<img alt='图' src='x.png'/><script>var s='中文'</script>")
    assert visible_chinese(html) == [("h2", "Matching 匹配"), ("td", "苏州市"), ("img@alt", "图")]


def test_english_labels_are_english():
    """Every label's English text is free of Chinese (names in parentheses allowed)."""
    bad = {k: en for k, (_, en) in LABELS.items() if k != "demo_banner" and cjk_leftovers(en)}
    assert bad == {}
    assert bilingual("score", "en") == "Composite score / 综合得分"
    assert bilingual("score") == "综合得分 / Composite score"


def test_map_labels_follow_the_language():
    from matplotlib import pyplot as plt

    from ipbench import maps

    names = {"320600": "Nantong", "320100": "Nanjing"}
    values = pd.Series({"320600": 1.0, "320100": 2.0})
    fig = maps.choropleth(values, "320000", highlight="320600", names=names, lang="en",
                          show_values=True)
    ax = fig.axes[0]
    texts = [t.get_text() for t in ax.texts]
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    plt.close(fig)
    assert "Nantong\n1" in texts and "Nanjing\n2" in texts
    assert "苏州市" in texts  # a region the mapping does not name keeps its Chinese name
    assert legend == ["no data (11)", "report region"]
    with pytest.raises(ValueError, match="map language"):
        maps.choropleth(values, "320000", lang="fr")


# ------------------------------------------------------------------------ English suite


@pytest.fixture(scope="module")
def english(tmp_path_factory):
    from ipbench.reports.runner import run

    root = copy_project(tmp_path_factory.mktemp("en") / "project")
    summary = run(root / "params" / "demo_en.yaml", only=["overview", "region:320600",
                                                           "industry:AUTO"],
                  jobs=2, progress=False)
    return root / "reports" / "demo_en", summary


@pytest.mark.slow
def test_english_suite_has_no_chinese_left(english):
    out, summary = english
    assert summary.ok, summary.text()
    pages = {"index": out / "index.html", "overview": out / "overview.html",
             "region": out / "regions" / "320600.html",
             "industry": out / "industries" / "AUTO.html"}
    for kind, page in pages.items():
        html = page.read_text(encoding="utf-8")
        assert "<html lang=\"en\"" in html or "<html lang='en'" in html, kind
        assert visible_chinese(html) == [], kind
        assert DEMO_NOTICE in html, kind  # the notice stays, verbatim
    region = pages["region"].read_text(encoding="utf-8")
    assert "<title>Nantong · Region report" in region
    assert "Matching pair" in region and " lags" in region
    assert ("normalization: min–max rescaling · weighting: entropy method · aggregation:"
            " weighted arithmetic mean") in region


@pytest.mark.slow
def test_english_workbook_headers_lead_with_english(english):
    import openpyxl

    out, _ = english
    wb = openpyxl.load_workbook(out / "demo_en_results.xlsx", read_only=True)
    head = [c.value for c in next(wb["Composite"].iter_rows(max_row=1))]
    assert head[:4] == ["Region code / 区域代码", "Name (en) / 英文名称", "Name (zh) / 名称",
                        "Year / 年份"]
    situation = [c.value for c in next(wb["Shares and LQ"].iter_rows(max_row=1))]
    assert any(str(h).startswith("Industry measure / 产业指标值") for h in situation)  # not the "Industry report" label
    indicators = [c.value for c in next(wb["Indicators"].iter_rows(max_row=1))]
    assert all(not h.startswith("GDP (yuan)") for h in indicators)  # catalogue name, 亿元


# ------------------------------------------------------------------------------ AHP scenario


def _weights_stage(params: dict | None = None, path: Path = ROOT / "params" / "demo_ahp.yaml"):
    from ipbench.evaluation import Evaluation
    from ipbench.project import Project

    project = Project.find(ROOT)
    ev = (Evaluation.from_params(path, project) if params is None
          else Evaluation.from_dict(params, project))
    return ev.run(until="weights")


def _saaty_cr(a: np.ndarray) -> float:
    """CR of a pairwise matrix by hand: lambda_max from power iteration, CI = (lambda - n)/(n - 1),
    RI(8) = 1.40 (Saaty 2005, "Theory and Applications of the ANP", p. 31 — the params'
    default ``ri: saaty``)."""
    w = np.ones(len(a)) / len(a)
    for _ in range(500):
        w = a @ w
        w /= w.sum()
    lam = float(np.mean((a @ w) / w))
    n = len(a)
    return (lam - n) / (n - 1) / 1.40


def test_ahp_scenario_group_cr_is_finite_and_hand_checked():
    from ipbench.params import load

    res = _weights_stage()
    ahp = res["ahp"].set_index("element")
    spec = load(ROOT / "params" / "demo_ahp.yaml").weighting.ahp
    assert spec.method == "aij"
    # AIJ (Forman & Peniwati 1998): element-wise weighted geometric mean of the matrices
    mats = [np.array(e.matrix, dtype=float) for e in spec.experts]
    lam = np.array([e.weight for e in spec.experts]) / sum(e.weight for e in spec.experts)
    group = np.exp(sum(w * np.log(m) for w, m in zip(lam, mats, strict=True)))
    cr = float(ahp.loc["CR", "group"])
    assert np.isfinite(cr) and cr == pytest.approx(_saaty_cr(group), abs=1e-6)
    for e, m in zip(spec.experts, mats, strict=True):
        assert float(ahp.loc["CR", e.name]) == pytest.approx(_saaty_cr(m), abs=1e-6)
    assert ahp.drop("CR")["group"].sum() == pytest.approx(1.0)
    w = res["weights"]
    assert set(w["method"]) == {"ahp (aij) x entropy (multiplicative)"}
    assert w["weight"].sum() == pytest.approx(1.0)


def _inconsistent_params() -> dict:
    """demo_ahp with expert 专家C's first three judgments made circular (0 > 1 > 2 > 0)."""
    from ipbench.params import load

    d = load(ROOT / "params" / "demo_ahp.yaml").to_dict()
    m = np.ones((8, 8))
    m[0, 1], m[1, 2], m[2, 0] = 9, 9, 9
    m[1, 0], m[2, 1], m[0, 2] = 1 / 9, 1 / 9, 1 / 9
    d["weighting"]["ahp"]["experts"][2]["matrix"] = m.tolist()
    return d


def test_inconsistent_expert_warns_with_name_and_cr_and_the_report_says_so():
    from ipbench.reports.views import OverviewView

    d = _inconsistent_params()
    expected = _saaty_cr(np.array(d["weighting"]["ahp"]["experts"][2]["matrix"]))
    assert expected > 0.1
    with pytest.warns(ConsistencyWarning, match=rf"专家C CR={expected:.4f}"):
        res = _weights_stage(d)
    for lang, text in [("zh", f"专家C的判断矩阵一致性不可接受：CR = {expected:.4f} > 0.1"),
                       ("en", f"专家C's judgment matrix is inconsistent: CR = {expected:.4f} > 0.1")]:
        res.manifest["params"]["lang"] = lang
        notes = OverviewView(res).ahp_notes()
        assert escape(text) in notes, notes
        assert notes.count("ipbench-warning") == 1  # 专家A, 专家B and the group are fine
    d["weighting"]["ahp"]["strict"] = True
    from ipbench.errors import ParamsError

    # strict: the error names the key path of the expert's matrix, the expert and the CR
    with warnings.catch_warnings(), pytest.raises(
        ParamsError,
        match=rf"weighting\.ahp\.experts\[2\]\.matrix: judgments are inconsistent"
        rf" \(CR = {expected:.4f} > 0\.1\).*value: '专家C'",
    ):
        warnings.simplefilter("ignore")
        _weights_stage(d)
