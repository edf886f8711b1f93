"""Stage 1, fetch: follow every import from the entry files and build the source graph.

Breadth-first from the entries. Each source is read once (the same canonical id reached
twice is one node), stored in the content-addressed store as raw bytes, parsed documents
and span index, and its imports become edges carrying the span that wrote them. Only the
import lists are read here; the shape of every document is checked by merge, which sees
all of them at once, except when fetch fails: then the shape errors of the documents read
are reported with the fetch errors (:func:`_add_shape_errors`).
"""

from __future__ import annotations

import functools
import json
import os
import stat
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from .. import nearby, refs, yamlsrc
from ..errors import (
    Collector,
    Diagnostic,
    GraphError,
    InputError,
    Loc,
    Note,
    OrkError,
    RegistryError,
    Span,
)
from ..fetching.declared import Declared, Import, declared
from ..sources import ImportEdge, SourceFile, SourceGraph, SourceNode
from ..store import Store


@dataclass(frozen=True)
class RemoteArtifact:
    """A fetched remote source: its identity, pinned digest and file contents."""

    canonical: str  # the node id: canonical ref with digest
    resolved: str  # what the lock records as `resolved`
    digest: str  # manifest digest
    files: dict[str, bytes]
    main: str  # the file that holds the documents: katalog.yaml, motif.yaml, komposer.yaml
    warnings: tuple[Diagnostic, ...] = ()  # about the reference (floating-tag), at its span


class RemoteSources(Protocol):
    """Fetches remote sources (OCI, layouts, the embedded registry); see ork.registry."""

    def fetch(self, ref: refs.Reference, *, motif: bool, want_komposer: bool,
              span: Span) -> RemoteArtifact:
        """Return the artifact a reference names.

        Raises:
            OrkError: SourceError or RegistryError subclasses.
        """
        ...


@dataclass(frozen=True)
class FetchRequest:
    """What fetch needs: the project root and the entry paths relative to it."""

    root: Path
    entries: tuple[str, ...]
    allow_outside_root: bool = False
    max_file_size: int = yamlsrc.DEFAULT_MAX_FILE_SIZE
    verify: bool = False  # read back every parse reused (the build after a damaged cache)


@dataclass(frozen=True)
class FetchResult:
    """The source graph, the local files it read (for warm-build checks) and warnings."""

    graph: SourceGraph
    local_files: tuple[tuple[str, str], ...]
    warnings: tuple[Diagnostic, ...] = ()


@dataclass
class _Pending:
    node_id: str
    kind: str  # what the importer expects: "entry", "Katalog", "Komposer", "Motif"
    ref: refs.Reference
    span: Span | None
    discover: bool = False  # a remote node already loaded: only follow its imports


@dataclass
class _State:
    req: FetchRequest
    store: Store
    remote: RemoteSources | None
    nodes: dict[str, SourceNode] = field(default_factory=dict)
    declared: dict[str, Declared] = field(default_factory=dict)
    edges: list[ImportEdge] = field(default_factory=list)
    local: dict[str, str] = field(default_factory=dict)
    errors: Collector = field(default_factory=Collector)
    queue: deque[_Pending] = field(default_factory=deque)
    # (declaring directory, import as written) -> path from the root: every CRD of a
    # Katalog names the same local Motifs
    resolved_files: dict[tuple[str, str], str] = field(default_factory=dict)

    @functools.cached_property
    def real_root(self) -> Path:
        """Return the project root with every symlink resolved."""
        return Path(os.path.realpath(self.req.root))


def run(req: FetchRequest, store: Store, remote: RemoteSources | None = None) -> FetchResult:
    """Return the source graph reachable from the entries.

    Raises:
        OrkError: every reading and import problem found, at once.
    """
    st = _State(req, store, remote)
    entry_ids = []
    for entry in req.entries:
        node_id = "file:" + entry
        entry_ids.append(node_id)
        st.queue.append(_Pending(node_id, "entry", refs.Reference("file", entry, path=entry),
                                 None))
    while st.queue:
        _visit(st, st.queue.popleft())
    _one_offline_miss(st.errors)
    if st.errors.errors:
        _add_shape_errors(st)
    st.errors.raise_if_any()
    _check_cycles(st)
    graph = SourceGraph(
        root_name=Path(req.entries[0]).name,
        entries=tuple(entry_ids),
        nodes=tuple(sorted(st.nodes.values(), key=lambda n: n.id)),
        edges=tuple(sorted(st.edges, key=lambda e: (e.src, e.doc, e.crd or "", e.role, e.index))),
    )
    return FetchResult(graph, tuple(sorted(st.local.items())), tuple(st.errors.warnings))


