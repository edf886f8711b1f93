"""Go's ``fmt.Sprintf``, ``Sprint`` and ``Sprintln`` for the values templates hold.

``sprintf`` follows Go's fmt: the verbs ``v T t d b o O x X c q U e E f F g G s %``, the
flags ``+ - # 0 space``, a width and a precision (either may be ``*``: taken from the next
argument), and explicit argument indexes (``%[2]d``, ``%[2]*[1]d``). As in Go, a verb
that does not fit its argument prints ``%!d(string=x)`` rather than failing; a missing
argument prints ``%!d(MISSING)``, extra ones ``%!(EXTRA type=value)``, a bad index
``%!d(BADINDEX)``, a ``*`` that is no integer ``%!(BADWIDTH)`` or ``%!(BADPREC)``, and a
``%`` without a verb ``%!(NOVERB)``.

ork's choices (docs/templates.md): nil prints as the empty string; lists and maps print
as compact JSON (``%#v`` shows them in Go syntax); an integer fits ``%e %f %g`` as if it
were a float. A width or precision above MAX_WIDTH is an execution error.
"""

from __future__ import annotations

import math
import struct
from dataclasses import dataclass
from typing import Any

from .quoting import go_quote, printable
from .values import MAX_TEXT, ExecError, go_float, to_json, to_text, type_name

MAX_WIDTH = 4096  # a width or precision like %999999d would allocate megabytes
_TOO_LARGE = 1_000_000  # Go's fmt: a width or precision beyond this is no number
_MASK64 = (1 << 64) - 1
_FLAGS = {"#": "sharp", "0": "zero", "+": "plus", "-": "minus", " ": "space"}


@dataclass
class _Spec:
    """One directive's flags, width and precision (Go's fmtFlags, wid and prec)."""

    sharp: bool = False
    zero: bool = False
    plus: bool = False
    minus: bool = False
    space: bool = False
    sharp_v: bool = False  # %#v: Go syntax
    width: int | None = None
    prec: int | None = None


def sprintf(fmt: str, *args: Any) -> str:
    """Return Go's ``fmt.Sprintf(fmt, args...)``.

    Raises:
        ExecError: for a width or precision above MAX_WIDTH, or a result above MAX_TEXT.
    """
    return _Printer(fmt, args).run()


