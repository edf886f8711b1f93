"""What the memory and local backends share: Kubernetes' object semantics over a key store.

A backend supplies transactions (``Tx``): read, scan, write and remove objects, each write
numbered by a store-wide change counter. On top of that this module implements what the API
server and its controllers would do: uids and resourceVersions, generations bumped by spec
changes, finalizers and deletion timestamps, garbage collection of owned objects, counted
events, and workloads that are ready at once (readyReplicas = replicas).
"""

from __future__ import annotations

import hashlib
import threading
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from typing import Any, Protocol

from .cluster import Change, Event, exists, not_found
from .objects import GK, Key, Obj, deep_copy, merge

EVENT = GK("", "Event")
Tomb = tuple[Key, Obj | None]
_SYSTEM = ("uid", "resourceVersion", "generation", "deletionTimestamp", "creationTimestamp")


class Tx(Protocol):
    """One atomic unit of work on the store."""

    def read(self, key: Key) -> Obj | None:
        """Return a stored object, or None."""

    def scan(self, gk: GK, namespace: str | None,
             selector: Mapping[str, str] | None = None) -> list[Obj]:
        """Return the stored objects of a type whose labels match, sorted by key."""

    def owned_by(self, uid: str) -> list[Obj]:
        """Return the objects with an ownerReference to ``uid``."""

    def next_rv(self) -> int:
        """Return the next change number (each write takes one)."""

    def write(self, key: Key, obj: Obj, rv: int) -> None:
        """Store an object under change number ``rv``."""

    def remove(self, key: Key, rv: int, last: Obj) -> None:
        """Remove an object under change number ``rv``, logging its last state."""


