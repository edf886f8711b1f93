"""Killing ``ork`` processes with SIGKILL at random moments.

A kill at a uniformly random moment mostly lands in the long compile, rarely in the few
milliseconds of a write. So half the kills are uniform over the whole run, and the other
half come a random moment after the child announced that it started writing an output
(``child.py --announce``): inside the write, or just after it.
"""

from __future__ import annotations

import random
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Mapping
from pathlib import Path

from .checks import temp_files


class Aim:
    """Kill moments: uniform over a run of about ``span`` seconds, or just after a write began."""

    def __init__(self, span: float, seed: int, window: float) -> None:
        self.rng = random.Random(seed)
        self.span = span
        self.window = window

    def moment(self, rep: int) -> tuple[bool, float]:
        """Return (whether to wait for the write to begin, then how long before the kill)."""
        if rep % 2 == 0:
            return False, self.rng.uniform(0, self.span * 1.1)
        return True, self.rng.uniform(0, self.window)


def child(args: list[str], *, slow: float = 0.0) -> list[str]:
    """Return the command line of ``ork ARGS`` in a child process (on a slow disk)."""
    return [sys.executable, "-m", "tests.hardening.child", "--slow", f"{slow:g}", *args]


def kill_after(command: list[str], delay: float, *, cwd: Path, env: Mapping[str, str],
               announced: bool = False) -> int | None:
    """Run a command and SIGKILL it ``delay`` seconds after its start (or after it announced
    a write, with ``announced``); return its exit code if it finished first."""
    proc = subprocess.Popen(command, cwd=cwd, env=dict(env), stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL)
    assert proc.stdout is not None
    try:
        if announced and not proc.stdout.readline().startswith(b"writing "):
            return proc.wait(timeout=60)  # finished without writing it
        return proc.wait(timeout=delay)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        return None
    finally:
        proc.stdout.close()


def timed(command: list[str], *, cwd: Path, env: Mapping[str, str]) -> float:
    """Run a command to the end (it must succeed); return how long it took."""
    start = time.monotonic()
    proc = subprocess.run(command, cwd=cwd, env=dict(env), capture_output=True, check=False,
                          timeout=120)
    assert proc.returncode == 0, (proc.stdout + proc.stderr).decode()
    return time.monotonic() - start


def temps_per_directory(root: Path) -> Counter[str]:
    """Return how many temp files each directory under ``root`` holds."""
    return Counter(str(Path(t).parent) for t in temp_files(root))
