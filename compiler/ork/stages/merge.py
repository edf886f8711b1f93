"""Stage 2, merge: the source graph becomes one resolved Katalog.

Order and precedence are Orkestra's (resolution-and-merge.md, Merge): entry files in the
order given; inside a Komposer, registry imports then file imports, each in declaration
order, then the Komposer's inline ``spec.crds``; Motifs expanded after the overrides;
disabled CRDs dropped last. A CRD defined twice is an error, never "last wins".
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

from ..canonical import sha256
from ..errors import (
    Collector,
    Diagnostic,
    GraphError,
    InputError,
    InternalError,
    Loc,
    Note,
    OrkError,
)
from ..kinds import CRDEntry, Katalog, Komposer, Motif, parse_document
from ..kinds.crd import MotifImport, OperatorBox, RuntimeConfig
from ..kinds.katalog import CARRIED_BLOCKS, KatalogSpec, Metadata
from ..merging import blocks, expand, memo, overrides
from ..resolved import (
    CrdProvenance,
    DocumentUse,
    MotifUse,
    Origin,
    Resolved,
    SourceUse,
    Summary,
    Traces,
    decode_entry,
    encode_entry,
    encode_origins,
    summary,
)
from ..sources import ImportEdge, SourceGraph, SourceNode
from ..store import Store
from ..validation import motifs as motif_checks

Path = tuple[str | int, ...]


@dataclass
class _Crd:
    """A CRD on its way through the merge."""

    name: str
    model: CRDEntry | None  # None for a CRD copied from the last build: see ``text``
    source: str
    doc: int
    loc: Loc
    via: tuple[str, ...]
    meta: Metadata
    brought_by: ImportEdge | None = None
    origins: list[tuple[Path, Loc]] = field(default_factory=list)
    origins_text: str | None = None  # copied from the last build with its expansion
    overrides: list[Loc] = field(default_factory=list)
    reused: CrdProvenance | None = None  # copied whole from the last build (its document's)
    text: str | None = None  # the resolved entry of a copied CRD, as the last build wrote it

    @property
    def entry(self) -> CRDEntry:
        """The CRD's entry (a copied CRD's is decoded only if something reads it)."""
        if self.model is None:
            assert self.text is not None
            self.model = decode_entry(self.text)
        return self.model

    @entry.setter
    def entry(self, value: CRDEntry) -> None:
        self.model = value


@dataclass(frozen=True)
class _Reused:
    """A document of an unchanged Katalog source, not parsed: what the last build took
    from it (:mod:`ork.merging.memo`)."""

    use: DocumentUse


@dataclass
class _Ctx:
    graph: SourceGraph
    docs: dict[tuple[str, int], Any]
    legacy: list[tuple[Loc, str]]
    errors: Collector
    previous: Resolved | None = None
    previous_traces: Traces = field(default_factory=Traces)
    store: Store | None = None
    # Sources whose documents can be copied from the last build, by source key; what this
    # build took from each document; the first legacy-shape path of each source.
    keys: dict[str, str] = field(default_factory=dict)
    used: dict[tuple[str, int], DocumentUse] = field(default_factory=dict)
    legacy_at: dict[str, tuple[int, tuple[str | int, ...]]] = field(default_factory=dict)
    patched: frozenset[str] = frozenset()  # CRD names some Komposer's spec.crds overrides
    top: tuple[str | None, str | None] = (None, None)  # the entry's version, description
    previous_provenance: dict[str, CrdProvenance] = field(default_factory=dict)
    # Indexes of the graph and the documents, made once: every CRD asks them.
    nodes: dict[str, SourceNode] = field(default_factory=dict)
    motif_edges: dict[tuple[str, int, str | None, int], ImportEdge] = field(
        default_factory=dict)
    docs_by_node: dict[str, list[tuple[tuple[str, int], Any]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.nodes = {n.id: n for n in self.graph.nodes}
        for e in self.graph.edges:
            if e.role == "motif":
                self.motif_edges.setdefault((e.src, e.doc, e.crd, e.index), e)
        for key, model in sorted(self.docs.items(), key=lambda kv: kv[0][1]):
            self.docs_by_node.setdefault(key[0], []).append((key, model))
        if self.previous is not None:
            self.previous_provenance = {p.crd: p for p in self.previous.provenance}
        self.patched = frozenset(name for model in self.docs.values()
                                 if isinstance(model, Komposer) and model.spec
                                 for name in model.spec.crds or {})


@dataclass(frozen=True)
class Merged:
    """The resolved Katalog, and the table of Motif traces it names by digest (as stored:
    ``Traces.to_bytes``, empty when no CRD imports Motifs)."""

    resolved: Resolved
    traces: bytes


def run(graph: SourceGraph, store: Store, previous: Resolved | None = None,
        previous_traces: Traces | None = None) -> Merged:
    """Return the resolved Katalog of a source graph (``previous``, the last build's, with
    its traces, lends the Motif expansions of CRDs whose expansion key did not change).

    Raises:
        OrkError: every shape and merge problem found, at once.
    """
    keys = _source_keys(graph)
    uses = previous.sources if previous is not None else {}
    parsed = _parse_all(graph, store, {n: uses[k] for n, k in keys.items() if k in uses})
    ctx = _Ctx(graph, parsed.models, parsed.legacy, Collector(), previous,
               previous_traces or Traces(), store, keys, legacy_at=parsed.legacy_at)
    for (node_id, doc), model in sorted(ctx.docs.items()):
        if isinstance(model, Motif):
            for err in motif_checks.check(model, Loc(node_id, doc)):
                ctx.errors.add(err)
    ctx.errors.raise_if_any()
    crds: dict[str, _Crd] = {}
    layered = {b: blocks.Layered() for b in CARRIED_BLOCKS}
    entry_meta: Metadata | None = None
    standalone: list[Loc] = []
    for entry in graph.entries:
        for (node_id, doc), model in _docs_of(ctx, entry):
            if isinstance(model, Motif):
                standalone.append(Loc(node_id, doc))
            elif isinstance(model, Katalog | Komposer):
                entry_meta = entry_meta or model.metadata
                ctx.top = (entry_meta.version, entry_meta.description)
                _add_all(ctx, crds, _entry_crds(ctx, node_id, doc, model, layered), None)
    ctx.errors.raise_if_any()
    for acc in layered.values():
        for err in acc.errors:
            ctx.errors.add(err)
    _gateway_warning(ctx, layered["gateway"])
    merged = _finish(ctx, crds, layered, entry_meta, tuple(standalone))
    ctx.errors.raise_if_any()
    return merged


def _gateway_warning(ctx: _Ctx, gateway: blocks.Layered) -> None:
    """Warn, where it is enabled, that the gateway block is carried but not generated."""
    if isinstance(gateway.value, dict) and gateway.value.get("enabled") is True:
        ctx.errors.warn(
            "gateway-not-generated", "the Katalog enables the gateway, which ork does not "
            "generate in this version", loc=blocks.origin(gateway, ("enabled",)),
            hint="deploy the gateway with Orkestra's own tooling")


def _entry_crds(ctx: _Ctx, node_id: str, doc: int, model: Katalog | Komposer,
                layered: dict[str, blocks.Layered]) -> list[_Crd]:
    if isinstance(model, Komposer):
        return _komposer(ctx, node_id, doc, model, (node_id,), layered)
    _accumulate(layered, _blocks_of(model), Loc(node_id, doc))
    return _katalog(ctx, node_id, doc, model, (node_id,))


def check_shapes(graph: SourceGraph, store: Store) -> None:
    """Raise every shape error of the graph's documents, as :func:`run` raises them first:
    for the commands that stop after fetch (``ork lock``, ``ork vendor``), so that they
    refuse what a build would (``metadata.name: off``, a boolean, is wrong-type).

    Raises:
        OrkError: every shape problem found, at once.
    """
    _parse_all(graph, store, {})


@dataclass
class _Parsed:
    """Every document's model (or, for an unchanged source, what the last build took from
    it), the legacy-shape warning of each source that has one, and where it points."""

    models: dict[tuple[str, int], Any] = field(default_factory=dict)
    legacy: list[tuple[Loc, str]] = field(default_factory=list)
    legacy_at: dict[str, tuple[int, tuple[str | int, ...]]] = field(default_factory=dict)


def _source_keys(graph: SourceGraph) -> dict[str, str]:
    """Return the source key of every imported source that holds only Katalog documents:
    those merge can copy from the last build (ork.merging.memo)."""
    nodes = {n.id: n for n in graph.nodes}
    motif_edges: dict[str, list[ImportEdge]] = {}
    for e in graph.edges:
        if e.role == "motif":
            motif_edges.setdefault(e.src, []).append(e)
    entries = set(graph.entries)
    return {n.id: memo.source_key(n, motif_edges.get(n.id, []), nodes)
            for n in graph.nodes
            if n.id not in entries and n.kinds and all(k == "Katalog" for k in n.kinds)}


def _parse_all(graph: SourceGraph, store: Store, reuse: dict[str, SourceUse]) -> _Parsed:
    """Parse every document of every source, reporting all shape errors at once; a source
    in ``reuse`` is not read: each of its documents stands as a :class:`_Reused`."""
    errors = Collector()
    out = _Parsed()
    for node in graph.nodes:
        legacy: tuple[int, tuple[str | int, ...]] | None = None
        if node.id in reuse:
            use = reuse[node.id]
            for d in use.docs:
                out.models[(node.id, d.index)] = _Reused(d)
            legacy = use.legacy
        else:
            legacy = _parse_source(node, store, out.models, errors)
        if legacy is not None:
            loc = Loc(node.id, legacy[0], legacy[1], key=True)
            where = ".".join(str(p) for p in loc.path[3:]) or ".".join(map(str, loc.path))
            out.legacy.append((loc, where))
            out.legacy_at[node.id] = legacy
    errors.raise_if_any()
    return out


def _parse_source(node: SourceNode, store: Store, out: dict[tuple[str, int], Any],
                  errors: Collector) -> tuple[int, tuple[str | int, ...]] | None:
    """Parse a source's documents into ``out``; return its first legacy-shape path."""
    legacy = None
    for doc in _documents(node, store):
        try:
            parsed = parse_document(doc["value"], Loc(node.id, doc["index"]))
        except OrkError as err:
            errors.add(err)
            continue
        out[(node.id, doc["index"])] = parsed.model
        if parsed.legacy_paths and legacy is None:
            legacy = (doc["index"], parsed.legacy_paths[0])
    return legacy


