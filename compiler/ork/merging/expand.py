"""Motif expansion: bind inputs, substitute them into the Motif, append into the CRD.

resolution-and-merge.md, "Motif expansion". Substitution happens on each string's parsed
template (``ork.templates.substitute``), never by textual search-and-replace, so the
result cannot depend on the order of bindings. Conditions that become literal after
substitution are decided now: a failing one drops its item (the optional Ingress when
``host`` is empty), a passing one is removed so the runtime never reads a literal as a
path into the CR.
"""

from __future__ import annotations

import difflib
import functools
import types
import typing
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from pydantic import BaseModel, ValidationError

from .. import templates
from ..errors import (
    Diagnostic,
    GraphError,
    InputError,
    Loc,
    Note,
    OrkError,
    PathPart,
    TemplateError,
)
from ..kinds import CRDEntry, Motif
from ..kinds.conditions import Rule, StatusField
from ..kinds.parse import translate
from ..kinds.resources import GROUPS, EnvVar, Resources
from ..resolved import Binding, MotifTrace, MotifUse
from ..validation.motifs import fits_type
from . import gates

Path = tuple[PathPart, ...]
_PHASE = {"onCreate": ("operatorBox", "reconcile", "onCreate"),
          "onReconcile": ("operatorBox", "reconcile", "onReconcile")}


@dataclass
class MotifSource:
    """One Motif import of a CRD, with the fetched Motif."""

    index: int
    ref: str
    node: str
    doc: int
    motif: Motif
    version: str
    import_loc: Loc
    overridden: dict[str, Loc] = field(default_factory=dict)  # input -> Komposer override


@dataclass
class _Ctx:
    """One import being expanded: its input values, and what each placed string used."""

    values: dict[str, templates.Binding]
    typed: set[str]
    out: Expanded
    import_loc: Loc
    used: list[tuple[Path, tuple[str, ...]]] = field(default_factory=list)
    placed: list[tuple[Path, tuple[str, ...]]] = field(default_factory=list)

    def place(self, at: Path) -> None:
        """Record the strings substituted since the last item, now that it sits at ``at``."""
        self.placed.extend(((*at, *rel), names) for rel, names in self.used)
        self.used.clear()


@dataclass
class Expanded:
    """The CRD with its Motifs expanded, what each contributed, and the problems found."""

    entry: CRDEntry
    uses: tuple[MotifUse, ...] = ()
    traces: tuple[MotifTrace, ...] = ()
    origins: list[tuple[Path, Loc]] = field(default_factory=list)
    errors: list[OrkError] = field(default_factory=list)
    own: tuple[tuple[Path, Loc], ...] = ()  # where the CRD's own values were written
    imported_by: dict[Path, Loc] = field(default_factory=dict)  # item -> its Motif import


def expand_crd(name: str, entry: CRDEntry, motifs: list[MotifSource],
               origins: Sequence[tuple[Path, Loc]] = ()) -> Expanded:
    """Return ``entry`` with every imported Motif expanded into it, in import order;
    ``origins`` says where the CRD's own values were written (for diagnostics)."""
    out = Expanded(entry, own=tuple(origins))
    data = entry.wire()
    data.pop("imports", None)
    uses, traces = [], []
    for src in motifs:
        imp = (entry.imports or ())[src.index]
        bindings = _bind(src, imp.with_ or {}, out)
        if bindings is None:
            continue
        values = {b.input: templates.Binding(b.value, _is_template(b.value)) for b in bindings}
        typed = {i.name for i in src.motif.inputs if i.type in ("integer", "number", "boolean")}
        ctx = _Ctx(values, typed, out, src.import_loc)
        items = _append(data, src, Loc(src.node, src.doc), ctx)
        uses.append(MotifUse(index=src.index, ref=src.ref, source=src.node,
                             name=src.motif.metadata.name, version=src.version))
        traces.append(MotifTrace(index=src.index, bindings=tuple(bindings),
                                 items=tuple(items), inputs_at=tuple(ctx.placed)))
    _check_duplicates(data, out)
    try:
        out.entry = CRDEntry.model_validate(data)
    except ValidationError as exc:
        for diag in translate(exc, data, CRDEntry, Loc(motifs[0].node, motifs[0].doc)):
            out.errors.append(InputError.of([_relocated(diag, out, motifs[0].import_loc)]))
    out.uses, out.traces = tuple(uses), tuple(traces)
    return out


def _relocated(diag: Diagnostic, out: Expanded, fallback: Loc) -> Diagnostic:
    """Point a problem found in the expanded CRD at the Motif item it came from."""
    loc = _where(out, diag.loc.path if diag.loc else ())
    if loc is None:
        return replace(diag, loc=fallback)
    return replace(diag, loc=replace(loc, key=diag.loc.key if diag.loc else False))


