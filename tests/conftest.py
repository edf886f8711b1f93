"""Fixtures shared by every test: running ork in-process with a private cache."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import settings

from ork.cli import main

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "fixtures"

# Property tests explore new random examples on every local run (that is how they find
# bugs), and the same examples on every CI run (so a red CI always means a change broke
# something, never that the dice found an old bug): .ci/run sets HYPOTHESIS_PROFILE=ci.
# A failure found locally is kept as an explicit example test.
settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
settings.register_profile("dev", print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


@dataclass(frozen=True)
class Result:
    """What one ork invocation printed and returned."""

    code: int
    stdout: str
    stderr: str

    def __str__(self) -> str:
        return f"exit {self.code}\n--- stdout\n{self.stdout}\n--- stderr\n{self.stderr}"


Ork = Callable[..., Result]


@pytest.fixture
def ork(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        tmp_path: Path) -> Ork:
    """Run ``ork ARGS`` in-process in a directory with its own cache; return a Result."""
    cache = tmp_path / "ork-cache"

    def run(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> Result:
        monkeypatch.chdir(cwd or tmp_path)
        monkeypatch.setenv("ORK_CACHE_DIR", str(cache))
        monkeypatch.setenv("NO_COLOR", "1")
        for key in ("ORK_REGISTRY", "ORK_MOTIFS_REGISTRY", "ORK_NAMESPACE"):
            monkeypatch.delenv(key, raising=False)
        for key, value in (env or {}).items():
            monkeypatch.setenv(key, value)
        capsys.readouterr()
        code = main(list(args))
        out, err = capsys.readouterr()
        return Result(code, out, err)

    return run


def copy_tree(src: Path, dst: Path, *, skip: Sequence[str] = ("expected",)) -> None:
    """Copy a fixture's inputs (not its expected outputs) into a work directory."""
    for path in sorted(src.rglob("*")):
        rel = path.relative_to(src)
        if rel.parts and rel.parts[0] in skip:
            continue
        target = dst / rel
        if path.is_dir():
            target.mkdir(parents=True, exist_ok=True)
        elif path.is_symlink():
            target.parent.mkdir(parents=True, exist_ok=True)
            os.symlink(os.readlink(path), target)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(path.read_bytes())
