"""``printf`` against Go's fmt: every expected value is what Go's ``fmt.Sprintf`` prints for
the same format and arguments, as documented in https://pkg.go.dev/fmt and pinned by Go's
own fmt tests; rows marked "ork:" follow a choice written in docs/templates.md.
"""

from __future__ import annotations

from typing import Any

import pytest

from ork.templates import ProblemError, render
from ork.templates.printf import sprintf
from tests.unit.templates.context import CR

INF, NAN = float("inf"), float("nan")


def row(fmt: str, *args: Any, want: str) -> Any:
    return pytest.param(fmt, args, want, id=f"{fmt!r}{args!r}")


WIDTH_AND_INDEX_FROM_ARGUMENTS = [
    row("%*d", 5, 42, want="   42"),
    row("%-*d|", 5, 42, want="42   |"),
    row("%*d|", -5, 42, want="42   |"),  # a negative width pads on the right
    row("%.*f", 2, 3.14159, want="3.14"),
    row("%[1]d %[1]d", 7, want="7 7"),
    row("%[2]d %[1]d", 11, 22, want="22 11"),
    row("%[2]*[1]d", 2, 5, want="    2"),
    row("%[3]*.[2]*[1]f", 12.0, 2, 6, want=" 12.00"),
    row("%d %d %#[1]x %#x", 16, 17, want="16 17 0x10 0x11"),
    row("%*s", 4.5, "hi", want="%!(BADWIDTH)hi"),
    row("%.*s", 4.5, "hi", want="%!(BADPREC)hi"),
    row("%.*d", -1, 42, want="%!(BADPREC)42"),
    row("%*[2]d", 7, want="%!d(BADINDEX)"),
    row("%.[2]d", 7, want="%!d(BADINDEX)"),
    row("%[3]d", 1, 2, want="%!d(BADINDEX)"),
    row("%[1]2d", 2, 1, want="%!d(BADINDEX)"),
    row("%[3]", 2, 1, want="%!(NOVERB)"),
    row("%d %[3]d %d", 1, 2, want="1 %!d(BADINDEX) 2"),
    row("%[2]d", 1, 2, want="2"),  # an explicit index: unused arguments are no EXTRA
]

VERBS = [
    row("%U", 65, want="U+0041"),
    row("%#U", 65, want="U+0041 'A'"),
    row("%#U", 0x263A, want="U+263A '☺'"),
    row("%#U", 10, want="U+000A"),  # not printable: no character
    row("%U", -1, want="U+FFFFFFFFFFFFFFFF"),
    row("%#14.6U", 0x2318, want="  U+002318 '⌘'"),
    row("%O", 8, want="0o10"),
    row("%T|%T|%T|%T|%T", 1, "s", 1.5, [1], {"a": 1},
        want="int|string|float64|[]interface {}|map[string]interface {}"),
    row("%T", None, want="<nil>"),
    row("%b", 1.0, want="4503599627370496p-52"),
    row("%x|%X", 3.0, 3.0, want="0x1.8p+01|0X1.8P+01"),
    row("%.3x", 1.0, want="0x1.000p+00"),
]

