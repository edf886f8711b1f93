"""The syntax tree of ork's Go-template dialect.

Every node keeps its offsets in the source string (``start``/``end``), so checks can point
at a column and Motif substitution can keep untouched actions byte for byte.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Field:
    """``.a.b`` — a chain of keys from dot; ``names == ()`` is dot itself."""

    start: int
    end: int
    names: tuple[str, ...]


@dataclass(frozen=True)
class Variable:
    """``$x.a.b`` — a variable and keys below it; ``name == ""`` is ``$`` (the root)."""

    start: int
    end: int
    name: str
    names: tuple[str, ...] = ()


@dataclass(frozen=True)
class Ident:
    """A function name."""

    start: int
    end: int
    name: str


@dataclass(frozen=True)
class Literal:
    """A string, number, boolean or nil; ``text`` is how it was written."""

    start: int
    end: int
    value: Any
    text: str


@dataclass(frozen=True)
class Paren:
    """``( pipeline )`` with optional keys chained after it: ``(index .x 0).name``."""

    start: int
    end: int
    pipe: Pipeline
    names: tuple[str, ...] = ()


Expr = Field | Variable | Ident | Literal | Paren


@dataclass(frozen=True)
class Command:
    """One command of a pipeline: a function call, or a single operand."""

    start: int
    end: int
    args: tuple[Expr, ...]


@dataclass(frozen=True)
class Pipeline:
    """``[$x[, $y] :=|=] cmd | cmd …``."""

    start: int
    end: int
    cmds: tuple[Command, ...]
    decl: tuple[str, ...] = ()
    assign: bool = False  # ``=`` rather than ``:=``


@dataclass(frozen=True)
class Delims:
    """Where one ``{{ … }}`` sits and whether it trims its neighbours."""

    start: int
    end: int
    trim_left: bool = False
    trim_right: bool = False


@dataclass(frozen=True)
class Text:
    """Literal text; ``text`` after trim markers, ``raw`` as written."""

    start: int
    end: int
    text: str
    raw: str
    trimmed_by_left: int | None = None  # start of the action whose `-}}` trimmed us
    trimmed_by_right: int | None = None  # start of the action whose `{{-` trimmed us


@dataclass(frozen=True)
class Action:
    """``{{ pipeline }}``: prints the value, or declares/assigns variables."""

    delims: Delims
    pipe: Pipeline

    @property
    def start(self) -> int:
        """Return the offset of ``{{``."""
        return self.delims.start


@dataclass(frozen=True)
class Comment:
    """``{{/* … */}}``."""

    delims: Delims

    @property
    def start(self) -> int:
        """Return the offset of ``{{``."""
        return self.delims.start


@dataclass(frozen=True)
class Branch:
    """One arm of an ``if``/``with``: its opening action, pipeline and body."""

    delims: Delims
    pipe: Pipeline
    body: tuple[Node, ...]


@dataclass(frozen=True)
class Control:
    """``if`` / ``with`` / ``range`` with their arms, optional else, and ``end``."""

    kind: str  # "if", "with" or "range"
    branches: tuple[Branch, ...]  # range has exactly one
    else_delims: Delims | None
    else_body: tuple[Node, ...] | None
    end_delims: Delims

    @property
    def start(self) -> int:
        """Return the offset of the opening ``{{``."""
        return self.branches[0].delims.start


Node = Text | Action | Comment | Control


def walk_exprs(pipe: Pipeline) -> list[Expr]:
    """Return every expression in a pipeline, nested parentheses included."""
    out: list[Expr] = []
    for cmd in pipe.cmds:
        for arg in cmd.args:
            out.append(arg)
            if isinstance(arg, Paren):
                out.extend(walk_exprs(arg.pipe))
    return out


def pipelines(nodes: tuple[Node, ...]) -> list[Pipeline]:
    """Return every pipeline of a tree, in source order."""
    out: list[Pipeline] = []
    for node in nodes:
        if isinstance(node, Action):
            out.append(node.pipe)
        elif isinstance(node, Control):
            for br in node.branches:
                out.append(br.pipe)
                out.extend(pipelines(br.body))
            if node.else_body is not None:
                out.extend(pipelines(node.else_body))
    return out
