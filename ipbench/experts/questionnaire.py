"""AHP questionnaire workbooks, one per expert (``ipbench experts questionnaire``).

Sheets: ``说明 Instructions`` (who, what, Saaty's 1-9 scale in Chinese and English, what each
element contains), then one sheet per node of the comparison tree (:mod:`.hierarchy`) listing
each pair of its children by name, with two dropdowns per pair: which element is more important
(or 同等重要 Equal) and how much (1-9). A hidden sheet ``_ipbench`` maps every row to the
element codes and records the evaluation, the tree fingerprint and the expert, so that
:mod:`.collect` can check a returned workbook cell by cell.

Scale: Saaty T.L. (1980) *The Analytic Hierarchy Process*, McGraw-Hill, Table 1.1 (also
Saaty 2008, Int. J. Services Sciences 1(1):83-98, Table 1).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ipbench.experts.hierarchy import GOAL, Tree, node_name

FORMAT = "ipbench-ahp-questionnaire/1"
META_SHEET = "_ipbench"
INSTRUCTIONS = "说明 Instructions"
EQUAL = "同等重要 Equal"
HEADER_ROW = 4  # 1-based row of the column headers on a node sheet
COL_A, COL_B, COL_SIDE, COL_VALUE = "B", "C", "D", "E"

#: Saaty's fundamental scale (1980, Table 1.1): value, Chinese, English.
SAATY_SCALE: tuple[tuple[str, str, str], ...] = (
    ("1", "同等重要：两者对目标的贡献相同", "Equal importance: both contribute equally"),
    ("3", "稍微重要：经验和判断稍微偏向一方", "Moderate importance: experience slightly favours one"),
    ("5", "明显重要：经验和判断明显偏向一方", "Strong importance: experience strongly favours one"),
    ("7", "强烈重要：一方的优势在实践中已得到证明", "Very strong importance: its dominance is demonstrated in practice"),
    ("9", "极端重要：偏向一方的证据具有最高可信度", "Extreme importance: the evidence favouring one is of the highest possible order"),
    ("2, 4, 6, 8", "上述相邻判断的中间值", "Intermediate values between the adjacent judgments"),
)

_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def sheet_name(k: int, code: str) -> str:
    """Sheet of node ``code`` (k-th node): ``1 总目标…`` cut to Excel's 31 characters."""
    zh = "总目标" if code == GOAL else node_name(code).split("（")[0]
    return _BAD_SHEET_CHARS.sub(" ", f"{k} {zh}")[:31]


def file_stem(expert: str) -> str:
    """A file-name-safe form of an expert's name (letters of any script, digits, _ and -)."""
    stem = re.sub(r"[^\w-]+", "_", expert, flags=re.UNICODE).strip("_")
    return stem or "expert"


@dataclass(frozen=True)
class Layout:
    """Where each judgment sits: (sheet, node, row, element a, element b)."""

    rows: tuple[tuple[str, str, int, str, str], ...]

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.rows, columns=["sheet", "node", "row", "a", "b"])


def layout(tr: Tree) -> Layout:
    rows = []
    for k, node in enumerate(tr.nodes, start=1):
        sheet = sheet_name(k, node.code)
        for r, (a, b) in enumerate(node.pairs, start=HEADER_ROW + 1):
            rows.append((sheet, node.code, r, a, b))
    return Layout(tuple(rows))


