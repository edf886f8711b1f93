"""Turn one YAML document into a model of its kind, or into precise diagnostics.

Pydantic is called here and nowhere else for documents; its errors are translated into
ork's codes (``unknown-field`` with a "did you mean", ``wrong-type``, ``missing-field``)
and located by path, so the caller can point at the line and column.
"""

from __future__ import annotations

import difflib
import types
import typing
from dataclasses import dataclass
from typing import Any, Union

from pydantic import BaseModel, ValidationError

from ..errors import Collector, Diagnostic, InputError, Loc, PathPart
from .base import API_VERSION
from .katalog import Katalog
from .komposer import Komposer
from .legacy import Normalised, normalise_crds
from .motif import Motif

if typing.TYPE_CHECKING:
    from .simulate import E2E, Simulate

Document = Union[Katalog, Komposer, Motif, "Simulate", "E2E"]
KINDS: tuple[str, ...] = ("Katalog", "Komposer", "Motif", "Simulate", "E2E")
_BUILD_KINDS: dict[str, type[BaseModel]] = {"Katalog": Katalog, "Komposer": Komposer,
                                            "Motif": Motif}
Path = tuple[PathPart, ...]


@dataclass(frozen=True)
class Parsed:
    """A parsed document and the legacy-shape paths found in it (for the file's warning)."""

    model: Document
    legacy_paths: tuple[Path, ...] = ()


def parse_document(value: Any, loc: Loc) -> Parsed:
    """Return the model for one document.

    Raises:
        InputError: every shape problem of the document at once.
    """
    errors = Collector()
    if not isinstance(value, dict):
        raise InputError("wrong-type", f"a document must be a mapping, not {_kind_of(value)}",
                         loc=loc, hint="a document starts with `apiVersion:` and `kind:` "
                                       "keys; `---` separates documents")
    kind = _check_header(value, loc, errors)
    errors.raise_if_any()
    assert kind is not None
    _check_kind_rules(kind, value, loc, errors)
    errors.raise_if_any()
    norm = _normalise(kind, value, loc)
    for err in norm.errors:
        errors.add(err)
    errors.raise_if_any()
    model_cls = model_class(kind)
    try:
        model = model_cls.model_validate(norm.value)
    except ValidationError as exc:
        for diag in translate(exc, norm.value, model_cls, loc, norm):
            errors.add(InputError.of([diag]))
        errors.raise_if_any()
        raise  # pragma: no cover - translate always yields at least one diagnostic
    return Parsed(model, tuple(norm.legacy_paths))  # type: ignore[arg-type]


def model_class(kind: str) -> type[BaseModel]:
    """Return the model of a kind. Simulate and E2E are imported on first use: a build
    never reads them, and their seven model classes cost every build's start-up."""
    if kind in _BUILD_KINDS:
        return _BUILD_KINDS[kind]
    from . import simulate

    return getattr(simulate, kind)  # type: ignore[no-any-return]


def _check_header(value: dict[str, Any], loc: Loc, errors: Collector) -> str | None:
    api = value.get("apiVersion")
    kind = value.get("kind")
    if api is None:
        errors.add(InputError("missing-field", "document has no `apiVersion`", loc=loc,
                              hint=f"add `apiVersion: {API_VERSION}`"))
    elif api != API_VERSION:
        errors.add(InputError(
            "unknown-api-version", f"unknown apiVersion {api!r}",
            loc=loc.child("apiVersion"), hint=f"ork reads `apiVersion: {API_VERSION}`"))
    if kind is None:
        errors.add(InputError("missing-field", "document has no `kind`", loc=loc,
                              hint="add `kind: Katalog`, `Komposer`, `Motif` or `Simulate`"))
        return None
    if kind not in KINDS:
        errors.add(InputError(
            "unknown-kind", f"unknown kind {kind!r}", loc=loc.child("kind"),
            hint=_did_you_mean(str(kind), KINDS) or "ork reads Katalog, Komposer, Motif, "
            "Simulate and E2E documents"))
        return None
    return str(kind)


