"""Writing files atomically, durably when asked, and only when the bytes change.

A failed or killed build leaves ``bundle.yaml`` and ``ork.lock`` exactly as they were: the
new bytes go to a temp file in the same directory, are fsynced, and replace the old file
in one rename; both temp files are written before either is renamed (:func:`write_all`).
An unchanged file is not touched at all (its mtime stays), as PDM does. A device or a
pipe (``-o /dev/stdout``) is written through: never read, never replaced.

A process killed between creating its temp file and the rename leaves the temp file
behind (``.<name>.<random>.ork-tmp``). So that these do not pile up, each writer holds
an exclusive ``flock`` on its temp file until the rename, and every write first removes
the temp files in its directory that nobody holds: the kernel drops the lock of a killed
process, so an unlocked temp file is a dead writer's, never a live one's. (A sweeper
that takes a temp file just created, before its writer locked it, is noticed by the
writer, which starts again with a new one.) Without ``fcntl`` nothing is swept.

Reading a file whose path the user gives (``--lock``, ``--bundle``, ``--cr``) goes through
:func:`read_bounded`, which reads a regular file or a pipe (process substitution,
``<(git show main:ork.lock)``), and never more than a limit: a device (``/dev/zero``) or a
socket is refused before it is opened, a huge file is refused as too large, and a pipe is
opened without waiting for a writer (one with none reads as empty).
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError, Span

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX
    fcntl = None  # type: ignore[assignment]

TEMP_SUFFIX = ".ork-tmp"


@dataclass(frozen=True)
class Output:
    """A file to write: where, its bytes, and how diagnostics name it.

    ``shown`` is the path as the user wrote it (default: relative to the working directory);
    ``option`` the flag that gave it (``-o``, ``--lock``), for the hint; "" for a default.
    """

    path: Path
    data: bytes
    shown: str = ""
    option: str = ""


def read_bounded(path: Path, shown: str, *, limit: int, hint: str,
                 special_hint: str = "", pipe: bool = True) -> bytes:
    """Return the bytes of the regular file or the pipe at ``path`` (named ``shown`` in
    messages), reading at most ``limit`` + 1 of them.

    A named pipe (or ``<(...)``) is opened non-blocking, so that ``open`` returns at once
    even when nobody writes to it (it then reads as empty), and read as a file is. A pipe
    this process writes to itself (``/dev/stdout`` piped on) is refused: reading it would
    wait for ever. A device or a socket is refused before it is opened, as a file import
    is: a device may never end. ``pipe=False`` refuses pipes too (a path that is written
    back after it is read). (Stdin, ``-``, is read by its caller, to the same limit.)

    Raises:
        OSError: as ``open`` would (no such file, a directory, no permission).
        InputError: file-not-found for a device or a socket, or a pipe refused (with
            ``special_hint``, else a general one); file-too-large with ``hint``; both at
            ``shown``:1:1.
    """
    st = os.stat(path)
    if stat.S_ISDIR(st.st_mode):
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
    fifo = pipe and stat.S_ISFIFO(st.st_mode)
    own = False
    if stat.S_ISREG(st.st_mode) or fifo:
        # Non-blocking: a pipe with no writer would block ``open`` for ever (and a pipe may
        # have taken a regular file's place since the stat); then blocking, to read.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as fh:
            st = os.fstat(fh.fileno())
            own = stat.S_ISFIFO(st.st_mode) and _own_output(st)
            if stat.S_ISFIFO(st.st_mode) and fifo and not own:
                os.set_blocking(fd, True)
                data = fh.read(limit + 1)
                if len(data) <= limit:
                    return data
                raise InputError("file-too-large", f"{shown} is a pipe that holds more than "
                                 f"the limit of {limit:,} bytes",
                                 span=Span(shown, 1, 1, 1, 1), hint=hint)
            if stat.S_ISREG(st.st_mode):
                if st.st_size <= limit:  # else known too large: read nothing
                    data = fh.read(limit + 1)
                    if len(data) <= limit:
                        return data
                    st = os.fstat(fh.fileno())  # it grew while being read
                raise InputError("file-too-large",
                                 f"{shown} is {max(st.st_size, limit + 1):,} bytes, over "
                                 f"the limit of {limit:,}",
                                 span=Span(shown, 1, 1, 1, 1), hint=hint)
    if own:  # the pipe ork's own output goes to: nothing would ever end it
        raise InputError("file-not-found", f"{shown} is the pipe ork's own output goes to: "
                         "reading it would wait for ever",
                         span=Span(shown, 1, 1, 1, 1),
                         hint=special_hint or "give the path of a file, or a pipe another "
                                              "command writes to")
    what = "a device or a socket" if pipe else "a device, a pipe or a socket"
    raise InputError("file-not-found", f"{shown} is not a regular file ({what})",
                     span=Span(shown, 1, 1, 1, 1),
                     hint=special_hint or "give the path of a file: ork does not read a "
                                          "device, which may block or never end")


def _own_output(st: os.stat_result) -> bool:
    """Return whether ``st`` is the pipe of this process's stdout or stderr."""
    for fd in (1, 2):
        try:
            out = os.fstat(fd)
        except OSError:
            continue
        if (out.st_dev, out.st_ino) == (st.st_dev, st.st_ino):
            return True
    return False