def _documents(node: SourceNode, store: Store) -> list[dict[str, Any]]:
    data = store.get_json(node.docs)
    if data is None:
        raise InternalError("internal-error", f"parsed documents of {node.display} are "
                            "missing from the cache")
    return data  # type: ignore[no-any-return]


def _docs_of(ctx: _Ctx, node_id: str) -> list[tuple[tuple[str, int], Any]]:
    return ctx.docs_by_node.get(node_id, [])


def _katalog(ctx: _Ctx, node_id: str, doc: int, model: Katalog,
             via: tuple[str, ...]) -> list[_Crd]:
    if node_id in ctx.keys:
        ctx.used[(node_id, doc)] = DocumentUse(index=doc, crds=tuple(model.spec.crds),
                                               blocks=_blocks_of(model), top=ctx.top)
    out = []
    finalizers = model.spec.finalizers or ()
    for name, entry in model.spec.crds.items():
        loc = Loc(node_id, doc, ("spec", "crds", name))
        crd = _Crd(name, entry, node_id, doc, loc, via, model.metadata, origins=[((), loc)])
        if finalizers:
            crd.entry = _with_finalizers(entry, finalizers)
            crd.origins.append((("operatorBox", "runtime", "finalizers"),
                                Loc(node_id, doc, ("spec", "finalizers"))))
        out.append(crd)
    return out


