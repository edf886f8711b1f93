"""The git merge driver for ``ork.lock``: a three-way merge entry by entry.

Registered with ``git config merge.ork-lock.driver "ork lock merge-driver %O %A %B"`` and
the ``.gitattributes`` line ``ork.lock merge=ork-lock``. Each entry (keyed by ref) merges
on its own: a side that did not touch it yields to the side that did; ``requiredBy`` lists
merge as sets; the same ref pinned differently on both sides is a conflict that names the
ref, instead of a textual conflict inside YAML.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .lockfile import Lock, LockEntry


@dataclass
class Merged:
    """The merged lock and the refs both sides changed differently."""

    lock: Lock
    conflicts: list[str] = field(default_factory=list)


def merge(base: Lock, ours: Lock, theirs: Lock) -> Merged:
    """Return the three-way merge of two locks that share ``base``."""
    b = {e.ref: e for e in base.sources}
    o = {e.ref: e for e in ours.sources}
    t = {e.ref: e for e in theirs.sources}
    out: list[LockEntry] = []
    conflicts: list[str] = []
    for ref in sorted(b.keys() | o.keys() | t.keys()):
        entry, conflict = _one(b.get(ref), o.get(ref), t.get(ref))
        if conflict:
            conflicts.append(ref)
        if entry is not None:
            out.append(entry)
    return Merged(Lock(sources=tuple(out)), conflicts)


def _pin(e: LockEntry | None) -> tuple[object, ...] | None:
    if e is None:
        return None
    return (e.kind, e.name, e.version, e.resolved, tuple(sorted(e.files.items())))


def _one(base: LockEntry | None, ours: LockEntry | None,
         theirs: LockEntry | None) -> tuple[LockEntry | None, bool]:
    pb, po, pt = _pin(base), _pin(ours), _pin(theirs)
    if po == pt:
        pick = ours or theirs
    elif po == pb:
        pick = theirs
    elif pt == pb:
        pick = ours
    else:
        return ours, True  # keep ours in the file; git marks it conflicted
    if pick is None:
        return None, False
    required = _merge_set(set(base.required_by) if base else set(),
                          set(ours.required_by) if ours else set(),
                          set(theirs.required_by) if theirs else set())
    return pick.model_copy(update={"required_by": tuple(sorted(required))}), False


def _merge_set(base: set[str], ours: set[str], theirs: set[str]) -> set[str]:
    return (ours | theirs) - ((base - ours) | (base - theirs))
