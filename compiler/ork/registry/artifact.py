"""The pattern artifact of registry.md: a pattern directory ⇄ one OCI image manifest.

One layer per file, in sorted name order, each annotated with its file name; an empty
config; no ``created`` timestamp unless ``SOURCE_DATE_EPOCH`` is given. The manifest's
bytes are written with a fixed key order (Go's struct order, as oras-go writes it) and
compact separators, so the same directory gives the same manifest digest on any machine.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..canonical import sha256
from ..errors import InputError, SourceError

MANIFEST_TYPE = "application/vnd.oci.image.manifest.v1+json"
INDEX_TYPE = "application/vnd.oci.image.index.v1+json"
EMPTY_TYPE = "application/vnd.oci.empty.v1+json"
EMPTY = b"{}"
TITLE = "org.opencontainers.image.title"
REF_NAME = "org.opencontainers.image.ref.name"
MAINS = {"katalog.yaml": "Katalog", "motif.yaml": "Motif"}
ARTIFACT_TYPES = {"Katalog": "application/vnd.orkestra.pattern.v1",
                  "Motif": "application/vnd.orkestra.motif.v1"}
LAYER_TYPES = {
    "katalog.yaml": "application/vnd.orkestra.katalog.v1+yaml",
    "motif.yaml": "application/vnd.orkestra.motif.v1+yaml",
    "komposer.yaml": "application/vnd.orkestra.komposer.v1+yaml",
    "crd.yaml": "application/vnd.kubernetes.crd.v1+yaml",
    "cr.yaml": "application/vnd.kubernetes.cr.v1+yaml",
    "e2e.yaml": "application/vnd.orkestra.e2e.v1+yaml",
    "simulate.yaml": "application/vnd.orkestra.simulate.v1+yaml",
    "README.md": "text/markdown",
}
OTHER_TYPE = "application/octet-stream"


@dataclass(frozen=True)
class PatternMeta:
    """What the manifest annotations say about a pattern."""

    kind: str  # "Katalog" or "Motif"
    name: str
    version: str
    description: str = ""
    authors: str = ""


@dataclass(frozen=True)
class Artifact:
    """A built artifact: the manifest bytes and digest, and every blob it references."""

    manifest: bytes
    digest: str
    blobs: dict[str, bytes]  # digest -> bytes, the config included
    meta: PatternMeta


@dataclass(frozen=True)
class Layer:
    """One layer of a pulled manifest: a file."""

    title: str
    media_type: str
    digest: str
    size: int


@dataclass(frozen=True)
class Manifest:
    """A parsed manifest: what ``pull`` and ``inspect`` need."""

    digest: str
    size: int
    artifact_type: str
    annotations: dict[str, str]
    layers: tuple[Layer, ...]


def read_pattern(directory: Path) -> dict[str, bytes]:
    """Return the files of a pattern directory, by name.

    Raises:
        InputError: file-not-found when the directory or its main file is missing.
        SourceError: invalid-artifact for a subdirectory or an unreadable file.
    """
    if not directory.is_dir():
        raise InputError("file-not-found", f"{directory.name}: no such pattern directory",
                         hint="give the directory holding the pattern's katalog.yaml or "
                              "motif.yaml")
    files: dict[str, bytes] = {}
    for path in sorted(directory.iterdir()):
        if path.name.startswith("."):
            continue  # editor and VCS files are not part of a pattern
        if not path.is_file():
            raise SourceError("invalid-artifact",
                              f"{directory.name}/{path.name}: a pattern holds files only",
                              hint="an artifact's layers are flat files; move it elsewhere")
        try:
            files[path.name] = path.read_bytes()
        except OSError as exc:
            raise SourceError("invalid-artifact", f"cannot read {path.name}: {exc.strerror}",
                              hint="check the file's permissions") from exc
    if not any(name in files for name in MAINS):
        raise InputError("file-not-found", f"{directory.name} has no katalog.yaml or motif.yaml",
                         hint="a pattern directory holds katalog.yaml (a Katalog) or "
                              "motif.yaml (a Motif)")
    return files


def pattern_meta(files: Mapping[str, bytes]) -> PatternMeta:
    """Return the kind, name, version, description and authors of a pattern's main file.

    Raises:
        SourceError: invalid-artifact with both or neither main file.
        InputError: when the main file is not valid YAML.
    """
    from .. import yamlsrc

    mains = [name for name in sorted(MAINS) if name in files]
    if len(mains) != 1:
        raise SourceError("invalid-artifact",
                          "a pattern has exactly one of katalog.yaml and motif.yaml",
                          hint=f"found: {', '.join(mains) or 'neither'}")
    docs = yamlsrc.load(files[mains[0]], mains[0])
    first = docs[0].value if docs and isinstance(docs[0].value, dict) else {}
    meta = first.get("metadata") if isinstance(first.get("metadata"), dict) else {}
    assert isinstance(meta, dict)

    def text(*keys: str) -> str:
        for key in keys:
            value = meta.get(key)
            if isinstance(value, list):
                return ", ".join(str(v) for v in value)
            if value not in (None, ""):
                return str(value)
        return ""

    return PatternMeta(MAINS[mains[0]], text("name"), text("version"), text("description"),
                       text("authors", "author"))


def rfc3339(epoch: str) -> str:
    """Return ``SOURCE_DATE_EPOCH`` (seconds) as an RFC 3339 UTC timestamp.

    Raises:
        InputError: invalid-value when it is not an integer.
    """
    try:
        moment = datetime.fromtimestamp(int(epoch), tz=UTC)
    except (ValueError, OverflowError, OSError) as exc:
        raise InputError("invalid-value", f"SOURCE_DATE_EPOCH={epoch!r} is not a number of "
                         "seconds", hint="set it to a Unix time, e.g. "
                                         "SOURCE_DATE_EPOCH=$(git log -1 --format=%ct), or "
                                         "unset it") from exc
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def build(files: Mapping[str, bytes], *, created: str | None = None) -> Artifact:
    """Return the artifact of a pattern's files (``created`` is an RFC 3339 time, or None).

    Raises:
        SourceError: invalid-artifact when the files are not a pattern.
    """
    meta = pattern_meta(files)
    blobs = {sha256(EMPTY): EMPTY}
    layers = []
    for name in sorted(files):
        data = files[name]
        digest = sha256(data)
        blobs[digest] = data
        layers.append(descriptor(LAYER_TYPES.get(name, OTHER_TYPE), digest, len(data),
                                 {TITLE: name}))
    annotations = {
        "io.orkestra.pattern.kind": meta.kind,
        "io.orkestra.pattern.name": meta.name,
        "io.orkestra.pattern.version": meta.version,
        "org.opencontainers.image.authors": meta.authors,
        "org.opencontainers.image.created": created or "",
        "org.opencontainers.image.description": meta.description,
        TITLE: meta.name,
        "org.opencontainers.image.version": meta.version,
    }
    manifest = {
        "schemaVersion": 2,
        "mediaType": MANIFEST_TYPE,
        "artifactType": ARTIFACT_TYPES[meta.kind],
        "config": descriptor(EMPTY_TYPE, sha256(EMPTY), len(EMPTY)),
        "layers": layers,
        "annotations": {k: v for k, v in sorted(annotations.items()) if v},
    }
    data = encode(manifest)
    return Artifact(data, sha256(data), blobs, meta)


def descriptor(media_type: str, digest: str, size: int,
               annotations: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Return an OCI descriptor with its keys in the order Go writes them."""
    out: dict[str, Any] = {"mediaType": media_type, "digest": digest, "size": size}
    if annotations:
        out["annotations"] = dict(sorted(annotations.items()))
    return out


