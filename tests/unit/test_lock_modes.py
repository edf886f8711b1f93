"""Lock modes end to end, on an OCI layout whose tags can move (no network).

The stdlib patterns are pushed into ``lay/`` inside the project; the Komposer imports
``oci-layout://lay:katalogs/…`` and the Katalogs' Motif short names resolve there too
(``ORK_MOTIFS_REGISTRY=oci-layout://lay``). Pushing other bytes under an existing tag is a
*tag move*, exactly as on a registry.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest
import yaml

from ork import lockfile, refs
from ork.registry import RegistrySources, artifact
from ork.registry.layout import LayoutRegistry
from ork.registry.settings import RegistrySettings
from ork.store import Store
from tests.conftest import REPO, Ork

STDLIB = REPO / "stdlib"
ENV = {"ORK_MOTIFS_REGISTRY": "oci-layout://lay"}
WEBAPP = "oci-layout://lay:katalogs/webapp-operator:v1.1.0"
PLATFORM = "oci-layout://lay:katalogs/platform-app-operator:v1.0.0"
OLD = 1_000_000_000  # an mtime far in the past: a rewrite would replace it


def layout(root: Path) -> LayoutRegistry:
    """Return the project's layout ``lay/``, read-write."""
    return LayoutRegistry(root / "lay", name="oci-layout://lay", writable=True)


def push_stdlib(root: Path) -> None:
    """Push every stdlib pattern into ``root/lay`` under its usual name."""
    lay = layout(root)
    for group in ("katalogs", "motifs"):
        for version in sorted((STDLIB / group).glob("*/*")):
            built = artifact.build(artifact.read_pattern(version))
            lay.push(f"{group}/{version.parent.name}", version.name, built.blobs,
                     built.manifest)


def move_tag(root: Path, repository: str, tag: str, note: str = "moved") -> str:
    """Push other bytes under ``repository:tag`` (a comment added); return the new digest."""
    group, name = repository.split("/")
    files = artifact.read_pattern(STDLIB / group / name / tag)
    main = "motif.yaml" if group == "motifs" else "katalog.yaml"
    files[main] += f"# {note}\n".encode()
    built = artifact.build(files)
    return layout(root).push(repository, tag, built.blobs, built.manifest)


def komposer(root: Path, *imports: str) -> None:
    """Write the Komposer importing ``imports`` (in that order)."""
    lines = "".join(f"    - {ref}\n" for ref in imports)
    (root / "komposer.yaml").write_text(
        "apiVersion: orkestra.orkspace.io/v1\nkind: Komposer\nmetadata: {name: demo}\n"
        f"imports:\n  registry:\n{lines}")


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A project importing webapp-operator v1.1.0 and platform-app-operator v1.0.0."""
    project = tmp_path / "p"
    project.mkdir()
    push_stdlib(project)
    komposer(project, WEBAPP, PLATFORM)
    return project


def build(ork: Ork, root: Path, *args: str, env: dict[str, str] | None = None) -> None:
    """Run a default build and assert it succeeded."""
    done = ork("generate", "bundle", *args, cwd=root, env={**ENV, **(env or {})})
    assert done.code == 0, done


def digests(root: Path) -> dict[str, str]:
    """Return ref → pinned digest of the project's lock."""
    lock = lockfile.loads((root / "ork.lock").read_bytes(), "ork.lock")
    return {e.ref: e.digest for e in lock.sources}


def test_a_default_build_writes_the_lock_and_an_unchanged_one_is_not_touched(
        ork: Ork, root: Path) -> None:
    build(ork, root)
    lock = root / "ork.lock"
    first = lock.read_bytes()
    assert sorted(digests(root)) == ["oci-layout://lay:katalogs/platform-app-operator:v1.0.0",
                                     "oci-layout://lay:katalogs/webapp-operator:v1.1.0",
                                     "platform-admission:v1.0.0", "web-service:v1.0.0",
                                     "web-service:v1.1.0"]
    os.utime(lock, ns=(OLD, OLD))
    build(ork, root)
    assert ork("lock", cwd=root, env=ENV).code == 0
    assert lock.read_bytes() == first
    assert lock.stat().st_mtime_ns == OLD


