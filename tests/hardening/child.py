"""``ork`` in a child process, optionally again and again, optionally on a slow disk.

``python -m tests.hardening.child [--repeat N] [--slow SECONDS] [--announce NAME] ARGS...``
runs ``ork ARGS`` (the console script's entry point) N times in one process and prints
the exit codes as JSON. ``--slow`` makes the disk slow: each ``os.write`` writes at most
16 KiB, and every ``os.write``, ``os.fsync`` and ``os.replace`` waits SECONDS first, so
a write lasts long enough to be killed in. ``--announce NAME`` prints ``writing NAME``
on stdout the moment ork creates the temp file for ``NAME``, so a test can kill the
process at a random moment *inside* that write. Nothing else changes: the same code
paths run.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from typing import Any

CHUNK = 16 * 1024


def slow_disk(seconds: float) -> None:
    """Make this process's writes, fsyncs and renames wait ``seconds`` each."""
    write, fsync, replace = os.write, os.fsync, os.replace

    def slow(real: Callable[..., Any]) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            time.sleep(seconds)
            return real(*args, **kwargs)
        return call

    def chunked(fd: int, data: Any) -> int:
        time.sleep(seconds)
        return write(fd, memoryview(data)[:CHUNK])

    os.write = chunked
    os.fsync = slow(fsync)
    os.replace = slow(replace)


def announce(name: str) -> None:
    """Print ``writing NAME`` whenever a temp file for ``NAME`` is created."""
    mkstemp = tempfile.mkstemp

    def announcing(*args: Any, **kwargs: Any) -> Any:
        made = mkstemp(*args, **kwargs)
        if os.path.basename(made[1]).startswith(f".{name}."):
            sys.stdout.write(f"writing {name}\n")
            sys.stdout.flush()
        return made

    tempfile.mkstemp = announcing  # type: ignore[assignment]


def main() -> None:
    args = sys.argv[1:]
    repeat = 1
    while args and args[0] in ("--repeat", "--slow", "--announce"):
        if args[0] == "--repeat":
            repeat = int(args[1])
        elif args[0] == "--slow":
            slow_disk(float(args[1]))
        else:
            announce(args[1])
        args = args[2:]
    from ork.entry import main as ork

    codes = []
    for _ in range(repeat):
        sys.argv = ["ork", *args]
        codes.append(ork())
    print(json.dumps(codes), flush=True)
    raise SystemExit(max(codes, key=abs))


if __name__ == "__main__":
    main()
