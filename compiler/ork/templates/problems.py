"""Template problems: what is wrong, and where inside the template string.

A :class:`Problem` is data (code, message, hint, 0-based line and column inside the
string, length); callers turn it into a located diagnostic. :class:`ProblemError` carries
one through code that raises, such as Motif substitution and execution.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import TemplateError


@dataclass(frozen=True)
class Problem:
    """One problem in a template string; line and column are 0-based, inside the string."""

    code: str
    message: str
    line: int = 0
    column: int = 0
    length: int = 1
    hint: str | None = None


class ProblemError(TemplateError):
    """A template error that knows its position inside the string."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.code, problem.message, hint=problem.hint)
        self.problem = problem


def position(source: str, offset: int) -> tuple[int, int]:
    """Return the 0-based (line, column) of an offset into a template string."""
    offset = max(0, min(offset, len(source)))
    before = source[:offset]
    line = before.count("\n")
    return line, offset - (before.rfind("\n") + 1)


def problem_at(source: str, code: str, message: str, start: int, end: int | None = None,
               hint: str | None = None) -> Problem:
    """Return a Problem spanning ``source[start:end]``."""
    line, column = position(source, start)
    length = max(1, (end if end is not None else start + 1) - start)
    first_line_end = source.find("\n", start)
    if first_line_end != -1:
        length = max(1, min(length, first_line_end - start))
    return Problem(code, message, line, column, length, hint)
