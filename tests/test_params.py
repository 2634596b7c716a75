"""Parameter files: schema, key paths in errors, did-you-mean hints, extends: merging, CLI."""

from __future__ import annotations

import pytest
import yaml
from typer.testing import CliRunner

from ipbench import params as P
from ipbench.cli.main import app
from ipbench.errors import ParamsError

BASE = {
    "name": "t",
    "title": "测试",
    "scope": {"regions": [320100, 320200], "years": {"first": 2016, "last": 2024},
              "base_year": 2024},
}


def problems(**over) -> str:
    with pytest.raises(ParamsError) as err:
        P.validate(P.deep_merge(BASE, over))
    return str(err.value)


def test_demo_files_validate(project_root):
    demo = P.load(project_root / "params" / "demo.yaml")
    assert demo.name == "demo" and demo.lang == "zh"
    assert len(demo.scope.regions) == 13 and demo.scope.reference == "320000"
    assert [p.name for p in demo.matching][0] == "potential_capability"


def test_extends_deep_merges_scenario_over_base(project_root):
    base = P.load(project_root / "params" / "demo.yaml")
    ahp = P.load(project_root / "params" / "demo_ahp.yaml")
    assert ahp.name == "demo_ahp"
    assert ahp.scope == base.scope  # inherited
    assert ahp.normalization == base.normalization
    assert ahp.weighting.method == "entropy" and ahp.weighting.ahp is not None
    assert [e.name for e in ahp.weighting.ahp.experts] == ["专家A", "专家B", "专家C"]
    # fractions are judgments: 1/3 → 0.333...
    assert ahp.weighting.ahp.experts[0].matrix[4][0] == pytest.approx(1 / 3)


def test_extends_lists_replace_and_cycles_fail(tmp_path):
    (tmp_path / "a.yaml").write_text(yaml.safe_dump({**BASE, "name": "a"}), encoding="utf-8")
    (tmp_path / "b.yaml").write_text(
        "extends: a.yaml\nname: b\nscope: {regions: [320300, 320400, 320500]}\n", encoding="utf-8"
    )
    b = P.load(tmp_path / "b.yaml")
    assert b.scope.regions == ["320300", "320400", "320500"] and b.scope.base_year == 2024
    (tmp_path / "c.yaml").write_text("extends: d.yaml\n", encoding="utf-8")
    (tmp_path / "d.yaml").write_text("extends: c.yaml\n", encoding="utf-8")
    with pytest.raises(ParamsError, match="cycle"):
        P.load(tmp_path / "c.yaml")


def test_unknown_key_has_path_and_did_you_mean():
    msg = problems(scope={"regons": [1]})
    assert "scope.regons: unknown key; did you mean 'regions'?" in msg
    msg = problems(nomalization={"method": "minmax"})
    assert "nomalization: unknown key; did you mean 'normalization'" in msg


def test_ahp_matrix_errors_name_the_cell():
    good = [[1, 2, 3], [0.5, 1, 2], [1 / 3, 0.5, 1]]
    bad = [[1, 2, 3], [0.5, 1, 2], [1 / 3, 0.4, 1]]
    w = {"method": "ahp", "ahp": {"elements": ["a", "b", "c"], "experts": [
        {"name": "x", "matrix": good}, {"name": "y", "matrix": good}, {"name": "z", "matrix": bad}]}}
    msg = problems(weighting=w)
    assert "weighting.ahp.experts[2].matrix[2][1]: not reciprocal" in msg and "0.4" in msg
    w["ahp"]["experts"][2]["matrix"] = [[1, -2, 3], [0.5, 1, 2], [1 / 3, 0.5, 1]]
    assert "weighting.ahp.experts[2].matrix[0][1]" in problems(weighting=w)
    w["ahp"]["experts"][2]["matrix"] = [[1, 2], [0.5, 1]]
    assert "weighting.ahp.experts[2].matrix: expert 'z' gives a 2x2 matrix" in problems(weighting=w)


def test_literal_values_and_combinations():
    assert "did you mean 'minmax'" in problems(normalization={"method": "minmaxx"})
    assert "weighting.ahp: method is 'ahp'" in problems(weighting={"method": "ahp"})
    assert "weighting.combine" in problems(weighting={"combine": {"alpha": 0.3}})
    assert "scope.base_year: base_year 2030 is outside years" in problems(scope={"base_year": 2030})
    assert "matching[0].weights" in problems(
        matching=[{"name": "p", "subsystems": ["a", "b"], "weights": [0.7, 0.7]}])


@pytest.mark.parametrize(
    ("over", "path"),
    [
        ({"name": "../x"}, "name"),
        ({"name": "Demo Name"}, "name"),
        ({"scope": {"regions": ["../x", 320200]}}, "scope.regions[0]"),
        ({"scope": {"regions": [320100, "32020"]}}, "scope.regions[1]"),
        ({"scope": {"industries": ["AUTO", "../../etc"]}}, "scope.industries[1]"),
        ({"scope": {"reference": "a/b"}}, "scope.reference"),
        ({"indicators": {"catalogue": "../../etc/passwd"}}, "indicators.catalogue"),
    ],
)
def test_unsafe_names_and_codes_are_rejected(over, path):
    assert f"  - {path}:" in problems(**over)


def test_dotted_changes_and_hash():
    p = P.validate(BASE)
    q = p.replace({"weighting.method": "critic", "normalization": {"scale": 100}})
    assert q.weighting.method == "critic" and q.normalization.scale == 100
    assert q.normalization.method == "minmax"  # merged, not replaced
    assert p.hash() != q.hash()
    reordered = {"title": BASE["title"], "scope": BASE["scope"], "name": BASE["name"]}
    assert P.validate(reordered).hash() == p.hash()


@pytest.mark.slow
def test_cli_check_and_show(project_root, tmp_path):
    runner = CliRunner()
    ok = runner.invoke(app, ["params", "check", str(project_root / "params" / "demo_ahp.yaml")])
    assert ok.exit_code == 0 and "ok" in ok.output
    shown = runner.invoke(app, ["params", "show", str(project_root / "params" / "demo_ahp.yaml")])
    merged = yaml.safe_load(shown.output)
    assert merged["name"] == "demo_ahp" and merged["scope"]["base_year"] == 2024
    assert merged["treatment"]["max_winsorized"] == 5  # from the base file
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump({**BASE, "scope": {**BASE["scope"], "regons": []}}),
                   encoding="utf-8")
    res = runner.invoke(app, ["params", "check", str(bad)])
    assert res.exit_code == 1 and "scope.regons" in res.output