def _is_template(value: Any) -> bool:
    return isinstance(value, str) and templates.has_actions(value)


def _bind(src: MotifSource, given: dict[str, Any], out: Expanded) -> list[Binding] | None:
    """Check the bindings of one import and return every input's value (sorted by name),
    or None when a binding is wrong (the problems are in ``out.errors``)."""
    before = len(out.errors)
    _check_names(src, given, out)
    broken = set()
    for key in sorted(given):
        if _is_template(given[key]):
            loc = _binding_loc(src, key)
            for p in templates.check(given[key]):
                broken.add(key)
                out.errors.append(TemplateError(p.code, p.message, hint=p.hint,
                                                loc=loc.within(p.line, p.column, p.length)))
    # Every binding is checked against its type even when others are wrong: the report
    # holds all the problems of the import at once (SPEC §6).
    out_bindings = []
    for inp in sorted(src.motif.inputs, key=lambda i: i.name):
        default = "" if inp.default is None else inp.default
        if inp.name in broken:
            continue
        if inp.name in given:
            value = given[inp.name]
            if isinstance(value, str) and default != "" and templates.is_single_action(value):
                value = templates.with_default(value, default)
            loc = _binding_loc(src, inp.name)
            value = _typed(inp.type, value, inp.name, loc, out)
            how = "override" if inp.name in src.overridden else "with"
            out_bindings.append(Binding(input=inp.name, value=value, how=how, loc=loc))
        else:
            loc = Loc(src.node, src.doc, ("inputs", _input_index(src.motif, inp.name),
                                          "default"))
            out_bindings.append(Binding(input=inp.name, value=default, how="default", loc=loc))
    return None if len(out.errors) > before else out_bindings


def _binding_loc(src: MotifSource, key: str) -> Loc:
    """Where a binding is written: the Komposer's override, else the import's ``with``."""
    return src.overridden.get(key) or src.import_loc.child("with", key)


def _check_names(src: MotifSource, given: dict[str, Any], out: Expanded) -> None:
    """Report bound names the Motif does not declare, and required inputs left unbound."""
    declared = {i.name: i for i in src.motif.inputs}
    for key in sorted(given):
        if key not in declared:
            close = difflib.get_close_matches(key, sorted(declared), n=1)
            listing = ", ".join(sorted(declared)) or "none"
            out.errors.append(GraphError(
                "unknown-input", f"Motif {src.motif.metadata.name!r} has no input {key!r}",
                loc=_binding_loc(src, key).at_key(),
                hint=(f"did you mean `{close[0]}`? " if close else "")
                + f"declared inputs: {listing}"))
    for inp in src.motif.inputs:
        if inp.required and inp.name not in given:
            out.errors.append(GraphError(
                "missing-input",
                f"Motif {src.motif.metadata.name!r} requires input {inp.name!r}",
                loc=src.import_loc.child("motif"),
                hint=f"add `with: {{{inp.name}: ...}}` to this import"))


def _input_index(motif: Motif, name: str) -> int:
    return next(i for i, inp in enumerate(motif.inputs) if inp.name == name)


def _typed(kind: str | None, value: Any, name: str, loc: Loc, out: Expanded) -> Any:
    """Check a literal binding against its input's declared type (templates pass as is)."""
    if not fits_type(kind, value):
        out.errors.append(InputError(
            "invalid-input-value", f"input {name!r} is declared `type: {kind}`, got {value!r}",
            loc=loc, hint=f"bind it to a literal {kind} or to a template"))
    return value


def _append(data: dict[str, Any], src: MotifSource, motif_loc: Loc, ctx: _Ctx) -> list[Path]:
    """Substitute the Motif's parts and append them into the CRD data; return item paths."""
    items: list[Path] = []
    motif = gates.input_paths(src.motif.wire())
    resources = motif.get("resources") or {}
    on_create = resources.pop("onCreate", None)
    for phase, block, base in (("onReconcile", resources, ("resources",)),
                               ("onCreate", on_create, ("resources", "onCreate"))):
        if block:
            items += _append_block(data, phase, block, motif_loc.child(*base), ctx)
    fields = (motif.get("status") or {}).get("fields") or []
    for j, f in enumerate(fields):
        floc = motif_loc.child("status", "fields", j)
        kept = gates.static_gate(_subst_tree(f, (), floc, ctx, StatusField), f, floc,
                                 ctx.out.errors)
        if kept is not None:
            items.append(_place(data, ("operatorBox", "emit", "status", "fields"), kept, floc,
                                ctx))
        ctx.used.clear()
    for kind in ("validation", "mutation"):
        rules = ((motif.get("admission") or {}).get(kind) or {}).get("rules") or []
        for j, rule in enumerate(rules):
            rloc = motif_loc.child("admission", kind, "rules", j)
            items.append(_place(data, ("admission", kind, "rules"),
                                _subst_tree(rule, (), rloc, ctx, Rule), rloc, ctx))
    return items


