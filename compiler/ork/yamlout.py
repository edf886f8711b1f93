"""The one YAML emitter: JSON-native values to block-style YAML, byte-for-byte stable.

Written here rather than delegated to PyYAML so that bundle bytes cannot depend on which
PyYAML or libyaml build a machine has. Style (bundle-and-lock.md): block style, two-space
indent (sequences indented under their key), no line folding, multi-line strings as ``|``
literals, and strings quoted (double quotes) only when YAML would otherwise read them as
something else. A property test checks that PyYAML reads back exactly what was written.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

_INDICATORS = set("-?:,[]{}#&*!|>'\"%@`")
# YAML 1.1 implicit types (PyYAML, Go yaml.v2) and 1.2 ones: such plain scalars are not
# strings, so strings that look like them get quotes.
_NOT_STRING = re.compile(
    r"""^(?:
      ~|null|Null|NULL
    | y|Y|n|N|yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF
    | [-+]?0b[0-1_]+ | [-+]?0o?[0-7_]+ | [-+]?(?:0|[1-9][0-9_]*) | [-+]?0x[0-9a-fA-F_]+
    | [-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+
    | [-+]?(?:[0-9][0-9_]*)?\.[0-9_]*(?:[eE][-+]?[0-9]+)? | [-+]?[0-9][0-9_]*(?:[eE][-+]?[0-9]+)
    | [-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*
    | [-+]?\.(?:inf|Inf|INF) | \.(?:nan|NaN|NAN)
    | [0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:(?:[Tt]|[ \t]+)[0-9].*)?
    | <<|=
    )$""",
    re.VERBOSE,
)
_UNPRINTABLE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\ufeff\u2028\u2029\ud800-\udfff\ufffe\uffff]")
_PRINTABLE_ASCII = bytes(range(0x20, 0x7F)) + b"\t\n"


def _unprintable(text: str) -> bool:
    """Return whether a string holds a character ``_UNPRINTABLE`` matches. A long ASCII
    string (the ``katalog.yaml`` a bundle carries) is checked by deleting its printable
    bytes, four times faster than the regular expression."""
    if len(text) > 256 and text.isascii():
        return bool(text.encode("ascii").translate(None, _PRINTABLE_ASCII))
    return _UNPRINTABLE.search(text) is not None


# A line of only spaces and tabs cannot stand in a literal block: the blanks are indentation.
_BLANK_WITH_SPACES = re.compile(r"^[ \t]+$", re.MULTILINE)
# Searched for rather than tested with ``in``: the regular expression finds a newline by
# memchr, three times faster than ``str.__contains__`` in a text of short lines.
_EMPTY_LINE = re.compile("\n\n")
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r", "\0": "\\0"}


def dump(value: Any) -> str:
    """Return one YAML document (no ``---`` marker), ending in a newline."""
    lines: list[str] = []
    _node(value, 0, lines)
    lines.append("")  # the final newline, without copying the document once more
    return "\n".join(lines)


@dataclass(frozen=True)
class Emitted:
    """The entries of a mapping, already emitted by :func:`entries`. As the value of a key
    they are indented into place, never emitted again (render reuses them per CRD)."""

    text: str


@dataclass(frozen=True)
class Dumped:
    """A document :func:`dump` returned, as a string value. It is emitted as the literal
    block any multi-line string is, without scanning it again for what would keep it from
    being one: dump's output has only printable characters, no carriage return and no
    line of only blanks (render places the 550 kB ``katalog.yaml`` of a big platform)."""

    text: str


def entries(mapping: dict[str, Any]) -> str:
    """Return a mapping's entries at indent 0, without a final newline, for :class:`Emitted`
    (``Emitted("\\n".join(parts))`` joins the entries of several mappings, in order)."""
    lines: list[str] = []
    _node(mapping, 0, lines)
    return "\n".join(lines) if mapping else ""


def dump_all(documents: list[Any]) -> str:
    """Return a YAML stream where every document starts with ``---``."""
    lines: list[str] = []
    for document in documents:  # one join: a bundle's documents are not copied twice more
        lines.append("---")
        _node(document, 0, lines)
    lines.append("")
    return "\n".join(lines)


def _node(value: Any, indent: int, out: list[str]) -> None:
    pad = " " * indent
    if isinstance(value, dict) and value:
        for key, item in value.items():
            _entry(pad + _key(key) + ":", item, indent, out)
    elif isinstance(value, list) and value:
        for item in value:
            _item(pad, item, indent, out)
    else:
        out.append(pad + _inline(value, indent))


def _entry(head: str, value: Any, indent: int, out: list[str]) -> None:
    if isinstance(value, Emitted):
        if not value.text:
            out.append(head + " {}")
            return
        out.append(head)
        out.append(_indented(value.text, " " * (indent + 2)))
    elif isinstance(value, dict | list) and value:
        out.append(head)
        _node(value, indent + 2, out)
    elif isinstance(value, Dumped) or (isinstance(value, str) and _is_block(value)):
        text = value.text if isinstance(value, Dumped) else value
        out.append(head + " " + _block_header(text))
        _block_body(text, indent + 2, out)
    else:
        out.append(head + " " + _inline(value, indent))


def _item(pad: str, value: Any, indent: int, out: list[str]) -> None:
    if (isinstance(value, dict) and value) or (isinstance(value, list) and value):
        start = len(out)
        _node(value, indent + 2, out)
        out[start] = pad + "- " + out[start][indent + 2:]
    elif isinstance(value, Dumped) or (isinstance(value, str) and _is_block(value)):
        text = value.text if isinstance(value, Dumped) else value
        out.append(pad + "- " + _block_header(text))
        _block_body(text, indent + 2, out)
    else:
        out.append(pad + "- " + _inline(value, indent))


def _inline(value: Any, indent: int) -> str:
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _float(value)
    if isinstance(value, str):
        return _scalar(value)
    if isinstance(value, dict):
        return "{}"
    if isinstance(value, list | tuple):
        return "[]"
    raise TypeError(f"cannot emit {type(value).__name__} as YAML")


def _float(value: float) -> str:
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError("NaN and infinities are not emitted")
    text = repr(value)
    if "e" in text and "." not in text.split("e")[0]:
        mantissa, exp = text.split("e")
        text = f"{mantissa}.0e{exp}"
    return text


def _key(key: str) -> str:
    if "\n" in key:
        return _quoted(key)
    return _scalar(key)


@functools.lru_cache(maxsize=65536)
def _scalar(text: str) -> str:
    # Cached: keys and template strings repeat across every CRD of a bundle.
    return text if _plain_ok(text) else _quoted(text)


def _plain_ok(text: str) -> bool:
    if not text or text[0] in " \t" or text[-1] in " \t:" or _unprintable(text):
        return False
    if "\n" in text or "\r" in text or "\t" in text:
        return False
    first = text[0]
    if first in _INDICATORS and not (first in "-?:" and len(text) > 1 and text[1] not in " \t"
                                     and text[1] not in ",[]{}"):
        return False
    if ": " in text or " #" in text or text.startswith("---") or text.startswith("..."):
        return False
    return not _NOT_STRING.match(text)


def _quoted(text: str) -> str:
    out = []
    for ch in text:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif _UNPRINTABLE.match(ch):
            code = ord(ch)
            out.append(f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _is_block(text: str) -> bool:
    """Multi-line strings become literal blocks when every character can stand in one."""
    if "\n" not in text or "\r" in text or _unprintable(text):
        return False
    body = text.rstrip("\n")
    if not body:
        return False  # only newlines: a quoted string is clearer
    if " \n" not in body and "\t\n" not in body and not body.endswith((" ", "\t")):
        return True  # no line ends in a blank, so none is only blanks (a fast, exact test)
    return _BLANK_WITH_SPACES.search(body) is None


def _block_header(text: str) -> str:
    trailing = len(text) - len(text.rstrip("\n"))
    chomp = "-" if trailing == 0 else ("" if trailing == 1 else "+")
    first = text.lstrip("\n")  # the first line that is not empty starts it
    indicator = "2" if first[0] in " \t" else ""
    return "|" + indicator + chomp


def _block_body(text: str, indent: int, out: list[str]) -> None:
    body = text.rstrip("\n")
    out.append(_indented(body, " " * indent))
    out.extend("" for _ in range(len(text) - len(body) - 1))


def _indented(text: str, pad: str) -> str:
    """Return ``text`` with ``pad`` before every line that is not empty. Whole-text string
    operations rather than a loop over the lines: a big bundle has 16,000 of them."""
    if not text or not pad:
        return text
    out = pad + text.replace("\n", "\n" + pad)
    if _EMPTY_LINE.search(text):
        padded, empty = "\n" + pad + "\n", "\n\n"
        while len(fixed := out.replace(padded, empty)) < len(out):
            out = fixed  # a pass empties every other line of a run of empty lines
    if text.startswith("\n"):
        out = out[len(pad):]
    return out[:-len(pad)] if text.endswith("\n") else out
