"""The template dialect, table-driven: what Go's text/template + sprig print, or ork's choice.

Every expected value was derived from Go's and sprig's documented behaviour (or from an
ork decision written in docs/templates.md, marked "ork:" below), not copied from the
engine. The context is :data:`tests.unit.templates.context.CR`.
"""

from __future__ import annotations

from typing import Any

import pytest

from ork.templates import ProblemError, check, evaluate, render
from tests.unit.templates.context import CR


def row(id_: str, template: str, expected: str) -> Any:
    return pytest.param(template, expected, id=id_)


TEXT_AND_LITERALS = [
    row("plain-text", "plain text", "plain text"),
    row("empty-string", "", ""),
    row("string-literal", '{{ "hi" }}', "hi"),
    row("raw-string-keeps-backslash", r"{{ `raw\n` }}", r"raw\n"),
    row("raw-string-multiline", "{{ `a\nb` }}", "a\nb"),
    row("escape-tab", r'{{ "a\tb" }}', "a\tb"),
    row("escape-unicode-hex-octal", r'{{ "\u00e9\x41\101" }}', "éAA"),
    row("escape-quote", r'{{ "say \"hi\"" }}', 'say "hi"'),
    row("escape-backslash", r'{{ "a\\b" }}', "a\\b"),
    row("char-constant", "{{ 'a' }}", "97"),
    row("char-escape", r"{{ '\n' }}", "10"),
    row("int", "{{ 42 }}", "42"),
    row("negative-int", "{{ -7 }}", "-7"),
    row("hex-int", "{{ 0x1F }}", "31"),
    row("octal-0o", "{{ 0o17 }}", "15"),
    row("octal-leading-zero", "{{ 017 }}", "15"),
    row("binary", "{{ 0b101 }}", "5"),
    row("underscores", "{{ 1_000_000 }}", "1000000"),
    row("int64-max", "{{ 9223372036854775807 }}", "9223372036854775807"),
    row("float-1e20", "{{ 1e20 }}", "1e+20"),
    row("float", "{{ 1.5 }}", "1.5"),
    row("integral-float", "{{ 2.0 }}", "2"),
    row("float-exponent-at-1e6", "{{ 1e6 }}", "1e+06"),
    row("float-below-1e6", "{{ 123456.0 }}", "123456"),
    row("float-7-digits", "{{ 1234567.0 }}", "1.234567e+06"),
    row("float-small", "{{ 0.0001 }}", "0.0001"),
    row("float-smaller", "{{ 0.00001 }}", "1e-05"),
    row("float-huge", "{{ 1e21 }}", "1e+21"),
    row("float-negative", "{{ -0.5 }}", "-0.5"),
    row("hex-float", "{{ 0x1p4 }}", "16"),
    row("float-from-cr", "{{ .spec.big }}", "1e+06"),
    row("float-ratio-from-cr", "{{ .spec.ratio }}", "0.5"),
    row("true", "{{ true }}", "true"),
    row("false", "{{ false }}", "false"),
    row("list-as-json", "{{ .spec.tags }}", '["a","b","c"]'),
    row("map-as-json-sorted", "{{ .spec.ports }}", '{"admin":9000,"http":80}'),  # ork: JSON
    row("nested-json", '{{ dict "b" 1 "a" (list 1 "x" 2.0) }}', '{"a":[1,"x",2],"b":1}'),
]

FIELDS_AND_MISSING = [
    row("field", "{{ .metadata.name }}", "shop"),
    row("field-chain", "{{ .spec.nested.a.b }}", "deep"),
    row("root-variable", "{{ $.metadata.namespace }}", "team-a"),
    row("missing-key-is-empty", "[{{ .spec.missing }}]", "[]"),  # ork: never <no value>
    row("nil-value-is-empty", "[{{ .spec.nothing }}]", "[]"),
    row("chain-through-missing", "[{{ .spec.missing.a.b }}]", "[]"),
    row("chain-from-missing-top", "[{{ .nope.a }}]", "[]"),
    row("key-of-a-string-is-empty", "[{{ .spec.image.tag }}]", "[]"),  # ork: maps only
    row("missing-is-false", "{{ if .spec.missing }}y{{ else }}n{{ end }}", "n"),
    row("paren-then-field", "{{ (.spec.nested).a.b }}", "deep"),
    row("function-result-field", '{{ (dict "a" (dict "b" 1)).a.b }}', "1"),
    row("index-result-field", '{{ (index .spec.nested "a").b }}', "deep"),
    row("variable-field", "{{ $m := .metadata }}{{ $m.labels.tier }}", "web"),
]

