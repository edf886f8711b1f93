"""The ``Cluster`` protocol: where objects live (memory, a local store, or Kubernetes).

The reconciler only ever talks to this protocol, so ``ork simulate``, ``ork run`` on the
local store and ``ork run --backend kube`` run the very same reconcile code.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from ..errors import RuntimeError_
from .objects import GK, Key, Obj


@dataclass(frozen=True)
class Change:
    """An object that changed: its key and new state, or its last state once deleted."""

    key: Key
    obj: Obj
    deleted: bool = False


@dataclass(frozen=True)
class Event:
    """A Kubernetes Event about an object: ``Normal`` or ``Warning``, a reason, a message."""

    regarding: Key
    type: str
    reason: str
    message: str
    api_version: str = ""
    uid: str = ""


class Cluster(Protocol):
    """Get, list, watch, apply (create/patch), delete, and update status of objects."""

    def get(self, key: Key) -> Obj | None:
        """Return the object, or None when it does not exist."""

    def list(self, gk: GK, namespace: str | None = None,
             selector: Mapping[str, str] | None = None) -> list[Obj]:
        """Return the objects of a type (in a namespace, matching labels), sorted by key."""

    def watch(self, gks: Sequence[GK], stop: threading.Event) -> Iterator[Change]:
        """Return the changes to objects of these types from now on, until ``stop`` is set."""

    def create(self, obj: Obj) -> Obj:
        """Create an object and return it as stored.

        Raises:
            RuntimeError_: object-exists.
        """

    def patch(self, obj: Obj) -> Obj:
        """Write the fields of ``obj`` over the live object and return it as stored.

        Raises:
            RuntimeError_: object-not-found.
        """

    def delete(self, key: Key) -> bool:
        """Delete an object (or mark it deleting while it has finalizers); False if absent."""

    def set_finalizers(self, key: Key, finalizers: Sequence[str]) -> Obj | None:
        """Set an object's finalizers; a deleting object with none left goes away (None)."""

    def update_status(self, key: Key, status: dict[str, Any]) -> Obj:
        """Replace the ``status`` of an object and return it as stored.

        Raises:
            RuntimeError_: object-not-found.
        """

    def record_event(self, event: Event) -> None:
        """Record an event (repeats of the same event are counted, not duplicated)."""

    def close(self) -> None:
        """Release the backend's resources."""


def not_found(key: Key) -> RuntimeError_:
    """Return the error for a missing object."""
    return RuntimeError_("object-not-found", f"{key} does not exist",
                         hint="`ork get KIND` lists the objects the store holds")


def exists(key: Key) -> RuntimeError_:
    """Return the error for an object that already exists."""
    return RuntimeError_("object-exists", f"{key} already exists",
                         hint="another writer created it first; reconciling again updates it")


def matches(obj: Obj, selector: Mapping[str, str] | None) -> bool:
    """Return whether an object's labels include every label of the selector."""
    if not selector:
        return True
    have = (obj.get("metadata") or {}).get("labels") or {}
    return all(have.get(k) == v for k, v in selector.items())
