"""The one YAML reader: plain values plus a span for every value and key.

This is the only module that imports PyYAML's loader. It composes nodes with libyaml
(when available) and constructs JSON-native values itself, so that it can:

* refuse duplicate keys instead of letting the last one win;
* bound alias expansion and nesting depth (``yaml-too-complex``);
* keep timestamps and other non-JSON scalars as strings (artifacts are JSON);
* refuse non-string mapping keys, which JSON and Kubernetes cannot carry;
* record where every value came from, keyed by its path in the document.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import yaml

from .errors import InputError, Note, PathPart, Span

MAX_DEPTH = 64
DEFAULT_MAX_FILE_SIZE = 8 * 1024 * 1024

try:  # libyaml is an order of magnitude faster; the pure loader gives the same values.
    _Loader: type[yaml.SafeLoader] = yaml.CSafeLoader  # type: ignore[assignment]
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Loader = yaml.SafeLoader

_STR = "tag:yaml.org,2002:str"
_MERGE = "tag:yaml.org,2002:merge"
_CONSTRUCT = yaml.SafeLoader("")  # only used for its scalar constructors, never to parse


# One entry per value: (line, col, end_line, end_col, key_line, key_col, key_end_col, style).
# Lines and columns are 1-based. key_* are 0 for values that are not mapping values.
SpanEntry = tuple[int, int, int, int, int, int, int, str]


@dataclass(frozen=True)
class Document:
    """One YAML document: its value, its index in the file, and its span index."""

    index: int
    value: Any
    spans: dict[tuple[PathPart, ...], SpanEntry] = field(repr=False)


def span_of(path: str, entry: SpanEntry, *, key: bool = False) -> Span:
    """Return the Span of a value (or of its mapping key) from its span-index entry."""
    line, col, end_line, end_col, kline, kcol, kend, _ = entry
    if key and kline:
        return Span(path, kline, kcol, kline, kend)
    return Span(path, line, col, end_line, end_col)


def load(data: bytes, path: str, *, max_size: int = DEFAULT_MAX_FILE_SIZE) -> list[Document]:
    """Return the non-empty documents of a YAML stream, with spans.

    Raises:
        InputError: file-too-large, not-utf8, yaml-syntax, duplicate-key,
            yaml-too-complex or unsupported-yaml.
    """
    if len(data) > max_size:
        raise InputError(
            "file-too-large",
            f"{path} is {len(data):,} bytes, over the limit of {max_size:,}",
            span=Span(path, 1, 1, 1, 1),
            hint="raise the limit with --max-file-size if this file is really meant to be this big",
        )
    text = decode(data, path)
    docs: list[Document] = []
    try:
        for index, node in enumerate(_compose_all(text)):
            if node is None:
                continue
            builder = _Builder(path, node)
            value = builder.build(node, (), 0)
            if value is None:
                continue
            docs.append(Document(index, value, builder.spans))
    except yaml.MarkedYAMLError as exc:
        raise _syntax_error(exc, path, text) from exc
    except yaml.YAMLError as exc:  # reader errors: control characters, bad encodings
        raise _reader_error(exc, path, text) from exc
    except RecursionError as exc:
        raise InputError(
            "yaml-too-complex", f"{path} nests deeper than ork can read",
            span=Span(path, 1, 1, 1, 1), hint=f"keep nesting under {MAX_DEPTH} levels",
        ) from exc
    return docs


def decode(data: bytes, path: str) -> str:
    """Return the text of a UTF-8 file (a BOM is allowed).

    Raises:
        InputError: not-utf8, pointing at the first byte that is not UTF-8.
    """
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        column = exc.start - (before.rfind(b"\n") + 1) + 1
        raise InputError(
            "not-utf8",
            f"{path} is not UTF-8: byte 0x{data[exc.start]:02x} at offset {exc.start}",
            span=Span(path, line, column, line, column + 1),
            hint="save the file as UTF-8",
        ) from exc


def _compose_all(text: str) -> Iterator[yaml.Node | None]:
    loader = _Loader(text)
    try:
        while loader.check_node():
            yield loader.get_node()
    finally:
        loader.dispose()


def _syntax_error(exc: yaml.MarkedYAMLError, path: str, text: str) -> InputError:
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark else 1
    col = mark.column + 1 if mark else 1
    problem = exc.problem or "invalid YAML"
    notes = []
    if exc.context and exc.context_mark and exc.context_mark is not mark:
        cm = exc.context_mark
        notes.append(Note(exc.context, Span(path, cm.line + 1, cm.column + 1,
                                            cm.line + 1, cm.column + 2)))
    elif exc.context:
        problem = f"{problem} ({exc.context})"
    return InputError("yaml-syntax", problem, span=Span(path, line, col, line, col + 1),
                      notes=notes, hint=_syntax_hint(problem, _char_at(text, mark)))


# What usually causes each of the parser's complaints, by the words of its message.
_SYNTAX_HINTS = (
    ("mapping values are not allowed", "quote a value that contains ': ', or check that "
                                       "this key is indented like its siblings"),
    ("expected ',' or ']'", "close the list opened where the note points, or quote an item "
                            "that contains , [ ] { } or #"),
    ("expected ',' or '}'", "close the mapping opened where the note points, or quote a "
                            "value that contains , [ ] { } or #"),
    ("could not find expected ':'", "a key needs ': ' after it; a string over several lines "
                                    "needs quotes or a | or > block"),
    ("expected <block end>", "check the indentation: the entries of one mapping or list "
                             "start in the same column"),
    ("did not find expected key", "check the indentation: the entries of one mapping start "
                                  "in the same column"),
    ("did not find expected '-'", "check the indentation: the items of one list start in "
                                  "the same column"),
    ("undefined alias", "define the anchor (&name) before the alias (*name) that uses it"),
    ("unknown escape", "in double quotes a backslash starts an escape: use single quotes, "
                       "or write \\\\ for a backslash"),
    ("unexpected end of stream", "a quoted string or a bracket is not closed"),
    ("cannot start any token", "quote a value that starts with @, ` or %"),
)


def _char_at(text: str, mark: yaml.Mark | None) -> str:
    index = mark.index if mark is not None else -1
    return text[index] if 0 <= index < len(text) else ""


def _syntax_hint(problem: str, char: str = "") -> str:
    if char == "\t":
        return "YAML does not allow tabs for indentation: use spaces"
    for words, hint in _SYNTAX_HINTS:
        if words in problem:
            return hint
    return "check the indentation and quoting on this line and the one before it"


def _reader_error(exc: yaml.YAMLError, path: str, text: str) -> InputError:
    position = getattr(exc, "position", None)
    if isinstance(position, int):
        before = text[:position]
        line = before.count("\n") + 1
        col = position - (before.rfind("\n") + 1) + 1
        char = text[position] if position < len(text) else ""
        message = f"character U+{ord(char):04X} is not allowed in YAML" if char else str(exc)
        return InputError("yaml-syntax", message, span=Span(path, line, col, line, col + 1),
                          hint="remove control characters such as NUL from the file")
    return InputError("yaml-syntax", str(exc), span=Span(path, 1, 1, 1, 1),
                      hint=_syntax_hint(str(exc)))


class _Builder:
    """Turns a composed node graph into plain values, recording spans."""

    def __init__(self, path: str, root: yaml.Node) -> None:
        self.path = path
        self.spans: dict[tuple[PathPart, ...], SpanEntry] = {}
        self.budget = 100 * _count_unique(root) + 10_000

    def build(self, node: yaml.Node, path: tuple[PathPart, ...], depth: int,
              key: yaml.Node | None = None) -> Any:
        self.budget -= 1
        if self.budget < 0:
            raise self._too_complex(node, "aliases expand to too many values (an alias bomb?)")
        if depth > MAX_DEPTH:
            raise self._too_complex(node, f"nesting is deeper than {MAX_DEPTH} levels")
        self._record(node, path, key)
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path, depth)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*path, i), depth + 1) for i, item in enumerate(node.value)]
        return self._scalar(node)

    def _record(self, node: yaml.Node, path: tuple[PathPart, ...], key: yaml.Node | None) -> None:
        s, e = node.start_mark, node.end_mark
        style = getattr(node, "style", None) or ""
        if key is not None:
            ks, ke = key.start_mark, key.end_mark
            entry = (s.line + 1, s.column + 1, e.line + 1, e.column + 1,
                     ks.line + 1, ks.column + 1, ke.column + 1, style)
        else:
            entry = (s.line + 1, s.column + 1, e.line + 1, e.column + 1, 0, 0, 0, style)
        self.spans[path] = entry

    def _mapping(self, node: yaml.MappingNode, path: tuple[PathPart, ...], depth: int) -> Any:
        out: dict[str, Any] = {}
        seen: dict[str, yaml.Node] = {}
        for key_node, value_node in self._merged_pairs(node):
            key = self._key(key_node)
            if key in seen:
                first = seen[key].start_mark
                raise InputError(
                    "duplicate-key", f"key {key!r} appears twice in one mapping",
                    span=self._span(key_node),
                    notes=[Note("first defined here",
                                Span(self.path, first.line + 1, first.column + 1,
                                     first.line + 1, first.column + 1 + len(key)))],
                    hint="YAML keeps only one of them; remove or rename the other",
                )
            seen[key] = key_node
            out[key] = self.build(value_node, (*path, key), depth + 1, key_node)
        return out

    def _merged_pairs(self, node: yaml.MappingNode) -> list[tuple[yaml.Node, yaml.Node]]:
        """Expand YAML 1.1 merge keys (``<<: *base``): explicit keys win over merged ones."""
        if not any(k.tag == _MERGE for k, _ in node.value):
            return list(node.value)
        explicit = [(k, v) for k, v in node.value if k.tag != _MERGE]
        names = {k.value for k, _ in explicit if isinstance(k, yaml.ScalarNode)}
        merged: list[tuple[yaml.Node, yaml.Node]] = []
        for k, v in node.value:
            if k.tag != _MERGE:
                continue
            sources = v.value if isinstance(v, yaml.SequenceNode) else [v]
            for src in sources:
                if not isinstance(src, yaml.MappingNode):
                    raise InputError("unsupported-yaml", "a merge key (<<) must name mappings",
                                     span=self._span(src),
                                     hint="write `<<: *anchor` where &anchor marks a mapping")
                for mk, mv in self._merged_pairs(src):
                    if isinstance(mk, yaml.ScalarNode) and mk.value not in names:
                        names.add(mk.value)
                        merged.append((mk, mv))
        return merged + explicit

    def _key(self, node: yaml.Node) -> str:
        if isinstance(node, yaml.ScalarNode) and node.tag == _STR:
            return str(node.value)
        shown = node.value if isinstance(node, yaml.ScalarNode) else type(node).__name__
        raise InputError(
            "unsupported-yaml", f"mapping key {shown!r} is not a string",
            span=self._span(node),
            hint=f'quote it ("{shown}") — Kubernetes and JSON only allow string keys',
        )

    def _scalar(self, node: yaml.Node) -> Any:
        tag = node.tag
        if tag == _STR:
            return node.value
        if tag == "tag:yaml.org,2002:null":
            return None
        if tag == "tag:yaml.org,2002:bool":
            return _CONSTRUCT.construct_yaml_bool(node)  # type: ignore[arg-type]
        if tag == "tag:yaml.org,2002:int":
            return _CONSTRUCT.construct_yaml_int(node)  # type: ignore[arg-type]
        if tag == "tag:yaml.org,2002:float":
            value = _CONSTRUCT.construct_yaml_float(node)  # type: ignore[arg-type]
            if value != value or value in (float("inf"), float("-inf")):
                raise InputError("unsupported-yaml",
                                 f"{node.value!r} is not a finite number",
                                 span=self._span(node), hint="quote it to keep it as text")
            return value
        if isinstance(node, yaml.ScalarNode):  # timestamps, binary, custom tags: keep the text
            return str(node.value)
        raise InputError("unsupported-yaml", f"unsupported YAML node tagged {tag}",
                         span=self._span(node), hint="remove the tag: ork reads plain "
                                                     "mappings, lists and scalars")

    def _span(self, node: yaml.Node) -> Span:
        s, e = node.start_mark, node.end_mark
        return Span(self.path, s.line + 1, s.column + 1, e.line + 1, e.column + 1)

    def _too_complex(self, node: yaml.Node, why: str) -> InputError:
        return InputError("yaml-too-complex", f"{self.path}: {why}", span=self._span(node),
                          hint="write the values out instead of nesting or aliasing them")


def _count_unique(root: yaml.Node) -> int:
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                stack.append(k)
                stack.append(v)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
    return len(seen)
