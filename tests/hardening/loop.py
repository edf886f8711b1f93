"""Run ``ork ARGS`` again and again in one process; print the exit codes as JSON.

``python -m tests.hardening.loop N ARGS...`` — a real process that keeps writing, so a
test can race it against another one (or kill it) without paying for a start-up per run.
"""

from __future__ import annotations

import json
import sys


def main() -> None:
    count, args = int(sys.argv[1]), sys.argv[2:]
    from ork.entry import main as ork

    codes = []
    for _ in range(count):
        sys.argv = ["ork", *args]
        codes.append(ork())
    print(json.dumps(codes))


if __name__ == "__main__":
    main()