def _add_shape_errors(st: _State) -> None:
    """Add the shape errors of every document read (an unknown key, a malformed import) to
    the fetch errors about to be raised, located as merge would locate them.

    Merge checks shapes, but it runs only once fetch succeeds: without this, a Komposer's
    shape error would show only after its missing import is fixed, not in the same run
    (SPEC: every error at once). A fetch that succeeds leaves the shapes to merge alone.
    """
    from ..kinds import parse_document
    from ..locate import Locator
    from ..locking import PLACEHOLDER

    nodes = tuple(sorted((n for n in st.nodes.values() if not n.id.startswith(PLACEHOLDER)),
                         key=lambda n: n.id))  # not the stand-ins of a --locked check
    locator = Locator(SourceGraph(root_name="", entries=(), nodes=nodes, edges=()), st.store)
    for node in nodes:
        for doc in st.store.get_json(node.docs) or []:
            try:
                parse_document(doc["value"], Loc(node.id, doc["index"]))
            except OrkError as err:
                st.errors.add(type(err).of(locator.resolve(d) for d in err.diagnostics))


def _one_offline_miss(errors: Collector) -> None:
    """Replace the ``offline-miss`` of each reference by one error naming them all
    (docs/registry.md: one error, every missing ref and digest), at the first one's span."""
    misses = sorted({d for e in errors.errors for d in e.diagnostics if d.code == "offline-miss"},
                    key=Diagnostic.sort_key)
    if len(misses) < 2:
        return
    errors.errors = [e for e in errors.errors
                     if not any(d.code == "offline-miss" for d in e.diagnostics)]
    notes = list(dict.fromkeys(n for d in misses for n in (Note(d.message, d.span), *d.notes)))
    errors.add(RegistryError("offline-miss", f"offline: {len(misses)} references need a "
                             "registry, which is not asked offline", span=misses[0].span,
                             notes=notes, hint=misses[0].hint))


def _visit(st: _State, item: _Pending) -> None:
    if item.discover:
        _follow(st, st.nodes[item.node_id], st.declared[item.node_id])
        return
    if item.node_id in st.nodes:
        _check_kind(st, st.nodes[item.node_id], item)
        return
    try:
        node, found = _load_file(st, item)
    except OrkError as err:
        st.errors.add(err)
        return
    st.nodes[node.id] = node
    st.declared[node.id] = found
    if _check_kind(st, node, item):
        _follow(st, node, found)


def _follow(st: _State, node: SourceNode, found: Declared) -> None:
    for imp in found.imports:
        _import(st, node, imp)


def _files(st: _State, files: dict[str, bytes]) -> tuple[SourceFile, ...]:
    return tuple(SourceFile(name=n, digest=st.store.put(files[n])) for n in sorted(files))


def _load_file(st: _State, item: _Pending) -> tuple[SourceNode, Declared]:
    rel = item.node_id.removeprefix("file:")
    path = st.req.root / rel
    try:
        _check_size(path, rel, st.req.max_file_size, item.span)
        with path.open("rb") as fh:  # the limit holds for a file that grew since, too
            data = fh.read(st.req.max_file_size + 1)
    except FileNotFoundError as exc:
        raise InputError("file-not-found", f"{rel}: no such file", span=item.span,
                         hint=nearby.missing(path, path.name, "a file import's path is relative to "
                                             "the file that imports it")) from exc
    except IsADirectoryError as exc:
        raise InputError("file-not-found", f"{rel} is a directory, not a YAML file",
                         span=item.span, hint=nearby.directory(
                             path, rel, "a file import names one Katalog file")) from exc
    except OSError as exc:
        raise InputError("file-not-found", f"{rel}: cannot read ({exc.strerror})",
                         span=item.span, hint="check the file's permissions") from exc
    node, found = _parsed_node(st, item.node_id, rel, data, item.span)
    st.local[rel] = node.digest
    return node, found


def _check_size(path: Path, rel: str, limit: int, span: Span | None) -> None:
    """Refuse an oversized file before reading it, so memory stays bounded, and a device
    or a pipe (a symlink to ``/dev/zero``, a FIFO), which could be read, or wait, for ever.

    Raises:
        InputError: file-too-large or file-not-found.
        OSError: it cannot be looked at.
    """
    info = path.stat()
    if not (stat.S_ISREG(info.st_mode) or stat.S_ISDIR(info.st_mode)):  # a directory: below
        raise InputError("file-not-found", f"{rel} is not a regular file (a device, a pipe "
                         "or a socket)", span=span or Span(rel, 1, 1, 1, 1),
                         hint="a file import names a YAML file: check the path and where "
                              "its symlink points")
    size = info.st_size
    if size > limit:
        raise InputError("file-too-large", f"{rel} is {size:,} bytes, over the limit of "
                         f"{limit:,}", span=span or Span(rel, 1, 1, 1, 1),
                         hint="raise the limit with --max-file-size if this file is really "
                              "meant to be this big")


