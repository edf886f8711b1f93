"""``ork plan`` on every case under fixtures/plan/.

A case holds the project that is deployed (``deployed/``, compiled here into the deployed
bundle, with the flags in ``deployed-args``) or the deployed file itself
(``deployed.yaml``: a bundle or a ConfigMap as kubectl prints it), the working tree
(``current/``) and, optionally, extra plan flags in ``args``. ``expected/`` holds the
plan as text, JSON and markdown, and the exit code under ``--detailed-exitcode``.

Every case also checks the invariants: plan writes no bundle and no lock; a plan against
the bundle of the working tree itself is empty; the same plan twice is the same bytes,
also in another process under another PYTHONHASHSEED.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, REPO, Ork, copy_tree
from tests.golden.conftest import UPDATE, case_args, cases, check_golden

CASES = cases("plan")
OUTPUTS = (("text", "plan.txt"), ("json", "plan.json"), ("markdown", "plan.md"))


def _entry(work: Path) -> list[str]:
    for name in ("komposer.yaml", "katalog.yaml"):
        if (work / name).exists():
            return ["-f", name]
    raise AssertionError(f"no entry file in {work}")


def _deployed(case: Path, work: Path, ork: Ork) -> str:
    """Return the path of the deployed bundle, relative to ``work/current``."""
    if (case / "deployed.yaml").exists():
        return "../deployed.yaml"
    extra = shlex.split((case / "deployed-args").read_text()) \
        if (case / "deployed-args").exists() else []
    built = ork("generate", "bundle", *_entry(work / "deployed"), *extra, "-o", "bundle.yaml",
                cwd=work / "deployed")
    assert built.code == 0, str(built)
    return "../deployed/bundle.yaml"


def _snapshot(directory: Path) -> dict[str, bytes]:
    return {p.relative_to(directory).as_posix(): p.read_bytes()
            for p in sorted(directory.rglob("*")) if p.is_file()}


@pytest.fixture(params=CASES, ids=[c.name for c in CASES])
def case(request: pytest.FixtureRequest, tmp_path: Path, ork: Ork) -> tuple[Path, Path, str]:
    """Return the case, its work directory and the deployed bundle's path."""
    work = tmp_path / "work"
    copy_tree(request.param, work)
    return request.param, work, _deployed(request.param, work, ork)


def test_plan(case: tuple[Path, Path, str], ork: Ork) -> None:
    src, work, deployed = case
    current = work / "current"
    args = [*_entry(current), "--bundle", deployed, *case_args(src, [])]
    before = _snapshot(current)
    for fmt, name in OUTPUTS:
        result = ork("plan", *args, "--output", fmt, cwd=current)
        assert result.code == 0, str(result)
        check_golden(src / "expected" / name, result.stdout)
        again = ork("plan", *args, "--output", fmt, cwd=current)
        assert again.stdout == result.stdout, f"a second {fmt} plan differs"
    detailed = ork("plan", *args, "--detailed-exitcode", cwd=current)
    check_golden(src / "expected" / "exit-code", f"{detailed.code}\n")
    assert _snapshot(current) == before, "ork plan wrote into the working tree"


def test_plan_against_its_own_build_is_empty(case: tuple[Path, Path, str], ork: Ork) -> None:
    src, work, _ = case
    current = work / "current"
    args = [a for a in case_args(src, []) if a != "--show-secrets"]
    built = ork("generate", "bundle", *_entry(current), *args, "-o", "../own-bundle.yaml",
                cwd=current)
    assert built.code == 0, str(built)
    result = ork("plan", *_entry(current), "--bundle", "../own-bundle.yaml", *args,
                 "--detailed-exitcode", cwd=current)
    assert (result.code, result.stdout) == (0, "No changes. The deployed bundle matches.\n"), \
        str(result)


DRIVER = """
import contextlib, io, json, os, sys
from ork.cli import main
out = {}
for key, (cwd, args) in json.loads(sys.argv[1]).items():
    os.chdir(cwd)
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        code = main(args)
    out[key] = [code, buf.getvalue()]
print(json.dumps(out))
"""


@pytest.mark.slow
@pytest.mark.skipif(UPDATE, reason="goldens are being rewritten")
@pytest.mark.parametrize("seed", ["0", "4242"])
def test_plan_bytes_do_not_depend_on_the_hash_seed(seed: str, tmp_path: Path, ork: Ork) -> None:
    specs: dict[str, tuple[str, list[str]]] = {}
    for src in CASES:
        work = tmp_path / src.name
        copy_tree(src, work)
        deployed = _deployed(src, work, ork)
        for fmt, name in OUTPUTS[:2]:
            specs[f"{src.name}/{name}"] = (str(work / "current"), [
                "plan", *_entry(work / "current"), "--bundle", deployed, *case_args(src, []),
                "--output", fmt])
    env = {k: v for k, v in os.environ.items() if not k.startswith("ORK_")}
    env.update(PYTHONHASHSEED=seed, PYTHONPATH=str(REPO), NO_COLOR="1",
               ORK_CACHE_DIR=str(tmp_path / "subprocess-cache"))
    proc = subprocess.run([sys.executable, "-c", DRIVER, json.dumps(specs)], env=env,
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    got = json.loads(proc.stdout)
    for key in specs:
        case, name = key.split("/")
        want = (FIXTURES / "plan" / case / "expected" / name).read_text()
        assert got[key] == [0, want], f"{key} under PYTHONHASHSEED={seed}"
