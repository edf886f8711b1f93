"""ork.lock: bytes, diff, three-way merge, and the --locked check."""

from __future__ import annotations

import json

import pytest

from ork import lockdiff, lockfile, lockmerge
from ork.errors import InputError, LockError, UsageError
from ork.lockfile import Lock, LockEntry
from ork.locking import check_locked, pins_for

D1, D2, D3 = ("sha256:" + c * 64 for c in "123")


def entry(ref: str, name: str, version: str, digest: str, *required: str,
          kind: str = "Katalog") -> LockEntry:
    repo = ref.rsplit(":", 1)[0]
    return LockEntry(ref=ref, kind=kind, name=name, version=version,
                     resolved=f"embedded://{repo}@{digest}",
                     files={"katalog.yaml": digest}, required_by=required or ("komposer.yaml",))


APP_V1 = entry("app:v1.0.0", "app", "v1.0.0", D1)
APP_V2 = entry("app:v1.1.0", "app", "v1.1.0", D2)
WEB = entry("web:v1.1.0", "web", "v1.1.0", D1, "app:v1.0.0#app", kind="Motif")


def test_bytes_round_trip_sorted_with_the_documented_key_order() -> None:
    lock = Lock(sources=(WEB, APP_V1))
    data = lockfile.dumps(lockfile.loads(lockfile.dumps(lock), "ork.lock"))
    text = data.decode()
    assert text.startswith(lockfile.HEADER)
    assert text.index("ref: app:v1.0.0") < text.index("ref: web:v1.1.0")
    keys = [line.strip().split(":")[0] for line in text.splitlines()[3:10]]
    assert keys == ["- ref", "kind", "name", "version", "resolved", "files", "katalog.yaml"]


def test_a_future_lock_version_is_refused() -> None:
    with pytest.raises(InputError) as info:
        lockfile.loads(b"lockVersion: 2\nsources: []\n", "ork.lock")
    assert info.value.code == "unsupported-lock-version"
    assert str(info.value.diagnostics[0].span) == "ork.lock:1:14"


def test_a_malformed_lock_is_refused() -> None:
    with pytest.raises(InputError) as info:
        lockfile.loads(b"lockVersion: 1\nsources: [{ref: x}]\n", "ork.lock")
    assert info.value.code == "invalid-lock"


def test_the_lock_digest_ignores_formatting() -> None:
    lock = Lock(sources=(APP_V1,))
    reformatted = lockfile.dumps(lock).replace(b"\n  - ref", b"\n\n  - ref")
    assert lockfile.loads(reformatted, "x").digest() == lock.digest()


def test_userinfo_is_never_written() -> None:
    assert lockfile._strip_userinfo("oci://user:secret@reg.io/a:v1") == "oci://reg.io/a:v1"


def test_diff_pairs_a_version_bump_and_flags_a_moved_tag() -> None:
    moved = WEB.model_copy(update={"resolved": f"embedded://web@{D3}"})
    changes = lockdiff.diff(Lock(sources=(APP_V1, WEB)), Lock(sources=(APP_V2, moved)))
    assert [(c.action, c.name) for c in changes] == [("tag-moved", "web"), ("updated", "app")]
    text = lockdiff.to_text(changes)
    assert "TAG MOVED" in text
    assert "v1.0.0 → v1.1.0" in text
    data = json.loads(lockdiff.to_json(changes))
    assert data["formatVersion"] == 1
    assert data["changes"][0]["tagMoved"] is True
    md = lockdiff.to_markdown(changes)
    assert "| source | change | version | digest | required by |" in md
    assert f"`{D3}`" in md
    assert "| `web` (Motif) | **tag moved** ⚠️ |" in md


def test_no_changes() -> None:
    assert lockdiff.to_text(lockdiff.diff(Lock(), Lock())).startswith("No changes")


def test_merge_takes_each_side_s_bump() -> None:
    base = Lock(sources=(APP_V1, WEB))
    ours = Lock(sources=(APP_V1, WEB.model_copy(update={"resolved": "x@" + D2})))
    theirs = Lock(sources=(APP_V2, WEB))
    merged = lockmerge.merge(base, ours, theirs)
    assert merged.conflicts == []
    assert [e.ref for e in merged.lock.sources] == ["app:v1.1.0", "web:v1.1.0"]
    assert merged.lock.entry("web:v1.1.0").resolved == "x@" + D2  # type: ignore[union-attr]


def test_merge_names_a_ref_bumped_differently_on_both_sides() -> None:
    base = Lock(sources=(WEB,))
    ours = Lock(sources=(WEB.model_copy(update={"resolved": "a@" + D2}),))
    theirs = Lock(sources=(WEB.model_copy(update={"resolved": "b@" + D3}),))
    assert lockmerge.merge(base, ours, theirs).conflicts == ["web:v1.1.0"]


def test_merge_unions_required_by() -> None:
    base = Lock(sources=(WEB,))
    ours = Lock(sources=(WEB.model_copy(update={"required_by": ("a", "app:v1.0.0#app")}),))
    theirs = Lock(sources=(WEB.model_copy(update={"required_by": ("app:v1.0.0#app", "b")}),))
    merged = lockmerge.merge(base, ours, theirs)
    assert merged.lock.sources[0].required_by == ("a", "app:v1.0.0#app", "b")


def test_pins_per_mode() -> None:
    lock = Lock(sources=(APP_V1, WEB))
    assert pins_for("default", lock) == {"app:v1.0.0": APP_V1.resolved,
                                         "web:v1.1.0": WEB.resolved}
    assert pins_for("fresh", lock) == {}
    assert pins_for("update", lock, ["web"]) == {"app:v1.0.0": APP_V1.resolved}
    with pytest.raises(UsageError):
        pins_for("update", lock, ["nothing"])
    with pytest.raises(LockError) as info:
        pins_for("locked", None)
    assert info.value.code == "lock-missing"


def test_locked_lists_missing_extra_and_stale_entries() -> None:
    have = Lock(sources=(APP_V1, WEB))
    need = Lock(sources=(APP_V2, WEB.model_copy(update={"required_by": ("other",)})))
    with pytest.raises(LockError) as info:
        check_locked(have, need, "ork.lock")
    notes = [n.message for n in info.value.diagnostics[0].notes]
    assert notes == ["missing: app:v1.1.0 (required by komposer.yaml)",
                     "extra: app:v1.0.0 (no source imports it any more)",
                     "stale: web:v1.1.0 (differs in requiredBy)"]
    assert info.value.exit_code == 3
