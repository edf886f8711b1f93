"""The YAML reader: values, spans, and every way a file can be refused."""

from __future__ import annotations

import pytest

from ork.errors import InputError
from ork.yamlsrc import load, span_of


def test_values_and_spans_of_every_value_and_key() -> None:
    docs = load(b"a: 1\nb:\n  - x\n  - {c: true}\n", "f.yaml")
    assert docs[0].value == {"a": 1, "b": ["x", {"c": True}]}
    spans = docs[0].spans
    assert str(span_of("f.yaml", spans[("b", 1, "c")])) == "f.yaml:4:9"
    assert str(span_of("f.yaml", spans[("b",)], key=True)) == "f.yaml:2:1"


def test_multi_document_files_keep_document_indexes() -> None:
    docs = load(b"---\na: 1\n---\n---\nb: 2\n", "f.yaml")
    assert [(d.index, d.value) for d in docs] == [(0, {"a": 1}), (2, {"b": 2})]


def test_timestamps_stay_strings_and_yaml_11_booleans_are_booleans() -> None:
    docs = load(b"when: 2024-01-02\nflag: yes\nn: 0x10\n", "f.yaml")
    assert docs[0].value == {"when": "2024-01-02", "flag": True, "n": 16}


def test_duplicate_keys_are_an_error_naming_both() -> None:
    with pytest.raises(InputError, match="appears twice") as info:
        load(b"a: 1\nb: 2\na: 3\n", "f.yaml")
    diag = info.value.diagnostics[0]
    assert diag.code == "duplicate-key"
    assert str(diag.span) == "f.yaml:3:1"
    assert str(diag.notes[0].span) == "f.yaml:1:1"


def test_syntax_errors_point_at_the_problem() -> None:
    with pytest.raises(InputError) as info:
        load(b"a: [1, 2\nb: 3\n", "f.yaml")
    assert info.value.code == "yaml-syntax"
    assert info.value.diagnostics[0].span is not None


@pytest.mark.parametrize(("text", "hint"), [
    (b"a:\n\tb: 1\n", "YAML does not allow tabs for indentation: use spaces"),
    (b"a: @x\n", "quote a value that starts with @, ` or %"),
    (b"a: b: c\n", "quote a value that contains ': '"),
    (b"a: [1, 2\n", "close the list opened where the note points"),
    (b"a: {x: 1\n", "close the mapping opened where the note points"),
    (b"a:\n  b: 1\n c: 2\n", "check the indentation: the entries of one mapping"),
    (b"- a\nb: 1\n", "check the indentation: the items of one list"),
    (b"a: *x\n", "define the anchor (&name) before the alias"),
    (b'a: "x\\qy"\n', "in double quotes a backslash starts an escape"),
    (b'a: "abc\n', "a quoted string or a bracket is not closed"),
])
def test_syntax_errors_hint_at_the_usual_cause(text: bytes, hint: str) -> None:
    with pytest.raises(InputError) as info:
        load(text, "f.yaml")
    diag = info.value.diagnostics[0]
    assert diag.code == "yaml-syntax"
    assert (diag.hint or "").startswith(hint), diag


def test_non_utf8_points_at_the_byte() -> None:
    with pytest.raises(InputError, match="0xff") as info:
        load(b"a: 1\nb: \xff\n", "f.yaml")
    assert info.value.code == "not-utf8"
    assert str(info.value.diagnostics[0].span) == "f.yaml:2:4"


def test_nul_bytes_are_refused_with_a_location() -> None:
    with pytest.raises(InputError, match="U\\+0000") as info:
        load(b"a: 1\nb: x\x00y\n", "f.yaml")
    assert info.value.code == "yaml-syntax"
    assert str(info.value.diagnostics[0].span) == "f.yaml:2:5"


def test_alias_bombs_are_refused() -> None:
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        prev = chr(ord("a") + i - 1)
        cur = chr(ord("a") + i)
        lines.append(f"{cur}: &{cur} [" + ", ".join([f"*{prev}"] * 10) + "]")
    with pytest.raises(InputError) as info:
        load("\n".join(lines).encode(), "bomb.yaml")
    assert info.value.code == "yaml-too-complex"


def test_deep_nesting_is_refused() -> None:
    text = "a: " + "[" * 100 + "]" * 100 + "\n"
    with pytest.raises(InputError) as info:
        load(text.encode(), "deep.yaml")
    assert info.value.code == "yaml-too-complex"


def test_files_over_the_limit_are_refused_before_parsing() -> None:
    with pytest.raises(InputError) as info:
        load(b"a: " + b"x" * 100 + b"\n", "big.yaml", max_size=50)
    assert info.value.code == "file-too-large"


def test_non_string_keys_are_refused_with_a_hint_to_quote() -> None:
    with pytest.raises(InputError, match="not a string") as info:
        load(b"200: ok\n", "f.yaml")
    assert info.value.code == "unsupported-yaml"
    assert info.value.diagnostics[0].hint is not None


def test_merge_keys_expand_and_explicit_keys_win() -> None:
    docs = load(b"base: &b {x: 1, y: 2}\nuse:\n  <<: *b\n  y: 3\n", "f.yaml")
    assert docs[0].value["use"] == {"x": 1, "y": 3}


def test_non_finite_floats_are_refused() -> None:
    with pytest.raises(InputError) as info:
        load(b"a: .nan\n", "f.yaml")
    assert info.value.code == "unsupported-yaml"
