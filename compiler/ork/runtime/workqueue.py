"""A work queue in the manner of client-go's: deduplicated keys, delayed adds, no key twice.

A key added while it is queued is queued once; a key added while a worker processes it is
processed again afterwards, never concurrently. ``add_after`` keeps the earliest due time
of a key, so resync ticks and backoff retries do not pile up.
"""

from __future__ import annotations

import heapq
import itertools
import threading
import time
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)


class WorkQueue(Generic[K]):
    """Keys waiting to be processed by a pool of workers."""

    def __init__(self, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._cond = threading.Condition()
        self._ready: dict[K, None] = {}
        self._processing: set[K] = set()
        self._again: set[K] = set()
        self._due: dict[K, float] = {}
        self._heap: list[tuple[float, int, K]] = []
        self._seq = itertools.count()
        self._shut = False

    def add(self, key: K) -> None:
        """Queue a key now."""
        with self._cond:
            if self._shut:
                return
            if key in self._processing:
                self._again.add(key)
            else:
                self._ready[key] = None
            self._cond.notify()

    def add_after(self, key: K, delay: float) -> None:
        """Queue a key once ``delay`` seconds have passed (the earliest due time wins)."""
        if delay <= 0:
            self.add(key)
            return
        with self._cond:
            if self._shut:
                return
            due = self._clock() + delay
            if key in self._due and self._due[key] <= due:
                return
            self._due[key] = due
            heapq.heappush(self._heap, (due, next(self._seq), key))
            self._cond.notify()

    def get(self) -> K | None:
        """Return the next key to process, waiting as needed; None once shut down."""
        with self._cond:
            while True:
                if self._shut:
                    return None
                self._promote()
                if self._ready:
                    key = next(iter(self._ready))
                    del self._ready[key]
                    self._processing.add(key)
                    return key
                wait = self._heap[0][0] - self._clock() if self._heap else None
                self._cond.wait(timeout=wait)

    def _promote(self) -> None:
        now = self._clock()
        while self._heap and self._heap[0][0] <= now:
            due, _, key = heapq.heappop(self._heap)
            if self._due.get(key) != due:
                continue  # superseded by an earlier due time
            del self._due[key]
            if key in self._processing:
                self._again.add(key)
            else:
                self._ready[key] = None

    def done(self, key: K) -> None:
        """Mark a key processed; a key added meanwhile is queued again."""
        with self._cond:
            self._processing.discard(key)
            if key in self._again:
                self._again.discard(key)
                self._ready[key] = None
                self._cond.notify()

    def forget(self, key: K) -> None:
        """Drop a key's pending delayed add (its object is gone)."""
        with self._cond:
            self._due.pop(key, None)

    def depth(self) -> int:
        """Return how many keys are ready to be processed."""
        with self._cond:
            self._promote()
            return len(self._ready)

    def shutdown(self) -> None:
        """Stop handing out keys; waiting workers get None."""
        with self._cond:
            self._shut = True
            self._cond.notify_all()
