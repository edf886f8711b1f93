"""The YAML emitter: fixed style, and PyYAML reads back exactly what was written."""

from __future__ import annotations

from typing import Any

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from ork import yamlout
from ork.yamlout import Dumped, Emitted, dump, dump_all, entries


def test_block_style_with_indented_sequences() -> None:
    assert dump({"a": {"b": [1, {"c": "d", "e": []}]}, "f": {}}) == (
        "a:\n  b:\n    - 1\n    - c: d\n      e: []\nf: {}\n")


def test_strings_are_quoted_only_when_yaml_would_read_another_type() -> None:
    values = {"plain": "hello world", "bool": "yes", "int": "0x10", "float": "1e3",
              "tilde": "~", "date": "2024-01-01", "template": "{{ .metadata.name }}",
              "colon": "a: b", "empty": "", "dash": "-v", "star": "*x"}
    out = dump(values)
    assert "plain: hello world\n" in out
    assert "dash: -v\n" in out
    for key in ("bool", "int", "float", "tilde", "date", "template", "colon", "empty", "star"):
        assert f'{key}: "' in out, key
    assert yaml.safe_load(out) == values


def test_multi_line_strings_are_literal_blocks_with_the_right_chomping() -> None:
    out = dump({"a": "x\ny\n", "b": "x\ny", "c": "x\n\n", "d": "  indented\nz\n"})
    assert out == ("a: |\n  x\n  y\nb: |-\n  x\n  y\nc: |+\n  x\n\nd: |2\n    indented\n  z\n")
    assert yaml.safe_load(out) == {"a": "x\ny\n", "b": "x\ny", "c": "x\n\n",
                                   "d": "  indented\nz\n"}


def test_a_block_whose_lines_are_only_unicode_spaces_reads_back() -> None:
    # Found by the round-trip property: str.strip() calls "\xa0" blank, YAML does not.
    values = {"a": "\n\xa0", "b": "\u3000\nb", "c": "\n\n  a\n"}
    out = dump(values)
    assert out == "a: |-\n\n  \xa0\nb: |-\n  \u3000\n  b\nc: |2\n\n\n    a\n"
    assert yaml.safe_load(out) == values


def test_long_strings_are_checked_for_unprintable_characters_like_short_ones() -> None:
    # Over 256 characters an ASCII string is checked by a byte translation, not the
    # regular expression: both must find the same characters, wherever they stand.
    for code in [*range(0x100), 0x2028, 0xFEFF, 0xFFFE, 0x3000]:
        char = chr(code)
        for text in (char + "x" * 300, "a: b\n" * 70 + char, "x" * 150 + char + "y" * 150):
            assert yamlout._unprintable(text) == bool(yamlout._UNPRINTABLE.search(text)), code
    big = "k: v\n" * 100
    assert dump({"a": big + "\x07"}).startswith('a: "k: v\\nk: v')  # quoted, escaped
    assert dump({"a": big}).startswith("a: |\n  k: v\n")


def test_floats_always_read_back_as_floats() -> None:
    out = dump({"a": 1e20, "b": 1.0, "c": -2.5e-7})
    assert yaml.safe_load(out) == {"a": 1e20, "b": 1.0, "c": -2.5e-7}


def test_streams_start_every_document_with_a_marker() -> None:
    assert dump_all([{"a": 1}, {"b": 2}]) == "---\na: 1\n---\nb: 2\n"


_scalars = st.one_of(st.none(), st.booleans(), st.integers(-(2**63), 2**63),
                     st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=40))
_values = st.recursive(
    _scalars,
    lambda children: st.one_of(st.lists(children, max_size=4),
                               st.dictionaries(st.text(max_size=12), children, max_size=4)),
    max_leaves=20)


@settings(max_examples=400, deadline=None)
@given(_values)
def test_round_trip_through_pyyaml(value: Any) -> None:
    assert yaml.safe_load(dump(value)) == value


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.text(max_size=12), _values, max_size=5),
       st.integers(min_value=0, max_value=3))
def test_emitted_entries_splice_to_the_bytes_of_the_whole_mapping(mapping: dict[str, Any],
                                                                    depth: int) -> None:
    # Render emits each CRD's entry once and splices it under `spec.crds` (at any depth).
    def nest(inner: Any) -> Any:
        for i in range(depth):
            inner = {f"level-{i}": inner, "after": [1, {"x": "y"}]}
        return {"spec": inner}

    parts = Emitted("\n".join(entries({k: v}) for k, v in mapping.items()))
    assert dump(nest(parts)) == dump(nest(mapping))


@settings(max_examples=300, deadline=None)
@given(_values)
def test_a_dumped_document_is_the_literal_block_its_text_would_be(value: Any) -> None:
    # Render places katalog.yaml in the ConfigMap without the emitter scanning it again.
    text = dump(value)
    assert yamlout._is_block(text)
    assert dump({"a": Dumped(text), "b": [Dumped(text)]}) == dump({"a": text, "b": [text]})


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="a \n", max_size=30), st.sampled_from(["", " ", "    "]))
def test_indenting_leaves_empty_lines_empty(text: str, pad: str) -> None:
    assert yamlout._indented(text, pad) == "\n".join(
        pad + line if line else line for line in text.split("\n"))


def test_an_empty_splice_is_an_empty_mapping() -> None:
    assert dump({"crds": Emitted("")}) == dump({"crds": {}}) == "crds: {}\n"
    assert entries({}) == ""
