"""How template values print, test true, compare and convert: Go's rules, ork's choices.

* Output (templates.md): nil prints as the empty string (never ``<no value>``); integers
  and floats as Go's ``fmt`` prints them; booleans ``true``/``false``; lists and maps as
  compact JSON with sorted keys, written as Go's ``encoding/json`` writes them.
* Truth: false, 0, "", nil, and empty lists and maps are false.
* Comparison: numbers compare numerically, and a numeric string from a CR compares as a
  number when the other side is a number.
"""

from __future__ import annotations

import json
import math
from typing import Any

MAX_TEXT = 1 << 20  # characters any one value may print as (JSON, YAML, a function's text)
MAX_NODES = 1 << 20  # list items and map entries a value may hold when it is walked


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
    return _float_text(value, exponent=not -4 <= _shortest(value)[1] < 6, exp_digits=2)


def _float_text(value: float, *, exponent: bool, exp_digits: int) -> str:
    """Return a non-zero finite float in shortest digits, plain or in exponent form."""
    digits, exp = _shortest(value)
    if exponent:
        mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        sign = "-" if exp < 0 else "+"
        text = f"{mantissa}e{sign}{abs(exp):0{exp_digits}d}"
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
    """Return compact JSON as Go's ``json.Marshal`` writes it: keys sorted, floats in Go's
    form (``1`` for 1.0, ``1e+21``), ``<`` ``>`` ``&`` U+2028 U+2029 escaped.

    Raises:
        ExecError: for NaN or an infinity, or when the text would exceed MAX_TEXT
            characters (a value built by doubling a list must not exhaust memory).
    """
    out: list[str] = []
    _json(value, out, [0])
    return "".join(out)


_JSON_ESCAPES = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026",
                               "\u2028": "\\u2028", "\u2029": "\\u2029"})


def _json(value: Any, out: list[str], size: list[int]) -> None:
    if isinstance(value, dict):
        out.append("{")
        for i, key in enumerate(sorted(value, key=str)):
            _emit(("," if i else "") + _json_string(str(key)) + ":", out, size)
            _json(value[key], out, size)
        out.append("}")
    elif isinstance(value, list | tuple):
        out.append("[")
        for i, item in enumerate(value):
            _emit("," if i else "", out, size)
            _json(item, out, size)
        out.append("]")
    else:
        _emit(_json_scalar(value), out, size)


def _emit(text: str, out: list[str], size: list[int]) -> None:
    size[0] += len(text) + 2  # + the brackets around it, if any
    if size[0] > MAX_TEXT:
        raise ExecError(f"the value is larger than {MAX_TEXT} characters as JSON")
    out.append(text)


def _json_string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False).translate(_JSON_ESCAPES)


def _json_scalar(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ExecError(f"json: unsupported value: {go_float(value)}")
        # encoding/json: plain digits from 1e-6 up to 1e21, else 1e+21 / 1e-7.
        big_or_tiny = value != 0 and not 1e-6 <= abs(value) < 1e21
        if value == 0:
            return go_float(value)
        return _float_text(value, exponent=big_or_tiny, exp_digits=1)
    return _json_string(value if isinstance(value, str) else to_text(value))


def check_size(value: Any) -> None:
    """Refuse a value with more than MAX_NODES list items and map entries (counted with
    repeats, so a list that holds itself twice, forty times over, is refused quickly).

    Raises:
        ExecError: when the value is that large.
    """
    stack, seen = [value], 0
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            item = list(item.values())
        if isinstance(item, list | tuple):
            seen += len(item)
            if seen > MAX_NODES:
                raise ExecError(f"the value holds more than {MAX_NODES} items")
            stack.extend(item)


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
    if isinstance(a, list | tuple | dict) and isinstance(b, list | tuple | dict):
        check_size(a)
        check_size(b)
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
