"""Crash safety of ``ork push`` (issue 10 §3): ``kill -9`` at random moments, 50 times.

Each push carries new content (a new README blob, so a new manifest), to the same tag.
Half the kills come at a random moment of the run (mostly the pattern's compile, which
writes the cache); the other half at a random request of the upload, as the proxy in
front of the registry receives it, before or after passing it on. After every kill the
tag names the previous artifact or the new one, never one with a missing blob: ``ork
pull`` of the tag succeeds and gives exactly that artifact's files; every object in the
local cache hashes to its name; and every fifth time the next push, not killed, succeeds.
"""

from __future__ import annotations

import random
import shutil
import subprocess
import threading
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from ork.canonical import sha256
from ork.registry import artifact
from ork.registry.oci import OciRegistry
from ork.registry.settings import RegistrySettings
from tests.integration.conftest import LiveRegistry
from tests.integration.helpers import STDLIB

from .checks import unverified_objects
from .faultproxy import Answer, Fault, FaultProxy, Pass
from .killing import child, temps_per_directory, timed
from .projects import environment, run

pytestmark = pytest.mark.integration

REPS = 50
LANES = 2
MOTIF = STDLIB / "motifs" / "web-service" / "v1.0.0"
# The requests of a push whose README changed: a HEAD per blob (three), then the new blob's
# upload (POST, PUT), then the manifest (PUT).
UPLOAD = [("HEAD", "/blobs/sha256:"), ("POST", "/blobs/uploads/"), ("PUT", "/blobs/uploads/"),
          ("PUT", "/manifests/")]


class Victim:
    """The process a fault kills; set before each run."""

    def __init__(self) -> None:
        self.proc: subprocess.Popen[bytes] | None = None
        self.lock = threading.Lock()

    def kill(self) -> None:
        """SIGKILL the current process, if it still runs."""
        with self.lock:
            if self.proc is not None and self.proc.poll() is None:
                self.proc.kill()


class KillAt(Fault):
    """Kill the pushing process when this request arrives (or once the registry answered)."""

    def __init__(self, victim: Victim, *, after: bool) -> None:
        self.victim = victim
        self.after = after
        # Killed before the registry sees it: the request must never reach the registry.
        # (Forwarding it anyway raced the next repetition: a manifest PUT from a killed
        # push landed after the test had read the tag it expected.)
        self.upstream = after

    def before(self) -> None:
        """Kill before the registry sees the request."""
        if not self.after:
            self.victim.kill()

    def answer(self, got: Answer | None) -> Answer | None:
        """Kill after the registry handled it, before ork hears back."""
        if self.after:
            self.victim.kill()
        return got


def _tag_digest(host: str, repo: str) -> str | None:
    req = urllib.request.Request(f"http://{host}/v2/{repo}/manifests/v1.0.0", method="HEAD",
                                 headers={"Accept": artifact.MANIFEST_TYPE})
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.headers["Docker-Content-Digest"]
    except urllib.error.HTTPError as exc:
        if exc.code != 404:
            raise
        return None


def _files(host: str, repo: str, digest: str, tmp: Path) -> dict[str, bytes]:
    """Return an artifact's files, each blob fetched and verified against its digest."""
    registry = OciRegistry(host, RegistrySettings(cwd=tmp, root=tmp))
    data, _ = registry.manifest(repo, digest)
    manifest = artifact.parse_manifest(data, digest, repo)
    return {layer.title: registry.blob(repo, layer.digest) for layer in manifest.layers}


def _variant(directory: Path, rep: str) -> str:
    """Write the pattern with a README of its own; return its manifest digest."""
    shutil.copytree(MOTIF, directory, dirs_exist_ok=True)
    (directory / "README.md").write_text(f"# web-service, push {rep}\n")
    return sha256(artifact.build(artifact.read_pattern(directory)).manifest)


