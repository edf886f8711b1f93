"""The git merge driver for ``ork.lock``: a three-way merge entry by entry.

Registered with ``git config merge.ork-lock.driver "ork lock merge-driver %O %A %B"`` and
the ``.gitattributes`` line ``ork.lock merge=ork-lock``. Each entry (keyed by ref) merges
on its own:

* its **pin** (kind, name, version, resolved, files): a side that did not change it yields
  to the side that did; both sides changing it differently is a conflict naming the ref;
* its ``requiredBy`` merges as a set (what each side added, minus what either removed),
  and whether the entry exists at all follows from that set: an entry nothing requires
  any more is dropped, and one still required by the other side's new import is kept.

On a conflict the merged file keeps our side's entry for that ref (it still parses, so
``ork lock --update REF`` can settle it) and the driver exits 1, so git marks the file
conflicted instead of committing a guess.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .lockfile import Lock, LockEntry

Pin = tuple[object, ...]


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


def _pin(e: LockEntry | None) -> Pin | None:
    if e is None:
        return None
    return (e.kind, e.name, e.version, e.resolved, tuple(sorted(e.files.items())))


def _one(base: LockEntry | None, ours: LockEntry | None,
         theirs: LockEntry | None) -> tuple[LockEntry | None, bool]:
    required = _merge_set(_required(base), _required(ours), _required(theirs))
    if not required:
        return None, False  # nothing requires it on either side any more
    pb, po, pt = _pin(base), _pin(ours), _pin(theirs)
    if po == pt or pt == pb:
        pick = ours or theirs  # ours, unless we dropped it and they still need it
    elif po == pb:
        pick = theirs or ours
    else:
        return ours, True  # keep ours in the file; git marks it conflicted
    assert pick is not None  # a required entry exists on at least one side
    return pick.model_copy(update={"required_by": tuple(sorted(required))}), False


def _required(e: LockEntry | None) -> set[str]:
    return set(e.required_by) if e is not None else set()


def _merge_set(base: set[str], ours: set[str], theirs: set[str]) -> set[str]:
    return (ours | theirs) - ((base - ours) | (base - theirs))
