"""Registry faults (issue 10 §1), injected by a proxy in front of the real local registry.

Every case checks three things: the right retries (counted at the proxy) or the right
exit code and diagnostic; a cache (``ORK_CACHE_DIR/objects``) in which every object
hashes to its name and none holds the bytes a faulty registry served; and, on failure,
``bundle.yaml`` and ``ork.lock`` exactly as they were.

Backoff is real (0.5 s, doubling), so a case that uses up its three retries takes about
3.5 s; the bounds on time below are lower bounds (the wait did happen) or generous upper
bounds (ork did not hang).
"""

from __future__ import annotations

import itertools
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from ork.canonical import sha256
from ork.registry import artifact
from ork.registry.oci import OciRegistry
from ork.registry.settings import RegistrySettings
from tests.conftest import Ork, Result
from tests.integration.conftest import LiveRegistry
from tests.integration.helpers import STDLIB, project, push_raw, push_stdlib, untouched

from .checks import objects, unverified_objects
from .faultproxy import (
    Chunked,
    Delay,
    Drip,
    Drop,
    Fault,
    FaultProxy,
    Gzip,
    Lost,
    Reset,
    Rewrite,
    Status,
    Then,
    Truncate,
    flip,
)

pytestmark = pytest.mark.integration

KATALOG = STDLIB / "katalogs" / "webapp-operator" / "v1.0.0"
FILES = artifact.read_pattern(KATALOG)
BLOB = sha256(FILES["katalog.yaml"])
BLOB_PATH = "/blobs/" + BLOB
MANIFEST_PATH = r"/manifests/sha256:"
RETRIES = 3


@pytest.fixture(scope="module")
def stdlib(registry: LiveRegistry, tmp_path_factory: pytest.TempPathFactory) -> LiveRegistry:
    """The registry, with every stdlib pattern pushed."""
    push_stdlib(registry.host, tmp_path_factory.mktemp("push"))
    return registry


@dataclass
class Setup:
    """A proxy in front of the registry and a project that imports through it."""

    proxy: FaultProxy
    host: str
    root: Path
    cache: Path

    def env(self, timeout: float = 5.0) -> dict[str, str]:
        """Return the environment: short names (the Motif) through the proxy too."""
        return {"ORK_REGISTRY": self.host, "ORK_REGISTRY_TIMEOUT": f"{timeout:g}"}


@pytest.fixture
def setup(stdlib: LiveRegistry, tmp_path: Path) -> Iterator[Setup]:
    """Yield a running proxy and a project importing webapp-operator:v1.0.0 through it."""
    proxy = FaultProxy(stdlib.host)
    with proxy.running() as host:
        root = project(tmp_path / "p", [f"oci://{host}/katalogs/webapp-operator:v1.0.0"])
        yield Setup(proxy, host, root, tmp_path / "ork-cache")


def _generate(ork: Ork, s: Setup, timeout: float = 5.0) -> Result:
    return ork("generate", "bundle", cwd=s.root, env=s.env(timeout))


def _succeeds(result: Result, s: Setup) -> None:
    assert result.code == 0, result
    assert b"kind: Katalog" in (s.root / "bundle.yaml").read_bytes()
    assert f"oci://{s.host}/katalogs/webapp-operator@sha256:" in (s.root / "ork.lock").read_text()
    assert unverified_objects(s.cache) == []


def _fails(result: Result, s: Setup, code: int, diagnostic: str) -> None:
    assert result.code == code, result
    assert f"error[{diagnostic}]" in result.stderr, result
    assert "Traceback" not in result.stderr, result
    assert untouched(s.root), f"an output file changed\n{result}"
    assert unverified_objects(s.cache) == []


def _unavailable(result: Result, s: Setup, *, ref: str, status: str) -> None:
    """Exit 4, registry-unavailable, naming the registry, the ref and the status."""
    _fails(result, s, 4, "registry-unavailable")
    head = result.stderr.splitlines()[0]
    assert f"registry {s.host}" in head, head
    assert ref in head, head
    assert status in head, head


# -- dropped and reset connections ----------------------------------------------------------

@pytest.mark.parametrize("fault", [Drop, Reset], ids=["dropped", "reset"])
def test_a_dropped_connection_is_retried(ork: Ork, setup: Setup, fault: type[Drop]) -> None:
    setup.proxy.script("GET", BLOB_PATH, fault(), fault())
    _succeeds(_generate(ork, setup), setup)
    assert [s.fault for s in setup.proxy.requests("GET", BLOB_PATH)] == \
        [fault.__name__.lower()] * 2 + ["pass"]