class StoreCluster:
    """The Cluster protocol over a transactional key store (subclasses supply ``tx``)."""

    poll_interval = 0.1

    def __init__(self, *, clock: Callable[[], str]) -> None:
        self._clock = clock
        # Sets a workload's status on every write, as the cluster's controllers would:
        # healthy at once by default; `ork simulate` puts a Simulate file's states here.
        self.workload_status: Callable[[Obj], None] = simulate_status

    # -- to be supplied by a backend -------------------------------------------------------
    def tx(self) -> AbstractContextManager[Tx]:
        """Return a context manager running one transaction."""
        raise NotImplementedError

    def changes_since(self, rv: int) -> tuple[int, list[Tomb]]:
        """Return the latest change number and the changes after ``rv``.

        Each change is a key and, when the change removed the object, its last state.
        """
        raise NotImplementedError

    def close(self) -> None:
        """Release the backend's resources."""

    # -- the Cluster protocol --------------------------------------------------------------
    def get(self, key: Key) -> Obj | None:
        """Return the object, or None."""
        with self.tx() as tx:
            return tx.read(key)

    def list(self, gk: GK, namespace: str | None = None,
             selector: Mapping[str, str] | None = None) -> list[Obj]:
        """Return the objects of a type in a namespace (all when None) matching labels."""
        with self.tx() as tx:
            return tx.scan(gk, namespace, selector)

    def watch(self, gks: Sequence[GK], stop: threading.Event) -> Iterator[Change]:
        """Return the changes from now on, by polling the store's change counter."""
        since, _ = self.changes_since(-1)
        return self._poll(frozenset(gks), since, stop)

    def _poll(self, gks: frozenset[GK], since: int, stop: threading.Event) -> Iterator[Change]:
        while not stop.is_set():
            since, changes = self.changes_since(since)
            for key, last in changes:
                if key.gk not in gks:
                    continue
                if last is not None:
                    yield Change(key, last, deleted=True)
                elif (obj := self.get(key)) is not None:
                    yield Change(key, obj)
            if not changes:
                stop.wait(self.poll_interval)

    def create(self, obj: Obj) -> Obj:
        """Create an object.

        Raises:
            RuntimeError_: object-exists.
        """
        obj = deep_copy(obj)
        key = Key.of(obj)
        with self.tx() as tx:
            if tx.read(key) is not None:
                raise exists(key)
            rv = tx.next_rv()
            meta = obj.setdefault("metadata", {})
            for field in _SYSTEM:
                meta.pop(field, None)
            meta["uid"] = _uid(key, rv)
            meta["generation"] = 1
            return self._store(tx, key, obj, rv)

    def patch(self, obj: Obj) -> Obj:
        """Write the fields of ``obj`` over the live object.

        Raises:
            RuntimeError_: object-not-found.
        """
        key = Key.of(obj)
        with self.tx() as tx:
            live = tx.read(key)
            if live is None:
                raise not_found(key)
            desired = deep_copy(obj)
            desired_meta = desired.get("metadata") or {}
            for field in _SYSTEM:
                desired_meta.pop(field, None)
            return self._update(tx, key, live, merge(live, desired))

    def replace(self, obj: Obj) -> tuple[Obj, str]:
        """Create or replace an object as ``kubectl apply`` would; return it and what happened.

        Status, finalizers and system metadata of an existing object are kept.
        """
        key = Key.of(obj)
        with self.tx() as tx:
            live = tx.read(key)
            if live is None:
                rv = tx.next_rv()
                new = deep_copy(obj)
                new.pop("status", None)
                meta = _without_system(new)
                meta.update(uid=_uid(key, rv), generation=1)
                return self._store(tx, key, new, rv), "created"
            new = deep_copy(obj)
            new["status"] = live.get("status")
            meta = _without_system(new)
            for field in (*_SYSTEM, "finalizers", "ownerReferences"):
                if field in live["metadata"]:
                    meta[field] = live["metadata"][field]
            if new.get("status") is None:
                new.pop("status")
            stored = self._update(tx, key, live, new)
            return stored, "unchanged" if stored == live else "configured"

    def _update(self, tx: Tx, key: Key, live: Obj, new: Obj) -> Obj:
        if _body(new) != _body(live):
            new["metadata"]["generation"] = int(live["metadata"].get("generation") or 1) + 1
        else:
            new["metadata"]["generation"] = live["metadata"].get("generation") or 1
        self.workload_status(new)
        if new == live:
            return live
        return self._store(tx, key, new, tx.next_rv())

    def _store(self, tx: Tx, key: Key, obj: Obj, rv: int) -> Obj:
        obj["metadata"]["resourceVersion"] = str(rv)
        self.workload_status(obj)
        tx.write(key, obj, rv)
        return deep_copy(obj)

    def delete(self, key: Key) -> bool:
        """Delete an object, or mark it deleting while it has finalizers."""
        with self.tx() as tx:
            live = tx.read(key)
            if live is None:
                return False
            if live["metadata"].get("finalizers"):
                if not live["metadata"].get("deletionTimestamp"):
                    live["metadata"]["deletionTimestamp"] = self._clock()
                    self._store(tx, key, live, tx.next_rv())
                return True
            self._remove(tx, key, live)
            return True

    def _remove(self, tx: Tx, key: Key, live: Obj) -> None:
        """Remove an object, then collect the objects it owned (as Kubernetes' GC does)."""
        tx.remove(key, tx.next_rv(), live)
        uid = live["metadata"].get("uid")
        if not uid:
            return
        for child in tx.owned_by(str(uid)):
            child_key = Key.of(child)
            if child["metadata"].get("finalizers"):
                if not child["metadata"].get("deletionTimestamp"):
                    child["metadata"]["deletionTimestamp"] = self._clock()
                    self._store(tx, child_key, child, tx.next_rv())
            else:
                self._remove(tx, child_key, child)

    def set_finalizers(self, key: Key, finalizers: Sequence[str]) -> Obj | None:
        """Set an object's finalizers; a deleting object with none left goes away."""
        with self.tx() as tx:
            live = tx.read(key)
            if live is None:
                return None
            if live["metadata"].get("deletionTimestamp") and not finalizers:
                self._remove(tx, key, live)
                return None
            if list(live["metadata"].get("finalizers") or []) == list(finalizers):
                return live
            if finalizers:
                live["metadata"]["finalizers"] = list(finalizers)
            else:
                live["metadata"].pop("finalizers", None)
            return self._store(tx, key, live, tx.next_rv())

    def update_status(self, key: Key, status: dict[str, Any]) -> Obj:
        """Replace an object's status.

        Raises:
            RuntimeError_: object-not-found.
        """
        with self.tx() as tx:
            live = tx.read(key)
            if live is None:
                raise not_found(key)
            live["status"] = deep_copy(status)
            return self._store(tx, key, live, tx.next_rv())

    def record_event(self, event: Event) -> None:
        """Store an Event object; a repeat of the same event increments its count."""
        text = f"{event.type}/{event.reason}/{event.message}"
        suffix = hashlib.sha256(text.encode("utf-8")).hexdigest()[:10]
        key = Key(EVENT, event.regarding.namespace, f"{event.regarding.name}.{suffix}")
        with self.tx() as tx:
            live = tx.read(key)
            if live is not None:
                live["count"] = int(live.get("count") or 1) + 1
                live["lastTimestamp"] = self._clock()
                self._store(tx, key, live, tx.next_rv())
                return
            rv = tx.next_rv()
            obj = event_object(event, key, self._clock())
            obj["metadata"]["uid"] = _uid(key, rv)
            self._store(tx, key, obj, rv)


