"""A Cluster wrapper that reports every write as an operation (``create deployments web``)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .cluster import Change, Cluster, Event
from .objects import GK, Key, Obj, resource_word


@dataclass(frozen=True)
class Op:
    """One write: a verb (create, patch, delete, update, status), a resource word, a name."""

    verb: str
    resource: str
    name: str
    namespace: str = ""

    def __str__(self) -> str:
        return f"{self.verb} {self.resource} {self.name}"


class Recorder:
    """Pass every call to ``inner``; report writes to ``on_op`` and events to ``on_event``."""

    def __init__(self, inner: Cluster, plurals: Mapping[GK, str], *,
                 on_op: Callable[[Op], None], on_event: Callable[[Event], None] | None = None
                 ) -> None:
        self.inner = inner
        self._plurals = dict(plurals)
        self._on_op = on_op
        self._on_event = on_event

    def _op(self, verb: str, key: Key) -> None:
        self._on_op(Op(verb, resource_word(key.gk, self._plurals), key.name, key.namespace))

    def get(self, key: Key) -> Obj | None:
        """Return the object, or None."""
        return self.inner.get(key)

    def list(self, gk: GK, namespace: str | None = None,
             selector: Mapping[str, str] | None = None) -> list[Obj]:
        """Return the objects of a type."""
        return self.inner.list(gk, namespace, selector)

    def watch(self, gks: Sequence[GK], stop: threading.Event) -> Iterator[Change]:
        """Return the changes from now on."""
        return self.inner.watch(gks, stop)

    def create(self, obj: Obj) -> Obj:
        """Create an object and report it."""
        out = self.inner.create(obj)
        self._op("create", Key.of(obj))
        return out

    def patch(self, obj: Obj) -> Obj:
        """Patch an object and report it."""
        out = self.inner.patch(obj)
        self._op("patch", Key.of(obj))
        return out

    def delete(self, key: Key) -> bool:
        """Delete an object and report it when it existed."""
        found = self.inner.delete(key)
        if found:
            self._op("delete", key)
        return found

    def set_finalizers(self, key: Key, finalizers: Sequence[str]) -> Obj | None:
        """Set finalizers and report it."""
        out = self.inner.set_finalizers(key, finalizers)
        self._op("update", key)
        return out

    def update_status(self, key: Key, status: dict[str, Any]) -> Obj:
        """Write a status and report it."""
        out = self.inner.update_status(key, status)
        self._op("status", key)
        return out

    def record_event(self, event: Event) -> None:
        """Record an event and report it."""
        self.inner.record_event(event)
        if self._on_event is not None:
            self._on_event(event)

    def close(self) -> None:
        """Close the inner cluster."""
        self.inner.close()
