"""Rendering of diagnostics: text with a source excerpt and carets, or JSON.

The same :class:`~ork.errors.Diagnostic` prints either way; nothing here decides what
is wrong, only how it reads. An excerpt shows the user's line as written, except for the
credentials of a URL in it (``oci://user:***@host/…``, as :func:`ork.refs.strip_userinfo`
keeps them out of messages), and at most :data:`MAX_EXCERPT_WIDTH` characters after the
caret's start.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from .errors import Diagnostic, Span

SourceText = Callable[[str], str | None]

_RED, _YELLOW, _BOLD, _BLUE, _RESET = "\x1b[31m", "\x1b[33m", "\x1b[1m", "\x1b[34m", "\x1b[0m"

MAX_EXCERPT_WIDTH = 200
# The userinfo of a URL (``scheme://INFO@host``), or of a scheme-less reference
# (``INFO@host/…``) starting a word; INFO runs to the last ``@`` before the host. Kept as
# text: ``re`` compiles it when an excerpt is first shown, not in every command's start-up.
_STOP = r"\s/'\"\[\]{},"
_USERINFO = (
    rf"(?:[A-Za-z][A-Za-z0-9+.-]*://(?P<url>[^{_STOP}]*)@(?=[^{_STOP}@]+(?:/|$|[\s'\"\]}},]))"
    rf"|(?<![^\s'\"\[{{,(])(?P<ref>[^{_STOP}]+)@(?=[^{_STOP}@]+/))")


def render_text(diags: Iterable[Diagnostic], source: SourceText | None = None, *,
                color: bool = False) -> str:
    """Return diagnostics as text: a headline, an excerpt with carets, notes and a hint."""
    return "".join(_one(d, source, color) for d in diags)


def _one(d: Diagnostic, source: SourceText | None, color: bool) -> str:
    def paint(code: str, text: str) -> str:
        return f"{code}{text}{_RESET}" if color else text

    sev = paint(_RED if d.severity == "error" else _YELLOW, f"{d.severity}[{d.code}]")
    where = f"{d.span}: " if d.span else ""
    lines = [f"{paint(_BOLD, where) if where else ''}{sev}: {d.message}"]
    if d.span is not None and source is not None:
        lines.extend(_excerpt(d.span, source, paint))
    for note in d.notes:
        at = f" ({note.span})" if note.span else ""
        lines.append(f"  {paint(_BLUE, 'note')}: {note.message}{at}")
    if d.hint:
        hint = d.hint.replace("\n", "\n        ")
        lines.append(f"  {paint(_BLUE, 'hint')}: {hint}")
    return "\n".join(lines) + "\n"


def _excerpt(span: Span, source: SourceText, paint: Callable[[str, str], str]) -> list[str]:
    text = source(span.path)
    if text is None:
        return []
    all_lines = text.splitlines()
    if not 1 <= span.line <= len(all_lines):
        return []
    line_text = all_lines[span.line - 1].expandtabs(1)
    gutter = str(span.line)
    pad = " " * len(gutter)
    if span.end_line == span.line and span.end_column > span.column:
        width = span.end_column - span.column
    else:
        width = max(len(line_text) - span.column + 1, 1)
    line_text, column, width = _redacted(line_text, span.column, width)
    if len(line_text) > column - 1 + MAX_EXCERPT_WIDTH:  # a line of megabytes: cut it
        line_text = line_text[:column - 1 + MAX_EXCERPT_WIDTH] + "…"
    width = max(1, min(width, max(len(line_text) - column + 1, 1)))
    caret = " " * (column - 1) + "^" * width
    return [f"  {gutter} | {line_text}", f"  {pad} | {paint(_RED, caret)}"]


def _redacted(line: str, column: int, width: int) -> tuple[str, int, int]:
    """Return a line with the password of each URL's userinfo (the whole userinfo when
    it has no ``:``, a token) shown as ``***``, and the caret's column and width moved to
    the same characters."""
    out: list[str] = []
    last, start, end = 0, column - 1, column - 1 + width  # 0-based, end exclusive
    for m in re.finditer(_USERINFO, line):
        group = "url" if m.group("url") is not None else "ref"
        info = m.group(group)
        user, colon, _ = info.partition(":")
        if not info or (not colon and user == "git"):  # ssh's git@ is no secret
            continue
        shown = f"{user}:***" if colon else "***"
        a, b = m.span(group)
        delta = (b - a) - len(shown)
        out += [line[last:a], shown]
        last = b
        if b <= start:
            start, end = start - delta, end - delta
        elif a < end:
            end = max(start + 1, end - delta)
    if not out:
        return line, column, width
    return "".join(out) + line[last:], start + 1, end - start


def to_json(diags: Sequence[Diagnostic]) -> list[dict[str, Any]]:
    """Return diagnostics as JSON-ready objects (``--output json``)."""
    return [_json_one(d) for d in diags]


def _span_json(span: Span | None) -> dict[str, Any]:
    if span is None:
        return {"path": None, "line": None, "column": None}
    return {"path": span.path, "line": span.line, "column": span.column,
            "endLine": span.end_line or span.line, "endColumn": span.end_column or span.column}


def _json_one(d: Diagnostic) -> dict[str, Any]:
    out: dict[str, Any] = {"severity": d.severity, "code": d.code, "message": d.message}
    out.update(_span_json(d.span))
    out["hint"] = d.hint
    out["notes"] = [{"message": n.message, **_span_json(n.span)} for n in d.notes]
    return out


def dumps_json(diags: Sequence[Diagnostic]) -> str:
    """Return diagnostics as a JSON document (sorted keys, two-space indent)."""
    return json.dumps(to_json(diags), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
