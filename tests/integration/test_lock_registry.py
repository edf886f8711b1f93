"""ork.lock against a real distribution registry: pins hold while tags move.

Each test pushes the stdlib patterns under its own repository prefix (the registry is
shared by the session, and these tests move tags), and points Motif short names there with
``ORK_MOTIFS_REGISTRY=HOST/PREFIX/motifs``.
"""

from __future__ import annotations

import difflib
import hashlib
import http.server
import json
import re
import shutil
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from ork import lockfile
from ork.registry import artifact
from tests.conftest import Ork

from .conftest import LiveRegistry
from .helpers import STDLIB, push_raw

pytestmark = pytest.mark.integration


class Project:
    """A Komposer importing stdlib Katalogs from the live registry under a private prefix."""

    def __init__(self, ork: Ork, registry: LiveRegistry, root: Path, prefix: str,
                 host: str | None = None) -> None:
        self.ork, self.registry, self.root, self.prefix = ork, registry, root, prefix
        self.host = host or registry.host
        self.env = {"ORK_MOTIFS_REGISTRY": f"{self.host}/{prefix}/motifs"}
        root.mkdir(parents=True, exist_ok=True)

    def ref(self, name: str, tag: str) -> str:
        """Return the oci:// ref of a stdlib Katalog under this project's prefix."""
        return f"oci://{self.host}/{self.prefix}/katalogs/{name}:{tag}"

    def push_stdlib(self) -> None:
        """Push every stdlib pattern under the prefix."""
        for group in ("katalogs", "motifs"):
            for version in sorted((STDLIB / group).glob("*/*")):
                push_raw(self.registry.host, f"{self.prefix}/{group}/{version.parent.name}",
                         version.name, artifact.read_pattern(version), self.root)

    def move_tag(self, group: str, name: str, tag: str, note: str = "moved") -> str:
        """Push other bytes under an existing tag; return the new manifest digest."""
        files = artifact.read_pattern(STDLIB / group / name / tag)
        main = "motif.yaml" if group == "motifs" else "katalog.yaml"
        files[main] += f"# {note}\n".encode()
        return push_raw(self.registry.host, f"{self.prefix}/{group}/{name}", tag, files,
                        self.root)

    def komposer(self, *imports: str) -> None:
        """Write komposer.yaml importing ``imports`` in that order."""
        lines = "".join(f"    - {ref}\n" for ref in imports)
        (self.root / "komposer.yaml").write_text(
            "apiVersion: orkestra.orkspace.io/v1\nkind: Komposer\nmetadata: {name: it}\n"
            f"imports:\n  registry:\n{lines}")

    def run(self, *args: str, code: int = 0, env: dict[str, str] | None = None) -> str:
        """Run ork in the project; assert the exit code; return stdout."""
        done = self.ork(*args, cwd=self.root, env={**self.env, **(env or {})})
        assert done.code == code, done
        return done.stdout

    def lock_text(self) -> str:
        """Return the text of ork.lock."""
        return (self.root / "ork.lock").read_text()

    def pins(self) -> dict[str, str]:
        """Return ref → pinned digest."""
        lock = lockfile.loads((self.root / "ork.lock").read_bytes(), "ork.lock")
        return {e.ref: e.digest for e in lock.sources}


@pytest.fixture
def prefix(request: pytest.FixtureRequest) -> str:
    """Return a repository prefix private to this test."""
    return "lock-" + hashlib.sha256(request.node.nodeid.encode()).hexdigest()[:12]


@pytest.fixture
def proj(ork: Ork, registry: LiveRegistry, tmp_path: Path, prefix: str) -> Project:
    """The 07-upgrade story on the live registry: webapp v1.1.0 and platform-app v1.0.0."""
    p = Project(ork, registry, tmp_path / "p", prefix)
    p.push_stdlib()
    p.komposer(p.ref("webapp-operator", "v1.1.0"), p.ref("platform-app-operator", "v1.0.0"))
    return p


def changed_lines(old: str, new: str) -> list[str]:
    """Return the ``-``/``+`` lines of a zero-context unified diff."""
    diff = difflib.unified_diff(old.splitlines(), new.splitlines(), lineterm="", n=0)
    return [line for line in diff if line[:1] in "+-" and line[:3] not in ("---", "+++")]


