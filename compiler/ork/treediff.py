"""A structural diff of two JSON-like trees, with lists matched by key, not by index.

Lists of mappings that each carry a unique ``name`` (resource items) or ``path`` (status
fields) are matched by that key, so an item inserted in the middle of a list is one
addition rather than a cascade of changes; other lists are aligned as sequences
(``difflib``), so an inserted finalizer is one addition too. Differences come out in
document order: the new tree's order, with what was removed shown where it used to be.
Paths read like
``operatorBox.reconcile.onReconcile.deployments["{{ .metadata.name }}"].image``.

A pure reordering of named items is not a difference: the reconciler converges on the
same children whatever their order.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Hashable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

Action = Literal["add", "remove", "change"]
Part = str | int
_MISSING: Any = object()
KEYS = ("name", "path")


@dataclass(frozen=True)
class Delta:
    """One difference: where, what happened, and the values before and after.

    ``parts`` is the same place as ``path``, as data: mapping keys, and for list items the
    item's key value (keyed lists) or its index (other lists).
    """

    path: str
    action: Action
    before: Any = None
    after: Any = None
    parts: tuple[Part, ...] = field(default=(), compare=False)


def diff(before: Any, after: Any, path: str = "") -> list[Delta]:
    """Return every difference between two trees, in document order."""
    return list(_diff(before, after, path, ()))


def _diff(a: Any, b: Any, path: str, parts: tuple[Part, ...]) -> Iterator[Delta]:
    if a is _MISSING:
        yield Delta(path, "add", None, b, parts)
    elif b is _MISSING:
        yield Delta(path, "remove", a, None, parts)
    elif isinstance(a, dict) and isinstance(b, dict):
        for key in merged_order(list(a), list(b)):
            yield from _diff(a.get(key, _MISSING), b.get(key, _MISSING), _join(path, key),
                             (*parts, key))
    elif isinstance(a, list) and isinstance(b, list):
        key = _list_key(a, b)
        yield from (_seq(a, b, path, parts) if key is None else _keyed(a, b, key, path, parts))
    elif a != b or type(a) is not type(b):
        yield Delta(path, "change", a, b, parts)


def merged_order(before: Sequence[Hashable], after: Sequence[Hashable]) -> list[Any]:
    """Return the keys of both sides: ``after``'s order, each key only in ``before`` placed
    just ahead of the next key that followed it there and is still present (at the end when
    none is)."""
    at = {k: i for i, k in enumerate(before)}
    present = set(after)
    out: list[Any] = []
    i = 0
    for key in after:
        p = at.get(key)
        if p is not None and p >= i:
            out += [k for k in before[i:p] if k not in present]
            i = p + 1
        out.append(key)
    out += [k for k in before[i:] if k not in present]
    return out


def _keyed(a: list[Any], b: list[Any], key: str, path: str,
           parts: tuple[Part, ...]) -> Iterator[Delta]:
    left = {item[key]: item for item in a}
    right = {item[key]: item for item in b}
    for k in merged_order([i[key] for i in a], [i[key] for i in b]):
        yield from _diff(left.get(k, _MISSING), right.get(k, _MISSING),
                         f"{path}[{json.dumps(k, ensure_ascii=False)}]", (*parts, k))


def _seq(a: list[Any], b: list[Any], path: str, parts: tuple[Part, ...]) -> Iterator[Delta]:
    """Align two unkeyed lists; changed runs of equal length are compared item by item."""
    ka = [_canon(x) for x in a]
    kb = [_canon(x) for x in b]
    matcher = difflib.SequenceMatcher(None, ka, kb, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        pairs = min(i2 - i1, j2 - j1)
        for n in range(pairs):
            yield from _diff(a[i1 + n], b[j1 + n], f"{path}[{j1 + n}]", (*parts, j1 + n))
        for i in range(i1 + pairs, i2):
            yield Delta(f"{path}[{i}]", "remove", a[i], None, (*parts, i))
        for j in range(j1 + pairs, j2):
            yield Delta(f"{path}[{j}]", "add", None, b[j], (*parts, j))


def _canon(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=repr)


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


def _join(path: str, key: Any) -> str:
    if isinstance(key, str) and key.replace("-", "").replace("_", "").replace("/", "").isalnum():
        return f"{path}.{key}" if path else key
    return f"{path}[{json.dumps(key, ensure_ascii=False)}]"
