"""Checks of a Motif on its own: its name, its inputs and every template it carries."""

from __future__ import annotations

from typing import Any

from .. import templates
from ..errors import InputError, Loc, OrkError, PathPart
from ..kinds import Motif
from ..kinds.motif import INPUT_TYPES
from . import strings, values

ROOTS: tuple[tuple[PathPart, ...], ...] = (("resources",), ("status",), ("admission",))


def fits_type(kind: str | None, value: Any) -> bool:
    """Return whether a literal fits an input's declared type (a template always fits: it
    is only known when a CR is reconciled)."""
    if isinstance(value, str) and templates.has_actions(value):
        return True
    return {
        "integer": isinstance(value, int) and not isinstance(value, bool),
        "number": isinstance(value, int | float) and not isinstance(value, bool),
        "boolean": isinstance(value, bool),
    }.get(kind or "string", True)


def check(motif: Motif, loc: Loc) -> list[OrkError]:
    """Return every problem of one Motif document written at ``loc``."""
    errors: list[OrkError] = []
    bad = values.check_name(motif.metadata.name, "Motif name", loc.child("metadata", "name"))
    if bad:
        errors.append(bad)
    seen: set[str] = set()
    for i, inp in enumerate(motif.inputs):
        here = loc.child("inputs", i)
        if inp.name in seen:
            errors.append(InputError("invalid-value", f"input {inp.name!r} is declared twice",
                                     loc=here.child("name"),
                                     hint="remove one of the two declarations"))
        seen.add(inp.name)
        if inp.type is not None and inp.type not in INPUT_TYPES:
            errors.append(InputError(
                "invalid-value", f"unknown input type {inp.type!r}", loc=here.child("type"),
                hint=f"use one of: {', '.join(INPUT_TYPES)}"))
        elif inp.default is not None and not fits_type(inp.type, inp.default):
            errors.append(InputError(
                "invalid-input-value", f"input {inp.name!r} is declared `type: {inp.type}`, "
                f"but its default is {inp.default!r}", loc=here.child("default"),
                hint=f"write a literal {inp.type} default, or leave the default out"))
    errors += strings.check_tree(motif.wire(), lambda p: loc.child(*p),
                                 motif_inputs=frozenset(seen), roots=ROOTS)
    return errors