PIPELINES = [
    row("pipe-into-function", "{{ .spec.image | upper }}", "NGINX:1.25"),
    row("pipe-is-last-argument", '{{ "x" | printf "%s-%s" "a" }}', "a-x"),
    row("pipe-default", '{{ .spec.missing | default "dflt" }}', "dflt"),
    row("pipe-trim-prefix", '{{ .spec.image | trimPrefix "nginx:" }}', "1.25"),
    row("pipe-chain", '{{ "a,b" | split "," | join "+" }}', "a+b"),
    row("pipe-math", "{{ .spec.count | add 1 | mul 2 }}", "8"),
    row("pipe-sub-order", "{{ 5 | sub 10 }}", "5"),
    row("paren-pipe", '{{ (printf "%d" 3) | len }}', "1"),
    row("pipe-into-and", "{{ 1 | and 2 }}", "1"),
    row("pipe-into-or", "{{ 0 | or 2 }}", "2"),
]

CONTROL = [
    row("if", "{{ if .spec.count }}yes{{ end }}", "yes"),
    row("if-else-if", "{{ if .spec.flag }}a{{ else if .spec.count }}b{{ else }}c{{ end }}", "b"),
    row("if-else-if-else", "{{ if .spec.empty }}a{{ else if .spec.host }}b{{ else }}c{{ end }}",
        "c"),
    row("if-zero", "{{ if 0 }}a{{ else }}b{{ end }}", "b"),
    row("if-zero-float", "{{ if 0.0 }}a{{ else }}b{{ end }}", "b"),
    row("if-string-zero-is-true", '{{ if "0" }}a{{ end }}', "a"),
    row("if-map", "{{ if .spec.ports }}a{{ end }}", "a"),
    row("if-empty-map", "{{ if (dict) }}a{{ else }}b{{ end }}", "b"),
    row("if-declares", "{{ if $x := .spec.count }}{{ $x }}{{ end }}", "3"),
    row("range-list", "{{ range .spec.tags }}{{ . }};{{ end }}", "a;b;c;"),
    row("range-index-value", "{{ range $i, $v := .spec.tags }}{{ $i }}={{ $v }} {{ end }}",
        "0=a 1=b 2=c "),
    row("range-map-sorted", "{{ range $k, $v := .spec.ports }}{{ $k }}:{{ $v }},{{ end }}",
        "admin:9000,http:80,"),
    row("range-map-values", "{{ range .spec.ports }}{{ . }} {{ end }}", "9000 80 "),
    row("range-int", "{{ range 3 }}{{ . }}{{ end }}", "012"),
    row("range-int-zero-else", "{{ range 0 }}x{{ else }}e{{ end }}", "e"),
    row("range-empty-else", "{{ range .spec.empty }}x{{ else }}none{{ end }}", "none"),
    row("range-missing-else", "{{ range .spec.missing }}x{{ else }}none{{ end }}", "none"),
    row("range-one-variable-is-value", "{{ range $v := .spec.tags }}{{ $v }}{{ end }}", "abc"),
    row("range-root-inside", "{{ range .spec.tags }}{{ $.metadata.name }}{{ end }}",
        "shopshopshop"),
    row("range-separator", "{{ range $i, $v := .spec.tags }}{{ if $i }},{{ end }}{{ $v }}{{ end }}",
        "a,b,c"),
    row("with", "{{ with .spec.nested.a }}{{ .b }}{{ end }}", "deep"),
    row("with-else", "{{ with .spec.host }}h{{ else }}no host{{ end }}", "no host"),
    row("with-declares", "{{ with $x := .spec.image }}{{ $x }}{{ end }}", "nginx:1.25"),
    row("with-else-with", "{{ with .spec.missing }}a{{ else with .spec.count }}{{ . }}{{ end }}",
        "3"),
    row("with-root-inside", "{{ with .spec.image }}{{ $.metadata.name }}/{{ . }}{{ end }}",
        "shop/nginx:1.25"),
]

