"""The reading standard of issue 10, checked on a built page (shared by the demo suite test
and the real provincial suite test): no variable code or raw method key in visible text outside
the methods appendix; no True/False; every table and figure numbered; contents, back link,
print styles and a +08:00 time; no number with more decimals than its kind allows."""

from __future__ import annotations

import re


def visible_text(html: str) -> str:
    """What a reader sees outside the methods appendix, the build log and the parameters."""
    html = re.sub(r"<(style|script)[^>]*>.*?</\1>", " ", html, flags=re.S)
    html = re.sub(r"<img[^>]*>", " ", html)
    html = re.sub(r"<details class=.ipbench-log.>.*?</details>", " ", html, flags=re.S)
    html = re.sub(r"<section[^>]*data-section=.methods.*?</section>", " ", html, flags=re.S)
    html = re.sub(r"<details class=.ipbench-provenance.*?</details>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def reading_problems(html: str, codes: set[str], figures: bool = True) -> list[str]:
    """What on the page breaks the reading standard (empty when none). ``codes``: variable
    codes, indicator codes, method keys and region codes that must not show as text."""
    text = visible_text(html)
    problems = []
    bad = sorted(c for c in codes if re.search(rf"(?<![\w/.]){re.escape(c)}(?![\w/])", text))
    if bad:
        problems.append(f"codes in text: {bad}")
    if re.search(r"\bTrue\b|\bFalse\b", text):
        problems.append("True/False in text")
    if not ("ipbench-toc" in html and re.search(r"index\.html[\"']>← ", html)):
        problems.append("no contents or back link")
    if not ("@media print" in html and "size: A4" in html):
        problems.append("no A4 print styles")
    if "+08:00" not in text:
        problems.append("no +08:00 time")
    n_tables = len(re.findall(r"<table class=[\"']ipbench[\"']", html))
    captions = re.findall(r"<figcaption>表(\d+) ", html)
    if not (len(captions) == n_tables and captions == [str(i + 1) for i in range(n_tables)]):
        problems.append(f"tables not numbered 1..{n_tables}: {captions}")
    figs = re.findall(r"<figcaption>图(\d+) ", html)
    if figs != [str(i + 1) for i in range(len(figs))] or (figures and not figs):
        problems.append(f"figures not numbered: {figs}")
    body = html.split("ipbench-weights")[0]  # weights keep 4 decimals
    long = re.findall(r"<td class=[\"']n[\"']>-?[\d,]+\.\d{3,}", body)
    # cells whose column allows more places by its rule (HHI, p-values, D at a band edge) say
    # how many: they may not exceed it
    for places, digits in re.findall(r"<td class=[\"']n[\"'] data-places=[\"'](\d)[\"']>(?:&lt;)?-?[\d,]*\.(\d+)", body):
        if len(digits) > int(places):
            long.append(f"{digits} > {places} places")
    if long:
        problems.append(f"too many decimals: {long[:3]}")
    return problems