def write_if_changed(path: Path, data: bytes, *, shown: str = "", option: str = "") -> bool:
    """Write ``data`` to ``path`` atomically unless it already holds exactly those bytes.

    Returns whether the file was written.

    Raises:
        InputError: output-write-failed.
    """
    return write_all([Output(path, data, shown, option)])[0]


def write_all(outputs: Sequence[Output]) -> list[bool]:
    """Write every output whose bytes changed: all of them, or none; return which were.

    Each changed regular file gets a temp file beside it, and every temp file is written
    and fsynced before the first rename, so a failure (a directory in the way, a full
    disk, no permission) leaves every output as it was. Only the renames themselves come
    one after the other. A device or a pipe (``-o /dev/stdout``) is neither read nor
    replaced: the bytes are written through it, after the temp files and before the
    renames. A target is read only when it is a regular file of the new bytes' size.

    Raises:
        InputError: output-write-failed, naming the output and the option that gave it.
    """
    plans = [_plan(out) for out in outputs]
    temps: dict[int, tuple[int, str]] = {}
    renamed: set[int] = set()
    try:
        _write(outputs, plans, temps, renamed)
    finally:
        for i, (fd, tmp) in temps.items():
            if i not in renamed:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(tmp)
            os.close(fd)  # releases the lock, after the rename
    for directory in sorted({plans[i][1].parent for i in temps}):
        _fsync_dir(directory)
    for kind, target in plans:
        if kind == "same":
            sweep(target.parent, f".{target.name}.")  # what a killed earlier write left
    return [kind != "same" for kind, _ in plans]


def _write(outputs: Sequence[Output], plans: Sequence[tuple[str, Path]],
           temps: dict[int, tuple[int, str]], renamed: set[int]) -> None:
    """Fill ``temps`` (every temp file first), write the specials, then rename in order.

    Raises:
        InputError: output-write-failed, for the output that failed.
    """
    at = 0
    try:
        for i, (kind, target) in enumerate(plans):
            at = i
            if kind == "replace":
                temps[i] = _prepare(target, outputs[i].data, durable=True,
                                    mode=_mode_for(target))
        for i, (kind, target) in enumerate(plans):
            at = i
            if kind == "special":
                _write_through(target, outputs[i].data)
        for i in sorted(temps):
            at = i
            os.replace(temps[i][1], plans[i][1])
            renamed.add(i)
    except OSError as exc:
        raise _failed(outputs[at], exc) from exc


