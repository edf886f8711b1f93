"""Tokens inside one ``{{ … }}`` action, with their offsets in the template string.

Follows Go's text/template lexer: fields ``.a``, variables ``$x``, identifiers, strings
(interpreted and raw), character constants, numbers in Go syntax, ``( ) | := = ,``.
The right delimiter is ``}}``, or `` -}}`` (whitespace then ``-}}``) which trims the text
after it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .problems import ProblemError, problem_at

SPACE = " \t\r\n"
_IDENT = re.compile(r"[^\W\d]\w*|\w+", re.UNICODE)
_NUMBER = re.compile(
    r"[+-]?(?:0[xX][0-9a-fA-F_]*(?:\.[0-9a-fA-F_]*)?(?:[pP][+-]?[0-9_]+)?"
    r"|0[bB][01_]+|0[oO][0-7_]+"
    r"|(?:[0-9][0-9_]*)?\.?[0-9_]*(?:[eE][+-]?[0-9_]+)?)i?")
_ESCAPES = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v",
            "\\": "\\", '"': '"', "'": "'"}


@dataclass(frozen=True)
class Token:
    """One token: its kind, offsets, and decoded value (for literals and names)."""

    kind: str  # field var ident string char number lparen rparen pipe declare assign comma dot
    start: int
    end: int
    value: Any = None


# Tokens one template string may hold (each `{{ … }}` counts one more). jinja2 compiles a
# template in about 25 µs and 5 KB per token, and up to 1 ms per `if`: a multi-megabyte
# template must be refused, not compiled for minutes into gigabytes.
MAX_TOKENS = 10_000


def too_long(src: str, start: int) -> ProblemError:
    """The error for a template with more than MAX_TOKENS tokens, at the one past it."""
    return ProblemError(problem_at(src, "template-syntax",
                                   f"the template is longer than {MAX_TOKENS} tokens", start,
                                   hint="split it across several fields, or repeat text with "
                                        "`range` over a list"))


def lex_action(src: str, pos: int, room: int = MAX_TOKENS) -> tuple[list[Token], int, bool]:
    """Return the tokens of the action starting at ``pos`` (just after ``{{``/``{{- ``),
    the offset just past its closing ``}}``, and whether it trims the text after it.

    Raises:
        ProblemError: template-syntax, at the offending character, or when the action
            holds more than ``room`` tokens.
    """
    tokens: list[Token] = []
    i = pos
    n = len(src)
    while True:
        if len(tokens) > room:
            raise too_long(src, tokens[-1].start)
        while i < n and src[i] in SPACE:
            if src.startswith("-}}", i + 1):
                return tokens, i + 4, True
            i += 1
        if i >= n:
            raise ProblemError(problem_at(src, "template-syntax", "unclosed action", pos - 2,
                                          pos, hint="close it with }}"))
        if src.startswith("}}", i):
            return tokens, i + 2, False
        tok = _token(src, i)
        tokens.append(tok)
        i = tok.end


def _token(src: str, i: int) -> Token:
    c = src[i]
    single = {"(": "lparen", ")": "rparen", "|": "pipe", ",": "comma", "=": "assign"}
    if c in single:
        return Token(single[c], i, i + 1)
    if src.startswith(":=", i):
        return Token("declare", i, i + 2)
    reader = _READERS.get(c)
    if reader is not None:
        return reader(src, i)
    if c.isdigit() or (c in "+-" and i + 1 < len(src) and (src[i + 1].isdigit()
                                                          or src[i + 1] == ".")):
        return _number(src, i)
    m = _IDENT.match(src, i)
    if m:
        return Token("ident", i, m.end(), m.group())
    if c == "}":
        raise ProblemError(problem_at(src, "template-syntax", 'unexpected "}" in action', i,
                                      hint="actions close with }}"))
    raise ProblemError(problem_at(src, "template-syntax",
                                  f"unexpected character {c!r} in action", i,
                                  hint="inside {{ }}, quote text as \"...\" or `...`"))


def _dot(src: str, i: int) -> Token:
    m = _IDENT.match(src, i + 1)
    if m and not src[i + 1].isdigit():
        return Token("field", i, m.end(), m.group())
    if i + 1 < len(src) and src[i + 1].isdigit():
        return _number(src, i)
    return Token("dot", i, i + 1)


def _variable(src: str, i: int) -> Token:
    m = _IDENT.match(src, i + 1)
    end = m.end() if m else i + 1
    return Token("var", i, end, src[i + 1:end])


def _raw_string(src: str, i: int) -> Token:
    end = src.find("`", i + 1)
    if end == -1:
        raise ProblemError(problem_at(src, "template-syntax", "unterminated raw string", i,
                                      hint="close it with a backquote (`)"))
    return Token("string", i, end + 1, src[i + 1:end])


def _number(src: str, i: int) -> Token:
    m = _NUMBER.match(src, i)
    end = m.end() if m else i + 1
    while end < len(src) and (src[end].isalnum() or src[end] in "._"):
        end += 1  # Go reads the whole run, then rejects it as a bad number
    text = src[i:end]
    value = parse_number(text)
    shown = text if len(text) <= 40 else text[:37] + "..."
    if value is None:
        raise ProblemError(problem_at(src, "template-syntax", f"bad number syntax: {shown!r}",
                                      i, end, hint="write a number such as 3, 0.5 or 0x1F, "
                                                   "or quote it as text"))
    if isinstance(value, int) and not INT64[0] <= value <= INT64[1]:
        raise ProblemError(problem_at(src, "template-syntax", f"{shown} overflows int", i, end,
                                      hint="integers are 64-bit; write a float (1e20) for "
                                           "larger numbers"))
    return Token("number", i, end, value)


INT64 = (-(1 << 63), (1 << 63) - 1)


def parse_number(text: str) -> int | float | None:
    """Return the value of a Go number literal, or None when it is not one."""
    if not text or text.endswith("i") or "__" in text or text.endswith("_"):
        return None
    body = text.replace("_", "")
    sign = -1 if body.startswith("-") else 1
    digits = body.lstrip("+-")
    if not digits:
        return None
    if len(digits) > 40 and digits.isdigit():
        return sign * (1 << 64)  # an integer far beyond int64 (and Python's int() limit)
    try:
        if len(digits) > 1 and digits[0] == "0" and digits[1].isdigit() and \
                all(ch in "01234567" for ch in digits):
            return sign * int(digits, 8)
        return sign * int(digits, 0)
    except ValueError:
        pass
    try:
        if digits[:2].lower() == "0x":
            value = float.fromhex(digits)
        elif not any(ch.isdigit() for ch in digits):
            return None
        else:
            value = float(digits)
    except (ValueError, OverflowError):
        return None
    return sign * value if math.isfinite(value) else None  # Go: out of range is an error


def _string(src: str, i: int) -> Token:
    out: list[str] = []
    j = i + 1
    while j < len(src):
        c = src[j]
        if c == '"':
            return Token("string", i, j + 1, "".join(out))
        if c == "\n":
            break
        if c == "\\":
            ch, j = _escape(src, j, '"')
            out.append(ch)
            continue
        out.append(c)
        j += 1
    raise ProblemError(problem_at(src, "template-syntax", "unterminated quoted string", i,
                                  hint='close it with " before }}'))


def _char(src: str, i: int) -> Token:
    j = i + 1
    if j < len(src) and src[j] == "\\":
        ch, j = _escape(src, j, "'")
    elif j < len(src) and src[j] not in "'\n":
        ch, j = src[j], j + 1
    else:
        ch = ""
    if len(ch) != 1 or j >= len(src) or src[j] != "'":
        raise ProblemError(problem_at(src, "template-syntax", "malformed character constant",
                                      i, hint="a character constant is one character in single "
                                              "quotes, such as 'a'; text goes in double quotes"))
    return Token("number", i, j + 1, ord(ch))


_READERS: dict[str, Callable[[str, int], Token]] = {
    ".": _dot, "$": _variable, '"': _string, "`": _raw_string, "'": _char,
}


def _escape(src: str, j: int, quote: str) -> tuple[str, int]:
    """Decode one Go escape starting at the backslash ``src[j]``; return (char, next)."""
    nxt = src[j + 1] if j + 1 < len(src) else ""
    if nxt in _ESCAPES and (nxt != "'" or quote == "'") and (nxt != '"' or quote == '"'):
        return _ESCAPES[nxt], j + 2
    sizes = {"x": 2, "u": 4, "U": 8}
    if nxt in sizes:
        digits = src[j + 2:j + 2 + sizes[nxt]]
        if len(digits) == sizes[nxt] and all(d in "0123456789abcdefABCDEF" for d in digits):
            code = int(digits, 16)
            if code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF:
                return chr(code), j + 2 + sizes[nxt]
    elif nxt in "01234567":
        digits = src[j + 1:j + 4]
        if len(digits) == 3 and all(d in "01234567" for d in digits) and int(digits, 8) < 256:
            return chr(int(digits, 8)), j + 4
    raise ProblemError(problem_at(src, "template-syntax", "invalid escape in string", j, j + 2,
                                  hint='write a backslash as "\\\\"'))