def _parsed_node(st: _State, node_id: str, display: str, data: bytes,
                 span: Span | None) -> tuple[SourceNode, Declared]:
    raw_digest = st.store.put(data)
    if len(data) > st.req.max_file_size:  # the limit holds for bytes parsed before, too
        yamlsrc.load(data, display, max_size=st.req.max_file_size)
    found, docs_digest, spans_digest = _documents(st, raw_digest, data, display)
    if not found.kinds:
        raise InputError("no-documents", f"{display} holds no YAML documents",
                         span=span or Span(display, 1, 1, 1, 1),
                         hint="a source holds a Katalog, Komposer or Motif document "
                              "(apiVersion: orkestra.orkspace.io/v1)")
    node = SourceNode(
        id=node_id, display=display, remote=False, kinds=found.kinds,
        digest=raw_digest, content=raw_digest, docs=docs_digest, spans=spans_digest,
        name=found.name, version=found.version,
    )
    return node, found


_PARSED = "parsed-v2"  # bump when yamlsrc or ork.fetching.declared reads the same bytes
# differently


def _documents(st: _State, raw_digest: str, data: bytes,
               display: str) -> tuple[Declared, str, str]:
    """Return what some bytes declare, and the store digests of their parsed documents
    and of their span index.

    Bytes parsed before are not parsed again: the memo keeps, per raw digest, the two
    digests and the summary of ork.fetching.declared, so a build after one file changed
    parses that file and reads a small record for each other one.

    Raises:
        InputError: every reading error of yamlsrc.load (never cached).
    """
    memo = st.store.get_key(_PARSED, raw_digest)
    if memo is not None:
        try:
            record = json.loads(memo)
            docs_digest, spans_digest = str(record["docs"]), str(record["spans"])
            if _stored(st, docs_digest) and _stored(st, spans_digest):
                return Declared.from_json(record["declared"]), docs_digest, spans_digest
        except (ValueError, KeyError, TypeError):
            pass  # a damaged memo: parse again
    docs = yamlsrc.load(data, display, max_size=st.req.max_file_size)
    parsed = [{"index": d.index, "value": d.value} for d in docs]
    index = [[d.index, [[list(p), list(e)] for p, e in d.spans.items()]] for d in docs]
    docs_digest, spans_digest = st.store.put_json(parsed), st.store.put_json(index)
    found = declared(docs)
    st.store.set_key(_PARSED, raw_digest, json.dumps(
        {"docs": docs_digest, "spans": spans_digest, "declared": found.to_json()}))
    return found, docs_digest, spans_digest


def _stored(st: _State, digest: str) -> bool:
    """Return whether a parse's object can be reused: present, or under ``verify`` whole.

    Present is enough for a rebuild: its merge copies an unchanged file's CRDs without
    reading its documents, and a span index is read only to place a diagnostic or a
    provenance line. Whoever reads an object verifies it; a damaged one is discarded there
    and the build runs again reusing nothing (``ork.pipeline.run``), with ``verify`` on,
    so the file is parsed again here.
    """
    if st.req.verify:
        return st.store.get(digest) is not None
    return st.store.has(digest)


def _check_kind(st: _State, node: SourceNode, item: _Pending) -> bool:
    """Check the imported source is of the kind its importer expects."""
    if item.kind == "entry":
        return True
    wrong = [k for k in node.kinds if k != item.kind]
    if not wrong:
        return True
    how = {"Katalog": "a file import must be a Katalog (a Komposer is reached only through a "
                      "registry import with `useKomposer: true`)",
           "Komposer": "a `useKomposer: true` import must be a Komposer",
           "Motif": "a Motif import must name a Motif"}[item.kind]
    st.errors.add(GraphError("wrong-import-kind",
                             f"{node.display} is a {wrong[0]}, but {how}",
                             span=item.span, hint=_KIND_HINTS.get((item.kind, wrong[0]),
                                                                  _KIND_HINTS[item.kind])))
    return False


_KIND_HINTS: dict[tuple[str, str] | str, str] = {
    ("Katalog", "Komposer"): "import the Katalogs it imports instead, or push it and import "
                             "it under `imports.registry` with `useKomposer: true`",
    ("Katalog", "Motif"): "a CRD imports a Motif: `imports: [{motif: ...}]` under "
                          "`spec.crds.<name>`",
    "Katalog": "point the import at a Katalog",
    "Komposer": "drop `useKomposer: true` to import it as a Katalog",
    "Motif": "point `motif:` at a Motif: a file, or a reference such as web-service:v1.1.0",
}


