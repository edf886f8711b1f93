"""The lock and CI docs: every ork command they show exists, with the flags they give it."""

from __future__ import annotations

import re
import shlex

import click
import pytest
import yaml

from ork.cli import cli
from tests.conftest import REPO

DOCS = ("docs/lock.md", "docs/ci.md")
WORKFLOW = "docs/examples/github-actions-ork.yml"
GLOBAL = {"--quiet", "-q", "--debug", "--no-color", "--help", "-h", "--version"}


def doc_commands(text: str) -> list[str]:
    """Return the ork command lines of a markdown file: code spans and code-block lines."""
    found = re.findall(r"`(ork [^`]+)`", text)
    found += [line.strip() for line in text.splitlines() if line.strip().startswith("ork ")]
    return found


def workflow_commands(text: str) -> list[str]:
    """Return the ork command lines of a workflow's ``run`` steps (continuations joined)."""
    out = []
    for job in yaml.safe_load(text)["jobs"].values():
        for step in job["steps"]:
            script = re.sub(r"\\\n\s*", " ", step.get("run", ""))
            out += [line.strip() for line in script.splitlines()
                    if line.strip().startswith("ork ")]
    return out


def check(line: str) -> None:
    """Fail unless ``line`` names an ork command and only flags that command has."""
    words = shlex.split(re.sub(r"\$\{?\w+\}?", "X", line.replace("…", "")), comments=True)
    command: click.Command = cli
    ctx = click.Context(cli)
    for word in words[1:]:
        # get_command, not .commands: the root group loads its commands when asked for.
        sub = command.get_command(ctx, word) if isinstance(command, click.Group) else None
        if sub is not None:
            command = sub
    flags = {o for p in command.params for o in (*p.opts, *p.secondary_opts)} | GLOBAL
    for word in words[1:]:
        if word.startswith("-"):
            assert word.split("=")[0] in flags, f"{line!r}: {command.name} has no {word}"
    assert command is not cli, f"{line!r} names no ork command"


@pytest.mark.parametrize("path", [*DOCS, WORKFLOW])
def test_every_ork_command_shown_exists(path: str) -> None:
    text = (REPO / path).read_text()
    lines = workflow_commands(text) if path.endswith(".yml") else doc_commands(text)
    assert lines, f"{path} shows no ork command"
    for line in lines:
        check(line)


def test_the_workflow_builds_locked_and_posts_the_lock_diff_and_the_plan() -> None:
    lines = workflow_commands((REPO / WORKFLOW).read_text())
    assert "ork generate bundle -f komposer.yaml -o bundle.yaml --locked" in lines
    assert any(line.startswith("ork lock diff ") and "--format markdown" in line
               for line in lines)
    assert any(line.startswith("ork plan ") and "--output markdown" in line for line in lines)


def test_the_checker_catches_a_flag_ork_does_not_have() -> None:
    with pytest.raises(AssertionError, match="has no --frozen"):
        check("ork generate bundle --frozen")
    with pytest.raises(AssertionError, match="names no ork command"):
        check("ork --quiet")


def test_the_merge_driver_setup_is_documented_identically() -> None:
    for path in DOCS:
        text = (REPO / path).read_text()
        assert 'git config merge.ork-lock.driver "ork lock merge-driver %O %A %B"' in text
        assert "echo 'ork.lock merge=ork-lock' >> .gitattributes" in text