def test_connections_dropped_every_time_are_exit_4_after_3_retries(ork: Ork,
                                                                  setup: Setup) -> None:
    setup.proxy.script("GET", BLOB_PATH, *[Drop() for _ in range(10)])
    result = _generate(ork, setup)
    _unavailable(result, setup, ref=f"katalogs/webapp-operator@{BLOB}",
                 status="connection reset")
    assert setup.proxy.count("GET", BLOB_PATH) == 1 + RETRIES
    assert "komposer.yaml:6:" in result.stderr  # the import that asked for it


# -- 5xx and 429 -----------------------------------------------------------------------------

@pytest.mark.parametrize("code", [500, 502, 503])
def test_5xx_then_success_is_retried(ork: Ork, setup: Setup, code: int) -> None:
    setup.proxy.script("GET", BLOB_PATH, Status(code), Status(code))
    setup.proxy.script("GET", MANIFEST_PATH, Status(code))
    _succeeds(_generate(ork, setup), setup)
    assert setup.proxy.count("GET", BLOB_PATH) == 3
    statuses = [s.status for s in setup.proxy.requests("GET", BLOB_PATH)]
    assert statuses == [code, code, 200]


def test_5xx_every_time_is_exit_4_naming_registry_ref_and_status(ork: Ork,
                                                                 setup: Setup) -> None:
    setup.proxy.script("HEAD", "/katalogs/webapp-operator/manifests/v1.0.0",
                       *[Status(503) for _ in range(10)])
    result = _generate(ork, setup)
    _unavailable(result, setup, ref="katalogs/webapp-operator:v1.0.0", status="HTTP 503")
    seen = setup.proxy.requests("HEAD", "/manifests/v1.0.0")
    assert len(seen) == 1 + RETRIES
    gaps = [b.at - a.at for a, b in itertools.pairwise(seen)]
    # Doubling backoff from 0.5 s: lower bounds only, a loaded machine may be slower.
    assert all(g >= want for g, want in zip(gaps, (0.45, 0.9, 1.8), strict=True)), gaps


@pytest.mark.parametrize("retry_after", ["2", "http-date"])
def test_429_with_retry_after_is_honoured(ork: Ork, setup: Setup, retry_after: str) -> None:
    if retry_after == "http-date":
        from email.utils import formatdate

        retry_after = formatdate(time.time() + 3, usegmt=True)  # whole seconds: 2 to 3 s
    setup.proxy.script("GET", BLOB_PATH, Status(429, {"Retry-After": retry_after}))
    _succeeds(_generate(ork, setup), setup)
    first, second = setup.proxy.requests("GET", BLOB_PATH)
    assert (first.status, second.status) == (429, 200)
    assert second.at - first.at >= 1.9  # not the 0.5 s backoff: the registry's 2 s


def test_429_every_time_is_exit_4(ork: Ork, setup: Setup) -> None:
    setup.proxy.script("GET", BLOB_PATH, *[Status(429, {"Retry-After": "0"})
                                           for _ in range(10)])
    result = _generate(ork, setup)
    _unavailable(result, setup, ref=f"katalogs/webapp-operator@{BLOB}", status="HTTP 429")
    assert setup.proxy.count("GET", BLOB_PATH) == 1 + RETRIES


# -- slow registries -------------------------------------------------------------------------

def test_a_response_slower_than_the_timeout_is_exit_4(ork: Ork, setup: Setup) -> None:
    setup.proxy.script("GET", MANIFEST_PATH, Delay(4))
    start = time.monotonic()
    result = _generate(ork, setup, timeout=1)
    took = time.monotonic() - start
    _unavailable(result, setup, ref="katalogs/webapp-operator@sha256:",
                 status="no answer within 1 s")
    assert took < 20, took


def test_a_body_dripping_slower_than_the_timeout_is_exit_4(ork: Ork, setup: Setup) -> None:
    # Every byte comes within the read timeout; the whole answer does not.
    setup.proxy.script("GET", BLOB_PATH, Drip(0.2, limit=40))
    start = time.monotonic()
    result = _generate(ork, setup, timeout=1)
    took = time.monotonic() - start
    _unavailable(result, setup, ref=f"katalogs/webapp-operator@{BLOB}",
                 status="no answer within 1 s")
    assert took < 20, took


# -- wrong or short content ------------------------------------------------------------------

