"""Go's string quoting (``strconv.Quote``): printf's ``%q`` and the Go string literals that
Motif substitution writes share it, so a build that only substitutes does not load printf.
"""

from __future__ import annotations

import unicodedata


def go_quote(text: str, quote: str = '"', *, ascii_only: bool = False) -> str:
    """Return ``strconv.Quote(text)``: double quotes and Go escapes (with ``quote="'"``,
    ``strconv.QuoteRune`` of a one-character text; with ``ascii_only``, ``QuoteToASCII``:
    every character beyond ASCII escaped)."""
    out = [quote]
    for ch in text:
        code = ord(ch)
        if ch in quote + "\\":
            out.append("\\" + ch)
        elif ch in "\a\b\f\n\r\t\v":
            out.append("\\" + "abfnrtv"["\a\b\f\n\r\t\v".index(ch)])
        elif code < 0x20 or code == 0x7F:
            out.append(f"\\x{code:02x}")
        elif code > 0x7F and (ascii_only or not printable(ch)):
            out.append(f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}")
        else:
            out.append(ch)
    out.append(quote)
    return "".join(out)


def printable(ch: str) -> bool:
    """Return whether Go prints a character as itself (strconv.IsPrint, near enough)."""
    return unicodedata.category(ch)[0] not in ("C", "Z") or ch == " "
