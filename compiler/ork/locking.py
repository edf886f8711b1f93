"""The lock modes of bundle-and-lock.md: which pins a build uses, and ``--locked`` checks.

=====================  ==========================================================
mode                   behaviour
=====================  ==========================================================
``default``            pins from ork.lock; refs it lacks are resolved and added
``locked``             the lock must match the sources exactly; nothing resolves
``fresh``              ``ork lock``: every ref resolved again
``update``             ``ork lock --update REF…``: only the named refs move
=====================  ==========================================================
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from .errors import LockError, Note, UsageError
from .lockfile import Lock, LockEntry

Mode = Literal["default", "locked", "fresh", "update"]


def pins_for(mode: Mode, lock: Lock | None, update: Sequence[str] = ()) -> dict[str, str]:
    """Return the pins (ref as written → resolved ref) a build in ``mode`` uses.

    Raises:
        LockError: lock-missing under ``locked``.
        UsageError: an ``--update`` name that matches no entry.
    """
    if mode == "locked" and lock is None:
        raise LockError("lock-missing", "--locked needs ork.lock, and there is none",
                        hint="run `ork lock` and commit ork.lock")
    if mode == "fresh" or lock is None:
        return {}
    moving: set[str] = set()
    for name in update:
        hits = [e for e in lock.sources if _matches(e, name)]
        if not hits:
            known = ", ".join(sorted({e.name for e in lock.sources})) or "none"
            raise UsageError("usage", f"--update {name}: no lock entry has that ref or name",
                             hint=f"locked sources: {known}")
        moving.update(e.ref for e in hits)
    return {e.ref: e.resolved for e in lock.sources if e.ref not in moving}


def _matches(entry: LockEntry, name: str) -> bool:
    return name in (entry.ref, entry.name)


def check_locked(existing: Lock, current: Lock, path: str) -> None:
    """Raise unless the lock on disk is exactly what the sources need.

    Raises:
        LockError: lock-stale, listing every missing, extra and stale entry.
    """
    have = {e.ref: e for e in existing.sources}
    need = {e.ref: e for e in current.sources}
    notes = [Note(f"missing: {ref} (required by {', '.join(need[ref].required_by)})")
             for ref in sorted(need.keys() - have.keys())]
    notes += [Note(f"extra: {ref} (no source imports it any more)")
              for ref in sorted(have.keys() - need.keys())]
    for ref in sorted(have.keys() & need.keys()):
        if have[ref] != need[ref]:
            notes.append(Note(f"stale: {ref} ({_what_differs(have[ref], need[ref])})"))
    if notes:
        raise LockError(
            "lock-stale", f"{path} does not match the sources ({len(notes)} "
            f"{'entry' if len(notes) == 1 else 'entries'})", notes=notes,
            hint="run `ork lock` (or `ork generate bundle` without --locked), review "
                 "`ork lock diff`, and commit ork.lock")


def _what_differs(a: LockEntry, b: LockEntry) -> str:
    fields = [f for f in ("kind", "name", "version", "resolved", "files", "required_by")
              if getattr(a, f) != getattr(b, f)]
    return "differs in " + ", ".join(f.replace("required_by", "requiredBy") for f in fields)
