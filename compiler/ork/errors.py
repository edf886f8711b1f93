"""The one error tree, spans and exit codes.

Every user-facing problem is an :class:`OrkError` carrying one or more
:class:`Diagnostic` values. The class decides the exit code (SPEC §5)::

    OrkError                    1   invalid input or compile error
    ├── InputError              1   reading, shape, values
    ├── GraphError              1   imports, cycles, duplicates
    ├── TemplateError           1   template syntax and build-time checks
    ├── SourceError             1   not-found, digest-mismatch, unsafe artifacts
    │   └── RegistryError       4   unreachable, authentication, offline miss
    ├── LockError               3   lockfile missing or out of date under --locked
    ├── RuntimeError_           1   bundle verification at runtime start-up
    ├── UsageError             64   bad flags or arguments
    └── InternalError          70   a bug in ork

Rendering lives in :mod:`ork.diagnostics`; this module only holds data.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, ClassVar, Literal

if TYPE_CHECKING:
    from pydantic import ConfigDict, GetCoreSchemaHandler
    from pydantic_core import CoreSchema

Severity = Literal["error", "warning"]
PathPart = str | int


_SCHEMAS: dict[type, CoreSchema] = {}


class Record:
    """The base of the value classes that pydantic models carry as fields (``Span``,
    ``Loc``): pydantic derives their core schema once per process, not once per model.

    Pydantic keeps a model's finished schema on the class and reuses it wherever the model
    is a field, but derives a standard-library dataclass's schema anew for every model that
    uses it (0.1-0.2 ms each time, 14 times in a build's imports). Pydantic's documented
    hook hands each model the schema derived the first time. The config is the record's
    own, the one the frozen models that carry it gave it, so the schema is the one pydantic
    derives in any model (tests/unit/test_record_schemas.py). Only a record whose fields are
    plain values can be a ``Record``: a schema derived with records inside (``Note``,
    ``Diagnostic``) refers to them by the definitions of the model it was derived for.
    """

    __pydantic_config__: ClassVar[ConfigDict] = {"frozen": True, "extra": "forbid"}

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler
                                     ) -> CoreSchema:
        schema = _SCHEMAS.get(cls)
        if schema is None:
            schema = _SCHEMAS[cls] = handler(source)
        return schema


@dataclass(frozen=True, order=True)
class Span(Record):
    """A region of a source file: 1-based lines and columns, end exclusive."""

    path: str
    line: int
    column: int
    end_line: int = 0
    end_column: int = 0

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"

    def shifted(self, *, line: int, column: int, length: int = 1) -> Span:
        """Return a span at an absolute position inside the same file."""
        return Span(self.path, line, column, line, column + max(length, 1))


@dataclass(frozen=True, order=True)
class Loc(Record):
    """A semantic location: a source, a document in it, and a path inside that document.

    Stages after fetch record locations this way so that comments and whitespace do not
    change their outputs; :mod:`ork.locate` turns a ``Loc`` into a :class:`Span` when a
    diagnostic is printed.
    """

    source: str
    doc: int
    path: tuple[PathPart, ...] = ()
    key: bool = False  # point at the mapping key rather than the value
    inner: tuple[int, int, int] | None = None  # (line, column, length) inside a string, 0-based

    def child(self, *parts: PathPart) -> Loc:
        """Return the location of a value below this one."""
        return Loc(self.source, self.doc, self.path + tuple(parts))

    def at_key(self) -> Loc:
        """Return this location pointing at its mapping key."""
        return replace(self, key=True)

    def within(self, line: int, column: int, length: int = 1) -> Loc:
        """Return this location narrowed to a position inside the string value."""
        return replace(self, inner=(line, column, length))


@dataclass(frozen=True)
class Note:
    """A secondary message, optionally with its own location."""

    message: str
    span: Span | None = None
    loc: Loc | None = None


@dataclass(frozen=True)
class Diagnostic:
    """One problem (or warning) found in the user's input."""

    code: str
    message: str
    severity: Severity = "error"
    span: Span | None = None
    loc: Loc | None = None
    hint: str | None = None
    notes: tuple[Note, ...] = field(default=())

    def sort_key(self) -> tuple[str, int, int, str, str]:
        """Return the (path, line, column, code, message) order diagnostics print in."""
        s = self.span
        return (s.path if s else "", s.line if s else 0, s.column if s else 0, self.code,
                self.message)


class OrkError(Exception):
    """A user-facing error: one or more diagnostics and an exit code."""

    exit_code: int = 1

    def __init__(
        self,
        code: str,
        message: str,
        *,
        span: Span | None = None,
        loc: Loc | None = None,
        hint: str | None = None,
        notes: Sequence[Note] = (),
    ) -> None:
        diag = Diagnostic(code, message, "error", span, loc, hint, tuple(notes))
        self.diagnostics: tuple[Diagnostic, ...] = (diag,)
        super().__init__(message)

    @classmethod
    def of(cls, diagnostics: Iterable[Diagnostic]) -> OrkError:
        """Return an error of this class carrying several diagnostics."""
        diags = tuple(diagnostics)
        if not diags:
            raise ValueError("an OrkError needs at least one diagnostic")
        err = cls(diags[0].code, diags[0].message)
        err.diagnostics = diags
        return err

    @property
    def code(self) -> str:
        """Return the code of the first diagnostic."""
        return self.diagnostics[0].code

    @property
    def message(self) -> str:
        """Return the message of the first diagnostic."""
        return self.diagnostics[0].message

    def __str__(self) -> str:
        first = self.diagnostics[0]
        where = f"{first.span}: " if first.span else ""
        more = f" (and {len(self.diagnostics) - 1} more)" if len(self.diagnostics) > 1 else ""
        return f"{where}error[{first.code}]: {first.message}{more}"


class InputError(OrkError):
    """Reading, shape and value errors in a source file."""


class GraphError(OrkError):
    """Import graph problems: cycles, duplicates, dependencies."""


class TemplateError(OrkError):
    """Template syntax errors and build-time template checks."""


class SourceError(OrkError):
    """A source that exists but cannot be used: not found, wrong digest, unsafe."""


class RegistryError(SourceError):
    """A registry that cannot be reached or refuses us, or an offline cache miss."""

    exit_code = 4


class LockError(OrkError):
    """The lockfile is missing or does not match the sources under ``--locked``."""

    exit_code = 3


class RuntimeError_(OrkError):
    """The runtime refuses to start: a tampered bundle or a mismatched lock."""


class UsageError(OrkError):
    """Bad command-line flags or arguments."""

    exit_code = 64


class InternalError(OrkError):
    """A bug in ork: never the user's fault."""

    exit_code = 70


def combine(errors: Sequence[OrkError]) -> OrkError:
    """Return one error carrying every diagnostic, sorted, of the most severe class.

    Raises:
        ValueError: if ``errors`` is empty (a bug in the caller).
    """
    if not errors:
        raise ValueError("nothing to combine")
    worst = max(errors, key=lambda e: e.exit_code)
    diags = sorted({d for e in errors for d in e.diagnostics}, key=Diagnostic.sort_key)
    return type(worst).of(diags)


class Collector:
    """Gathers errors so that validation can report all of them at once."""

    def __init__(self) -> None:
        self.errors: list[OrkError] = []
        self.warnings: list[Diagnostic] = []

    def add(self, error: OrkError) -> None:
        """Record an error."""
        self.errors.append(error)

    def warn(self, code: str, message: str, *, span: Span | None = None,
             loc: Loc | None = None, hint: str | None = None) -> None:
        """Record a warning."""
        self.warnings.append(Diagnostic(code, message, "warning", span, loc, hint))

    def raise_if_any(self) -> None:
        """Raise every recorded error as one.

        Raises:
            OrkError: the combined errors, when there are any.
        """
        if self.errors:
            raise combine(self.errors)
