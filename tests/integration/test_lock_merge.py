"""The git merge driver in a real ``git merge``, with locks resolved on a real registry."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import Ork

from .conftest import LiveRegistry
from .test_lock_registry import Project

pytestmark = pytest.mark.integration

# The set-up docs/lock.md gives, with this interpreter standing in for `ork` on PATH.
DRIVER = f"{sys.executable} -m ork lock merge-driver %O %A %B"
ATTRIBUTES = "ork.lock merge=ork-lock\n"


class Repo:
    """A git repository holding a Project, with ork's merge driver registered."""

    def __init__(self, proj: Project, home: Path) -> None:
        if shutil.which("git") is None:
            pytest.fail("git is not installed; the merge-driver tests need it")
        self.proj = proj
        self.env = {"HOME": str(home), "GIT_CONFIG_NOSYSTEM": "1", "LC_ALL": "C",
                    "GIT_AUTHOR_NAME": "ork", "GIT_AUTHOR_EMAIL": "ork@example.invalid",
                    "GIT_COMMITTER_NAME": "ork", "GIT_COMMITTER_EMAIL": "ork@example.invalid",
                    "PATH": "/usr/bin:/bin"}
        self.git("init", "-q", "-b", "main")
        self.git("config", "merge.ork-lock.name", "ork.lock merge driver")
        self.git("config", "merge.ork-lock.driver", DRIVER)
        (proj.root / ".gitattributes").write_text(ATTRIBUTES)

    def git(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        """Run git in the repository."""
        done = subprocess.run(["git", *args], cwd=self.proj.root, env=self.env, text=True,
                              capture_output=True, check=False)
        if check and done.returncode != 0:
            pytest.fail(f"git {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
        return done

    def commit(self, message: str) -> None:
        """Commit the Komposer, the lock and .gitattributes."""
        self.git("add", ".gitattributes", "komposer.yaml", "ork.lock")
        self.git("commit", "-q", "-m", message)


def komposer(proj: Project, webapp: str, platform: str) -> None:
    """Write a Komposer whose two versions sit on lines git can merge independently."""
    url = f"oci://{proj.host}/{proj.prefix}/katalogs"
    (proj.root / "komposer.yaml").write_text(
        "apiVersion: orkestra.orkspace.io/v1\nkind: Komposer\nmetadata: {name: it}\n"
        "imports:\n  registry:\n"
        f"    - url: {url}/webapp-operator\n      version: {webapp}\n"
        f"    - url: {url}/platform-app-operator\n      version: {platform}\n")


@pytest.fixture
def repo(ork: Ork, registry: LiveRegistry, tmp_path: Path,
         request: pytest.FixtureRequest) -> Repo:
    """A repository whose main branch locks webapp-operator and platform-app-operator v1.0.0."""
    import hashlib

    prefix = "merge-" + hashlib.sha256(request.node.nodeid.encode()).hexdigest()[:12]
    proj = Project(ork, registry, tmp_path / "repo", prefix)
    proj.push_stdlib()
    r = Repo(proj, tmp_path)
    komposer(proj, "v1.0.0", "v1.0.0")
    proj.run("lock")
    r.commit("lock both Katalogs at v1.0.0")
    return r


def test_two_branches_bumping_different_sources_merge_cleanly(repo: Repo) -> None:
    proj = repo.proj
    repo.git("checkout", "-q", "-b", "webapp")
    komposer(proj, "v1.1.0", "v1.0.0")
    proj.run("lock")
    repo.commit("webapp-operator v1.1.0")
    repo.git("checkout", "-q", "-b", "platform", "main")
    komposer(proj, "v1.0.0", "v1.1.0")
    proj.run("lock")
    repo.commit("platform-app-operator v1.1.0")

    merged = repo.git("merge", "--no-edit", "webapp", check=False)
    assert merged.returncode == 0, merged.stdout + merged.stderr
    assert "CONFLICT" not in merged.stdout
    assert "ork.lock" not in repo.git("diff", "--name-only", "--diff-filter=U").stdout
    result = proj.lock_text()
    assert "<<<<<<<" not in result
    # The merged lock is exactly what the merged sources need, byte for byte.
    proj.run("generate", "bundle", "--locked")
    proj.run("lock")
    assert proj.lock_text() == result
    assert "web-service:v1.0.0" not in result  # required by neither bumped Katalog


def test_the_same_source_bumped_differently_is_a_conflict_naming_the_ref(repo: Repo) -> None:
    proj = repo.proj
    ref = f"oci://{proj.host}/{proj.prefix}/katalogs/webapp-operator:v1.0.0"
    repo.git("checkout", "-q", "-b", "ours")
    proj.move_tag("katalogs", "webapp-operator", "v1.0.0", "first push")
    proj.run("lock", "--update", "webapp-operator")
    ours = proj.pins()[ref]
    repo.commit("webapp-operator v1.0.0 moved (ours)")
    repo.git("checkout", "-q", "-b", "theirs", "main")
    proj.move_tag("katalogs", "webapp-operator", "v1.0.0", "second push")
    proj.run("lock", "--update", "webapp-operator")
    repo.commit("webapp-operator v1.0.0 moved (theirs)")
    repo.git("checkout", "-q", "ours")

    merged = repo.git("merge", "--no-edit", "theirs", check=False)
    assert merged.returncode != 0, merged.stdout
    assert f"ork.lock: conflict: {ref} was pinned differently on both sides" in merged.stderr
    assert "ork.lock" in repo.git("diff", "--name-only", "--diff-filter=U").stdout
    assert "<<<<<<<" not in proj.lock_text()  # still a lock: ork lock --update can settle it
    assert proj.pins()[ref] == ours
    proj.run("lock", "--update", "webapp-operator")
    proj.run("generate", "bundle", "--locked")
