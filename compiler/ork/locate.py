"""Turn semantic locations (:class:`~ork.errors.Loc`) into ``file:line:column`` spans.

Stages after fetch record where things were written as (source, path); this module reads
the span index fetch stored for each source and answers with a :class:`Span`, including
positions inside a YAML string (template diagnostics point at the column in the string).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from . import yamlsrc
from .errors import Diagnostic, Loc, Note, PathPart, Span
from .sources import SourceGraph
from .store import Store

Path = tuple[PathPart, ...]


class Locator:
    """Answers where a Loc is, and the text of a source for excerpts."""

    def __init__(self, graph: SourceGraph, store: Store) -> None:
        self._nodes = {n.id: n for n in graph.nodes}
        self._by_display = {n.display: n for n in graph.nodes}
        self._store = store
        self._spans: dict[str, dict[tuple[int, Path], Any]] = {}
        self._texts: dict[str, list[str]] = {}

    def span(self, loc: Loc | None) -> Span | None:
        """Return the span of a location, or None when it cannot be found."""
        if loc is None or loc.source not in self._nodes:
            return None
        node = self._nodes[loc.source]
        index = self._index(loc.source)
        path = loc.path
        while (loc.doc, path) not in index and path:
            path = path[:-1]
        entry = index.get((loc.doc, path))
        if entry is None:
            return Span(node.display, 1, 1, 1, 1)
        if loc.inner is not None and path == loc.path:
            return self._inner(loc, node.id, node.display, entry)
        return yamlsrc.span_of(node.display, tuple(entry), key=loc.key and path == loc.path)

    def text(self, display: str) -> str | None:
        """Return the text of a source by its display path (for caret excerpts)."""
        node = self._by_display.get(display)
        if node is None:
            return None
        return "\n".join(self._lines(node.id))

    def resolve(self, diag: Diagnostic) -> Diagnostic:
        """Return the diagnostic with spans filled in from its locations."""
        span = diag.span or self.span(diag.loc)
        notes = tuple(Note(n.message, n.span or self.span(n.loc), n.loc) for n in diag.notes)
        return replace(diag, span=span, notes=notes)

    def _index(self, node_id: str) -> dict[tuple[int, Path], Any]:
        if node_id not in self._spans:
            data = self._store.get_json(self._nodes[node_id].spans) or []
            self._spans[node_id] = {(doc, tuple(p)): e for doc, entries in data
                                    for p, e in entries}
        return self._spans[node_id]

    def _lines(self, node_id: str) -> list[str]:
        if node_id not in self._texts:
            raw = self._store.get(self._nodes[node_id].content) or b""
            self._texts[node_id] = raw.decode("utf-8-sig", errors="replace").splitlines()
        return self._texts[node_id]

    def _inner(self, loc: Loc, node_id: str, display: str, entry: list[Any]) -> Span:
        assert loc.inner is not None
        il, ic, length = loc.inner
        line, col, style = entry[0], entry[1], entry[7]
        if style in ("|", ">"):
            target = line + 1 + il
            lines = self._lines(node_id)
            text = lines[target - 1] if 0 < target <= len(lines) else ""
            indent = len(text) - len(text.lstrip(" "))
            c = indent + ic + 1
            return Span(display, target, c, target, c + max(length, 1))
        quote = 1 if style in ("'", '"') else 0
        lines = self._lines(node_id)
        target = line + il
        text = lines[target - 1] if 0 < target <= len(lines) else ""
        start = col - 1 + quote if il == 0 else len(text) - len(text.lstrip(" "))
        # Escapes (\" \n \u00e9 in "…", '' in '…') take more room in the file than in
        # the string: count the caret's columns in the file's text.
        c = _raw_offset(text, start, ic, style)
        end = _raw_offset(text, start, ic + max(length, 1), style)
        return Span(display, target, c + 1, target, end + 1)


_ESCAPE_SIZES = {"x": 4, "u": 6, "U": 10}


def _raw_offset(text: str, start: int, chars: int, style: str) -> int:
    """Return the index in a line of the file of the ``chars``-th character of a flow
    scalar that starts at ``start``, stepping over escapes written in the file."""
    i = start
    for step in range(chars):
        if i >= len(text):
            return i + chars - step  # past the line (a folded scalar): plain columns
        if style == '"' and text[i] == "\\":
            i += _ESCAPE_SIZES.get(text[i + 1:i + 2], 2)
        elif style == "'" and text.startswith("''", i):
            i += 2
        else:
            i += 1
    return i
