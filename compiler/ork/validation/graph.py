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
    for name, crd in resolved.katalog.spec.crds.items():
        t = crd.api_types
        gvk = (t.group or "", t.version or "", t.kind)
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
    crds = resolved.katalog.spec.crds
    disabled = set(resolved.disabled)
    errors: list[OrkError] = []
    for name, crd in crds.items():
        for i, dep in enumerate(crd.dependency_names()):
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
    if not errors:
        errors.extend(_cycles(resolved, locate))
    return errors


def _cycles(resolved: Resolved, locate: Locate) -> list[OrkError]:
    crds = resolved.katalog.spec.crds
    # graphlib (standard library, cheap to import) says whether there is a cycle at all;
    # networkx finds it and gives it in order, which only a failing build needs.
    sorter = TopologicalSorter({n: [d for d in crds[n].dependency_names() if d != n]
                                for n in crds})
    try:
        sorter.prepare()
    except CycleError:
        pass
    else:
        return []
    import networkx as nx

    g = nx.DiGraph()
    g.add_nodes_from(sorted(crds))
    for name in sorted(crds):
        for dep in crds[name].dependency_names():
            if dep != name:
                g.add_edge(name, dep)
    for start in sorted(g.nodes):
        try:
            cycle = nx.find_cycle(g, source=start)
        except nx.NetworkXNoCycle:
            continue
        order = [u for u, _ in cycle] + [cycle[0][0]]
        notes = [Note(f"{u} depends on {v}",
                      loc=locate(u, ("dependsOn", crds[u].dependency_names().index(v))))
                 for u, v in cycle]
        return [GraphError("dependency-cycle", "dependsOn cycle: " + " -> ".join(order),
                           loc=notes[0].loc, notes=notes,
                           hint="CRDs start in dependsOn order, so the graph must be acyclic")]
    return []
