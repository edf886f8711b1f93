"""Which CRDs a build can copy from the previous build's resolved Katalog.

A build after one Katalog changed should expand that Katalog's CRDs only. The resolved
Katalog records, per CRD, an *expansion key*: everything Motif expansion reads — the CRD
after overrides and stamps, its name, where its own values were written, and for each
Motif import the source, the digest of its parsed documents, the version, where it was
imported and which inputs a Komposer overrode — plus ork's and the merge stage's
versions. When the previous build has the same key for a CRD, merge copies the expanded
CRD, its Motif provenance, its origins and its Motif traces from it instead of expanding
again. Nothing is written for this beyond the keys in the artifact merge stores anyway.

A build after one Katalog file changed should not even parse the other files. The
resolved Katalog also records, per imported source of Katalog documents, a *source key*:
the source, the digest of its parsed documents, and for each Motif they import the source,
the digest of its parsed documents and its version. With the key it keeps what merge took
from each document (:class:`ork.resolved.SourceUse`). When the next build has the same
key, merge does not read the source: it copies each document's CRDs — resolved entry,
provenance, origins, expansion key, traces — from the last resolved Katalog, provided
what the key leaves out is unchanged too: the path of imports a document was reached by,
the entry's version and description (stamped into each CRD), and that no Komposer
overrides one of its CRDs (a source whose CRDs were overridden, disabled or expanded with
a problem is never recorded). Otherwise that document is parsed and merged as usual.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from .. import __version__
from ..canonical import digest
from ..diagjson import loc_to_json
from ..errors import Loc, PathPart
from ..kinds import CRDEntry
from ..sources import ImportEdge, SourceNode
from ..stageversions import STAGE_VERSIONS
from .expand import MotifSource

Path = tuple[PathPart, ...]


def expansion_key(name: str, entry: CRDEntry, motifs: list[MotifSource],
                  origins: Sequence[tuple[Path, Loc]], docs_of: Callable[[str], str]) -> str:
    """Return the key of one CRD's Motif expansion (see the module docstring)."""
    return digest({
        "ork": __version__, "stage": STAGE_VERSIONS["merge"], "name": name,
        # The entry as pydantic's serializer writes it (a key needs equal entries to give
        # equal text, not canonical JSON): a third of the cost of a key for 200 CRDs.
        "entry": entry.model_dump_json(by_alias=True, exclude_unset=True),
        "own": [[list(p), loc_to_json(loc)] for p, loc in origins],
        "motifs": [[m.index, m.ref, m.node, m.doc, docs_of(m.node), m.version,
                    loc_to_json(m.import_loc),
                    {k: loc_to_json(v) for k, v in sorted(m.overridden.items())}]
                   for m in motifs]})


def source_key(node: SourceNode, motif_edges: Sequence[ImportEdge],
               nodes: dict[str, SourceNode]) -> str:
    """Return the key of one imported source of Katalog documents (see the module
    docstring); ``motif_edges`` are the Motif imports of its documents."""
    return digest({
        "ork": __version__, "stage": STAGE_VERSIONS["merge"], "node": node.id,
        "docs": node.docs,
        "motifs": sorted([e.doc, e.crd or "", e.index, e.ref, e.dst, nodes[e.dst].docs,
                          nodes[e.dst].version] for e in motif_edges)})