class _Printer:
    """Go's ``doPrintf``: scans the format once, consuming arguments as directives ask."""

    def __init__(self, fmt: str, args: tuple[Any, ...]) -> None:
        self.fmt, self.args = fmt, args
        self.i = self.arg_num = self.size = 0
        self.reordered = False  # an explicit index was used: extra arguments are fine
        self.good = True  # the last explicit index was valid
        self.out: list[str] = []

    def emit(self, text: str) -> None:
        self.size += len(text)
        if self.size > MAX_TEXT:
            raise ExecError(f"printf: the result would be larger than {MAX_TEXT} characters")
        self.out.append(text)

    def run(self) -> str:
        fmt = self.fmt
        while self.i < len(fmt):
            start = self.i
            self.i = fmt.find("%", start)
            if self.i < 0:
                self.emit(fmt[start:])
                break
            self.emit(fmt[start:self.i])
            self.i += 1
            if not self.directive():
                break
        if not self.reordered and self.arg_num < len(self.args):
            self.emit("%!(EXTRA " + ", ".join(map(_typed, self.args[self.arg_num:])) + ")")
        return "".join(self.out)

    def directive(self) -> bool:
        """Format the directive after a ``%``; False when the format ends without a verb."""
        spec = self.sizes(self.flags())
        if self.i >= len(self.fmt):
            self.emit("%!(NOVERB)")
            return False
        verb = self.fmt[self.i]
        self.i += 1
        spec.zero = spec.zero and not spec.minus  # zero padding only on the left
        if verb == "%":  # consumes no argument; ignores width and precision
            self.emit("%")
        elif not self.good:
            self.emit(f"%!{verb}(BADINDEX)")
        elif self.arg_num >= len(self.args):
            self.emit(f"%!{verb}(MISSING)")
        else:
            if max(spec.width or 0, spec.prec or 0) > MAX_WIDTH:
                raise ExecError(f"printf: a width or precision is larger than {MAX_WIDTH}")
            if verb == "v":  # %#v is Go syntax; %+v only names struct fields in Go
                spec.sharp_v, spec.sharp, spec.plus = spec.sharp, False, False
            self.emit(_format(self.args[self.arg_num], verb, spec))
            self.arg_num += 1
        return True

    def flags(self) -> _Spec:
        spec = _Spec()
        self.good = True
        while self.i < len(self.fmt) and self.fmt[self.i] in _FLAGS:
            setattr(spec, _FLAGS[self.fmt[self.i]], True)
            self.i += 1
        return spec

    def sizes(self, spec: _Spec) -> _Spec:
        """Read ``[n]``, the width and ``.precision`` (each may be ``*``) before the verb."""
        fmt, end = self.fmt, len(self.fmt)
        after_index = self.index()
        if self.i < end and fmt[self.i] == "*":
            self.i += 1
            spec.width = self.star("%!(BADWIDTH)")
            if spec.width is not None and spec.width < 0:  # Go: a negative width pads right
                spec.width, spec.minus = -spec.width, True
            after_index = False
        else:
            spec.width = self.number()
            if after_index and spec.width is not None:  # "%[3]2d"
                self.good = False
        if self.i + 1 < end and fmt[self.i] == ".":
            self.i += 1
            if after_index:  # "%[3].2d"
                self.good = False
            after_index = self.index()
            if self.i < end and fmt[self.i] == "*":
                self.i += 1
                spec.prec = self.star("%!(BADPREC)", negative=False)
                after_index = False
            else:
                spec.prec = self.number() or 0  # "%.f": precision 0
        if not after_index:
            self.index()
        return spec

    def index(self) -> bool:
        """Read an explicit argument index ``[n]`` at the cursor, if any; True if read."""
        if self.i >= len(self.fmt) or self.fmt[self.i] != "[":
            return False
        self.reordered = True
        index, width, ok = _arg_index(self.fmt, self.i)
        self.i += width
        if ok and 0 <= index < len(self.args):
            self.arg_num = index
            return True
        self.good = False
        return ok

    def number(self) -> int | None:
        num, self.i = _number(self.fmt, self.i, len(self.fmt))
        return num

    def star(self, bad: str, *, negative: bool = True) -> int | None:
        """Take a ``*`` width or precision from the next argument (an int up to 10⁶)."""
        arg = self.args[self.arg_num] if self.arg_num < len(self.args) else None
        if self.arg_num < len(self.args):
            self.arg_num += 1
        if (not isinstance(arg, int) or isinstance(arg, bool) or abs(arg) > _TOO_LARGE
                or (arg < 0 and not negative)):
            self.emit(bad)
            return None
        return arg


def _number(s: str, start: int, end: int) -> tuple[int | None, int]:
    """Go's ``parsenum``: ASCII digits at ``start``, or None; an absurdly long number
    is no number and consumes the rest (so the directive has no verb)."""
    num, i = 0, start
    while i < end and "0" <= s[i] <= "9":
        if num > _TOO_LARGE:
            return None, end
        num = num * 10 + ord(s[i]) - 48
        i += 1
    return (num if i > start else None), i


def _arg_index(fmt: str, start: int) -> tuple[int, int, bool]:
    """Go's ``parseArgNumber`` of ``[n]`` at ``start``: the 0-based index, the characters
    it takes, and whether it is well formed."""
    close = fmt.find("]", start + 1) if len(fmt) - start >= 3 else -1
    if close < 0:
        return 0, 1, False
    num, i = _number(fmt, start + 1, close)
    if num is None or i != close:
        return 0, close - start + 1, False
    return num - 1, close - start + 1, True