FLAGS = [
    row("% x", "hi", want="68 69"),
    row("% X", "xyz", want="78 79 7A"),
    row("%# x", "xyz", want="0x78 0x79 0x7a"),
    row("%#X", "xyz", want="0X78797A"),
    row("%.1x", "日本語", want="e6"),  # the precision counts bytes
    row("%.3q", "abcdef", want='"abc"'),
    row("%.3q", "日本語日本語", want='"日本語"'),
    row("%#q", "hi", want="`hi`"),
    row("%#q", "a\nb", want='"a\\nb"'),  # a newline cannot be backquoted
    row("%#q", "a`b", want='"a`b"'),
    row("%+q", "日本", want='"\\u65e5\\u672c"'),
    row("%#x|%#X|%#o|%#b", 255, 255, 8, 5, want="0xff|0XFF|010|0b101"),
    row("%#o", 0, want="0"),
    row("%#08x", 255, want="0x000000ff"),
    row("%#v", "hi", want='"hi"'),
    row("%#v", 42, want="42"),
    row("%#v", 1.0, want="1"),
    row("%#v", True, want="true"),
    row("%#v", {"b": 2, "a": "x"}, want='map[string]interface {}{"a":"x", "b":2}'),
    row("%#v", [1, "a", None], want='[]interface {}{1, "a", interface {}(nil)}'),
    row("%#g|%#.0f", 1.0, 1.0, want="1.00000|1."),
    row("%05s|%-05s|", "ab", "ab", want="000ab|ab   |"),
    row("%+v|% v", 5, 5, want="5| 5"),  # %+v names struct fields, so no sign
    row("%.d|%6.0d|", 0, 0, want="|      |"),
    row("%020.8d", -1234, want="           -00001234"),
    row("%+.3e", 0.0, want="+0.000e+00"),
    row("%f|%5.1f|% f", INF, -INF, NAN, want="+Inf| -Inf| NaN"),
    row("%010f", INF, want="      +Inf"),  # no zero padding for an infinity
]

ERRORS = [
    row("abc%", want="abc%!(NOVERB)"),
    row("%s %.2", "x", want="x %!(NOVERB)"),
    row("%d", want="%!d(MISSING)"),
    row("%d %d", 1, want="1 %!d(MISSING)"),
    row("%d", 1, 2, want="1%!(EXTRA int=2)"),
    row("x", 1, "a", want="x%!(EXTRA int=1, string=a)"),
    row("%d", "hi", want="%!d(string=hi)"),
    row("%5d", "hi", want="%!d(string=   hi)"),  # the value keeps the directive's flags
    row("%s", 5, want="%!s(int=5)"),
    row("%z", 1.5, want="%!z(float64=1.5)"),
    row("%.", 3, want="%!.(int=3)"),
    row("%!", 3, want="%!!(int=3)"),
    row("%d", None, want="%!d(<nil>)"),
    row("%2147483648d", 42, want="%!(NOVERB)%!(EXTRA int=42)"),  # an absurd width is none
    row("%-5%|", want="%|"),  # %% takes no argument and no width
]

ORK_CHOICES = [
    row("[%v]", None, want="[]"),  # ork: nil prints as nothing
    row("[%5v]", None, want="[     ]"),
    row("%v", [1, "a"], want='[1,"a"]'),  # ork: lists and maps print as JSON
    row("%.1f|%e", 3, 3, want="3.0|3.000000e+00"),  # ork: an integer fits a float verb
]


@pytest.mark.parametrize(("fmt", "args", "want"),
                         WIDTH_AND_INDEX_FROM_ARGUMENTS + VERBS + FLAGS + ERRORS + ORK_CHOICES)
def test_sprintf_prints_what_go_prints(fmt: str, args: tuple[Any, ...], want: str) -> None:
    assert sprintf(fmt, *args) == want


@pytest.mark.parametrize(("template", "want"), [
    ('{{ printf "%*d|%[1]d" 4 7 }}', "   7|4"),
    ('{{ printf "%#U" 9731 }}', "U+2603 '☃'"),
    ('{{ printf "% x" .metadata.name }}', "73 68 6f 70"),
    ('{{ printf "%.2q" .metadata.name }}', '"sh"'),
    ('{{ printf "%#v" .spec.ports }}', 'map[string]interface {}{"admin":9000, "http":80}'),
    ('{{ printf "%d%" 1 }}', "1%!(NOVERB)"),
])
def test_printf_in_a_template(template: str, want: str) -> None:
    assert render(template, CR) == want


@pytest.mark.parametrize("template", [
    '{{ printf "%*d" 5000 1 }}',
    '{{ printf "%.*f" 999999 1.0 }}',
])
def test_a_width_from_an_argument_is_bounded_too(template: str) -> None:
    with pytest.raises(ProblemError, match="larger than 4096") as info:
        render(template, CR)
    assert info.value.problem.code == "template-execution"
