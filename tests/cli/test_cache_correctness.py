"""Every cache shortcut is invisible (issue 9): after any single input change, a warm build
— the fast path, then the stage caches — gives exactly the bytes of a cold build.

Builds run as ``python -m ork`` processes, so the fast path (``ork.entry``) is exercised as
a user meets it. Each change is also undone, and the warm build must give the original
bytes back.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from bench import generate

from tests.conftest import REPO


def _build(root: Path, cache: Path, *extra: str, env: dict[str, str] | None = None) -> bytes:
    full = {k: v for k, v in os.environ.items() if not k.startswith("ORK_")}
    full.update({"ORK_CACHE_DIR": str(cache), "PYTHONPATH": str(REPO), **(env or {})})
    proc = subprocess.run([sys.executable, "-m", "ork", "-q", "generate", "bundle", "-f",
                           "komposer.yaml", "-o", "bundle.yaml", *extra], cwd=root, env=full,
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    return (root / "bundle.yaml").read_bytes() + b"\0" + (root / "ork.lock").read_bytes()


def _edit(rel: str, old: str, new: str) -> Callable[[Path], None]:
    def change(root: Path) -> None:
        path = root / rel
        text = path.read_text()
        assert old in text, (rel, old)
        path.write_text(text.replace(old, new, 1))
    return change


CHANGES: dict[str, Callable[[Path], None]] = {
    "a value in a Katalog": _edit("katalogs/katalog-1.yaml", "workers: 2", "workers: 3"),
    "a comment in a Katalog": _edit("katalogs/katalog-0.yaml", "apiVersion:",
                                    "# reviewed\napiVersion:"),
    "key order in a Katalog": _edit(
        "katalogs/katalog-0.yaml", "  name: katalog-0\n  namespace: team-0\n",
        "  namespace: team-0\n  name: katalog-0\n"),
    "a local Motif": _edit("motifs/sidecar-1.yaml", "9001", "9011"),
    "a Komposer override": _edit("komposer.yaml", "workers: 8", "workers: 9"),
    "a new file import": _edit("komposer.yaml", "    - ./katalogs/katalog-1.yaml\n", ""),
    "an embedded-registry import": _edit("komposer.yaml", "webapp-operator:v1.1.0",
                                         "webapp-operator:v1.0.0"),
    # What a source key leaves out (ork.merging.memo): an unchanged Katalog's CRDs are
    # copied from the last build only if none of these changed (and the path of imports
    # it was reached by: tests/integration/test_komposer_imports.py).
    "a Komposer override of an unchanged Katalog's CRD": _edit(
        "komposer.yaml", "  crds:\n", "  crds:\n    app-1-1:\n      operatorBox:\n"
        "        reconcile:\n          workers: 5\n"),
    "the entry's description, stamped into every CRD": _edit(
        "komposer.yaml", "  name: bench-s\n", "  name: bench-s\n  description: Bench\n"),
    "a CRD disabled in a Katalog": _edit(
        "katalogs/katalog-1.yaml", "      description: Synthetic CRD app-1-4\n",
        "      description: Synthetic CRD app-1-4\n      enabled: false\n"),
}


@pytest.mark.slow
@pytest.mark.parametrize("change", list(CHANGES))
def test_a_warm_build_after_one_change_equals_a_cold_build(change: str,
                                                           tmp_path: Path) -> None:
    root = tmp_path / "p"
    generate.write("S", root)
    original = {p: p.read_bytes() for p in root.rglob("*.yaml")}
    warm = tmp_path / "warm-cache"
    before = _build(root, warm)
    assert _build(root, warm) == before  # the fast path
    CHANGES[change](root)
    changed = _build(root, warm)
    assert changed == _build(root, tmp_path / f"cold-{change}")
    for path, data in original.items():
        path.write_bytes(data)
    (root / "ork.lock").unlink()
    assert _build(root, warm) == before


@pytest.mark.slow
@pytest.mark.parametrize(("flags", "env"), [
    (("-n", "platform"), {}), (("-w", "apps"), {}), ((), {"ORK_NAMESPACE": "from-env"}),
])
def test_options_and_environment_are_part_of_the_key(flags: tuple[str, ...],
                                                     env: dict[str, str],
                                                     tmp_path: Path) -> None:
    root = tmp_path / "p"
    generate.write("S", root)
    warm = tmp_path / "warm-cache"
    plain = _build(root, warm)
    assert _build(root, warm) == plain
    varied = _build(root, warm, *flags, env=env)
    assert varied != plain
    shutil.copy(root / "ork.lock", tmp_path / "lock")
    assert varied == _build(root, tmp_path / "cold", *flags, env=env)
    assert _build(root, warm) == plain


@pytest.mark.slow
def test_a_damaged_table_of_bundle_parts_costs_time_not_bytes(tmp_path: Path) -> None:
    root = tmp_path / "p"
    generate.write("S", root)
    warm = tmp_path / "warm-cache"
    _build(root, warm)
    tables = [p for p in (warm / "objects").rglob("*")
              if p.is_file() and p.read_bytes().startswith(b"ork-parts/")]
    assert len(tables) == 1  # render's table of CRD parts (ork.rendering.parts)
    tables[0].write_bytes(tables[0].read_bytes()[:-40])
    CHANGES["a comment in a Katalog"](root)  # render runs again, and finds it damaged
    assert _build(root, warm) == _build(root, tmp_path / "cold")
