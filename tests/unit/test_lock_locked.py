"""``--locked`` failures: a missing lock, and every missing, extra and stale entry listed."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.conftest import Ork

from .test_lock_modes import ENV, OLD, PLATFORM, WEBAPP, build, komposer, push_stdlib

LOCAL = """\
apiVersion: orkestra.orkspace.io/v1
kind: Katalog
metadata: {name: local, namespace: team-c, version: v0.1.0}
spec:
  crds:
    thing:
      apiTypes: {group: local.demo, version: v1, kind: Thing, plural: things}
      imports:
        - motif: web-service:v1.1.0
          with: {image: "{{ .spec.image }}"}
"""

# What the lock of the `root` project holds beyond webapp-operator, by line.
EXTRAS = [
        f"ork.lock:4:5: error[lock-stale]: ork.lock pins {PLATFORM}, which no source "
        "requires any more (extra entry)",
        "ork.lock:26:5: error[lock-stale]: ork.lock pins platform-admission:v1.0.0, which no "
        "source requires any more (extra entry)",
        "ork.lock:36:5: error[lock-stale]: ork.lock pins web-service:v1.0.0, which no source "
        "requires any more (extra entry)",
]


@pytest.fixture
def root(tmp_path: Path, ork: Ork) -> Path:
    """A project locked with webapp-operator v1.1.0 and platform-app-operator v1.0.0."""
    project = tmp_path / "p"
    project.mkdir()
    push_stdlib(project)
    komposer(project, WEBAPP, PLATFORM)
    build(ork, project)
    os.utime(project / "ork.lock", ns=(OLD, OLD))
    return project


def with_local_katalog(root: Path, *imports: str) -> None:
    """Write a Komposer with registry ``imports`` and the file import katalogs/local.yaml."""
    komposer(root, *imports)
    (root / "katalogs").mkdir(exist_ok=True)
    (root / "katalogs" / "local.yaml").write_text(LOCAL)
    with (root / "komposer.yaml").open("a") as fh:
        fh.write("  files:\n    - katalogs/local.yaml\n")


def locked(ork: Ork, root: Path) -> list[str]:
    """Run a --locked build that must fail with exit 3; return its error headlines."""
    before = (root / "ork.lock").read_bytes()
    bundle = root / "bundle.yaml"
    bundle.write_text("sentinel\n")
    done = ork("generate", "bundle", "--locked", cwd=root, env=ENV)
    assert done.code == 3, done
    assert (root / "ork.lock").read_bytes() == before
    assert (root / "ork.lock").stat().st_mtime_ns == OLD
    assert bundle.read_text() == "sentinel\n"
    return [line for line in done.stderr.splitlines() if re.match(r"^\S+:\d+:\d+: error", line)]


def test_locked_without_a_lock_is_lock_missing(ork: Ork, tmp_path: Path) -> None:
    project = tmp_path / "q"
    project.mkdir()
    push_stdlib(project)
    komposer(project, WEBAPP)
    done = ork("generate", "bundle", "--locked", cwd=project, env=ENV)
    assert done.code == 3, done
    assert "error[lock-missing]: --locked needs ork.lock, and there is none" in done.stderr
    assert not (project / "ork.lock").exists()
    assert not (project / "bundle.yaml").exists()


def test_locked_names_the_lock_path_that_is_missing(ork: Ork, root: Path) -> None:
    (root / "ci").mkdir()  # ./ork.lock exists; ci/ork.lock does not
    done = ork("generate", "bundle", "--locked", "--lock", "ci/ork.lock", "-o", "b.yaml",
               cwd=root, env=ENV)
    assert done.code == 3, done
    assert "error[lock-missing]: --locked needs ci/ork.lock, and there is none" in done.stderr
    assert "hint: run `ork lock --lock ci/ork.lock` and commit ci/ork.lock" in done.stderr
    assert not (root / "b.yaml").exists()
    assert not (root / "ci" / "ork.lock").exists()


def test_a_matching_lock_builds(ork: Ork, root: Path) -> None:
    done = ork("generate", "bundle", "--locked", cwd=root, env=ENV)
    assert done.code == 0, done
    assert (root / "ork.lock").stat().st_mtime_ns == OLD


def test_extra_entries_are_each_listed_at_their_line(ork: Ork, root: Path) -> None:
    komposer(root, WEBAPP)
    assert locked(ork, root) == EXTRAS


def test_a_stale_entry_says_what_differs(ork: Ork, root: Path) -> None:
    with_local_katalog(root, WEBAPP, PLATFORM)
    done = ork("generate", "bundle", "--locked", cwd=root, env=ENV)
    assert done.code == 3, done
    assert "ork.lock:46:5: error[lock-stale]: the ork.lock entry for web-service:v1.1.0 is " \
           "stale (differs in requiredBy)" in done.stderr
    assert "note: requiredBy in ork.lock: oci-layout://lay:katalogs/webapp-operator:v1.1.0" \
           "#webapp\n" in done.stderr
    assert "note: requiredBy of the sources: katalogs/local.yaml#thing, " \
           "oci-layout://lay:katalogs/webapp-operator:v1.1.0#webapp\n" in done.stderr


def test_a_hand_edited_pin_is_stale(ork: Ork, root: Path) -> None:
    lock = root / "ork.lock"
    text = lock.read_text()
    readme = re.search(r"README.md: (sha256:\w+)", text)
    assert readme is not None
    lock.write_text(text.replace(readme.group(1), "sha256:" + "0" * 64, 1))
    os.utime(lock, ns=(OLD, OLD))
    assert locked(ork, root) == [
        f"ork.lock:4:5: error[lock-stale]: the ork.lock entry for {PLATFORM} is stale "
        "(differs in files)"]


def test_missing_extra_and_stale_are_all_listed_in_one_run(ork: Ork, root: Path) -> None:
    bumped = PLATFORM.replace("v1.0.0", "v1.1.0")
    with_local_katalog(root, WEBAPP, bumped)
    done = ork("generate", "bundle", "--locked", cwd=root, env=ENV)
    assert done.code == 3, done
    headlines = [line for line in done.stderr.splitlines() if "error[" in line]
    assert headlines == [
        f"komposer.yaml:7:7: error[lock-stale]: {bumped} is missing from ork.lock",
        *EXTRAS,
        "ork.lock:46:5: error[lock-stale]: the ork.lock entry for web-service:v1.1.0 is "
        "stale (differs in requiredBy)",
    ]
    assert "note: what it imports in turn is not checked until it is locked" in done.stderr
    assert done.stderr.count("hint: run `ork lock`") == 1
    assert done.stderr.rstrip().endswith("5 errors")


def test_a_digest_import_missing_from_the_lock_is_listed(ork: Ork, root: Path) -> None:
    text = (root / "ork.lock").read_text()
    digest = re.search(r"katalogs/webapp-operator@(sha256:\w+)", text)
    assert digest is not None
    pinned = f"oci-layout://lay:katalogs/webapp-operator@{digest.group(1)}"
    komposer(root, pinned, PLATFORM)
    headlines = locked(ork, root)
    assert headlines[0] == f"komposer.yaml:6:7: error[lock-stale]: {pinned} is missing " \
                           "from ork.lock"
    assert f"ork.lock pins {WEBAPP}, which no source requires any more" in headlines[1]


def test_a_lock_elsewhere_is_named_by_its_path_from_the_project(ork: Ork, root: Path) -> None:
    (root / "locks").mkdir()
    (root / "ork.lock").rename(root / "locks" / "ork.lock")
    komposer(root, WEBAPP)
    done = ork("generate", "bundle", "--locked", "--lock", "locks/ork.lock", cwd=root, env=ENV)
    assert done.code == 3, done
    assert f"locks/ork.lock:4:5: error[lock-stale]: locks/ork.lock pins {PLATFORM}" \
        in done.stderr
    assert "  4 |   - ref: oci-layout://lay:katalogs/platform-app-operator" in done.stderr
    lock = root / "locks" / "ork.lock"
    lock.write_text(lock.read_text().replace("lockVersion: 1", "lockVersion: 2"))
    newer = ork("generate", "bundle", "--lock", "locks/ork.lock", cwd=root, env=ENV)
    assert newer.code == 1, newer
    assert "locks/ork.lock:2:14: error[unsupported-lock-version]" in newer.stderr


@pytest.mark.parametrize("cwd", ["project", "above"])
def test_a_lock_outside_the_project_is_named_as_the_user_gave_it(ork: Ork, root: Path,
                                                                  cwd: str) -> None:
    """Not by its file name alone: that names no file the user can find."""
    (root.parent / "locks").mkdir()
    (root / "ork.lock").rename(root.parent / "locks" / "ork.lock")
    komposer(root, WEBAPP)
    given, where, flags = (("../locks/ork.lock", root, ()) if cwd == "project" else
                           ("locks/ork.lock", root.parent, ("-f", "p/komposer.yaml")))
    done = ork("generate", "bundle", *flags, "--locked", "--lock", given, "-o", "b.yaml",
               cwd=where, env=ENV)
    assert done.code == 3, done
    assert f"{given}:4:5: error[lock-stale]: {given} pins {PLATFORM}" in done.stderr, done
    assert "  4 |   - ref: oci-layout://lay:katalogs/platform-app-operator" in done.stderr
    lock = root.parent / "locks" / "ork.lock"
    lock.write_text(lock.read_text().replace("lockVersion: 1", "lockVersion: 1\ncolour: red"))
    broken = ork("generate", "bundle", *flags, "--lock", given, "-o", "b.yaml", cwd=where,
                 env=ENV)
    assert broken.code == 1, broken
    assert broken.stderr.startswith(
        f"{given}:3:1: error[invalid-lock]: {given} is not a valid lockfile: unknown key "
        "'colour'\n  3 | colour: red\n"), broken


def test_a_placeholder_can_never_reach_a_bundle(ork: Ork, root: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    from ork import api

    def no_check(*args: object, **kwargs: object) -> None:
        pass

    monkeypatch.setattr(api, "check_locked", no_check)  # pretend the check let it by
    bundle = (root / "bundle.yaml").read_bytes()
    komposer(root, WEBAPP, PLATFORM)
    with (root / "komposer.yaml").open("a") as fh:  # an unpinned Komposer: it merges cleanly
        fh.write("    - {url: oci-layout://lay:katalogs/other, version: v9, "
                 "useKomposer: true}\n")
    done = ork("generate", "bundle", "--locked", cwd=root, env=ENV)
    assert done.code == 70, done
    assert (root / "bundle.yaml").read_bytes() == bundle


def test_a_failed_locked_fetch_reports_no_shape_error_of_a_placeholder(ork: Ork,
                                                                        root: Path) -> None:
    with_local_katalog(root, WEBAPP, PLATFORM)
    local = root / "katalogs" / "local.yaml"
    local.write_text(LOCAL.replace("web-service:v1.1.0", "web-service:v9.9.9"))  # unpinned
    with (root / "komposer.yaml").open("a") as fh:
        fh.write("    - katalogs/missing.yaml\n")
    done = ork("generate", "bundle", "--locked", cwd=root, env=ENV)
    assert done.code == 1, done
    headlines = [line for line in done.stderr.splitlines() if "error[" in line]
    assert headlines == ["komposer.yaml:10:7: error[file-not-found]: katalogs/missing.yaml: "
                         "no such file"], done
