"""ipbench.yamlio: the one safe, bounded YAML loader (issue 11, item 1)."""

from __future__ import annotations

import time

import pytest

from ipbench import yamlio
from ipbench.errors import DataError, ParamsError
from ipbench.yamlio import YamlError, load_data_yaml, load_params_yaml, load_yaml, parse_text


def alias_bomb(levels: int = 9, width: int = 9, indent: str = "") -> str:
    """Nine anchors, each a list of nine of the previous: 9**9 ≈ 387 million leaves."""
    lines = [f"{indent}a0: &a0 [" + ", ".join(["lol"] * width) + "]"]
    for i in range(1, levels):
        lines.append(f"{indent}a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * width) + "]")
    return "\n".join(lines) + "\n"


def test_plain_documents_load():
    assert parse_text("a: 1\nb: [x, {c: 2.5}]\n") == {"a": 1, "b": ["x", {"c": 2.5}]}
    assert parse_text("") is None
    # a few aliases are fine (merge keys and shared lists are real YAML use)
    doc = parse_text("base: &b {x: 1, y: 2}\nother:\n  <<: *b\n  y: 3\nlist: [*b, *b]\n")
    assert doc["other"] == {"x": 1, "y": 3} and doc["list"][1] == {"x": 1, "y": 2}


def test_alias_bomb_fails_fast_with_key_path_and_no_value():
    text = "weighting:\n  method: entropy\n  junk:\n" + alias_bomb(indent="    ")
    t0 = time.perf_counter()
    with pytest.raises(YamlError) as info:
        parse_text(text, "p.yaml")
    assert time.perf_counter() - t0 < 2.0
    msg = str(info.value)
    assert msg.startswith("p.yaml, line ") and "key weighting.junk.a" in msg and "expands to more than" in msg
    assert "lol" not in msg and len(msg) < 400


def test_many_aliases_fail():
    text = "a: &a 1\nb: [" + ", ".join(["*a"] * (yamlio.MAX_ALIASES + 1)) + "]\n"
    with pytest.raises(YamlError, match=r"key b\[1000\]: more than 1,000 aliases"):
        parse_text(text, "f.yaml")


def test_depth_fails_with_key_path():
    text = "top:\n  x: " + "[" * (yamlio.MAX_DEPTH + 5) + "]" * (yamlio.MAX_DEPTH + 5) + "\n"
    with pytest.raises(YamlError, match=r"key top\.x\[0\]\[0\].*nested more than 40 levels"):
        parse_text(text, "f.yaml")


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("a: 1\nb: 2\na: 3\n", "line 3, key a:"),
        ("x:\n  y: {p: 1, p: 2}\n", "line 2, key x.y.p:"),
        ("- a: 1\n  a: 2\n", "line 2, key [0].a:"),
    ],
)
def test_duplicate_keys_are_errors(text, where):
    with pytest.raises(YamlError, match="given twice") as info:
        parse_text(text, "f.yaml")
    assert where in str(info.value)


@pytest.mark.parametrize(
    "text",
    [
        "a: !!python/object/apply:os.system ['echo hacked']\n",
        "a: !!python/name:os.system\n",
        "a: !!python/object/new:subprocess.Popen [['ls']]\n",
    ],
)
def test_python_tags_are_refused(text):
    with pytest.raises(YamlError, match="not valid YAML.*constructor"):
        parse_text(text, "f.yaml")


def test_syntax_errors_name_the_line():
    with pytest.raises(YamlError, match=r"^f\.yaml, line 3: not valid YAML"):
        parse_text("a: 1\nb: [1, 2\nc: 3\n", "f.yaml")


def test_bad_scalar_value_is_an_error_not_a_traceback():
    with pytest.raises(YamlError, match="cannot read a value"):
        parse_text("when: 2001-13-45\n", "f.yaml")


def test_file_reading(tmp_path):
    good = tmp_path / "g.yaml"
    good.write_bytes("\ufeffname: 南通\n".encode())
    assert load_yaml(good) == {"name": "南通"}
    gbk = tmp_path / "gbk.yaml"
    gbk.write_bytes("a: 1\nb: 2\nname: 南通\n".encode("gbk"))
    with pytest.raises(YamlError, match=r"gbk\.yaml, line 3: not UTF-8"):
        load_yaml(gbk)
    with pytest.raises(YamlError, match="file not found"):
        load_yaml(tmp_path / "missing.yaml")
    with pytest.raises(YamlError, match="not a file"):
        load_yaml(tmp_path)


def test_size_cap(tmp_path, monkeypatch):
    monkeypatch.setattr(yamlio, "MAX_BYTES", 1000)
    big = tmp_path / "big.yaml"
    big.write_text("a: " + "x" * 2000 + "\n", encoding="utf-8")
    with pytest.raises(YamlError, match=r"big\.yaml: 2,004 bytes, larger than"):
        load_yaml(big)
    with pytest.raises(YamlError, match="larger than"):
        parse_text("a: " + "x" * 2000)


def test_error_types_for_callers(tmp_path):
    f = tmp_path / "s.yaml"
    f.write_text("a: 1\na: 2\n", encoding="utf-8")
    with pytest.raises(DataError) as d:
        load_data_yaml(f)
    assert d.value.file == f and "line 2, key a: the key is given twice" in str(d.value)
    with pytest.raises(ParamsError, match=r"s\.yaml, line 2, key a: the key is given twice"):
        load_params_yaml(f)
    assert isinstance(d.value, ValueError)


def test_key_path_format():
    assert yamlio.key_path(["sources", 0, "file"]) == "sources[0].file"
    assert yamlio.key_path([0, "a", 2]) == "[0].a[2]"
