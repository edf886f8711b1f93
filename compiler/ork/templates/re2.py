"""RE2 patterns (what Orkestra's Go runtime evaluates) run with Python's ``re``.

Most syntax means the same in both. This module rewrites what RE2 spells differently —
POSIX classes ``[[:alpha:]]``, ``\\z``, ``\\Q…\\E``, ``\\x{41}``, ``$`` (the end of the
text in RE2) and ``{,n}`` (text in RE2, a repetition in Python), and matches ``\\d \\w \\s``
as ASCII — and refuses what only one of them has: look-arounds,
back-references, conditionals, atomic groups, possessive quantifiers and ``\\Z`` (Python
only), Unicode classes ``\\pL`` and ``\\C`` (RE2 only, not available here). A refused
pattern is ``invalid-regex`` at build time.
"""

from __future__ import annotations

import functools
import re
import warnings

_POSIX = {
    "alnum": "0-9A-Za-z", "alpha": "A-Za-z", "ascii": "\\x00-\\x7f", "blank": "\\t ",
    "cntrl": "\\x00-\\x1f\\x7f", "digit": "0-9", "graph": "!-~", "lower": "a-z",
    "print": " -~", "punct": "!-/:-@\\[-`{-~", "space": "\\t\\n\\v\\f\\r ", "upper": "A-Z",
    "word": "0-9A-Za-z_", "xdigit": "0-9A-Fa-f",
}
_GROUPS_REFUSED = ("(?=", "(?!", "(?<=", "(?<!", "(?P=", "(?(", "(?>")
_NOT_RE2 = "is not RE2 syntax"
_UNSUPPORTED = "is not supported by ork's runtime"


class NotRE2(ValueError):
    """A pattern RE2 and Python would not read the same way."""


@functools.lru_cache(maxsize=1024)
def compiled(pattern: str) -> re.Pattern[str]:
    """Return an RE2 pattern compiled for Python's ``re``.

    Raises:
        NotRE2: syntax the two engines do not share.
        re.error: a malformed pattern.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)  # "[[" is a literal "[" in both
        # ASCII: RE2's \d \w \s \b are ASCII classes, Python's are Unicode ones.
        return re.compile(_translate(pattern), re.ASCII)


def _translate(p: str) -> str:
    out: list[str] = []
    i = 0
    multiline = re.search(r"\(\?[imsU]*m", p) is not None
    while i < len(p):
        if p[i] == "\\":
            text, i = _escape(p, i, in_class=False)
        elif p[i] == "[":
            text, i = _class(p, i)
        elif p.startswith("(?", i):
            text, i = _group(p, i)
        else:
            text, i = _plain(p, i, multiline)
        out.append(text)
    return "".join(out)


def _escape(p: str, i: int, *, in_class: bool) -> tuple[str, int]:
    """One escape at ``p[i]``: rewritten, refused, or kept."""
    nxt = p[i + 1:i + 2]
    if nxt == "Q" and not in_class:
        end = p.find("\\E", i + 2)
        end = len(p) if end == -1 else end
        return re.escape(p[i + 2:end]), min(end + 2, len(p))
    if nxt == "z":
        return "\\Z", i + 2
    if nxt == "x" and p.startswith("{", i + 2):
        m = re.compile(r"\{([0-9A-Fa-f]{1,6})\}").match(p, i + 2)
        if m:
            return f"\\U{int(m.group(1), 16):08x}", m.end()
    if nxt == "Z":
        raise NotRE2(f"'\\Z' {_NOT_RE2} (write \\z for the end of the text)")
    if nxt.isdigit() and nxt != "0" and not in_class:
        raise NotRE2(f"'\\{nxt}' {_NOT_RE2} (back-references are not supported)")
    if nxt in ("C", "p", "P"):
        raise NotRE2(f"'\\{nxt}' (Unicode classes, single bytes) {_UNSUPPORTED}")
    return p[i:i + 2], i + 2


def _class(p: str, i: int) -> tuple[str, int]:
    """A bracketed class from ``p[i] == "["``, with POSIX classes written out."""
    out = ["["]
    j = i + 1
    if p.startswith("^", j):
        out.append("^")
        j += 1
    if p.startswith("]", j):  # a leading ] is a literal
        out.append("\\]")
        j += 1
    posix = re.compile(r"\[:(\^?)(\w+):\]")
    while j < len(p) and p[j] != "]":
        m = posix.match(p, j)
        if m:
            if m.group(2) not in _POSIX:
                raise NotRE2(f"{m.group()!r} is not a POSIX class")
            if m.group(1):
                raise NotRE2(f"{m.group()!r} (a negated POSIX class) {_UNSUPPORTED}")
            out.append(_POSIX[m.group(2)])
            j = m.end()
        elif p[j] == "\\":
            text, j = _escape(p, j, in_class=True)
            out.append(text)
        else:
            out.append(p[j])
            j += 1
    return "".join(out) + p[j:j + 1], j + 1


def _group(p: str, i: int) -> tuple[str, int]:
    refused = next((g for g in _GROUPS_REFUSED if p.startswith(g, i)), None)
    if refused:
        raise NotRE2(f"{refused!r} {_NOT_RE2} (look-arounds, back-references, conditionals "
                     "and atomic groups are not supported)")
    return "(?", i + 2


def _plain(p: str, i: int, multiline: bool) -> tuple[str, int]:
    if p[i] == "$" and not multiline:
        return "\\Z", i + 1  # RE2's $ is the end of the text; Python's also before a last \n
    if p[i] in "*+?}" and p.startswith("+", i + 1):
        raise NotRE2(f"{p[i:i + 2]!r} {_NOT_RE2} (possessive quantifiers are not supported)")
    m = re.compile(r"\{,\d*\}").match(p, i)
    if m:
        return re.escape(m.group()), m.end()  # RE2 reads {,n} as text; Python as {0,n}
    return p[i], i + 1
