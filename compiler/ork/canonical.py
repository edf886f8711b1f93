"""Canonical JSON bytes and sha256 digests: the only way anything in ork is hashed.

Canonical JSON: sorted keys, ``(",", ":")`` separators, UTF-8, no NaN or infinities.
Anything that is not JSON-native is a ``TypeError``, never silently coerced.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any


class _Strict(json.JSONEncoder):
    def default(self, o: Any) -> Any:
        raise TypeError(f"{type(o).__name__} is not JSON-native and cannot be hashed")


_ENCODER = _Strict(sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False,
                   check_circular=False)


def dumps(value: Any) -> bytes:
    """Return the canonical JSON encoding of a JSON-native value.

    Raises:
        TypeError: for values that are not JSON-native.
        ValueError: for NaN or infinite floats.
    """
    return _ENCODER.encode(value).encode("utf-8")


def sha256(data: bytes) -> str:
    """Return ``sha256:<hex>`` of some bytes."""
    return "sha256:" + hashlib.sha256(data).hexdigest()


def digest(value: Any) -> str:
    """Return ``sha256:<hex>`` of the canonical JSON of a value."""
    return sha256(dumps(value))


def short(digest_: str, length: int = 12) -> str:
    """Return a digest shortened for display: ``sha256:3f1c…`` becomes its first hex digits."""
    return digest_.split(":", 1)[-1][:length]
