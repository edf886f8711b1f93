"""The controller's metrics, and their Prometheus text exposition (format 0.0.4)."""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Callable

BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class Metrics:
    """Counters and a duration histogram per CRD; gauges are read when scraped."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.reconciles: dict[tuple[str, str], int] = defaultdict(int)
        self._buckets: dict[str, list[int]] = {}
        self._sum: dict[str, float] = defaultdict(float)
        self._count: dict[str, int] = defaultdict(int)
        self._gauges: dict[str, dict[str, Callable[[], float]]] = defaultdict(dict)

    def observe(self, crd: str, result: str, seconds: float) -> None:
        """Count one reconcile of a CRD with its result and duration."""
        with self._lock:
            self.reconciles[(crd, result)] += 1
            counts = self._buckets.setdefault(crd, [0] * len(BUCKETS))
            for i, bound in enumerate(BUCKETS):
                if seconds <= bound:
                    counts[i] += 1
            self._sum[crd] += seconds
            self._count[crd] += 1

    def gauge(self, name: str, crd: str, read: Callable[[], float]) -> None:
        """Register a gauge of a CRD, read at every scrape."""
        with self._lock:
            self._gauges[name][crd] = read

    def total(self, crd: str, result: str) -> int:
        """Return how many reconciles of a CRD ended with a result."""
        with self._lock:
            return self.reconciles.get((crd, result), 0)

    def exposition(self) -> str:
        """Return every metric in the Prometheus text format."""
        with self._lock:
            out = ["# HELP controller_reconcile_total Reconciles by CRD and result.",
                   "# TYPE controller_reconcile_total counter"]
            for (crd, result), n in sorted(self.reconciles.items()):
                out.append(f'controller_reconcile_total{{crd="{_esc(crd)}",result="{result}"}}'
                           f" {n}")
            out += self._histogram()
            gauges = {name: dict(by_crd) for name, by_crd in self._gauges.items()}
        for name, help_ in _GAUGES:
            out += [f"# HELP {name} {help_}", f"# TYPE {name} gauge"]
            for crd, read in sorted(gauges.get(name, {}).items()):
                out.append(f'{name}{{crd="{_esc(crd)}"}} {_num(read())}')
        return "\n".join(out) + "\n"

    def _histogram(self) -> list[str]:
        name = "controller_reconcile_duration_seconds"
        out = [f"# HELP {name} Time spent in one reconcile.", f"# TYPE {name} histogram"]
        for crd, counts in sorted(self._buckets.items()):
            label = f'crd="{_esc(crd)}"'
            for bound, n in zip(BUCKETS, counts, strict=True):
                out.append(f'{name}_bucket{{{label},le="{bound}"}} {n}')
            out.append(f'{name}_bucket{{{label},le="+Inf"}} {self._count[crd]}')
            out.append(f"{name}_sum{{{label}}} {self._sum[crd]:.6f}")
            out.append(f"{name}_count{{{label}}} {self._count[crd]}")
        return out


_GAUGES = (
    ("controller_queue_depth", "Keys waiting in the work queue."),
    ("controller_workers_active", "Workers reconciling right now."),
    ("controller_resource_count", "CRs of the CRD the controller knows."),
)


def _esc(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.6f}"
