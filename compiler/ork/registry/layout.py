"""An OCI image-layout directory as a :class:`~ork.registry.protocol.Registry`.

``oci-layout``, ``index.json`` and ``blobs/sha256/<hex>``; each manifest in index.json is
annotated ``org.opencontainers.image.ref.name: <repository>:<tag>`` (``katalogs/x:v1``).
The embedded registry is a read-only layout. Files are written atomically and index.json
is kept sorted, so the same content always gives the same bytes.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..errors import SourceError, UsageError
from ..refs import DIGEST_RE
from ..store import write_atomic
from .artifact import INDEX_TYPE, MANIFEST_TYPE, REF_NAME
from .protocol import verify

LAYOUT_FILE = b'{"imageLayoutVersion":"1.0.0"}'


class LayoutRegistry:
    """A registry that is a directory on disk."""

    def __init__(self, root: Path, *, name: str, writable: bool = False) -> None:
        self.root = root
        self._name = name
        self.writable = writable

    @property
    def name(self) -> str:
        """Return how messages name this layout."""
        return self._name

    @property
    def network(self) -> bool:
        """Return False: a layout is local."""
        return False

    def entries(self) -> list[dict[str, Any]]:
        """Return the manifests listed in index.json (none when there is no layout).

        Raises:
            SourceError: invalid-artifact for an unreadable index.json.
        """
        try:
            data = (self.root / "index.json").read_bytes()
        except (FileNotFoundError, NotADirectoryError):
            return []
        except OSError as exc:
            raise SourceError("invalid-artifact", f"{self._name}: cannot read index.json "
                              f"({exc.strerror})", hint="check the layout directory's "
                                                       "permissions") from exc
        try:
            manifests = json.loads(data)["manifests"]
            assert isinstance(manifests, list)
            return manifests
        except (ValueError, KeyError, TypeError, AssertionError) as exc:
            raise SourceError("invalid-artifact", f"{self._name}: index.json is not an OCI "
                              "image index", hint="point at an OCI image layout directory "
                                                  "(index.json, oci-layout, blobs/)") from exc

    def resolve(self, repository: str, tag: str) -> str:
        """Return the digest ``repository:tag`` names in index.json.

        Raises:
            SourceError: not-found, listing the tags the repository has.
        """
        want = f"{repository}:{tag}"
        for entry in self.entries():
            if (entry.get("annotations") or {}).get(REF_NAME) == want:
                return str(entry["digest"])
        known = self.tags(repository)
        hint = f"{repository} has tags: {', '.join(known)}" if known else \
            f"{self._name} has no repository {repository}"
        raise SourceError("not-found", f"{want} is not in {self._name}", hint=hint)

    def manifest(self, repository: str, reference: str) -> tuple[bytes, str]:
        """Return a manifest by tag or digest.

        Raises:
            SourceError: not-found, digest-mismatch.
        """
        digest = reference if DIGEST_RE.match(reference) else self.resolve(repository, reference)
        return self.blob(repository, digest), digest

    def blob(self, repository: str, digest: str) -> bytes:
        """Return a verified blob.

        Raises:
            SourceError: not-found, digest-mismatch.
        """
        try:
            data = self._blob_path(digest).read_bytes()
        except (FileNotFoundError, NotADirectoryError) as exc:
            raise SourceError("not-found", f"{repository}@{digest} is not in {self._name}",
                              hint="the layout is incomplete: build or vendor it again "
                                   "(ork registry build, ork vendor)") from exc
        except OSError as exc:
            raise SourceError("not-found", f"cannot read {digest} in {self._name} "
                              f"({exc.strerror})", hint="check the layout directory's "
                                                       "permissions") from exc
        return verify(data, digest, f"{self._name} {repository}@{digest}")

    def push(self, repository: str, tag: str, blobs: Mapping[str, bytes],
             manifest: bytes) -> str:
        """Write the blobs and the manifest, and point ``repository:tag`` at it.

        Raises:
            UsageError: for the read-only embedded registry.
            SourceError: invalid-artifact when the directory cannot be written.
        """
        if not self.writable:
            raise UsageError("usage", f"{self._name} is read-only",
                             hint="push to an OCI registry or an oci-layout:// directory")
        from ..canonical import sha256

        digest = sha256(manifest)
        entries = [e for e in self.entries()
                   if (e.get("annotations") or {}).get(REF_NAME) != f"{repository}:{tag}"]
        entries.append(index_entry(digest, len(manifest), f"{repository}:{tag}",
                                   _artifact_type(manifest)))
        try:
            for blob_digest, data in sorted({**blobs, digest: manifest}.items()):
                path = self._blob_path(blob_digest)
                if not path.exists():
                    write_atomic(path, data)
            write_layout(self.root, entries)
        except OSError as exc:
            raise SourceError("invalid-artifact", f"cannot write {self._name}: "
                              f"{exc.strerror}", hint="check that the layout directory is "
                                                      "writable and the disk not full") from exc
        return digest

    def tags(self, repository: str) -> list[str]:
        """Return the tags of a repository, sorted."""
        prefix = repository + ":"
        names = ((e.get("annotations") or {}).get(REF_NAME, "") for e in self.entries())
        return sorted(n[len(prefix):] for n in names if n.startswith(prefix))

    def _blob_path(self, digest: str) -> Path:
        if not DIGEST_RE.match(digest):
            raise SourceError("invalid-artifact", f"{digest!r} is not a sha256 digest",
                              hint="a digest is sha256: and 64 lowercase hex digits")
        return self.root / "blobs" / "sha256" / digest.split(":", 1)[1]


def index_entry(digest: str, size: int, ref_name: str, artifact_type: str) -> dict[str, Any]:
    """Return one index.json entry for a manifest."""
    entry: dict[str, Any] = {"mediaType": MANIFEST_TYPE, "digest": digest, "size": size,
                             "annotations": {REF_NAME: ref_name}}
    if artifact_type:
        entry["artifactType"] = artifact_type
    return entry


def write_layout(root: Path, entries: list[dict[str, Any]]) -> None:
    """Write ``oci-layout`` and a sorted ``index.json`` (blobs are written by the caller)."""
    ordered = sorted(entries, key=lambda e: (e["annotations"][REF_NAME], e["digest"]))
    index = {"schemaVersion": 2, "mediaType": INDEX_TYPE, "manifests": ordered}
    _write_if_changed(root / "oci-layout", LAYOUT_FILE)
    _write_if_changed(root / "index.json",
                      json.dumps(index, indent=2, ensure_ascii=False).encode() + b"\n")


def _write_if_changed(path: Path, data: bytes) -> None:
    try:
        if path.read_bytes() == data:
            return
    except FileNotFoundError:
        pass
    write_atomic(path, data)


def _artifact_type(manifest: bytes) -> str:
    try:
        value = json.loads(manifest)
        return str(value.get("artifactType") or "")
    except (ValueError, AttributeError):
        return ""

