"""``ork`` as a real subprocess: ``ork run`` in the background, other commands to completion."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import threading
from pathlib import Path

from tests.runtime.conftest import ork_env
from tests.runtime.helpers import wait_for

SERVING = re.compile(r"on (http://[0-9.]+:[0-9]+) with the")


class Running:
    """An ``ork run`` process, its stderr lines, and its HTTP address."""

    def __init__(self, cwd: Path, *args: str) -> None:
        self.cwd = cwd
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "ork", "run", "--port", "0", *args], cwd=cwd,
            env=ork_env(cwd / "cache"), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True)
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self.url = wait_for(self._url, what="ork run to print its address")

    def _read(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.lines.append(line.rstrip("\n"))

    def _url(self) -> str | None:
        if self.proc.poll() is not None and not self._reader.is_alive():
            raise AssertionError("ork run exited early:\n" + "\n".join(self.lines))
        for line in list(self.lines):
            match = SERVING.search(line)
            if match:
                return match.group(1)
        return None

    def stop(self) -> int:
        """Send SIGTERM and return the exit code."""
        self.proc.send_signal(signal.SIGTERM)
        code = self.proc.wait(timeout=60)
        self._reader.join(timeout=10)
        for stream in (self.proc.stdout, self.proc.stderr):
            if stream is not None:
                stream.close()
        return code

    def log(self) -> str:
        """Return what the process printed to stderr so far."""
        return "\n".join(self.lines)


def ork(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run one ork command in another process and return its result."""
    return subprocess.run([sys.executable, "-m", "ork", *args], cwd=cwd,
                          env=ork_env(cwd / "cache"), capture_output=True, text=True,
                          check=False, timeout=120)