def _with_finalizers(entry: CRDEntry, finalizers: tuple[str, ...]) -> CRDEntry:
    """Fold a Katalog's ``spec.finalizers`` into each of its CRDs (the Katalogs of a
    Komposer may differ, and the resolved Katalog has one ``spec``)."""
    box = entry.operator_box or OperatorBox()
    runtime = box.runtime or RuntimeConfig()
    merged = tuple(dict.fromkeys((*finalizers, *(runtime.finalizers or ()))))
    runtime = runtime.model_copy(update={"finalizers": merged})
    return entry.model_copy(update={"operator_box": box.model_copy(update={"runtime": runtime})})


def _komposer(ctx: _Ctx, node_id: str, doc: int, model: Komposer, via: tuple[str, ...],
              layered: dict[str, blocks.Layered]) -> list[_Crd]:
    crds: dict[str, _Crd] = {}
    edges = [e for e in ctx.graph.imports_of(node_id) if e.doc == doc and e.role != "motif"]
    edges.sort(key=lambda e: (e.role != "registry", e.index))
    for edge in edges:
        for (target, tdoc), sub in _docs_of(ctx, edge.dst):
            found = _imported(ctx, target, tdoc, sub, (*via, target), layered)
            if found is not None:
                _add_all(ctx, crds, found, edge)
    for name, patch in ((model.spec.crds or {}) if model.spec else {}).items():
        loc = Loc(node_id, doc, ("spec", "crds", name))
        if name in crds:
            _override(ctx, crds[name], patch, loc)
        else:
            _new_inline(ctx, crds, name, patch, node_id, doc, loc, via, model.metadata)
    own = Loc(node_id, doc)
    for block in CARRIED_BLOCKS:
        value = getattr(model, block)
        if value is not None:
            blocks.layer(layered[block], value, own.child(block))
    return list(crds.values())


