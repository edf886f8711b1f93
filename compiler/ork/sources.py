"""The source graph: what fetch produces and every later stage reads.

A node is one source (a local file or a remote artifact) with the digests of its raw
bytes, of its parsed documents (the *semantic* digest: comments and key order do not
change it) and of its span index. An edge is one import, with the span that wrote it.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from .canonical import digest
from .errors import Span

Role = Literal["file", "registry", "motif"]


class Frozen(BaseModel):
    """A frozen model for internal artifacts (snake_case, no aliases)."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class SourceFile(Frozen):
    """One file of a source and the digest of its bytes."""

    name: str
    digest: str


class SourceNode(Frozen):
    """One source: a local file, or a remote artifact pinned by digest."""

    id: str  # "file:<path from the project root>" or the canonical remote ref
    display: str  # what diagnostics print as the path
    kinds: tuple[str, ...]  # the kind of each document, in order
    remote: bool
    digest: str  # raw file digest, or the manifest digest of an artifact
    content: str  # store digest of the YAML text that was parsed
    docs: str  # store digest of the parsed documents (the semantic digest)
    spans: str  # store digest of the span index
    files: tuple[SourceFile, ...] = ()
    ref: str = ""  # the ref as first written (remote sources)
    resolved: str = ""  # the canonical ref with its digest (remote sources)
    name: str = ""
    version: str = ""


class ImportEdge(Frozen):
    """One import: who imports what, how, and where it was written."""

    src: str
    dst: str
    role: Role
    ref: str
    span: Span
    index: int  # position in the declaring list, for declaration order
    crd: str | None = None  # the importing CRD, for Motif imports
    doc: int = 0


class SourceGraph(Frozen):
    """Every source reachable from the entry files, and every import between them."""

    root_name: str  # the entry file's name, e.g. "komposer.yaml"
    entries: tuple[str, ...]
    nodes: tuple[SourceNode, ...]
    edges: tuple[ImportEdge, ...]

    def node(self, node_id: str) -> SourceNode:
        """Return a node by id.

        Raises:
            KeyError: when no node has that id.
        """
        for n in self.nodes:
            if n.id == node_id:
                return n
        raise KeyError(node_id)

    def imports_of(self, node_id: str, role: Role | None = None) -> list[ImportEdge]:
        """Return the imports a source declares, in declaration order."""
        edges = [e for e in self.edges if e.src == node_id and (role is None or e.role == role)]
        return sorted(edges, key=lambda e: (e.doc, e.crd or "", e.index))

    def semantic_digest(self) -> str:
        """Return a digest of what merging depends on: no spans, no raw-byte digests."""
        return digest({
            "entries": list(self.entries),
            "nodes": [[n.id, list(n.kinds), n.docs, n.remote, n.name, n.version]
                      for n in self.nodes],
            "edges": [[e.src, e.dst, e.role, e.ref, e.index, e.crd, e.doc] for e in self.edges],
        })
