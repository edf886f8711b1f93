"""``ork graph``: the import graph or the CRD ``dependsOn`` graph as DOT or Mermaid.

The graph is held in networkx; node order comes from ``lexicographical_topological_sort``
so the text is stable.
"""

from __future__ import annotations

from typing import Any

from .resolved import Resolved
from .sources import SourceGraph


def import_graph(graph: SourceGraph, fmt: str) -> str:
    """Return the import graph: sources as nodes, imports as labelled edges."""
    import networkx as nx

    g = nx.DiGraph()
    labels = {n.id: n.ref or n.display for n in graph.nodes}
    for n in graph.nodes:
        g.add_node(n.id)
    for e in graph.edges:
        label = e.role if e.crd is None else f"{e.role} ({e.crd})"
        g.add_edge(e.src, e.dst, label=label)
    return _emit(g, labels, fmt)


def crd_graph(resolved: Resolved, fmt: str) -> str:
    """Return the CRD dependency graph: an edge from each CRD to what it depends on."""
    import networkx as nx

    g = nx.DiGraph()
    crds = resolved.crds
    for name in crds:
        g.add_node(name)
    for name, crd in crds.items():
        for dep in crd.dependency_names():
            g.add_edge(name, dep, label="dependsOn")
    return _emit(g, {n: n for n in crds}, fmt)


def _emit(g: Any, labels: dict[str, str], fmt: str) -> str:
    import networkx as nx

    try:
        order = list(nx.lexicographical_topological_sort(g))
    except nx.NetworkXUnfeasible:
        order = sorted(g.nodes)
    ids = {n: f"n{i}" for i, n in enumerate(order)}
    edges = sorted(g.edges(data=True), key=lambda e: (order.index(e[0]), order.index(e[1])))
    if fmt == "mermaid":
        lines = ["graph TD"]
        lines += [f'  {ids[n]}["{_mermaid(labels[n])}"]' for n in order]
        lines += [f'  {ids[u]} -->|"{_mermaid(d["label"])}"| {ids[v]}' for u, v, d in edges]
    else:
        lines = ["digraph ork {", "  rankdir=LR;", "  node [shape=box];"]
        lines += [f'  {ids[n]} [label="{_esc(labels[n])}"];' for n in order]
        lines += [f'  {ids[u]} -> {ids[v]} [label="{_esc(d["label"])}"];' for u, v, d in edges]
        lines.append("}")
    return "\n".join(lines) + "\n"


def _esc(text: str) -> str:
    """A DOT quoted string: backslashes and quotes escaped."""
    return text.replace("\\", "\\\\").replace('"', '\\"')


# Mermaid has no backslash escapes: a quoted label writes `"` and the characters its
# markup reads as entity codes (`#` first, since every code starts with it).
_MERMAID = {"#": "#35;", '"': "#quot;", "<": "#lt;", ">": "#gt;", "\n": "#10;"}


def _mermaid(text: str) -> str:
    """A Mermaid quoted label (``n1["…"]``, ``-->|"…"|``)."""
    return "".join(_MERMAID.get(char, char) for char in text)