def test_the_bundle_records_the_lock_digest(ork: Ork, root: Path) -> None:
    build(ork, root)
    sources = yaml.safe_load((root / "ork.lock").read_text())["sources"]
    canonical = json.dumps(sources, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    digest = "sha256:" + hashlib.sha256(canonical.encode()).hexdigest()
    bundle = (root / "bundle.yaml").read_text()
    assert f"orkestra.orkspace.io/lock-digest: {digest}\n" in bundle


def test_pins_survive_a_moved_tag_in_default_and_locked_builds(ork: Ork, root: Path) -> None:
    build(ork, root)
    lock, bundle = (root / "ork.lock").read_bytes(), (root / "bundle.yaml").read_bytes()
    move_tag(root, "katalogs/platform-app-operator", "v1.0.0")
    move_tag(root, "motifs/web-service", "v1.1.0")
    build(ork, root)
    assert (root / "ork.lock").read_bytes() == lock
    assert (root / "bundle.yaml").read_bytes() == bundle
    build(ork, root, "--locked", env={"ORK_CACHE_DIR": str(root.parent / "cold")})
    assert (root / "bundle.yaml").read_bytes() == bundle


def test_locked_never_resolves_a_tag(ork: Ork, root: Path,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    build(ork, root)
    bundle = (root / "bundle.yaml").read_bytes()
    (root / "bundle.yaml").unlink()

    def refuse(self: LayoutRegistry, repository: str, tag: str) -> str:
        raise AssertionError(f"--locked resolved the tag {repository}:{tag}")

    monkeypatch.setattr(LayoutRegistry, "resolve", refuse)
    build(ork, root, "--locked", env={"ORK_CACHE_DIR": str(root.parent / "cold")})
    assert (root / "bundle.yaml").read_bytes() == bundle
    komposer(root, WEBAPP, PLATFORM.replace("v1.0.0", "v1.1.0"))
    failed = ork("generate", "bundle", "--locked", cwd=root, env=ENV)
    assert failed.code == 3, failed


def test_a_build_without_a_pin_asks_again_whatever_the_cache_holds(ork: Ork,
                                                                   root: Path) -> None:
    assert ork("validate", cwd=root, env=ENV).code == 0  # warms the cache, writes no lock
    moved = move_tag(root, "motifs/web-service", "v1.1.0")
    build(ork, root)
    assert digests(root)["web-service:v1.1.0"] == moved


def test_default_adds_new_refs_and_drops_unreachable_ones(ork: Ork, root: Path) -> None:
    build(ork, root)
    before = digests(root)
    move_tag(root, "motifs/web-service", "v1.1.0")  # pinned: must not move
    komposer(root, WEBAPP, PLATFORM.replace("v1.0.0", "v1.1.0"))
    build(ork, root)
    after = digests(root)
    assert "web-service:v1.0.0" not in after
    assert PLATFORM not in after
    assert PLATFORM.replace("v1.0.0", "v1.1.0") in after
    assert after["web-service:v1.1.0"] == before["web-service:v1.1.0"]
    assert after["platform-admission:v1.0.0"] == before["platform-admission:v1.0.0"]


def test_scrambled_import_order_gives_the_same_lock_bytes(ork: Ork, root: Path,
                                                         tmp_path: Path) -> None:
    build(ork, root)
    other = tmp_path / "q"
    other.mkdir()
    (other / "lay").symlink_to(root / "lay")
    komposer(other, PLATFORM, WEBAPP)
    build(ork, other)
    assert (other / "ork.lock").read_bytes() == (root / "ork.lock").read_bytes()


def test_ork_lock_resolves_every_ref_again(ork: Ork, root: Path) -> None:
    build(ork, root)
    before = digests(root)
    moved = move_tag(root, "katalogs/platform-app-operator", "v1.0.0")
    web = move_tag(root, "motifs/web-service", "v1.1.0")
    done = ork("lock", cwd=root, env=ENV)
    assert done.code == 0, done
    after = digests(root)
    assert after[PLATFORM] == moved
    assert after["web-service:v1.1.0"] == web
    assert after["web-service:v1.0.0"] == before["web-service:v1.0.0"]
    assert "TAG MOVED" in done.stdout
    assert "2 sources changed: 2 tag moved." in done.stdout


@pytest.mark.parametrize("name", ["web-service", "web-service:v1.1.0"])
def test_update_moves_only_the_named_entries(ork: Ork, root: Path, name: str) -> None:
    build(ork, root)
    before = digests(root)
    platform = move_tag(root, "katalogs/platform-app-operator", "v1.0.0")
    web = move_tag(root, "motifs/web-service", "v1.1.0")
    done = ork("lock", "--update", name, cwd=root, env=ENV)
    assert done.code == 0, done
    after = digests(root)
    assert after["web-service:v1.1.0"] == web
    assert after[PLATFORM] == before[PLATFORM] != platform
    assert {r: d for r, d in after.items() if r != "web-service:v1.1.0"} == \
        {r: d for r, d in before.items() if r != "web-service:v1.1.0"}


def test_update_of_an_unknown_name_is_a_usage_error(ork: Ork, root: Path) -> None:
    build(ork, root)
    lock = (root / "ork.lock").read_bytes()
    done = ork("lock", "--update", "nothing-like-it", cwd=root, env=ENV)
    assert done.code == 64, done
    assert "platform-app-operator" in done.stderr  # the hint lists what is locked
    assert (root / "ork.lock").read_bytes() == lock


def test_check_exits_2_with_the_diff_and_writes_nothing(ork: Ork, root: Path) -> None:
    build(ork, root)
    lock = root / "ork.lock"
    os.utime(lock, ns=(OLD, OLD))
    same = ork("lock", "--check", cwd=root, env=ENV)
    assert (same.code, same.stdout) == (0, ""), same
    move_tag(root, "katalogs/platform-app-operator", "v1.0.0")
    stale = ork("lock", "--check", cwd=root, env=ENV)
    assert stale.code == 2, stale
    assert "! platform-app-operator (Katalog)  v1.0.0" in stale.stdout
    assert "TAG MOVED" in stale.stdout
    assert lock.stat().st_mtime_ns == OLD
    (root / "ork.lock").unlink()
    missing = ork("lock", "--check", cwd=root, env=ENV)
    assert missing.code == 2, missing
    assert missing.stdout.startswith("ork.lock does not exist (`ork lock` would write it)\n")
    assert missing.stdout.endswith("5 sources changed: 5 added.\n")
    assert not lock.exists()


def test_check_on_a_project_without_remote_sources(ork: Ork, tmp_path: Path) -> None:
    (tmp_path / "katalog.yaml").write_text(
        "apiVersion: orkestra.orkspace.io/v1\nkind: Katalog\nmetadata: {name: k}\n"
        "spec:\n  crds: {}\n")
    missing = ork("lock", "--check")
    assert (missing.code, missing.stdout) == (
        2, "ork.lock does not exist (`ork lock` would write it)\n"), missing
    assert ork("lock").code == 0
    assert (tmp_path / "ork.lock").read_text().endswith("lockVersion: 1\nsources: []\n")
    assert ork("lock", "--check").code == 0


def test_check_reports_a_lock_that_only_differs_in_formatting(ork: Ork, root: Path) -> None:
    build(ork, root)
    lock = root / "ork.lock"
    lock.write_text(lock.read_text().replace("# Generated", "# Edited"))
    done = ork("lock", "--check", cwd=root, env=ENV)
    assert done.code == 2, done
    assert "pins the same sources but is not in ork's own format" in done.stdout


def test_ork_lock_replaces_a_lock_left_with_conflict_markers(ork: Ork, root: Path) -> None:
    build(ork, root)
    good = (root / "ork.lock").read_bytes()
    (root / "ork.lock").write_bytes(b"<<<<<<< ours\n" + good + b"=======\n>>>>>>> theirs\n")
    refused = ork("generate", "bundle", cwd=root, env=ENV)
    assert refused.code == 1, refused
    assert "error[invalid-lock]" in refused.stderr
    assert "merge driver" in refused.stderr
    done = ork("lock", cwd=root, env=ENV)
    assert done.code == 0, done
    assert (root / "ork.lock").read_bytes() == good


def test_a_newer_lock_version_is_refused_by_every_mode(ork: Ork, root: Path) -> None:
    build(ork, root)
    lock = root / "ork.lock"
    newer = lock.read_text().replace("lockVersion: 1", "lockVersion: 2")
    lock.write_text(newer)
    for args in (["generate", "bundle"], ["generate", "bundle", "--locked"], ["lock"],
                 ["lock", "--update", "web-service"], ["lock", "--check"]):
        done = ork(*args, cwd=root, env=ENV)
        assert done.code == 1, (args, done)
        assert "ork.lock:2:14: error[unsupported-lock-version]" in done.stderr, (args, done)
        assert lock.read_text() == newer


def test_a_ref_with_userinfo_finds_its_pin(tmp_path: Path) -> None:
    # refs.parse refuses userinfo; a Reference made another way still finds its pin.
    digest = "sha256:" + "a" * 64
    pins = {"oci://reg.example/katalogs/app:v1": f"embedded://katalogs/app@{digest}"}
    sources = RegistrySources(RegistrySettings(cwd=tmp_path, root=tmp_path),
                              Store(tmp_path / "cache"), pins=pins, locked=True)
    ref = refs.Reference("oci", "oci://user:secret@reg.example/katalogs/app:v1",
                         host="reg.example", repository="katalogs/app", tag="v1")
    location, found = sources.locate(ref, motif=False)
    assert (location.scheme, location.repository, found) == ("embedded", "katalogs/app", digest)
