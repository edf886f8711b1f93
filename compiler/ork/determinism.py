"""Naming the first difference between two YAML streams (for ``generate bundle --check``)."""

from __future__ import annotations

from typing import Any


def first_difference(a: bytes, b: bytes) -> str | None:
    """Return where two bundles first differ ("document 5 (ConfigMap/x), field data…"),
    or None when their bytes are equal."""
    if a == b:
        return None
    import yaml

    try:
        docs_a = list(yaml.safe_load_all(a))
        docs_b = list(yaml.safe_load_all(b))
    except yaml.YAMLError:
        return "the bytes differ and one side is not valid YAML"
    for i, (da, db) in enumerate(zip(docs_a, docs_b, strict=False)):
        path = _diff(da, db, ())
        if path is not None:
            return f"document {i + 1} ({_name(da)}), field {'.'.join(map(str, path)) or '(root)'}"
    if len(docs_a) != len(docs_b):
        return f"one stream has {len(docs_a)} documents, the other {len(docs_b)}"
    return "the values are equal but their bytes differ (formatting)"


def _diff(a: Any, b: Any, path: tuple[Any, ...]) -> tuple[Any, ...] | None:
    if isinstance(a, dict) and isinstance(b, dict):
        return _diff_dict(a, b, path)
    if isinstance(a, list) and isinstance(b, list):
        for i, (x, y) in enumerate(zip(a, b, strict=False)):
            found = _diff(x, y, (*path, i))
            if found is not None:
                return found
        return None if len(a) == len(b) else (*path, min(len(a), len(b)))
    return _diff_scalar(a, b, path)


def _diff_dict(a: dict[Any, Any], b: dict[Any, Any],
               path: tuple[Any, ...]) -> tuple[Any, ...] | None:
    if list(a) != list(b):
        for ka, kb in zip(a, b, strict=False):
            if ka != kb:
                return (*path, ka)
        return (*path, "(keys)")
    for k in a:
        found = _diff(a[k], b[k], (*path, k))
        if found is not None:
            return found
    return None


def _diff_scalar(a: Any, b: Any, path: tuple[Any, ...]) -> tuple[Any, ...] | None:
    if isinstance(a, str) and isinstance(b, str) and a != b and "\n" in a + b:
        import difflib

        for line in difflib.unified_diff(a.splitlines(), b.splitlines(), lineterm="", n=0):
            if line.startswith(("-", "+")) and not line.startswith(("---", "+++")):
                return (*path, f"line {line[1:].strip()[:60]!r}")
    return None if a == b else path


def _name(doc: Any) -> str:
    if isinstance(doc, dict):
        meta = doc.get("metadata") or {}
        return f"{doc.get('kind')}/{meta.get('name')}"
    return "?"