def block(text: str, ref: str) -> list[str]:
    """Return the lines of the lock entry for ``ref``."""
    lines = text.splitlines()
    start = lines.index(f"  - ref: {ref}")
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("  - ref: ")),
               len(lines))
    return lines[start:end]


def test_pins_hold_when_a_tag_moves(proj: Project) -> None:
    platform = proj.ref("platform-app-operator", "v1.0.0")
    proj.run("generate", "bundle")
    lock, bundle = proj.lock_text(), (proj.root / "bundle.yaml").read_bytes()
    pinned = proj.pins()
    assert sorted(pinned) == sorted([platform, proj.ref("webapp-operator", "v1.1.0"),
                                     "platform-admission:v1.0.0", "web-service:v1.0.0",
                                     "web-service:v1.1.0"])
    assert f"resolved: oci://{proj.host}/{proj.prefix}/motifs/web-service@" in lock

    moved = proj.move_tag("katalogs", "platform-app-operator", "v1.0.0")
    moved_web = proj.move_tag("motifs", "web-service", "v1.1.0")
    assert moved != pinned[platform]
    proj.run("generate", "bundle")
    assert proj.lock_text() == lock
    assert (proj.root / "bundle.yaml").read_bytes() == bundle

    (proj.root / "bundle.yaml").unlink()
    cold = str(proj.root.parent / "cold-cache")
    proj.run("generate", "bundle", "--locked", env={"ORK_CACHE_DIR": cold})
    assert (proj.root / "bundle.yaml").read_bytes() == bundle
    assert proj.lock_text() == lock

    proj.run("lock", "--check", code=2)
    out = proj.run("lock", "--update", "platform-app-operator")
    assert "TAG MOVED" in out
    after = proj.pins()
    assert after[platform] == moved
    assert after["web-service:v1.1.0"] == pinned["web-service:v1.1.0"] != moved_web
    old_block = block(lock, platform)
    changed = changed_lines(lock, proj.lock_text())
    assert [line[1:] for line in changed if line[0] == "-"] == [
        line for line in old_block if line.lstrip().startswith(("resolved:", "katalog.yaml:"))]
    assert [line[1:] for line in changed if line[0] == "+"] == [
        line for line in block(proj.lock_text(), platform)
        if line.lstrip().startswith(("resolved:", "katalog.yaml:"))]


def test_lock_diff_flags_the_moved_tag_in_every_format(proj: Project) -> None:
    proj.run("lock")
    shutil.copyfile(proj.root / "ork.lock", proj.root / "old.lock")
    moved = proj.move_tag("katalogs", "webapp-operator", "v1.1.0")
    proj.run("lock", "--update", proj.ref("webapp-operator", "v1.1.0"))
    text = proj.run("lock", "diff", "old.lock", "ork.lock")
    assert re.search(r"^! webapp-operator \(Katalog\)  v1\.1\.0  sha256:\w{12} → "
                     rf"sha256:{moved[7:19]}  TAG MOVED$", text, re.M), text
    assert text.endswith("1 source changed: 1 tag moved.\n")
    markdown = proj.run("lock", "diff", "old.lock", "ork.lock", "--format", "markdown")
    assert "| `webapp-operator` (Katalog) | **tag moved** ⚠️ | v1.1.0 |" in markdown
    assert f"`{moved}`" in markdown  # the full digest, in the details block
    data = json.loads(proj.run("lock", "diff", "old.lock", "ork.lock", "--format", "json"))
    assert data["formatVersion"] == 1
    [change] = data["changes"]
    assert (change["action"], change["tagMoved"], change["after"]["digest"]) == \
        ("tag-moved", True, moved)


class Recorder:
    """A loopback HTTP proxy to the registry that records every request line."""

    def __init__(self, upstream: str) -> None:
        self.upstream = upstream
        self.requests: list[tuple[str, str]] = []

    def tag_requests(self) -> list[str]:
        """Return the manifest requests made by tag rather than by digest."""
        return [f"{m} {p}" for m, p in self.requests
                if "/manifests/" in p and not p.rsplit("/", 1)[1].startswith("sha256:")]

    @contextmanager
    def running(self) -> Iterator[str]:
        """Serve until the block ends; yield the proxy's host:port."""
        recorder = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self._forward("GET")

            def do_HEAD(self) -> None:
                self._forward("HEAD")

            def _forward(self, method: str) -> None:
                recorder.requests.append((method, self.path))
                headers = {k: v for k, v in self.headers.items() if k.lower() == "accept"}
                req = urllib.request.Request(f"http://{recorder.upstream}{self.path}",
                                             method=method, headers=headers)
                try:
                    with urllib.request.urlopen(req, timeout=10) as resp:
                        status, body, got = resp.status, resp.read(), dict(resp.headers)
                except urllib.error.HTTPError as exc:
                    status, body, got = exc.code, exc.read(), dict(exc.headers)
                self.send_response(status)
                for key in ("Content-Type", "Docker-Content-Digest", "Content-Length"):
                    if key in got:
                        self.send_header(key, got[key])
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


