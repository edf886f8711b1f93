"""The resolved Katalog artifact: what merge produces and validate, render, plan and why read.

Locations are semantic (:class:`~ork.errors.Loc`: source id + path in the document), so
comments and whitespace in a source never change this artifact; :mod:`ork.locate` turns
them into ``file:line:column`` when something is printed.
"""

from __future__ import annotations

import functools
import json
from typing import Any

from pydantic import Field, TypeAdapter

from .errors import Diagnostic, Loc, PathPart
from .kinds import CRDEntry, Katalog
from .sources import Frozen

Path = tuple[PathPart, ...]


class Binding(Frozen):
    """How one Motif input got its value: ``with`` (Katalog), ``override`` (Komposer),
    or ``default`` (the Motif)."""

    input: str
    value: Any
    how: str
    loc: Loc | None = None


class MotifUse(Frozen):
    """One Motif expanded into a CRD (how it placed its values is its :class:`MotifTrace`)."""

    index: int  # position in the CRD's imports
    ref: str  # as written
    source: str  # node id of the Motif source
    name: str
    version: str


class MotifTrace(Frozen):
    """How one Motif's expansion placed values into a CRD. Only ``ork why`` reads it, so it
    is kept out of the resolved Katalog, in a table of its own (see :class:`Traces`)."""

    index: int  # the MotifUse it traces
    bindings: tuple[Binding, ...] = ()
    items: tuple[Path, ...] = ()  # the resolved paths it contributed
    inputs_at: tuple[tuple[Path, tuple[str, ...]], ...] = ()  # strings and the inputs they used


class Traces:
    """The traces table: per CRD, the JSON of its Motif traces, kept as text.

    More than half of what Motif expansion records is these traces; stored apart from the
    resolved Katalog (which names the table by digest), they cost nothing to the stages
    that never read them, and merge copies an unchanged CRD's text without decoding it.

    Stored one CRD per line, in name order: the name as a JSON string, a tab, the text.
    A text is JSON as pydantic writes it, which holds no raw tab or newline, so reading
    the table splits lines rather than parsing a JSON object of 200 long strings whose
    every quote is escaped (0.2 ms rather than 3 ms for the 770 kB table of M).
    """

    def __init__(self, texts: dict[str, str] | None = None) -> None:
        self.texts = dict(texts or {})

    @staticmethod
    def encode(traces: tuple[MotifTrace, ...]) -> str:
        """Return the text of one CRD's traces."""
        return "[" + ",".join(t.model_dump_json() for t in traces) + "]"

    def of(self, crd: str) -> tuple[MotifTrace, ...]:
        """Return a CRD's traces (none when the table has no readable entry for it)."""
        text = self.texts.get(crd)
        if text is None:
            return ()
        return _TRACES.validate_json(text)

    def to_bytes(self) -> bytes:
        """Return the table as stored (in name order, so equal tables are equal bytes)."""
        return "".join(json.dumps(name, ensure_ascii=False) + "\t" + self.texts[name] + "\n"
                       for name in sorted(self.texts)).encode("utf-8")

    @classmethod
    def from_bytes(cls, raw: bytes | None) -> Traces:
        """Return a stored table; an unreadable one is empty."""
        texts = {}
        try:
            for line in (raw or b"").decode("utf-8").split("\n")[:-1]:
                name, tab, text = line.partition("\t")
                key = json.loads(name)
                if not tab or not isinstance(key, str):
                    return cls()
                texts[key] = text
        except ValueError:  # UnicodeDecodeError too
            return cls()
        return cls(texts)


class CrdProvenance(Frozen):
    """Where one CRD came from."""

    crd: str
    source: str  # node id of the Katalog (or Komposer, for an inline CRD)
    loc: Loc  # where the CRD entry is written
    via: tuple[str, ...] = ()  # node ids from the entry file down to ``source``
    katalog: str = ""
    version: str = ""
    motifs: tuple[MotifUse, ...] = ()
    overrides: tuple[Loc, ...] = ()  # Komposer inline entries that changed it
    enabled: bool = True


class DocumentUse(Frozen):
    """What merge took from one imported Katalog document, for the next build to copy
    (:mod:`ork.merging.memo`): its CRDs in order, its carried blocks as written, and the
    entry's version and description its CRDs were stamped with."""

    index: int
    crds: tuple[str, ...]
    blocks: dict[str, Any] = Field(default_factory=dict)
    top: tuple[str | None, str | None] = (None, None)


class SourceUse(Frozen):
    """What merge took from one imported source of Katalog documents: each document's
    use, and the source's first legacy-shape path (document, path), for its warning."""

    docs: tuple[DocumentUse, ...]
    legacy: tuple[int, Path] | None = None


class Origin(Frozen):
    """A resolved path inside a CRD and the source location its value was written at."""

    path: Path
    loc: Loc


