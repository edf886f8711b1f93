"""Run ``ork ARGS`` in this process and record its exit code, wall time and peak RSS.

``python -m tests.hardening.measure OUT.json ARGS...`` — a fresh interpreter per case, so
the peak RSS is ork's own (imports included), not the test runner's.
"""

from __future__ import annotations

import json
import resource
import sys
import time


def main() -> None:
    out, args = sys.argv[1], sys.argv[2:]
    from ork.entry import main as ork

    sys.argv = ["ork", *args]
    start = time.perf_counter()
    code = ork()
    seconds = time.perf_counter() - start
    with open(out, "w") as fh:
        json.dump({"code": code, "seconds": seconds, "peak_mib": _peak_kib() / 1024}, fh)


def _peak_kib() -> int:
    """Return this process's peak RSS in KiB.

    VmHWM belongs to the address space exec created, so it is ork's own. getrusage's
    ru_maxrss is not: Linux keeps it across execve, so a child forked from a big test
    runner would report the runner's peak.
    """
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


if __name__ == "__main__":
    main()
