"""Checks across CRDs: duplicate GVKs and the ``dependsOn`` graph."""

from __future__ import annotations

from collections.abc import Callable
from graphlib import CycleError, TopologicalSorter

from ..errors import GraphError, Loc, Note, OrkError, PathPart
from ..resolved import Resolved

Locate = Callable[[str, tuple[PathPart, ...]], Loc | None]


def check(resolved: Resolved, locate: Locate) -> list[OrkError]:
    """Return duplicate-gvk and dependsOn problems of a resolved Katalog."""
    return _gvks(resolved, locate) + _dependencies(resolved, locate)


def _gvks(resolved: Resolved, locate: Locate) -> list[OrkError]:
    seen: dict[tuple[str, str, str], str] = {}
    errors: list[OrkError] = []
    for name, (group, version, kind, _) in resolved.summaries.items():
        gvk = (group, version, kind)
        if gvk in seen:
            other = seen[gvk]
            shown = "/".join(p for p in gvk if p)
            errors.append(GraphError(
                "duplicate-gvk", f"CRDs {other!r} and {name!r} both serve {shown}",
                loc=locate(name, ("apiTypes",)),
                notes=[Note(f"{other!r} is defined here", loc=locate(other, ("apiTypes",)))],
                hint="give one of them another group, version or kind, or disable one"))
        else:
            seen[gvk] = name
    return errors


def _dependencies(resolved: Resolved, locate: Locate) -> list[OrkError]:
    crds = resolved.summaries
    disabled = set(resolved.disabled)
    errors: list[OrkError] = []
    for name, (*_, deps) in crds.items():
        for i, dep in enumerate(deps):
            if dep != name and dep not in disabled and dep in crds:
                continue  # fine: its location (which decodes origins) is not needed
            loc = locate(name, ("dependsOn", i))
            if dep == name:
                errors.append(GraphError("dependency-self", f"CRD {name!r} depends on itself",
                                         loc=loc, hint="remove it from its own dependsOn"))
            elif dep in disabled:
                errors.append(GraphError(
                    "dependency-disabled", f"CRD {name!r} depends on {dep!r}, which is disabled",
                    loc=loc, hint=f"enable {dep!r} or remove the dependency"))
            elif dep not in crds:
                import difflib

                close = difflib.get_close_matches(dep, sorted(crds), n=1)
                errors.append(GraphError(
                    "unknown-dependency", f"CRD {name!r} depends on unknown CRD {dep!r}",
                    loc=loc, hint=f"did you mean {close[0]!r}?" if close else
                    "dependsOn names CRDs of the same bundle"))
    # A cycle among the other CRDs is reported too: fixing one dependsOn must not reveal
    # another error (SPEC §6).
    errors.extend(_cycles(resolved, locate))
    return errors


MAX_CYCLES = 20  # cycles listed; a dense graph has exponentially many


def _cycles(resolved: Resolved, locate: Locate) -> list[OrkError]:
    """One dependency-cycle per cycle of the dependsOn graph (up to MAX_CYCLES), each
    starting at its first CRD by name, shortest first."""
    crds = {name: summary[3] for name, summary in resolved.summaries.items()}
    edges = {n: [d for d in crds[n] if d != n and d in crds] for n in crds}
    # graphlib (standard library, cheap to import) says whether there is a cycle at all;
    # networkx finds them and gives them in order, which only a failing build needs.
    try:
        TopologicalSorter(edges).prepare()
    except CycleError:
        pass
    else:
        return []
    import itertools

    import networkx as nx

    g = nx.DiGraph()
    g.add_nodes_from(sorted(crds))
    for name in sorted(crds):
        for dep in edges[name]:
            g.add_edge(name, dep)
    found = list(itertools.islice(nx.simple_cycles(g), MAX_CYCLES + 1))
    cycles = sorted((_rotated(c) for c in found[:MAX_CYCLES]), key=lambda c: (len(c), c))
    errors: list[OrkError] = []
    for cycle in cycles:
        pairs = list(zip(cycle, cycle[1:] + cycle[:1], strict=True))
        notes = [Note(f"{u} depends on {v}",
                      loc=locate(u, ("dependsOn", crds[u].index(v))))
                 for u, v in pairs]
        errors.append(GraphError(
            "dependency-cycle", "dependsOn cycle: " + " -> ".join([*cycle, cycle[0]]),
            loc=notes[0].loc, notes=notes,
            hint="CRDs start in dependsOn order, so the graph must be acyclic"))
    if len(found) > MAX_CYCLES:  # said on the shortest cycle
        diag = errors[0].diagnostics[0]
        errors[0] = GraphError(diag.code, diag.message, loc=diag.loc, hint=diag.hint,
                                notes=[*diag.notes, Note(f"more cycles than the {MAX_CYCLES} "
                                                         "listed: break these first")])
    return errors


def _rotated(cycle: list[str]) -> list[str]:
    """The cycle starting at its first CRD by name (the same cycle whatever node a
    search started from)."""
    i = cycle.index(min(cycle))
    return cycle[i:] + cycle[:i]
