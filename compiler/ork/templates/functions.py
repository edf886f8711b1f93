"""The function table of templates.md: Go's builtins, sprig's names, Orkestra's helpers.

Each entry is a plain Python function of positional arguments plus its arity. Argument
orders follow sprig (``default DEFAULT VALUE``, ``trimPrefix PREFIX STRING``, ``contains
SUBSTRING STRING``) so that pipelines read naturally: ``.x | default "y"``. Functions
raise :class:`~ork.templates.values.ExecError` for inputs they cannot handle; nothing
here can reach the file system, the network, the environment or the clock, except the
runtime-only functions at the end, which are never available at build time.

Deliberate choices where Go or sprig would surprise (also in docs/templates.md):
``split`` returns a list (sprig returns a ``_0``/``_1`` map); ``keys`` and ``values`` are
sorted by key; ``index`` of a missing map key, by a nil key or of nil is nil (a key of
another type than string is an error, as in Go); math keeps integers
integral and floats floating (sprig converts everything to int64). As in Go, ``len``,
``index`` and ``slice`` count a string in UTF-8 bytes.

No function returns text longer than MAX_OUTPUT: the ones that could build more (``join``,
``replace``, ``repeat``, ``quote``) refuse before building it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from . import k8s, signatures
from .printf import sprint, sprintf, sprintln
from .quoting import go_quote
from .values import (
    MAX_TEXT,
    ExecError,
    compare,
    equal,
    number,
    to_json,
    to_text,
    truth,
    type_name,
)

MAX_OUTPUT = MAX_TEXT  # no single function result may exceed 1 MiB of text


@dataclass(frozen=True)
class Function:
    """A template function: the callable and how many arguments it takes."""

    call: Callable[..., Any]
    min_args: int
    max_args: int | None  # None: any number


def _len(x: Any) -> int:
    if x is None:
        return 0
    if isinstance(x, str):
        return len(x.encode())  # Go: a string's length is its UTF-8 byte count
    if isinstance(x, list | tuple | dict):
        return len(x)
    raise ExecError(f"len of {type_name(x)}")


def _index(x: Any, *keys: Any) -> Any:
    for key in keys:
        if x is None:
            return None
        if isinstance(x, dict):
            if key is not None and not isinstance(key, str):  # Go: map keys are strings
                raise ExecError(f"index: value has type {type_name(key)}; should be string")
            x = x.get(to_text(key))
        elif isinstance(x, list | tuple | str):
            seq = x.encode() if isinstance(x, str) else x  # Go: a string's byte, as an int
            i = _int_arg(key, "index")
            if not 0 <= i < len(seq):
                raise ExecError(f"index out of range: {i}")
            x = seq[i]
        else:
            raise ExecError(f"can't index item of type {type_name(x)}")
    return x


def _slice(x: Any, *bounds: Any) -> Any:
    if not isinstance(x, str | list | tuple):
        raise ExecError(f"can't slice item of type {type_name(x)}")
    if isinstance(x, str) and len(bounds) > 2:
        raise ExecError("cannot 3-index slice a string")
    seq = x.encode() if isinstance(x, str) else x  # Go slices a string by bytes
    idx = [_int_arg(b, "slice") for b in bounds]
    start = idx[0] if idx else 0
    end = idx[1] if len(idx) > 1 else len(seq)
    cap = idx[2] if len(idx) > 2 else len(seq)
    if not 0 <= start <= end <= cap <= len(seq):
        raise ExecError(f"slice bounds out of range [{start}:{end}] with length {len(seq)}")
    if isinstance(seq, bytes):
        return seq[start:end].decode("utf-8", "replace")
    return list(seq[start:end])


def _int_arg(value: Any, fn: str) -> int:
    n = number(value)
    if n is None or int(n) != n:
        raise ExecError(f"{fn}: cannot use {to_text(value)!r} as an integer")
    return int(n)


def _default(default: Any, *given: Any) -> Any:
    value = given[0] if given else None
    return value if truth(value) else default


def _coalesce(*values: Any) -> Any:
    return next((v for v in values if truth(v)), None)


def _title(s: Any) -> str:
    """Go's ``strings.Title``: upper-case every character that follows a separator."""
    out, prev = [], " "
    for ch in to_text(s):
        out.append(ch.upper() if _separator(prev) else ch)
        prev = ch
    return "".join(out)


