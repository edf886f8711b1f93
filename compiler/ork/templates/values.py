"""How template values print, test true, compare and convert: Go's rules, ork's choices.

* Output (templates.md): nil prints as the empty string (never ``<no value>``); integers
  and floats as Go's ``fmt`` prints them; booleans ``true``/``false``; lists and maps as
  compact JSON with sorted keys.
* Truth: false, 0, "", nil, and empty lists and maps are false.
* Comparison: numbers compare numerically, and a numeric string from a CR compares as a
  number when the other side is a number.
"""

from __future__ import annotations

import json
import math
from typing import Any


class ExecError(Exception):
    """A template failed while executing (wrong argument type, division by zero, …)."""


def go_float(value: float) -> str:
    """Return a float as Go's ``%v`` prints it: shortest digits; exponent form when the
    decimal exponent is below -4 or at least 6 (strconv's rule for shortest ``%g``)."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    if value == 0:
        return "-0" if math.copysign(1.0, value) < 0 else "0"
    digits, exp = _shortest(value)
    if exp < -4 or exp >= 6:
        mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        sign = "-" if exp < 0 else "+"
        text = f"{mantissa}e{sign}{abs(exp):02d}"
    elif exp < 0:
        text = "0." + "0" * (-exp - 1) + digits
    elif exp + 1 >= len(digits):
        text = digits + "0" * (exp + 1 - len(digits))
    else:
        text = digits[:exp + 1] + "." + digits[exp + 1:]
    return ("-" if value < 0 else "") + text


def _shortest(value: float) -> tuple[str, int]:
    """Return the shortest round-tripping decimal digits of |value| and its exponent."""
    text = repr(abs(value))  # Python's repr is the shortest round-tripping form, like Go's
    mantissa, _, exp = text.partition("e")
    whole, _, frac = mantissa.partition(".")
    digits = (whole + frac).lstrip("0")
    lead = len(whole + frac) - len(digits)  # zeros before the first significant digit
    return digits.rstrip("0") or "0", len(whole) - 1 - lead + (int(exp) if exp else 0)


def to_text(value: Any) -> str:
    """Return a value as template output prints it."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return go_float(value)
    if isinstance(value, dict | list | tuple):
        return to_json(value)
    return str(value)


def to_json(value: Any) -> str:
    """Return compact JSON with sorted keys and Go's HTML escaping (``<`` → ``\\u003c``)."""
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      default=to_text)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def truth(value: Any) -> bool:
    """Return Go's truth of a value: false, 0, "", nil and empty collections are false."""
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return value != 0
    if isinstance(value, str | list | tuple | dict):
        return len(value) > 0
    return True


def number(value: Any) -> int | float | None:
    """Return a value as a number (a numeric string counts), or None."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return value
    if isinstance(value, str):
        text = value.strip()
        try:
            return int(text)
        except ValueError:
            pass
        try:
            f = float(text)
        except ValueError:
            return None
        return f if math.isfinite(f) else None
    return None


def equal(a: Any, b: Any) -> bool:
    """Return ``eq a b``: numbers numerically (numeric strings too), else by value."""
    if isinstance(a, bool) or isinstance(b, bool):
        if isinstance(a, bool) and isinstance(b, bool):
            return a == b
        return to_text(a) == to_text(b)
    if isinstance(a, int | float) or isinstance(b, int | float):
        na, nb = number(a), number(b)
        if na is not None and nb is not None:
            return na == nb
        return False
    if a is None or b is None:
        return (a is None or a == "") and (b is None or b == "")
    return bool(a == b)


def compare(a: Any, b: Any, op: str) -> bool:
    """Return ``lt``/``le``/``gt``/``ge`` of two values: numbers, or two strings.

    Raises:
        ExecError: when the two values cannot be ordered.
    """
    na, nb = number(a), number(b)
    numeric = isinstance(a, int | float) or isinstance(b, int | float)
    if na is not None and nb is not None and (numeric or (
            not isinstance(a, str) or not isinstance(b, str))):
        x, y = na, nb
    elif isinstance(a, str) and isinstance(b, str):
        x, y = a, b  # type: ignore[assignment]
    elif a is None or b is None:
        x, y = (na or 0), (nb or 0)
    else:
        raise ExecError(f"incompatible types for comparison: {type_name(a)} and "
                        f"{type_name(b)}")
    return {"lt": x < y, "le": x <= y, "gt": x > y, "ge": x >= y}[op]


def type_name(value: Any) -> str:
    """Return a Go-like type name for messages and ``typeOf``."""
    if value is None:
        return "<nil>"
    return {bool: "bool", int: "int", float: "float64", str: "string", list: "[]interface {}",
            tuple: "[]interface {}", dict: "map[string]interface {}"}.get(type(value),
                                                                         type(value).__name__)
