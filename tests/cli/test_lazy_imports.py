"""Start-up cost: a command imports only the heavy libraries its work needs (issue 9).

Each case runs ork in a fresh interpreter and lists which of the heavy libraries ended up
in ``sys.modules``. A build imports jinja2 only when a Motif needs a template run at build
time; ``{{ .inputs.x }}`` alone is substituted without it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FIXTURES

# ork.kinds.simulate: seven model classes only `ork simulate` reads, built by no build.
HEAVY = ("click", "pydantic", "yaml", "jinja2", "networkx", "oras", "requests",
         "ork.kinds.simulate")
PROBE = """
import contextlib, io, json, sys
watched = json.loads(sys.argv[1])
sys.argv = ["ork", *sys.argv[2:]]
from ork.entry import main
with contextlib.redirect_stdout(io.StringIO()):
    code = main()
heavy = sorted(m for m in sys.modules if m in watched)
print(json.dumps([code, heavy]))
"""


def _loaded(*args: str, cwd: Path, watched: tuple[str, ...] = HEAVY) -> tuple[int, list[str]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ORK_")}
    env["ORK_CACHE_DIR"] = str(cwd / ".ork-cache")
    done = subprocess.run([sys.executable, "-c", PROBE, json.dumps(watched), *args], cwd=cwd,
                          env=env, capture_output=True, text=True, check=True, timeout=120)
    code, heavy = json.loads(done.stdout)
    return code, heavy


@pytest.mark.parametrize(("args", "expected"), [
    (["--version"], []),
    (["--help"], ["click"]),
])
def test_start_up_paths_import_almost_nothing(tmp_path: Path, args: list[str],
                                              expected: list[str]) -> None:
    assert _loaded(*args, cwd=tmp_path) == (0, expected)


@pytest.mark.parametrize(("fixture", "entry", "expected"), [
    # Motifs whose strings read whole inputs, `{{ .inputs.image }}`: no template runs.
    ("motif-two-local", "komposer.yaml", ["click", "pydantic", "yaml"]),
    # `{{ .inputs.replicas | int }}`-style reads run through the engine at build time.
    ("motif-typed-inputs", "katalog.yaml", ["click", "jinja2", "pydantic", "yaml"]),
])
def test_a_build_imports_the_template_engine_only_when_a_template_runs(
        tmp_path: Path, fixture: str, entry: str, expected: list[str]) -> None:
    root = tmp_path / "p"
    shutil.copytree(FIXTURES / "generate" / fixture, root,
                    ignore=shutil.ignore_patterns("expected"))
    assert _loaded("-q", "generate", "bundle", "-f", entry, cwd=root) == (0, expected)


# ork's own modules that a build never runs: other commands' modules (ork.cli loads a
# command's module when the command is asked for; the registry settings a build needs are
# in ork.cli.sources, apart from the registry commands).
NOT_FOR_BUILDS = ("ork.cli.init", "ork.cli.lock", "ork.cli.plan", "ork.cli.registry",
                  "ork.cli.runtime")


def test_a_build_imports_no_module_only_other_commands_use(tmp_path: Path) -> None:
    root = tmp_path / "p"
    shutil.copytree(FIXTURES / "generate" / "motif-two-local", root,
                    ignore=shutil.ignore_patterns("expected"))
    assert _loaded("-q", "generate", "bundle", "-f", "komposer.yaml", cwd=root,
                   watched=NOT_FOR_BUILDS) == (0, [])
