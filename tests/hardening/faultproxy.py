"""A scriptable loopback HTTP proxy that injects registry faults, request by request.

``FaultProxy(upstream)`` forwards every request to ``upstream`` (``host:port``, plain
HTTP) unless a script says otherwise::

    proxy = FaultProxy(registry.host)
    proxy.script("GET", "/blobs/", Status(503), Status(503))  # the next two blob GETs
    with proxy.running() as host:
        ...  # point ork at oci://{host}/...
    assert proxy.count("GET", "/blobs/") == 4

A script is a method, a regular expression searched in the path, and a list of faults:
the n-th request that matches gets the n-th fault, and once they are used up requests
pass through. Every request is recorded in :attr:`FaultProxy.seen` (method, path,
status sent, fault name, arrival time), so tests can count retries and measure backoff.
The ``Host`` header is forwarded as received, so the registry's upload ``Location``
URLs point back at the proxy.
"""

from __future__ import annotations

import base64
import gzip
import http.client
import http.server
import json
import re
import socket
import struct
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

HOP_BY_HOP = frozenset({"connection", "keep-alive", "transfer-encoding", "content-length",
                        "proxy-authenticate", "proxy-authorization", "te", "trailer",
                        "upgrade"})


@dataclass(frozen=True)
class Answer:
    """What the upstream registry said (or what a fault makes up)."""

    status: int
    headers: list[tuple[str, str]]
    body: bytes
    length: int | None = None  # a HEAD's Content-Length (its body is empty)

    def header(self, name: str) -> str:
        """Return a header's value, or ""."""
        return next((v for k, v in self.headers if k.lower() == name.lower()), "")


class Fault:
    """Pass the request through unchanged (the base of every fault)."""

    upstream = True  # whether the request is forwarded before the fault acts
    request_headers: Mapping[str, str] = {}  # the request's, set before answer() runs

    def before(self) -> None:
        """Act before anything is forwarded (e.g. wait)."""

    def answer(self, got: Answer | None) -> Answer | None:
        """Return what to send back; None means close the connection without an answer."""
        return got

    def send(self, handler: Handler, answer: Answer, head_only: bool) -> None:
        """Write the answer to the client."""
        handler.reply(answer, head_only)

    @property
    def name(self) -> str:
        """Return how the log names this fault."""
        return type(self).__name__.lower()


class Pass(Fault):
    """Forward the request and its answer unchanged."""


@dataclass
class Status(Fault):
    """Answer with an HTTP status of our own, without asking the registry."""

    code: int
    headers: dict[str, str] = field(default_factory=dict)
    upstream = False

    def answer(self, got: Answer | None) -> Answer | None:
        """Return the made-up status."""
        body = b'{"errors":[{"code":"UNAVAILABLE","message":"injected by the test proxy"}]}'
        return Answer(self.code, [("Content-Type", "application/json"),
                                  *self.headers.items()], body)


class Drop(Fault):
    """Close the connection without answering (the client sees the peer disconnect)."""

    upstream = False

    def answer(self, got: Answer | None) -> Answer | None:
        """Return None: no answer at all."""
        return None


class Reset(Drop):
    """Abort the connection with a TCP reset (SO_LINGER 0), without answering."""


class Lost(Fault):
    """Forward the request, then close the connection: the registry acted, the answer is lost."""

    def answer(self, got: Answer | None) -> Answer | None:
        """Return None: the client never hears back."""
        return None


@dataclass
class Delay(Fault):
    """Wait before forwarding, then answer normally (slower than a short timeout)."""

    seconds: float

    def before(self) -> None:
        """Sleep."""
        time.sleep(self.seconds)


@dataclass
class Drip(Fault):
    """Answer with the right headers, then send the body one byte every ``interval``.

    Each byte arrives well within a read timeout, so only a deadline on the whole
    answer stops the client from waiting for ``len(body) * interval`` seconds. The
    proxy gives up (and closes) after ``limit`` seconds, so a test that finds no such
    deadline fails instead of hanging.
    """

    interval: float
    limit: float = 30.0

    def send(self, handler: Handler, answer: Answer, head_only: bool) -> None:
        """Write the head at once and the body slowly (until the client or the limit gives up)."""
        handler.head(answer, len(answer.body))
        handler.close_connection = True
        if head_only:
            return
        stop = time.monotonic() + self.limit
        for i in range(len(answer.body)):
            if time.monotonic() > stop:
                return
            time.sleep(self.interval)
            handler.wfile.write(answer.body[i:i + 1])
            handler.wfile.flush()


@dataclass
class Truncate(Fault):
    """Declare the full ``Content-Length``, send only the first ``keep`` bytes, close."""

    keep: int

    def send(self, handler: Handler, answer: Answer, head_only: bool) -> None:
        """Write a short body and close the connection."""
        handler.head(answer, len(answer.body))
        if not head_only:
            handler.wfile.write(answer.body[:self.keep])
            handler.wfile.flush()
        handler.close_connection = True


