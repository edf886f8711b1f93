"""Each CRD's pieces of the bundle, and the memo that lets a rebuild reuse them.

An enabled CRD contributes three things to the bundle: its entry in ``katalog.yaml``, its
entry in ``provenance.yaml`` and its RBAC grants. Render keeps them in the store under a
*part key*: the CRD's resolved key (``Resolved.expansions``; equal keys mean an equal
entry, equal origins and equal Motif uses, see :mod:`ork.merging.memo`), the rest of what
``provenance.yaml`` reads (the CRD's provenance without its Motif uses, and every source
it names: ref, digests, span index), and ork's and the render stage's versions.

After one Katalog changed, render emits that Katalog's CRDs and reads every other CRD's
part. Parts live in the store's ``render-parts`` keys, so the parts of any earlier build
serve (switching back to a branch renders nothing again). An unreadable part is emitted
again: the memo can cost time, never bytes.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .. import __version__, rbac, yamlout
from ..canonical import digest
from ..resolved import CrdProvenance
from ..sources import SourceNode
from ..stageversions import STAGE_VERSIONS
from ..store import Store

NAMESPACE = "render-parts"


@dataclass(frozen=True)
class Part:
    """One CRD's entries of ``katalog.yaml`` and ``provenance.yaml`` (as
    :func:`ork.yamlout.entries` emits them) and its RBAC grants."""

    katalog: str
    provenance: str
    grants: tuple[rbac.Grant, ...]

    def to_json(self) -> str:
        """Return the part as JSON, for the store."""
        return json.dumps({"katalog": self.katalog, "provenance": self.provenance,
                           "grants": [[g, r, list(v)] for g, r, v in self.grants]})

    @classmethod
    def from_json(cls, raw: str) -> Part | None:
        """Return a stored part, or None when it is unreadable."""
        try:
            data = json.loads(raw)
            grants = tuple((str(g), str(r), tuple(map(str, v))) for g, r, v in data["grants"])
            katalog, provenance = data["katalog"], data["provenance"]
        except (ValueError, KeyError, TypeError):
            return None
        if not isinstance(katalog, str) or not isinstance(provenance, str):
            return None
        return cls(katalog, provenance, grants)


def part_key(resolved_key: str, p: CrdProvenance, nodes: dict[str, SourceNode]) -> str:
    """Return the key of a CRD's part (see the module docstring)."""
    named = {p.source, *p.via, *(m.source for m in p.motifs), *(o.source for o in p.overrides)}
    return digest({
        "ork": __version__, "stage": STAGE_VERSIONS["render"], "resolved": resolved_key,
        "provenance": p.model_dump(mode="json", exclude={"motifs"}),
        "sources": [_source(nodes[n]) if n in nodes else [n] for n in sorted(named)]})


def _source(n: SourceNode) -> list[Any]:
    return [n.id, n.display, n.remote, n.ref, n.resolved, n.digest, n.spans]


def parts(names: list[str], keys: dict[str, str | None], store: Store,
          make: Callable[[str], Part]) -> list[Part]:
    """Return the part of each CRD in ``names``: stored under its key, or made (and then
    stored). A CRD whose key is None is always made and never stored."""
    out = []
    for name in names:
        key = keys[name]
        raw = store.get_key(NAMESPACE, key) if key else None
        part = Part.from_json(raw) if raw is not None else None
        if part is None:
            part = make(name)
            if key:
                store.set_key(NAMESPACE, key, part.to_json())
        out.append(part)
    return out


def emitted(texts: list[str]) -> yamlout.Emitted:
    """Return the joined entries of several parts, to place under a key."""
    return yamlout.Emitted("\n".join(t for t in texts if t))
