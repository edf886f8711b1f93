"""Diagnostics ⇄ JSON for the cache, keeping semantic locations unresolved.

Stage results are reused when only cosmetic things changed (a comment, key order), so a
stored diagnostic must not carry a line number: it keeps its :class:`~ork.errors.Loc`,
and every build resolves it against the span index of *its* sources. Diagnostics that
only have a span (fetch's, whose cache entry requires byte-identical files) keep it.
The reader also accepts the rendered form of :func:`ork.diagnostics.to_json`.
"""

from __future__ import annotations

from typing import Any

from .errors import Diagnostic, Loc, Note, Span


def dump(diags: list[Diagnostic] | tuple[Diagnostic, ...]) -> list[dict[str, Any]]:
    """Return diagnostics as JSON-ready data, locations included."""
    return [{"code": d.code, "message": d.message, "severity": d.severity, "hint": d.hint,
             "span": _span_out(d.span), "loc": loc_to_json(d.loc),
             "notes": [{"message": n.message, "span": _span_out(n.span),
                        "loc": loc_to_json(n.loc)} for n in d.notes]} for d in diags]


def load(data: Any) -> list[Diagnostic]:
    """Return diagnostics from :func:`dump` (or :func:`ork.diagnostics.to_json`) data."""
    out = []
    for d in data or []:
        notes = tuple(Note(n["message"], _span_in(n), loc_from_json(n.get("loc")))
                      for n in d.get("notes", []))
        out.append(Diagnostic(d["code"], d["message"], d["severity"], _span_in(d),
                              loc_from_json(d.get("loc")), d.get("hint"), notes))
    return out


def _span_out(span: Span | None) -> list[Any] | None:
    if span is None:
        return None
    return [span.path, span.line, span.column, span.end_line, span.end_column]


def _span_in(d: dict[str, Any]) -> Span | None:
    raw = d.get("span")
    if isinstance(raw, list):
        return Span(raw[0], raw[1], raw[2], raw[3], raw[4])
    if d.get("path") and "span" not in d:  # the rendered form: path/line/column inline
        return Span(d["path"], d["line"], d["column"], d.get("endLine", 0),
                    d.get("endColumn", 0))
    return None


def loc_to_json(loc: Loc | None) -> dict[str, Any] | None:
    """Return a location as JSON-ready data (None stays None)."""
    if loc is None:
        return None
    return {"source": loc.source, "doc": loc.doc, "path": list(loc.path), "key": loc.key,
            "inner": list(loc.inner) if loc.inner else None}


def loc_from_json(raw: dict[str, Any] | None) -> Loc | None:
    """Return the location :func:`loc_to_json` wrote."""
    if raw is None:
        return None
    inner = raw.get("inner")
    return Loc(raw["source"], raw["doc"], tuple(raw["path"]), raw["key"],
               (inner[0], inner[1], inner[2]) if inner else None)
