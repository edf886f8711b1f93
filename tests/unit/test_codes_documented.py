"""Every diagnostic code is listed in ork.codes and documented in docs/errors.md."""

from __future__ import annotations

import re
from pathlib import Path

from ork.codes import ALL_CODES, WARNINGS

REPO = Path(__file__).resolve().parents[2]
RAISED = re.compile(r'(?:Error|Diagnostic|Problem|_?problem|problem_at\(\s*\w+,)'
                    r'\(?\s*"([a-z][a-z0-9]*(?:-[a-z0-9]+)+)"')


def raised_codes() -> set[str]:
    codes: set[str] = set()
    for path in (REPO / "compiler" / "ork").rglob("*.py"):
        codes.update(RAISED.findall(path.read_text()))
    return codes


def documented_codes() -> set[str]:
    text = (REPO / "docs" / "errors.md").read_text()
    return set(re.findall(r"^### ([a-z0-9-]+)", text, re.MULTILINE))


def test_every_raised_code_is_listed() -> None:
    assert raised_codes() - ALL_CODES == set()


def test_every_listed_code_is_documented_and_nothing_else() -> None:
    assert documented_codes() == set(ALL_CODES)


def test_warnings_are_marked_as_warnings_in_the_docs() -> None:
    text = (REPO / "docs" / "errors.md").read_text()
    for code in WARNINGS:
        assert re.search(rf"^### {code}\b.*\(warning\)", text, re.MULTILINE), code
