"""The creation potential ↔ creation capability pair on the real 31-province panel
(../shared/reference, 中国科技统计年鉴 via the techme package, see its SOURCES.md).

Potential: R&D expenditure, R&D personnel (FTE); capability: invention applications, grants and
invention patents in force. Min-max over the pooled province-years (as ``normalization.across:
panel``), equal weights within a side, coupling coordination with weights 0.5/0.5 and the ten
bands (DOMAIN.md §2), lagging side by ``relative_development`` (ratio, tolerance 0.1).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from test_data_reference import WIDE_SPEC, reference_project

from ipbench import aggregate, matching, normalize
from ipbench.data import Store, build

POTENTIAL = ["rd_expenditure", "rd_personnel_fte"]
CAPABILITY = ["patent_app_invention", "patent_grant_invention", "patent_inforce_invention"]


@pytest.fixture(scope="module")
def pair(shared_reference, tmp_path_factory):
    project = reference_project(tmp_path_factory.mktemp("pilot"), shared_reference, [WIDE_SPEC])
    build(project)
    f = Store.open(project).facts(variables=POTENTIAL + CAPABILITY)
    f = f[f["region_code"] != "100000"]  # the 31 provinces, not the nation
    wide = f.pivot_table(index=["region_code", "year"], columns="variable", values="value")
    wide = wide[POTENTIAL + CAPABILITY].dropna()
    Z = normalize.minmax(wide, pd.Series(1, index=wide.columns))
    U = pd.DataFrame({
        "potential": aggregate.arithmetic(Z[POTENTIAL], pd.Series(0.5, index=POTENTIAL)),
        "capability": aggregate.arithmetic(Z[CAPABILITY], pd.Series(1 / 3, index=CAPABILITY)),
    })
    cc = matching.coupling_coordination(U, weights=[0.5, 0.5])
    rd = matching.relative_development(U)
    names = Store.open(project).regions().set_index("region_code")["name_zh"]
    return wide, U, cc, rd.assign(name=rd.index.get_level_values(0).map(names))


def test_all_provinces_and_years_with_data(pair):
    wide, U, cc, _ = pair
    years = sorted(wide.index.get_level_values("year").unique())
    assert years[0] == 2011 and years[-1] == 2023  # R&D data start in 2011
    assert len(wide) == 31 * len(years)
    assert cc.shape[0] == len(wide)
    for col in ("C", "T", "D"):
        assert cc[col].between(0, 1).all(), col
    assert U.to_numpy().min() >= 0 and U.to_numpy().max() <= 1


def test_lag_sides_in_2023(pair):
    _, U, cc, rd = pair
    kind = rd["type"].xs(2023, level="year")
    assert len(kind) == 31 and set(kind) <= {"a_lagging", "b_lagging", "synchronous"}
    name = rd["name"].xs(2023, level="year")
    sides = {k: sorted(name[kind == k]) for k in ("a_lagging", "b_lagging", "synchronous")}
    assert sum(map(len, sides.values())) == 31  # the sides partition the provinces
    u = U.xs(2023, level="year")
    # a province whose capability score far exceeds its potential score is capability-leading
    # (potential lags): b/a > 1.1 ⇔ a_lagging
    ratio = u["capability"] / u["potential"]
    assert (kind[ratio > 1.1] == "a_lagging").all() and (kind[ratio < 0.9] == "b_lagging").all()
    print("\n2023 creation potential lags (capability leads):", sides["a_lagging"])
    print("2023 creation capability lags (potential leads):", sides["b_lagging"])
    print("2023 synchronous:", sides["synchronous"])
    d = cc["D"].xs(2023, level="year")
    assert np.isfinite(d).all()

