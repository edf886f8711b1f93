"""Turn semantic locations (:class:`~ork.errors.Loc`) into ``file:line:column`` spans.

Stages after fetch record where things were written as (source, path); this module reads
the span index fetch stored for each source and answers with a :class:`Span`, including
positions inside a YAML string (template diagnostics point at the column in the string).
"""

from __future__ import annotations

import bisect
from dataclasses import replace
from typing import Any

from . import yamlsrc
from .errors import Diagnostic, InputError, Loc, Note, PathPart, Span
from .sources import SourceGraph
from .store import Store, Vanished

Path = tuple[PathPart, ...]


class Locator:
    """Answers where a Loc is, and the text of a source for excerpts."""

    def __init__(self, graph: SourceGraph, store: Store) -> None:
        self._nodes = {n.id: n for n in graph.nodes}
        self._by_display = {n.display: n for n in graph.nodes}
        self._store = store
        self._spans: dict[str, dict[tuple[int, Path], Any]] = {}
        self._texts: dict[str, list[str]] = {}
        self._docs: dict[str, dict[int, Any]] = {}

    def span(self, loc: Loc | None) -> Span | None:
        """Return the span of a location, or None when it cannot be found.

        Raises:
            Vanished: the source's span index is no longer in the cache.
        """
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
        """The span index of a source.

        Raises:
            Vanished: it is missing from the cache, or was corrupt (a span is never
                guessed: render writes line numbers into provenance.yaml).
        """
        if node_id not in self._spans:
            digest = self._nodes[node_id].spans
            data = self._store.get_json(digest)
            if data is None:
                raise Vanished(digest)
            self._spans[node_id] = {(doc, tuple(p)): e for doc, entries in data
                                    for p, e in entries}
        return self._spans[node_id]

    def _lines(self, node_id: str) -> list[str]:
        if node_id not in self._texts:
            raw = self._store.get(self._nodes[node_id].content) or b""
            self._texts[node_id] = raw.decode("utf-8-sig", errors="replace").splitlines()
        return self._texts[node_id]

    def _values(self, node_id: str) -> dict[int, Any]:
        """The values of a source's documents, by index (for positions inside strings)."""
        if node_id not in self._docs:
            raw = "\n".join(self._lines(node_id)).encode()
            try:
                docs = yamlsrc.load(raw, self._nodes[node_id].display, max_size=len(raw) + 1)
            except InputError:
                docs = []
            self._docs[node_id] = {d.index: d.value for d in docs}
        return self._docs[node_id]

    def _inner(self, loc: Loc, node_id: str, display: str, entry: list[Any]) -> Span:
        """The span of a position inside a string value: the template problem's own
        characters, found by reading the scalar as written (its indentation, its folded
        lines, its escapes); the scalar's start when the written text cannot be matched."""
        assert loc.inner is not None
        il, ic, length = loc.inner
        line, col, style = entry[0], entry[1], entry[7]
        value: Any = self._values(node_id).get(loc.doc)
        for part in loc.path:
            value = value[part] if isinstance(value, dict | list) else None  # type: ignore[index]
            if value is None:
                break
        where = _positions(self._lines(node_id), (line, col, entry[2]), style, value) \
            if isinstance(value, str) else None
        if not where:
            return Span(display, line, col, line, col + 1)
        offset = sum(len(text) + 1 for text in value.split("\n")[:il]) + ic
        if offset >= len(where):  # just past the end (a template left open)
            end_line, end_col = where[-1]
            return Span(display, end_line, end_col + 1, end_line, end_col + 2)
        start_line, start_col = where[offset]
        last_line, last_col = where[min(offset + max(length, 1), len(where)) - 1]
        end = last_col + 1 if last_line == start_line else start_col + 1
        return Span(display, start_line, start_col, start_line, end)


_ESCAPE_SIZES = {"x": 4, "u": 6, "U": 10}


def _positions(lines: list[str], at: tuple[int, int, int], style: str,
               value: str) -> list[tuple[int, int]] | None:
    """Return the (line, column) in the file of every character of a scalar's value,
    reading the scalar as written at ``at`` (its line and column, and its last line);
    None when the text written does not give the value (a form this reading does not
    follow).

    The value is the text written less what YAML drops or folds: indentation, the line
    breaks folded into spaces (``>`` and multi-line plain or quoted scalars), the escapes
    of double quotes (``\\"``, ``\\u00e9``, an escaped line break), doubled single quotes.
    """
    line, col, last = at
    if not 0 < line <= len(lines):
        return None
    raw = "\n".join(lines[line - 1:last])
    r = _content_start(raw, col - 1, style)
    starts = [0] + [i + 1 for i, char in enumerate(raw) if char == "\n"]
    out: list[tuple[int, int]] = []
    for char in value:
        found = _seek(raw, r, char, style)
        if found is None:
            return None
        n = bisect.bisect_right(starts, found) - 1
        out.append((line + n, found - starts[n] + 1))
        r = _past(raw, found, char, style)
    return out


def _content_start(raw: str, start: int, style: str) -> int:
    """Where a scalar's content starts: after the indicator line of a ``|``/``>`` block,
    after the opening quote of a quoted scalar."""
    if style in ("|", ">"):
        return raw.find("\n", start) + 1 or len(raw)
    return start + 1 if style in ("'", '"') else start


def _seek(raw: str, r: int, char: str, style: str) -> int | None:
    """Where the value's next character ``char`` is written, from ``r`` on: past the
    indentation and folded line breaks YAML dropped (None: not written there)."""
    while r < len(raw):
        if style == '"' and raw[r] == "\\":
            if raw[r + 1:r + 2] != "\n":
                return r  # an escape: it writes this character
            r += 2  # an escaped line break joins the lines
        elif raw[r] == char or (char == " " and raw[r] == "\n"):
            return r
        elif raw[r] in " \t\n":
            r += 1
        else:
            return None
    return None


def _past(raw: str, r: int, char: str, style: str) -> int:
    """Where the text after the value's character ``char``, written at ``r``, goes on."""
    if style == '"' and raw[r] == "\\":
        return r + _ESCAPE_SIZES.get(raw[r + 1:r + 2], 2)
    if style == "'" and char == "'" and raw.startswith("''", r):
        return r + 2
    if char == " " and raw[r] == "\n":  # a line break folded into a space
        r += 1
        while r < len(raw) and raw[r] in " \t":
            r += 1
        return r
    return r + 1