def _blocks_of(model: Katalog) -> dict[str, Any]:
    return {b: getattr(model, b) for b in CARRIED_BLOCKS if getattr(model, b) is not None}


def _imported(ctx: _Ctx, node_id: str, doc: int, model: Any, via: tuple[str, ...],
              layered: dict[str, blocks.Layered]) -> list[_Crd] | None:
    """Return the CRDs an imported document brings (None for a Motif document)."""
    if isinstance(model, _Reused):
        found = _reused(ctx, node_id, doc, model.use, via)
        if found is not None:
            _accumulate(layered, model.use.blocks, Loc(node_id, doc))
            return found
        model = _parse_now(ctx, node_id, doc)
    if isinstance(model, Katalog):
        _accumulate(layered, _blocks_of(model), Loc(node_id, doc))
        return _katalog(ctx, node_id, doc, model, via)
    if isinstance(model, Komposer):
        return _komposer(ctx, node_id, doc, model, via, layered)
    return None


def _accumulate(layered: dict[str, blocks.Layered], found: dict[str, Any], loc: Loc) -> None:
    for block, value in found.items():
        blocks.accumulate(layered[block], value, loc.child(block))


def _reused(ctx: _Ctx, node_id: str, doc: int, use: DocumentUse,
            via: tuple[str, ...]) -> list[_Crd] | None:
    """Return the CRDs of an unchanged document, copied from the last build — or None
    when something its source key leaves out changed (ork.merging.memo)."""
    prev = ctx.previous
    if prev is None or use.top != ctx.top or ctx.patched.intersection(use.crds):
        return None
    out = []
    for name in use.crds:
        p = ctx.previous_provenance.get(name)
        text = prev.entries.get(name)
        if (p is None or text is None or p.via != via or p.source != node_id
                or name not in prev.summaries or name not in prev.expansions
                or name not in prev.origins
                or (p.motifs and name not in ctx.previous_traces.texts)):
            return None
        meta = _metadata(p.katalog, p.version or None)
        out.append(_Crd(name, None, node_id, doc, p.loc, via, meta, reused=p, text=text))
    ctx.used[(node_id, doc)] = use
    return out


@functools.lru_cache(maxsize=1024)
def _metadata(name: str, version: str | None) -> Metadata:
    """The metadata a copied CRD names its Katalog by: one frozen object per Katalog."""
    return Metadata.model_construct(name=name, version=version)


