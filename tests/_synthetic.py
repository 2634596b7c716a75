"""A small synthetic data source for evaluation/report tests (no store needed)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ipbench.evaluation import FrameData

REGIONS = ["320100", "320200", "320300", "320400", "320500", "320600"]
NAMES = ["南京市", "无锡市", "徐州市", "常州市", "苏州市", "南通市"]
INDUSTRIES = ["ALL", "AUTO", "BIOMED"]
VARIABLES = (
    "rd_expenditure gdp rd_personnel_fte employment universities high_tech_firms"
    " patent_app_invention patent_grant_invention population patent_app_total"
    " patent_inforce_invention pct_app trademark_valid software_copyright_reg copyright_reg"
    " plant_variety_grant patent_grant_total patent_inforce_total patent_inforce_high_value"
    " patent_licence patent_transfer patent_pledge patent_pledge_amount tech_market_outflow"
    " tech_market_inflow value_added output firms geographical_indication"
).split()


def synthetic_data(seed: int = 0, years: range = range(2018, 2023)) -> FrameData:
    rng = np.random.default_rng(seed)
    rows = []
    units = [*REGIONS, "320000"]
    for r_i, region in enumerate(units):
        size = 10.0 if region == "320000" else 1.0 + r_i
        for ind in INDUSTRIES:
            share = 1.0 if ind == "ALL" else 0.1 + 0.05 * ((r_i + len(ind)) % 4)
            for t, year in enumerate(years):
                for v in VARIABLES:
                    base = 1e3 * size * share * (1.05**t) * rng.lognormal(0, 0.3)
                    if v == "patent_grant_total":
                        base *= 3
                    rows.append((region, ind, year, v, base, "x", "synthetic"))
    facts = pd.DataFrame(
        rows,
        columns=["region_code", "industry_code", "year", "variable", "value", "unit", "source"],
    )
    regions = pd.DataFrame(
        {
            "region_code": units,
            "name_zh": [*NAMES, "江苏省"],
            "name_en": ["Nanjing", "Wuxi", "Xuzhou", "Changzhou", "Suzhou", "Nantong", "Jiangsu"],
            "level": ["prefecture"] * 6 + ["province"],
            "parent_code": ["320000"] * 6 + [None],
        }
    )
    industries = pd.DataFrame(
        {
            "industry_code": INDUSTRIES,
            "name_zh": ["全部行业", "汽车及零部件", "生物医药"],
            "name_en": ["All industries", "Automobiles and parts", "Biomedicine"],
            "classification": ["total", "pilot", "pilot"],
            "level": [0, 1, 1],
            "parent_code": [None, "ALL", "ALL"],
        }
    )
    # units: drop the column so compute_indicators does not check base units
    return FrameData(facts.drop(columns="unit"), regions, industries, is_demo=True)


def synthetic_params(**over) -> dict:
    p = {
        "name": "synth",
        "title": "合成数据测试",
        "scope": {
            "regions": REGIONS,
            "industries": ["AUTO", "BIOMED"],
            "years": {"first": 2018, "last": 2022},
            "base_year": 2022,
            "reference": "320000",
        },
        "indicators": {"exclude": ["rd_expenditure_growth"]},
        "matching": [
            {"name": "potential_capability",
             "subsystems": ["creation_potential", "creation_capability"]},
            {"name": "use", "subsystems": ["use_capability", "use_demand"]},
        ],
    }
    p.update(over)
    return p
