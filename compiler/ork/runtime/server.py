"""The runtime's HTTP endpoints: health, readiness, metrics, the frozen Katalog, provenance."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from ..errors import RuntimeError_

JSON = "application/json; charset=utf-8"
PROMETHEUS = "text/plain; version=0.0.4; charset=utf-8"
TEXT = "text/plain; charset=utf-8"


@dataclass(frozen=True)
class Pages:
    """What the endpoints serve: fixed documents and live callbacks."""

    katalog: bytes
    crds: Mapping[str, bytes]
    provenance: bytes
    ready: Callable[[], bool]
    healthy: Callable[[], bool]
    metrics: Callable[[], str]


def _handler(pages: Pages) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "orkestra-runtime"

        def do_GET(self) -> None:
            status, kind, body = route(pages, self.path.split("?", 1)[0])
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            """Stay quiet: requests are not news."""

    return Handler


def route(pages: Pages, path: str) -> tuple[int, str, bytes]:
    """Return (status, content type, body) for a GET of ``path``."""
    path = path.rstrip("/") or "/"
    if path == "/health":
        ok = pages.healthy()
        return (200 if ok else 500), TEXT, b"ok\n" if ok else b"unhealthy\n"
    if path == "/ready":
        ok = pages.ready()
        return (200 if ok else 503), TEXT, b"ready\n" if ok else b"not ready\n"
    if path == "/metrics":
        return 200, PROMETHEUS, pages.metrics().encode("utf-8")
    if path == "/katalog":
        return 200, JSON, pages.katalog
    if path.startswith("/katalog/"):
        found = pages.crds.get(path.removeprefix("/katalog/"))
        if found is not None:
            return 200, JSON, found
        return 404, JSON, b'{"error": "no such CRD"}\n'
    if path == "/provenance":
        return 200, JSON, pages.provenance
    return 404, TEXT, b"not found\n"


class Server:
    """A threading HTTP server on its own thread."""

    def __init__(self, pages: Pages, host: str, port: int) -> None:
        try:
            self._httpd = ThreadingHTTPServer((host, port), _handler(pages))
        except OSError as exc:
            raise RuntimeError_("port-in-use", f"cannot listen on {host}:{port}: "
                                f"{exc.strerror or exc}",
                                hint="pass another --port (0 picks a free one)") from exc
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="http",
                                        daemon=True)

    @property
    def address(self) -> tuple[str, int]:
        """Return the host and port the server listens on."""
        host, port = self._httpd.server_address[:2]
        return str(host), int(port)

    def start(self) -> None:
        """Serve requests in the background."""
        self._thread.start()

    def stop(self) -> None:
        """Stop serving (if it started) and close the socket."""
        if self._thread.is_alive():
            self._httpd.shutdown()
        self._httpd.server_close()