def _format(arg: Any, verb: str, spec: _Spec) -> str:
    """Go's ``printArg``: one argument by one verb."""
    if arg is None:
        if verb == "T":
            return _pad("<nil>", spec)
        return _pad("", spec) if verb == "v" else f"%!{verb}(<nil>)"  # ork: nil is ""
    if verb == "T":
        return _pad(_truncate(type_name(arg), spec), spec)
    if isinstance(arg, bool):
        return _pad(to_text(arg), spec) if verb in "tv" else _bad(verb, arg, spec)
    if isinstance(arg, int):
        if verb in "eEfFgG":  # ork: a YAML integer formats as a float
            return _float(float(arg), verb, spec)
        return _integer(arg, verb, spec)
    if isinstance(arg, float):
        return _float(arg, verb, spec)
    if isinstance(arg, str):
        return _string(arg, verb, spec)
    return _collection(arg, verb, spec)


def _collection(value: Any, verb: str, spec: _Spec) -> str:
    """A list or map: ork prints compact JSON; ``%#v`` is Go syntax."""
    if not isinstance(value, list | tuple | dict):
        return _bad(verb, value, spec)
    if verb == "v" and spec.sharp_v:
        out: list[str] = []
        _go_syntax(value, spec, out, [0])
        return "".join(out)
    return _pad(to_json(value), spec) if verb in "vs" else _bad(verb, value, spec)


def _bad(verb: str, arg: Any, spec: _Spec) -> str:
    """Go's ``%!verb(type=value)``: the value printed by %v with the directive's flags."""
    return f"%!{verb}({type_name(arg)}={_format(arg, 'v', spec)})"


def _typed(arg: Any) -> str:
    """How Go shows an extra argument in ``%!(EXTRA …)``: ``int=5``, ``<nil>``."""
    return "<nil>" if arg is None else f"{type_name(arg)}={_format(arg, 'v', _Spec())}"


def _pad(text: str, spec: _Spec, *, zero: bool = True) -> str:
    """Pad to the width, on the right for ``-``, with zeros for ``0`` where allowed."""
    fill = (spec.width or 0) - len(text)
    if fill <= 0:
        return text
    if spec.minus:
        return text + " " * fill
    return ("0" if zero and spec.zero else " ") * fill + text


def _truncate(text: str, spec: _Spec) -> str:
    return text if spec.prec is None else text[:spec.prec]


def _integer(value: int, verb: str, spec: _Spec) -> str:
    if verb in "vd":
        return _digits(value, 10, verb, spec)
    if verb in "boOxX":
        return _digits(value, {"b": 2, "o": 8, "O": 8, "x": 16, "X": 16}[verb], verb, spec)
    if verb == "c":
        return _pad(_rune(value), spec)
    if verb == "q":
        return _pad(go_quote(_rune(value), "'", ascii_only=spec.plus), spec)
    if verb == "U":
        return _unicode(value, spec)
    return _bad(verb, value, spec)


def _digits(value: int, base: int, verb: str, spec: _Spec) -> str:
    """Go's ``fmtInteger``: precision or the ``0`` flag give leading zeros; ``#`` a base
    prefix; the sign goes first."""
    negative, u = value < 0, abs(value)
    prec = 0
    if spec.prec is not None:
        prec = spec.prec
        if prec == 0 and u == 0:  # Go: %.0d of 0 prints nothing but its padding
            return " " * (spec.width or 0)
    elif spec.zero and spec.width is not None:
        prec = spec.width - (1 if negative or spec.plus or spec.space else 0)
    text = format(u, {2: "b", 8: "o", 10: "d", 16: "X" if verb == "X" else "x"}[base])
    text = text.rjust(prec, "0")
    if spec.sharp:
        if base == 2:
            text = "0b" + text
        elif base == 8 and text[0] != "0":
            text = "0" + text
        elif base == 16:
            text = ("0X" if verb == "X" else "0x") + text
    if verb == "O":
        text = "0o" + text
    sign = "-" if negative else ("+" if spec.plus else (" " if spec.space else ""))
    return _pad(sign + text, spec, zero=False)


def _unicode(value: int, spec: _Spec) -> str:
    """Go's ``%U``: ``U+0041``; with ``#`` also the character if printable, ``U+0041 'A'``."""
    u = value & _MASK64
    prec = spec.prec if spec.prec is not None and spec.prec > 4 else 4
    text = "U+" + format(u, "X").rjust(prec, "0")
    if spec.sharp and u <= 0x10FFFF and printable(chr(u)):
        text += f" '{chr(u)}'"
    return _pad(text, spec, zero=False)


