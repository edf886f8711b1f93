"""Go's ``fmt.Sprintf``, ``Sprint`` and ``Sprintln`` for the verbs templates use.

Verbs ``v s d f F e E g G t q x X o b c %`` with the flags ``+ - # 0 space``, a width and
a precision. As in Go, a verb that does not fit its argument prints ``%!d(string=x)``
rather than failing, a missing argument ``%!d(MISSING)`` and extra ones
``%!(EXTRA type=value)``. One deliberate difference: nil prints as the empty string, as
everywhere in ork's templates.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from .values import MAX_TEXT, ExecError, go_float, to_text, type_name

_SPEC = re.compile(r"%([-+# 0]*)(\d+)?(?:\.(\d*))?([a-zA-Z%])")
MAX_WIDTH = 4096  # a width or precision like %999999999d would allocate gigabytes


def sprintf(fmt: str, *args: Any) -> str:
    """Return Go's ``fmt.Sprintf(fmt, args...)``.

    Raises:
        ExecError: for a width or precision above MAX_WIDTH, or a result above MAX_TEXT.
    """
    out: list[str] = []
    pos = used = size = 0
    for m in _SPEC.finditer(fmt):
        if m.group(4) == "%":
            piece = "%"
        elif used >= len(args):
            piece = f"%!{m.group(4)}(MISSING)"
        else:
            piece = _one(m, args[used])
            used += 1
        out += [fmt[pos:m.start()], piece]
        pos = m.end()
        size += len(out[-2]) + len(piece)
        if size > MAX_TEXT:
            raise ExecError(f"printf: the result would be larger than {MAX_TEXT} characters")
    out.append(fmt[pos:])
    if used < len(args):
        out.append("%!(EXTRA " + ", ".join(_typed(a) for a in args[used:]) + ")")
    return "".join(out)


def _one(m: re.Match[str], arg: Any) -> str:
    """Format one argument by one ``%[flags][width][.precision]verb``."""
    flags, width, prec, verb = m.group(1), m.group(2), m.group(3), m.group(4)
    w = _count(width) if width else None
    p = _count(prec) if prec is not None else None
    if max(w or 0, p or 0) > MAX_WIDTH:
        raise ExecError(f"printf: a width or precision is larger than {MAX_WIDTH}")
    return _pad(_verb(verb, flags, p, arg), flags, w)


def _count(digits: str) -> int:
    """Return a width or precision; "" is 0 (``%.f``), and absurd ones stay absurd."""
    digits = digits.lstrip("0") or "0"
    return int(digits) if len(digits) <= 7 else MAX_WIDTH + 1


def sprint(*args: Any) -> str:
    """Return Go's ``fmt.Sprint``: a space between operands when neither is a string."""
    out: list[str] = []
    for i, arg in enumerate(args):
        if i and not isinstance(arg, str) and not isinstance(args[i - 1], str):
            out.append(" ")
        out.append(to_text(arg))
    return _joined("print", out, "")


def sprintln(*args: Any) -> str:
    """Return Go's ``fmt.Sprintln``: operands separated by spaces, then a newline."""
    return _joined("println", [to_text(a) for a in args], " ") + "\n"


def _joined(fn: str, parts: list[str], sep: str) -> str:
    if sum(map(len, parts)) > MAX_TEXT:
        raise ExecError(f"{fn}: the result would be larger than {MAX_TEXT} characters")
    return sep.join(parts)


def go_quote(text: str, quote: str = '"') -> str:
    """Return ``strconv.Quote(text)``: double quotes and Go escapes (with ``quote="'"``,
    ``strconv.QuoteRune`` of a one-character text)."""
    out = [quote]
    for ch in text:
        code = ord(ch)
        if ch in quote + "\\":
            out.append("\\" + ch)
        elif ch in "\a\b\f\n\r\t\v":
            out.append("\\" + "abfnrtv"["\a\b\f\n\r\t\v".index(ch)])
        elif code < 0x20 or code == 0x7F:
            out.append(f"\\x{code:02x}")
        elif code > 0x7F and not _printable(ch):
            out.append(f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}")
        else:
            out.append(ch)
    out.append(quote)
    return "".join(out)


