"""The README's two set-up commands are what CI runs (SPEC §2, issue 8)."""

from __future__ import annotations

import re

from tests.conftest import REPO


def _setup_commands() -> list[str]:
    text = (REPO / "README.md").read_text()
    section = text.split("## Set up", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n\s*(.+?)\n\s*```", section)


def test_the_readme_has_exactly_two_setup_commands() -> None:
    first, second = _setup_commands()
    assert "ork init --pack registry-guide" in first
    assert "ork generate bundle -f komposer.yaml" in first
    assert second.endswith("just check")


def test_ci_runs_the_second_command_verbatim_and_checks_the_first() -> None:
    ci = (REPO / ".ci" / "run").read_text()
    assert _setup_commands()[1] in ci
    assert "scripts/readme-install-check" in ci
    script = (REPO / "scripts" / "readme-install-check").read_text()
    assert "1\\. Install ork" in script  # it finds the first command in the README itself