@pytest.mark.parametrize("fault", [Gzip, Chunked], ids=["gzip", "chunked"])
def test_a_compressed_or_chunked_answer_is_read(ork: Ork, setup: Setup,
                                                fault: type[Fault]) -> None:
    setup.proxy.script("GET", "/blobs/", fault(), forever=True)
    setup.proxy.script("GET", MANIFEST_PATH, fault(), forever=True)
    _succeeds(_generate(ork, setup), setup)
    assert {s.fault for s in setup.proxy.requests("GET", "/blobs/")} == {fault.__name__.lower()}


def test_a_truncated_blob_is_retried(ork: Ork, setup: Setup) -> None:
    setup.proxy.script("GET", BLOB_PATH, Truncate(100))
    _succeeds(_generate(ork, setup), setup)
    assert [s.fault for s in setup.proxy.requests("GET", BLOB_PATH)] == ["truncate", "pass"]


def test_a_blob_truncated_every_time_is_exit_4(ork: Ork, setup: Setup) -> None:
    setup.proxy.script("GET", BLOB_PATH, *[Truncate(100) for _ in range(10)])
    result = _generate(ork, setup)
    _unavailable(result, setup, ref=f"katalogs/webapp-operator@{BLOB}",
                 status="the answer was cut short")
    assert setup.proxy.count("GET", BLOB_PATH) == 1 + RETRIES


def _no_object_holds(cache: Path, served: bytes) -> None:
    assert served not in objects(cache).values()


