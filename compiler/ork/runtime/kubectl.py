"""``ork apply / get / delete --state DIR``: kubectl's verbs on the local store."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from .. import yamlsrc
from ..errors import RuntimeError_, Span, UsageError
from ..plurals import plural
from .config import RuntimeConfig
from .local import LocalCluster
from .objects import GK, GROUP_KINDS, Key, Obj, lower_camel, resource_word
from .storecore import EVENT


def read_objects(data: bytes, path: str) -> list[Obj]:
    """Return the objects of a YAML stream (a ``kind: List`` is unpacked).

    Raises:
        RuntimeError_: invalid-object for a document without apiVersion, kind or name.
        InputError: the file is not valid YAML.
    """
    return [obj for obj, _ in read_located(data, path)]


def read_located(data: bytes, path: str) -> list[tuple[Obj, Span]]:
    """Return the objects of a YAML stream, each with where it was written.

    Raises:
        RuntimeError_: invalid-object for a document without apiVersion, kind or name.
        InputError: the file is not valid YAML.
    """
    out: list[tuple[Obj, Span]] = []
    for doc in yamlsrc.load(data, path):
        value = doc.value
        listed = isinstance(value, dict) and value.get("kind") == "List"
        items = value.get("items") if listed else [value]
        if not isinstance(items, list | None):
            raise RuntimeError_("invalid-object", "a List's items must be a list of objects",
                                span=_span(path, doc, ("items",)),
                                hint="write `items:` followed by `- apiVersion: ...` entries")
        for i, item in enumerate(items or []):
            at: tuple[str | int, ...] = ("items", i) if listed else ()
            out.append((_checked(item, path, doc, at), _span(path, doc, at)))
    return out


# The metadata fields a client may write, with the shape each must have.
_META_SHAPES: dict[str, tuple[type, type | None, str]] = {
    "namespace": (str, None, "a string"),
    "labels": (dict, str, "a mapping of strings"),
    "annotations": (dict, str, "a mapping of strings"),
    "finalizers": (list, str, "a list of strings"),
    "ownerReferences": (list, dict, "a list of mappings (apiVersion, kind, name, uid)"),
}


def _span(path: str, doc: yamlsrc.Document, at: tuple[str | int, ...]) -> Span:
    """Return the span of ``at`` in a document, or of the nearest enclosing node."""
    while at and at not in doc.spans:
        at = at[:-1]
    entry = doc.spans.get(at)
    return yamlsrc.span_of(path, entry) if entry else Span(path, 1, 1)


def _checked(item: Any, path: str, doc: yamlsrc.Document, at: tuple[str | int, ...]) -> Obj:
    span = _span(path, doc, at)
    if not isinstance(item, dict):
        raise RuntimeError_("invalid-object", "a document must be a mapping", span=span,
                            hint="an object has apiVersion, kind and metadata.name keys")
    meta = item.get("metadata")
    missing = [f for f in ("apiVersion", "kind") if not isinstance(item.get(f), str)]
    if not isinstance(meta, dict) or not isinstance(meta.get("name"), str):
        missing.append("metadata.name")
        meta = {}
    if missing:
        raise RuntimeError_("invalid-object", "the object has no " + ", ".join(missing),
                            span=span, hint="write a full Kubernetes object")
    for field, (outer, inner, shape) in _META_SHAPES.items():
        value = meta.get(field)
        if value is None:
            continue
        members = value.values() if isinstance(value, dict) else value
        if not isinstance(value, outer) or (inner is not None and any(
                not isinstance(m, inner) for m in members)):
            raise RuntimeError_("invalid-object", f"metadata.{field} must be {shape}",
                                span=_span(path, doc, (*at, "metadata", field)),
                                hint="write it as Kubernetes does, or leave it out")
    obj = dict(item)
    obj["metadata"] = {**meta, "namespace": meta.get("namespace") or "default"}
    return obj


def register(store: LocalCluster, config: RuntimeConfig) -> None:
    """Record the names of a Katalog's CRDs (plural, kind, singular, short names) in the store."""
    names: dict[str, GK] = {}
    for crd in config.crds:
        types = crd.entry.api_types
        words = [crd.plural, crd.gk.kind, crd.name]
        if isinstance(types.singular, str):
            words.append(types.singular)
        words += [str(s) for s in types.short_names or ()]
        names.update(dict.fromkeys(words, crd.gk))
    store.register_names(names)


