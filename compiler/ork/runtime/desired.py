"""Render a phase's resource items into the objects a CR should have (its desired state)."""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import OrkError
from ..kinds.conditions import Condition
from ..kinds.resources import Item, Resources
from . import convert, schemas
from . import render as tpl
from .objects import Key, Obj
from .profiles import Profiles
from .translate import Owner, translate


@dataclass(frozen=True)
class Desired:
    """One object a CR declares, and how the runtime must treat it."""

    obj: Obj
    key: Key
    group: str
    phase: str
    reconcile: bool
    once: bool


def render_phase(resources: Resources | None, phase: str, ctx: tpl.Context, owner: Owner,
                 profiles: Profiles) -> list[Desired]:
    """Return the objects of one phase whose ``when``/``or`` hold, translated and checked.

    Raises:
        OrkError: a TemplateError, invalid-rendered-value or invalid-object, its message
            prefixed with the item it comes from.
    """
    if resources is None or not _gate(resources.when, resources.or_, ctx, phase):
        return []
    out: list[Desired] = []
    for group, items in resources.groups():
        for index, item in enumerate(items):
            where = f"{phase}.{group}[{index}]"
            try:
                if tpl.gate(item.when, item.or_, ctx):
                    out.append(_one(group, item, phase, ctx, owner, profiles))
            except OrkError as exc:
                raise tpl.located(exc, f"{where} ({item.name!r})") from exc
    return out


def _gate(when: tuple[Condition, ...] | None, or_: tuple[Condition, ...] | None,
          ctx: tpl.Context, phase: str) -> bool:
    try:
        return tpl.gate(when, or_, ctx)
    except OrkError as exc:
        raise tpl.located(exc, f"{phase}.when") from exc


def _one(group: str, item: Item, phase: str, ctx: tpl.Context, owner: Owner,
         profiles: Profiles) -> Desired:
    data = item.wire()
    for key in ("when", "or", "reconcile"):
        data.pop(key, None)
    rendered = tpl.value(data, ctx)
    obj = translate(group, rendered, owner, profiles, phase=phase)
    schemas.check(obj)
    reconcile = item.reconcile
    if isinstance(reconcile, str):
        flag = convert.to_bool(tpl.value(reconcile, ctx), "reconcile")
    else:
        flag = bool(reconcile)
    once = group == "secrets" and bool(getattr(item, "once", False))
    return Desired(obj, Key.of(obj), group, phase, flag, once)
