"""``ork lock diff``: golden text, markdown and JSON outputs, and the pairing rules.

Cases live in ``fixtures/lock/diff/<case>/`` (``old.lock``, ``new.lock``, ``expected/``).
``ORK_UPDATE_GOLDEN=1`` rewrites the expected files; read the diff before committing.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from ork import lockdiff
from ork.lockfile import Lock
from tests.conftest import FIXTURES, Ork
from tests.golden.conftest import cases, check_golden

from .test_lock import APP, D1, D2, D3, WEB, entry

FORMATS = {"text": "diff.txt", "markdown": "diff.md", "json": "diff.json"}


@pytest.mark.parametrize("case", cases("lock/diff"), ids=lambda p: p.name)
@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_golden(ork: Ork, case: Path, fmt: str) -> None:
    done = ork("lock", "diff", "old.lock", "new.lock", "--format", fmt, cwd=case)
    assert done.code == 0, done
    check_golden(case / "expected" / FORMATS[fmt], done.stdout)


def test_json_is_versioned_and_names_both_sides() -> None:
    data = json.loads((FIXTURES / "lock/diff/bump-and-move/expected/diff.json").read_text())
    assert sorted(data) == ["changes", "formatVersion"]
    assert data["formatVersion"] == 1
    actions = [(c["action"], c["name"], c["tagMoved"]) for c in data["changes"]]
    assert actions == [("tag-moved", "webapp-operator", True),
                       ("updated", "platform-app-operator", False),
                       ("removed", "web-service", False),
                       ("requiredBy", "platform-admission", False),
                       ("requiredBy", "web-service", False)]
    removed = data["changes"][2]
    assert removed["after"] is None
    assert removed["before"]["ref"] == "web-service:v1.0.0"


def test_a_requiredby_change_alone_is_not_a_source_change() -> None:
    moved = WEB.model_copy(update={"required_by": ("app:v1.1.0#app",)})
    changes = lockdiff.diff(Lock(sources=(APP, WEB)), Lock(sources=(APP, moved)))
    assert [(c.action, c.source_change) for c in changes] == [("requiredBy", False)]
    assert lockdiff.summary(changes) == "No sources changed; requiredBy changed on 1 entry."
    assert lockdiff.to_text(changes) == (
        "required by changed (same pins):\n"
        "  web (Motif)  v1.1.0  web:v1.1.0\n"
        "    - app:v1.0.0#app\n"
        "    - other.yaml#x\n"
        "    + app:v1.1.0#app\n"
        "No sources changed; requiredBy changed on 1 entry.\n")


def test_a_moved_tag_is_flagged_even_when_requiredby_also_changed() -> None:
    moved = WEB.model_copy(update={"resolved": f"embedded://web@{D3}",
                                   "required_by": ("x.yaml#y",)})
    changes = lockdiff.diff(Lock(sources=(WEB,)), Lock(sources=(moved,)))
    assert [c.action for c in changes] == ["tag-moved"]
    assert lockdiff.summary(changes) == "1 source changed: 1 tag moved."


def test_a_same_digest_change_other_than_requiredby_is_changed() -> None:
    edited = APP.model_copy(update={"files": {"katalog.yaml": D2}})
    changes = lockdiff.diff(Lock(sources=(APP,)), Lock(sources=(edited,)))
    assert [c.action for c in changes] == ["changed"]


def test_pairing_by_kind_and_name_and_sorting() -> None:
    old = Lock(sources=(APP, entry("zeta:v1", "zeta", "v1", D1)))
    new = Lock(sources=(entry("app:v2.0.0", "app", "v2.0.0", D2),
                        entry("beta:v1", "beta", "v1", D3)))
    changes = lockdiff.diff(old, new)
    assert [(c.action, c.entry.name) for c in changes] == [
        ("updated", "app"), ("added", "beta"), ("removed", "zeta")]
    assert changes[0].before == APP


def test_no_changes() -> None:
    assert lockdiff.to_text(lockdiff.diff(Lock(), Lock())) == \
        "No changes: the lockfiles pin the same sources.\n"
    assert json.loads(lockdiff.to_json([])) == {"formatVersion": 1, "changes": []}


def test_git_revisions_and_a_lock_new_in_the_change(ork: Ork, tmp_path: Path) -> None:
    case = FIXTURES / "lock/diff/bump-and-move"
    repo = tmp_path / "repo"
    (repo / "platform").mkdir(parents=True)
    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.invalid",
           "LANG": "de_DE.UTF-8", "HOME": str(tmp_path)}

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, env=env)

    git("init", "-q", "-b", "main")
    (repo / "README").write_text("x\n")
    git("add", "README")
    git("commit", "-q", "-m", "no lock yet")
    (repo / "platform" / "ork.lock").write_bytes((case / "old.lock").read_bytes())
    git("add", "platform/ork.lock")
    git("commit", "-q", "-m", "lock")
    (repo / "platform" / "ork.lock").write_bytes((case / "new.lock").read_bytes())
    done = ork("lock", "diff", "git:HEAD:platform/ork.lock", "platform/ork.lock", cwd=repo,
               env=env)
    assert done.code == 0, done
    assert done.stdout == (case / "expected" / "diff.txt").read_text()
    new = ork("lock", "diff", "git:HEAD~1:platform/ork.lock", "git:HEAD:platform/ork.lock",
              cwd=repo, env=env)
    assert new.code == 0, new
    assert new.stdout.endswith("5 sources changed: 5 added.\n")
    bad = ork("lock", "diff", "git:no-such-rev:platform/ork.lock", "platform/ork.lock",
              cwd=repo, env=env)
    assert bad.code == 1, bad
    assert "error[file-not-found]" in bad.stderr
