"""Go-style durations (``30s``, ``1m``, ``1h30m``, ``1.5h``) as seconds, and retry backoff."""

from __future__ import annotations

import re

from ..errors import InputError

_UNITS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "μs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0,
          "h": 3600.0}
_PART = re.compile(r"([0-9]*(?:\.[0-9]*)?)(ns|us|µs|μs|ms|s|m|h)")
DEFAULT_RESYNC = "10m"


def parse(text: str) -> float:
    """Return the number of seconds a Go duration string stands for.

    Raises:
        InputError: invalid-duration, for anything ``time.ParseDuration`` would refuse.
    """
    body = text.strip()
    sign = -1.0 if body.startswith("-") else 1.0
    body = body.lstrip("+-")
    if body == "0":
        return 0.0
    total, pos = 0.0, 0
    while pos < len(body):
        match = _PART.match(body, pos)
        if match is None or match.group(1) in ("", "."):
            raise InputError("invalid-duration", f"invalid duration {text!r}",
                             hint="write a Go duration such as 30s, 1m, 1h30m")
        total += float(match.group(1)) * _UNITS[match.group(2)]
        pos = match.end()
    if pos == 0:
        raise InputError("invalid-duration", f"invalid duration {text!r}",
                         hint="write a Go duration such as 30s, 1m, 1h30m")
    return sign * total


def backoff(failures: int, *, base: float, cap: float) -> float:
    """Return the delay before retry number ``failures`` (1-based): base·2ⁿ⁻¹, at most cap."""
    if failures < 1:
        return 0.0
    # 2**62 is already far past any cap; bounding the exponent avoids float overflow.
    return float(min(base * 2.0 ** min(failures - 1, 62), cap))
