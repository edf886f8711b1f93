"""The traces table's stored form: one CRD per line, read back exactly (ork.resolved.Traces)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from ork.resolved import Binding, MotifTrace, Traces

NAMES = st.text(min_size=1, max_size=12)
TRACE = st.builds(MotifTrace, index=st.integers(0, 5), bindings=st.lists(st.builds(
    Binding, input=st.text(max_size=8), value=st.text(max_size=20),
    how=st.sampled_from(["with", "override", "default"])), max_size=3).map(tuple))


@given(st.dictionaries(NAMES, st.lists(TRACE, max_size=3).map(tuple), max_size=6))
def test_a_table_reads_back_as_written(table: dict[str, tuple[MotifTrace, ...]]) -> None:
    # Names and values may hold tabs, newlines, quotes and any unicode: the line format
    # relies only on JSON never writing a raw tab or newline.
    traces = Traces({name: Traces.encode(value) for name, value in table.items()})
    raw = traces.to_bytes()
    again = Traces.from_bytes(raw)
    assert again.texts == traces.texts
    assert {name: again.of(name) for name in table} == table
    assert Traces(dict(reversed(list(traces.texts.items())))).to_bytes() == raw  # name order


def test_an_unreadable_table_is_empty() -> None:
    for raw in (b"not a table\n", b'{"webapp": "[]"}', b'"a"[]\n', b"\xff\n", b'1\t[]\n'):
        assert Traces.from_bytes(raw).texts == {}, raw
    assert Traces.from_bytes(None).texts == {}
