"""A pattern directory becomes one deterministic OCI manifest; pulls refuse unsafe titles."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ork.errors import InputError, SourceError
from ork.registry import artifact

from .conftest import PATTERN

GOLDEN = "sha256:50e110572011a768ee63b51773ba2c2affa54f3329e9799ff642d75066c3ff5b"


def test_fixture_pattern_has_the_golden_digest(pattern_dir: Path) -> None:
    built = artifact.build(artifact.read_pattern(pattern_dir))
    assert built.digest == GOLDEN


def test_manifest_shape_layers_sorted_and_no_created() -> None:
    manifest = json.loads(artifact.build(PATTERN).manifest)
    assert list(manifest) == ["schemaVersion", "mediaType", "artifactType", "config", "layers",
                              "annotations"]
    assert manifest["artifactType"] == "application/vnd.orkestra.pattern.v1"
    assert manifest["config"]["mediaType"] == "application/vnd.oci.empty.v1+json"
    titles = [layer["annotations"]["org.opencontainers.image.title"]
              for layer in manifest["layers"]]
    assert titles == sorted(PATTERN)
    types = {layer["annotations"]["org.opencontainers.image.title"]: layer["mediaType"]
             for layer in manifest["layers"]}
    assert types["katalog.yaml"] == "application/vnd.orkestra.katalog.v1+yaml"
    assert types["README.md"] == "text/markdown"
    assert "org.opencontainers.image.created" not in manifest["annotations"]
    assert manifest["annotations"]["io.orkestra.pattern.name"] == "fixture-operator"


def test_source_date_epoch_adds_created_and_changes_the_digest() -> None:
    stamped = artifact.build(PATTERN, created=artifact.rfc3339("1700000000"))
    annotations = json.loads(stamped.manifest)["annotations"]
    assert annotations["org.opencontainers.image.created"] == "2023-11-14T22:13:20Z"
    assert stamped.digest != GOLDEN


def test_unknown_files_are_octet_stream_and_blobs_include_the_config() -> None:
    built = artifact.build({**PATTERN, "notes.txt": b"x"})
    layers = json.loads(built.manifest)["layers"]
    assert layers[-1]["mediaType"] == "application/octet-stream"
    assert artifact.EMPTY in built.blobs.values()


def test_a_pattern_needs_exactly_one_main_file(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="exactly one"):
        artifact.build({**PATTERN, "motif.yaml": b"kind: Motif\n"})
    (tmp_path / "README.md").write_text("x")
    with pytest.raises(InputError, match=r"no katalog.yaml or motif.yaml"):
        artifact.read_pattern(tmp_path)


def test_subdirectories_are_refused(pattern_dir: Path) -> None:
    (pattern_dir / "sub").mkdir()
    with pytest.raises(SourceError, match="files only") as info:
        artifact.read_pattern(pattern_dir)
    assert info.value.code == "invalid-artifact"


def _manifest(title: object) -> bytes:
    layer: dict[str, object] = {"mediaType": "x", "digest": "sha256:" + "0" * 64, "size": 1}
    if title is not None:
        layer["annotations"] = {"org.opencontainers.image.title": title}
    return json.dumps({"config": {"mediaType": "y"}, "layers": [layer]}).encode()


@pytest.mark.parametrize("title", ["../evil.yaml", "a/b.yaml", "/etc/passwd", "..", "",
                                   "c:\\x"])
def test_unsafe_layer_titles_are_refused(title: str) -> None:
    with pytest.raises(SourceError, match="not a plain file name") as info:
        artifact.parse_manifest(_manifest(title), "sha256:" + "1" * 64, "x:v1")
    assert info.value.code == "unsafe-layer-title"


def test_layers_without_titles_are_not_pattern_artifacts() -> None:
    with pytest.raises(SourceError, match=r"no org.opencontainers.image.title") as info:
        artifact.parse_manifest(_manifest(None), "sha256:" + "1" * 64, "x:v1")
    assert info.value.code == "invalid-artifact"


def test_any_titled_manifest_is_accepted_as_orkestra_go_writes_it() -> None:
    parsed = artifact.parse_manifest(_manifest("katalog.yaml"), "sha256:" + "1" * 64, "x")
    assert [layer.title for layer in parsed.layers] == ["katalog.yaml"]
    assert parsed.artifact_type == "y"