def resolve(word: str, registered: Mapping[str, GK], present: Iterable[GK]) -> GK:
    """Return the type a word names: a plural, a kind, a singular or a short name.

    Raises:
        UsageError: when no type is called that.
    """
    wanted = word.lower()
    table: dict[str, GK] = {"events": EVENT, "event": EVENT}
    for group, (api, kind) in GROUP_KINDS.items():
        gk = GK.of_api(api, kind)
        table.update(dict.fromkeys((group.lower(), kind.lower()), gk))
    for gk in present:
        camel = lower_camel(gk.kind)
        for name in (gk.kind, plural(camel), camel + "s", f"{plural(camel)}.{gk.group}"):
            table.setdefault(name.lower(), gk)
    table.update({k.lower(): v for k, v in registered.items()})
    if wanted in table:
        return table[wanted]
    known = ", ".join(sorted({resource_word(g).lower() for g in table.values()}))
    raise UsageError("usage", f"the store knows no type called {word!r}",
                     hint=f"known types: {known}")


def pick(objects: list[Obj], kind: str, name: str) -> Obj:
    """Return the one object called ``name`` among ``objects`` (of every namespace).

    Raises:
        RuntimeError_: object-not-found.
        UsageError: when the name exists in several namespaces.
    """
    found = [o for o in objects if o["metadata"]["name"] == name]
    if not found:
        raise RuntimeError_("object-not-found", f"{kind} {name!r} not found in the store",
                            hint=f"`ork get {kind}` lists the objects of that kind")
    if len(found) > 1:
        spaces = ", ".join(o["metadata"].get("namespace", "") for o in found)
        raise UsageError("usage", f"{kind} {name!r} exists in several namespaces ({spaces})",
                         hint="pick one with -n NAMESPACE")
    return found[0]


def apply(store: LocalCluster, objects: Iterable[Obj], plurals: Mapping[GK, str]) -> list[str]:
    """Create or update objects; return a ``kind/name created|configured|unchanged`` line each."""
    lines = []
    for obj in objects:
        _, what = store.replace(obj)
        lines.append(f"{display(Key.of(obj), plurals)} {what}")
    return lines


def display(key: Key, plurals: Mapping[GK, str]) -> str:
    """Return ``resource[.group]/name`` as kubectl prints it."""
    word = resource_word(key.gk, dict(plurals)).lower()
    return f"{word}.{key.gk.group}/{key.name}" if key.gk.group else f"{word}/{key.name}"


def table(objects: Iterable[Obj]) -> str:
    """Return a NAMESPACE / NAME / READY-or-PHASE table of objects."""
    rows = [("NAMESPACE", "NAME", "STATUS")]
    for obj in objects:
        key = Key.of(obj)
        rows.append((key.namespace or "-", key.name, _summary(obj)))
    widths = [max(len(r[i]) for r in rows) for i in range(2)]
    return "".join(f"{r[0]:<{widths[0]}}   {r[1]:<{widths[1]}}   {r[2]}".rstrip() + "\n"
                   for r in rows)


def _summary(obj: Obj) -> str:
    status = obj.get("status") or {}
    if "readyReplicas" in status:
        return f"{status.get('readyReplicas')}/{status.get('replicas')} ready"
    if status.get("phase"):
        return str(status["phase"])
    for cond in status.get("conditions") or []:
        if isinstance(cond, dict) and cond.get("type") == "Reconciled":
            return "Reconciled" if cond.get("status") == "True" else \
                f"Failed: {cond.get('reason', '')}"
    if (obj.get("metadata") or {}).get("deletionTimestamp"):
        return "Deleting"
    return ""
