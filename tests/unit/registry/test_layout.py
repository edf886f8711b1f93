"""OCI image layouts: write, read back, verify; the embedded one is read-only and current."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ork.errors import SourceError, UsageError
from ork.registry import artifact
from ork.registry.layout import LayoutRegistry
from ork.registry.layoutbuild import build_layout
from ork.resources import embedded_registry

from .conftest import PATTERN

REPO = Path(__file__).resolve().parents[3]


def _pushed(tmp_path: Path) -> tuple[LayoutRegistry, artifact.Artifact]:
    layout = LayoutRegistry(tmp_path / "lay", name="oci-layout://lay", writable=True)
    built = artifact.build(PATTERN)
    assert layout.push("katalogs/fixture-operator", "v1.2.3", built.blobs,
                       built.manifest) == built.digest
    return layout, built


def test_push_then_read_back(tmp_path: Path) -> None:
    layout, built = _pushed(tmp_path)
    assert (tmp_path / "lay" / "oci-layout").read_bytes() == b'{"imageLayoutVersion":"1.0.0"}'
    assert layout.resolve("katalogs/fixture-operator", "v1.2.3") == built.digest
    assert layout.manifest("katalogs/fixture-operator", "v1.2.3") == (built.manifest,
                                                                       built.digest)
    for digest, data in built.blobs.items():
        assert layout.blob("katalogs/fixture-operator", digest) == data
    assert layout.tags("katalogs/fixture-operator") == ["v1.2.3"]
    index = json.loads((tmp_path / "lay" / "index.json").read_bytes())
    assert index["manifests"][0]["annotations"] == {
        "org.opencontainers.image.ref.name": "katalogs/fixture-operator:v1.2.3"}


def test_missing_tag_names_the_known_tags(tmp_path: Path) -> None:
    layout, _ = _pushed(tmp_path)
    with pytest.raises(SourceError, match="not in oci-layout://lay") as info:
        layout.resolve("katalogs/fixture-operator", "v9")
    assert info.value.code == "not-found"
    assert "v1.2.3" in (info.value.diagnostics[0].hint or "")


def test_a_corrupt_blob_is_a_digest_mismatch(tmp_path: Path) -> None:
    layout, built = _pushed(tmp_path)
    digest = next(d for d, data in built.blobs.items() if data == PATTERN["katalog.yaml"])
    (tmp_path / "lay" / "blobs" / "sha256" / digest.split(":")[1]).write_bytes(b"evil")
    with pytest.raises(SourceError, match="hashes to") as info:
        layout.blob("katalogs/fixture-operator", digest)
    assert info.value.code == "digest-mismatch"


def test_a_blob_path_cannot_escape_the_layout(tmp_path: Path) -> None:
    layout, _ = _pushed(tmp_path)
    with pytest.raises(SourceError, match="not a sha256 digest"):
        layout.blob("x", "sha256:../../etc/passwd")


def test_the_embedded_registry_is_read_only() -> None:
    embedded = LayoutRegistry(embedded_registry(), name="the embedded registry")
    with pytest.raises(UsageError, match="read-only"):
        embedded.push("katalogs/x", "v1", {}, b"{}")


def test_registry_build_is_reproducible(tmp_path: Path) -> None:
    first = build_layout(REPO / "stdlib", tmp_path / "a")
    second = build_layout(REPO / "stdlib", tmp_path / "b")
    assert first == second
    assert _tree(tmp_path / "a") == _tree(tmp_path / "b")


def test_committed_registry_is_exactly_what_the_build_produces(tmp_path: Path) -> None:
    build_layout(REPO / "stdlib", tmp_path / "fresh")
    assert _tree(REPO / "registry") == _tree(tmp_path / "fresh"), \
        "registry/ is stale: run `just registry` (ork registry build stdlib -o registry)"


def test_registry_build_removes_stale_blobs_and_refuses_foreign_dirs(tmp_path: Path) -> None:
    out = tmp_path / "out"
    build_layout(REPO / "stdlib", out)
    stale = out / "blobs" / "sha256" / ("0" * 64)
    stale.write_bytes(b"old")
    build_layout(REPO / "stdlib", out)
    assert not stale.exists()
    (tmp_path / "foreign").mkdir()
    (tmp_path / "foreign" / "notes.txt").write_text("mine")
    with pytest.raises(UsageError, match="not an OCI layout"):
        build_layout(REPO / "stdlib", tmp_path / "foreign")


def test_stdlib_has_the_patterns_of_the_spec(tmp_path: Path) -> None:
    names = [name for name, _ in build_layout(REPO / "stdlib", tmp_path / "out")]
    assert names == [
        "katalogs/platform-app-operator:v1.0.0", "katalogs/platform-app-operator:v1.1.0",
        "katalogs/webapp-operator:v1.0.0", "katalogs/webapp-operator:v1.1.0",
        "motifs/data-store:v1.0.0", "motifs/platform-admission:v1.0.0",
        "motifs/web-service:v1.0.0", "motifs/web-service:v1.1.0"]


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}
