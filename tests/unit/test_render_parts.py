"""The memo of CRD parts (ork.rendering.parts): what it reuses, and what it refuses."""

from __future__ import annotations

import marshal
import sys

from ork.errors import Loc
from ork.rendering.parts import HEADER, Memo, Part, PartKeys
from ork.resolved import CrdProvenance
from ork.sources import SourceNode

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
    assert second.table() == first.table()


def test_only_the_parts_used_are_kept() -> None:
    first = Memo()
    _made(first, "k1")
    _made(first, "k2")
    second = Memo(first.table())
    _made(second, "k2")
    assert list(marshal.loads(second.table().removeprefix(HEADER))) == ["k2"]


def test_a_part_without_a_key_is_always_made_and_never_kept() -> None:
    memo = Memo()
    assert _made(memo, None)
    assert _made(memo, None)
    assert memo.table() == HEADER + marshal.dumps({}, 2)


def test_an_unreadable_table_or_part_is_made_again() -> None:
    whole = Memo()
    _made(whole, "k1")
    table = whole.table()
    for bad in (b"", b"not a table", b'{"k1": ["a", "b", []]}', HEADER, HEADER + b"junk",
                table[:-3], table.replace(HEADER, HEADER.replace(b"marshal/2", b"marshal/3")),
                *(HEADER + marshal.dumps(value, 2) for value in (
                    [], {"k1": 3}, {"k1": ("a", 2, ())}, {"k1": ("a", "b")},
                    {"k1": ["a", "b", ()]}, {"k1": ("a", "b", 7)}))):
        assert _made(Memo(bad), "k1"), bad
    assert not _made(Memo(table), "k1")


def test_a_table_names_the_python_that_wrote_it() -> None:
    # marshal's format may change with Python's version: another one's table reads as empty.
    version = f"{sys.implementation.name}-{sys.version_info[0]}.{sys.version_info[1]}"
    assert HEADER.decode().split() == ["ork-parts/1", "marshal/2", version]


def _node(node_id: str, **fields: str) -> SourceNode:
    return SourceNode(**{"id": node_id, "display": node_id.removeprefix("file:"),
                         "kinds": ("Katalog",), "remote": False, "digest": "sha256:d",
                         "content": "sha256:c", "docs": "sha256:p", "spans": "sha256:s",
                         **fields})


def test_a_part_key_changes_with_whatever_provenance_yaml_reads() -> None:
    nodes = {"file:k.yaml": _node("file:k.yaml")}
    prov = CrdProvenance(crd="a", source="file:k.yaml", via=("file:k.yaml",),
                         loc=Loc(source="file:k.yaml", doc=0, path=("spec", "crds", "a")),
                         katalog="k", version="v1")
    key = PartKeys(nodes).key("sha256:r", prov)
    assert PartKeys(dict(nodes)).key("sha256:r", prov.model_copy()) == key
    others = [
        PartKeys(nodes).key("sha256:q", prov),  # the entry or its Motif uses
        PartKeys({"file:k.yaml": _node("file:k.yaml", spans="sha256:t")}).key("sha256:r", prov),
        PartKeys({"file:k.yaml": _node("file:k.yaml", digest="sha256:e")}).key("sha256:r", prov),
        PartKeys(nodes).key("sha256:r", prov.model_copy(update={"version": "v2"})),
        PartKeys(nodes).key("sha256:r", prov.model_copy(
            update={"loc": Loc(source="file:k.yaml", doc=1, path=("spec", "crds", "a"))})),
        PartKeys(nodes).key("sha256:r", prov.model_copy(  # a source not in the graph
            update={"via": ("file:c.yaml", "file:k.yaml")})),
    ]
    assert len({key, *others}) == 1 + len(others)
