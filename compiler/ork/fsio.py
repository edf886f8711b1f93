"""Writing outputs: atomically, durably, and only when the bytes change.

A failed build leaves ``bundle.yaml`` and ``ork.lock`` exactly as they were: the new
bytes go to a temp file in the same directory, are fsynced, and replace the old file in
one rename. An unchanged file is not touched at all (its mtime stays), as PDM does.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from .errors import InputError


def write_if_changed(path: Path, data: bytes) -> bool:
    """Write ``data`` to ``path`` atomically unless it already holds exactly those bytes.

    Returns whether the file was written.

    Raises:
        InputError: output-write-failed.
    """
    try:
        if path.read_bytes() == data:
            return False
    except (FileNotFoundError, IsADirectoryError, PermissionError):
        pass
    if path.exists() and not path.is_file():
        return _write_special(path, data)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            _keep_mode(path, tmp)
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise
        _fsync_dir(path.parent)
    except OSError as exc:
        raise InputError("output-write-failed", f"cannot write {path.name}: {exc.strerror}",
                         hint="check that the directory exists and is writable") from exc
    return True


def _write_special(path: Path, data: bytes) -> bool:
    """A device or pipe (``-o /dev/stdout``) cannot be replaced: write through it."""
    try:
        with path.open("wb") as fh:
            fh.write(data)
    except OSError as exc:
        raise InputError("output-write-failed", f"cannot write {path}: {exc.strerror}") from exc
    return True


def _keep_mode(path: Path, tmp: str) -> None:
    """New files get the usual 0666 & ~umask, not mkstemp's 0600."""
    try:
        mode = path.stat().st_mode & 0o777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    os.chmod(tmp, mode)


def _fsync_dir(directory: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