@dataclass
class Rewrite(Fault):
    """Forward, then replace the body by ``change(body)`` (with a matching length)."""

    change: Callable[[bytes], bytes]

    def answer(self, got: Answer | None) -> Answer | None:
        """Return the upstream answer with its body changed."""
        assert got is not None
        return Answer(got.status, got.headers, self.change(got.body))


class Gzip(Fault):
    """Forward, then send the body gzip-compressed with ``Content-Encoding: gzip`` (what a
    proxy or CDN may do for a client that accepts it)."""

    def answer(self, got: Answer | None) -> Answer | None:
        """Return the upstream answer, compressed."""
        assert got is not None
        headers = [(k, v) for k, v in got.headers if k.lower() != "content-encoding"]
        return Answer(got.status, [*headers, ("Content-Encoding", "gzip")],
                      gzip.compress(got.body, mtime=0), got.length)


class Chunked(Fault):
    """Forward, then send the body with ``Transfer-Encoding: chunked`` in small chunks."""

    def send(self, handler: Handler, answer: Answer, head_only: bool) -> None:
        """Write the head without a length, then the body chunk by chunk."""
        handler.send_response(answer.status)
        for key, value in answer.headers:
            handler.send_header(key, value)
        handler.send_header("Transfer-Encoding", "chunked")
        handler.end_headers()
        if head_only:
            return
        for i in range(0, len(answer.body), 100):
            piece = answer.body[i:i + 100]
            handler.wfile.write(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
        handler.wfile.write(b"0\r\n\r\n")


@dataclass
class Then(Fault):
    """Forward, call ``action()`` once the registry has answered, then send that answer.

    For a registry that changes between two requests: e.g. a tag moved right after ork
    resolved it.
    """

    action: Callable[[], None]

    def answer(self, got: Answer | None) -> Answer | None:
        """Run the action, then return the answer received before it."""
        self.action()
        return got


@dataclass
class EchoAuth(Fault):
    """Answer ``code`` with an OCI error whose message repeats the request's credentials.

    A registry (or a proxy) that echoes what it was sent: the ``Authorization`` header and,
    for Basic, the decoded ``user:password``, after ``pad`` characters of padding (so that
    a secret can straddle wherever a client shortens the message). ``Retry-After: 0`` keeps
    a client's retries quick.
    """

    code: int
    pad: int = 0
    upstream = False

    def answer(self, got: Answer | None) -> Answer | None:
        """Return the status with the echo."""
        sent = self.request_headers.get("Authorization", "")
        decoded = ""
        if sent.startswith("Basic "):
            decoded = base64.b64decode(sent[6:]).decode("utf-8", "replace")
        message = "x" * self.pad + f" refused {sent!r} ({decoded})"
        body = json.dumps({"errors": [{"code": "DENIED", "message": message}]}).encode()
        headers = [("Content-Type", "application/json"), ("Retry-After", "0")]
        if self.code == 401:
            headers.append(("WWW-Authenticate", 'Basic realm="echo"'))
        return Answer(self.code, headers, body)


def flip(body: bytes) -> bytes:
    """Return the body with every byte's 0x20 bit flipped: same length, wrong digest."""
    return bytes(b ^ 0x20 for b in body)


@dataclass(frozen=True)
class Seen:
    """One request the proxy received."""

    method: str
    path: str
    fault: str
    status: int | None  # None when the connection was closed without an answer
    at: float  # time.monotonic() on arrival


@dataclass
class _Script:
    method: str
    pattern: re.Pattern[str]
    faults: list[Fault]
    forever: bool = False


class Handler(http.server.BaseHTTPRequestHandler):
    """Forwards one connection's requests, applying the proxy's script."""

    protocol_version = "HTTP/1.1"
    server: _Server

    def do_GET(self) -> None:
        self._handle()

    def do_HEAD(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def do_PUT(self) -> None:
        self._handle()

    def do_PATCH(self) -> None:
        self._handle()

    def do_DELETE(self) -> None:
        self._handle()

    def log_message(self, format: str, *args: object) -> None:
        pass

    def _handle(self) -> None:
        proxy = self.server.proxy
        at = time.monotonic()
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        fault = proxy.next_fault(self.command, self.path)
        fault.request_headers = dict(self.headers.items())
        fault.before()
        got = self._forward(body) if fault.upstream else None
        answer = fault.answer(got)
        proxy.record(Seen(self.command, self.path, fault.name,
                          answer.status if answer else None, at))
        if answer is None:
            self._abort(isinstance(fault, Reset))
            return
        try:
            fault.send(self, answer, self.command == "HEAD")
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client gave up first (a timeout)

    def _forward(self, body: bytes) -> Answer:
        conn = http.client.HTTPConnection(self.server.proxy.upstream, timeout=30)
        try:
            headers = {k: v for k, v in self.headers.items()
                       if k.lower() not in HOP_BY_HOP or k.lower() == "content-length"}
            conn.request(self.command, self.path, body=body or None, headers=headers)
            resp = conn.getresponse()
            data = resp.read()
            kept = [(k, v) for k, v in resp.getheaders() if k.lower() not in HOP_BY_HOP]
            declared = resp.getheader("Content-Length")
            return Answer(resp.status, kept, data,
                          int(declared) if declared and self.command == "HEAD" else None)
        finally:
            conn.close()

    def head(self, answer: Answer, length: int) -> None:
        """Write the status line and headers, with ``Content-Length: length``."""
        self.send_response(answer.status)
        for key, value in answer.headers:
            self.send_header(key, value)
        self.send_header("Content-Length", str(length))
        self.end_headers()

    def reply(self, answer: Answer, head_only: bool) -> None:
        """Write a whole answer."""
        self.head(answer, len(answer.body) if answer.length is None else answer.length)
        if not head_only:
            self.wfile.write(answer.body)

    def _abort(self, reset: bool) -> None:
        self.close_connection = True
        if reset:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                       struct.pack("ii", 1, 0))
        self.connection.close()


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    proxy: FaultProxy

    def process_request(self, request: Any, client_address: Any) -> None:
        """Count the connection as in flight from its accept to its thread's end."""
        self.proxy.opened()
        super().process_request(request, client_address)

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.proxy.closed()

    def handle_error(self, request: object, client_address: object) -> None:
        """A client killed or gone mid-request is part of the tests, not an error to print."""
        if isinstance(sys.exc_info()[1], ConnectionError | TimeoutError):
            return
        super().handle_error(request, client_address)  # type: ignore[arg-type]


class FaultProxy:
    """A loopback proxy in front of a registry, with scripted faults and a request log."""

    def __init__(self, upstream: str) -> None:
        self.upstream = upstream
        self.seen: list[Seen] = []
        self._scripts: list[_Script] = []
        self._lock = threading.Lock()
        self._busy = 0
        self._idle = threading.Condition(self._lock)

    def script(self, method: str, path: str, *faults: Fault,
               forever: bool = False) -> FaultProxy:
        """Give the next matching requests these faults, in order; return the proxy.

        With ``forever``, the last fault is never used up.
        """
        with self._lock:
            self._scripts.append(_Script(method, re.compile(path), list(faults), forever))
        return self

    def reset(self) -> None:
        """Forget every script (unused faults included) and the request log."""
        with self._lock:
            self._scripts.clear()
            self.seen.clear()

    def opened(self) -> None:
        """Count a connection the server accepted."""
        with self._lock:
            self._busy += 1

    def closed(self) -> None:
        """Count a connection whose handler finished."""
        with self._lock:
            self._busy -= 1
            self._idle.notify_all()

    def settle(self, quiet: float = 0.2, timeout: float = 60.0) -> None:
        """Wait until no connection has been open for ``quiet`` seconds.

        A client killed after its request reached the proxy does not stop the proxy from
        forwarding it (a real network path does the same): the registry may act on it a
        moment after the client died. A test that reads the registry's state after a kill
        settles first, so that state is final. (The quiet spell covers a connection the
        kernel holds that the server has not accepted yet.)
        """
        deadline = time.monotonic() + timeout
        with self._idle:
            while True:
                left = deadline - time.monotonic()
                if not self._idle.wait_for(lambda: self._busy == 0, max(left, 0)):
                    raise TimeoutError(f"{self._busy} connection(s) still open after {timeout} s")
                if not self._idle.wait_for(lambda: self._busy > 0, quiet):
                    return

    def next_fault(self, method: str, path: str) -> Fault:
        """Return (and use up) the fault for a request: the first script that matches."""
        with self._lock:
            for s in self._scripts:
                if s.faults and s.method == method and s.pattern.search(path):
                    return s.faults[0] if s.forever and len(s.faults) == 1 else s.faults.pop(0)
        return Pass()

    def record(self, seen: Seen) -> None:
        """Log a request."""
        with self._lock:
            self.seen.append(seen)

    def requests(self, method: str, path: str = "") -> list[Seen]:
        """Return the logged requests with this method whose path matches ``path``."""
        pattern = re.compile(path)
        with self._lock:
            return [s for s in self.seen if s.method == method and pattern.search(s.path)]

    def count(self, method: str, path: str = "") -> int:
        """Return how many requests with this method and a matching path arrived."""
        return len(self.requests(method, path))

    @contextmanager
    def running(self) -> Iterator[str]:
        """Serve on a free loopback port; yield its ``host:port``."""
        server = _Server(("127.0.0.1", 0), Handler)
        server.proxy = self
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"127.0.0.1:{server.server_address[1]}"
        finally:
            server.shutdown()
            server.server_close()
            thread.join(timeout=5)
