"""Helpers for the integration tests: raw pushes, projects with sentinel outputs, a proxy."""

from __future__ import annotations

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


def komposer(root: Path, imports: list[str]) -> Path:
    """Write ``root/komposer.yaml`` importing ``imports`` from registries; return ``root``."""
    root.mkdir(parents=True, exist_ok=True)
    lines = "".join(f"    - {ref}\n" for ref in imports)
    (root / "komposer.yaml").write_text(
        "apiVersion: orkestra.orkspace.io/v1\nkind: Komposer\nmetadata: {name: it}\n"
        f"imports:\n  registry:\n{lines}")
    return root


def project(root: Path, imports: list[str]) -> Path:
    """Write a Komposer importing ``imports``, with sentinel bundle.yaml and ork.lock."""
    komposer(root, imports)
    (root / "bundle.yaml").write_bytes(SENTINEL)
    (root / "ork.lock").write_bytes(SENTINEL)
    return root


def untouched(root: Path) -> bool:
    """Return whether the sentinel outputs are exactly as written."""
    return all((root / n).read_bytes() == SENTINEL for n in ("bundle.yaml", "ork.lock"))


@contextmanager
def corrupting_proxy(upstream: str, digest: str) -> Iterator[str]:
    """Run a loopback HTTP proxy to ``upstream`` that flips the bytes of one blob."""
    from tests.hardening.faultproxy import FaultProxy, Rewrite, flip

    proxy = FaultProxy(upstream).script("GET", "/blobs/" + digest, Rewrite(flip), forever=True)
    with proxy.running() as host:
        yield host
