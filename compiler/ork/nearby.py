"""Hints for a path that names no readable file: the YAML file it probably meant."""

from __future__ import annotations

import difflib
from pathlib import Path

ENTRY_NAMES = ("komposer.yaml", "katalog.yaml")


def missing(path: Path, given: str, fallback: str) -> str:
    """Return a hint for a path that does not exist: a YAML file beside it with a similar
    name (compared without the suffix, which every candidate shares), else ``fallback``.
    ``given`` is the path as the user wrote it."""
    try:
        stems = {p.stem: p.name for p in path.parent.iterdir()
                 if p.suffix in (".yaml", ".yml") and p.is_file()}
    except OSError:
        return fallback
    close = difflib.get_close_matches(Path(given).stem, sorted(stems), n=1)
    if not close:
        return fallback
    parent = Path(given).parent.as_posix()
    name = stems[close[0]]
    return f"did you mean {name if parent == '.' else f'{parent}/{name}'!r}?"


def directory(path: Path, given: str, fallback: str) -> str:
    """Return a hint for a directory given where a file belongs: the entry file inside it
    (``given`` is the path as the user wrote it), else ``fallback``."""
    for name in ENTRY_NAMES:
        if (path / name).is_file():
            return f"did you mean {given.rstrip('/') + '/' + name!r}?"
    return fallback

