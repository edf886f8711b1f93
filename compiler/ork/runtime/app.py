"""The running runtime: a verified bundle, a backend, the controller and the HTTP server."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from .bundle import Bundle
from .cluster import Cluster
from .config import RuntimeConfig, build
from .controller import Controller
from .metrics import Metrics
from .server import Pages, Server

Log = Callable[[str], None]


class Runtime:
    """Serves HTTP from the start, and reconciles once ``start_controller`` is called."""

    def __init__(self, bundle: Bundle, cluster: Cluster, *, log: Log, host: str = "127.0.0.1",
                 port: int = 8080) -> None:
        self.bundle = bundle
        self.config: RuntimeConfig = build(bundle.katalog)
        self.metrics = Metrics()
        self.controller = Controller(self.config, cluster, self.metrics, log)
        self._log = log
        self.server = Server(pages(bundle, self.config, self), host, port)

    def healthy(self) -> bool:
        """Return False once a fatal error (the watch on the backend failed) happened."""
        return self.controller.fatal is None

    def ready(self) -> bool:
        """Return whether every CRD's workers have started."""
        return self.controller.ready.is_set()

    def serve(self) -> None:
        """Start answering HTTP (``/ready`` says 503 until the controller has started)."""
        self.server.start()

    def start_controller(self) -> None:
        """Start every CRD's pool in dependsOn order."""
        for crd in self.config.crds:
            for group in crd.unsupported_groups:
                self._log(f"{crd.name}: {group} are not supported by this runtime; skipped")
            rules = crd.entry.admission.mutation if crd.entry.admission else None
            if rules is not None and rules.rules:
                self._log(f"{crd.name}: mutation rules need an admission webhook; "
                          "this runtime does not apply them")
        self.controller.start()
        order = ", ".join(c.name for c in self.config.crds) or "no CRDs"
        self._log(f"started: {order}")

    def stop(self) -> None:
        """Stop the controller (in-flight reconciles finish), then the HTTP server."""
        self.controller.stop()
        self.server.stop()


def pages(bundle: Bundle, config: RuntimeConfig, runtime: Runtime) -> Pages:
    """Return the HTTP pages: the frozen documents are rendered once, here."""
    provenance = bundle.provenance()
    crds = {}
    for crd in config.crds:
        crds[crd.name] = _json({"name": crd.name, "katalogDigest": bundle.katalog_digest,
                                "crd": crd.entry.wire(),
                                "provenance": (provenance.get("crds") or {}).get(crd.name)})
    return Pages(
        katalog=_json({"katalogDigest": bundle.katalog_digest, "lockDigest": bundle.lock_digest,
                       "startOrder": [c.name for c in config.crds],
                       "katalog": bundle.katalog.wire()}),
        crds=crds, provenance=_json(provenance), ready=runtime.ready,
        healthy=runtime.healthy, metrics=runtime.metrics.exposition)


def _json(value: Any) -> bytes:
    return (json.dumps(value, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
