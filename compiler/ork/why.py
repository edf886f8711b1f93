"""``ork why CRD[.PATH]``: a value, where it was written, and the imports that put it there.

The chain reads from the entry file down: Komposer → Katalog ref@digest → Motif
ref@digest → the input binding (a ``with:`` in a Katalog, a Komposer override, or the
Motif's default) that produced the value.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from .errors import PathPart, Span, UsageError
from .locate import Locator
from .resolved import Binding, MotifUse, Resolved
from .sources import SourceGraph, SourceNode

Path = tuple[PathPart, ...]
_TOKEN = re.compile(r'\.?([^.\[\]]+)|\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]')


@dataclass
class Link:
    """One step of the chain: a source, how it was imported, and where."""

    role: str
    ref: str
    resolved: str = ""
    at: Span | None = None


@dataclass
class Answer:
    """What ``ork why`` prints."""

    crd: str
    path: Path
    value: Any
    written_at: Span | None
    chain: list[Link] = field(default_factory=list)
    bindings: list[tuple[Binding, Span | None]] = field(default_factory=list)


def parse_query(query: str) -> tuple[str, str]:
    """Split ``CRD[.PATH]`` into the CRD name and the path text."""
    name, sep, rest = query.partition(".")
    if "[" in name:
        name, bracket = name.split("[", 1)
        rest = "[" + bracket + (sep + rest if sep else "")
    return name, rest


def resolve_path(data: Any, text: str) -> Path:
    """Return the concrete path for ``a.b[0].c`` or ``items["name"]`` in ``data``.

    Raises:
        UsageError: when the path does not exist.
    """
    path: list[PathPart] = []
    node = data
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:
            raise UsageError("usage", f"cannot read the path at {text[pos:]!r}",
                             hint='write fields with dots, items as [0] or ["name"]')
        pos = m.end()
        key, index, name = m.groups()
        step: PathPart
        if index is not None:
            step = int(index)
        elif name is not None:
            step = _by_key(node, json.loads(f'"{name}"'), text)
        else:
            step = key
        node = _step(node, step, path, text)
        path.append(step)
    return tuple(path)


def _by_key(node: Any, name: str, text: str) -> int:
    if isinstance(node, list):
        for i, item in enumerate(node):
            if isinstance(item, dict) and name in (item.get("name"), item.get("path")):
                return i
    raise UsageError("usage", f"no item {name!r} at this point of {text!r}")


def _step(node: Any, step: PathPart, path: list[PathPart], text: str) -> Any:
    try:
        return node[step]
    except (KeyError, IndexError, TypeError) as exc:
        where = ".".join(map(str, path)) or "the CRD"
        known = ", ".join(map(str, node)) if isinstance(node, dict) else ""
        raise UsageError("usage", f"{text!r}: {where} has no {step!r}",
                         hint=f"it has: {known}" if known else None) from exc


def answer(resolved: Resolved, graph: SourceGraph, locator: Locator, query: str) -> Answer:
    """Return where a CRD (or a value in it) came from.

    Raises:
        UsageError: an unknown CRD or path.
    """
    crd, text = parse_query(query)
    entry = resolved.katalog.spec.crds.get(crd)
    if entry is None:
        raise UsageError("usage", f"no CRD named {crd!r} in the resolved Katalog",
                         hint="CRDs: " + ", ".join(sorted(resolved.katalog.spec.crds)))
    data = entry.wire()
    path = resolve_path(data, text)
    value: Any = data
    for step in path:
        value = value[step]
    out = Answer(crd, path, value, locator.span(resolved.origin(crd, path)))
    prov = resolved.provenance_of(crd)
    nodes = {n.id: n for n in graph.nodes}
    if prov is None:
        return out
    for node_id in prov.via:
        out.chain.append(_link(nodes[node_id], "entry" if node_id == prov.via[0] else "import"))
    if prov.source not in prov.via:
        out.chain.append(_link(nodes[prov.source], "import"))
    use = _motif_for(prov.motifs, path)
    if use is not None:
        link = _link(nodes[use.source], f"motif #{use.index}")
        link.at = locator.span(resolved.origin(crd, ("imports", use.index)))
        out.chain.append(link)
        names = _inputs_at(use, path)
        out.bindings = [(b, locator.span(b.loc)) for b in use.bindings if b.input in names]
    return out


def _link(node: SourceNode, role: str) -> Link:
    kind = node.kinds[0] if node.kinds else ""
    return Link(f"{role} ({kind})", node.ref or node.display, node.resolved)


def _motif_for(uses: tuple[MotifUse, ...], path: Path) -> MotifUse | None:
    for use in uses:
        if any(path[: len(item)] == item for item in use.items):
            return use
    return None


def _inputs_at(use: MotifUse, path: Path) -> set[str]:
    names: set[str] = set()
    for at, used in use.inputs_at:
        if at[: len(path)] == path or path[: len(at)] == at:
            names.update(used)
    return names


def to_text(a: Answer) -> str:
    """Return the answer as text."""
    where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in a.path)
    value = json.dumps(a.value, ensure_ascii=False) if not isinstance(a.value, dict | list) \
        else "(" + ("mapping" if isinstance(a.value, dict) else "list") + ")"
    lines = [f"{a.crd}{where}", f"  value: {value}",
             f"  written at: {a.written_at or 'unknown'}", "  chain:"]
    for i, link in enumerate(a.chain):
        arrow = "    " if i == 0 else "    → "
        pinned = f"  {link.resolved}" if link.resolved else ""
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
        "formatVersion": 1, "crd": a.crd, "path": list(a.path), "value": a.value,
        "writtenAt": span(a.written_at),
        "chain": [{"role": c.role, "ref": c.ref, "resolved": c.resolved or None,
                   "at": span(c.at)} for c in a.chain],
        "bindings": [{"input": b.input, "value": b.value, "how": b.how, "at": span(s)}
                     for b, s in a.bindings],
    }, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
