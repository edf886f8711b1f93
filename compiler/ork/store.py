"""The content-addressed store behind ``ORK_CACHE_DIR``.

Objects live at ``objects/sha256/<hex[:2]>/<hex>``; stage results are recorded as
``keys/<hex[:2]>/<hex>`` files holding the digest of the output object. Every write goes
to a temp file in the same directory and is renamed into place, so concurrent builds
sharing a cache never see a torn object; every read is verified, so a corrupt object is
discarded and recomputed, never used. Objects are not fsynced: a torn object after a
crash of the machine fails verification and is rebuilt (and ``put`` replaces an object
of the wrong size), which costs less than an fsync per object. Temp files left by a
killed process are removed by the next write in their directory (:mod:`ork.fsio`).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .canonical import dumps, sha256
from .fsio import replace_file

CorruptHook = Callable[[str], None]


class Store:
    """A directory of immutable objects named by their sha256."""

    def __init__(self, root: Path, *, on_corrupt: CorruptHook | None = None) -> None:
        self.root = root
        self.on_corrupt = on_corrupt
        self.discarded = 0  # corrupt objects met so far (the pipeline rebuilds after one)

    def _object_path(self, digest: str) -> Path:
        algo, _, hexd = digest.partition(":")
        if algo != "sha256" or len(hexd) != 64:
            raise ValueError(f"not a sha256 digest: {digest!r}")
        return self.root / "objects" / "sha256" / hexd[:2] / hexd

    def put(self, data: bytes) -> str:
        """Store bytes and return their digest (a no-op when already present and whole).

        An existing object of the wrong size (torn by a crash of the machine, truncated on
        a full disk) is replaced; other damage is caught when the object is read.
        """
        digest = sha256(data)
        path = self._object_path(digest)
        try:
            whole = path.stat().st_size == len(data)
        except FileNotFoundError:
            whole = False
        if not whole:
            write_atomic(path, data)
        return digest

    def put_json(self, value: Any) -> str:
        """Store the canonical JSON of a value and return its digest."""
        return self.put(dumps(value))

    def get(self, digest: str) -> bytes | None:
        """Return the verified bytes of an object, or None if missing or corrupt."""
        path = self._object_path(digest)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return None
        if "sha256:" + hashlib.sha256(data).hexdigest() != digest:
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
            self.discarded += 1
            if self.on_corrupt:
                self.on_corrupt(digest)
            return None
        return data

    def get_json(self, digest: str) -> Any:
        """Return the decoded JSON of an object, or None if missing or corrupt."""
        data = self.get(digest)
        return None if data is None else json.loads(data)

    def has(self, digest: str) -> bool:
        """Return whether an object is present (without verifying it)."""
        return self._object_path(digest).exists()

    def set_key(self, namespace: str, key: str, value: str) -> None:
        """Record a small named value (a stage key's output digest, a build record)."""
        write_atomic(self._key_path(namespace, key), value.encode("utf-8"))

    def get_key(self, namespace: str, key: str) -> str | None:
        """Return a value recorded with :meth:`set_key`, or None."""
        try:
            return self._key_path(namespace, key).read_text("utf-8")
        except (FileNotFoundError, UnicodeDecodeError):
            return None

    def _key_path(self, namespace: str, key: str) -> Path:
        hexd = key.partition(":")[2] or key
        return self.root / namespace / hexd[:2] / hexd


def write_atomic(path: Path, data: bytes) -> None:
    """Put ``data`` at ``path`` by a temp file and a rename (not fsynced: see the module).

    Temp files that killed writers left in the same directory are removed first.

    Raises:
        OSError: the directory cannot be created or written.
    """
    replace_file(path, data, durable=False, sweep_prefix=".")
