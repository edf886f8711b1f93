"""Each CRD's pieces of the bundle, and the memo that lets a rebuild reuse them.

An enabled CRD contributes three things to the bundle: its entry in ``katalog.yaml``, its
entry in ``provenance.yaml`` and its RBAC grants. Render keys them by a *part key*: the
CRD's resolved key (``Resolved.expansions``; equal keys mean an equal entry, equal origins
and equal Motif uses, see :mod:`ork.merging.memo`), the rest of what ``provenance.yaml``
reads (the CRD's provenance without its Motif uses, and every source it names: ref,
digests, span index), and ork's and the render stage's versions.

Render stores the parts it used as one table next to its output, and the next render
reads the last one: after one Katalog changed, it emits that Katalog's CRDs and copies
every other CRD's part. (One table, not one store entry per part: on a slow disk, 200
small writes cost a cold build more than the table costs a rebuild.) An unreadable table
or part is emitted again: the memo can cost time, never bytes.

The table is a header line naming its format and the Python that wrote it, then the parts
in :mod:`marshal`'s format 2 (which writes equal values as equal bytes): five times
cheaper to write and read than JSON, whose escaping of 16,000 newlines was most of a
rebuild's render. A table of another format or another Python reads as empty; a part is
read only under its key, which names ork's and the render stage's versions, and the store
gives back only the bytes it was given, so the shape of a part is checked, not each grant.
"""

from __future__ import annotations

import json
import marshal
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .. import __version__, rbac, yamlout
from ..canonical import dumps, sha256
from ..resolved import CrdProvenance
from ..sources import SourceNode
from ..stageversions import STAGE_VERSIONS

_MARSHAL = 2  # the newest format whose bytes do not depend on which strings are shared
HEADER = (f"ork-parts/1 marshal/{_MARSHAL} {sys.implementation.name}-"
          f"{sys.version_info[0]}.{sys.version_info[1]}\n").encode("ascii")


@dataclass(frozen=True)
class Part:
    """One CRD's entries of ``katalog.yaml`` and ``provenance.yaml`` (as
    :func:`ork.yamlout.entries` emits them) and its RBAC grants."""

    katalog: str
    provenance: str
    grants: tuple[rbac.Grant, ...]

    def to_table(self) -> tuple[str, str, tuple[rbac.Grant, ...]]:
        """Return the part as a table holds it."""
        return self.katalog, self.provenance, self.grants

    @classmethod
    def from_table(cls, data: Any) -> Part | None:
        """Return a part read from a table, or None when it is not one."""
        if type(data) is not tuple or len(data) != 3:
            return None
        katalog, provenance, grants = data
        if type(katalog) is not str or type(provenance) is not str or type(grants) is not tuple:
            return None
        return cls(katalog, provenance, grants)


class PartKeys:
    """The part keys of one render (see the module docstring). A key hashes its inputs as
    lines of JSON rather than as one canonical JSON value: the canonical encoder sorted and
    escaped them again for every CRD, and a source's line is written once, not once per CRD
    that names it (200 keys cost under half as much)."""

    def __init__(self, nodes: dict[str, SourceNode]) -> None:
        self._head = [json.dumps(__version__), str(STAGE_VERSIONS["render"])]
        self._sources = {n.id: dumps(_source(n)).decode("utf-8") for n in nodes.values()}

    def key(self, resolved_key: str, p: CrdProvenance) -> str:
        """Return the key of a CRD's part (``resolved_key``: its Resolved.expansions key)."""
        named = {p.source, *p.via, *(m.source for m in p.motifs), *(o.source for o in p.overrides)}
        lines = [*self._head, resolved_key, p.model_dump_json(exclude={"motifs"})]
        lines += [self._sources.get(n) or dumps([n]).decode("utf-8") for n in sorted(named)]
        return sha256("\n".join(lines).encode("utf-8"))  # a digest and JSON texts: one line each


def _source(n: SourceNode) -> list[Any]:
    return [n.id, n.display, n.remote, n.ref, n.resolved, n.digest, n.spans]


class Memo:
    """The parts of the last render (a table, possibly unreadable), and those of this one."""

    def __init__(self, table: bytes | None = None) -> None:
        self._last = _read(table) if table is not None else {}
        self._used: dict[str, Part] = {}

    def part(self, key: str | None, make: Callable[[], Part]) -> Part:
        """Return the part stored under ``key`` in the last table, or make it. A part
        without a key is always made and never kept."""
        if key is None:
            return make()
        part = Part.from_table(self._last[key]) if key in self._last else None
        if part is None:
            part = make()
        self._used[key] = part
        return part

    def table(self) -> bytes:
        """Return this render's table, for the next one."""
        return HEADER + marshal.dumps(
            {k: p.to_table() for k, p in sorted(self._used.items())}, _MARSHAL)


def _read(table: bytes) -> dict[Any, Any]:
    """Return the parts of a table by key, or none when it is not one this Python wrote."""
    if not table.startswith(HEADER):
        return {}
    try:
        data = marshal.loads(memoryview(table)[len(HEADER):])
    except (ValueError, EOFError, TypeError):
        return {}
    return data if type(data) is dict else {}


def emitted(texts: list[str]) -> yamlout.Emitted:
    """Return the joined entries of several parts, to place under a key."""
    return yamlout.Emitted("\n".join(t for t in texts if t))
