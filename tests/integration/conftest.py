"""Real OCI registries for the integration tests: the CNCF distribution registry.

Each fixture starts Debian's ``docker-registry`` (``scripts/ensure-registry`` installs it)
as ``docker-registry serve CONFIG`` on a free loopback port with a temporary storage
directory, waits until ``/v2/`` answers, and stops it by PID. A missing binary FAILS the
tests, unless ``ORK_SKIP_INTEGRATION=1`` says to skip them knowingly.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

USER, PASSWORD = "ork-test", "correct-horse-battery"


@dataclass(frozen=True)
class LiveRegistry:
    """A running registry: its host:port and where it keeps things."""

    host: str
    root: Path

    def url(self, path: str) -> str:
        """Return the plain-HTTP URL of an API path."""
        return f"http://{self.host}{path}"


def _binary() -> str:
    if os.environ.get("ORK_SKIP_INTEGRATION") == "1":
        pytest.skip("ORK_SKIP_INTEGRATION=1")
    found = shutil.which("docker-registry")
    if found is None:
        pytest.fail("docker-registry is not installed: run scripts/ensure-registry (or set "
                    "ORK_SKIP_INTEGRATION=1 to skip the integration tests knowingly)")
    return found


def free_port() -> int:
    """Return a TCP port that was free on 127.0.0.1 a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _config(root: Path, port: int, htpasswd: Path | None) -> Path:
    auth = (f"auth:\n  htpasswd:\n    realm: ork-test\n    path: {htpasswd}\n"
            if htpasswd else "")
    text = (f"version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\n"
            f"storage:\n  filesystem:\n    rootdirectory: {root / 'data'}\n"
            f"  delete:\n    enabled: true\n"
            f"http:\n  addr: 127.0.0.1:{port}\n  secret: ork-integration-tests\n{auth}")
    path = root / "config.yml"
    path.write_text(text)
    return path


def _ready(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1):
            return True
    except urllib.error.HTTPError as exc:
        return exc.code == 401
    except OSError:
        return False


def _serve(root: Path, htpasswd: Path | None) -> Iterator[LiveRegistry]:
    binary = _binary()
    for _ in range(3):  # the port may be taken between free_port() and the bind
        port = free_port()
        log = (root / "registry.log").open("wb")
        proc = subprocess.Popen([binary, "serve", str(_config(root, port, htpasswd))],
                                stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and proc.poll() is None:
            if _ready(f"http://127.0.0.1:{port}/v2/"):
                break
            time.sleep(0.05)
        if proc.poll() is None:
            try:
                yield LiveRegistry(f"127.0.0.1:{port}", root)
            finally:
                proc.terminate()
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
                log.close()
            return
        log.close()
    pytest.fail("docker-registry did not start:\n" + (root / "registry.log").read_text())


@pytest.fixture(scope="session")
def registry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveRegistry]:
    """A registry without authentication."""
    yield from _serve(tmp_path_factory.mktemp("registry"), None)


@pytest.fixture(scope="session")
def auth_registry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveRegistry]:
    """A registry requiring basic auth (htpasswd with a bcrypt hash)."""
    import bcrypt

    root = tmp_path_factory.mktemp("auth-registry")
    htpasswd = root / "htpasswd"
    hashed = bcrypt.hashpw(PASSWORD.encode(), bcrypt.gensalt(rounds=5)).decode()
    htpasswd.write_text(f"{USER}:{hashed}\n")
    yield from _serve(root, htpasswd)
