"""The ``memory`` backend: objects in a dict, for ``ork simulate`` and the tests."""

from __future__ import annotations

import bisect
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager

from .cluster import matches
from .objects import GK, Key, Obj, deep_copy
from .storecore import StoreCluster, Tomb, Tx

FIXED_TIME = "1970-01-01T00:00:00Z"  # simulate's output must not depend on the clock
LOG_KEEP = 10_000  # changes kept for watchers; one further behind relies on resync


class _MemoryTx:
    def __init__(self, store: MemoryCluster) -> None:
        self._s = store

    def read(self, key: Key) -> Obj | None:
        found = self._s.objects.get(key)
        return deep_copy(found) if found is not None else None

    def scan(self, gk: GK, namespace: str | None,
             selector: Mapping[str, str] | None = None) -> list[Obj]:
        of_kind = self._s.by_kind.get(gk, {})
        found = [(k, o) for k, o in of_kind.items()
                 if (namespace is None or k.namespace == namespace) and matches(o, selector)]
        found.sort(key=lambda kv: (kv[0].namespace, kv[0].name))  # one kind: name order
        return [deep_copy(o) for _, o in found]

    def owned_by(self, uid: str) -> list[Obj]:
        found = [(k, o) for k, o in self._s.objects.items()
                 if any(r.get("uid") == uid
                        for r in o.get("metadata", {}).get("ownerReferences") or [])]
        found.sort(key=lambda kv: kv[0])
        return [deep_copy(o) for _, o in found]

    def next_rv(self) -> int:
        self._s.rv += 1
        return self._s.rv

    def write(self, key: Key, obj: Obj, rv: int) -> None:
        stored = deep_copy(obj)
        self._s.objects[key] = stored
        self._s.by_kind.setdefault(key.gk, {})[key] = stored
        self._s.logged(rv, key, None)

    def remove(self, key: Key, rv: int, last: Obj) -> None:
        self._s.objects.pop(key, None)
        self._s.by_kind.get(key.gk, {}).pop(key, None)
        self._s.logged(rv, key, deep_copy(last))


class MemoryCluster(StoreCluster):
    """An in-process cluster: every method is atomic under one lock."""

    poll_interval = 0.02

    def __init__(self, *, clock: Callable[[], str] = lambda: FIXED_TIME) -> None:
        super().__init__(clock=clock)
        self.objects: dict[Key, Obj] = {}
        self.by_kind: dict[GK, dict[Key, Obj]] = {}  # the same objects, by type, for scans
        self.log: list[tuple[int, Key, Obj | None]] = []
        self.rv = 0
        self._lock = threading.RLock()

    @contextmanager
    def tx(self) -> Iterator[Tx]:
        """Run one transaction under the store's lock."""
        with self._lock:
            yield _MemoryTx(self)

    def logged(self, rv: int, key: Key, last: Obj | None) -> None:
        """Remember that ``key`` changed under ``rv``, keeping the last LOG_KEEP changes."""
        self.log.append((rv, key, last))
        if len(self.log) > 2 * LOG_KEEP:
            del self.log[:LOG_KEEP]

    def changes_since(self, rv: int) -> tuple[int, list[Tomb]]:
        """Return the latest change number and the changes after ``rv``."""
        with self._lock:
            start = bisect.bisect_right(self.log, rv, key=lambda entry: entry[0])
            return self.rv, [(k, deep_copy(last) if last else None)
                             for _, k, last in self.log[start:]]

    def all_objects(self) -> list[Obj]:
        """Return every object, sorted by key."""
        with self._lock:
            return [deep_copy(o) for _, o in sorted(self.objects.items())]
