"""Condition operators (``when``/``or``, admission rules): checked at build, applied at run.

Orkestra compares a condition's field as text: ``exists`` means "not empty", ``equals``
compares strings, numeric operators parse both sides as numbers (an absent field counts
as 0). ``in``/``notIn`` take a comma list and ``between``/``notBetween`` two numbers
``"1,10"`` (inclusive). Regular expressions use RE2 syntax, as Orkestra's Go runtime does
(:mod:`ork.templates.re2`): what RE2 lacks, or ork cannot run, is refused at build time.
"""

from __future__ import annotations

import re
from typing import Any

from ..kinds.conditions import ALIASES, NUMERIC_OPERATORS, OPERATORS, UNARY_OPERATORS
from . import re2
from .parser import has_actions
from .problems import Problem
from .values import number, to_text


def check_condition(op: str, expected: Any) -> Problem | None:
    """Return the problem with an operator and its literal value, or None."""
    op = ALIASES.get(op, op)
    if op not in OPERATORS:
        import difflib

        close = difflib.get_close_matches(op, OPERATORS + tuple(ALIASES), n=1)
        return Problem("invalid-operator", f"unknown operator {op!r}",
                       hint=f"did you mean `{close[0]}`?" if close else
                       "operators: " + ", ".join(OPERATORS))
    if op in UNARY_OPERATORS or expected is None or (
            isinstance(expected, str) and has_actions(expected)):
        return None
    if op == "regex":
        return _regex_problem(to_text(expected))
    if op in ("between", "notBetween"):
        bounds = _bounds(expected)
        if bounds is None:
            return Problem("invalid-operator", f"{op} needs two numbers such as \"1,10\", "
                           f"got {to_text(expected)!r}", hint='write value: "LOW,HIGH"')
    elif op in NUMERIC_OPERATORS and number(expected) is None:
        return Problem("invalid-operator", f"{op} compares numbers, but {to_text(expected)!r} "
                       "is not a number", hint="use equals/notEquals to compare text")
    return None


def _regex_problem(pattern: str) -> Problem | None:
    try:
        re2.compiled(pattern)
    except re2.NotRE2 as exc:
        return Problem("invalid-regex", str(exc), hint="rewrite the pattern without it; "
                       "Orkestra evaluates regexes with Go's RE2")
    except re.error as exc:
        return Problem("invalid-regex", f"invalid regular expression: {exc.msg}",
                       hint="check the pattern's brackets and escapes")
    return None


def _bounds(expected: Any) -> tuple[float, float] | None:
    parts = [p.strip() for p in to_text(expected).split(",")]
    if len(parts) != 2:
        return None
    lo, hi = number(parts[0]), number(parts[1])
    if lo is None or hi is None:
        return None
    return float(lo), float(hi)


def evaluate_condition(op: str, actual: Any, expected: Any) -> bool:
    """Return whether a resolved field value satisfies ``op expected``."""
    op = ALIASES.get(op, op)
    if op in ("exists", "notExists"):
        present = to_text(actual) != ""
        return present if op == "exists" else not present
    if op.startswith("not") and op != "notExists":
        positive = op[3].lower() + op[4:]
        return not evaluate_condition(positive, actual, expected)
    got, want = to_text(actual), to_text(expected)
    if op == "equals":
        a, b = number(actual), number(expected)
        return got == want or (a is not None and b is not None and a == b)
    simple = {"contains": lambda: want in got, "prefix": lambda: got.startswith(want),
              "suffix": lambda: got.endswith(want),
              "in": lambda: got in [p.strip() for p in want.split(",")]}
    if op in simple:
        return simple[op]()
    if op == "regex":
        try:
            return re2.compiled(want).search(got) is not None
        except (re.error, re2.NotRE2):
            return False
    return _numeric(op, actual, expected)


def _numeric(op: str, actual: Any, expected: Any) -> bool:
    a = number(actual) if to_text(actual) != "" else 0
    if a is None:
        return False
    if op == "between":
        bounds = _bounds(expected)
        return bounds is not None and bounds[0] <= a <= bounds[1]
    b = number(expected)
    if b is None:
        return False
    return {"gt": a > b, "lt": a < b, "gte": a >= b, "lte": a <= b}.get(op, False)
