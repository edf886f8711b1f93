"""A diagnostic's source excerpt shows the user's line as written, except a URL's password:
``oci://user:***@host``, in the text of every command (the JSON carries no excerpt and no
password either), with the carets still under the same characters."""

from __future__ import annotations

from pathlib import Path

import pytest

from ork.diagnostics import render_text
from ork.errors import Diagnostic, Span
from tests.conftest import Ork

KOMPOSER = """\
apiVersion: orkestra.orkspace.io/v1
kind: Komposer
metadata: {name: app}
imports:
  registry:
"""


@pytest.mark.parametrize(("ref", "shown"), [
    ("oci://bob:s3cret@registry.example.com/katalogs/app:v1",
     "oci://bob:***@registry.example.com/katalogs/app:v1"),
    ("oci://bob:s3cret@registry.example.com", "oci://bob:***@registry.example.com"),
    ('"bob:s3c@ret@registry.example.com/katalogs/app:v1"',
     '"bob:***@registry.example.com/katalogs/app:v1"'),
    ("oci://s3cret@registry.example.com/katalogs/app:v1",
     "oci://***@registry.example.com/katalogs/app:v1"),
])
def test_the_excerpt_under_invalid_reference_hides_the_password(ork: Ork, tmp_path: Path,
                                                                 ref: str, shown: str) -> None:
    (tmp_path / "komposer.yaml").write_text(KOMPOSER + f"    - {ref}\n")
    for args in (("validate",), ("generate", "bundle"), ("lock",)):
        result = ork(*args, cwd=tmp_path)
        assert result.code == 1, result
        assert "error[invalid-reference]" in result.stderr, result
        assert f"  6 |     - {shown}\n" in result.stderr, result
        assert "s3c" not in result.stderr + result.stdout, result
    result = ork("validate", "--output", "json", cwd=tmp_path)
    assert result.code == 1, result
    assert '"code": "invalid-reference"' in result.stdout
    assert "s3c" not in result.stdout + result.stderr, result


def test_carets_stay_under_their_characters_after_a_password_is_hidden() -> None:
    line = "  [oci://a:secret1@h/x, oci://c:secret22@h/y]\n"
    second = line.index("oci://c")
    diag = Diagnostic("invalid-reference", "m", span=Span("k.yaml", 1, second + 1, 1,
                                                          second + 1 + len("oci://c:secret22@h/y")))
    text = render_text([diag], lambda _: line)
    assert text.splitlines()[1:3] == ["  1 |   [oci://a:***@h/x, oci://c:***@h/y]",
                                      "    |                     ^^^^^^^^^^^^^^^"]


@pytest.mark.parametrize("line", [
    "image: ghcr.io/org/app:v1@sha256:abc", "ref: app:v1@sha256:abc",
    "ref: web-service@v1.1.0", "url: git@github.com:org/repo.git", "mail: a@b.c",
])
def test_a_line_without_credentials_is_shown_as_written(line: str) -> None:
    diag = Diagnostic("invalid-reference", "m", span=Span("k.yaml", 1, 1))
    assert render_text([diag], lambda _: line).splitlines()[1] == f"  1 | {line}"