def _plan(out: Output) -> tuple[str, Path]:
    """Return how to write an output, and where: "same" (nothing to do), "replace" (a
    temp file and a rename, onto what a symlink points at) or "special" (write through).

    Raises:
        InputError: output-write-failed when the path is a directory or cannot be a file.
    """
    try:
        st = os.stat(out.path)
    except FileNotFoundError:
        return "replace", out.path
    except OSError as exc:  # a file where a directory should be, a loop, no permission
        raise _failed(out, exc) from exc
    if stat.S_ISDIR(st.st_mode):
        raise _failed(out, IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR)))
    if not stat.S_ISREG(st.st_mode):
        return "special", out.path
    # A symlink to a file (`-o /dev/stdout` redirected to one, too) is written through:
    # the temp file goes beside the file it names, never into the link's directory.
    target = Path(os.path.realpath(out.path)) if os.path.islink(out.path) else out.path
    if st.st_size != len(out.data):
        return "replace", target
    try:
        with open(target, "rb") as fh:
            same = fh.read(len(out.data) + 1) == out.data
    except OSError:  # unreadable: replacing it may still be allowed
        return "replace", target
    return ("same" if same else "replace"), target


def _failed(out: Output, exc: OSError) -> InputError:
    """Return the output-write-failed error of an output, with a hint for its cause."""
    shown = out.shown or _relative(out.path)
    given = f"the path given to {out.option}" if out.option else "the path"
    if exc.errno == errno.EISDIR:
        hint = (f"{out.option} takes the path of a file, not of a directory (e.g. "
                f"{out.option} {shown.rstrip('/')}/{_example(out)})" if out.option
                else "move the directory out of the way")
    elif exc.errno == errno.ENOTDIR:
        hint = f"a part of {given} is a file, not a directory"
    elif exc.errno in (errno.ENOSPC, errno.EDQUOT):
        hint = "the device is full: free some space" + (
            f", or give {out.option} another path" if out.option else "")
    else:
        hint = f"check {given} and that its directory is writable"
    return InputError("output-write-failed",
                      f"cannot write {shown}: {exc.strerror or exc}", hint=hint)


def _example(out: Output) -> str:
    return "ork.lock" if out.option == "--lock" else "bundle.yaml"


def _relative(path: Path) -> str:
    """Return a path relative to the working directory when it is inside it."""
    try:
        rel = os.path.relpath(path)
    except ValueError:  # another drive
        return str(path)
    return str(path) if rel.startswith("..") else rel


def replace_file(path: Path, data: bytes, *, durable: bool, mode: int | None = None,
                 sweep_prefix: str | None = None) -> None:
    """Put ``data`` at ``path`` in one rename, through a locked temp file beside it.

    ``durable`` fsyncs the file before the rename and the directory after it. ``mode``
    defaults to mkstemp's 0600. Stale temp files whose names start with ``sweep_prefix``
    (default: this file's own, ``.<name>.``) are removed first.

    Raises:
        OSError: the directory cannot be created or written.
    """
    fd, tmp = _prepare(path, data, durable=durable, mode=mode, sweep_prefix=sweep_prefix)
    try:
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    finally:
        os.close(fd)  # releases the lock, after the rename
    if durable:
        _fsync_dir(path.parent)


def _prepare(path: Path, data: bytes, *, durable: bool, mode: int | None,
             sweep_prefix: str | None = None) -> tuple[int, str]:
    """Return a locked temp file beside ``path`` holding ``data``, open, not yet renamed.

    Raises:
        OSError: the directory cannot be created or written; nothing is left behind then.
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
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        os.close(fd)
        raise
    return fd, tmp


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


def _write_through(path: Path, data: bytes) -> None:
    """Write to a device or pipe (``-o /dev/stdout``), which cannot be replaced.

    Raises:
        OSError: it cannot be opened or written (``/dev/full``: no space left).
    """
    fd = os.open(path, os.O_WRONLY)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    finally:
        os.close(fd)


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
