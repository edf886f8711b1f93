"""Conditions a Motif's expansion decides at build time (resolution-and-merge.md, step 4).

A condition whose ``field`` was a template and no longer is after substitution is
*static*: it is evaluated now. A failing ``when`` (or an ``or`` with nothing left that
could hold) drops its item; the decided conditions are removed, so the runtime never reads
a literal as a path into the CR. ``field: inputs.x`` (the path form) names an input as
``{{ .inputs.x }}`` does.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from .. import templates
from ..errors import InputError, Loc, OrkError, TemplateError
from ..kinds.conditions import Condition, Rule
from ..validation.strings import INPUT_PATH


def input_paths(node: Any) -> Any:
    """Return Motif data with each condition ``field: inputs.x`` (path form, no braces)
    written ``field: "{{ .inputs.x }}"``: wire-format.md says it names an input, and as a
    template it is substituted and, when it becomes literal, decided at build time."""
    if isinstance(node, list):
        return [input_paths(v) for v in node]
    if not isinstance(node, dict):
        return node
    out = {k: input_paths(v) for k, v in node.items()}
    for key in ("when", "or", "rules"):
        for cond in out.get(key) or []:
            field_ = cond.get("field") if isinstance(cond, dict) else None
            m = INPUT_PATH.fullmatch(field_) if isinstance(field_, str) else None
            if m:
                cond["field"] = "{{ ." + m.group(1) + " }}"
    return out


def push_gate(item: dict[str, Any], gate: dict[str, Any], loc: Loc,
               errors: list[OrkError]) -> dict[str, Any]:
    """Carry a Motif block's own when/or down onto each of its items."""
    if not gate:
        return item
    item = dict(item)
    if gate.get("when"):
        item["when"] = list(gate["when"]) + list(item.get("when") or [])
    if gate.get("or"):
        if item.get("or"):
            errors.append(InputError(
                "invalid-value", "an item with its own `or` inside a block gated by `or` "
                "cannot be expanded into a CRD", loc=loc,
                hint="move one of the two `or` lists into `when` conditions"))
        item["or"] = list(gate["or"])
    return item


def static_gate(sub: Any, original: Any, loc: Loc, errors: list[OrkError]) -> Any | None:
    """Decide conditions that became literal; return the item without them, or None."""
    if not isinstance(sub, dict):
        return sub
    item = dict(sub)
    for key, need_all in (("when", True), ("or", False)):
        conds = item.get(key)
        if not conds:
            continue
        orig = (original or {}).get(key) or []
        dynamic, results = [], []
        for i, cond in enumerate(conds):
            was = orig[i].get("field") if i < len(orig) and isinstance(orig[i], dict) else None
            field_ = cond.get("field") if isinstance(cond, dict) else None
            if isinstance(was, str) and templates.has_actions(was) and isinstance(field_, str) \
                    and not templates.has_actions(field_):
                results.append(_evaluate(cond, loc.child(key, i), errors))
            else:
                dynamic.append(cond)
        if need_all and not all(results):
            return None
        if not need_all and results and not any(results) and not dynamic:
            return None
        if not need_all and any(results):
            dynamic = []
        if dynamic:
            item[key] = dynamic
        else:
            item.pop(key)
    return item


def _evaluate(cond: dict[str, Any], loc: Loc, errors: list[OrkError]) -> bool:
    try:
        model = (Rule if "message" in cond or "action" in cond else Condition).model_validate(cond)
    except ValidationError:
        return True  # the shape error is reported when the CRD is validated
    op, expected = model.resolved()
    if op is None:
        return True
    problem = templates.check_condition(op, expected)
    if problem is not None:
        errors.append(TemplateError(problem.code, problem.message, loc=loc,
                                        hint=problem.hint))
        return True
    return templates.evaluate_condition(op, model.field, expected)