def _separator(ch: str) -> bool:
    """Go's rule: ASCII other than letters, digits and ``_``; beyond ASCII, spaces only."""
    if ch < "\x80":
        return not (ch.isalnum() or ch == "_")
    return not ch.isalnum() and ch.isspace()


def _trunc(n: Any, s: Any) -> str:
    text, count = to_text(s), _int_arg(n, "trunc")
    if count < 0:
        return text[max(len(text) + count, 0):]
    return text[:count]


def _repeat(n: Any, s: Any) -> str:
    text, count = to_text(s), _int_arg(n, "repeat")
    if count < 0:
        raise ExecError("repeat: negative count")
    _fits("repeat", count * len(text))
    return text * count


def _camel_to_kebab(s: Any) -> str:
    text = re.sub(r"([a-z0-9])([A-Z])", r"\1-\2", to_text(s))
    return re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1-\2", text).lower()


def _slugify(s: Any) -> str:
    return re.sub(r"[^a-z0-9]+", "-", to_text(s).lower()).strip("-")


def _nums(fn: str, values: tuple[Any, ...]) -> list[int | float]:
    out = []
    for v in values:
        n = number(v) if v is not None else 0
        if n is None:
            raise ExecError(f"{fn}: {to_text(v)!r} is not a number")
        out.append(n)
    return out


def _add(*values: Any) -> int | float:
    return sum(_nums("add", values))


def _sub(a: Any, b: Any) -> int | float:
    x, y = _nums("sub", (a, b))
    return x - y


def _mul(*values: Any) -> int | float:
    out: int | float = 1
    for n in _nums("mul", values):
        out *= n
    return out


def _div(a: Any, b: Any) -> int | float:
    x, y = _nums("div", (a, b))
    if y == 0:
        raise ExecError("div: division by zero")
    if isinstance(x, int) and isinstance(y, int):
        q = abs(x) // abs(y)  # Go truncates toward zero
        return q if (x >= 0) == (y >= 0) else -q
    return x / y


def _mod(a: Any, b: Any) -> int | float:
    x, y = _nums("mod", (a, b))
    if y == 0:
        raise ExecError("mod: division by zero")
    if isinstance(x, int) and isinstance(y, int):
        r = abs(x) % abs(y)
        return r if x >= 0 else -r
    return x - y * int(x / y)


def _to_int(v: Any) -> int:
    if isinstance(v, bool):
        return int(v)
    n = number(v)
    return int(n) if n is not None else 0


def _to_float(v: Any) -> float:
    if isinstance(v, bool):
        return float(v)
    n = number(v)
    return float(n) if n is not None else 0.0


def _to_bool(v: Any) -> bool:
    if isinstance(v, str):
        return v.strip().lower() in ("1", "t", "true", "yes", "y", "on")
    return truth(v)


def _from_json(s: Any) -> Any:
    text = to_text(s)
    try:
        value = json.loads(text)
    except ValueError:
        return None  # sprig's fromJson: invalid input gives an empty value
    return _no_surrogates(value) if re.search(_SURROGATE_ESCAPE, text) else value


# Kept as text: ``re`` compiles them when fromJson first runs, not in every build's start-up.
_SURROGATE_ESCAPE = r"\\u[dD][89a-fA-F]"
_SURROGATE = "[\ud800-\udfff]"