def write_questionnaire(path: str | Path, tr: Tree, expert: str, *, evaluation: str,
                        title: str, params_file: str,
                        contents: dict[str, list[str]] | None = None) -> Path:
    """Write one expert's questionnaire workbook to ``path``; return the path.

    ``contents`` maps a subsystem code to the names of its indicators (shown on the
    instructions sheet so experts know what they compare)."""
    import xlsxwriter

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = xlsxwriter.Workbook(str(path))
    bold = wb.add_format({"bold": True})
    head = wb.add_format({"bold": True, "bg_color": "#DCE6F1", "border": 1, "text_wrap": True,
                          "valign": "top"})
    title_fmt = wb.add_format({"bold": True, "font_size": 14})
    wrap = wb.add_format({"text_wrap": True, "valign": "top"})
    cell = wb.add_format({"border": 1, "text_wrap": True, "valign": "top"})
    answer = wb.add_format({"border": 1, "bg_color": "#FFF8DC", "locked": False})

    ws = wb.add_worksheet(INSTRUCTIONS)
    ws.set_column(0, 0, 16)
    ws.set_column(1, 2, 60)
    ws.write(0, 0, "层次分析法专家问卷 · AHP expert questionnaire", title_fmt)
    info = [("评价 Evaluation", title), ("专家 Expert", expert),
            ("参数文件 Parameters", params_file)]
    for r, (k, v) in enumerate(info, start=2):
        ws.write(r, 0, k, bold)
        ws.write(r, 1, v)
    r = 6
    steps = [
        ("填写方法", "How to answer"),
        ("每个工作表比较同一上级准则下的要素。对每一行：在“更重要的一方”选择要素A、要素B或“同等重要”，"
         "在“重要程度”选择1–9（选“同等重要”时填1）。请勿改动工作表名称、行序和要素名称。",
         "Each sheet compares the elements under one criterion. In every row choose, under"
         " 'More important', element A, element B or 'Equal', and under 'Intensity' a value from"
         " 1 to 9 (1 when 'Equal'). Do not rename sheets or change the order or names of rows."),
        ("判断应尽量前后一致：若A比B重要、B比C重要，则A应比C更重要。",
         "Keep judgments consistent: if A matters more than B and B more than C, A should"
         " matter more than C."),
    ]
    ws.write(r, 0, steps[0][0] + " " + steps[0][1], bold)
    for k, (zh, en) in enumerate(steps[1:], start=1):
        ws.write(r + k, 1, zh, wrap)
        ws.write(r + k, 2, en, wrap)
    r += 4
    ws.write(r, 0, "标度 Scale", head)
    ws.write(r, 1, "含义（Saaty 1–9 标度）", head)
    ws.write(r, 2, "Meaning (Saaty's 1-9 scale)", head)
    for k, (v, zh, en) in enumerate(SAATY_SCALE, start=1):
        ws.write(r + k, 0, v, cell)
        ws.write(r + k, 1, zh, cell)
        ws.write(r + k, 2, en, cell)
    r += len(SAATY_SCALE) + 1
    ws.write(r, 0, "来源 Source", bold)
    ws.write(r, 1, "Saaty T.L. (1980) The Analytic Hierarchy Process, Table 1.1")
    r += 2
    ws.write(r, 0, "工作表 Sheets", head)
    ws.write(r, 1, "比较准则 Criterion", head)
    ws.write(r, 2, "比较的要素 Elements compared", head)
    for k, node in enumerate(tr.nodes, start=1):
        ws.write(r + k, 0, sheet_name(k, node.code), cell)
        ws.write(r + k, 1, node_name(node.code), cell)
        ws.write(r + k, 2, "；".join(node_name(c) for c in node.children), cell)
    r += len(tr.nodes) + 2
    if contents:
        ws.write(r, 0, "要素 Element", head)
        ws.write(r, 1, "包含的指标 Indicators it contains", head)
        for k, code in enumerate(tr.elements, start=1):
            ws.write(r + k, 0, node_name(code), cell)
            ws.write(r + k, 1, "、".join(contents.get(code, [])), cell)

    lay = layout(tr)
    for k, node in enumerate(tr.nodes, start=1):
        name = sheet_name(k, node.code)
        ns = wb.add_worksheet(name)
        ns.set_column(0, 0, 6)
        ns.set_column(1, 3, 34)
        ns.set_column(4, 4, 14)
        ns.set_column(5, 5, 30)
        crit = "总目标 Goal" if node.code == GOAL else "准则 Criterion"
        ns.write(0, 0, f"{crit}：{node_name(node.code)}", title_fmt)
        ns.write(1, 0, "对每一行选择更重要的一方及其重要程度（1–9，见“说明”）。"
                 " For each row choose the more important element and the intensity (1-9, see"
                 " Instructions).")
        headers = ["序号 No.", "要素A Element A", "要素B Element B",
                   "更重要的一方 More important", "重要程度 Intensity (1–9)", "备注 Comment"]
        for c, h in enumerate(headers):
            ns.write(HEADER_ROW - 1, c, h, head)
        for idx, (a, b) in enumerate(node.pairs):
            row0 = HEADER_ROW + idx  # 0-based row index
            na, nb = node_name(a), node_name(b)
            ns.write(row0, 0, idx + 1, cell)
            ns.write(row0, 1, na, cell)
            ns.write(row0, 2, nb, cell)
            ns.write_blank(row0, 3, None, answer)
            ns.write_blank(row0, 4, None, answer)
            ns.write_blank(row0, 5, None, answer)
            ns.data_validation(row0, 3, row0, 3, {
                "validate": "list", "source": [na, nb, EQUAL],
                "error_title": "请选择 Choose", "error_message": f"{na} / {nb} / {EQUAL}"})
            ns.data_validation(row0, 4, row0, 4, {
                "validate": "list", "source": [str(v) for v in range(1, 10)],
                "error_title": "1–9", "error_message": "请选择1–9的整数 Choose an integer 1-9"})
        ns.freeze_panes(HEADER_ROW, 0)
        ns.protect("", {"format_columns": True, "format_rows": True})

    meta = wb.add_worksheet(META_SHEET)
    facts = [("format", FORMAT), ("evaluation", evaluation), ("params_file", params_file),
             ("tree", tr.fingerprint), ("expert", expert),
             ("elements", ",".join(tr.elements))]
    for r, (k, v) in enumerate(facts):
        meta.write(r, 0, k)
        meta.write(r, 1, v)
    start = len(facts) + 1
    for c, h in enumerate(["sheet", "node", "row", "a", "b"]):
        meta.write(start, c, h)
    for r, row in enumerate(lay.rows, start=start + 1):
        for c, v in enumerate(row):
            meta.write(r, c, v)
    meta.hide()
    wb.close()
    return path
