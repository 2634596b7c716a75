"""The comparison page shows settings and methods by name (issue 13: "with names and units")."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd

from ipbench.reports.compare_page import methods_table


def _cmp(lang: str) -> SimpleNamespace:
    methods = pd.DataFrame(
        {"demo": ["default", "on", "interpolate → group_mean", "minmax × 100 (panel)", "entropy",
                  "arithmetic"],
         "demo_ahp": ["default", "on", "interpolate → group_mean", "minmax × 100 (panel)",
                      "AHP AIJ (专家A×0.4) × entropy (multiplicative)", "arithmetic"]},
        index=pd.Index(["data", "treatment", "imputation", "normalization", "weighting",
                        "aggregation"], name="setting"))
    methods["differs"] = methods.nunique(axis=1) > 1
    return SimpleNamespace(methods=methods, labels=["demo", "demo_ahp"], lang=lang, results=[])


def test_methods_by_name_in_chinese_and_english():
    zh = methods_table(_cmp("zh"))
    assert list(zh.index) == ["数据集", "异常值处理", "缺失值插补", "标准化", "赋权", "集成"]
    assert zh.loc["标准化", "demo"] == "极差标准化 × 100 (面板整体)"
    assert zh.loc["赋权", "demo_ahp"] == "AHP AIJ (专家A×0.4) × 熵值法 (乘法合成)"
    assert zh.loc["缺失值插补", "demo"] == "线性插值 → 组均值" and zh.loc["异常值处理", "demo"] == "开"
    en = methods_table(_cmp("en"))
    assert en.loc["Weighting", "demo"] == "entropy method" and bool(en.loc["Weighting", "differs"])
    text = " ".join(zh.astype(str).to_numpy().ravel())
    for key in ("minmax", "entropy", "arithmetic", "interpolate", "group_mean", "multiplicative"):
        assert key not in text


def test_d_of_changed_grades_shows_the_places_that_keep_each_in_its_band():
    from ipbench.reports.compare_page import _d_shown

    d = pd.Series([0.8004, 0.7996, 0.85])
    shown = pd.Series(["0.8004", "0.80", "0.85"])
    # 3 places, unless that would read "0.800" beside 良好协调 (0.8004 lies in (0.8, 0.9])
    assert list(_d_shown(d, shown)) == ["0.8004", "0.800", "0.850"]
    assert list(_d_shown(d, None)) == ["0.800", "0.800", "0.850"]
