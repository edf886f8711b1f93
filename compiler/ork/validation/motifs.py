"""Checks of a Motif on its own: its name, its inputs and every template it carries."""

from __future__ import annotations

from ..errors import InputError, Loc, OrkError, PathPart
from ..kinds import Motif
from ..kinds.motif import INPUT_TYPES
from . import strings, values

ROOTS: tuple[tuple[PathPart, ...], ...] = (("resources",), ("status",), ("admission",))


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
                                     loc=here.child("name")))
        seen.add(inp.name)
        if inp.type is not None and inp.type not in INPUT_TYPES:
            errors.append(InputError(
                "invalid-value", f"unknown input type {inp.type!r}", loc=here.child("type"),
                hint=f"use one of: {', '.join(INPUT_TYPES)}"))
    errors += strings.check_tree(motif.wire(), lambda p: loc.child(*p),
                                 motif_inputs=frozenset(seen), roots=ROOTS)
    return errors
