"""The three-way merge behind ``ork lock merge-driver``, and the driver's command line."""

from __future__ import annotations

from pathlib import Path

from ork import lockfile, lockmerge
from ork.lockfile import Lock
from tests.conftest import Ork

from .test_lock import APP, D1, D2, D3, WEB, entry

APP2 = entry("app:v1.1.0", "app", "v1.1.0", D2)
OTHER = entry("other:v1", "other", "v1", D1)
OTHER2 = entry("other:v2", "other", "v2", D3)


def merge(base: tuple[lockfile.LockEntry, ...], ours: tuple[lockfile.LockEntry, ...],
          theirs: tuple[lockfile.LockEntry, ...]) -> lockmerge.Merged:
    """Return the merge of three locks given as their entries."""
    return lockmerge.merge(Lock(sources=base), Lock(sources=ours), Lock(sources=theirs))


def test_each_side_keeps_its_own_bump() -> None:
    merged = merge((APP, OTHER), (APP2, OTHER), (APP, OTHER2))
    assert merged.conflicts == []
    assert merged.lock == Lock(sources=(APP2, OTHER2))


def test_the_same_bump_on_both_sides_is_no_conflict() -> None:
    merged = merge((APP,), (APP2,), (APP2,))
    assert (merged.conflicts, merged.lock) == ([], Lock(sources=(APP2,)))


def test_a_ref_pinned_differently_on_both_sides_is_a_conflict_naming_it() -> None:
    ours = WEB.model_copy(update={"resolved": f"embedded://web@{D1}"})
    theirs = WEB.model_copy(update={"resolved": f"embedded://web@{D3}"})
    merged = merge((APP, WEB), (APP, ours), (APP2, WEB.model_copy(update={
        "resolved": theirs.resolved, "required_by": ("app:v1.1.0#app", "other.yaml#x")})))
    assert merged.conflicts == ["web:v1.1.0"]
    assert merged.lock.entry("web:v1.1.0") == ours  # ours stays in the file
    assert merged.lock.entry("app:v1.1.0") == APP2  # the rest still merges


def test_required_by_merges_as_a_set() -> None:
    ours = WEB.model_copy(update={"required_by": ("a", "app:v1.0.0#app", "other.yaml#x")})
    theirs = WEB.model_copy(update={"required_by": ("app:v1.0.0#app",)})
    merged = merge((WEB,), (ours,), (theirs,))
    assert merged.lock.sources[0].required_by == ("a", "app:v1.0.0#app")


def test_an_entry_nothing_requires_after_the_merge_is_dropped() -> None:
    shared = entry("web:v1.0.0", "web", "v1.0.0", D1, "a:v1#x", "b:v1#y", kind="Motif")
    ours = shared.model_copy(update={"required_by": ("b:v1#y",)})  # we bumped a
    theirs = shared.model_copy(update={"required_by": ("a:v1#x",)})  # they bumped b
    merged = merge((shared,), (ours,), (theirs,))
    assert (merged.conflicts, merged.lock) == ([], Lock())


def test_an_entry_we_dropped_but_their_new_import_needs_is_kept() -> None:
    base = entry("web:v1.0.0", "web", "v1.0.0", D1, "a:v1#x", kind="Motif")
    theirs = base.model_copy(update={"required_by": ("a:v1#x", "c:v1#z")})
    merged = merge((base,), (), (theirs,))
    assert merged.conflicts == []
    assert merged.lock.sources == (base.model_copy(update={"required_by": ("c:v1#z",)}),)


def test_dropped_on_one_side_and_moved_on_the_other() -> None:
    base = entry("web:v1.0.0", "web", "v1.0.0", D1, "a:v1#x", kind="Motif")
    moved = base.model_copy(update={"resolved": f"embedded://web@{D2}"})
    assert merge((base,), (), (moved,)).lock == Lock()  # nothing needs it: no conflict
    needed = moved.model_copy(update={"required_by": ("a:v1#x", "c:v1#z")})
    assert merge((base,), (), (needed,)).conflicts == ["web:v1.0.0"]


def test_added_on_both_sides_at_different_digests_is_a_conflict() -> None:
    merged = merge((), (OTHER,), (OTHER.model_copy(update={"resolved": f"x@{D2}"}),))
    assert merged.conflicts == ["other:v1"]


def write(path: Path, *entries: lockfile.LockEntry) -> str:
    """Write a lock with ``entries``; return its name."""
    path.write_bytes(lockfile.dumps(Lock(sources=entries)))
    return path.name


def test_the_driver_writes_ours_and_exits_0(ork: Ork, tmp_path: Path) -> None:
    names = (write(tmp_path / "O", APP, OTHER), write(tmp_path / "A", APP2, OTHER),
             write(tmp_path / "B", APP, OTHER2))
    done = ork("lock", "merge-driver", *names, cwd=tmp_path)
    assert (done.code, done.stderr) == (0, ""), done
    assert (tmp_path / "A").read_bytes() == lockfile.dumps(Lock(sources=(APP2, OTHER2)))


def test_the_driver_names_the_conflicting_ref_and_exits_1(ork: Ork, tmp_path: Path) -> None:
    names = (write(tmp_path / "O", APP), write(tmp_path / "A", APP.model_copy(
        update={"resolved": f"embedded://app@{D2}"})), write(tmp_path / "B", APP.model_copy(
            update={"resolved": f"embedded://app@{D3}"})))
    done = ork("lock", "merge-driver", *names, cwd=tmp_path)
    assert done.code == 1, done
    assert "ork.lock: conflict: app:v1.0.0 was pinned differently on both sides (ours: " \
           "v1.0.0 sha256:222222222222; theirs: v1.0.0 sha256:333333333333)" in done.stderr
    assert lockfile.loads((tmp_path / "A").read_bytes(), "A").sources[0].digest == D2


def test_the_driver_takes_an_empty_base(ork: Ork, tmp_path: Path) -> None:
    (tmp_path / "O").write_bytes(b"")
    names = ("O", write(tmp_path / "A", APP), write(tmp_path / "B", OTHER))
    done = ork("lock", "merge-driver", *names, cwd=tmp_path)
    assert done.code == 0, done
    assert (tmp_path / "A").read_bytes() == lockfile.dumps(Lock(sources=(APP, OTHER)))
