"""Motif substitution on the template tree (resolution-and-merge.md, Motif expansion, 2-3).

Unit tests for :func:`substitute`, :func:`with_default`, :func:`input_names`,
:func:`is_single_action` and :func:`go_literal`, and a hypothesis property: substituting
inputs at build time and rendering the result at run time prints exactly what rendering the
original Motif string with the inputs in ``.inputs`` would print.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from ork.templates import (
    Binding,
    ProblemError,
    evaluate,
    go_literal,
    input_names,
    is_single_action,
    render,
    substitute,
    with_default,
)
from tests.unit.templates.context import CR

VALUES = {
    "image": Binding("{{ .spec.image }}", is_template=True),
    "probe": Binding('{{ .spec.probePath | default "/health" }}', is_template=True),
    "pair": Binding("{{ .spec.a }}-{{ .spec.b }}", is_template=True),
    "branchy": Binding("{{ if .spec.a }}x{{ end }}", is_template=True),
    "port": Binding(8080),
    "host": Binding(""),
    "name": Binding("web"),
    "pct": Binding("50%"),
    "braces": Binding({"a": "{{x}}"}),
    "tags": Binding(["a", "b"]),
    "nested": Binding({"a": {"b": 1}}),
    "on": Binding(True),
    "trimmed": Binding("{{- .spec.image -}}", is_template=True),
}


def case(id_: str, source: str, expected: Any) -> Any:
    return pytest.param(source, expected, id=id_)


SUBSTITUTE = [
    case("no-action", "plain", "plain"),
    case("no-input-kept-byte-for-byte", "{{.metadata.name   }}-x", "{{.metadata.name   }}-x"),
    case("whole-literal-keeps-its-type", "{{ .inputs.port }}", 8080),
    case("whole-boolean-keeps-its-type", "{{ .inputs.on }}", True),
    case("literal-in-text", "port-{{ .inputs.port }}", "port-8080"),
    case("whole-template-binding", "{{ .inputs.image }}", "{{ .spec.image }}"),
    case("template-binding-in-text", "img={{ .inputs.image }}", "img={{ .spec.image }}"),
    case("template-binding-piped", "{{ .inputs.image | upper }}", "{{ .spec.image | upper }}"),
    case("template-pipeline-as-argument", "{{ upper .inputs.probe }}",
         '{{ upper (.spec.probePath | default "/health") }}'),
    case("two-action-binding-as-argument", "{{ upper .inputs.pair }}",
         '{{ upper (printf "%v-%v" (.spec.a) (.spec.b)) }}'),
    case("two-action-binding-whole", "{{ .inputs.pair }}", "{{ .spec.a }}-{{ .spec.b }}"),
    case("control-binding-whole", "{{ .inputs.branchy }}", "{{ if .spec.a }}x{{ end }}"),
    case("static-if-false-drops", "{{ if .inputs.host }}ingress{{ end }}", ""),
    case("static-if-else-keeps-runtime", "{{ if .inputs.host }}a{{ else }}{{ .spec.x }}{{ end }}",
         "{{ .spec.x }}"),
    case("runtime-if-with-literal-inside", "{{ if .spec.x }}{{ .inputs.port }}{{ end }}",
         "{{ if .spec.x }}8080{{ end }}"),
    case("root-input-inside-range", "{{ range .spec.l }}{{ $.inputs.port }}{{ end }}",
         "{{ range .spec.l }}8080{{ end }}"),
    case("dot-inside-range-is-the-element", "{{ range .spec.l }}{{ .inputs.port }}{{ end }}",
         "{{ range .spec.l }}{{ .inputs.port }}{{ end }}"),
    case("static-range", "{{ range .inputs.tags }}{{ . }};{{ end }}", "a;b;"),
    case("static-with", "{{ with .inputs.name }}<{{ . }}>{{ end }}", "<web>"),
    case("template-with-kept", "{{ with .inputs.image }}{{ . }}{{ end }}",
         "{{ with .spec.image }}{{ . }}{{ end }}"),
    case("nested-literal-key", "{{ .inputs.nested.a.b }}", 1),
    case("key-below-template-binding", "{{ .inputs.image.x }}", "{{ (.spec.image).x }}"),
    case("percent-is-not-a-verb", "{{ printf \"%s\" .inputs.pct }}", "50%"),
    case("literal-braces-stay-literal", "{{ .inputs.braces.a }}", '{{"{{"}}x}}'),
    case("literal-braces-in-text", "v={{ .inputs.braces.a }}", 'v={{"{{"}}x}}'),
    case("trim-applied-when-evaluated", "a {{- .inputs.port -}} b", "a8080b"),
    case("trim-kept-when-action-kept", "a {{- .spec.x -}} b {{- .inputs.port }}",
         "a {{- .spec.x -}} b8080"),
    case("declaration-gets-literal", "{{ $x := .inputs.port }}{{ $x }}",
         "{{ $x := 8080 }}{{ $x }}"),
    case("declaration-gets-template", "{{ $x := .inputs.image }}{{ $x }}",
         "{{ $x := .spec.image }}{{ $x }}"),
    case("binding-trim-markers-stay-inside", "a {{ .inputs.trimmed }} b",
         "a {{ .spec.image }} b"),
    case("binding-trim-markers-inside-range", "{{ range .l }} {{ $.inputs.trimmed }} {{ end }}",
         "{{ range .l }} {{ $.spec.image }} {{ end }}"),
    case("comment-kept", "{{ .inputs.image }}{{/* c */}}", "{{ .spec.image }}{{/* c */}}"),
    case("mixed", "{{ .metadata.name }}-{{ .inputs.name }}", "{{ .metadata.name }}-web"),
    case("function-of-literal-input", '{{ printf "%s:%d" .inputs.name .inputs.port }}',
         "web:8080"),
    case("literal-mixed-with-cr", "{{ printf \"%s-%s\" .metadata.name .inputs.name }}",
         '{{ printf "%s-%s" .metadata.name "web" }}'),
]


@pytest.mark.parametrize(("source", "expected"), SUBSTITUTE)
def test_substitute(source: str, expected: Any) -> None:
    assert substitute(source, VALUES) == expected


SUBSTITUTE_ERRORS = [
    pytest.param("{{ .inputs.nope }}", "undeclared-input", 0, 3, id="undeclared"),
    pytest.param("x {{ .inputs.branchy | upper }}", "unsupported-template-syntax", 0, 5,
                 id="control-binding-in-expression"),
    pytest.param("ok\n{{ div .inputs.port 0 }}", "template-execution", 1, 0,
                 id="build-time-execution-error"),
    pytest.param("{{ if eq (div .inputs.port 0) 1 }}x{{ end }}", "template-execution", 0, 0,
                 id="static-control-execution-error"),
    pytest.param("{{ if eq (div .inputs.port 0) 1 }}{{ .spec.y }}{{ end }}",
                 "template-execution", 0, 6, id="static-condition-execution-error"),
]


@pytest.mark.parametrize(("source", "code", "line", "column"), SUBSTITUTE_ERRORS)
def test_substitute_errors_point_into_the_string(source: str, code: str, line: int,
                                                  column: int) -> None:
    with pytest.raises(ProblemError, match=r".") as info:
        substitute(source, VALUES)
    p = info.value.problem
    assert (p.code, p.line, p.column) == (code, line, column)


WITH_DEFAULT = [
    pytest.param("{{ .spec.probePath }}", "/health",
                 '{{ .spec.probePath | default "/health" }}', id="string"),
    pytest.param("{{ .spec.replicas }}", 2, "{{ .spec.replicas | default 2 }}", id="integer"),
    pytest.param("{{ .spec.tls }}", True, "{{ .spec.tls | default true }}", id="boolean"),
    pytest.param("{{ .spec.ratio }}", 0.5, "{{ .spec.ratio | default 0.5 }}", id="float"),
    pytest.param('{{ .spec.q }}', 'say "hi"', r'{{ .spec.q | default "say \"hi\"" }}',
                 id="quoted"),
    pytest.param("{{- .spec.x -}}", "d", '{{- .spec.x | default "d" -}}', id="trim-markers"),
    pytest.param("{{ .spec.x | lower }}", "d", '{{ .spec.x | lower | default "d" }}',
                 id="pipeline"),
    pytest.param("v-{{ .spec.x }}", "d", "v-{{ .spec.x }}", id="not-a-single-action"),
    pytest.param("{{ .spec.x }}{{ .spec.y }}", "d", "{{ .spec.x }}{{ .spec.y }}",
                 id="two-actions"),
    pytest.param("{{ $x := .spec.x }}", "d", "{{ $x := .spec.x }}", id="declaration"),
]


@pytest.mark.parametrize(("source", "default", "expected"), WITH_DEFAULT)
def test_with_default_pipes_a_single_action(source: str, default: Any, expected: str) -> None:
    assert with_default(source, default) == expected


def test_with_default_keeps_the_default_when_the_cr_omits_the_field() -> None:
    piped = with_default("{{ .spec.probePath }}", "/health")
    assert render(piped, {"spec": {}}) == "/health"
    assert render(piped, {"spec": {"probePath": "/ready"}}) == "/ready"


@pytest.mark.parametrize(("source", "expected"), [
    ("{{ .spec.x }}", True),
    ("{{- .spec.x | upper -}}", True),
    ("{{ .spec.x }} ", False),
    ("a{{ .spec.x }}", False),
    ("{{ .a }}{{ .b }}", False),
    ("{{ if .a }}x{{ end }}", False),
    ("{{ $x := 1 }}", False),
    ("{{/* c */}}", False),
    ("{{ .spec.x", False),
    ("plain", False),
])
def test_is_single_action(source: str, expected: bool) -> None:
    assert is_single_action(source) is expected


@pytest.mark.parametrize(("source", "expected"), [
    ("{{ .inputs.a }}", {"a"}),
    ("{{ .inputs.a }}-{{ $.inputs.b }}", {"a", "b"}),
    ("{{ upper (.inputs.c) }}", {"c"}),
    ("{{ if .inputs.a }}{{ .inputs.b }}{{ end }}", {"a", "b"}),
    ("{{ range .spec.l }}{{ .inputs.a }}{{ $.inputs.b }}{{ end }}", {"b"}),
    ("{{ with .spec.x }}{{ .inputs.a }}{{ end }}", set()),
    ("{{ .inputs }}", {""}),
    ("{{ .spec.inputs.a }}", set()),
    ("{{ .inputs.a", set()),
])
def test_input_names(source: str, expected: set[str]) -> None:
    assert input_names(source) == expected


@pytest.mark.parametrize(("value", "expected"), [
    (None, "nil"), (True, "true"), (False, "false"), (7, "7"), (-1, "-1"), (0.5, "0.5"),
    ("a\"b\n", r'"a\"b\n"'), ({"b": 1, "a": [1]}, r'(fromJson "{\"a\":[1],\"b\":1}")'),
])
def test_go_literal(value: Any, expected: str) -> None:
    assert go_literal(value) == expected
    assert evaluate("{{ " + expected + " }}", {}) == value


# ---------------------------------------------------------------------------------------
# The property: build-time substitution is invisible at run time.

NAMES = ("a", "b", "c")
LITERALS = st.one_of(
    st.sampled_from(["", "web", "50%", 'q"uote', "x y", "0", "-", "}}", "{%"]),
    st.integers(min_value=-3, max_value=99), st.booleans(),
    st.sampled_from([[1, "a"], {"k": "v", "n": 2}, []]))
TEMPLATES = st.sampled_from([
    "{{ .spec.image }}", "{{ .spec.count }}", "{{ .spec.missing }}", "{{ .spec.flag }}",
    "x-{{ .metadata.name }}-y", "{{ .spec.image | upper }}", '{{ .spec.host | default "h" }}',
    "{{ .spec.count }}{{ .spec.image }}", "{{- .spec.image -}}",
    "{{ if .spec.flag }}on{{ else }}off{{ end }}", "{{ $.metadata.name }}", "{{ . | len }}",
    "{{ with .spec.nested }}{{ .a.b }}{{ end }}", "{{ (.spec.nested).a.b }}",
    '{{ index .spec.ports "http" }}', "{{ .spec.tags }}", "{{- /* c */ -}} {{ .spec.image }}",
    "{{ .spec.count }} {{- .spec.image -}} ",
])


def pieces(name: str) -> list[str]:
    """Ways a Motif string uses one input."""
    x = f".inputs.{name}"
    return [
        f"{{{{ {x} }}}}", f"{{{{ {x} | printf \"<%v>\" }}}}", f"{{{{ upper (print {x}) }}}}",
        f"{{{{ if {x} }}}}T{{{{ else }}}}F{{{{ end }}}}", f'{{{{ default "d" {x} }}}}',
        f"{{{{ range .spec.tags }}}}{{{{ . }}}}{{{{ $.inputs.{name} }}}}{{{{ end }}}}",
        f"{{{{ with {x} }}}}<{{{{ . }}}}>{{{{ else }}}}none{{{{ end }}}}",
        f"{{{{ $v := {x} }}}}[{{{{ $v }}}}]", f" {{{{- {x} -}}}} ",
        f"{{{{ if and {x} .spec.count }}}}A{{{{ end }}}}",
        f"{{{{ eq {x} .spec.count }}}}", f"{{{{ printf \"%v/%v\" {x} .metadata.name }}}}",
        f"{{{{ with .spec.nested }}}}{{{{ .a.b }}}}{{{{ $.inputs.{name} }}}}{{{{ end }}}}",
        f"{{{{ if .spec.count }}}}{{{{ {x} }}}}{{{{ end }}}}",
        f"{{{{ range $i, $t := .spec.tags }}}}{{{{ $i }}}}{{{{ $.inputs.{name} | print }}}}"
        "{{ end }}",
        f"{{{{ with $.inputs.{name} }}}}{{{{ with $.spec.nested }}}}{{{{ .a.b }}}}{{{{ end }}}}"
        "{{ end }}",
    ]


SOURCES = st.lists(
    st.one_of(st.sampled_from(["-", " ", "{{ .metadata.name }}", "{{ .spec.count }}", "%"]),
              st.sampled_from(NAMES).flatmap(lambda n: st.sampled_from(pieces(n)))),
    min_size=1, max_size=4).map("".join)
BINDINGS = st.fixed_dictionaries({n: st.one_of(LITERALS, TEMPLATES) for n in NAMES})


def as_binding(value: Any) -> Binding:
    return Binding(value, isinstance(value, str) and "{{" in value)


def runtime_value(value: Any) -> Any:
    """What ``.inputs.X`` would hold at run time: the binding, executed when a template."""
    return evaluate(value, CR) if isinstance(value, str) and "{{" in value else value


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(SOURCES, BINDINGS)
def test_substitution_then_render_equals_render_with_inputs(source: str,
                                                            bound: dict[str, Any]) -> None:
    values = {k: as_binding(v) for k, v in bound.items()}
    try:
        result = substitute(source, values)
    except ProblemError as err:
        assume(err.problem.code != "unsupported-template-syntax")  # a control binding in
        raise  # an expression is refused by design; anything else is a bug
    expected = render(source, {**CR, "inputs": {k: runtime_value(v) for k, v in bound.items()}})
    if isinstance(result, str):
        assert input_names(result) == set()
        assert render(result, CR) == expected
    else:
        assert evaluate("{{ .x }}", {"x": result}) == result
        assert render("{{ .x }}", {"x": result}) == expected


@settings(max_examples=200, deadline=None)
@given(SOURCES, BINDINGS, st.randoms(use_true_random=False))
def test_substitution_does_not_depend_on_binding_order(source: str, bound: dict[str, Any],
                                                       rnd: Any) -> None:
    items = [(k, as_binding(v)) for k, v in bound.items()]
    shuffled = items[:]
    rnd.shuffle(shuffled)
    assert outcome(source, dict(shuffled)) == outcome(source, dict(items))


def outcome(source: str, values: dict[str, Binding]) -> Any:
    """The substituted value, or the problem substitution reported."""
    try:
        return substitute(source, values)
    except ProblemError as err:
        return err.problem
