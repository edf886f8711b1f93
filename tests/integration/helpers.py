"""Helpers for the integration tests: raw pushes, projects with sentinel outputs, a proxy."""

from __future__ import annotations

import http.server
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from ork.registry import artifact
from ork.registry.oci import OciRegistry
from ork.registry.settings import RegistrySettings

REPO = Path(__file__).resolve().parents[2]
STDLIB = REPO / "stdlib"
SENTINEL = b"# sentinel: a failed build must not touch this file\nlockVersion: 1\nsources: []\n"


def push_raw(host: str, repository: str, tag: str, files: Mapping[str, bytes],
             tmp: Path) -> str:
    """Push files as a pattern artifact with the library (no validation); return the digest."""
    built = artifact.build(files)
    reg = OciRegistry(host, RegistrySettings(cwd=tmp, root=tmp))
    return reg.push(repository, tag, built.blobs, built.manifest)


def push_manifest(host: str, repository: str, tag: str, blobs: Mapping[str, bytes],
                  manifest: bytes, tmp: Path) -> str:
    """Push hand-made blobs and manifest bytes; return the digest."""
    reg = OciRegistry(host, RegistrySettings(cwd=tmp, root=tmp))
    return reg.push(repository, tag, blobs, manifest)


def push_stdlib(host: str, tmp: Path) -> None:
    """Push every stdlib pattern, as the embedded registry holds it."""
    for group in ("katalogs", "motifs"):
        for version in sorted((STDLIB / group).glob("*/*")):
            push_raw(host, f"{group}/{version.parent.name}", version.name,
                     artifact.read_pattern(version), tmp)


def project(root: Path, imports: list[str]) -> Path:
    """Write a Komposer importing ``imports``, with sentinel bundle.yaml and ork.lock."""
    root.mkdir(parents=True, exist_ok=True)
    lines = "".join(f"    - {ref}\n" for ref in imports)
    (root / "komposer.yaml").write_text(
        "apiVersion: orkestra.orkspace.io/v1\nkind: Komposer\nmetadata: {name: it}\n"
        f"imports:\n  registry:\n{lines}")
    (root / "bundle.yaml").write_bytes(SENTINEL)
    (root / "ork.lock").write_bytes(SENTINEL)
    return root


def untouched(root: Path) -> bool:
    """Return whether the sentinel outputs are exactly as written."""
    return all((root / n).read_bytes() == SENTINEL for n in ("bundle.yaml", "ork.lock"))


@contextmanager
def corrupting_proxy(upstream: str, digest: str) -> Iterator[str]:
    """Run a loopback HTTP proxy to ``upstream`` that flips the bytes of one blob."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self._forward("GET")

        def do_HEAD(self) -> None:
            self._forward("HEAD")

        def _forward(self, method: str) -> None:
            headers = {k: v for k, v in self.headers.items() if k.lower() == "accept"}
            req = urllib.request.Request(f"http://{upstream}{self.path}", method=method,
                                         headers=headers)
            try:
                with urllib.request.urlopen(req, timeout=10) as resp:
                    status, body, got = resp.status, resp.read(), dict(resp.headers)
            except urllib.error.HTTPError as exc:
                status, body, got = exc.code, exc.read(), dict(exc.headers)
            if self.path.endswith("/blobs/" + digest):
                body = bytes(b ^ 0x20 for b in body)
            self.send_response(status)
            for key in ("Content-Type", "Docker-Content-Digest"):
                if key in got:
                    self.send_header(key, got[key])
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if method == "GET":
                self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)

