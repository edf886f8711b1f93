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
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .canonical import dumps, sha256
from .fsio import replace_file

CorruptHook = Callable[[str], None]


class Vanished(Exception):
    """An object a stored stage result points to is missing, or was corrupt and discarded.

    Raised by a reader that cannot do without the object; ``ork.pipeline.run`` then builds
    once more reusing nothing, which stores every object it needs afresh.
    """


class Store:
    """A directory of immutable objects named by their sha256.

    Paths are joined as strings, not ``pathlib`` paths: a rebuild looks up a few hundred
    objects, and four ``/`` joins per lookup cost it about 3 ms.
    """

    def __init__(self, root: Path, *, on_corrupt: CorruptHook | None = None) -> None:
        self.root = root
        self.on_corrupt = on_corrupt
        self.discarded = 0  # corrupt objects met so far (the pipeline rebuilds after one)
        self._objects = os.path.join(root, "objects", "sha256")

    def _object_path(self, digest: str) -> str:
        algo, _, hexd = digest.partition(":")
        if algo != "sha256" or len(hexd) != 64:
            raise ValueError(f"not a sha256 digest: {digest!r}")
        return f"{self._objects}/{hexd[:2]}/{hexd}"

    def put(self, data: bytes) -> str:
        """Store bytes and return their digest (a no-op when already present and whole).

        An existing object of the wrong size (torn by a crash of the machine, truncated on
        a full disk) is replaced; other damage is caught when the object is read.
        """
        digest = sha256(data)
        path = self._object_path(digest)
        try:
            whole = os.stat(path).st_size == len(data)
        except FileNotFoundError:
            whole = False
        if not whole:
            write_atomic(Path(path), data)
        return digest

    def put_json(self, value: Any) -> str:
        """Store the canonical JSON of a value and return its digest."""
        return self.put(dumps(value))

    def get(self, digest: str) -> bytes | None:
        """Return the verified bytes of an object, or None if missing or corrupt."""
        path = self._object_path(digest)
        try:
            with open(path, "rb") as fh:
                data = fh.read()
        except FileNotFoundError:
            return None
        if "sha256:" + hashlib.sha256(data).hexdigest() != digest:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(path)
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
        return os.path.exists(self._object_path(digest))

    def set_key(self, namespace: str, key: str, value: str) -> None:
        """Record a small named value (a stage key's output digest, a build record)."""
        write_atomic(Path(self._key_path(namespace, key)), value.encode("utf-8"))

    def get_key(self, namespace: str, key: str) -> str | None:
        """Return a value recorded with :meth:`set_key`, or None."""
        try:
            with open(self._key_path(namespace, key), encoding="utf-8") as fh:
                return fh.read()
        except (FileNotFoundError, UnicodeDecodeError):
            return None

    def _key_path(self, namespace: str, key: str) -> str:
        hexd = key.partition(":")[2] or key
        return os.path.join(self.root, namespace, hexd[:2], hexd)


def write_atomic(path: Path, data: bytes) -> None:
    """Put ``data`` at ``path`` by a temp file and a rename (not fsynced: see the module).

    Temp files that killed writers left in the same directory are removed first.

    Raises:
        OSError: the directory cannot be created or written.
    """
    replace_file(path, data, durable=False, sweep_prefix=".")