def _lane(stdlib: LiveRegistry, tmp: Path, lane: int, span: float) -> int:
    """Kill REPS / LANES pushes to one repository; return how many kills hit the upload."""
    rng = random.Random(lane)
    repo = f"hardening/crash/lane{lane}/web-service"
    work, cache = tmp / f"lane{lane}", tmp / "cache"
    env = environment(cache)
    victim, proxy = Victim(), FaultProxy(stdlib.host)
    contents: dict[str, dict[str, bytes]] = {}
    uploads = 0
    with proxy.running() as host:
        for rep in range(REPS // LANES):
            pattern = work / f"r{rep}"
            digest = _variant(pattern, f"{lane}-{rep}")
            contents[digest] = artifact.read_pattern(pattern)
            before = _tag_digest(stdlib.host, repo)
            proxy.reset()
            at_request = rep % 2 == 1
            if at_request:  # one of the upload's requests, chosen at random
                method, path = rng.choice(UPLOAD)
                skip = [Pass()] * rng.randint(0, 2 if method == "HEAD" else 0)
                proxy.script(method, path, *skip, KillAt(victim, after=rng.random() < 0.5))
            cmd = child(["push", f"oci://{host}/{repo}:v1.0.0", str(pattern)])
            with victim.lock:
                victim.proc = subprocess.Popen(cmd, cwd=tmp, env=env,
                                               stdout=subprocess.DEVNULL,
                                               stderr=subprocess.DEVNULL)
            try:
                code = victim.proc.wait(timeout=120 if at_request else rng.uniform(0, span))
            except subprocess.TimeoutExpired:
                victim.kill()
                code = victim.proc.wait()
            proxy.settle()  # a request the killed push had already sent lands first
            killed_in_upload = at_request and code != 0
            uploads += killed_in_upload
            assert code in (0, -9), f"push exited {code}"
            _check(stdlib, repo, before, digest, contents, tmp, env, settle=rep % 5 == 4)
    return uploads


def _check(stdlib: LiveRegistry, repo: str, before: str | None, digest: str,
           contents: dict[str, dict[str, bytes]], tmp: Path, env: dict[str, str], *,
           settle: bool) -> None:
    now = _tag_digest(stdlib.host, repo)
    assert now in (before, digest), "the tag names neither the previous nor the new artifact"
    cache = tmp / "cache"
    assert unverified_objects(cache) == []
    assert {d: n for d, n in temps_per_directory(cache).items() if n > LANES} == {}
    if now is not None:  # every blob is there, and verifies
        assert _files(stdlib.host, repo, now, tmp) == contents[now]
    if now is not None and settle:
        out = tmp / f"pulled-{now[7:19]}"
        code, text = run(["pull", f"oci://{stdlib.host}/{repo}:v1.0.0", "-o", str(out)],
                         cwd=tmp, env=env)
        assert code == 0, text
        assert {p.name: p.read_bytes() for p in out.iterdir()} == contents[now]
    if settle:
        pattern = tmp / "settle" / repo
        fresh = _variant(pattern, f"settle-{digest}")
        contents[fresh] = artifact.read_pattern(pattern)
        code, text = run(["push", f"oci://{stdlib.host}/{repo}:v1.0.0", str(pattern)],
                         cwd=tmp, env=env)
        assert code == 0, text
        assert _tag_digest(stdlib.host, repo) == fresh


def test_kill_9_during_push_leaves_the_tag_whole(registry: LiveRegistry,
                                                  tmp_path: Path) -> None:
    warm = tmp_path / "warm"
    _variant(warm, "warm-up")
    env = environment(tmp_path / "cache")
    span = timed(child(["push", f"oci://{registry.host}/hardening/crash/warm:v1.0.0",
                        str(warm)]), cwd=tmp_path, env=env)
    with ThreadPoolExecutor(LANES) as pool:
        lanes = [pool.submit(_lane, registry, tmp_path, lane, span) for lane in range(LANES)]
        uploads = sum(f.result() for f in lanes)
    print(f"push: span {span:.2f} s, {uploads} of {REPS} kills during the upload")
    assert uploads >= REPS // 3, uploads