def event_object(event: Event, key: Key, when: str) -> Obj:
    """Return the ``v1 Event`` object for an event."""
    involved = {"kind": event.regarding.gk.kind, "namespace": event.regarding.namespace,
                "name": event.regarding.name}
    if event.api_version:
        involved["apiVersion"] = event.api_version
    if event.uid:
        involved["uid"] = event.uid
    return {"apiVersion": "v1", "kind": "Event",
            "metadata": {"name": key.name, "namespace": key.namespace},
            "involvedObject": involved, "type": event.type, "reason": event.reason,
            "message": event.message, "count": 1, "firstTimestamp": when,
            "lastTimestamp": when, "source": {"component": "orkestra"}}


def _body(obj: Obj) -> Any:
    return {k: v for k, v in obj.items() if k not in ("metadata", "status")}


def _uid(key: Key, rv: int) -> str:
    """Return a uid derived from the key and change number: unique in the store, repeatable."""
    digest = hashlib.sha256(f"{key}#{rv}".encode()).digest()
    return str(uuid.UUID(bytes=digest[:16], version=4))


def simulate_status(obj: Obj) -> None:
    """Give workloads the status a healthy cluster would: ready at once, jobs succeeded."""
    gk = GK.of(obj)
    spec = obj.get("spec") or {}
    generation = obj.get("metadata", {}).get("generation") or 1
    if gk in (GK("apps", "Deployment"), GK("apps", "StatefulSet")):
        replicas = spec.get("replicas", 1)
        obj["status"] = {"observedGeneration": generation, "replicas": replicas,
                         "readyReplicas": replicas, "availableReplicas": replicas,
                         "updatedReplicas": replicas}
    elif gk == GK("batch", "Job"):
        obj["status"] = {"succeeded": 1, "conditions": [{"type": "Complete", "status": "True"}]}
    elif gk == GK("", "PersistentVolumeClaim"):
        obj["status"] = {"phase": "Bound"}


def _without_system(obj: Obj) -> dict[str, Any]:
    """Drop the metadata only the store writes (a client's uid, resourceVersion or
    deletionTimestamp is ignored, as the API server ignores it); return the metadata."""
    meta: dict[str, Any] = obj.setdefault("metadata", {})
    for field in _SYSTEM:
        meta.pop(field, None)
    return meta
