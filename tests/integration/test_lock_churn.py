"""Lock churn on a real registry: a bump moves one block; nothing else ever moves."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ork.canonical import sha256
from tests.conftest import Ork

from .conftest import LiveRegistry
from .helpers import STDLIB
from .test_lock_registry import Project, changed_lines, prefix, proj

pytestmark = pytest.mark.integration
__all__ = ["prefix", "proj"]  # fixtures shared with test_lock_registry

OLD = 1_000_000_000


def files_of(kind: str, name: str, tag: str) -> dict[str, str]:
    """Return file name → digest of a stdlib pattern."""
    return {p.name: sha256(p.read_bytes()) for p in sorted((STDLIB / kind / name / tag).iterdir())}


def test_a_bump_changes_only_its_block_and_the_requiredby_lines_naming_it(
        proj: Project) -> None:
    proj.run("lock")
    before = proj.lock_text()
    pins = proj.pins()
    old, new = (proj.ref("platform-app-operator", v) for v in ("v1.0.0", "v1.1.0"))
    proj.komposer(proj.ref("webapp-operator", "v1.1.0"), new)
    proj.run("generate", "bundle")
    after = proj.pins()
    was, now = files_of("katalogs", "platform-app-operator", "v1.0.0"), \
        files_of("katalogs", "platform-app-operator", "v1.1.0")
    ws = files_of("motifs", "web-service", "v1.0.0")
    repo = f"oci://{proj.host}/{proj.prefix}"
    changed = changed_lines(before, proj.lock_text())
    # compared as sorted lists: which line difflib pairs with which is not the point
    assert sorted(line for line in changed if line[0] == "-") == sorted([
        f"-  - ref: {old}",
        "-    version: v1.0.0",
        f"-    resolved: {repo}/katalogs/platform-app-operator@{pins[old]}",
        f"-      README.md: {was['README.md']}",
        f"-      katalog.yaml: {was['katalog.yaml']}",
        # platform-admission: same pin, required by the new version instead
        f"-      - {old}#platformapp",
        # web-service v1.0.0 was required by the old version only: its block goes
        "-  - ref: web-service:v1.0.0",
        "-    kind: Motif",
        "-    name: web-service",
        "-    version: v1.0.0",
        f"-    resolved: {repo}/motifs/web-service@{pins['web-service:v1.0.0']}",
        "-    files:",
        f"-      README.md: {ws['README.md']}",
        f"-      motif.yaml: {ws['motif.yaml']}",
        "-    requiredBy:",
        f"-      - {old}#platformapp",
    ])
    assert sorted(line for line in changed if line[0] == "+") == sorted([
        f"+  - ref: {new}",
        "+    version: v1.1.0",
        f"+    resolved: {repo}/katalogs/platform-app-operator@{after[new]}",
        f"+      README.md: {now['README.md']}",
        f"+      katalog.yaml: {now['katalog.yaml']}",
        # platform-admission and web-service v1.1.0: same pins, required by the new version
        f"+      - {new}#platformapp",
        f"+      - {new}#platformapp",
    ])
    assert after["platform-admission:v1.0.0"] == pins["platform-admission:v1.0.0"]
    assert after["web-service:v1.1.0"] == pins["web-service:v1.1.0"]


def test_nothing_changed_leaves_the_lock_byte_identical_and_untouched(proj: Project) -> None:
    proj.run("generate", "bundle")
    lock = proj.root / "ork.lock"
    data = lock.read_bytes()
    os.utime(lock, ns=(OLD, OLD))
    proj.run("lock")
    proj.run("generate", "bundle")
    proj.run("lock", "--update", "web-service")
    proj.run("lock", "--check")
    assert lock.read_bytes() == data
    assert lock.stat().st_mtime_ns == OLD


def test_scrambled_import_order_gives_the_same_lock(ork: Ork, registry: LiveRegistry,
                                                   proj: Project, tmp_path: Path) -> None:
    proj.run("lock")
    other = Project(ork, registry, tmp_path / "other", proj.prefix)
    other.komposer(proj.ref("platform-app-operator", "v1.0.0"),
                   proj.ref("webapp-operator", "v1.1.0"))
    other.run("lock")
    assert other.lock_text() == proj.lock_text()
