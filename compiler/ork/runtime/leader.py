"""Leader election on a ``coordination.k8s.io/v1`` Lease, for the kube backend.

One runtime per Katalog reconciles at a time: it takes the Lease when it is free or
expired, renews it every ``renew`` seconds, and reports the loss of it (the CLI exits, as
client-go's leader election does, so that a restart starts clean).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from ..errors import RuntimeError_
from .cluster import Cluster
from .objects import GK, Key

LEASE = GK("coordination.k8s.io", "Lease")
DURATION = 15
RENEW = 5.0


def _now() -> datetime:
    return datetime.now(UTC)


def _micro(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _parse(text: Any) -> datetime | None:
    if not isinstance(text, str) or not text:
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


class Elector:
    """Takes and keeps a Lease named after the Katalog."""

    def __init__(self, cluster: Cluster, namespace: str, name: str, identity: str, *,
                 clock: Callable[[], datetime] = _now) -> None:
        self._cluster = cluster
        self._key = Key(LEASE, namespace, name)
        self.identity = identity
        self._clock = clock
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def try_acquire(self) -> bool:
        """Take or renew the Lease when it is free, expired or ours; return whether we hold it."""
        live = self._cluster.get(self._key)
        now = self._clock()
        spec = (live or {}).get("spec") or {}
        holder = spec.get("holderIdentity")
        renewed = _parse(spec.get("renewTime"))
        duration = int(spec.get("leaseDurationSeconds") or DURATION)
        if live is not None and holder not in (None, "", self.identity) and renewed and \
                renewed + timedelta(seconds=duration) > now:
            return False
        metadata: dict[str, Any] = {"name": self._key.name, "namespace": self._key.namespace}
        lease_spec: dict[str, Any] = {"holderIdentity": self.identity,
                                      "leaseDurationSeconds": DURATION, "renewTime": _micro(now)}
        if holder != self.identity:
            lease_spec["acquireTime"] = _micro(now)
        if live is not None:  # optimistic concurrency: lose the race rather than share
            metadata["resourceVersion"] = live["metadata"].get("resourceVersion")
        lease = {"apiVersion": "coordination.k8s.io/v1", "kind": "Lease", "metadata": metadata,
                 "spec": lease_spec}
        try:
            (self._cluster.create if live is None else self._cluster.patch)(lease)
        except RuntimeError_:
            return False
        return True

    def acquire(self, stop: threading.Event, on_wait: Callable[[], None]) -> bool:
        """Block until we hold the Lease (True) or ``stop`` is set (False)."""
        waited = False
        while not stop.is_set():
            if self.try_acquire():
                return True
            if not waited:
                on_wait()
                waited = True
            stop.wait(RENEW)
        return False

    def keep(self, on_lost: Callable[[], None]) -> None:
        """Renew the Lease in the background; call ``on_lost`` if it cannot be renewed."""
        def run() -> None:
            last = self._clock()
            while not self._stop.wait(RENEW):
                if self.try_acquire():
                    last = self._clock()
                elif self._clock() - last > timedelta(seconds=DURATION):
                    on_lost()
                    return

        self._thread = threading.Thread(target=run, name="lease", daemon=True)
        self._thread.start()

    def release(self) -> None:
        """Stop renewing (the Lease then expires for the next runtime to take)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
