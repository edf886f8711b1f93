"""The order CRDs start in: topological by ``dependsOn``, ties broken by name (Kahn)."""

from __future__ import annotations

import heapq
from collections.abc import Mapping, Sequence

from ..errors import GraphError


def start_order(depends_on: Mapping[str, Sequence[str]]) -> tuple[str, ...]:
    """Return CRD names so that every CRD comes after the ones it depends on.

    Dependencies on names that are not in the mapping are ignored (the compiler has
    already refused unknown and disabled ones).

    Raises:
        GraphError: dependency-cycle, naming the CRDs left on the cycle.
    """
    indegree = {name: 0 for name in depends_on}
    users: dict[str, list[str]] = {name: [] for name in depends_on}
    for name, deps in depends_on.items():
        for dep in sorted(set(deps)):
            if dep in indegree and dep != name:
                indegree[name] += 1
                users[dep].append(name)
    ready = [name for name, n in indegree.items() if n == 0]
    heapq.heapify(ready)
    out: list[str] = []
    while ready:
        name = heapq.heappop(ready)
        out.append(name)
        for user in users[name]:
            indegree[user] -= 1
            if indegree[user] == 0:
                heapq.heappush(ready, user)
    if len(out) != len(indegree):
        left = sorted(n for n in indegree if n not in out)
        raise GraphError("dependency-cycle", "CRDs depend on each other in a cycle: "
                         + ", ".join(left), hint="the bundle was not compiled by ork, which "
                                                 "refuses cycles: fix dependsOn and rebuild it")
    return tuple(out)