VARIABLES = [
    row("declare", '{{ $x := "a" }}{{ $x }}', "a"),
    row("declare-prints-nothing", '[{{ $x := "a" }}]', "[]"),
    row("assign", "{{ $x := 1 }}{{ $x = 2 }}{{ $x }}", "2"),
    row("shadow-in-if", "{{ $x := 1 }}{{ if true }}{{ $x := 2 }}{{ end }}{{ $x }}", "1"),
    row("assign-in-if", "{{ $x := 1 }}{{ if true }}{{ $x = 2 }}{{ end }}{{ $x }}", "2"),
    row("assign-in-range-updates-outer",
        "{{ $n := 0 }}{{ range .spec.tags }}{{ $n = add $n 1 }}{{ end }}{{ $n }}", "3"),
    row("assign-last-in-range",
        '{{ $last := "" }}{{ range .spec.tags }}{{ $last = . }}{{ end }}{{ $last }}', "c"),
    row("declare-in-range-is-per-iteration",
        "{{ range .spec.tags }}{{ $y := . }}{{ $y }}{{ end }}", "abc"),
]

TRIM_AND_COMMENTS = [
    row("trim-both", 'a  {{- "b" -}}  c', "abc"),
    row("trim-left-newline", 'a\n  {{- "b" }}\n', "ab\n"),
    row("trim-right-newlines", '{{ "a" -}}\n\n  b', "ab"),
    row("trim-at-start", "{{- 3 }}", "3"),
    row("minus-number-is-not-trim", "{{-3}}", "-3"),
    row("trim-right-then-text", "{{ 3 -}} x", "3x"),
    row("comment", "a{{/* comment */}}b", "ab"),
    row("comment-multiline", "a{{/* multi\nline */}}b", "ab"),
    row("comment-trimmed", "x {{- /* note */ -}} y", "xy"),
]

JINJA_LOOKALIKES = [
    row("jinja-statement", "{% if true %}x{% endif %}", "{% if true %}x{% endif %}"),
    row("jinja-comment", "{# not a comment #}", "{# not a comment #}"),
    row("close-braces-outside-action", '}} and {{ "x" }}', "}} and x"),
    row("string-with-jinja-statement", '{{ "{%" }}', "{%"),
    row("string-with-open-delims", '{{ "{{" }}', "{{"),
    row("string-with-close-delims", '{{ "}}" }}', "}}"),
    row("raw-block-smuggled", '{{ "{% raw %}" }}{% endraw %}', "{% raw %}{% endraw %}"),
    row("text-around-action", "{%{{ .metadata.name }}%}", "{%shop%}"),
    row("jinja-expression-in-text", '{{ .metadata.name }} {{"{{"}} 7*7 }}', "shop {{ 7*7 }}"),
    row("dollar-and-percent", "${x} {x} %s %%", "${x} {x} %s %%"),
]

CORE = [
    row("and-returns-last", "{{ and 1 2 }}", "2"),
    row("and-returns-first-false", "{{ and 0 2 }}", "0"),
    row("or-returns-last", '{{ or 0 "" }}', ""),
    row("or-returns-first-true", '{{ or 0 "x" }}', "x"),
    row("and-short-circuits", "{{ and false (div 1 0) }}", "false"),
    row("or-short-circuits", "{{ or true (div 1 0) }}", "true"),
    row("not", "{{ not .spec.count }}", "false"),
    row("not-empty-string", '{{ not "" }}', "true"),
    row("len-list", "{{ len .spec.tags }}", "3"),
    row("len-map", "{{ len .spec.ports }}", "2"),
    row("len-string-counts-bytes", "{{ len .spec.word }}", "6"),
    row("len-missing", "{{ len .spec.missing }}", "0"),  # ork: missing counts as empty
    row("index-list", "{{ index .spec.tags 0 }}", "a"),
    row("index-map", '{{ index .spec.ports "http" }}', "80"),
    row("index-missing-key", '[{{ index .spec.ports "nope" }}]', "[]"),
    row("index-nested", '{{ index .spec.nested "a" "b" }}', "deep"),
    row("index-of-nil", '[{{ index .spec.missing "a" }}]', "[]"),  # ork: nil, not an error
    row("index-string-is-a-byte", '{{ index "abc" 1 }}', "98"),
    row("slice-list", "{{ slice .spec.tags 1 }}", '["b","c"]'),
    row("slice-list-two", "{{ slice .spec.tags 0 2 }}", '["a","b"]'),
    row("slice-string", '{{ slice "hello" 1 3 }}', "el"),
    row("print-strings", '{{ print "a" "b" }}', "ab"),
    row("print-space-between-non-strings", '{{ print "a" 1 2 "b" }}', "a1 2b"),
    row("println", '{{ println "a" 1 }}', "a 1\n"),
    row("printf", '{{ printf "%s=%d" "n" 5 }}', "n=5"),
    row("printf-verbs", '{{ printf "%05.1f|%x|%q|%v|%t" 3.14159 255 "q" .spec.tags true }}',
        '003.1|ff|"q"|["a","b","c"]|true'),
    row("printf-bad-verb", '{{ printf "%d" "x" }}', "%!d(string=x)"),
    row("printf-s-of-int", '{{ printf "%s" 5 }}', "%!s(int=5)"),
    row("printf-missing", '{{ printf "%d %d" 1 }}', "1 %!d(MISSING)"),
    row("printf-extra", '{{ printf "%d" 1 2 }}', "1%!(EXTRA int=2)"),
    row("printf-nil-bad-verb-and-extra", '{{ printf "%d" nil }}|{{ printf "%d" 1 nil }}',
        "%!d(<nil>)|1%!(EXTRA <nil>)"),
    row("printf-c-q-of-runes", r"""{{ printf "%c|%q|%q|%q" 65 10 '\'' 128512 }}""",
        "A|'\\n'|'\\''|'\U0001F600'"),
    row("printf-c-q-of-invalid-runes-print-fffd",
        '{{ printf "%c|%c|%c|%q" -1 1114112 55296 57343 }}', "\ufffd|\ufffd|\ufffd|'\ufffd'"),
    row("printf-width", '{{ printf "%-4s|%4s|" "ab" "cd" }}', "ab  |  cd|"),
    row("printf-sign", '{{ printf "%+d|% d" 5 5 }}', "+5| 5"),
    row("printf-e", '{{ printf "%e" 123456.789 }}', "1.234568e+05"),
    row("printf-g", '{{ printf "%g" 100000000.0 }}', "1e+08"),
    row("printf-v-float", '{{ printf "%v" 1.0 }}', "1"),
    row("printf-c", '{{ printf "%c%c" 72 105 }}', "Hi"),
    row("printf-bases", '{{ printf "%o %b %X %#x" 8 5 255 255 }}', "10 101 FF 0xff"),
    row("printf-percent", '{{ printf "100%%" }}', "100%"),
    row("printf-nil", '[{{ printf "%v" .spec.missing }}]', "[]"),  # ork: nil prints ""
    row("printf-negative-zero-pad", '{{ printf "%08.3f" -3.14159 }}', "-003.142"),
]

