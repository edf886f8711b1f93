"""Field-level overrides of an imported CRD by a Komposer's inline ``spec.crds`` entry.

The rules (resolution-and-merge.md, Merge step 4), by path inside the CRD entry:

* scalars replace when set; nested blocks merge field by field;
* ``apiTypes`` replaces as a whole when the override sets ``apiTypes.kind``;
* ``enabled`` may only be set to ``false`` (``enable-override``);
* the resource phases, ``emit.status``, the admission rule sets and ``dependsOn``
  replace wholesale;
* runtime finalizers and namespace lists are additive (de-duplicated, order kept);
* ``imports[].with`` is overridden per Motif, by name (``unknown-motif-override``).
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from ..errors import GraphError, Loc, OrkError, PathPart
from ..kinds.crd import APITypes, CRDEntry, CRDPatch, MotifImport

Path = tuple[PathPart, ...]

WHOLESALE: frozenset[Path] = frozenset({
    ("operatorBox", "reconcile", "onCreate"),
    ("operatorBox", "reconcile", "onReconcile"),
    ("operatorBox", "reconcile", "onDelete"),
    ("operatorBox", "emit", "status"),
    ("admission", "validation"),
    ("admission", "mutation"),
    ("dependsOn",),
})
ADDITIVE: frozenset[Path] = frozenset({
    ("operatorBox", "runtime", "finalizers"),
    ("operatorBox", "runtime", "allowedNamespaces"),
    ("operatorBox", "runtime", "restrictedNamespaces"),
})


@dataclass
class Applied:
    """The overridden entry and the resolved paths the override wrote (with their source)."""

    entry: CRDEntry
    origins: list[tuple[Path, Loc]] = field(default_factory=list)
    errors: list[OrkError] = field(default_factory=list)


MotifNamer = Callable[[int, MotifImport], set[str]]


def apply(base: CRDEntry, patch: CRDPatch, loc: Loc, motif_names: MotifNamer) -> Applied:
    """Return ``base`` with the override ``patch`` (written at ``loc``) applied."""
    out = Applied(base)
    updates: dict[str, Any] = {}
    for name in sorted(patch.model_fields_set, key=_field_order(patch)):
        wire = _wire(patch, name)
        value = getattr(patch, name)
        here = loc.child(wire)
        if name == "enabled":
            if value is True and base.enabled is False:
                out.errors.append(GraphError(
                    "enable-override", "an override cannot enable a CRD its import disabled",
                    loc=here, hint="remove `enabled: true`; enable it in the Katalog instead"))
                continue
            updates[name] = value
            out.origins.append(((wire,), here))
        elif name == "api_types":
            updates[name] = _api_types(base.api_types, value, here, out)
        elif name == "imports":
            updates[name] = _imports(base, value, here, out, motif_names)
        else:
            updates[name] = _merge(getattr(base, name), value, (wire,), here, out)
    out.entry = base.model_copy(update=updates)
    return out


def _api_types(base: APITypes, patch: Any, loc: Loc, out: Applied) -> APITypes:
    if patch.kind is not None:
        out.origins.append((("apiTypes",), loc))
        return APITypes.model_validate(patch.wire())
    data = base.wire()
    for key, value in patch.wire().items():
        data[key] = value
        out.origins.append((("apiTypes", key), loc.child(key)))
    return APITypes.model_validate(data)


def _imports(base: CRDEntry, patch: tuple[MotifImport, ...], loc: Loc, out: Applied,
             motif_names: MotifNamer) -> tuple[MotifImport, ...] | None:
    current = list(base.imports or ())
    for i, override in enumerate(patch):
        matches = [j for j, imp in enumerate(current) if override.motif in motif_names(j, imp)]
        if not matches:
            known = sorted({n for j, imp in enumerate(current) for n in motif_names(j, imp)})
            close = difflib.get_close_matches(override.motif, known, n=1)
            out.errors.append(GraphError(
                "unknown-motif-override",
                f"this CRD imports no Motif named {override.motif!r}",
                loc=loc.child(i, "motif"),
                hint=(f"did you mean `{close[0]}`? " if close else "")
                + (f"it imports: {', '.join(known)}" if known else "it imports no Motifs")))
            continue
        for j in matches:
            bindings = dict(current[j].with_ or {})
            for key, value in (override.with_ or {}).items():
                bindings[key] = value
                out.origins.append((("imports", j, "with", key), loc.child(i, "with", key)))
            current[j] = current[j].model_copy(update={"with_": bindings})
    return tuple(current) if current else base.imports


def _merge(base: Any, patch: Any, path: Path, loc: Loc, out: Applied) -> Any:
    """Merge one field: recurse into blocks, add to additive lists, replace the rest."""
    if path in ADDITIVE and base is not None:
        seen = list(base)
        for i, item in enumerate(patch or ()):
            if item not in seen:
                out.origins.append(((*path, len(seen)), loc.child(i)))
                seen.append(item)
        return tuple(seen)
    if path in WHOLESALE or not isinstance(patch, BaseModel) or not isinstance(base, BaseModel):
        out.origins.append((path, loc))
        return patch
    updates = {}
    for name in sorted(patch.model_fields_set, key=_field_order(patch)):
        wire = _wire(patch, name)
        updates[name] = _merge(getattr(base, name), getattr(patch, name), (*path, wire),
                               loc.child(wire), out)
    return base.model_copy(update=updates)


def _wire(model: BaseModel, name: str) -> str:
    return type(model).model_fields[name].alias or name


def _field_order(model: BaseModel) -> Callable[[str], int]:
    order = {n: i for i, n in enumerate(type(model).model_fields)}
    return lambda n: order.get(n, len(order))
