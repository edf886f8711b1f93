"""Every diagnostic code is listed in ork.codes and documented in docs/errors.md."""

from __future__ import annotations

import ast
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


# The classes of errors a user can cause (InternalError is a bug in ork, not theirs).
USER_ERRORS = {"InputError", "GraphError", "TemplateError", "SourceError", "RegistryError",
               "LockError", "RuntimeError_", "UsageError"}
# Constructors whose sixth positional argument is the hint.
HINT_SIXTH = {"Diagnostic", "Problem", "problem_at"}
# Helpers that build a user error from their arguments (the template parser's ``p.fail``).
ERROR_HELPERS = {"fail"}


def _hintless(text: str) -> list[int]:
    """Return the lines of user-error constructions in a module that give no hint (one
    whose lines say ``# hint:`` where the hint comes from is not counted)."""
    source = text.splitlines()
    lines = []
    for node in ast.walk(ast.parse(text)):
        if not isinstance(node, ast.Call):
            continue
        if any("# hint:" in line for line in source[node.lineno - 1:node.end_lineno]):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
        positional_hint = name in HINT_SIXTH and len(node.args) >= 6
        hinted = positional_hint or any(k.arg == "hint" for k in node.keywords)
        if (name in USER_ERRORS or name in HINT_SIXTH or name in ERROR_HELPERS) \
                and node.args and not hinted:
            lines.append(node.lineno)
    return lines


def test_every_user_error_the_sources_raise_carries_a_hint() -> None:
    """STYLE: every user error gets a code, a location and a hint (what to do about it).
    Errors rebuilt from another error's diagnostics (``OrkError.of``) keep its hint."""
    missing = []
    for path in sorted((REPO / "compiler" / "ork").rglob("*.py")):
        for line in _hintless(path.read_text()):
            missing.append(f"{path.relative_to(REPO)}:{line}")
    assert missing == []