COMPARISON = [
    row("eq-ints", "{{ eq 1 1 }}", "true"),
    row("eq-strings", '{{ eq "a" "b" }}', "false"),
    row("eq-numeric-string", "{{ eq .spec.replicas 3 }}", "true"),
    row("eq-any-of", "{{ eq 2 1 2 3 }}", "true"),
    row("eq-none-of", "{{ eq 5 1 2 3 }}", "false"),
    row("eq-int-float", "{{ eq 1 1.0 }}", "true"),
    row("eq-missing-empty", '{{ eq .spec.missing "" }}', "true"),  # ork: missing is ""
    row("ne", "{{ ne .spec.count 3 }}", "false"),
    row("lt", "{{ lt 1 2 }}", "true"),
    row("le", "{{ le 2 2 }}", "true"),
    row("gt-numeric-string", "{{ gt .spec.replicas 2 }}", "true"),
    row("gt-numeric-not-text", "{{ gt .spec.replicas 10 }}", "false"),
    row("ge-float", "{{ ge 1.5 2 }}", "false"),
    row("lt-strings", '{{ lt "a" "b" }}', "true"),
    row("lt-two-strings-compare-as-text", '{{ lt "10" "9" }}', "true"),
]

CONDITIONAL = [
    row("default-empty", '{{ default "x" "" }}', "x"),
    row("default-set", '{{ default "x" "y" }}', "y"),
    row("default-zero", "{{ 0 | default 5 }}", "5"),
    row("default-false", "{{ .spec.flag | default true }}", "true"),
    row("default-missing-chain", '{{ .spec.a.b | default "d" }}', "d"),
    row("empty-string", '{{ empty "" }}', "true"),
    row("empty-list", "{{ empty .spec.tags }}", "false"),
    row("empty-zero", "{{ empty 0 }}", "true"),
    row("empty-missing", "{{ empty .spec.missing }}", "true"),
    row("not-empty", "{{ notEmpty .spec.tags }}", "true"),
    row("coalesce", '{{ coalesce "" .spec.missing 0 "z" "w" }}', "z"),
    row("coalesce-none", '[{{ coalesce "" 0 }}]', "[]"),
    row("ternary-true", '{{ ternary "yes" "no" true }}', "yes"),
    row("ternary-piped", '{{ .spec.flag | ternary "yes" "no" }}', "no"),
]

