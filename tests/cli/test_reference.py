"""The README's CLI reference is generated from the commands and must not be stale."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

import ork.cli
from ork.cli import COMMAND_MODULES, cli
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


def test_the_lazy_command_table_names_each_module_s_commands() -> None:
    """``ork.cli.COMMAND_MODULES`` says which module to import for a command: a command
    missing from it would vanish from ``ork --help``, one in the wrong module would not run."""
    modules = [info.name for info in pkgutil.iter_modules(ork.cli.__path__)]
    defined = {command.name: module for module in modules
               for command in getattr(importlib.import_module(f"ork.cli.{module}"),
                                      "COMMANDS", ())}
    assert defined == COMMAND_MODULES