def _printable(ch: str) -> bool:
    return unicodedata.category(ch)[0] not in ("C", "Z") or ch == " "


def _pad(text: str, flags: str, width: int | None) -> str:
    if width is None or len(text) >= width:
        return text
    if "-" in flags:
        return text.ljust(width)
    if "0" in flags and text[:1] in "+-" and text[1:2].isdigit():
        return text[0] + text[1:].rjust(width - 1, "0")
    if "0" in flags and text[:1].isdigit():
        return text.rjust(width, "0")
    return text.rjust(width)


def _bad(verb: str, arg: Any) -> str:
    return f"%!{verb}({_typed(arg)})"


def _typed(arg: Any) -> str:
    """How Go shows an argument in ``%!verb(…)`` and ``%!(EXTRA …)``: ``int=5``, ``<nil>``."""
    return "<nil>" if arg is None else f"{type_name(arg)}={to_text(arg)}"


def _rune(code: int) -> str:
    """Return the character of a code point as Go prints a rune: U+FFFD when it is not a
    valid one (negative, beyond U+10FFFF, or a UTF-16 surrogate, which cannot be written
    as UTF-8)."""
    valid = 0 <= code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF
    return chr(code) if valid else "\ufffd"


def _verb(verb: str, flags: str, prec: int | None, arg: Any) -> str:
    if verb == "s" and isinstance(arg, bool | int | float):
        return _bad(verb, arg)  # Go: %s of a number or a boolean is a bad verb
    if verb in "vs":
        text = to_text(arg)
        return text[:prec] if prec is not None and isinstance(arg, str) else text
    if verb == "t":
        return to_text(arg) if isinstance(arg, bool) else _bad(verb, arg)
    if verb == "q":
        if isinstance(arg, str):
            return go_quote(arg)
        if isinstance(arg, int) and not isinstance(arg, bool):
            return go_quote(_rune(arg), "'")
        return _bad(verb, arg)
    if verb == "c":
        ok = isinstance(arg, int) and not isinstance(arg, bool)
        return _rune(arg) if ok else _bad(verb, arg)
    if verb in "dboxX":
        return _integer(verb, flags, arg)
    if verb in "eEfFgG":
        return _floating(verb, flags, prec, arg)
    return _bad(verb, arg)


def _integer(verb: str, flags: str, arg: Any) -> str:
    if verb in "xX" and isinstance(arg, str):
        text = arg.encode("utf-8").hex()
        return text.upper() if verb == "X" else text
    if not isinstance(arg, int) or isinstance(arg, bool):
        return _bad(verb, arg)
    base = {"d": "d", "b": "b", "o": "o", "x": "x", "X": "X"}[verb]
    sign = "-" if arg < 0 else ("+" if "+" in flags else (" " if " " in flags else ""))
    body = format(abs(arg), base)
    if "#" in flags and verb in "boxX":
        body = {"b": "0b", "o": "0", "x": "0x", "X": "0X"}[verb] + body
    return sign + body


def _floating(verb: str, flags: str, prec: int | None, arg: Any) -> str:
    if isinstance(arg, bool) or not isinstance(arg, int | float):
        return _bad(verb, arg)
    value = float(arg)
    sign = "+" if "+" in flags and value >= 0 else (" " if " " in flags and value >= 0 else "")
    if verb in "gG" and prec is None:
        text = go_float(value)
        return sign + (text.upper() if verb == "G" else text)
    p = 6 if prec is None else prec
    py = {"e": "e", "E": "E", "f": "f", "F": "f", "g": "g", "G": "G"}[verb]
    text = format(value, f".{p}{py}")
    text = re.sub(r"([eE][+-])(\d)$", r"\g<1>0\2", text)  # Go: at least two exponent digits
    return sign + text
