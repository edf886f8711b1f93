"""Golden cases: ``fixtures/<area>/<case>/`` holds the inputs and ``expected/`` the outputs.

``just golden`` (ORK_UPDATE_GOLDEN=1) rewrites the expected files; read the diff before
committing it.
"""

from __future__ import annotations

import difflib
import os
import shlex
from pathlib import Path

import pytest

from tests.conftest import FIXTURES

UPDATE = os.environ.get("ORK_UPDATE_GOLDEN") == "1"


def cases(area: str) -> list[Path]:
    """Return the case directories of an area, sorted (test ids are their names)."""
    root = FIXTURES / area
    return sorted(p for p in root.iterdir() if p.is_dir()) if root.is_dir() else []


def case_args(case: Path, default: list[str]) -> list[str]:
    """Return the extra arguments in ``args`` (shell syntax), or the default."""
    path = case / "args"
    return shlex.split(path.read_text()) if path.exists() else default


def check_golden(expected: Path, actual: str) -> None:
    """Compare with a golden file (or write it under ORK_UPDATE_GOLDEN=1)."""
    if UPDATE:
        expected.parent.mkdir(parents=True, exist_ok=True)
        expected.write_text(actual)
        return
    if not expected.exists():
        pytest.fail(f"missing golden file {expected}; run `just golden` to create it")
    want = expected.read_text()
    if want != actual:
        diff = "".join(difflib.unified_diff(want.splitlines(True), actual.splitlines(True),
                                            str(expected), "actual"))
        pytest.fail(f"golden mismatch:\n{diff}")
