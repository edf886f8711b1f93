"""Rendered values to the types Kubernetes wants, or ``invalid-rendered-value``.

Templates render to text (or, for a single action, to the native value), so a field such
as ``replicas: "{{ .spec.replicas }}"`` may arrive as ``"3"``, ``3`` or ``""``. An empty
value of an optional field means "not set" and takes the default.
"""

from __future__ import annotations

import re
from typing import Any

from ..errors import RuntimeError_
from ..templates.values import ExecError, to_text

_INT = re.compile(r"^[+-]?[0-9]+$")
_TRUE = frozenset({"true", "True", "TRUE", "1", "yes", "on"})
_FALSE = frozenset({"false", "False", "FALSE", "0", "no", "off", ""})


def invalid(field: str, value: Any, expected: str) -> RuntimeError_:
    """Return the invalid-rendered-value error for one field."""
    return RuntimeError_("invalid-rendered-value",
                         f"`{field}` rendered to {value!r}, which is not {expected}",
                         hint="check the template and the CR field it reads")


def is_empty(value: Any) -> bool:
    """Return whether a rendered value counts as "not set"."""
    return value is None or (isinstance(value, str) and value.strip() == "")


def to_int(value: Any, field: str) -> int:
    """Return a rendered value as an integer.

    Raises:
        RuntimeError_: invalid-rendered-value.
    """
    if isinstance(value, bool):
        raise invalid(field, value, "an integer")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and _INT.match(value.strip()):
        return int(value.strip())
    raise invalid(field, value, "an integer")


def opt_int(value: Any, field: str, default: int | None = None) -> int | None:
    """Return a rendered integer, or ``default`` when the value is empty.

    Raises:
        RuntimeError_: invalid-rendered-value.
    """
    return default if is_empty(value) else to_int(value, field)


def to_bool(value: Any, field: str) -> bool:
    """Return a rendered value as a boolean (``true``/``false``, any case Go prints).

    Raises:
        RuntimeError_: invalid-rendered-value.
    """
    if isinstance(value, bool):
        return value
    if value is None:
        return False
    text = str(value).strip()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise invalid(field, value, "a boolean")


def to_str(value: Any) -> str:
    """Return a rendered value as text, as the template printer (Go) prints it: a single
    action's native value reads the same as the text the action would print (``1e+06``,
    compact JSON for a list or map), at run time as at build time.

    Raises:
        RuntimeError_: invalid-rendered-value for what has no text (NaN in a list, a
            value too large to print).
    """
    try:
        return to_text(value)
    except ExecError as exc:
        raise RuntimeError_("invalid-rendered-value", f"a rendered value cannot be printed: "
                            f"{exc}", hint="check the template and the CR field it reads") \
            from None


def opt_str(value: Any) -> str | None:
    """Return a rendered value as text, or None when it is empty."""
    return None if is_empty(value) else to_str(value)


def req_str(value: Any, field: str) -> str:
    """Return a rendered value that must not be empty.

    Raises:
        RuntimeError_: invalid-rendered-value.
    """
    text = opt_str(value)
    if text is None:
        raise invalid(field, value, "a non-empty string")
    return text


def port(value: Any, field: str) -> int | str:
    """Return a port: a number in 1..65535, or a named port (an IANA service name).

    Raises:
        RuntimeError_: invalid-rendered-value.
    """
    if isinstance(value, str) and not _INT.match(value.strip()) and value.strip():
        name = value.strip()
        if re.fullmatch(r"[a-z0-9]([a-z0-9-]{0,13}[a-z0-9])?", name) and re.search("[a-z]", name):
            return name
        raise invalid(field, value, "a port number or a port name")
    number = to_int(value, field)
    if not 1 <= number <= 65535:
        raise invalid(field, value, "a port number in 1..65535")
    return number


def str_map(value: Any, field: str) -> dict[str, str]:
    """Return a mapping with every value as text (labels, annotations, data).

    Raises:
        RuntimeError_: invalid-rendered-value when the value is not a mapping.
    """
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise invalid(field, value, "a mapping")
    return {to_str(k): to_str(v) for k, v in value.items()}


def str_list(value: Any, field: str) -> list[str]:
    """Return a list with every element as text (command, args).

    Raises:
        RuntimeError_: invalid-rendered-value when the value is not a list.
    """
    if value is None:
        return []
    if not isinstance(value, list | tuple):
        raise invalid(field, value, "a list")
    return [to_str(v) for v in value]