def _check_kind_rules(kind: str, value: dict[str, Any], loc: Loc, errors: Collector) -> None:
    """The errors that deserve their own code rather than a generic unknown-field."""
    spec = value.get("spec")
    if kind == "Katalog" and "imports" in value:
        errors.add(InputError(
            "katalog-imports", "a Katalog cannot import other sources",
            loc=loc.child("imports").at_key(),
            hint="use `kind: Komposer` to compose Katalogs; Motifs are imported per CRD "
                 "under `spec.crds.<name>.imports`"))
    if kind == "Motif" and "imports" in value:
        errors.add(InputError("motif-imports", "a Motif cannot import anything",
                              loc=loc.child("imports").at_key(),
                              hint="inline the resources, or import both Motifs from the CRD"))
    if kind == "Komposer" and isinstance(spec, dict) and "imports" in spec:
        errors.add(InputError(
            "komposer-spec-imports", "a Komposer's imports go at the top level, not in `spec`",
            loc=loc.child("spec", "imports").at_key(),
            hint="move `spec.imports` to `imports` (with `registry:` and `files:` lists)"))
    imports = value.get("imports")
    if kind == "Komposer" and isinstance(imports, dict) and "helm" in imports:
        errors.add(InputError(
            "helm-not-supported", "helm imports are not supported by ork",
            loc=loc.child("imports", "helm").at_key(),
            hint="render the chart to a file (`helm template NAME CHART > rendered.yaml`) and "
                 "import what you need from it as a Katalog under `imports.files`"))
    if kind in ("Katalog", "Komposer") and isinstance(spec, dict):
        crds = spec.get("crds")
        if isinstance(crds, list):
            errors.add(InputError(
                "crds-not-a-map", "`spec.crds` must be a mapping keyed by CRD name, not a list",
                loc=loc.child("spec", "crds").at_key(),
                hint="write\n  crds:\n    webapp:\n      apiTypes: {...}\ninstead of\n"
                     "  crds:\n    - name: webapp"))


def _normalise(kind: str, value: dict[str, Any], loc: Loc) -> Normalised:
    if kind in ("Katalog", "Komposer"):
        return normalise_crds(value, ("spec", "crds"), loc)
    return Normalised(value)


def translate(exc: ValidationError, data: Any, model: type[BaseModel], loc: Loc,
              norm: Normalised | None = None) -> list[Diagnostic]:
    """Return ork diagnostics for a pydantic ValidationError on ``data``."""
    by_path: dict[Path, list[dict[str, Any]]] = {}
    for err in exc.errors(include_url=False, include_input=False):
        path = _real_path(data, err["loc"], err["type"])
        by_path.setdefault(path, []).append(dict(err))
    diags: list[Diagnostic] = []
    for path, errs in sorted(by_path.items(), key=lambda kv: [str(p) for p in kv[0]]):
        deeper = any(p[: len(path)] == path and len(p) > len(path) for p in by_path)
        diag = _one(path, errs, data, model, loc, norm, deeper)
        if diag is not None:
            diags.append(diag)
    return diags


def _one(path: Path, errs: list[dict[str, Any]], data: Any, model: type[BaseModel], loc: Loc,
         norm: Normalised | None, deeper: bool) -> Diagnostic | None:
    src = norm.original(path) if norm else path
    types_ = {e["type"] for e in errs}
    if "extra_forbidden" in types_:
        key = str(path[-1])
        known = _known_keys(model, path[:-1], data)
        if key == "anyOf":
            return Diagnostic("renamed-field", "`anyOf` was renamed to `or` in Orkestra",
                              loc=Loc(loc.source, loc.doc, src, key=True),
                              hint="rename `anyOf:` to `or:` (at least one condition holds)")
        where = ".".join(str(p) for p in src[:-1]) or "the document"
        return Diagnostic("unknown-field", f"unknown field `{key}` in {where}",
                          loc=Loc(loc.source, loc.doc, src, key=True),
                          hint=_did_you_mean(key, known) or _known_hint(known))
    if "missing" in types_:
        field = str(path[-1])
        return Diagnostic("missing-field", f"missing required field `{field}`",
                          loc=Loc(loc.source, loc.doc, src[:-1], key=bool(src[:-1])),
                          hint=f"add `{field}:` here")
    if deeper:
        return None  # a union member's own errors below explain this one better
    value = _walk(data, path)
    literal = all(e["type"] == "literal_error" for e in errs)
    got = repr(value) if literal and isinstance(value, str | int) else _kind_of(value)
    expected = sorted({_expected(e) for e in errs})
    return Diagnostic("wrong-type",
                      f"`{path[-1] if path else 'document'}` should be "
                      f"{' or '.join(expected)}, not {got}",
                      loc=Loc(loc.source, loc.doc, src), hint=_type_hint(expected, value))


