"""The packs ``ork init`` scaffolds: directories under ``stdlib/packs/``, shipped in the wheel.

A pack is copied file by file, in sorted order; nothing is written when any target file
already exists (unless ``force``), so ``ork init`` never half-overwrites a project.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError, UsageError
from .resources import packs_dir


@dataclass(frozen=True)
class Pack:
    """A pack: its name, its one-line summary (the README's first paragraph) and its files."""

    name: str
    summary: str
    root: Path

    def files(self) -> list[Path]:
        """Return the pack's files relative to its root, sorted."""
        return sorted(p.relative_to(self.root) for p in self.root.rglob("*")
                      if p.is_file() and "__pycache__" not in p.parts)


def available(root: Path | None = None) -> list[Pack]:
    """Return every pack, sorted by name."""
    base = root or packs_dir()
    if not base.is_dir():
        return []
    return [Pack(d.name, _summary(d / "README.md"), d) for d in sorted(base.iterdir())
            if d.is_dir() and (d / "README.md").is_file()]


def _summary(readme: Path) -> str:
    lines = readme.read_text("utf-8").splitlines()
    paragraph: list[str] = []
    for line in lines[1:]:
        if line.strip():
            paragraph.append(line.strip())
        elif paragraph:
            break
    return " ".join(paragraph)


def find(name: str, root: Path | None = None) -> Pack:
    """Return the pack called ``name``.

    Raises:
        UsageError: when there is no such pack (with the list of packs).
    """
    packs = available(root)
    for pack in packs:
        if pack.name == name:
            return pack
    import difflib

    names = [p.name for p in packs]
    close = difflib.get_close_matches(name, names, n=1)
    raise UsageError("usage", f"there is no pack named {name!r}",
                     hint=(f"did you mean {close[0]!r}? " if close else "")
                     + f"packs: {', '.join(names) or 'none'} (see `ork init --list`)")


def copy(pack: Pack, target: Path, *, force: bool = False) -> list[Path]:
    """Copy a pack into ``target``; return the files written (relative paths).

    Raises:
        InputError: output-write-failed when files exist (without ``force``) or when
            the target cannot be written; nothing is written then.
    """
    files = pack.files()
    existing = [f for f in files if (target / f).exists()]
    if existing and not force:
        shown = ", ".join(str(f) for f in existing[:5]) + (", …" if len(existing) > 5 else "")
        raise InputError("output-write-failed",
                         f"{target.name or target}: {len(existing)} file(s) of pack "
                         f"{pack.name!r} already exist ({shown})",
                         hint="choose another directory, or pass --force to overwrite them")
    try:
        for rel in files:
            dest = target / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(pack.root / rel, dest)
    except OSError as exc:
        raise InputError("output-write-failed", f"cannot write {target}: {exc.strerror}",
                         hint="give a writable directory: ork init --pack NAME DIR") from exc
    return files