def _rune(code: int) -> str:
    """Return the character of a code point as Go prints a rune: U+FFFD when it is not a
    valid one (negative, beyond U+10FFFF, or a UTF-16 surrogate, which cannot be written
    as UTF-8)."""
    valid = 0 <= code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF
    return chr(code) if valid else "\ufffd"


def _string(text: str, verb: str, spec: _Spec) -> str:
    if verb == "q" or (verb == "v" and spec.sharp_v):
        text = _truncate(text, spec)
        if spec.sharp and _can_backquote(text):
            return _pad("`" + text + "`", spec)
        return _pad(go_quote(text, ascii_only=spec.plus), spec)
    if verb in "vs":
        return _pad(_truncate(text, spec), spec)
    if verb in "xX":
        return _hex_bytes(text.encode(), verb, spec)
    return _bad(verb, text, spec)


def _can_backquote(text: str) -> bool:
    """Go's ``strconv.CanBackquote``: no control character but tab, no backquote, no BOM."""
    return not any((c < " " and c != "\t") or c in "`\x7f\ufeff" for c in text)


def _hex_bytes(data: bytes, verb: str, spec: _Spec) -> str:
    """Go's ``%x`` of a string: two digits a byte; ``% x`` spaces them, ``#`` adds 0x; the
    precision counts bytes."""
    if spec.prec is not None:
        data = data[:spec.prec]
    if not data:
        return _pad("", spec)
    prefix = ("0X" if verb == "X" else "0x") if spec.sharp else ""
    pairs = [format(b, "02X" if verb == "X" else "02x") for b in data]
    text = " ".join(prefix + p for p in pairs) if spec.space else prefix + "".join(pairs)
    return _pad(text, spec)


_FLOAT_VERBS = {"v": ("g", -1), "b": ("b", -1), "g": ("g", -1), "G": ("G", -1),
                "x": ("x", -1), "X": ("X", -1), "e": ("e", 6), "E": ("E", 6), "f": ("f", 6),
                "F": ("f", 6)}  # verb: strconv's format and the default precision


def _float(value: float, verb: str, spec: _Spec) -> str:
    """Go's ``fmtFloat``: strconv's digits, then sign, ``#`` and padding rules."""
    if verb not in _FLOAT_VERBS:
        return _bad(verb, value, spec)
    verb, prec = _FLOAT_VERBS[verb]
    if spec.prec is not None:
        prec = spec.prec
    num = _strconv(value, verb, prec)
    if num[0] not in "+-":
        num = "+" + num
    if spec.space and num[0] == "+" and not spec.plus:
        num = " " + num[1:]
    if num[1] in "IN":  # infinities and NaN get no zero padding, NaN no sign unasked
        if num[1] == "N" and not spec.space and not spec.plus:
            num = num[1:]
        return _pad(num, spec, zero=False)
    if spec.sharp and verb != "b":
        num = _alternate(num, verb, prec)
    if spec.plus or num[0] != "+":
        if spec.zero and spec.width and spec.width > len(num):  # the sign before the zeros
            return num[0] + "0" * (spec.width - len(num)) + num[1:]
        return _pad(num, spec)
    return _pad(num[1:], spec)


def _strconv(value: float, verb: str, prec: int) -> str:
    """``strconv.FormatFloat(value, verb, prec, 64)``; prec -1 is the shortest form."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    if verb == "b":
        return _float_binary(value)
    if verb in "xX":
        return _float_hex(value, verb, prec)
    if prec < 0:  # only %g and %G have no default precision
        text = go_float(value)
        return text.upper() if verb == "G" else text
    return format(value, f".{prec}{verb}")  # Python's e/f/g round and trim as Go does


def _bits(value: float) -> tuple[bool, int, int]:
    """Return a float64's sign, unbiased binary exponent and 53-bit mantissa (value =
    mantissa × 2^(exponent-52))."""
    bits = struct.unpack(">Q", struct.pack(">d", value))[0]
    exp, mant = (bits >> 52) & 0x7FF, bits & ((1 << 52) - 1)
    if exp == 0:
        exp = 1  # denormal
    else:
        mant |= 1 << 52
    return bool(bits >> 63), exp - 1023, mant


def _float_binary(value: float) -> str:
    """strconv's ``%b``: ``4503599627370496p-52`` for 1."""
    negative, exp, mant = _bits(value)
    exp -= 52
    return ("-" if negative else "") + f"{mant}p{'+' if exp >= 0 else '-'}{abs(exp)}"