def test_locked_never_asks_the_registry_to_resolve_a_tag(
        ork: Ork, registry: LiveRegistry, tmp_path: Path, prefix: str) -> None:
    recorder = Recorder(registry.host)
    with recorder.running() as host:
        proj = Project(ork, registry, tmp_path / "p", prefix, host=host)
        proj.push_stdlib()
        proj.komposer(proj.ref("webapp-operator", "v1.1.0"),
                      proj.ref("platform-app-operator", "v1.0.0"))
        proj.run("lock")
        assert len(recorder.tag_requests()) == 5, recorder.requests  # the control
        bundle_env = {"ORK_CACHE_DIR": str(tmp_path / "cold")}
        recorder.requests.clear()
        proj.run("generate", "bundle", "--locked", env=bundle_env)
        assert recorder.requests, "a cold cache must fetch the pinned digests"
        assert recorder.tag_requests() == []
        recorder.requests.clear()
        proj.run("generate", "bundle", "--locked", env=bundle_env)
        proj.run("generate", "bundle", "--locked", "--explain", env=bundle_env)
        assert recorder.requests == []  # warm: nothing at all
        proj.move_tag("katalogs", "webapp-operator", "v1.1.0")
        proj.komposer(proj.ref("webapp-operator", "v1.1.0"),
                      proj.ref("platform-app-operator", "v1.1.0"))
        recorder.requests.clear()
        proj.run("generate", "bundle", "--locked", code=3, env=bundle_env)
        assert recorder.tag_requests() == []


def test_locked_lists_every_problem_against_a_registry(proj: Project) -> None:
    proj.run("lock")
    lock = proj.lock_text()
    bumped = proj.ref("platform-app-operator", "v1.1.0")
    proj.komposer(proj.ref("webapp-operator", "v1.1.0"), bumped)
    done = proj.ork("generate", "bundle", "--locked", cwd=proj.root, env=proj.env)
    assert done.code == 3, done
    assert [line for line in done.stderr.splitlines() if "error[" in line] == [
        f"komposer.yaml:7:7: error[lock-stale]: {bumped} is missing from ork.lock",
        f"ork.lock:4:5: error[lock-stale]: ork.lock pins "
        f"{proj.ref('platform-app-operator', 'v1.0.0')}, which no source requires any more "
        "(extra entry)",
        "ork.lock:26:5: error[lock-stale]: ork.lock pins platform-admission:v1.0.0, which no "
        "source requires any more (extra entry)",
        "ork.lock:36:5: error[lock-stale]: ork.lock pins web-service:v1.0.0, which no source "
        "requires any more (extra entry)",
    ]
    assert proj.lock_text() == lock


def test_offline_lock_never_answers_from_remembered_tags(proj: Project) -> None:
    webapp = proj.ref("webapp-operator", "v1.1.0")
    proj.run("lock")  # online: the cache remembers what every tag meant
    lock = proj.lock_text()
    proj.move_tag("katalogs", "webapp-operator", "v1.1.0")
    for args in (["lock", "--check"], ["lock"], ["lock", "--update", "webapp-operator"]):
        done = proj.ork(*args, cwd=proj.root, env={**proj.env, "ORK_OFFLINE": "1"})
        assert done.code == 4, (args, done)
        assert done.stderr.count("error[") == 1, (args, done)  # one, naming every tag
        assert "error[offline-miss]" in done.stderr, (args, done)
        assert f"missing tag: {webapp}" in done.stderr, (args, done)
        assert "up to date" not in done.stdout + done.stderr
        assert "unchanged" not in done.stdout + done.stderr
        assert proj.lock_text() == lock
    online = proj.run("lock", "--check", code=2, env={"ORK_OFFLINE": ""})
    assert "TAG MOVED" in online
