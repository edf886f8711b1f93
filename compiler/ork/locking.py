"""The lock modes of bundle-and-lock.md: which pins a build uses, and ``--locked`` checks.

=====================  ==========================================================
mode                   behaviour
=====================  ==========================================================
``default``            pins from ork.lock; refs it lacks are resolved and added
``locked``             the lock must match the sources exactly; nothing resolves
``fresh``              ``ork lock``: every ref resolved again
``update``             ``ork lock --update REF…``: only the named refs move
=====================  ==========================================================

Under ``--locked`` a ref the lock does not pin cannot be fetched (that would mean asking
a registry what its tag points at). Rather than stop at the first such ref, the check's
fetch puts a *placeholder* in its place (:class:`PlaceholderSources`): an empty source of
the expected kind, with no imports. The graph then still shows every other import, so one
run lists every missing, extra and stale entry. What a missing source would itself import
cannot be known until it is locked, and the error says so. A graph with a placeholder never
passes the check, so it is never merged or rendered (api.build also refuses one outright).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Literal

from .errors import Diagnostic, LockError, Note, Span, UsageError
from .lockfile import Lock, LockEntry, from_graph
from .refs import strip_userinfo
from .sources import SourceGraph

if TYPE_CHECKING:
    from .refs import Reference
    from .stages.fetch import RemoteArtifact, RemoteSources

RemoteFactory = Callable[[Mapping[str, str], bool], "RemoteSources"]

Mode = Literal["default", "locked", "fresh", "update"]
PLACEHOLDER = "unlocked:"  # node-id prefix of a placeholder (never a real canonical id)
FIX = ("run `ork lock` (or a build without --locked), review `ork lock diff`, and commit "
       "ork.lock")


def pins_for(mode: Mode, lock: Lock | None, update: Sequence[str] = (), *,
             lock_name: str = "ork.lock") -> dict[str, str]:
    """Return the pins (ref as written → resolved ref) a build in ``mode`` uses;
    ``lock_name`` is the lock's path as messages show it.

    Raises:
        LockError: lock-missing under ``locked``.
        UsageError: an ``--update`` name that matches no entry.
    """
    if mode == "locked" and lock is None:
        lock_opt = "" if lock_name == "ork.lock" else f" --lock {lock_name}"
        raise LockError("lock-missing", f"--locked needs {lock_name}, and there is none",
                        hint=f"run `ork lock{lock_opt}` and commit {lock_name}")
    if mode == "fresh" or lock is None:
        return {}
    moving: set[str] = set()
    for name in update:
        hits = [e for e in lock.sources if strip_userinfo(name) == e.ref or name == e.name]
        if not hits:
            known = ", ".join(sorted({e.name for e in lock.sources})) or "none"
            raise UsageError("usage", f"--update {strip_userinfo(name)}: no lock entry has "
                             "that ref or name",
                             hint=f"locked sources: {known}")
        moving.update(e.ref for e in hits)
    return {e.ref: e.resolved for e in lock.sources if e.ref not in moving}


def unpinned_tags(graph: SourceGraph, pins: Mapping[str, str]) -> list[str]:
    """Return the remote refs of a graph that name a tag the pins do not cover, sorted."""
    remote = {n.id for n in graph.nodes if n.remote}
    return sorted({strip_userinfo(e.ref) for e in graph.edges
                   if e.dst in remote and "@sha256:" not in e.ref
                   and strip_userinfo(e.ref) not in pins})


class PlaceholderSources:
    """RemoteSources for the ``--locked`` check: unpinned refs become empty placeholders."""

    def __init__(self, inner: RemoteSources) -> None:
        self.inner = inner

    def fetch(self, ref: Reference, *, motif: bool, want_komposer: bool,
              span: Span) -> RemoteArtifact:
        """Return the pinned artifact, or a placeholder when the lock does not pin ``ref``.

        Raises:
            OrkError: whatever fetching a pinned or digest ref raises.
        """
        try:
            return self.inner.fetch(ref, motif=motif, want_komposer=want_komposer, span=span)
        except LockError:
            from .stages.fetch import RemoteArtifact

            kind = "Komposer" if want_komposer else "Motif" if motif else "Katalog"
            main = f"{kind.lower()}.yaml"
            text = (f"apiVersion: orkestra.orkspace.io/v1\nkind: {kind}\n"
                    "metadata: {name: unlocked}\nspec: {}\n")
            return RemoteArtifact(canonical=f"{PLACEHOLDER}{strip_userinfo(ref.raw)}",
                                  resolved="", digest="", files={main: text.encode()},
                                  main=main)

    @classmethod
    def factory(cls, make: RemoteFactory | None) -> RemoteFactory | None:
        """Return a pipeline remote factory whose sources use placeholders."""
        if make is None:
            return None
        return lambda pins, locked: cls(make(pins, locked))


def placeholders(graph: SourceGraph) -> list[str]:
    """Return the refs a --locked check's fetch stood placeholders in for, sorted."""
    return sorted(strip_userinfo(n.ref) for n in graph.nodes if n.id.startswith(PLACEHOLDER))


