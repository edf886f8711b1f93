"""``ork registry build``: a reproducible OCI layout of every pattern under a directory.

Patterns live at ``SRC/katalogs/<name>/<version>/`` and ``SRC/motifs/<name>/<version>/``;
the directory names must match ``metadata.name`` and ``metadata.version``. The output is
a function of the input bytes only: no timestamps (``SOURCE_DATE_EPOCH`` is ignored so the
embedded registry is the same everywhere), blobs named by digest, index.json sorted, and
blobs no pattern references any more removed.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

from ..errors import InputError, UsageError
from ..store import write_atomic
from .artifact import build, read_pattern
from .layout import index_entry, write_layout

GROUPS = (("katalogs", "Katalog"), ("motifs", "Motif"))
OWNED = frozenset({"oci-layout", "index.json", "blobs"})


def build_layout(src: Path, out: Path) -> list[tuple[str, str]]:
    """Build the layout of every pattern in ``src`` into ``out``; return (ref name, digest).

    Raises:
        InputError: a pattern whose directory names disagree with its metadata.
        UsageError: no patterns, or an output directory that is not a layout.
        SourceError: invalid-artifact for a malformed pattern directory.
    """
    entries: list[dict[str, Any]] = []
    blobs: dict[str, bytes] = {}
    for group, kind in GROUPS:
        for directory in _pattern_dirs(src / group):
            art = build(read_pattern(directory))
            meta = art.meta
            where = f"{group}/{directory.parent.name}/{directory.name}"
            if meta.kind != kind:
                raise InputError("invalid-artifact", f"{where} holds a {meta.kind}, not a {kind}",
                                 hint="Katalogs live under katalogs/, Motifs under motifs/")
            if (meta.name, meta.version) != (directory.parent.name, directory.name):
                raise InputError("version-mismatch", f"{where} declares {meta.name} "
                                 f"{meta.version}", hint="a pattern lives at "
                                 f"{group}/<metadata.name>/<metadata.version>/")
            entries.append(index_entry(art.digest, len(art.manifest),
                                       f"{group}/{meta.name}:{meta.version}",
                                       _type(art.manifest)))
            blobs.update(art.blobs)
            blobs[art.digest] = art.manifest
    if not entries:
        raise UsageError("usage", f"{src} holds no patterns",
                         hint="patterns live at SRC/katalogs/<name>/<version>/ and "
                              "SRC/motifs/<name>/<version>/")
    _prepare(out)
    store = out / "blobs" / "sha256"
    for digest, data in sorted(blobs.items()):
        path = store / digest.split(":", 1)[1]
        if not path.is_file() or path.read_bytes() != data:
            write_atomic(path, data)
    keep = {d.split(":", 1)[1] for d in blobs}
    for stale in sorted(store.iterdir()):
        if stale.name not in keep:
            with contextlib.suppress(FileNotFoundError):
                stale.unlink()
    write_layout(out, entries)
    return sorted((e["annotations"]["org.opencontainers.image.ref.name"], e["digest"])
                  for e in entries)


def _pattern_dirs(group: Path) -> list[Path]:
    if not group.is_dir():
        return []
    return [version for name in sorted(group.iterdir()) if name.is_dir()
            for version in sorted(name.iterdir()) if version.is_dir()]


def _prepare(out: Path) -> None:
    """Refuse to write into a directory that holds anything but a layout."""
    if out.exists():
        foreign = sorted(p.name for p in out.iterdir() if p.name not in OWNED)
        if foreign:
            raise UsageError("usage", f"{out} is not an OCI layout (it holds "
                             f"{', '.join(foreign[:3])})",
                             hint="give -o a new or layout-only directory")
    (out / "blobs" / "sha256").mkdir(parents=True, exist_ok=True)


def _type(manifest: bytes) -> str:
    import json

    return str(json.loads(manifest).get("artifactType") or "")