def _no_surrogates(value: Any) -> Any:
    """Replace the lone surrogates ``\\ud800`` leaves in Python's JSON strings by U+FFFD,
    as Go's decoder does: they cannot be written as UTF-8."""
    if isinstance(value, str):
        return re.sub(_SURROGATE, "\ufffd", value)
    if isinstance(value, list):
        return [_no_surrogates(v) for v in value]
    if isinstance(value, dict):
        return {_no_surrogates(k): _no_surrogates(v) for k, v in value.items()}
    return value


def _to_yaml(v: Any) -> str:
    from ..kinds.base import sort_keys
    from ..yamlout import dump

    to_json(v)  # the same size limit as JSON, before building anything bigger
    return dump(sort_keys(v)).removesuffix("\n")


def _b64dec(s: Any) -> str:
    try:
        return base64.b64decode(to_text(s), validate=True).decode("utf-8", "replace")
    except (binascii.Error, ValueError) as exc:
        raise ExecError(f"b64dec: {exc}") from exc


def _dict(*pairs: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for i in range(0, len(pairs), 2):
        out[to_text(pairs[i])] = pairs[i + 1] if i + 1 < len(pairs) else ""
    return out


def _mapping(fn: str, m: Any) -> dict[str, Any]:
    if m is None:
        return {}
    if not isinstance(m, dict):
        raise ExecError(f"{fn}: {type_name(m)} is not a map")
    return m


def _keys(*maps: Any) -> list[str]:
    return sorted({k for m in maps for k in _mapping("keys", m)})


def _values(m: Any) -> list[Any]:
    d = _mapping("values", m)
    return [d[k] for k in sorted(d)]


def _pick(m: Any, *keys: Any) -> dict[str, Any]:
    d = _mapping("pick", m)
    wanted = {to_text(k) for k in keys}
    return {k: v for k, v in d.items() if k in wanted}


def _omit(m: Any, *keys: Any) -> dict[str, Any]:
    d = _mapping("omit", m)
    unwanted = {to_text(k) for k in keys}
    return {k: v for k, v in d.items() if k not in unwanted}


def _seq(fn: str, v: Any) -> list[Any]:
    if v is None:
        return []
    if not isinstance(v, list | tuple):
        raise ExecError(f"{fn}: {type_name(v)} is not a list")
    return list(v)


def _first(v: Any) -> Any:
    items = _seq("first", v)
    return items[0] if items else None


def _last(v: Any) -> Any:
    items = _seq("last", v)
    return items[-1] if items else None


def _has(needle: Any, haystack: Any) -> bool:
    return any(equal(needle, x) for x in _seq("has", haystack))


def _join(sep: Any, v: Any) -> str:
    if isinstance(v, str):
        return v
    parts = [to_text(x) for x in _seq("join", v)]
    separator = to_text(sep)
    _fits("join", sum(map(len, parts)) + len(separator) * max(len(parts) - 1, 0))
    return separator.join(parts)


def _replace(old: Any, new: Any, s: Any) -> str:
    text, before, after = to_text(s), to_text(old), to_text(new)
    count = text.count(before) if before else len(text) + 1
    _fits("replace", len(text) + count * (len(after) - len(before)))
    return text.replace(before, after)


def _fits(fn: str, size: int) -> None:
    if size > MAX_OUTPUT:
        raise ExecError(f"{fn}: the result would be larger than {MAX_OUTPUT} characters")


def _split(sep: Any, s: Any) -> list[str]:
    text, separator = to_text(s), to_text(sep)
    return list(text) if separator == "" else text.split(separator)


def _quote(*values: Any) -> str:
    quoted = [go_quote(to_text(v)) for v in values if v is not None]
    _fits("quote", sum(len(q) + 1 for q in quoted))
    return " ".join(quoted)


def _squote(*values: Any) -> str:
    texts = [to_text(v) for v in values if v is not None]
    _fits("squote", sum(len(t) + 3 for t in texts))
    return " ".join(f"'{t}'" for t in texts)


def _eq(a: Any, *others: Any) -> bool:
    return any(equal(a, b) for b in others)


def _cmp(op: str) -> Callable[[Any, Any], bool]:
    return lambda a, b: compare(a, b, op)


def _min_max(fn: str, pick: Callable[..., Any]) -> Callable[..., Any]:
    return lambda *values: pick(_nums(fn, values))


def _s1(f: Callable[[str], Any]) -> Callable[[Any], Any]:
    return lambda s: f(to_text(s))


def _s2(f: Callable[[str, str], Any]) -> Callable[[Any, Any], Any]:
    """A sprig two-string function whose *last* argument is the subject."""
    return lambda a, s: f(to_text(s), to_text(a))


# What each function does, by name (its arity: ork.templates.signatures).
_CALLS: dict[str, Callable[..., Any]] = {
    # Go builtins (and/or are short-circuited by the translator).
    "and": lambda *a: a[-1], "or": lambda *a: a[-1],
    "not": lambda x: not truth(x), "len": _len,
    "index": _index, "slice": _slice,
    "print": sprint, "printf": sprintf,
    "println": sprintln,
    "eq": _eq, "ne": lambda a, b: not equal(a, b),
    "lt": _cmp("lt"), "le": _cmp("le"),
    "gt": _cmp("gt"), "ge": _cmp("ge"),
    # Conditional
    "default": _default, "empty": lambda x: not truth(x),
    "notEmpty": truth, "coalesce": _coalesce,
    "ternary": lambda a, b, c: a if truth(c) else b,
    # Strings
    "lower": _s1(str.lower), "upper": _s1(str.upper),
    "toLower": _s1(str.lower), "toUpper": _s1(str.upper),
    "title": _title, "trim": _s1(str.strip),
    "trimSpace": _s1(str.strip),
    "trimPrefix": _s2(str.removeprefix),
    "trimSuffix": _s2(str.removesuffix),
    "hasPrefix": _s2(str.startswith),
    "hasSuffix": _s2(str.endswith),
    "contains": _s2(lambda s, sub: sub in s),
    "replace": _replace,
    "split": _split, "join": _join,
    "repeat": _repeat, "quote": _quote,
    "squote": _squote, "trunc": _trunc,
    "camelToKebab": _camel_to_kebab, "slugify": _slugify,
    # Math
    "add": _add, "sub": _sub,
    "mul": _mul, "div": _div,
    "mod": _mod, "min": _min_max("min", min),
    "max": _min_max("max", max),
    "abs": lambda x: abs(_nums("abs", (x,))[0]),
    # Types
    "toString": to_text, "toInt": _to_int,
    "toFloat": _to_float, "toBool": _to_bool,
    "typeOf": type_name,
    # Data
    "toJson": to_json, "toJSON": to_json,
    "fromJson": _from_json, "toYaml": _to_yaml,
    "b64enc": _s1(lambda s: base64.b64encode(s.encode()).decode()),
    "toBase64": _s1(lambda s: base64.b64encode(s.encode()).decode()),
    "b64dec": _b64dec, "fromBase64": _b64dec,
    "sha256sum": _s1(lambda s: hashlib.sha256(s.encode()).hexdigest()),
    # Maps and lists
    "dict": _dict, "list": lambda *a: list(a),
    "keys": _keys, "values": _values,
    "hasKey": lambda m, k: to_text(k) in _mapping("hasKey", m),
    "pick": _pick, "omit": _omit,
    "first": _first, "last": _last,
    "has": _has,
    # Kubernetes helpers, and the runtime-only functions
    **k8s.HELPERS, **k8s.RUNTIME_ONLY,
}

DETERMINISTIC: dict[str, Function] = {
    name: Function(_CALLS[name], *arity) for name, arity in signatures.DETERMINISTIC.items()
}
RUNTIME_ONLY: dict[str, Function] = {
    name: Function(_CALLS[name], *arity) for name, arity in signatures.RUNTIME_ONLY.items()
}
NONDETERMINISTIC = signatures.NONDETERMINISTIC
ALL: dict[str, Function] = {**DETERMINISTIC, **RUNTIME_ONLY}
