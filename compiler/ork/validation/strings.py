"""Checks of every template string and condition a CRD or a Motif will evaluate.

Templates are parsed and checked (syntax, functions, ``.inputs`` outside a Motif); each
condition's operator and literal are checked (``invalid-operator``, ``invalid-regex``).
Problems point at the line and column inside the YAML string.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from .. import templates
from ..errors import Loc, OrkError, PathPart, TemplateError
from ..kinds.conditions import ALIASES, Condition

# A condition field that names a Motif input in path form: `inputs.x` or `.inputs.x`.
INPUT_PATH = re.compile(r"\.?(inputs(?:\.[^\W\d]\w*)+)")

Path = tuple[PathPart, ...]
Locate = Callable[[Path], Loc | None]

# Where templates live in a CRD entry (wire paths); other strings are plain data.
TEMPLATED: tuple[Path, ...] = (
    ("operatorBox", "reconcile", "onCreate"),
    ("operatorBox", "reconcile", "onReconcile"),
    ("operatorBox", "reconcile", "onDelete"),
    ("operatorBox", "emit"),
    ("admission",),
)


def check_tree(data: Any, locate: Locate, *, motif_inputs: frozenset[str] | None,
               roots: tuple[Path, ...] = TEMPLATED) -> list[OrkError]:
    """Return the template and condition problems under ``roots`` of some wire data."""
    errors: list[OrkError] = []
    for root in roots:
        node = _get(data, root)
        if node is None:
            continue
        for path, value, is_condition in _walk(node, root):
            if is_condition:
                err = _condition(value, path, locate)
                if err:
                    errors.append(err)
                if motif_inputs is not None:
                    errors.extend(_input_path(value, path, locate, motif_inputs))
            elif isinstance(value, str) and templates.has_actions(value):
                errors.extend(_template(value, path, locate, motif_inputs))
    return errors


def _template(source: str, path: Path, locate: Locate,
              motif_inputs: frozenset[str] | None) -> list[OrkError]:
    problems = templates.check(source, motif_inputs=motif_inputs)
    loc = locate(path) if problems else None  # only a problem needs where it is
    return [TemplateError(p.code, p.message, hint=p.hint,
                          loc=loc.within(p.line, p.column, p.length) if loc else None)
            for p in problems]


def _condition(value: Any, path: Path, locate: Locate) -> OrkError | None:
    if not isinstance(value, dict):
        return None
    try:
        cond = Condition.model_validate({k: v for k, v in value.items()
                                         if k in Condition.model_fields or
                                         k in _CONDITION_ALIASES})
    except ValueError:
        return None  # shape errors were reported by the parser
    op, expected = cond.resolved()
    if op is None:
        shorthand = [k for k, _ in cond.shorthands()]
        what = ("both `operator` and a shorthand" if cond.operator and shorthand else
                f"several shorthands ({', '.join(sorted(shorthand))})" if shorthand else
                "no operator")
        return TemplateError("invalid-operator", f"this condition has {what}",
                             loc=locate(path),
                             hint="write `operator: OP` with `value:`, or one shorthand "
                                  "such as `equals: x`")
    problem = templates.check_condition(ALIASES.get(op, op), expected)
    if problem is None:
        return None
    key = "operator" if cond.operator else op
    loc = locate((*path, key)) if key == "operator" or key in value else locate(path)
    if problem.code == "invalid-regex":
        loc = locate((*path, "value" if cond.operator else op))
    return TemplateError(problem.code, problem.message, loc=loc, hint=problem.hint)


def _input_path(value: Any, path: Path, locate: Locate,
                motif_inputs: frozenset[str]) -> list[OrkError]:
    """Check a Motif condition's ``field: inputs.x``: the path form names an input too."""
    field = value.get("field") if isinstance(value, dict) else None
    m = INPUT_PATH.fullmatch(field) if isinstance(field, str) else None
    if m is None:
        return []
    loc = locate((*path, "field"))
    out: list[OrkError] = []
    for p in templates.check("{{ ." + m.group(1) + " }}", motif_inputs=motif_inputs):
        column = p.column + 1 - len("{{ .") + m.start(1)  # where `inputs` is written
        out.append(TemplateError(p.code, p.message, hint=p.hint,
                                 loc=loc.within(0, column, p.length - 1) if loc else None))
    return out


_CONDITION_ALIASES = {f.alias for f in Condition.model_fields.values() if f.alias}


def _walk(node: Any, path: Path) -> Iterator[tuple[Path, Any, bool]]:
    if isinstance(node, dict):
        for key, value in node.items():
            sub = (*path, key)
            if key in ("when", "or") and isinstance(value, list):
                for i, cond in enumerate(value):
                    yield (*sub, i), cond, True
                    yield from _walk(cond, (*sub, i))
            elif key == "rules" and isinstance(value, list):
                for i, rule in enumerate(value):
                    yield (*sub, i), rule, True
                    yield from _walk(rule, (*sub, i))
            else:
                yield from _walk(value, sub)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _walk(value, (*path, i))
    else:
        yield path, node, False


def _get(data: Any, path: Path) -> Any:
    for part in path:
        if not isinstance(data, dict):
            return None
        data = data.get(part)
    return data
