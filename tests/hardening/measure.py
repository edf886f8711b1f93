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
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    with open(out, "w") as fh:
        json.dump({"code": code, "seconds": seconds, "peak_mib": peak_kib / 1024}, fh)


if __name__ == "__main__":
    main()
