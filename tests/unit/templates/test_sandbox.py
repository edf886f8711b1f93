"""The sandbox: a template reaches nothing but mapping keys and ork's function table.

Python attributes, jinja2's globals, the file system, the environment and (at build time)
the clock are out of reach; jinja2 syntax smuggled in text, strings, field names or data
is inert; and every render is bounded in output, iterations and value sizes.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from ork.templates import ProblemError, check, render
from ork.templates.engine import MAX_ITERATIONS, MAX_OUTPUT
from tests.unit.templates.context import CR


class Secretive:
    """A Python object in the context: its attributes and methods must stay out of reach."""

    token = "s3cr3t"

    def leak(self) -> str:
        return self.token


CONTEXT: dict[str, Any] = {**CR, "obj": Secretive(), "spec": {**CR["spec"], "payload": (
    "{{ 7*7 }}{% for x in range(3) %}{{ x }}{% endfor %}{# c #}")}}


def problem_of(template: str, *, build: bool = False) -> tuple[str, str]:
    with pytest.raises(ProblemError, match=r".") as info:
        render(template, CONTEXT, build=build)
    return info.value.problem.code, info.value.problem.message


ATTRIBUTES = [
    pytest.param("[{{ .__class__ }}]", id="dunder-class"),
    pytest.param("[{{ .__class__.__mro__ }}]", id="dunder-mro"),
    pytest.param("[{{ .spec.image.__class__.__base__.__subclasses__ }}]", id="subclasses"),
    pytest.param("[{{ .mro }}]", id="mro"),
    pytest.param("[{{ .__globals__ }}]", id="globals"),
    pytest.param("[{{ $.__init__.__globals__ }}]", id="root-init-globals"),
    pytest.param("[{{ .spec.tags.append }}]", id="list-method"),
    pytest.param("[{{ .spec.ports.items }}]", id="dict-method"),
    pytest.param("[{{ .obj.token }}]", id="object-attribute"),
    pytest.param("[{{ .obj.leak }}]", id="object-method"),
    pytest.param("[{{ (.spec.image).upper }}]", id="string-method"),
    pytest.param("[{{ .self }}]", id="field-named-self"),
    pytest.param("[{{ .for.if.endfor }}]", id="fields-named-like-jinja-keywords"),
]


@pytest.mark.parametrize("template", ATTRIBUTES)
def test_python_attributes_are_unreachable(template: str) -> None:
    assert render(template, CONTEXT) == "[]"


def test_index_refuses_a_python_object() -> None:
    assert problem_of('{{ index .obj "token" }}') == (
        "template-execution", "can't index item of type Secretive")


JINJA_GLOBALS = [
    pytest.param("{{ range 3 | lipsum }}", "template-syntax", id="range-keyword-as-operand"),
    pytest.param("{{ lipsum }}", "unknown-function", id="lipsum"),
    pytest.param("{{ cycler 1 2 }}", "unknown-function", id="cycler"),
    pytest.param("{{ joiner }}", "unknown-function", id="joiner"),
    pytest.param("{{ namespace }}", "unknown-function", id="namespace"),
    pytest.param("{{ self }}", "unknown-function", id="self"),
    pytest.param("{{ loop }}", "unknown-function", id="loop"),
    pytest.param("{{ __builtins__ }}", "unknown-function", id="builtins"),
    pytest.param('{{ __import__ "os" }}', "unknown-function", id="import"),
    pytest.param("{{ _root }}", "unknown-function", id="internal-root"),
    pytest.param('{{ _g . "spec" }}', "unknown-function", id="internal-getter"),
    pytest.param('{{ f_lower "X" }}', "unknown-function", id="internal-function-name"),
]


@pytest.mark.parametrize(("template", "code"), JINJA_GLOBALS)
def test_jinja2_globals_and_internals_are_not_functions(template: str, code: str) -> None:
    assert problem_of(template)[0] == code
    assert [p.code for p in check(template)] == [code]


OUTSIDE_WORLD = [
    pytest.param('{{ env "HOME" }}', id="env"),
    pytest.param('{{ expandenv "$HOME" }}', id="expandenv"),
    pytest.param('{{ readFile "/etc/passwd" }}', id="read-file"),
    pytest.param('{{ include "/etc/passwd" }}', id="include"),
    pytest.param('{{ getHostByName "example.com" }}', id="dns"),
    pytest.param('{{ date "2006" }}', id="date"),
    pytest.param("{{ unixEpoch }}", id="epoch"),
]


@pytest.mark.parametrize("template", OUTSIDE_WORLD)
def test_no_function_reaches_files_network_environment_or_clock(template: str) -> None:
    code, message = problem_of(template)
    assert code == "unknown-function"
    assert re.fullmatch(r"function '\w+' is not defined", message)


def test_the_environment_is_not_the_context(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ORK_SANDBOX_PROBE", "leaked")
    assert render("[{{ .ORK_SANDBOX_PROBE }}{{ .env.ORK_SANDBOX_PROBE }}]", CONTEXT) == "[]"


@pytest.mark.parametrize("template", ["{{ now }}", "{{ uuidv4 }}", "{{ randAlphaNum 4 }}"])
def test_the_clock_and_randomness_are_not_available_at_build_time(template: str) -> None:
    code, message = problem_of(template, build=True)
    assert code == "nondeterministic-at-build"
    assert "cannot run while compiling" in message


def test_the_clock_is_available_at_run_time() -> None:
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", render("{{ now }}", CONTEXT))
    assert re.fullmatch(r"[A-Za-z0-9]{8}", render("{{ randAlphaNum 8 }}", CONTEXT))


INERT = [
    pytest.param("{% import os %}{{ .metadata.name }}", "{% import os %}shop", id="text-import"),
    pytest.param('{% include "/etc/passwd" %}', '{% include "/etc/passwd" %}', id="text-include"),
    pytest.param("{% set x = 7 %}{{ .spec.count }}", "{% set x = 7 %}3", id="text-set"),
    pytest.param('{{ "{{ 7*7 }}" }}', "{{ 7*7 }}", id="string-expression"),
    pytest.param('{{ printf "%s" "{% for x in range(3) %}x{% endfor %}" }}',
                 "{% for x in range(3) %}x{% endfor %}", id="string-statement"),
    pytest.param("{{ `{{ self.__init__ }}` }}", "{{ self.__init__ }}", id="raw-string"),
    pytest.param("{{ .spec.payload }}", CONTEXT["spec"]["payload"], id="cr-data-is-not-code"),
    pytest.param('{{ index .spec "{{ 7*7 }}" }}x', "x", id="key-with-braces"),
    pytest.param("{#{{ .metadata.name }}#}", "{#shop#}", id="jinja-comment-around-action"),
    pytest.param("{{ .metadata.name }}}}{{", None, id="stray-delimiters"),
]


@pytest.mark.parametrize(("template", "expected"), INERT)
def test_jinja2_syntax_anywhere_is_inert(template: str, expected: str | None) -> None:
    if expected is None:
        assert problem_of(template) == ("template-syntax", "unclosed action")
    else:
        assert render(template, CONTEXT) == expected


LIMITS = [
    pytest.param("{{ range 100001 }}{{ end }}",
                 f"range over 100001: more than {MAX_ITERATIONS} iterations", id="range-int"),
    pytest.param("{{ range 400 }}{{ range 400 }}{{ end }}{{ end }}",
                 f"more than {MAX_ITERATIONS} range iterations", id="nested-ranges"),
    pytest.param('{{ repeat 1048577 "x" }}',
                 "repeat: the result would be larger than 1048576 characters", id="repeat"),
    pytest.param('{{ range 20000 }}{{ repeat 100 "x" }}{{ end }}',
                 f"template output is larger than {MAX_OUTPUT} characters", id="output"),
    pytest.param("{{ range 20000 }}" + "x" * 100 + "{{ end }}",
                 f"template output is larger than {MAX_OUTPUT} characters", id="text-output"),
    pytest.param('{{ printf "%5000d" 1 }}', "printf: a width or precision is larger than 4096",
                 id="printf-width"),
    pytest.param('{{ printf "%.999999f" 1.0 }}',
                 "printf: a width or precision is larger than 4096", id="printf-precision"),
    pytest.param('{{ $s := "xx" }}{{ range 40 }}{{ $s = printf "%s%s" $s $s }}{{ end }}',
                 "printf: the result would be larger than 1048576 characters",
                 id="doubling-string"),
    pytest.param('{{ $s := repeat 1100 "x" }}{{ replace "" $s $s }}',
                 "replace: the result would be larger than 1048576 characters",
                 id="replace-amplifies"),
    pytest.param('{{ $s := repeat 600000 "x" }}{{ join $s (list 1 2 3) }}',
                 "join: the result would be larger than 1048576 characters", id="join"),
    pytest.param("{{ $l := list 1 }}{{ range 40 }}{{ $l = list $l $l }}{{ end }}{{ $l }}",
                 "the value is larger than 1048576 characters as JSON", id="doubling-list"),
    pytest.param("{{ $l := list 1 }}{{ range 40 }}{{ $l = list $l $l }}{{ end }}"
                 "{{ toYaml $l }}", "the value is larger than 1048576 characters as JSON",
                 id="doubling-list-yaml"),
    pytest.param("{{ $a := list 1 }}{{ $b := list 1 }}{{ range 40 }}{{ $a = list $a $a }}"
                 "{{ $b = list $b $b }}{{ end }}{{ eq $a $b }}",
                 "the value holds more than 1048576 items", id="deep-equality"),
    pytest.param("{{ $n := 2 }}{{ range 100 }}{{ $n = mul $n $n }}{{ end }}",
                 "mul: integer overflow", id="integer-overflow"),
]


@pytest.mark.parametrize(("template", "message"), LIMITS)
def test_every_render_is_bounded(template: str, message: str) -> None:
    assert problem_of(template) == ("template-execution", message)


def test_output_just_under_the_limit_is_fine() -> None:
    assert len(render('{{ range 1024 }}{{ repeat 1024 "x" }}{{ end }}', CONTEXT)) == MAX_OUTPUT


@pytest.mark.parametrize(("template", "column"), [
    pytest.param("{{ add" + " 1" * 10_000 + " }}", 5 + 2 * 9_999, id="one-long-action"),
    pytest.param("{{ add" + " 1" * 1_000_000 + " }}", 5 + 2 * 9_999, id="two-megabytes"),
    pytest.param("{{ if .x }}a{{ end }}" * 2_001, 21 * 2_000, id="many-actions"),
    pytest.param("{{/* c */}}" * 10_001, 11 * 10_000, id="comments-count-too"),
])
def test_a_template_longer_than_10000_tokens_is_refused_where_it_passes_the_limit(
        template: str, column: int) -> None:
    [problem] = check(template)
    assert (problem.code, problem.message, problem.column) == (
        "template-syntax", "the template is longer than 10000 tokens", column)
    assert problem.hint


def test_a_template_of_10000_tokens_runs() -> None:
    assert render("{{ add" + " 1" * 9_998 + " }}", CONTEXT) == "9998"
    assert render("{{/* c */}}" * 10_000, CONTEXT) == ""


@pytest.mark.parametrize(("template", "expected"), [
    pytest.param("{{ 0" + " | add 1" * 500 + " }}", "500", id="pipeline-of-500-commands"),
    pytest.param("{{ " + "(add 1 " * 40 + "0" + " | add 1" * 100 + ")" * 40 + " }}", "140",
                 id="long-pipeline-in-deep-parentheses"),
    pytest.param("{{ if 0 }}" + "{{ else if 0 }}" * 2400 + "{{ else }}z{{ end }}", "z",
                 id="else-if-chain-of-2400"),
])
def test_long_templates_run_rather_than_crash(template: str, expected: str) -> None:
    assert check(template) == []
    assert render(template, CONTEXT) == expected


@pytest.mark.parametrize("template", [
    pytest.param("{{ " + "(" * 2000 + "1" + ")" * 2000 + " }}", id="parentheses"),
    pytest.param("{{ if 1 }}" * 100 + "x" + "{{ end }}" * 100, id="ifs"),
    pytest.param("{{ range 1 }}" * 21 + "x" + "{{ end }}" * 21, id="ranges"),
])
def test_deep_nesting_is_a_syntax_error_not_a_crash(template: str) -> None:
    assert [(p.code, p.message) for p in check(template)] == [
        ("template-syntax", "nested more than 40 levels deep")]
