"""The CR's status: ``emit.status.fields`` in order (later wins), and the runtime's conditions.

The runtime owns ``observedCreate`` (onCreate has run), ``observedGeneration``, a ``phase`` of
``Denied`` while an admission rule blocks the CR, and one condition per concern in
``conditions``: ``Reconciled`` and, when a rule denies the CR, ``Admitted``. Conditions carry
no timestamps, so that an unchanged outcome writes nothing.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

from ..errors import OrkError
from ..kinds.conditions import StatusField
from . import render as tpl

Status = dict[str, Any]


def condition(type_: str, ok: bool, reason: str, message: str = "") -> dict[str, str]:
    """Return one status condition."""
    out = {"type": type_, "status": "True" if ok else "False", "reason": reason}
    if message:
        out["message"] = message
    return out


def reconciled(generation: int, fields: Sequence[StatusField], ctx: tpl.Context) -> Status:
    """Return the status of a CR reconciled without error.

    Raises:
        OrkError: a TemplateError from a field's value or conditions, prefixed with its path.
    """
    status: Status = {"observedCreate": True, "observedGeneration": generation,
                      "conditions": [condition("Reconciled", True, "Reconciled")]}
    for index, field in enumerate(fields):
        try:
            if tpl.gate(field.when, field.or_, ctx):
                set_path(status, field.path, tpl.value(field.value, ctx))
        except OrkError as exc:
            raise tpl.located(exc, f"emit.status.fields[{index}] ({field.path})") from exc
    return status


def failed(old: Status, reason: str, message: str) -> Status:
    """Return the old status with a failing ``Reconciled`` condition."""
    status = copy.deepcopy(old)
    status["conditions"] = _replace(status.get("conditions"),
                                    condition("Reconciled", False, reason, message))
    return status


def denied(old: Status, message: str, generation: int) -> Status:
    """Return the old status marked ``phase: Denied``, with failing ``Admitted`` and
    ``Reconciled`` conditions, at the generation that was denied (the fields emitted before
    stay: they still describe the children, which a denial leaves as they were)."""
    status = copy.deepcopy(old)
    status["phase"] = "Denied"
    status["observedGeneration"] = generation
    conditions = _replace(status.get("conditions"),
                          condition("Reconciled", False, "Denied", message))
    status["conditions"] = _replace(conditions, condition("Admitted", False, "Denied", message))
    return status


def _replace(conditions: Any, new: dict[str, str]) -> list[Any]:
    kept = [c for c in conditions or []
            if not (isinstance(c, dict) and c.get("type") == new["type"])]
    return [*kept, new]


def set_path(status: Status, path: str, value: Any) -> None:
    """Set a dot path below ``status`` (a leading ``status.`` is allowed), creating maps."""
    parts = [p for p in path.strip().removeprefix(".").removeprefix("status.").split(".") if p]
    if not parts:
        return
    node = status
    for part in parts[:-1]:
        child = node.get(part)
        if not isinstance(child, dict):
            child = {}
            node[part] = child
        node = child
    node[parts[-1]] = value
