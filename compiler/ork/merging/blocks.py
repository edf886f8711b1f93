"""Layering of the top-level pass-through blocks (``security``, ``profiles``, …).

Imports accumulate in import order: mappings deep-merge, and a key that two imports set
to different values is ``conflicting-block`` (both locations named). The importing
Komposer's own block is layered last and wins; lists replace. A conflict the Komposer
settles (it sets that key, or a key above it, itself) is no error: that is the fix the
diagnostic's hint gives.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..errors import GraphError, Loc, Note, OrkError, PathPart

Path = tuple[PathPart, ...]


@dataclass
class Layered:
    """One block being built: its value, where each leaf came from, and conflicts."""

    value: Any = None
    origins: dict[Path, Loc] = field(default_factory=dict)
    conflicts: list[tuple[Path, OrkError]] = field(default_factory=list)

    @property
    def errors(self) -> list[OrkError]:
        """The conflicts between imports that no Komposer's own block settled."""
        return [err for _, err in self.conflicts]


def accumulate(acc: Layered, value: Any, loc: Loc, path: Path = ()) -> None:
    """Add an import's block to ``acc``; conflicting leaves are errors."""
    current = _get(acc.value, path)
    if isinstance(current, dict) and isinstance(value, dict):
        for key in sorted(value):
            accumulate(acc, value[key], loc.child(key), (*path, key))
        return
    if current is None and path not in acc.origins:
        acc.value = _set(acc.value, path, value)
        acc.origins[path] = loc
        return
    if current == value:
        return
    first = _nearest(acc.origins, path)
    where = ".".join(str(p) for p in path)
    acc.conflicts.append((path, GraphError(
        "conflicting-block", f"`{where}` is set to different values by two imports",
        loc=loc, notes=[Note("also set here", loc=first)] if first else [],
        hint="set it once in the Komposer's own block, which wins over its imports")))


def layer(acc: Layered, value: Any, loc: Loc, path: Path = ()) -> None:
    """Layer the Komposer's own block over ``acc``: its values win; lists replace."""
    current = _get(acc.value, path)
    if isinstance(current, dict) and isinstance(value, dict):
        for key in sorted(value):
            layer(acc, value[key], loc.child(key), (*path, key))
        return
    acc.value = _set(acc.value, path, value)
    acc.origins[path] = loc
    acc.conflicts = [(p, err) for p, err in acc.conflicts if p[:len(path)] != path]


def _get(value: Any, path: Path) -> Any:
    for part in path:
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def _set(value: Any, path: Path, leaf: Any) -> Any:
    if not path:
        return leaf
    out = dict(value) if isinstance(value, dict) else {}
    out[path[0]] = _set(out.get(path[0]), path[1:], leaf)
    return out


def origin(acc: Layered, path: Path) -> Loc | None:
    """Return where the value at ``path`` of a layered block was set."""
    return _nearest(acc.origins, path)


def _nearest(origins: dict[Path, Loc], path: Path) -> Loc | None:
    """Where the value at ``path`` was set: the nearest recorded ancestor (the whole block
    when one import brought it), extended by the rest of the path to the value itself."""
    for i in range(len(path), -1, -1):
        if path[:i] in origins:
            return origins[path[:i]].child(*path[i:])
    return None
