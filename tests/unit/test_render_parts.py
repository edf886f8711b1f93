"""The memo of CRD parts (ork.rendering.parts): what it reuses, and what it refuses."""

from __future__ import annotations

import json

from ork.rendering.parts import Memo, Part

PART = Part("a:\n  b: 1", "a:\n  source: {}", (("apps", "deployments", ("get", "list")),))


def _made(memo: Memo, key: str | None) -> bool:
    made: list[bool] = []

    def make() -> Part:
        made.append(True)
        return PART

    assert memo.part(key, make) == PART
    return bool(made)


def test_a_part_of_the_last_table_is_reused_and_kept_for_the_next() -> None:
    first = Memo()
    assert _made(first, "k1")
    second = Memo(first.table())
    assert not _made(second, "k1")
    assert json.loads(second.table()) == json.loads(first.table())


def test_only_the_parts_used_are_kept() -> None:
    first = Memo()
    _made(first, "k1")
    _made(first, "k2")
    second = Memo(first.table())
    _made(second, "k2")
    assert list(json.loads(second.table())) == ["k2"]


def test_a_part_without_a_key_is_always_made_and_never_kept() -> None:
    memo = Memo()
    assert _made(memo, None)
    assert _made(memo, None)
    assert memo.table() == b"{}"


def test_an_unreadable_table_or_part_is_made_again() -> None:
    for table in (b"not json", b"[]", b'{"k1": 3}', b'{"k1": ["a", 2, []]}',
                  b'{"k1": ["a", "b", [["g", "r"]]]}', b'{"k1": ["a", "b", 7]}'):
        assert _made(Memo(table), "k1"), table