def _float_hex(value: float, verb: str, prec: int) -> str:
    """strconv's ``%x``: ``0x1.8p+01`` for 3; a precision rounds the hex digits (half to
    even)."""
    negative, exp, mant = _bits(value)
    if mant == 0:
        exp = 0
    mant <<= 60 - 52  # the leading 1 at bit 60
    while mant and not mant & (1 << 60):
        mant <<= 1
        exp -= 1
    if 0 <= prec < 15:
        shift = prec * 4
        extra = (mant << shift) & ((1 << 60) - 1)
        mant >>= 60 - shift
        if extra | (mant & 1) > 1 << 59:
            mant += 1
        mant <<= 60 - shift
        if mant & (1 << 61):  # rounding carried into a new leading digit
            mant >>= 1
            exp += 1
    digits = "0123456789ABCDEF" if verb == "X" else "0123456789abcdef"
    out = ["-" if negative else "", "0", verb, str((mant >> 60) & 1)]
    mant = (mant << 4) & _MASK64
    if (prec < 0 and mant) or prec > 0:
        out.append(".")
        count = prec if prec > 0 else 16
        for _ in range(count):
            if prec < 0 and not mant:
                break
            out.append(digits[(mant >> 60) & 15])
            mant = (mant << 4) & _MASK64
    out.append(f"{'P' if verb == 'X' else 'p'}{'-' if exp < 0 else '+'}{abs(exp):02d}")
    return "".join(out)


def _alternate(num: str, verb: str, prec: int) -> str:
    """Go's ``#`` on a float (``num`` has its sign first): always a decimal point, and for
    %g the trailing zeros up to the precision (6 by default)."""
    digits = (6 if prec == -1 else prec) if verb in "gGx" else 0
    body, tail, point, seen = num, "", False, False
    for i in range(1, len(num)):
        c = num[i]
        if c == ".":
            point = True
        elif c in "pP" or (c in "eE" and verb not in "xX"):
            body, tail = num[:i], num[i:]
            break
        else:
            seen = seen or c != "0"
            if seen:  # significant digits count from the first non-zero one
                digits -= 1
    if not point:
        if body[1:] == "0":
            digits -= 1  # a lone leading 0 counts once
        body += "."
    return body + "0" * max(digits, 0) + tail


def _go_syntax(value: Any, spec: _Spec, out: list[str], size: list[int]) -> None:
    """Go's ``%#v`` of a list or map: ``[]interface {}{1, "a"}``,
    ``map[string]interface {}{"k":true}`` (keys sorted); nil inside is
    ``interface {}(nil)``.

    Raises:
        ExecError: when the text would exceed MAX_TEXT characters.
    """
    if isinstance(value, dict):
        out.append("map[string]interface {}{")
        for i, key in enumerate(sorted(value, key=str)):
            out.append((", " if i else "") + _format(str(key), "v", spec) + ":")
            _go_syntax(value[key], spec, out, size)
        out.append("}")
    elif isinstance(value, list | tuple):
        out.append("[]interface {}{")
        for i, item in enumerate(value):
            if i:
                out.append(", ")
            _go_syntax(item, spec, out, size)
        out.append("}")
    else:
        out.append("interface {}(nil)" if value is None else _format(value, "v", spec))
    size[0] += len(out[-1]) + 2
    if size[0] > MAX_TEXT:
        raise ExecError(f"printf: the result would be larger than {MAX_TEXT} characters")


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