STRINGS = [
    row("lower", '{{ lower "HeLLo" }}', "hello"),
    row("upper", '{{ upper "HeLLo" }}', "HELLO"),
    row("toLower", '{{ toLower "ABC" }}', "abc"),
    row("toUpper", '{{ toUpper "abc" }}', "ABC"),
    row("title", '{{ title "hello world" }}', "Hello World"),
    row("title-separators", "{{ title \"o'neil_x-y 3am\" }}", "O'Neil_x-Y 3am"),
    row("title-non-ascii-symbol-is-not-a-separator", '{{ title "a→b c" }}', "A→b C"),
    row("trim", '{{ trim "  x  " }}', "x"),
    row("trimSpace", r'{{ trimSpace "\t x \n" }}', "x"),
    row("trimPrefix", '{{ trimPrefix "a-" "a-b" }}', "b"),
    row("trimSuffix", '{{ trimSuffix "-b" "a-b" }}', "a"),
    row("hasPrefix", '{{ hasPrefix "ng" .spec.image }}', "true"),
    row("hasSuffix", '{{ hasSuffix ".25" .spec.image }}', "true"),
    row("contains", '{{ contains "inx" .spec.image }}', "true"),
    row("contains-not", '{{ contains "apache" .spec.image }}', "false"),
    row("replace", '{{ replace "." "-" "1.2.3" }}', "1-2-3"),
    row("split-is-a-list", '{{ split "," "a,b,,c" }}', '["a","b","","c"]'),  # ork: a list
    row("split-index", '{{ index (split ":" .spec.image) 1 }}', "1.25"),
    row("join", '{{ join "-" .spec.tags }}', "a-b-c"),
    row("join-non-strings", '{{ join ", " (list 1 2.5 true) }}', "1, 2.5, true"),
    row("repeat", '{{ repeat 3 "ab" }}', "ababab"),
    row("quote", r'{{ quote "a\"b" }}', r'"a\"b"'),
    row("quote-many", '{{ quote "x" 1 }}', '"x" "1"'),
    row("squote", '{{ squote "a" }}', "'a'"),
    row("trunc", '{{ trunc 3 "abcdef" }}', "abc"),
    row("trunc-negative", '{{ trunc -2 "abcdef" }}', "ef"),
    row("trunc-longer", '{{ trunc 10 "ab" }}', "ab"),
    row("camelToKebab", '{{ camelToKebab "fooBar" }}', "foo-bar"),
    row("camelToKebab-acronym", '{{ camelToKebab "myHTTPServer" }}', "my-http-server"),
    row("slugify", '{{ slugify "Hello, World!" }}', "hello-world"),
]

MATH = [
    row("add", "{{ add 1 2 3 }}", "6"),
    row("add-numeric-string", "{{ add .spec.replicas 1 }}", "4"),
    row("add-float", "{{ add 1.5 1 }}", "2.5"),  # ork: floats stay floats (sprig: int64)
    row("add-missing-is-zero", "{{ add .spec.missing 1 }}", "1"),
    row("sub", "{{ sub 10 3 }}", "7"),
    row("sub-float", "{{ sub 1 2.5 }}", "-1.5"),
    row("mul", "{{ mul 2 3 4 }}", "24"),
    row("div-int-truncates", "{{ div 7 2 }}", "3"),
    row("div-negative-toward-zero", "{{ div -7 2 }}", "-3"),
    row("div-float", "{{ div 7.0 2 }}", "3.5"),
    row("mod", "{{ mod 7 3 }}", "1"),
    row("mod-negative", "{{ mod -7 3 }}", "-1"),
    row("min", "{{ min 3 1 2 }}", "1"),
    row("max", "{{ max 3 1 2 }}", "3"),
    row("max-float", "{{ max 1 2.5 }}", "2.5"),
    row("abs", "{{ abs -5 }}", "5"),
    row("abs-float", "{{ abs -2.5 }}", "2.5"),
]

TYPES = [
    row("toString", '{{ toString 42 | printf "%q" }}', '"42"'),
    row("toString-float", '{{ toString 1e6 }}', "1e+06"),
    row("toInt", '{{ toInt "42" | add 1 }}', "43"),
    row("toInt-garbage", '{{ toInt "x" }}', "0"),
    row("toInt-float", "{{ toInt 3.9 }}", "3"),
    row("toInt-bool", "{{ toInt true }}", "1"),
    row("toFloat", '{{ toFloat "1.5" }}', "1.5"),
    row("toFloat-int", "{{ toFloat 2 | typeOf }}", "float64"),
    row("toBool", '{{ toBool "true" }}', "true"),
    row("toBool-no", '{{ toBool "no" }}', "false"),
    row("typeOf-int", "{{ typeOf 1 }}", "int"),
    row("typeOf-float", "{{ typeOf 1.5 }}", "float64"),
    row("typeOf-string", '{{ typeOf "a" }}', "string"),
    row("typeOf-bool", "{{ typeOf true }}", "bool"),
    row("typeOf-list", "{{ typeOf .spec.tags }}", "[]interface {}"),
    row("typeOf-map", "{{ typeOf .spec.ports }}", "map[string]interface {}"),
    row("typeOf-nil", "{{ typeOf .spec.missing }}", "<nil>"),
]

