"""``ork generate bundle`` on every case under fixtures/generate/.

A passing case has ``expected/bundle.yaml`` and ``expected/ork.lock``; a failing case has
``expected/diagnostics.txt`` (stderr) and ``expected/exit-code``. Every passing case is
also compiled twice on one cache (cold, then warm) and must give the same bytes.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import Ork, copy_tree
from tests.golden.conftest import UPDATE, case_args, cases, check_golden

CASES = cases("generate")


def entry_args(work: Path) -> list[str]:
    """Return ``-f`` for the default entry file of a case."""
    for name in ("komposer.yaml", "katalog.yaml"):
        if (work / name).exists():
            return ["-f", name]
    return []


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_generate(case: Path, ork: Ork, tmp_path: Path) -> None:
    work = tmp_path / "work"
    copy_tree(case, work)
    args = case_args(case, entry_args(work))
    result = ork("generate", "bundle", *args, "-o", "bundle.yaml", cwd=work)
    expected = case / "expected"
    code_file = expected / "exit-code"
    failing = code_file.exists() if not UPDATE else result.code != 0
    if failing:
        if UPDATE:
            code_file.parent.mkdir(parents=True, exist_ok=True)
            code_file.write_text(f"{result.code}\n")
        assert result.code == int(code_file.read_text()), str(result)
        check_golden(expected / "diagnostics.txt", result.stderr)
        assert not (work / "bundle.yaml").exists(), "a failed build wrote a bundle"
        return
    assert result.code == 0, str(result)
    check_golden(expected / "bundle.yaml", (work / "bundle.yaml").read_text())
    check_golden(expected / "ork.lock", (work / "ork.lock").read_text())
    if (expected / "stderr.txt").exists() or (UPDATE and "warning" in result.stderr):
        check_golden(expected / "stderr.txt", _warnings(result.stderr))
    first = (work / "bundle.yaml").read_bytes()
    (work / "bundle.yaml").unlink()
    again = ork("generate", "bundle", *args, "-o", "bundle.yaml", cwd=work)
    assert again.code == 0, str(again)
    assert (work / "bundle.yaml").read_bytes() == first, "the warm rebuild changed the bytes"


def _warnings(stderr: str) -> str:
    return "".join(line for line in stderr.splitlines(True) if not line.startswith("wrote "))