def _parse_now(ctx: _Ctx, node_id: str, doc: int) -> Any:
    """Parse one document of a source that was not read (its copy did not apply)."""
    assert ctx.store is not None
    for raw in _documents(ctx.nodes[node_id], ctx.store):
        if raw["index"] == doc:
            try:
                return parse_document(raw["value"], Loc(node_id, doc)).model
            except OrkError as err:
                ctx.errors.add(err)
    return None


def _add_all(ctx: _Ctx, crds: dict[str, _Crd], found: list[_Crd],
             edge: ImportEdge | None) -> None:
    for crd in found:
        if crd.brought_by is None:
            crd.brought_by = edge
        if crd.name in crds:
            ctx.errors.add(_duplicate(ctx, crds[crd.name], crd))
            continue
        crds[crd.name] = crd


def _duplicate(ctx: _Ctx, first: _Crd, second: _Crd) -> GraphError:
    def where(c: _Crd) -> str:
        return ctx.nodes[c.source].ref or ctx.nodes[c.source].display

    # Not "disable one": a disabled CRD still counts here (resolution-and-merge.md, rule 7),
    # and an override in the Komposer could not say which of the two it meant.
    hint = ("rename the CRD in one of the two sources, or import only one of them (a "
            "disabled CRD still counts)")
    if second.brought_by is not None:
        return GraphError(
            "duplicate-crd", f"CRD {second.name!r} is defined by two imports",
            span=second.brought_by.span,
            notes=[Note(f"also defined by {where(first)}", loc=first.loc.at_key()),
                   Note(f"and by {where(second)}", loc=second.loc.at_key())],
            hint=hint)
    return GraphError("duplicate-crd", f"CRD {second.name!r} is defined twice",
                      loc=second.loc.at_key(),
                      notes=[Note(f"also defined by {where(first)}", loc=first.loc.at_key())],
                      hint="each CRD name may be defined by one entry file only")


def _override(ctx: _Ctx, crd: _Crd, patch: Any, loc: Loc) -> None:
    def names(index: int, imp: MotifImport) -> set[str]:
        return _motif_names(ctx, crd, index, imp)

    applied = overrides.apply(crd.entry, patch, loc, names)
    for err in applied.errors:
        ctx.errors.add(err)
    crd.entry = applied.entry
    crd.origins.extend(applied.origins)
    crd.overrides.append(loc)


def _new_inline(ctx: _Ctx, crds: dict[str, _Crd], name: str, patch: Any, node_id: str,
                doc: int, loc: Loc, via: tuple[str, ...], meta: Metadata) -> None:
    if patch.api_types is None or patch.api_types.kind is None:
        ctx.errors.add(InputError(
            "incomplete-crd",
            f"CRD {name!r} is not defined by any import, so this entry must be complete",
            loc=loc.at_key(),
            hint="add `apiTypes` with at least `kind`, or fix the name if it was meant to "
                 "override an imported CRD" + _did_you_mean(name, crds)))
        return
    entry = CRDEntry.model_validate(patch.model_dump(by_alias=True, exclude_unset=True))
    crds[name] = _Crd(name, entry, node_id, doc, loc, via, meta, origins=[((), loc)])


