"""Admission rules, evaluated before a CR is reconciled: ``deny`` blocks it, ``warn`` notes.

A rule is a condition the CR must satisfy; when it does not hold, the rule fires. Rules with
``fires: {reconcile: false}`` are admission-only (they belong to a webhook) and are skipped
here; so are mutation rules, which only an admission webhook can apply.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..kinds.conditions import Admission, Rule
from . import render as tpl


@dataclass(frozen=True)
class Verdict:
    """The messages of the deny rules and of the warn rules that fired."""

    denied: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()


def check(admission: Admission | None, ctx: tpl.Context) -> Verdict:
    """Return which validation rules fire for the CR in ``ctx``.

    Raises:
        TemplateError: when a rule's field, value or message fails to render.
    """
    rules = admission.validation.rules if admission and admission.validation else ()
    denied: list[str] = []
    warnings: list[str] = []
    for rule in rules:
        if rule.fires is not None and rule.fires.reconcile is False:
            continue
        if not tpl.gate(rule.when, rule.or_, ctx) or tpl.holds(rule, ctx):
            continue
        message = tpl.text(rule.message, ctx) if rule.message else _default_message(rule)
        (warnings if rule.action == "warn" else denied).append(message)
    return Verdict(tuple(denied), tuple(warnings))


def _default_message(rule: Rule) -> str:
    op, value = rule.resolved()
    name = f"rule {rule.name!r}: " if rule.name else ""
    return f"{name}{rule.field} must satisfy {op} {value!r}".rstrip()
