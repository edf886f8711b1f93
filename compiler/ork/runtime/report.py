"""How ``ork simulate`` prints its report: text, YAML (the objects) or JSON."""

from __future__ import annotations

import json
from typing import Any

from .. import yamlout
from .simulate import Cycle, Report

# Line breaks and other control characters, as escapes: a CR's text (an event message
# rendered from its spec, a name) must stay on its line, or it could end a YAML comment
# and start documents of its own in `--output yaml`.
_CONTROL = {c: f"\\x{c:02x}" for c in (*range(0x20), 0x7f, 0x85)} | {
    0x09: "\\t", 0x0A: "\\n", 0x0D: "\\r", 0x2028: "\\u2028", 0x2029: "\\u2029"}


def _one_line(text: str) -> str:
    return text.translate(_CONTROL)


def _lines(cycle: Cycle) -> list[str]:
    lines = [f"  {op}" for op in cycle.ops] or ["  (no writes)"]
    lines += [f"  event {e.type} {e.reason} {e.regarding.name}: {e.message}"
              for e in cycle.events]
    lines += [f"  error {e}" for e in cycle.errors]
    return [_one_line(line) for line in lines]


def text(report: Report) -> str:
    """Return the operations of every cycle, then notes and the expectations' verdict."""
    out: list[str] = []
    for cycle in report.cycles:
        out.append(f"cycle {cycle.number}")
        out += _lines(cycle)
    out += [_one_line(f"note: {n}") for n in report.notes]
    out += failures(report)
    return "\n".join(out) + "\n"


def failures(report: Report) -> list[str]:
    """Return the expectations' verdict: one line per failure, or nothing when all passed."""
    if not report.failures:
        return []
    return [f"{len(report.failures)} expectation(s) failed:",
            *(_one_line(f"  - {f}") for f in report.failures)]


def yaml(report: Report) -> str:
    """Return the operations as comments, then every object as a YAML document."""
    head = []
    for cycle in report.cycles:
        head.append(f"# cycle {cycle.number}")
        head += [f"#{line}" for line in _lines(cycle)]
    head += [_one_line(f"# note: {n}") for n in report.notes]
    return "\n".join(head) + "\n" + yamlout.dump_all(list(report.objects))


def to_json(report: Report) -> str:
    """Return the whole report as JSON."""
    data: dict[str, Any] = {
        "cycles": [{"cycle": c.number, "ops": [str(op) for op in c.ops],
                    "events": [{"type": e.type, "reason": e.reason, "object": str(e.regarding),
                                "message": e.message} for e in c.events],
                    "errors": list(c.errors)} for c in report.cycles],
        "objects": list(report.objects),
        "notes": list(report.notes),
        "failures": list(report.failures),
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
