"""A small schema language and the checks every translated object passes before it is applied.

Each built-in kind has a hand-written schema (``schemas.py``) with the fields the API server
requires and their types, plus the value rules it enforces most often (names, label values,
ports, quantities, enums). Unknown fields are allowed: the API server, not ork, owns the
full OpenAPI of each kind.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..errors import RuntimeError_

Check = Callable[[Any], str | None]


@dataclass(frozen=True)
class Type:
    """A scalar type: ``str``, ``int``, ``bool`` or ``int-or-string``, with an optional rule."""

    name: str
    check: Check | None = None


@dataclass(frozen=True)
class ListOf:
    """A list of values of one schema."""

    item: Schema
    min_items: int = 0


@dataclass(frozen=True)
class MapOf:
    """A mapping from strings to values of one schema (labels, data)."""

    value: Schema
    key: Check | None = None


@dataclass(frozen=True)
class Obj:
    """A mapping with known fields; ``required`` names those that must be present."""

    fields: Mapping[str, Schema]
    required: tuple[str, ...] = ()
    rule: Check | None = field(default=None)


Schema = Type | ListOf | MapOf | Obj

_DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
_DNS_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
_LABEL_VALUE = re.compile(r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")
_QUALIFIED = re.compile(r"^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$")
_QUANTITY = re.compile(r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]+|[numkMGTPE]|"
                       r"[KMGTPE]i)?$")


def dns_label(value: Any) -> str | None:
    """Return why a value is not an RFC 1123 label (63 characters), or None."""
    if not isinstance(value, str) or len(value) > 63 or not _DNS_LABEL.match(value):
        return "must be a lower-case RFC 1123 label (a-z, 0-9, '-', at most 63 characters)"
    return None


def dns_subdomain(value: Any) -> str | None:
    """Return why a value is not an RFC 1123 subdomain (253 characters), or None."""
    if not isinstance(value, str) or len(value) > 253 or not _DNS_SUBDOMAIN.match(value):
        return ("must be a lower-case RFC 1123 subdomain (a-z, 0-9, '-', '.', at most 253 "
                "characters)")
    return None


def label_value(value: Any) -> str | None:
    """Return why a value cannot be a label value, or None."""
    if not isinstance(value, str) or len(value) > 63 or not _LABEL_VALUE.match(value):
        return "must be a label value (alphanumerics, '-', '_', '.', at most 63 characters)"
    return None


def label_key(value: Any) -> str | None:
    """Return why a value cannot be a label key (``[prefix/]name``), or None."""
    text = str(value)
    prefix, _, name = text.rpartition("/")
    if prefix and dns_subdomain(prefix):
        return f"label key {text!r} has an invalid prefix"
    if len(name) > 63 or not _QUALIFIED.match(name):
        return f"label key {text!r} is not a qualified name"
    return None


def quantity(value: Any) -> str | None:
    """Return why a value is not a Kubernetes quantity (``250m``, ``1Gi``), or None."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return None
    if not isinstance(value, str) or not _QUANTITY.match(value):
        return "must be a quantity such as 250m, 512Mi or 2"
    return None


def at_least(n: int) -> Check:
    """Return a rule: an integer not below ``n``."""
    return lambda v: None if v >= n else f"must be at least {n}"


def port_range(value: Any) -> str | None:
    """Return why an integer is not a port number, or None."""
    if isinstance(value, int) and not 1 <= value <= 65535:
        return "must be a port number in 1..65535"
    return None


def one_of(*allowed: str) -> Check:
    """Return a rule: one of the given strings."""
    return lambda v: None if v in allowed else f"must be one of {', '.join(allowed)}"


STR = Type("str")
NONEMPTY = Type("str", lambda v: None if v else "must not be empty")
INT = Type("int")
BOOL = Type("bool")
INT_OR_STR = Type("int-or-string")
ANY = Type("any")


def problems(schema: Schema, value: Any, path: str = "") -> list[str]:
    """Return every problem of a value against a schema, as ``path: message`` lines."""
    out: list[str] = []
    _check(schema, value, path, out)
    return out


def _check(schema: Schema, value: Any, path: str, out: list[str]) -> None:
    if isinstance(schema, Type):
        _scalar(schema, value, path, out)
    elif isinstance(schema, ListOf):
        if not isinstance(value, list):
            out.append(f"{path}: expected a list")
            return
        if len(value) < schema.min_items:
            out.append(f"{path}: needs at least {schema.min_items} item(s)")
        for i, item in enumerate(value):
            _check(schema.item, item, f"{path}[{i}]", out)
    elif isinstance(schema, MapOf):
        if not isinstance(value, dict):
            out.append(f"{path}: expected a mapping")
            return
        for k, v in value.items():
            problem = schema.key(k) if schema.key else None
            if problem:
                out.append(f"{path}: {problem}")
            _check(schema.value, v, f"{path}.{k}" if path else str(k), out)
    else:
        _object(schema, value, path, out)


def _object(schema: Obj, value: Any, path: str, out: list[str]) -> None:
    if not isinstance(value, dict):
        out.append(f"{path or 'object'}: expected a mapping")
        return
    for name in schema.required:
        if value.get(name) is None:
            out.append(f"{_join(path, name)}: required")
    for name, sub in schema.fields.items():
        if value.get(name) is not None:
            _check(sub, value[name], _join(path, name), out)
    if schema.rule is not None:
        problem = schema.rule(value)
        if problem:
            out.append(f"{path or 'object'}: {problem}")


_PY = {"str": (str,), "int": (int,), "bool": (bool,), "int-or-string": (int, str)}
_NAMES = {"str": "a string", "int": "an integer", "bool": "a boolean",
          "int-or-string": "an integer or a string"}


def _scalar(schema: Type, value: Any, path: str, out: list[str]) -> None:
    if schema.name != "any":
        ok = isinstance(value, _PY[schema.name]) and not (
            schema.name in ("int", "int-or-string") and isinstance(value, bool))
        if not ok:
            out.append(f"{path}: expected {_NAMES[schema.name]}, got {type(value).__name__}")
            return
    if schema.check is not None:
        problem = schema.check(value)
        if problem:
            out.append(f"{path}: {problem}")


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def validate(obj: dict[str, Any], schema: Schema, what: str) -> None:
    """Check one object against its schema.

    Raises:
        RuntimeError_: invalid-object, listing every problem.
    """
    found = problems(schema, obj)
    if found:
        raise RuntimeError_("invalid-object", f"{what} does not pass the schema of its kind: "
                            + "; ".join(found),
                            hint="check the resource template and the values it renders")
