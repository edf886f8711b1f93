"""Determinism (SPEC §4): every passing golden gives the same bytes in any environment.

Each variant is one subprocess with its own PYTHONHASHSEED, TZ, LC_ALL, umask and working
directory; inside it every case is compiled twice on one cache (cold, then warm — the
warm build may be answered by the fast path). Every bundle.yaml and ork.lock must hash
to the committed golden's sha256.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, copy_tree
from tests.golden.conftest import case_args, cases
from tests.golden.test_generate import entry_args

PASSING = [c for c in cases("generate") if (c / "expected" / "bundle.yaml").exists()]

DRIVER = r"""
import hashlib, json, os, sys
from ork.entry import main

out = {}
for spec in json.loads(sys.argv[1]):
    os.chdir(spec["cwd"])
    for attempt in ("cold", "warm"):
        for name in ("bundle.yaml", "ork.lock"):
            path = os.path.join(spec["work"], name)
            if os.path.exists(path):
                os.unlink(path)
        sys.argv = ["ork", "--quiet", "generate", "bundle", *spec["args"]]
        code = main()
        digests = []
        for name in ("bundle.yaml", "ork.lock"):
            with open(os.path.join(spec["work"], name), "rb") as fh:
                digests.append(hashlib.sha256(fh.read()).hexdigest())
        out[spec["case"] + "/" + attempt] = [code, *digests]
print(json.dumps(out))
"""

VARIANTS = {
    "seed0-utc-C-022-in-project": ({"PYTHONHASHSEED": "0", "TZ": "UTC", "LC_ALL": "C"},
                                   0o022, "work"),
    "seed12345-kathmandu-utf8-077-elsewhere": (
        {"PYTHONHASHSEED": "12345", "TZ": "Asia/Kathmandu", "LC_ALL": "C.UTF-8"}, 0o077,
        "elsewhere"),
    "random-stjohns-posix-002-elsewhere": (
        {"PYTHONHASHSEED": "random", "TZ": "America/St_Johns", "LC_ALL": "POSIX",
         "LANG": "tr_TR.UTF-8"}, 0o002, "elsewhere"),
}


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _specs(tmp: Path, where: str) -> list[dict[str, object]]:
    elsewhere = tmp / "elsewhere"
    elsewhere.mkdir()
    specs: list[dict[str, object]] = []
    for case in PASSING:
        work = tmp / case.name
        copy_tree(case, work)
        cwd = work if where == "work" else elsewhere
        args = [a if a.startswith("-") or not (work / a).exists()
                else os.path.relpath(work / a, cwd)
                for a in case_args(case, entry_args(work))]
        args += ["-o", os.path.relpath(work / "bundle.yaml", cwd)]
        specs.append({"case": case.name, "work": str(work), "cwd": str(cwd), "args": args})
    return specs


@pytest.mark.slow
@pytest.mark.parametrize("variant", list(VARIANTS))
def test_every_golden_has_one_digest_in_every_environment(variant: str, tmp_path: Path) -> None:
    env_vars, umask, where = VARIANTS[variant]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ORK_", "LC_", "LANG"))}
    env.update(env_vars)
    env["ORK_CACHE_DIR"] = str(tmp_path / "cache")
    env["PYTHONPATH"] = str(REPO)
    specs = _specs(tmp_path, where)
    proc = subprocess.run([sys.executable, "-c", DRIVER, json.dumps(specs)], env=env,
                          capture_output=True, text=True, check=False,
                          preexec_fn=lambda: os.umask(umask))
    assert proc.returncode == 0, proc.stderr
    got = json.loads(proc.stdout)
    assert len(got) == 2 * len(PASSING)
    for case in PASSING:
        want = [0, _sha(case / "expected" / "bundle.yaml"), _sha(case / "expected" / "ork.lock")]
        for attempt in ("cold", "warm"):
            assert got[f"{case.name}/{attempt}"] == want, f"{case.name} ({attempt}, {variant})"