# A CRD's group, version, kind and the CRDs it depends on: what validate's checks across
# CRDs read, kept so that they need not decode every entry.
Summary = tuple[str, str, str, tuple[str, ...]]


class Resolved(Frozen):
    """The merged, expanded Katalog with provenance, origins and merge warnings."""

    katalog: Katalog  # without its CRDs: those are ``entries`` (the whole: full_katalog())
    # CRD -> the JSON of its resolved entry (:func:`encode_entry`), in the Katalog's order.
    # Kept as text: a rebuild copies an unchanged CRD's text, and a stage decodes only the
    # entries it reads (``entry``, ``crds``).
    entries: dict[str, str] = Field(default_factory=dict)
    summaries: dict[str, Summary] = Field(default_factory=dict)
    provenance: tuple[CrdProvenance, ...]
    # CRD -> the JSON of its origins (:func:`encode_origins`). Kept as text: only a
    # diagnostic or `ork why` reads a CRD's origins, and merge copies an unchanged CRD's
    # text without decoding it.
    origins: dict[str, str]
    disabled: tuple[str, ...] = ()
    standalone: tuple[Loc, ...] = ()  # Motif documents given as entries (validated alone)
    warnings: tuple[Diagnostic, ...] = ()
    # CRD -> the key of its resolved form (ork.merging.memo): equal keys, equal entry,
    # origins, Motif uses and traces. Merge and render reuse earlier work by it.
    expansions: dict[str, str] = Field(default_factory=dict)
    traces: str = ""  # the store digest of the Traces table ("" when no CRD imports Motifs)
    # Source key (ork.merging.memo.source_key) -> what merge took from that imported
    # source of Katalog documents: the next merge copies its CRDs without parsing it.
    sources: dict[str, SourceUse] = Field(default_factory=dict)

    @functools.cached_property
    def crds(self) -> dict[str, CRDEntry]:
        """Return every CRD's resolved entry, in the Katalog's order."""
        return {name: decode_entry(text) for name, text in self.entries.items()}

    def entry(self, crd: str) -> CRDEntry | None:
        """Return one CRD's resolved entry, or None."""
        text = self.entries.get(crd)
        return decode_entry(text) if text is not None else None

    def full_katalog(self) -> Katalog:
        """Return the resolved Katalog with its CRDs, as ``ork template`` shows it."""
        spec = self.katalog.spec.model_copy(update={"crds": self.crds})
        return self.katalog.model_copy(update={"spec": spec})

    def origin(self, crd: str, path: Path) -> Loc | None:
        """Return where a value of a CRD was written: the nearest recorded ancestor's source
        location extended by the rest of the path."""
        best: Origin | None = None
        for o in self.origins_of(crd):
            if path[: len(o.path)] == o.path and (best is None or len(o.path) > len(best.path)):
                best = o
        if best is None:
            return None
        rest = path[len(best.path):]
        return best.loc.child(*rest) if rest else best.loc

    def origins_of(self, crd: str) -> tuple[Origin, ...]:
        """Return where each recorded value of a CRD was written."""
        text = self.origins.get(crd)
        return decode_origins(text) if text is not None else ()

    def provenance_of(self, crd: str) -> CrdProvenance | None:
        """Return the provenance of a CRD, or None."""
        for p in self.provenance:
            if p.crd == crd:
                return p
        return None


_TRACES: TypeAdapter[tuple[MotifTrace, ...]] = TypeAdapter(tuple[MotifTrace, ...])
_ORIGINS: TypeAdapter[tuple[Origin, ...]] = TypeAdapter(tuple[Origin, ...])


def encode_origins(origins: tuple[Origin, ...]) -> str:
    """Return the text of a CRD's origins, as ``Resolved.origins`` keeps it."""
    return _ORIGINS.dump_json(origins).decode("utf-8")


@functools.lru_cache(maxsize=4096)
def decode_origins(text: str) -> tuple[Origin, ...]:
    """Return the origins a text holds (decoded once per text: origins are immutable)."""
    return _ORIGINS.validate_json(text)


_ENTRIES: dict[str, CRDEntry] = {}  # text -> entry: decoded, or encoded by this process


def encode_entry(entry: CRDEntry) -> str:
    """Return the text of a CRD's resolved entry, as ``Resolved.entries`` keeps it."""
    text = entry.model_dump_json(exclude_unset=True)
    _ENTRIES.setdefault(text, entry)
    return text


def decode_entry(text: str) -> CRDEntry:
    """Return the entry a text holds (decoded once per text: entries are immutable)."""
    entry = _ENTRIES.get(text)
    if entry is None:
        entry = _ENTRIES[text] = CRDEntry.model_validate_json(text)
    return entry


def summary(entry: CRDEntry) -> Summary:
    """Return what validate's checks across CRDs read of an entry."""
    t = entry.api_types
    return (t.group or "", t.version or "", t.kind, entry.dependency_names())