def _import(st: _State, node: SourceNode, imp: Import) -> None:
    raw, span, role, index, kind = imp.raw, imp.span_in(node.display), imp.role, imp.index, \
        imp.kind
    try:
        ref = refs.parse(raw, span=span, file=imp.file)
        target = _resolve_file(st, node, ref.path, span) if ref.kind == "file" else None
    except OrkError as err:
        st.errors.add(err)
        return
    if ref.kind == "file" and node.remote:
        st.errors.add(InputError(
            "local-import-in-pattern",
            f"{node.display} imports the local file {raw!r}, which a registry artifact cannot "
            "carry", span=span, hint="import the Motif by registry reference instead"))
        return
    if target is not None:
        dst = "file:" + target
        if dst not in st.nodes:
            st.queue.append(_Pending(dst, kind, ref, span))
    else:
        fetched = _fetch_remote(st, ref, kind, span)
        if fetched is None:
            return
        dst = fetched
    st.edges.append(ImportEdge(src=node.id, dst=dst, role=role, ref=raw, span=span,
                               index=index, crd=imp.crd, doc=imp.doc))


def _fetch_remote(st: _State, ref: refs.Reference, kind: str, span: Span) -> str | None:
    """Fetch a remote source now: its node id is only known once its digest is."""
    if st.remote is None:
        st.errors.add(InputError("unsupported-source", f"{ref.raw!r} needs a registry",
                                 span=span, hint="this build was given no registry client "
                                                 "(pipeline.Context.remote)"))
        return None
    try:
        art = st.remote.fetch(ref, motif=kind == "Motif", want_komposer=kind == "Komposer",
                              span=span)
        st.errors.warnings.extend(art.warnings)
        if art.canonical in st.nodes:
            _check_kind(st, st.nodes[art.canonical], _Pending(art.canonical, kind, ref, span))
            return art.canonical
        node, found = _parsed_node(st, art.canonical, f"{ref.raw}/{art.main}",
                                   art.files[art.main], span)
    except OrkError as err:
        st.errors.add(err)
        return None
    node = node.model_copy(update={
        "remote": True, "digest": art.digest, "ref": ref.raw, "resolved": art.resolved,
        "files": _files(st, art.files),
    })
    st.nodes[node.id] = node
    st.declared[node.id] = found
    if _check_kind(st, node, _Pending(node.id, kind, ref, span)):
        st.queue.append(_Pending(node.id, kind, ref, span, discover=True))
    return node.id


def _resolve_file(st: _State, node: SourceNode, path: str, span: Span) -> str:
    """Return the import's path relative to the root, refusing escapes.

    Raises:
        InputError: path-escapes-root.
    """
    declaring_dir = os.path.dirname(node.id.removeprefix("file:"))
    if (declaring_dir, path) in st.resolved_files:
        return st.resolved_files[declaring_dir, path]
    root = st.req.root
    target = Path(os.path.normpath(root / declaring_dir / path))
    real_root = st.real_root
    real_target = Path(os.path.realpath(target))
    if not st.req.allow_outside_root and not real_target.is_relative_to(real_root):
        raise InputError(
            "path-escapes-root",
            f"{path!r} resolves outside the project root",
            span=span,
            hint="keep imported files under the entry file's directory, or pass "
                 "--allow-outside-root if this is intended",
        )
    rel = st.resolved_files[declaring_dir, path] = Path(os.path.relpath(target, root)).as_posix()
    return rel


def _check_cycles(st: _State) -> None:
    # Only a Komposer imported from a registry (useKomposer) can import what imports it:
    # files must be Katalogs, Katalogs import only Motifs, Motifs import nothing. Without
    # such an edge there is no cycle to find, and networkx is not even imported.
    if not any(e.role == "registry" and "Komposer" in st.nodes[e.dst].kinds
               for e in st.edges if e.dst in st.nodes):
        return
    import networkx as nx

    g = nx.DiGraph()
    g.add_nodes_from(sorted(st.nodes))
    by_pair: dict[tuple[str, str], ImportEdge] = {}
    for e in sorted(st.edges, key=lambda e: (e.src, e.dst, e.index)):
        g.add_edge(e.src, e.dst)
        by_pair.setdefault((e.src, e.dst), e)
    for start in sorted(g.nodes):
        try:
            cycle = nx.find_cycle(g, source=start)
        except nx.NetworkXNoCycle:
            continue
        path = [u for u, _ in cycle] + [cycle[0][0]]
        notes = [Note(f"{st.nodes[u].display} imports {by_pair[(u, v)].ref}",
                      by_pair[(u, v)].span) for u, v in cycle]
        first = by_pair[cycle[0]]
        raise GraphError(
            "import-cycle",
            "import cycle: " + " -> ".join(st.nodes[n].display for n in path),
            span=first.span, notes=notes,
            hint="break the cycle: a Komposer cannot (indirectly) import itself")