@pytest.mark.parametrize("change", [flip, lambda b: b[: len(b) // 2]],
                         ids=["wrong-bytes", "short-with-honest-length"])
def test_wrong_bytes_for_a_blob_digest_are_a_digest_mismatch(ork: Ork, setup: Setup,
                                                              change: object) -> None:
    assert callable(change)
    setup.proxy.script("GET", BLOB_PATH, Rewrite(change))
    result = _generate(ork, setup)
    _fails(result, setup, 1, "digest-mismatch")
    assert BLOB in result.stderr, result
    assert setup.proxy.count("GET", BLOB_PATH) == 1  # a wrong answer is not retried
    _no_object_holds(setup.cache, change(FILES["katalog.yaml"]))


def test_wrong_bytes_for_a_manifest_digest_are_a_digest_mismatch(ork: Ork,
                                                                 setup: Setup) -> None:
    served: list[bytes] = []

    def corrupt(body: bytes) -> bytes:
        served.append(body.replace(b'"layers"', b'"layers" '))
        return served[-1]

    setup.proxy.script("GET", MANIFEST_PATH, Rewrite(corrupt))
    result = _generate(ork, setup)
    _fails(result, setup, 1, "digest-mismatch")
    _no_object_holds(setup.cache, served[0])


# -- a tag moved between resolve and fetch ---------------------------------------------------

def _two_versions(stdlib: LiveRegistry, repo: str, tmp: Path) -> tuple[str, str, bytes]:
    """Push v1.0.0 under ``repo:v1``; return its digest, v1.1.0's digest and v1.1.0's katalog."""
    newer = artifact.read_pattern(STDLIB / "katalogs" / "webapp-operator" / "v1.1.0")
    old = push_raw(stdlib.host, repo, "v1", FILES, tmp)
    new = artifact.build(newer).manifest
    return old, sha256(new), newer["katalog.yaml"]


def test_a_tag_moved_after_resolve_is_built_from_the_resolved_digest(
        ork: Ork, stdlib: LiveRegistry, tmp_path: Path) -> None:
    repo = "hardening/moved-after-resolve"
    old, new, _ = _two_versions(stdlib, repo, tmp_path)
    newer = artifact.read_pattern(STDLIB / "katalogs" / "webapp-operator" / "v1.1.0")
    proxy = FaultProxy(stdlib.host)
    proxy.script("HEAD", f"/{repo}/manifests/v1",
                 Then(lambda: push_raw(stdlib.host, repo, "v1", newer, tmp_path)))
    with proxy.running() as host:
        root = project(tmp_path / "p", [f"oci://{host}/{repo}:v1"])
        result = ork("generate", "bundle", cwd=root, env={"ORK_REGISTRY": host})
        assert result.code == 0, result
        lock = (root / "ork.lock").read_text()
        assert f"@{old}" in lock, lock
        assert f"@{new}" not in lock, lock
        assert proxy.count("GET", f"/manifests/{new}") == 0
        # The bundle is v1.0.0's throughout: the fixed /health probe, no v1.1.0 input.
        assert b"probePath" not in (root / "bundle.yaml").read_bytes()
        relocked = ork("lock", cwd=root, env={"ORK_REGISTRY": host})
        assert relocked.code == 0, relocked
        assert f"@{new}" in (root / "ork.lock").read_text()
    assert unverified_objects(tmp_path / "ork-cache") == []


def test_a_manifest_swapped_under_a_resolved_digest_is_a_digest_mismatch(
        ork: Ork, stdlib: LiveRegistry, tmp_path: Path) -> None:
    repo = "hardening/swapped"
    old, _, _ = _two_versions(stdlib, repo, tmp_path)
    newer = artifact.build(artifact.read_pattern(
        STDLIB / "katalogs" / "webapp-operator" / "v1.1.0")).manifest
    proxy = FaultProxy(stdlib.host)
    # A caching proxy that answers the resolved digest with what the tag holds now.
    proxy.script("GET", f"/{repo}/manifests/{old}", Rewrite(lambda _: newer))
    with proxy.running() as host:
        root = project(tmp_path / "p", [f"oci://{host}/{repo}:v1"])
        result = ork("generate", "bundle", cwd=root, env={"ORK_REGISTRY": host})
    assert result.code == 1, result
    assert "error[digest-mismatch]" in result.stderr, result
    assert old in result.stderr
    assert untouched(root)
    assert newer not in objects(tmp_path / "ork-cache").values()
    assert unverified_objects(tmp_path / "ork-cache") == []


# -- ork push ----------------------------------------------------------------------------------

def _push(ork: Ork, proxy: FaultProxy, host: str, repo: str, tmp: Path) -> Result:
    pattern = tmp / "pattern"
    if not pattern.exists():
        shutil.copytree(KATALOG, pattern)
    (pattern / "README.md").write_text(f"# pushed to {repo}\n")  # a blob the registry lacks
    return ork("push", f"oci://{host}/{repo}:v1.0.0", str(pattern), cwd=tmp,
               env={"ORK_REGISTRY": host, "ORK_REGISTRY_TIMEOUT": "5"})


def _whole_tag(stdlib: LiveRegistry, repo: str, tmp: Path) -> None:
    """The tag names an artifact whose every blob is there and verifies."""
    registry = OciRegistry(stdlib.host, RegistrySettings(cwd=tmp, root=tmp))
    digest = registry.resolve(repo, "v1.0.0")
    manifest = artifact.parse_manifest(registry.manifest(repo, digest)[0], digest, repo)
    files = {layer.title: registry.blob(repo, layer.digest) for layer in manifest.layers}
    assert files["README.md"] == f"# pushed to {repo}\n".encode()


@pytest.mark.parametrize(("method", "path", "fault"), [
    ("PUT", "/manifests/", Status(503)), ("PUT", "/blobs/uploads/", Status(502)),
    ("PUT", "/blobs/uploads/", Drop()), ("HEAD", "/blobs/", Status(500)),
    ("PUT", "/manifests/", Lost()), ("PUT", "/blobs/uploads/", Lost()),
], ids=["manifest-503", "blob-502", "blob-dropped", "head-500", "manifest-answer-lost",
        "blob-answer-lost"])
def test_push_retries_idempotent_requests(ork: Ork, stdlib: LiveRegistry, tmp_path: Path,
                                          method: str, path: str, fault: Fault) -> None:
    repo = f"hardening/push/{method.lower()}-{type(fault).__name__.lower()}-{path[1:6]}"
    proxy = FaultProxy(stdlib.host).script(method, path, fault)
    with proxy.running() as host:
        result = _push(ork, proxy, host, repo, tmp_path)
    assert result.code == 0, result
    assert [s.fault for s in proxy.requests(method, path)][:2] == [fault.name, "pass"]
    _whole_tag(stdlib, repo, tmp_path)
    assert unverified_objects(tmp_path / "ork-cache") == []


def test_push_does_not_retry_starting_an_upload(ork: Ork, stdlib: LiveRegistry,
                                                tmp_path: Path) -> None:
    repo = "hardening/push/post-503"
    proxy = FaultProxy(stdlib.host).script("POST", "/blobs/uploads/", Status(503))
    with proxy.running() as host:
        result = _push(ork, proxy, host, repo, tmp_path)
    assert result.code == 4, result
    assert "error[registry-unavailable]" in result.stderr
    assert f"registry {host}" in result.stderr
    assert f"{repo}:v1.0.0" in result.stderr
    assert "HTTP 503" in result.stderr
    assert proxy.count("POST", "/blobs/uploads/") == 1  # POST is not idempotent
    assert proxy.count("PUT", "/manifests/") == 0  # no manifest without its blobs
    assert unverified_objects(tmp_path / "ork-cache") == []
