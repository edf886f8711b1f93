"""Rewrite the legacy CRD shape of older Orkestra files into the canonical shape.

Works on plain data before the models see it. Every move is recorded as a remap
(canonical path prefix -> original path prefix) so errors found later still point at
the place the user wrote the value.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from ..errors import InputError, Loc, PathPart

Path = tuple[PathPart, ...]

# (legacy location, canonical location), relative to the CRD entry, applied in order.
_MOVES: tuple[tuple[Path, Path], ...] = (
    (("validation",), ("admission", "validation")),
    (("mutation",), ("admission", "mutation")),
    (("operatorBox", "status"), ("operatorBox", "emit", "status")),
    (("operatorBox", "onCreate"), ("operatorBox", "reconcile", "onCreate")),
    (("operatorBox", "onReconcile"), ("operatorBox", "reconcile", "onReconcile")),
    (("operatorBox", "onDelete"), ("operatorBox", "reconcile", "onDelete")),
)


@dataclass
class Normalised:
    """The canonical data, how paths moved, and where legacy keys were found."""

    value: Any
    remaps: list[tuple[Path, Path]] = field(default_factory=list)
    legacy_paths: list[Path] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)

    def original(self, path: Path) -> Path:
        """Return the path a canonical path had in the source."""
        best: tuple[Path, Path] | None = None
        for new, old in self.remaps:
            if path[: len(new)] == new and (best is None or len(new) > len(best[0])):
                best = (new, old)
        if best is None:
            return path
        return best[1] + path[len(best[0]):]


def normalise_crds(doc: Any, crds_path: Path, loc: Loc) -> Normalised:
    """Return the document with every CRD entry under ``crds_path`` in canonical shape."""
    out = Normalised(doc)
    crds = _get(doc, crds_path)
    if not isinstance(crds, dict):
        return out
    if not any(_has_legacy(e) for e in crds.values() if isinstance(e, dict)):
        return out  # the common case: no copy at all
    out.value = doc = copy.deepcopy(doc)
    crds = _get(doc, crds_path)
    for name, entry in crds.items():
        if isinstance(entry, dict):
            _normalise_entry(entry, (*crds_path, name), loc, out)
    depth = len(crds_path) + 1
    out.legacy_paths = sorted({_legacy_key(p, depth) for p in out.legacy_paths},
                              key=lambda p: (p[:depth], _LEGACY_ORDER.index(p[depth:])))
    return out


# The order legacy constructs are reported in ("first at …"): the table of wire-format.md.
# Source key order is cosmetic (and not kept past fetch), so it cannot decide "first".
_LEGACY_ORDER: tuple[Path, ...] = (
    ("validation",), ("mutation",), ("operatorBox", "reconciler"), ("operatorBox", "onCreate"),
    ("operatorBox", "onReconcile"), ("operatorBox", "onDelete"), ("operatorBox", "status"),
    ("operatorBox", "reconcile", "imports"),
)


def _legacy_key(path: Path, depth: int) -> Path:
    """Return the legacy construct a moved path belongs to (``operatorBox.reconciler``)."""
    rel = path[depth:]
    for key in _LEGACY_ORDER:
        if rel[: len(key)] == key:
            return (*path[:depth], *key)
    return path


def _has_legacy(entry: dict[str, Any]) -> bool:
    if "validation" in entry or "mutation" in entry:
        return True
    box = entry.get("operatorBox")
    if not isinstance(box, dict):
        return False
    if any(k in box for k in ("reconciler", "status", "onCreate", "onReconcile", "onDelete")):
        return True
    rec = box.get("reconcile")
    return isinstance(rec, dict) and "imports" in rec


def _normalise_entry(entry: dict[str, Any], base: Path, loc: Loc, out: Normalised) -> None:
    box = entry.get("operatorBox")
    if isinstance(box, dict) and isinstance(box.get("reconciler"), dict):
        legacy = box.pop("reconciler")
        for key, value in legacy.items():
            _move(entry, ("operatorBox", "reconciler", key), ("operatorBox", "reconcile", key),
                  value, base, loc, out)
    for old, new in _MOVES:
        value = _pop(entry, old)
        if value is not _MISSING:
            _move(entry, old, new, value, base, loc, out)
    rec = _get(entry, ("operatorBox", "reconcile"))
    if isinstance(rec, dict) and "imports" in rec:
        value = rec.pop("imports")
        old = out.original((*base, "operatorBox", "reconcile", "imports"))[len(base):]
        _move(entry, old, ("imports",), value, base, loc, out)


def _move(entry: dict[str, Any], old: Path, new: Path, value: Any, base: Path, loc: Loc,
          out: Normalised) -> None:
    parent: dict[Any, Any] = entry
    for part in new[:-1]:
        nxt = parent.get(part)
        if not isinstance(nxt, dict):
            nxt = parent[part] = {}
        parent = nxt
    leaf = new[-1]
    original_old = out.original((*base, *old))
    if leaf in parent:
        canonical = ".".join(str(p) for p in new)
        legacy = ".".join(str(p) for p in original_old[len(base):])
        out.errors.append(InputError(
            "mixed-shape",
            f"`{legacy}` (legacy shape) and `{canonical}` (canonical shape) are both set",
            loc=Loc(loc.source, loc.doc, original_old, key=True),
            hint=f"keep only `{canonical}`",
        ))
        return
    parent[leaf] = value
    out.remaps.append(((*base, *new), original_old))
    out.legacy_paths.append(original_old)


_MISSING = object()


def _get(value: Any, path: Path) -> Any:
    for part in path:
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def _pop(entry: dict[str, Any], path: Path) -> Any:
    parent: Any = _get(entry, path[:-1]) if len(path) > 1 else entry
    if isinstance(parent, dict) and path[-1] in parent:
        return parent.pop(path[-1])
    return _MISSING