def _type_hint(expected: list[str], value: Any) -> str:
    """Return how to write a value of the expected type, from what was written."""
    if expected[0].startswith("one of "):
        return f"write {expected[0].removeprefix('one of ')}"
    if "a mapping" in expected and isinstance(value, list):
        return "write `key: value` entries here, not `- ` list items"
    if "a list" in expected and not isinstance(value, list):
        return "write a list: `[a, b]`, or one `- item` per line"
    if isinstance(value, str) and _unquoted(value) in expected:
        return "remove the quotes around the value"
    if value is None:
        return "give it a value: a key with nothing after it is null"
    if expected == ["a boolean"]:
        return "write true or false"
    return f"change it to {' or '.join(expected)}"


def _unquoted(text: str) -> str:
    """Return what YAML would read a quoted scalar as without its quotes (its type name)."""
    if text.lower() in ("true", "false"):
        return "a boolean"
    try:
        int(text)
        return "an integer"
    except ValueError:
        pass
    try:
        float(text)
        return "a number"
    except ValueError:
        return "a string"


_EXPECTED = {
    "string_type": "a string", "int_type": "an integer", "bool_type": "a boolean",
    "float_type": "a number", "dict_type": "a mapping", "model_type": "a mapping",
    "model_attributes_type": "a mapping", "tuple_type": "a list", "list_type": "a list",
    "literal_error": "one of the allowed values", "value_error": "",
}


def _expected(err: dict[str, Any]) -> str:
    allowed = (err.get("ctx") or {}).get("expected")
    if err["type"] == "literal_error" and allowed:
        return f"one of {allowed}"
    text = _EXPECTED.get(err["type"])
    if text:
        return text
    msg = str(err.get("msg", ""))
    return msg.removeprefix("Value error, ") or err["type"].replace("_", " ")


def _real_path(data: Any, loc: tuple[Any, ...], etype: str) -> Path:
    """Drop the union-member tags pydantic inserts into error locations."""
    out: list[PathPart] = []
    node = data
    for i, part in enumerate(loc):
        last = i == len(loc) - 1
        if isinstance(node, dict) and isinstance(part, str) and (
                part in node or (last and etype in ("missing", "extra_forbidden"))):
            out.append(part)
            node = node.get(part)
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            out.append(part)
            node = node[part]
        # anything else is a union tag such as 'str' or 'tuple[EnvVar, ...]'
    return tuple(out)


def _walk(data: Any, path: Path) -> Any:
    for part in path:
        data = data[part]
    return data


def _known_keys(model: type[BaseModel], path: Path, data: Any) -> list[str]:
    """Return the keys the model accepts at a path of the data (for "did you mean")."""
    current: Any = model
    node = data
    for part in path:
        node = node[part] if isinstance(node, dict | list) else None  # type: ignore[index]
        current = _child_type(current, part, node)
        if current is None:
            return []
    models = _models_in(current)
    return sorted({f.alias or n for m in models for n, f in m.model_fields.items()})


def _child_type(tp: Any, part: PathPart, node: Any) -> Any:
    for m in _models_in(tp):
        if isinstance(part, str):
            for name, f in m.model_fields.items():
                if (f.alias or name) == part:
                    return f.annotation
    for member in _members(tp):
        origin = typing.get_origin(member)
        args = typing.get_args(member)
        if origin is tuple and isinstance(part, int):
            return args[0]
        if origin is dict and isinstance(part, str) and len(args) == 2:
            return args[1]
    return None


def _members(tp: Any) -> list[Any]:
    origin = typing.get_origin(tp)
    if origin is Union or isinstance(tp, types.UnionType):
        return [m for a in typing.get_args(tp) for m in _members(a)]
    if origin is typing.Annotated:
        return _members(typing.get_args(tp)[0])
    return [tp]


def _models_in(tp: Any) -> list[type[BaseModel]]:
    return [m for m in _members(tp) if isinstance(m, type) and issubclass(m, BaseModel)]


def _did_you_mean(word: str, known: Any) -> str | None:
    close = difflib.get_close_matches(word, list(known), n=1, cutoff=0.6)
    return f"did you mean `{close[0]}`?" if close else None


def _known_hint(known: list[str]) -> str | None:
    if not known:
        return None
    shown = ", ".join(known[:12]) + (", …" if len(known) > 12 else "")
    return f"known fields here: {shown}"


def _kind_of(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__