def check_locked(existing: Lock, graph: SourceGraph, lock_name: str, *,
                 lock_spans: Mapping[str, Span] | None = None) -> None:
    """Raise unless the lock on disk is exactly what the sources need.

    Raises:
        LockError: lock-stale, one diagnostic per missing, extra and stale entry.
    """
    current = from_graph(graph)
    stand_ins = set(placeholders(graph))
    where = _import_spans(graph)
    at = dict(lock_spans or {})
    have = {e.ref: e for e in existing.sources}
    need = {e.ref: e for e in current.sources}
    diags = [_missing(need[r], lock_name, where.get(r), r in stand_ins)
             for r in sorted(need.keys() - have.keys())]
    diags += [_extra(have[r], lock_name, at.get(r)) for r in sorted(have.keys() - need.keys())]
    diags += [_stale(have[r], need[r], lock_name, at.get(r))
              for r in sorted(have.keys() & need.keys()) if have[r] != need[r]]
    if diags:
        diags[-1] = replace(diags[-1], hint=FIX)
        raise LockError.of(diags)


def _import_spans(graph: SourceGraph) -> dict[str, Span]:
    out: dict[str, Span] = {}
    for edge in sorted(graph.edges, key=lambda e: (e.span, e.ref)):
        out.setdefault(strip_userinfo(edge.ref), edge.span)
    return out


def _missing(entry: LockEntry, lock_name: str, span: Span | None,
             placeholder: bool) -> Diagnostic:
    notes = [Note(f"required by {r}") for r in entry.required_by]
    if placeholder:
        notes.append(Note("what it imports in turn is not checked until it is locked"))
    return Diagnostic("lock-stale", f"{entry.ref} is missing from {lock_name}", "error", span,
                      notes=tuple(notes))  # hint: FIX, once, on the list's last entry


def _extra(entry: LockEntry, lock_name: str, span: Span | None) -> Diagnostic:
    return Diagnostic("lock-stale", f"{lock_name} pins {entry.ref}, which no source requires "
                      "any more (extra entry)", "error", span,  # hint: FIX, once, at the end
                      notes=tuple(Note(f"{lock_name} says: required by {r}")
                                  for r in entry.required_by))


def _stale(have: LockEntry, need: LockEntry, lock_name: str, span: Span | None) -> Diagnostic:
    fields = [f for f in ("kind", "name", "version", "resolved", "files", "required_by")
              if getattr(have, f) != getattr(need, f)]
    notes = []
    for f in fields:
        label = "requiredBy" if f == "required_by" else f
        notes.append(Note(f"{label} in {lock_name}: {_show(getattr(have, f))}"))
        notes.append(Note(f"{label} of the sources: {_show(getattr(need, f))}"))
    names = ", ".join("requiredBy" if f == "required_by" else f for f in fields)
    return Diagnostic("lock-stale", f"the {lock_name} entry for {have.ref} is stale "
                      f"(differs in {names})", "error", span,
                      notes=tuple(notes))  # hint: FIX, once, on the list's last entry


def _show(value: Any) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{k}={v}" for k, v in sorted(value.items())) or "(none)"
    if isinstance(value, tuple):
        return ", ".join(value) or "(none)"
    return str(value)