def _place(data: dict[str, Any], at: Path, item: Any, loc: Loc, ctx: _Ctx) -> Path:
    """Append one substituted item to the list at ``at``; record where it went."""
    target = _list_at(data, at)
    path: Path = (*at, len(target))
    target.append(item)
    ctx.out.origins.append((path, loc))
    ctx.out.imported_by[path] = ctx.import_loc
    ctx.place(path)
    return path


def _append_block(data: dict[str, Any], phase: str, block: dict[str, Any], loc: Loc,
                  ctx: _Ctx) -> list[Path]:
    written = {k: block.pop(k) for k in ("when", "or") if k in block}
    gate = _subst_tree(written, (), loc, ctx, Resources)
    ctx.used.clear()
    kept_gate = gates.static_gate(gate, written, loc, ctx.out.errors)
    if kept_gate is None:
        return []  # the whole block is statically off
    items: list[Path] = []
    for group in GROUPS:
        for j, item in enumerate(block.get(group) or []):
            iloc = loc.child(group, j)
            kept = gates.static_gate(_subst_tree(item, (), iloc, ctx, GROUPS[group]), item,
                                     iloc, ctx.out.errors)
            if kept is None:
                ctx.used.clear()
                continue
            kept = gates.push_gate(kept, kept_gate, iloc, ctx.out.errors)
            items.append(_place(data, (*_PHASE[phase], group), kept, iloc, ctx))
    for group in sorted(k for k in block if k not in GROUPS):
        target = _list_at(data, (*_PHASE[phase], group))
        target.extend(_subst_tree(block[group], (), loc.child(group), ctx))
        ctx.used.clear()
    return items


def _subst_tree(value: Any, rel: Path, loc: Loc, ctx: _Ctx, model: Any = None) -> Any:
    """Substitute the inputs into every string of a Motif subtree; ``model`` is the wire
    type of the subtree (None for a free-form one), which says where a typed input placed
    whole keeps its type."""
    if isinstance(value, str):
        if not templates.has_actions(value):
            return value
        names = templates.input_names(value)
        if names:
            ctx.used.append((rel, tuple(sorted(names))))
        try:
            result = templates.substitute(value, ctx.values)
        except TemplateError as err:
            ctx.out.errors.append(_located(err, loc))
            return value
        if not isinstance(result, str) and not (_single_typed_input(value, ctx.typed)
                                                and not _is_text(model, rel)):
            return templates.format_value(result)
        return result
    if isinstance(value, dict):
        return {k: _subst_tree(v, (*rel, k), loc.child(k), ctx, model)
                for k, v in value.items()}
    if isinstance(value, list):
        return [_subst_tree(v, (*rel, i), loc.child(i), ctx, model)
                for i, v in enumerate(value)]
    return value


# Free-form mappings whose values Kubernetes types as strings (metadata, ConfigMap and
# Secret data, env in mapping form, selectors), and model fields that are text on the
# wire although ork also accepts a literal number there (``env[0].value``).
_TEXT_MAPPINGS = frozenset({"annotations", "data", "env", "labels", "matchLabels",
                            "nodeSelector", "selector", "stringData"})
_TEXT_FIELDS: dict[type[BaseModel], frozenset[str]] = {EnvVar: frozenset({"value"})}


def _is_text(model: Any, rel: Path) -> bool:
    """Whether the value at ``rel`` under a subtree of wire type ``model`` is text: a field
    typed as a string, a value of a text mapping (labels, data, env, …), or — where the
    wire format leaves the shape free — a key that is text in every model."""
    types: list[Any] = [] if model is None else [model]
    for part in rel:
        types = [c for t in types for c in _children(t, part)]
    leaves = {leaf for t in types for leaf in _leaf_types(t)}
    if leaves and Any not in leaves:
        return leaves <= {str, type(None)}
    if len(rel) >= 2 and isinstance(rel[-1], str) and rel[-2] in _TEXT_MAPPINGS:
        return True
    return _key(rel) in text_keys()


