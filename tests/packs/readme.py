"""Turn a pack README's ``sh`` blocks into a bash script that checks every exit code.

A command is one line (or several joined by a trailing backslash); a trailing
``# exit N`` says it must exit with N, every other command must exit 0. Blocks fenced as
``console`` or ``text`` are for reading, not for running (another terminal, a real
cluster). The script stops at the first command whose exit code is not the expected one
and says which it was.
"""

from __future__ import annotations

import re
import shlex

_BLOCK = re.compile(r"^```sh\n(.*?)^```", re.MULTILINE | re.DOTALL)
_EXPECT = re.compile(r"\s+#\s*exit (\d+)\s*$")


def commands(readme: str) -> list[tuple[str, int]]:
    """Return (command, expected exit code) for every command of the ``sh`` blocks."""
    out: list[tuple[str, int]] = []
    for block in _BLOCK.findall(readme):
        pending = ""
        for line in block.splitlines():
            if line.endswith("\\"):
                pending += line[:-1] + " "
                continue
            line = pending + line
            pending = ""
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            m = _EXPECT.search(line)
            out.append((line[:m.start()] if m else line, int(m.group(1)) if m else 0))
    return out


def script(readme: str) -> str:
    """Return a bash script that runs the commands and checks each exit code."""
    lines = ["set -u -o pipefail"]
    for i, (cmd, want) in enumerate(commands(readme), 1):
        shown = shlex.quote(f"$ {cmd}")
        lines += [f"echo {shown}", cmd, "rc=$?",
                  f'if [ "$rc" != {want} ]; then echo "README command {i} exited $rc, '
                  f'expected {want}: "{shlex.quote(cmd)}; exit 97; fi']
    return "\n".join(lines) + "\n"
