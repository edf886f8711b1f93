"""``ork run``'s engine: one worker pool per CRD, fed by a watch and by resync ticks.

Pools start in dependsOn order and stop in reverse order; stopping lets in-flight
reconciles finish. A failed reconcile is retried after an exponential backoff capped at
the CRD's resync; a successful one comes back after resync. Changes to a CR's children
(edits, deletions by someone else) requeue the owner, so drift is corrected promptly.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator

from .. import canonical
from .cluster import Change, Cluster
from .config import CrdConfig, RuntimeConfig
from .durations import backoff
from .metrics import Metrics
from .objects import GK, Key, Obj
from .reconcile import Reconciler
from .recorder import Op, Recorder
from .workqueue import WorkQueue

Log = Callable[[str], None]
BACKOFF_BASE = 0.5


class Pool:
    """The workers of one CRD and their queue."""

    def __init__(self, crd: CrdConfig, cluster: Cluster, config: RuntimeConfig,
                 metrics: Metrics, log: Log) -> None:
        self.crd = crd
        self.queue: WorkQueue[Key] = WorkQueue()
        self._cluster = cluster
        self._log = log
        self._metrics = metrics
        recorder = Recorder(cluster, config.plurals(), on_op=self._logged)
        self._reconciler = Reconciler(recorder, crd, config.profiles)
        self._threads: list[threading.Thread] = []
        self._failures: dict[Key, int] = {}
        self._known: set[Key] = set()
        self._active = 0
        self._lock = threading.Lock()
        metrics.gauge("controller_queue_depth", crd.name, lambda: self.queue.depth())
        metrics.gauge("controller_workers_active", crd.name, lambda: self._active)
        metrics.gauge("controller_resource_count", crd.name, lambda: len(self._known))

    def _logged(self, op: Op) -> None:
        where = f"{op.namespace}/" if op.namespace else ""
        self._log(f"{self.crd.name}: {op.verb} {op.resource} {where}{op.name}")

    def start(self) -> None:
        """Start the workers, then queue every existing CR of the CRD."""
        for i in range(self.crd.workers):
            thread = threading.Thread(target=self._work, name=f"{self.crd.name}-{i}",
                                      daemon=True)
            thread.start()
            self._threads.append(thread)
        for cr in self._cluster.list(self.crd.gk):
            self.enqueue(Key.of(cr))

    def enqueue(self, key: Key) -> None:
        """Queue a CR for reconcile now."""
        with self._lock:
            self._known.add(key)
        self.queue.add(key)

    def stop(self) -> None:
        """Stop handing out work and wait for the reconciles in flight to finish."""
        self.queue.shutdown()
        for thread in self._threads:
            thread.join()

    def _work(self) -> None:
        while (key := self.queue.get()) is not None:
            try:
                self._one(key)
            finally:
                self.queue.done(key)

    def _one(self, key: Key) -> None:
        with self._lock:
            self._active += 1
        started = time.monotonic()
        try:
            outcome = self._reconciler.reconcile(key)
            result, message = outcome.result, outcome.message
        except Exception as exc:  # a backend failure or a bug: counted, retried, never fatal
            result, message = "error", f"{type(exc).__name__}: {exc}"
        finally:
            with self._lock:
                self._active -= 1
        self._metrics.observe(self.crd.name, result, time.monotonic() - started)
        self._after(key, result, message)

    def _after(self, key: Key, result: str, message: str) -> None:
        if result in ("gone", "deleted", "ignored"):
            with self._lock:
                self._known.discard(key)
                self._failures.pop(key, None)
            self.queue.forget(key)
            return
        if result == "error":
            with self._lock:
                failures = self._failures[key] = self._failures.get(key, 0) + 1
            delay = backoff(failures, base=BACKOFF_BASE, cap=self.crd.resync)
            self._log(f"{self.crd.name}: {key.namespace}/{key.name} failed ({message}); "
                      f"retry in {delay:g}s")
            self.queue.add_after(key, delay)
            return
        with self._lock:
            self._failures.pop(key, None)
        self.queue.add_after(key, self.crd.resync)


class Controller:
    """Every CRD's pool, the watch that feeds them, and the ready flag."""

    def __init__(self, config: RuntimeConfig, cluster: Cluster, metrics: Metrics,
                 log: Log) -> None:
        self.config = config
        self.cluster = cluster
        self.pools = [Pool(c, cluster, config, metrics, log) for c in config.crds]
        self._by_gk = {p.crd.gk: p for p in self.pools}
        self._stop = threading.Event()
        self._watcher: threading.Thread | None = None
        self._log = log
        self.ready = threading.Event()
        self.fatal: str | None = None
        self._seen: dict[Key, str | None] = {}

    def start(self) -> None:
        """Start the watch, then each CRD's pool in dependsOn order; then become ready."""
        kinds = {p.crd.gk for p in self.pools}
        for pool in self.pools:
            kinds.update(pool.crd.child_gks)
        changes = self.cluster.watch(sorted(kinds), self._stop)
        for pool in self.pools:
            pool.start()
        self._watcher = threading.Thread(target=self._feed, args=(changes,), name="watch",
                                         daemon=True)
        self._watcher.start()
        self.ready.set()

    def _feed(self, changes: Iterator[Change]) -> None:
        try:
            self._route(changes)
        except Exception as exc:  # the backend is gone: report unhealthy rather than hang
            self.fatal = f"{type(exc).__name__}: {exc}"
            self._log(f"the watch failed: {self.fatal}")

    def _route(self, changes: Iterator[Change]) -> None:
        for change in changes:
            self.notice(change)

    def notice(self, change: Change) -> None:
        """Queue the CR a change concerns: the CR itself, or the owner of a child.

        A change to a CR's status (or resourceVersion) alone is not news: the runtime wrote
        it. Ignoring it keeps a status field that changes on every reconcile (``now``) from
        driving the controller in a loop.
        """
        pool = self._by_gk.get(change.key.gk)
        if pool is not None:
            signature = None if change.deleted else _signature(change.obj)
            if change.deleted or self._seen.get(change.key) != signature:
                self._seen[change.key] = signature
                pool.enqueue(change.key)
            return
        meta = change.obj.get("metadata") or {}
        for ref in meta.get("ownerReferences") or []:
            owner = GK.of_api(str(ref.get("apiVersion", "")), str(ref.get("kind", "")))
            if owner in self._by_gk:
                self._by_gk[owner].enqueue(Key(owner, change.key.namespace,
                                               str(ref.get("name", ""))))

    def stop(self) -> None:
        """Stop the watch, then the pools in reverse start order, finishing in-flight work."""
        self.ready.clear()
        self._stop.set()
        if self._watcher is not None:
            self._watcher.join()
        for pool in reversed(self.pools):
            pool.stop()


def _signature(obj: Obj) -> str:
    """Return a digest of everything in a CR but its status and resourceVersion."""
    meta = {k: v for k, v in (obj.get("metadata") or {}).items()
            if k not in ("resourceVersion", "managedFields")}
    return canonical.digest({**{k: v for k, v in obj.items() if k != "status"},
                             "metadata": meta})
