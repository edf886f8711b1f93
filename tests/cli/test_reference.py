"""The README's CLI reference is generated from the commands and must not be stale."""

from __future__ import annotations

from pathlib import Path

from ork.cli import cli
from ork.cli.reference import END, START, markdown, splice

README = Path(__file__).resolve().parents[2] / "README.md"


def test_readme_cli_reference_is_current() -> None:
    text = README.read_text()
    assert START in text
    assert END in text
    assert splice(text, markdown(cli)) == text, "run `just docs` to regenerate it"


def test_every_command_is_in_the_reference() -> None:
    reference = markdown(cli)
    for name in cli.list_commands(None):  # type: ignore[arg-type]
        assert f"### `ork {name}" in reference
