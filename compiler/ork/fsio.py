"""Writing files atomically, durably when asked, and only when the bytes change.

A failed or killed build leaves ``bundle.yaml`` and ``ork.lock`` exactly as they were: the
new bytes go to a temp file in the same directory, are fsynced, and replace the old file
in one rename. An unchanged file is not touched at all (its mtime stays), as PDM does.

A process killed between creating its temp file and the rename leaves the temp file
behind (``.<name>.<random>.ork-tmp``). So that these do not pile up, each writer holds
an exclusive ``flock`` on its temp file until the rename, and every write first removes
the temp files in its directory that nobody holds: the kernel drops the lock of a killed
process, so an unlocked temp file is a dead writer's, never a live one's. (A sweeper
that takes a temp file just created, before its writer locked it, is noticed by the
writer, which starts again with a new one.) Without ``fcntl`` nothing is swept.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from .errors import InputError

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX
    fcntl = None  # type: ignore[assignment]

TEMP_SUFFIX = ".ork-tmp"


def write_if_changed(path: Path, data: bytes) -> bool:
    """Write ``data`` to ``path`` atomically unless it already holds exactly those bytes.

    Returns whether the file was written.

    Raises:
        InputError: output-write-failed.
    """
    try:
        if path.read_bytes() == data:
            sweep(path.parent, f".{path.name}.")  # what a killed earlier write left
            return False
    except (FileNotFoundError, IsADirectoryError, PermissionError):
        pass
    if path.exists() and not path.is_file():
        return _write_special(path, data)
    try:
        replace_file(path, data, durable=True, mode=_mode_for(path))
    except OSError as exc:
        raise InputError("output-write-failed", f"cannot write {path.name}: {exc.strerror}",
                         hint="check that the directory exists and is writable") from exc
    return True


def replace_file(path: Path, data: bytes, *, durable: bool, mode: int | None = None,
                 sweep_prefix: str | None = None) -> None:
    """Put ``data`` at ``path`` in one rename, through a locked temp file beside it.

    ``durable`` fsyncs the file before the rename and the directory after it. ``mode``
    defaults to mkstemp's 0600. Stale temp files whose names start with ``sweep_prefix``
    (default: this file's own, ``.<name>.``) are removed first.

    Raises:
        OSError: the directory cannot be created or written.
    """
    directory = path.parent
    directory.mkdir(parents=True, exist_ok=True)
    prefix = f".{path.name}."
    sweep(directory, sweep_prefix if sweep_prefix is not None else prefix)
    fd, tmp = _locked_temp(directory, prefix)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        if durable:
            os.fsync(fd)
        if mode is not None:
            os.fchmod(fd, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    finally:
        os.close(fd)  # releases the lock, after the rename
    if durable:
        _fsync_dir(directory)


def sweep(directory: Path, prefix: str) -> int:
    """Remove the temp files in ``directory`` left by killed writers; return how many."""
    if fcntl is None:
        return 0
    try:
        names = os.listdir(directory)
    except OSError:
        return 0
    return sum(_remove_if_dead(directory / n) for n in names
               if n.startswith(prefix) and n.endswith(TEMP_SUFFIX))


def _remove_if_dead(path: Path) -> bool:
    """Remove a temp file when no live writer holds its lock; return whether removed."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        if os.stat(path).st_ino != os.fstat(fd).st_ino:
            return False  # renamed into place meanwhile, and the name taken again
        os.unlink(path)
        return True
    except OSError:  # locked: its writer is alive; or already gone
        return False
    finally:
        os.close(fd)


def _locked_temp(directory: Path, prefix: str) -> tuple[int, str]:
    """Return a new temp file in ``directory``, open and locked by this process."""
    while True:
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=prefix, suffix=TEMP_SUFFIX)
        if fcntl is None:
            return fd, tmp
        fcntl.flock(fd, fcntl.LOCK_EX)  # waits only while a sweeper looks at it
        try:
            ours = os.stat(tmp).st_ino == os.fstat(fd).st_ino
        except FileNotFoundError:
            ours = False
        if ours:
            return fd, tmp
        os.close(fd)  # a sweeper removed it before we locked it: start again


def _write_special(path: Path, data: bytes) -> bool:
    """A device or pipe (``-o /dev/stdout``) cannot be replaced: write through it."""
    try:
        with path.open("wb") as fh:
            fh.write(data)
    except OSError as exc:
        raise InputError("output-write-failed", f"cannot write {path}: {exc.strerror}",
                         hint="check the path given to -o and its permissions") from exc
    return True


def _mode_for(path: Path) -> int:
    """Keep an existing file's mode; new files get the usual 0666 & ~umask."""
    try:
        return path.stat().st_mode & 0o777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _fsync_dir(directory: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
