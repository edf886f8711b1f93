"""``ork why CRD[.PATH]``: a value, where it was written, and the imports that put it there.

The chain reads from the entry file down: Komposer → Katalog ref@digest → Motif
ref@digest → the input binding (a ``with:`` in a Katalog, a Komposer override, or the
Motif's default) that produced the value. Paths are written as ``ork plan`` prints them
(``deployments["{{ .metadata.name }}"].image``); ``[0]`` indexes work too.
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass, field
from typing import Any

from .errors import Loc, PathPart, Span, UsageError
from .locate import Locator
from .resolved import Binding, CrdProvenance, MotifTrace, MotifUse, Resolved, Traces
from .sources import SourceGraph, SourceNode

Path = tuple[PathPart, ...]
_TOKEN = re.compile(r'\.?([^.\[\]"]+)|\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]')
SET_BY = {"katalog": "the Katalog that defines the CRD", "override": "the Komposer's override",
          "inline": "the Komposer, which defines the CRD inline",
          "motif": "a Motif expanded into the CRD", "stamp": "ork, from the Katalog's metadata"}
STAMPS = ("katalogName", "katalogNamespace", "katalogVersion", "katalogDescription")


@dataclass
class Link:
    """One step of the chain: a source, how it was imported, and where."""

    role: str
    ref: str
    resolved: str = ""
    digest: str = ""
    at: Span | None = None


@dataclass
class Answer:
    """What ``ork why`` prints."""

    crd: str
    path: Path
    shown: str  # the path as plan prints it
    value: Any
    written_at: Span | None
    set_by: str = "katalog"
    chain: list[Link] = field(default_factory=list)
    bindings: list[tuple[Binding, Span | None]] = field(default_factory=list)


def parse_query(query: str) -> tuple[str, str]:
    """Split ``CRD[.PATH]`` into the CRD name and the path text."""
    cut = min((i for i in (query.find("."), query.find("[")) if i >= 0), default=len(query))
    return query[:cut], query[cut:]


def resolve_path(data: Any, text: str) -> Path:
    """Return the concrete path for ``a.b[0].c`` or ``items["name"]`` in ``data``.

    Raises:
        UsageError: when the path cannot be read or does not exist.
    """
    path: list[PathPart] = []
    node = data
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None or (pos > 0 and m.group(1) is not None and text[pos] != "."):
            raise UsageError("usage", f"cannot read the path at {text[pos:]!r}",
                             hint='write fields with dots, items as [0] or ["name"]')
        pos = m.end()
        key, index, name = m.groups()
        step: PathPart
        if index is not None:
            step = int(index)
        elif name is not None:
            step = _by_key(node, json.loads(f'"{name}"'), path)
        else:
            step = key
        node = _step(node, step, path)
        path.append(step)
    return tuple(path)


def _by_key(node: Any, name: str, path: list[PathPart]) -> PathPart:
    """Return the step for ``["name"]``: a mapping key, or the item with that name/path."""
    if isinstance(node, dict):
        return name
    if isinstance(node, list):
        keys = [i.get("name", i.get("path")) for i in node if isinstance(i, dict)]
        for i, item in enumerate(node):
            if isinstance(item, dict) and name in (item.get("name"), item.get("path")):
                return i
        raise UsageError("usage", f"{_where(path)} has no item {name!r}",
                         hint=_did_you_mean(name, [k for k in keys if isinstance(k, str)]))
    raise UsageError("usage", f"{_where(path)} is a value, not a list or mapping",
                     hint="ask about it or one of its parents, not a path below it")


def _step(node: Any, step: PathPart, path: list[PathPart]) -> Any:
    try:
        return node[step]
    except (KeyError, IndexError, TypeError) as exc:
        if isinstance(node, dict):
            what, hint = f"field {step!r}", _did_you_mean(str(step), [str(k) for k in node])
        elif isinstance(node, list):
            what = f"item [{step}]" if isinstance(step, int) else f"field {step!r}"
            hint = f"it has {len(node)} items: [0] to [{len(node) - 1}]" if node else "it is empty"
        else:
            what, hint = f"field {step!r}", f"it is a value: {json.dumps(node, ensure_ascii=False)}"
        raise UsageError("usage", f"{_where(path)} has no {what}", hint=hint) from exc


def _where(path: list[PathPart]) -> str:
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path)[1:] or "the CRD"


def _did_you_mean(name: str, known: list[str]) -> str | None:
    if not known:
        return None
    close = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.5)
    listing = ", ".join(sorted(known))
    return (f"did you mean {close[0]!r}? " if close else "") + f"it has: {listing}"


def shown_path(data: Any, path: Path) -> str:
    """Return a path as ``ork plan`` prints it: list items by their name or path."""
    from .treediff import KEYS

    out = ""
    node = data
    for step in path:
        if isinstance(step, int):
            item = node[step]
            key = next((item[k] for k in KEYS if isinstance(item, dict)
                        and isinstance(item.get(k), str)
                        and sum(1 for i in node if isinstance(i, dict) and i.get(k) == item[k])
                        == 1), None)
            out += f"[{json.dumps(key, ensure_ascii=False)}]" if key is not None else f"[{step}]"
        elif step.replace("-", "").replace("_", "").replace("/", "").isalnum():
            out += f".{step}"
        else:
            out += f"[{json.dumps(step, ensure_ascii=False)}]"
        node = node[step]
    return out


def answer(resolved: Resolved, graph: SourceGraph, locator: Locator, query: str,
           traces: Traces) -> Answer:
    """Return where a CRD (or a value in it) came from (``traces``: the resolved Katalog's
    Motif traces, which say which Motif placed a value and which inputs it used).

    Raises:
        UsageError: an unknown CRD or path.
    """
    crd, text = parse_query(query)
    entry = resolved.entry(crd)
    if entry is None:
        names = sorted(resolved.entries)
        hint = _did_you_mean(crd, names) or "the Katalog has no CRDs"
        if crd in resolved.disabled:
            hint = f"{crd!r} is disabled (`enabled: false`), so the bundle does not carry it"
        raise UsageError("usage", f"no CRD named {crd!r} in the resolved Katalog", hint=hint)
    data = entry.wire()
    path = resolve_path(data, text)
    value: Any = data
    for step in path:
        value = value[step]
    loc = resolved.origin(crd, path)
    # A mapping or list is "written at" its key (``webapp:``), a scalar at its value.
    where = loc.at_key() if loc is not None and isinstance(value, dict | list) else loc
    out = Answer(crd, path, shown_path(data, path), value, locator.span(where))
    prov = resolved.provenance_of(crd)
    if prov is None:
        return out
    out.chain = _chain(prov, graph)
    trace = _motif_for(traces.of(crd), path)
    use = next((m for m in prov.motifs if trace and m.index == trace.index), None)
    out.set_by = _set_by(prov, path, loc, use)
    if out.set_by == "katalog" and "Komposer" in graph.node(prov.source).kinds:
        out.set_by = "inline"
    if use is not None and trace is not None and out.set_by == "motif":
        link = _link(graph.node(use.source), "Motif")
        link.at = _edge_span(graph, prov.source, use.source, crd=crd, index=use.index)
        out.chain.append(link)
        used = _inputs_at(trace, path)
        out.bindings = [(b, locator.span(b.loc)) for b in trace.bindings if b.input in used]
    return out


def _chain(prov: CrdProvenance, graph: SourceGraph) -> list[Link]:
    via = list(prov.via) if prov.source in prov.via else [*prov.via, prov.source]
    out = []
    for i, node_id in enumerate(via):
        node = graph.node(node_id)
        kind = node.kinds[0] if node.kinds else ""
        link = _link(node, f"{kind}, entry" if i == 0 else kind)
        if i > 0:
            link.at = _edge_span(graph, via[i - 1], node_id)
        out.append(link)
    return out


def _set_by(prov: CrdProvenance, path: Path, loc: Loc | None, use: MotifUse | None) -> str:
    if path[:1] and path[0] in STAMPS:
        return "stamp"
    if loc is not None and any(loc.source == o.source and loc.path[: len(o.path)] == o.path
                               for o in prov.overrides):
        return "override"
    return "motif" if use is not None else "katalog"


def _edge_span(graph: SourceGraph, src: str, dst: str, *, crd: str | None = None,
               index: int | None = None) -> Span | None:
    for e in graph.imports_of(src):
        if e.dst == dst and (crd is None or e.crd == crd) and (index is None or e.index == index):
            return e.span
    return None


def _link(node: SourceNode, role: str) -> Link:
    return Link(role, node.ref or node.display, node.resolved, node.digest)


def _motif_for(traces: tuple[MotifTrace, ...], path: Path) -> MotifTrace | None:
    for trace in traces:
        if any(path[: len(item)] == item for item in trace.items):
            return trace
    return None


def _inputs_at(trace: MotifTrace, path: Path) -> set[str]:
    names: set[str] = set()
    for at, used in trace.inputs_at:
        if at[: len(path)] == path or path[: len(at)] == at:
            names.update(used)
    return names


def to_text(a: Answer) -> str:
    """Return the answer as text."""
    value = json.dumps(a.value, ensure_ascii=False) if not isinstance(a.value, dict | list) \
        else "(" + ("mapping" if isinstance(a.value, dict) else "list") + ")"
    lines = [f"{a.crd}{a.shown}", f"  value: {value}",
             f"  written at: {a.written_at or 'unknown'}", f"  set by: {SET_BY[a.set_by]}",
             "  chain:"]
    for i, link in enumerate(a.chain):
        arrow = "    " if i == 0 else "    → "
        pinned = f"  {link.resolved}" if link.resolved else f"  {link.digest}"
        at = f"  imported at {link.at}" if link.at else ""
        lines.append(f"{arrow}{link.ref}  [{link.role}]{pinned}{at}")
    for b, span in a.bindings:
        how = {"with": "bound by `with`", "override": "overridden by the Komposer",
               "default": "the Motif's default"}.get(b.how, b.how)
        lines.append(f"    → input {b.input} = {json.dumps(b.value, ensure_ascii=False)}  "
                     f"({how} at {span or 'unknown'})")
    return "\n".join(lines) + "\n"


def to_json(a: Answer) -> str:
    """Return the answer as JSON."""
    def span(s: Span | None) -> dict[str, Any] | None:
        return {"path": s.path, "line": s.line, "column": s.column} if s else None

    return json.dumps({
        "formatVersion": 1, "crd": a.crd, "path": list(a.path), "shown": a.crd + a.shown,
        "value": a.value, "writtenAt": span(a.written_at), "setBy": a.set_by,
        "chain": [{"role": c.role, "ref": c.ref, "resolved": c.resolved or None,
                   "digest": c.digest or None, "at": span(c.at)} for c in a.chain],
        "bindings": [{"input": b.input, "value": b.value, "how": b.how, "at": span(s)}
                     for b, s in a.bindings],
    }, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
