"""What a source file declares that fetch needs: the kind of each document, its name and
version, and every import it writes, with where it wrote it.

A pure function of the parsed documents, so fetch keeps it per file content (beside the
digests of the parsed documents and of the span index): a build after one file changed
reads this summary for every other file, and neither their documents nor their span
indexes. Only import lists are read here; merge checks the shape of every document.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .. import refs, yamlsrc
from ..errors import PathPart, Span
from ..sources import Role

SpanEntry = tuple[Any, ...]


@dataclass(frozen=True)
class Import:
    """One import as written: by which role, the ref, where, and what kind it must be."""

    doc: int
    role: Role
    raw: str
    span: SpanEntry | None  # the span-index entry of the value that wrote it
    index: int  # position in the declaring list
    kind: str  # what the target must be: "Katalog", "Komposer" or "Motif"
    crd: str | None = None  # the importing CRD, for Motif imports
    file: bool = False  # written as a local file (files: list, or a Motif path)

    def span_in(self, display: str) -> Span:
        """Return the span of the import in a source shown as ``display``."""
        if self.span is None:
            return Span(display, 1, 1, 1, 1)
        return yamlsrc.span_of(display, self.span)

    def to_json(self) -> list[Any]:
        """Return the import as JSON-native data, for the memo."""
        return [self.doc, self.role, self.raw, list(self.span) if self.span else None,
                self.index, self.kind, self.crd, self.file]

    @classmethod
    def from_json(cls, data: list[Any]) -> Import:
        """Return an import read back from the memo.

        Raises:
            ValueError, TypeError: the data is not what :meth:`to_json` wrote.
        """
        doc, role, raw, span, index, kind, crd, file = data
        return cls(doc, role, raw, tuple(span) if span is not None else None, index, kind,
                   crd, file)


@dataclass(frozen=True)
class Declared:
    """The summary of one file: document kinds, name and version, and its imports."""

    kinds: tuple[str, ...]
    name: str
    version: str
    imports: tuple[Import, ...]

    def to_json(self) -> dict[str, Any]:
        """Return the summary as JSON-native data, for the memo."""
        return {"kinds": list(self.kinds), "name": self.name, "version": self.version,
                "imports": [i.to_json() for i in self.imports]}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Declared:
        """Return a summary read back from the memo.

        Raises:
            ValueError, TypeError, KeyError: the data is not what :meth:`to_json` wrote.
        """
        kinds = tuple(data["kinds"])
        if not all(isinstance(k, str) for k in kinds):
            raise TypeError("kinds")
        return cls(kinds, str(data["name"]), str(data["version"]),
                   tuple(Import.from_json(i) for i in data["imports"]))


def declared(docs: list[yamlsrc.Document]) -> Declared:
    """Return what some parsed documents declare (see the module docstring)."""
    first = docs[0].value if docs and isinstance(docs[0].value, dict) else {}
    raw_meta = first.get("metadata")
    meta: dict[str, Any] = raw_meta if isinstance(raw_meta, dict) else {}
    imports: list[Import] = []
    for doc in docs:
        imports += _imports(doc)
    return Declared(
        kinds=tuple(str(d.value.get("kind")) if isinstance(d.value, dict) else "?"
                    for d in docs),
        name=str(meta.get("name") or ""), version=str(meta.get("version") or ""),
        imports=tuple(imports))


def _imports(doc: yamlsrc.Document) -> list[Import]:
    value = doc.value
    if not isinstance(value, dict):
        return []
    kind = value.get("kind")
    out: list[Import] = []
    if kind == "Komposer":
        out += _komposer_imports(doc)
    if kind in ("Katalog", "Komposer"):
        out += _motif_imports(doc)
    return out


def _at(doc: yamlsrc.Document, path: tuple[PathPart, ...]) -> SpanEntry | None:
    entry = doc.spans.get(path)
    return tuple(entry) if entry is not None else None


def _komposer_imports(doc: yamlsrc.Document) -> list[Import]:
    imports = doc.value.get("imports")
    if not isinstance(imports, dict):
        return []
    out = []
    registry = imports.get("registry")
    if isinstance(registry, list):
        for i, entry in enumerate(registry):
            found = _registry_import(entry)
            if found is not None:
                url, kind = found
                out.append(Import(doc.index, "registry", url,
                                  _at(doc, ("imports", "registry", i)), i, kind))
    files = imports.get("files")
    if isinstance(files, list):
        for i, entry in enumerate(files):
            if isinstance(entry, str):
                out.append(Import(doc.index, "file", entry, _at(doc, ("imports", "files", i)),
                                  i, "Katalog", file=True))
    return out


def _registry_import(entry: Any) -> tuple[str, str] | None:
    """Return the ref and the expected kind of a registry import entry, if well formed."""
    if isinstance(entry, str):
        return entry, "Katalog"
    if isinstance(entry, dict) and isinstance(entry.get("url"), str):
        url = entry["url"]
        version = entry.get("version")
        if isinstance(version, str) and "@" not in url.rsplit("/", 1)[-1] \
                and ":" not in url.rsplit("/", 1)[-1]:
            url = f"{url}:{version}"
        return url, "Komposer" if entry.get("useKomposer") is True else "Katalog"
    return None


def _motif_imports(doc: yamlsrc.Document) -> list[Import]:
    spec = doc.value.get("spec")
    crds = spec.get("crds") if isinstance(spec, dict) else None
    if not isinstance(crds, dict):
        return []
    is_komposer = doc.value.get("kind") == "Komposer"
    out = []
    for name, entry in crds.items():
        if not isinstance(entry, dict):
            continue
        for base, imports in _crd_import_lists(entry):
            for i, imp in enumerate(imports):
                motif = imp.get("motif") if isinstance(imp, dict) else None
                if not isinstance(motif, str):
                    continue
                if is_komposer and _is_binding_override(motif):
                    continue
                out.append(Import(doc.index, "motif", motif,
                                  _at(doc, ("spec", "crds", name, *base, i, "motif")), i,
                                  "Motif", crd=name, file=refs.looks_like_file(motif)))
    return out


def _crd_import_lists(entry: dict[str, Any]) -> list[tuple[tuple[str, ...], list[Any]]]:
    """Return the Motif import lists of a CRD entry, canonical and legacy locations."""
    out: list[tuple[tuple[str, ...], list[Any]]] = []
    if isinstance(entry.get("imports"), list):
        out.append((("imports",), entry["imports"]))
    box = entry.get("operatorBox")
    if isinstance(box, dict):
        for block in ("reconcile", "reconciler"):
            sub = box.get(block)
            if isinstance(sub, dict) and isinstance(sub.get("imports"), list):
                out.append((("operatorBox", block, "imports"), sub["imports"]))
    return out


def _is_binding_override(motif: str) -> bool:
    """A Komposer naming a Motif by bare name for a CRD it imports overrides its bindings.

    Fetch visits a Komposer before its imports, so this is decided in merge for CRDs it
    cannot see yet; a bare name (no tag, digest or path) is never fetched from a Komposer.
    """
    return refs.looks_like_file(motif) is False and ":" not in motif and "@" not in motif \
        and "/" not in motif
