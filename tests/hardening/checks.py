"""Checks the hardening tests share: the cache holds only verified objects, temp files."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from ork.fsio import TEMP_SUFFIX

HEX64 = re.compile(r"[0-9a-f]{64}")


def unverified_objects(cache: Path) -> list[str]:
    """Return every file under ``cache/objects`` that is not a whole, correctly named object.

    Temp files (``.*.ork-tmp``) are not objects and are not listed here; see
    :func:`temp_files`.
    """
    bad = []
    root = cache / "objects"
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        rel = path.relative_to(root).as_posix()
        if is_temp(path.name):
            continue
        parts = rel.split("/")
        if len(parts) != 3 or parts[0] != "sha256" or not HEX64.fullmatch(parts[2]) \
                or parts[1] != parts[2][:2]:
            bad.append(f"{rel}: not an object path")
        elif hashlib.sha256(path.read_bytes()).hexdigest() != parts[2]:
            bad.append(f"{rel}: content does not hash to its name")
    return bad


def objects(cache: Path) -> dict[str, bytes]:
    """Return every object in the cache by its file name (the hex digest)."""
    root = cache / "objects" / "sha256"
    return {p.name: p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and HEX64.fullmatch(p.name)}


def temp_files(root: Path) -> list[str]:
    """Return the temp files ork's atomic writes left under ``root`` (relative paths)."""
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*")
                  if p.is_file() and is_temp(p.name))


def is_temp(name: str) -> bool:
    """Return whether a file name is one of ork's temp files (or an older ork's)."""
    return name.endswith(TEMP_SUFFIX) or name.startswith(".tmp-")
