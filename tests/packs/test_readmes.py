"""Every command in every pack README runs as written, with the exit code it promises.

Each pack is scaffolded with ``ork init`` (the real console script, in a subprocess), then
each chapter's README is run by bash from the chapter's directory with ``ork`` on PATH.
Key outputs are asserted on the transcript.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ork.resources import packs_dir
from tests.integration.conftest import LiveRegistry

from .readme import commands, script

BIN = Path(sys.executable).parent
CHAPTERS = [("beginner", ".")] + [
    ("registry-guide", d.name) for d in sorted((packs_dir() / "registry-guide").iterdir())
    if d.is_dir()]


def scaffold(pack: str, tmp: Path) -> Path:
    """Run ``ork init --pack PACK`` in ``tmp``; return the pack's directory."""
    proc = subprocess.run([str(BIN / "ork"), "init", "--pack", pack], cwd=tmp, env=_env(tmp),
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    return tmp / pack


def _env(tmp: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ORK_")}
    env.update({"PATH": f"{BIN}{os.pathsep}{env.get('PATH', '')}", "NO_COLOR": "1",
                "ORK_CACHE_DIR": str(tmp / "cache"), "HOME": str(tmp / "home"), **extra})
    return env


def run_readme(directory: Path, tmp: Path, **extra: str) -> str:
    """Run a chapter README's commands; return the transcript (fails on a wrong exit)."""
    text = (directory / "README.md").read_text()
    proc = subprocess.run(["bash", "-c", script(text)], cwd=directory, env=_env(tmp, **extra),
                          capture_output=True, text=True, check=False, timeout=300)
    transcript = proc.stdout + proc.stderr
    assert proc.returncode == 0, transcript
    return proc.stdout


@pytest.mark.slow
@pytest.mark.parametrize(("pack", "chapter"), [c for c in CHAPTERS if c[1] != "05-registry"],
                         ids=[f"{p}/{c}" for p, c in CHAPTERS if c != "05-registry"])
def test_readme_runs_as_written(pack: str, chapter: str, tmp_path: Path) -> None:
    out = run_readme(scaffold(pack, tmp_path) / chapter, tmp_path)
    assert out.count("\n$ ") + 1 == len(commands(
        (packs_dir() / pack / chapter / "README.md").read_text()))


@pytest.mark.slow
@pytest.mark.integration
def test_registry_chapter_runs_against_a_real_registry(registry: LiveRegistry,
                                                       tmp_path: Path) -> None:
    chapter = scaffold("registry-guide", tmp_path) / "05-registry"
    out = run_readme(chapter, tmp_path, REGISTRY=registry.host)
    assert f"resolved: oci://{registry.host}/katalogs/notes-operator@sha256:" in out
    assert (chapter / "bundle.yaml").read_bytes() == (chapter / "offline.yaml").read_bytes()


def test_the_harness_reads_exit_codes_and_continuations() -> None:
    text = ("intro\n```sh\nork a\nork b \\\n  --flag   # exit 2\n# a comment\n```\n"
            "```console\n$ not run\n```\n")
    assert commands(text) == [("ork a", 0), ("ork b    --flag", 2)]