def _did_you_mean(name: str, crds: dict[str, _Crd]) -> str:
    import difflib

    close = difflib.get_close_matches(name, sorted(crds), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _motif_names(ctx: _Ctx, crd: _Crd, index: int, imp: MotifImport) -> set[str]:
    """Return the names a Komposer may use to address one of a CRD's Motif imports."""
    names = {imp.motif}
    edge = _motif_edge(ctx, crd, index)
    if edge is not None:
        node = ctx.nodes[edge.dst]
        if node.name:
            names.add(node.name)
    last = imp.motif.rsplit("/", 1)[-1]
    for sep in ("@", ":"):
        last = last.split(sep, 1)[0]
    names.add(last.removesuffix(".yaml").removesuffix(".yml"))
    return names


def _motif_edge(ctx: _Ctx, crd: _Crd, index: int) -> ImportEdge | None:
    return ctx.motif_edges.get((crd.source, crd.doc, crd.name, index))


def _finish(ctx: _Ctx, crds: dict[str, _Crd], layered: dict[str, blocks.Layered],
            meta: Metadata | None, standalone: tuple[Loc, ...]) -> Merged:
    out: dict[str, str] = {}  # CRD -> the text of its resolved entry
    summaries: dict[str, Summary] = {}
    provenance: list[CrdProvenance] = []
    origins: dict[str, str] = {}
    disabled = []
    expansions: dict[str, str] = {}
    traces = Traces()
    for name in sorted(crds):
        crd = crds[name]
        if crd.reused is not None:
            _copy(ctx, crd, out, summaries, provenance, origins, expansions, traces)
            continue
        _stamp(ctx, crd, meta)
        if not crd.entry.is_enabled:
            disabled.append(name)
            provenance.append(_provenance(ctx, crd, (), enabled=False))
            continue
        motifs = _expand(ctx, crd, expansions, traces)
        out[name] = crd.text if crd.model is None and crd.text else encode_entry(crd.entry)
        summaries[name] = summary(crd.entry)
        provenance.append(_provenance(ctx, crd, motifs))
        origins[name] = crd.origins_text or encode_origins(
            tuple(Origin(path=p, loc=loc) for p, loc in crd.origins))
    katalog = Katalog.model_validate({
        "apiVersion": "orkestra.orkspace.io/v1", "kind": "Katalog",
        "metadata": (meta or Metadata(name="empty")).wire(),
        "spec": {"crds": {}},
        **{b: acc.value for b, acc in layered.items() if acc.value is not None},
    })
    katalog = katalog.model_copy(update={"spec": KatalogSpec.model_construct(crds={})})
    warnings = tuple(ctx.errors.warnings) + tuple(
        _legacy_warning(loc, where) for loc, where in ctx.legacy)
    table = traces.to_bytes() if traces.texts else b""
    resolved = Resolved(katalog=katalog, entries=out, summaries=summaries,
                        provenance=tuple(provenance), origins=origins,
                        disabled=tuple(disabled), standalone=standalone, warnings=warnings,
                        expansions=expansions, traces=sha256(table) if table else "",
                        sources=_source_uses(ctx, crds, expansions))
    return Merged(resolved, table)


def _copy(ctx: _Ctx, crd: _Crd, out: dict[str, str],
          summaries: dict[str, Summary],
          provenance: list[CrdProvenance], origins: dict[str, str], expansions: dict[str, str],
          traces: Traces) -> None:
    """Take a CRD of an unchanged document from the last build, as it was."""
    prev, name = ctx.previous, crd.name
    assert prev is not None
    assert crd.reused is not None
    assert crd.text is not None
    out[name] = crd.text
    summaries[name] = prev.summaries[name]
    provenance.append(crd.reused)
    origins[name] = prev.origins[name]
    expansions[name] = prev.expansions[name]
    text = ctx.previous_traces.texts.get(name)
    if text:
        traces.texts[name] = text


def _source_uses(ctx: _Ctx, crds: dict[str, _Crd],
                 expansions: dict[str, str]) -> dict[str, SourceUse]:
    """Return, by source key, what this build took from each source of Katalog documents
    that the next build may copy: every document merged, and none of its CRDs overridden,
    disabled or expanded with a problem."""
    out = {}
    for node_id, key in ctx.keys.items():
        docs = [ctx.used.get(k) for k, _ in _docs_of(ctx, node_id)]
        if not docs or any(d is None for d in docs):
            continue
        names = [n for d in docs if d is not None for n in d.crds]
        if all(n in crds and crds[n].source == node_id and not crds[n].overrides
               and n in expansions for n in names):
            out[key] = SourceUse(docs=tuple(d for d in docs if d is not None),
                                 legacy=ctx.legacy_at.get(node_id))
    return out


def _expand(ctx: _Ctx, crd: _Crd, expansions: dict[str, str],
            traces: Traces) -> tuple[MotifUse, ...]:
    """Expand a CRD's Motifs into it — or copy the previous build's identical expansion.
    Every CRD gets its key, imports or not: render reuses its part by it."""
    sources = _motif_sources(ctx, crd)
    key = memo.expansion_key(crd.name, crd.entry, sources, crd.origins,
                             lambda node: ctx.nodes[node].docs)
    expansions[crd.name] = key
    if not sources:
        return ()
    prev = ctx.previous
    if prev is not None and prev.expansions.get(crd.name) == key:
        entry, used = prev.entries.get(crd.name), ctx.previous_provenance.get(crd.name)
        text = ctx.previous_traces.texts.get(crd.name)
        if entry is not None and used is not None and crd.name in prev.origins and text:
            crd.model, crd.text = None, entry  # decoded only if read
            crd.origins_text = prev.origins[crd.name]
            traces.texts[crd.name] = text
            return used.motifs
    result = expand.expand_crd(crd.name, crd.entry, sources, crd.origins)
    traces.texts[crd.name] = Traces.encode(result.traces)
    for err in result.errors:
        ctx.errors.add(err)
    if result.errors:
        del expansions[crd.name]  # never reuse an expansion that had problems
    crd.entry = result.entry
    crd.origins.extend(result.origins)
    return result.uses


def _legacy_warning(loc: Loc, where: str) -> Diagnostic:
    return Diagnostic(
        "legacy-shape", f"this file uses the legacy Orkestra shape (first at `{where}`)",
        severity="warning", loc=loc,
        hint="ork reads it and rewrites it to the canonical shape; see `ork template` for "
             "the canonical form of this file")


def _stamp(ctx: _Ctx, crd: _Crd, top: Metadata | None) -> None:
    meta = crd.meta
    version = meta.version or (top.version if top else None)
    description = meta.description or (top.description if top else None)
    updates: dict[str, Any] = {"katalog_name": meta.name,
                               "katalog_namespace": meta.namespace or "default"}
    if version:
        updates["katalog_version"] = version
    if description:
        updates["katalog_description"] = description
    # A CRD that already carries stamps comes from a resolved Katalog (`ork template`
    # output compiled again): keep them, so that a resolved Katalog is a fixed point.
    entry = crd.entry
    updates = {k: v for k, v in updates.items() if getattr(entry, k) is None}
    crd.entry = entry.model_copy(update=updates)
    mloc = Loc(crd.source, crd.doc, ("metadata",))
    crd.origins.extend([
        (("katalogName",), mloc.child("name")),
        (("katalogNamespace",), mloc.child("namespace")),
        (("katalogVersion",), mloc.child("version")),
        (("katalogDescription",), mloc.child("description")),
    ])


def _motif_sources(ctx: _Ctx, crd: _Crd) -> list[expand.MotifSource]:
    out = []
    for i, imp in enumerate(crd.entry.imports or ()):
        edge = _motif_edge(ctx, crd, i)
        if edge is None:
            raise InternalError("internal-error",
                                f"no fetched source for Motif import {imp.motif!r} of {crd.name}")
        docs = [(d, m) for (n, d), m in _docs_of(ctx, edge.dst) if isinstance(m, Motif)]
        d, motif = docs[0]
        node = ctx.nodes[edge.dst]
        overridden = {str(p[3]): loc for p, loc in crd.origins
                      if len(p) == 4 and p[:3] == ("imports", i, "with")}
        out.append(expand.MotifSource(
            index=i, ref=imp.motif, node=edge.dst, doc=d, motif=motif,
            version=node.version or (motif.metadata.version or ""),
            import_loc=crd.loc.child("imports", i), overridden=overridden))
    return out


def _provenance(ctx: _Ctx, crd: _Crd, motifs: tuple[Any, ...], *,
                enabled: bool = True) -> CrdProvenance:
    return CrdProvenance(
        crd=crd.name, source=crd.source, loc=crd.loc, via=crd.via, katalog=crd.meta.name,
        version=crd.meta.version or "", motifs=motifs, overrides=tuple(crd.overrides),
        enabled=enabled)