def _children(annotation: Any, part: PathPart) -> list[Any]:
    """The types the value at ``part`` of a value of type ``annotation`` may have."""
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is typing.Annotated:
        return _children(args[0], part)
    if origin is typing.Union or origin is types.UnionType:
        return [c for a in args for c in _children(a, part)]
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if not isinstance(part, str):
            return []
        for name, info in annotation.model_fields.items():
            if (info.alias or name) == part:
                text = any(issubclass(annotation, m) and name in fields
                           for m, fields in _TEXT_FIELDS.items())
                return [str] if text else [info.annotation]
        return [Any] if annotation.model_config.get("extra") == "allow" else []
    if origin in (tuple, list) and isinstance(part, int):
        return [args[0]]
    if origin is dict and isinstance(part, str):
        return [args[1]]
    return [Any] if annotation is Any else []


def _key(rel: Path) -> str | None:
    """The mapping key a value sits under (``command`` for ``command[0]``)."""
    return next((p for p in reversed(rel) if isinstance(p, str)), None)


@functools.cache
def text_keys() -> frozenset[str]:
    """Wire keys that hold text in every model that has them (``name``, ``field``,
    ``image``, ``command``, …): a typed input placed there is printed as text."""
    kinds: dict[str, bool] = {}
    models: list[type[BaseModel]] = [CRDEntry]
    seen: set[type[BaseModel]] = set()
    while models:
        model = models.pop()
        if model in seen:
            continue
        seen.add(model)
        for name, info in model.model_fields.items():
            leaves = _leaf_types(info.annotation)
            models += [t for t in leaves if isinstance(t, type) and issubclass(t, BaseModel)]
            key = info.alias or name
            kinds[key] = kinds.get(key, True) and leaves <= {str, type(None)}
    return frozenset(k for k, text in kinds.items() if text)


def _leaf_types(annotation: Any) -> set[Any]:
    """The types a field annotation finally holds, through Optional, unions and tuples."""
    args = typing.get_args(annotation)
    if typing.get_origin(annotation) is typing.Annotated:
        return _leaf_types(args[0])
    if args:
        return {t for a in args if a is not Ellipsis for t in _leaf_types(a)}
    return {annotation}


def _single_typed_input(source: str, typed: set[str]) -> bool:
    refs = templates.input_names(source)
    return templates.is_single_action(source) and len(refs) == 1 and refs <= typed


def _located(err: TemplateError, loc: Loc) -> OrkError:
    problem = getattr(err, "problem", None)
    if problem is None:
        return TemplateError(err.code, err.message, loc=loc, hint=err.diagnostics[0].hint)
    return TemplateError(problem.code, problem.message, hint=problem.hint,
                         loc=loc.within(problem.line, problem.column, problem.length))


def _list_at(data: dict[str, Any], path: Path) -> list[Any]:
    node: Any = data
    for part in path[:-1]:
        node = node.setdefault(part, {})
    return node.setdefault(path[-1], [])  # type: ignore[no-any-return]


def _check_duplicates(data: dict[str, Any], out: Expanded) -> None:
    reconcile = ((data.get("operatorBox") or {}).get("reconcile") or {})
    for phases in (("onCreate", "onReconcile"), ("onDelete",)):
        for group in GROUPS:
            seen: dict[str, Path] = {}
            for phase in phases:
                for j, item in enumerate(((reconcile.get(phase) or {}).get(group)) or []):
                    name = item.get("name") if isinstance(item, dict) else None
                    if not isinstance(name, str):
                        continue
                    path: Path = ("operatorBox", "reconcile", phase, group, j)
                    if name in seen:
                        out.errors.append(_duplicate(out, group, name, seen[name], path))
                    else:
                        seen[name] = path


def _duplicate(out: Expanded, group: str, name: str, first: Path, second: Path) -> GraphError:
    """duplicate-child at the second item, with notes on where each one came from."""
    notes = []
    if _where(out, first) != _where(out, second):
        notes.append(Note("the other one is written here", loc=_where(out, first)))
    for which, path in (("this one", second), ("the other one", first)):
        how = "expanded by the Motif import" if path in out.imported_by else "the CRD's own"
        notes.append(Note(f"{which}: {how}", loc=out.imported_by.get(path)))
    return GraphError(
        "duplicate-child", f"two {group} named {name!r} in one CRD", loc=_where(out, second),
        notes=notes, hint="give one of them another name (a Motif input such as `nameSuffix` "
                          "helps when one Motif is imported twice)")


def _where(out: Expanded, path: Path) -> Loc | None:
    """Where the value at ``path`` was written: by a Motif, else by the CRD's own sources
    (the nearest recorded ancestor, extended by the rest of the path)."""
    for origins in (out.origins, out.own):
        best = max((o for o in origins if path[:len(o[0])] == o[0]), key=lambda o: len(o[0]),
                   default=None)
        if best is not None:
            return best[1].child(*path[len(best[0]):])
    return None
