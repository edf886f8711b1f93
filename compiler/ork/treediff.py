"""A structural diff of two JSON-like trees, with lists matched by key, not by index.

Lists of mappings that each carry a unique ``name`` (resource items) or ``path`` (status
fields) are matched by that key, so an item inserted in the middle of a list is one
addition rather than a cascade of changes. Paths read like
``operatorBox.reconcile.onReconcile.deployments["{{ .metadata.name }}"].image``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

Action = Literal["add", "remove", "change"]
_MISSING: Any = object()
KEYS = ("name", "path")


@dataclass(frozen=True)
class Delta:
    """One difference: where, what happened, and the values before and after."""

    path: str
    action: Action
    before: Any = None
    after: Any = None


def diff(before: Any, after: Any, path: str = "") -> list[Delta]:
    """Return every difference between two trees, in document order (``after`` first)."""
    return list(_diff(before, after, path))


def _diff(a: Any, b: Any, path: str) -> Iterator[Delta]:
    if a is _MISSING:
        yield Delta(path, "add", None, b)
    elif b is _MISSING:
        yield Delta(path, "remove", a, None)
    elif isinstance(a, dict) and isinstance(b, dict):
        for key in [*b, *(k for k in a if k not in b)]:
            yield from _diff(a.get(key, _MISSING), b.get(key, _MISSING), _join(path, key))
    elif isinstance(a, list) and isinstance(b, list):
        key = _list_key(a, b)
        if key is None:
            for i in range(max(len(a), len(b))):
                yield from _diff(a[i] if i < len(a) else _MISSING,
                                 b[i] if i < len(b) else _MISSING, f"{path}[{i}]")
        else:
            left = {item[key]: item for item in a}
            right = {item[key]: item for item in b}
            order = [item[key] for item in b] + [item[key] for item in a
                                                 if item[key] not in right]
            for k in order:
                yield from _diff(left.get(k, _MISSING), right.get(k, _MISSING),
                                 f"{path}[{json.dumps(k, ensure_ascii=False)}]")
    elif a != b or type(a) is not type(b):
        yield Delta(path, "change", a, b)


def _list_key(a: list[Any], b: list[Any]) -> str | None:
    """Return the key every item of both lists carries uniquely, or None."""
    items = a + b
    if not items or not all(isinstance(i, dict) for i in items):
        return None
    for key in KEYS:
        if all(isinstance(i.get(key), str) for i in items) and \
                len({i[key] for i in a}) == len(a) and len({i[key] for i in b}) == len(b):
            return key
    return None


def _join(path: str, key: str) -> str:
    simple = key.replace("-", "").replace("_", "").replace("/", "").replace(".", "").isalnum()
    if simple and "." not in key:
        return f"{path}.{key}" if path else key
    return f"{path}[{json.dumps(key, ensure_ascii=False)}]"
