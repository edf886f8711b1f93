"""docs/templates.md documents every function of the table, and nothing the table lacks."""

from __future__ import annotations

import re
from pathlib import Path

from ork.templates import functions

DOC = (Path(__file__).resolve().parents[3] / "docs" / "templates.md").read_text()


def documented() -> set[str]:
    """Function names in the first column of the function tables."""
    section = DOC.split("## Functions", 1)[1].split("## Build time and run time", 1)[0]
    return {name for row in re.findall(r"^\| (`[^|]+`) \|", section, re.MULTILINE)
            for name in re.findall(r"`(\w+)`", row)}


def test_every_function_is_documented() -> None:
    assert set(functions.ALL) - documented() == set()


def test_no_documented_function_is_missing_from_the_table() -> None:
    assert documented() - set(functions.ALL) == set()