def encode(value: Any) -> bytes:
    """Return compact JSON bytes keeping the key order of ``value`` (built in fixed order)."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def parse_manifest(data: bytes, digest: str, where: str) -> Manifest:
    """Return the parsed manifest; every layer must carry a safe title annotation.

    Raises:
        SourceError: invalid-artifact for a malformed manifest, unsafe-layer-title.
    """
    try:
        value = json.loads(data)
        layers = []
        for layer in value["layers"]:
            title = (layer.get("annotations") or {}).get(TITLE)
            if not isinstance(title, str):
                raise ValueError(f"layer {layer['digest']} has no {TITLE} annotation")
            layers.append(Layer(check_title(title, where), str(layer.get("mediaType", "")),
                                str(layer["digest"]), int(layer["size"])))
        annotations = {str(k): str(v) for k, v in (value.get("annotations") or {}).items()}
        artifact_type = str(value.get("artifactType") or value["config"].get("mediaType", ""))
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise SourceError("invalid-artifact", f"{where}: not a pattern artifact ({exc})",
                          hint="an artifact's layers must carry "
                               "org.opencontainers.image.title annotations") from exc
    names = [layer.title for layer in layers]
    if len(set(names)) != len(names):
        raise SourceError("invalid-artifact", f"{where}: two layers have the same title",
                          hint="each file of a pattern is one layer named by its title; push "
                               "the pattern again with `ork push`")
    return Manifest(digest, len(data), artifact_type, annotations, tuple(layers))


def check_title(title: str, where: str) -> str:
    """Return a layer title that is a plain file name.

    Raises:
        SourceError: unsafe-layer-title for ``/``, ``\\``, ``..``, absolute or empty titles.
    """
    if not title or "/" in title or "\\" in title or ".." in title or title in (".",) \
            or "\0" in title:
        raise SourceError(
            "unsafe-layer-title", f"{where}: layer title {title!r} is not a plain file name",
            hint="ork refuses artifacts whose files would land outside the target directory")
    return title