DATA = [
    row("toJson", '{{ toJson (dict "a" 1 "b" (list true nil)) }}', '{"a":1,"b":[true,null]}'),
    row("toJson-floats-as-go", "{{ toJson (list 1.0 1e6 0.5 1e21) }}", "[1,1000000,0.5,1e+21]"),
    row("toJson-html-escaped", '{{ toJson (dict "a" "<b>&") }}', r'{"a":"\u003cb\u003e\u0026"}'),
    row("toJSON-alias", "{{ toJSON .spec.tags }}", '["a","b","c"]'),
    row("fromJson-field", r'{{ (fromJson "{\"a\":{\"b\":2}}").a.b }}', "2"),
    row("fromJson-invalid", '[{{ fromJson "not json" }}]', "[]"),
    row("fromJson-lone-surrogates-become-fffd",
        r'{{ fromJson "{\"\\udc00\": [\"\\ud800\", \"\\ud83d\\ude00\"]}" }}',
        '{"\ufffd":["\ufffd","\U0001F600"]}'),
    row("toYaml", '{{ toYaml (dict "b" 1 "a" "x") }}', "a: x\nb: 1"),
    row("b64enc", '{{ b64enc "hello" }}', "aGVsbG8="),
    row("toBase64", '{{ toBase64 "hello" }}', "aGVsbG8="),
    row("b64dec", '{{ b64dec "aGVsbG8=" }}', "hello"),
    row("fromBase64", '{{ fromBase64 "aGk=" }}', "hi"),
    row("sha256sum", '{{ sha256sum "abc" }}',
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
]

MAPS_AND_LISTS = [
    row("dict", '{{ dict "a" 1 }}', '{"a":1}'),
    row("dict-field", '{{ (dict "a" 1 "b" 2).b }}', "2"),
    row("list", '{{ list 1 "a" }}', '[1,"a"]'),
    row("keys-sorted", "{{ keys .spec.ports }}", '["admin","http"]'),
    row("values-by-key", "{{ values .spec.ports }}", "[9000,80]"),
    row("hasKey", '{{ hasKey .spec.ports "http" }}', "true"),
    row("hasKey-not", '{{ hasKey .spec.ports "x" }}', "false"),
    row("pick", '{{ pick .spec.ports "http" }}', '{"http":80}'),
    row("omit", '{{ omit .spec.ports "http" }}', '{"admin":9000}'),
    row("first", "{{ first .spec.tags }}", "a"),
    row("last", "{{ last .spec.tags }}", "c"),
    row("first-empty", "[{{ first .spec.empty }}]", "[]"),
    row("has", '{{ has "b" .spec.tags }}', "true"),
    row("has-not", '{{ has "z" .spec.tags }}', "false"),
    row("len-keys", "{{ len (keys .spec.ports) }}", "2"),
]

KUBERNETES = [
    row("allReplicasReady", "{{ allReplicasReady .children.deployment }}", "true"),
    row("allReplicasReady-partial", "{{ allReplicasReady .children.partial }}", "false"),
    row("allReplicasReady-zero-replicas", "{{ allReplicasReady .children.scaledDown }}", "false"),
    row("allReplicasReady-replicas-default-1", "{{ allReplicasReady .children.defaulted }}",
        "true"),
    row("allReplicasReady-no-child", "{{ allReplicasReady .children.none }}", "false"),
    row("readyReplicas", "{{ readyReplicas .children.partial }}", "1"),
    row("readyReplicas-no-child", "{{ readyReplicas .children.none }}", "0"),
    row("containerImage", "{{ containerImage .children.deployment }}", "nginx:1.25"),
    row("containerImage-cronjob", "{{ containerImage .children.cronJob }}", "busybox:1.36"),
    row("containerImage-pod", "{{ containerImage .children.pod }}", "redis:7"),
    row("jobSucceeded", "{{ jobSucceeded .children.job }}", "true"),
    row("jobSucceeded-not", "{{ jobSucceeded .children.runningJob }}", "false"),
    row("jobFailed", "{{ jobFailed .children.failedJob }}", "true"),
    row("jobFailed-not", "{{ jobFailed .children.job }}", "false"),
    row("jobActive", "{{ jobActive .children.runningJob }}", "true"),
    row("hasCondition", '{{ hasCondition .children.deployment "Available" }}', "true"),
    row("hasCondition-false-status", '{{ hasCondition .children.deployment "Progressing" }}',
        "false"),
    row("conditionStatus", '{{ conditionStatus .children.deployment "Progressing" }}', "False"),
    row("conditionStatus-absent", '[{{ conditionStatus .children.deployment "Nope" }}]', "[]"),
    row("phase", "{{ phase .children.pod }}", "Running"),
    row("phase-no-child", "[{{ phase .children.none }}]", "[]"),
]

ROWS = (TEXT_AND_LITERALS + FIELDS_AND_MISSING + PIPELINES + CONTROL + VARIABLES
        + TRIM_AND_COMMENTS + JINJA_LOOKALIKES + CORE + COMPARISON + CONDITIONAL + STRINGS
        + MATH + TYPES + DATA + MAPS_AND_LISTS + KUBERNETES)


def test_the_table_is_big_enough() -> None:
    assert len(ROWS) >= 120


@pytest.mark.parametrize(("template", "expected"), ROWS)
def test_render(template: str, expected: str) -> None:
    assert render(template, CR) == expected


@pytest.mark.parametrize(("template", "expected"), ROWS)
def test_every_row_passes_the_build_checks(template: str, expected: str) -> None:
    assert check(template) == []


NATIVE = [
    pytest.param("{{ .spec.count }}", 3, id="int"),
    pytest.param("{{ .spec.tags }}", ["a", "b", "c"], id="list"),
    pytest.param("{{ eq 1 1 }}", True, id="bool"),
    pytest.param("{{ .spec.missing }}", None, id="missing"),
    pytest.param("{{ 1.5 }}", 1.5, id="float"),
    pytest.param("x{{ .spec.count }}", "x3", id="text-and-action-is-text"),
    pytest.param("no action", "no action", id="no-action"),
    pytest.param("{{ $x := 1 }}", "", id="declaration-is-text"),
]


@pytest.mark.parametrize(("template", "expected"), NATIVE)
def test_evaluate_returns_the_native_value_of_one_action(template: str, expected: Any) -> None:
    assert evaluate(template, CR) == expected


def problem(id_: str, template: str, code: str, line: int, column: int,
            inputs: frozenset[str] | None = None, hint: str | None = None) -> Any:
    return pytest.param(template, inputs, code, line, column, hint, id=id_)


HOST = frozenset({"host", "port"})
BUILD_ERRORS = [
    problem("unclosed-action", "{{ .a ", "template-syntax", 0, 0),
    problem("single-close-brace", "x {{ .a }", "template-syntax", 0, 8),
    problem("if-without-end", "{{ if .a }}x", "template-syntax", 0, 0),
    problem("end-without-if", "ok\n{{ end }}", "template-syntax", 1, 0),
    problem("else-without-if", "{{ else }}", "template-syntax", 0, 0),
    problem("missing-command-after-pipe", "{{ .a | }}", "template-syntax", 0, 6),
    problem("unterminated-string", '{{ "abc }}', "template-syntax", 0, 3),
    problem("bad-number", "{{ 1.2.3 }}", "template-syntax", 0, 3),
    problem("integer-overflows-int64", "{{ 9223372036854775808 }}", "template-syntax", 0, 3),
    problem("float-out-of-range", "{{ 1e999 }}", "template-syntax", 0, 3),
    problem("undefined-variable", "a\nb {{ $x }}", "template-syntax", 1, 5),
    problem("unclosed-paren", "{{ ( }}", "template-syntax", 0, 3),
    problem("unclosed-comment", "{{/* x }}", "template-syntax", 0, 2),
    problem("field-with-arguments", "{{ .a .b }}", "template-syntax", 0, 3),
    problem("invalid-escape", r'{{ "\q" }}', "template-syntax", 0, 4),
    problem("two-variables-outside-range", "{{ $x, $y := 1 }}", "template-syntax", 0, 3),
    problem("empty-action", "{{ }}", "template-syntax", 0, 0),
    problem("unknown-function", "{{ lowr .a }}", "unknown-function", 0, 3,
            hint="did you mean `lower`?"),
    problem("unknown-function-piped", "x\n  {{ .a | toupper }}", "unknown-function", 1, 10,
            hint="did you mean `toUpper`?"),
    problem("unknown-function-jinja-global", "{{ lipsum 3 }}", "unknown-function", 0, 3),
    problem("define", '{{ define "x" }}{{ end }}', "unsupported-template-syntax", 0, 3),
    problem("template", '{{ template "x" }}', "unsupported-template-syntax", 0, 3),
    problem("block", '{{ block "x" . }}{{ end }}', "unsupported-template-syntax", 0, 3),
    problem("break", "{{ range .a }}{{ break }}{{ end }}", "unsupported-template-syntax", 0, 17),
    problem("continue", "a\nb {{ continue }}", "unsupported-template-syntax", 1, 5),
    problem("inputs-outside-motif", "x-{{ .inputs.host }}", "inputs-outside-motif", 0, 5),
    problem("inputs-root-outside-motif", "{{ $.inputs.host }}", "inputs-outside-motif", 0, 3),
    problem("undeclared-input", "{{ .inputs.hots }}", "undeclared-input", 0, 3, HOST,
            hint="did you mean `host`? declared inputs: host, port"),
    problem("undeclared-input-in-paren", "{{ upper (.inputs.nope) }}", "undeclared-input",
            0, 10, HOST),
    problem("now-at-build", "{{ now }}", "nondeterministic-at-build", 0, 3, HOST),
    problem("uuid-at-build", "id-{{ uuidv4 }}", "nondeterministic-at-build", 0, 6, HOST),
    problem("random-with-input-at-build", "{{ randAlphaNum .inputs.port }}",
            "nondeterministic-at-build", 0, 3, HOST),
    problem("too-few-arguments", "{{ lower }}", "wrong-argument-count", 0, 3),
    problem("pipe-counts-as-argument", '{{ .a | lower "x" }}', "wrong-argument-count", 0, 8),
    problem("too-many-arguments", "{{ ternary 1 2 3 4 }}", "wrong-argument-count", 0, 3),
    problem("niladic-given-argument", "{{ .spec.x | now }}", "wrong-argument-count", 0, 13),
]


@pytest.mark.parametrize(("template", "inputs", "code", "line", "column", "hint"), BUILD_ERRORS)
def test_build_time_error(template: str, inputs: frozenset[str] | None, code: str, line: int,
                          column: int, hint: str | None) -> None:
    problems = check(template, motif_inputs=inputs)
    assert [(p.code, p.line, p.column) for p in problems] == [(code, line, column)]
    if hint is not None:
        assert problems[0].hint == hint


def test_runtime_only_functions_are_fine_outside_build_evaluated_actions() -> None:
    assert check("{{ now }}") == []
    assert check("{{ printf \"%s-%s\" .metadata.name (randAlphaNum 5) }}",
                 motif_inputs=HOST) == []


EXECUTION_ERRORS = [
    pytest.param("{{ div 1 0 }}", "div: division by zero", id="division-by-zero"),
    pytest.param("{{ mod 1 0 }}", "mod: division by zero", id="modulo-by-zero"),
    pytest.param("{{ index .spec.tags 5 }}", "index out of range: 5", id="index-out-of-range"),
    pytest.param("{{ index .spec.ports 1 }}", "value has type int; should be string",
                 id="index-map-by-an-int"),
    pytest.param('{{ index .spec.nested "a" true }}', "value has type bool; should be string",
                 id="index-nested-map-by-a-bool"),
    pytest.param('{{ range "abc" }}{{ end }}', "range can't iterate over abc", id="range-string"),
    pytest.param("{{ len 3 }}", "len of int", id="len-of-int"),
    pytest.param('{{ add "x" 1 }}', "add: 'x' is not a number", id="add-not-a-number"),
    pytest.param('{{ lt "a" 1 }}', "incompatible types for comparison", id="lt-mixed"),
    pytest.param('{{ b64dec "%%%" }}', "b64dec:", id="b64dec-invalid"),
    pytest.param("{{ keys .spec.tags }}", "keys: \\[\\]interface {} is not a map",
                 id="keys-of-list"),
    pytest.param("{{ slice .spec.tags 2 1 }}", "slice bounds out of range", id="slice-bounds"),
]


@pytest.mark.parametrize(("template", "message"), EXECUTION_ERRORS)
def test_execution_error(template: str, message: str) -> None:
    with pytest.raises(ProblemError, match=message) as info:
        render(template, CR)
    assert info.value.problem.code == "template-execution"
