"""Condition operators, as Orkestra evaluates them: text comparison, numbers parsed, RE2.

``evaluate_condition`` is what the runtime applies (and Motif expansion, for conditions it
decides at build time); ``check_condition`` is what ork validate reports.
"""

from __future__ import annotations

from typing import Any

import pytest

from ork.templates import check_condition, evaluate_condition


def row(id_: str, op: str, actual: Any, expected: Any, holds: bool) -> Any:
    return pytest.param(op, actual, expected, holds, id=id_)


EVALUATE = [
    row("exists-text", "exists", "x", None, True),
    row("exists-empty", "exists", "", None, False),
    row("exists-absent", "exists", None, None, False),
    row("exists-false-is-text", "exists", False, None, True),
    row("exists-zero-is-text", "exists", 0, None, True),
    row("notExists-absent", "notExists", None, None, True),
    row("equals-text", "equals", "gold", "gold", True),
    row("equals-number-and-text", "equals", 3, "3", True),
    row("equals-numbers-written-differently", "equals", "3.0", 3, True),
    row("equals-boolean-as-text", "equals", False, "false", True),
    row("notEquals", "notEquals", "a", "b", True),
    row("contains", "contains", "nginx:1.25", "nginx", True),
    row("notContains", "notContains", "nginx", "apache", True),
    row("prefix", "prefix", "registry.example/app", "registry.example/", True),
    row("notPrefix", "notPrefix", "docker.io/app", "registry.example/", True),
    row("suffix", "suffix", "shop.example.com", ".com", True),
    row("notSuffix", "notSuffix", "shop.example.com", ".org", True),
    row("in-comma-list", "in", "gold", "silver, gold", True),
    row("in-not-listed", "in", "bronze", "silver,gold", False),
    row("notIn", "notIn", "bronze", "silver,gold", True),
    row("gt-numeric-string", "gt", "10", 9, True),
    row("gt-not-text-order", "gt", "9", "10", False),
    row("lt-absent-is-zero", "lt", None, 1, True),
    row("gte", "gte", 5, "5", True),
    row("lte", "lte", 4.5, 5, True),
    row("gt-not-a-number-never-holds", "gt", "many", 1, False),
    row("greaterThan-alias", "greaterThan", 2, 1, True),
    row("lessThanOrEqual-alias", "lessThanOrEqual", 1, 1, True),
    row("between-inclusive-low", "between", 1, "1,10", True),
    row("between-inclusive-high", "between", "10", "1, 10", True),
    row("between-outside", "between", 11, "1,10", False),
    row("notBetween", "notBetween", 11, "1,10", True),
    row("regex-search", "regex", "v1.2.3", r"^v[0-9]+\.[0-9]+", True),
    row("regex-no-match", "regex", "1.2", "^v", False),
    row("regex-posix-class", "regex", "abc", "^[[:alpha:]]+$", True),
    row("regex-posix-class-no-match", "regex", "ab1", "^[[:alpha:]]+$", False),
    row("regex-dollar-is-end-of-text", "regex", "abc\n", "abc$", False),
    row("regex-z", "regex", "abc", r"abc\z", True),
    row("regex-quoted", "regex", "a.b", r"^\Qa.b\E$", True),
    row("regex-quoted-dot-is-literal", "regex", "axb", r"^\Qa.b\E$", False),
    row("regex-digit-is-ascii", "regex", "٣", r"^\d$", False),
    row("regex-brace-comma-is-text", "regex", "a{,2}", "^a{,2}$", True),
]


@pytest.mark.parametrize(("op", "actual", "expected", "holds"), EVALUATE)
def test_evaluate_condition(op: str, actual: Any, expected: Any, holds: bool) -> None:
    assert evaluate_condition(op, actual, expected) is holds


CHECK = [
    pytest.param("equls", "x", "invalid-operator", "unknown operator 'equls'",
                 "did you mean `equals`?", id="unknown-operator"),
    pytest.param("gt", "ten", "invalid-operator",
                 "gt compares numbers, but 'ten' is not a number", None, id="gt-not-a-number"),
    pytest.param("between", "1-10", "invalid-operator",
                 "between needs two numbers such as \"1,10\", got '1-10'", None,
                 id="between-malformed"),
    pytest.param("regex", "(?=a)b", "invalid-regex",
                 "'(?=' is not RE2 syntax (look-arounds, back-references, conditionals and "
                 "atomic groups are not supported)", None, id="look-ahead"),
    pytest.param("regex", "(?<!a)b", "invalid-regex",
                 "'(?<!' is not RE2 syntax (look-arounds, back-references, conditionals and "
                 "atomic groups are not supported)", None, id="look-behind"),
    pytest.param("regex", r"(a)\1", "invalid-regex",
                 "'\\1' is not RE2 syntax (back-references are not supported)", None,
                 id="back-reference"),
    pytest.param("regex", "a++", "invalid-regex",
                 "'++' is not RE2 syntax (possessive quantifiers are not supported)", None,
                 id="possessive"),
    pytest.param("regex", "(?>a)", "invalid-regex",
                 "'(?>' is not RE2 syntax (look-arounds, back-references, conditionals and "
                 "atomic groups are not supported)", None, id="atomic-group"),
    pytest.param("regex", r"a\Z", "invalid-regex",
                 "'\\Z' is not RE2 syntax (write \\z for the end of the text)", None,
                 id="python-end-of-text"),
    pytest.param("regex", r"\pL+", "invalid-regex",
                 "'\\p' (Unicode classes, single bytes) is not supported by ork's runtime",
                 None, id="unicode-class"),
    pytest.param("regex", "[[:alfa:]]", "invalid-regex", "'[:alfa:]' is not a POSIX class",
                 None, id="unknown-posix-class"),
    pytest.param("regex", "(a", "invalid-regex",
                 "invalid regular expression: missing ), unterminated subpattern", None,
                 id="malformed"),
]


@pytest.mark.parametrize(("op", "value", "code", "message", "hint"), CHECK)
def test_check_condition(op: str, value: Any, code: str, message: str,
                         hint: str | None) -> None:
    problem = check_condition(op, value)
    assert problem is not None
    assert (problem.code, problem.message) == (code, message)
    if hint is not None:
        assert problem.hint == hint


@pytest.mark.parametrize(("op", "value"), [
    ("regex", "[[a]"), ("regex", "[-+*/]+"), ("regex", r"\\1"), ("regex", "(?i)abc"),
    ("regex", "[a-z[:digit:]]+"), ("gt", "{{ .spec.max }}"), ("exists", None),
    ("greaterThanOrEqual", 3), ("in", "a,b"),
])
def test_check_condition_accepts(op: str, value: Any) -> None:
    assert check_condition(op, value) is None
