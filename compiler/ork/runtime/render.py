"""Templates at run time: the context of a CR, rendered values, and conditions.

Every string goes through the template engine only when it holds an action, so plain
values cost nothing. A value that is exactly one action keeps its native type (``3``,
``true``, a list), which the translator then checks and converts.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from .. import templates
from ..errors import InputError, OrkError, RuntimeError_, TemplateError
from ..kinds.conditions import Condition
from ..plurals import plural
from .objects import Obj, lower_camel

Context = dict[str, Any]


def has_actions(text: str) -> bool:
    """Return whether a string holds a template action."""
    return "{{" in text and templates.has_actions(text)


def text(source: str, ctx: Context) -> str:
    """Return a string rendered as text.

    Raises:
        TemplateError: when the template fails to execute.
    """
    return templates.render(source, ctx) if has_actions(source) else source


def value(source: Any, ctx: Context) -> Any:
    """Return a value with every string rendered, keeping single actions' native types.

    Raises:
        TemplateError: when a template fails to execute.
    """
    if isinstance(source, str):
        return templates.evaluate(source, ctx) if has_actions(source) else source
    if isinstance(source, dict):
        return {text(str(k), ctx): value(v, ctx) for k, v in source.items()}
    if isinstance(source, list | tuple):
        return [value(v, ctx) for v in source]
    return source


def context(cr: Obj, children: Iterable[Obj], katalog: dict[str, str]) -> Context:
    """Return the template context of a CR: metadata, spec, status, children, katalog."""
    return {"metadata": cr.get("metadata") or {}, "spec": cr.get("spec") or {},
            "status": cr.get("status") or {}, "children": children_context(children),
            "katalog": dict(katalog)}


def children_context(children: Iterable[Obj]) -> dict[str, Any]:
    """Return ``.children``: ``<kind>`` the first of a kind, ``<kind>s`` all, ``byName``."""
    out: dict[str, Any] = {}
    by_name: dict[str, Obj] = {}
    for child in children:
        kind = lower_camel(str(child.get("kind", "")))
        if not kind:
            continue
        out.setdefault(kind, child)
        for many in dict.fromkeys((kind + "s", plural(kind))):
            out.setdefault(many, []).append(child)
        by_name.setdefault(str((child.get("metadata") or {}).get("name", "")), child)
    out["byName"] = by_name
    return out


def field_value(field: str, ctx: Context) -> Any:
    """Return what a condition's ``field`` names: a template's value or a dot path's."""
    if has_actions(field):
        return templates.evaluate(field, ctx)
    node: Any = ctx
    for part in field.strip().lstrip(".").split("."):
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return None
    return node


def holds(condition: Condition, ctx: Context) -> bool:
    """Return whether one condition holds for the context.

    Raises:
        TemplateError: when its field or value fails to render.
    """
    op, expected = condition.resolved()
    if op is None:
        return False  # the compiler refuses ambiguous conditions; a stray one never holds
    actual = field_value(condition.field, ctx)
    return bool(templates.evaluate_condition(op, actual, value(expected, ctx)))


def gate(when: Sequence[Condition] | None, or_: Sequence[Condition] | None,
         ctx: Context) -> bool:
    """Return whether ``when`` (all hold) and ``or`` (at least one holds) allow something.

    Raises:
        TemplateError: when a condition fails to render.
    """
    if when and not all(holds(c, ctx) for c in when):
        return False
    return not or_ or any(holds(c, ctx) for c in or_)


def located(exc: OrkError, label: str) -> OrkError:
    """Return an error of the same family whose message starts with where it happened."""
    family: type[OrkError] = next(
        (c for c in (TemplateError, RuntimeError_, InputError) if isinstance(exc, c)), OrkError)
    return family(exc.code, f"{label}: {exc.message}", hint=exc.diagnostics[0].hint)
