"""Concurrency (issue 10 §2): real ``ork`` processes sharing one ``ORK_CACHE_DIR``.

Eight builds of identical and different projects start together on one cold cache, then
again on the warm one: all succeed, identical projects get identical bytes (those of a
build alone in a cache of its own), and every object in the cache hashes to its name.
Then ``ork lock`` and ``ork generate bundle`` race on one project while the test keeps
putting the old lock back and reads both files as fast as it can: every read is one of
the valid versions, byte for byte, never a torn or an empty file.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from ork import lockfile
from ork.registry import artifact
from tests.integration.conftest import LiveRegistry
from tests.integration.helpers import STDLIB, push_raw, push_stdlib

from .checks import temp_files, unverified_objects
from .projects import environment, komposer, run, start, write_big

pytestmark = pytest.mark.integration

WEBAPP = STDLIB / "katalogs" / "webapp-operator"


@pytest.fixture(scope="module")
def stdlib(registry: LiveRegistry, tmp_path_factory: pytest.TempPathFactory) -> LiveRegistry:
    """The registry, with every stdlib pattern pushed."""
    push_stdlib(registry.host, tmp_path_factory.mktemp("push"))
    return registry


def _projects(tmp: Path, host: str) -> dict[str, str]:
    """Write eight projects (three pairs of identical ones); return directory -> kind."""
    kinds = {}
    for copy in range(3):
        komposer(tmp / f"registry-{copy}", [f"oci://{host}/katalogs/webapp-operator:v1.1.0",
                                            f"oci://{host}/katalogs/platform-app-operator:v1.0.0"])
        kinds[f"registry-{copy}"] = "registry"
    for copy in range(3):
        write_big(tmp / f"big-{copy}", 40, "a")
        kinds[f"big-{copy}"] = "big"
    komposer(tmp / "older", [f"oci://{host}/katalogs/webapp-operator:v1.0.0"])
    write_big(tmp / "big-b", 40, "b")
    kinds.update({"older": "older", "big-b": "big-b"})
    return kinds


def _outputs(root: Path) -> tuple[bytes, bytes]:
    return (root / "bundle.yaml").read_bytes(), (root / "ork.lock").read_bytes()


def _together(tmp: Path, names: list[str], env: dict[str, str]) -> None:
    procs = {n: start(["generate", "bundle"], cwd=tmp / n, env=env) for n in names}
    failed = []
    for name, proc in procs.items():
        out, err = proc.communicate(timeout=300)
        if proc.returncode != 0:
            failed.append(f"{name}: exit {proc.returncode}\n{(out + err).decode()}")
    assert failed == []


def test_eight_builds_in_parallel_share_one_cache(stdlib: LiveRegistry, tmp_path: Path) -> None:
    kinds = _projects(tmp_path / "work", stdlib.host)
    cache = tmp_path / "cache"
    env = environment(cache, {"ORK_REGISTRY": stdlib.host})
    # The expected bytes: each kind built alone, in a cache of its own.
    expected = {}
    for name, kind in sorted(kinds.items()):
        if kind not in expected:
            alone = tmp_path / "alone" / kind
            shutil.copytree(tmp_path / "work" / name, alone)
            code, out = run(["generate", "bundle"], cwd=alone,
                            env=environment(tmp_path / f"alone-cache-{kind}",
                                            {"ORK_REGISTRY": stdlib.host}))
            assert code == 0, out
            expected[kind] = _outputs(alone)
    assert len(set(expected.values())) == 4
    for round_ in ("cold", "warm", "warm again, outputs deleted"):
        if round_.endswith("deleted"):
            for name in kinds:
                (tmp_path / "work" / name / "bundle.yaml").unlink()
        _together(tmp_path / "work", sorted(kinds), env)
        for name, kind in kinds.items():
            assert _outputs(tmp_path / "work" / name) == expected[kind], f"{round_}: {name}"
        assert unverified_objects(cache) == [], round_
        assert temp_files(cache) == [], round_
        assert temp_files(tmp_path / "work") == [], round_


# -- ork lock racing ork generate bundle -------------------------------------------------------

@dataclass
class Versions:
    """The valid bytes of each file during the race."""

    locks: dict[bytes, str]
    bundles: dict[bytes, str]


def _versions(stdlib: LiveRegistry, root: Path, env: dict[str, str], tmp: Path) -> Versions:
    """Build every version the race may write; leave the tag moved and ork.lock stale.

    * ``stale``: a lock with an entry nothing imports any more (generate drops it);
    * ``pinned``: that lock without it, pinning the tag's old digest (what generate keeps);
    * ``moved``: the lock ``ork lock`` writes after the tag moved.
    """
    repo = f"oci://{stdlib.host}/hardening/race/webapp:v1"
    other = f"oci://{stdlib.host}/katalogs/platform-app-operator:v1.0.0"
    push_raw(stdlib.host, "hardening/race/webapp", "v1",
             artifact.read_pattern(WEBAPP / "v1.0.0"), tmp)
    komposer(root, [repo, other])
    for args in (["generate", "bundle"], ["generate", "bundle"]):
        code, out = run(args, cwd=root, env=env)
        assert code == 0, out
    stale = (root / "ork.lock").read_bytes()
    komposer(root, [repo])
    code, out = run(["generate", "bundle"], cwd=root, env=env)
    assert code == 0, out
    pinned, old_bundle = (root / "ork.lock").read_bytes(), (root / "bundle.yaml").read_bytes()
    push_raw(stdlib.host, "hardening/race/webapp", "v1",
             artifact.read_pattern(WEBAPP / "v1.1.0"), tmp)
    code, out = run(["lock"], cwd=root, env=env)
    assert code == 0, out
    moved = (root / "ork.lock").read_bytes()
    code, out = run(["generate", "bundle"], cwd=root, env=env)
    assert code == 0, out
    new_bundle = (root / "bundle.yaml").read_bytes()
    assert len({stale, pinned, moved}) == 3
    assert old_bundle != new_bundle
    _put(root / "ork.lock", stale)
    return Versions({stale: "stale", pinned: "pinned", moved: "moved"},
                    {old_bundle: "old", new_bundle: "new"})


def _put(path: Path, data: bytes) -> None:
    """Replace a file atomically, as another tool (git checkout) would."""
    tmp = path.with_name(path.name + ".test-tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


class Watcher:
    """Reads two files as fast as it can, noting every content it sees."""

    def __init__(self, lock: Path, bundle: Path) -> None:
        self.paths = {"lock": lock, "bundle": bundle}
        self.seen: dict[str, dict[bytes, int]] = {"lock": {}, "bundle": {}}
        self.stop = threading.Event()

    def watch(self) -> None:
        """Read until stopped."""
        while not self.stop.is_set():
            for what, path in self.paths.items():
                try:
                    data = path.read_bytes()
                except FileNotFoundError:
                    data = b"<missing>"
                self.seen[what][data] = self.seen[what].get(data, 0) + 1

    @classmethod
    @contextmanager
    def running(cls, lock: Path, bundle: Path) -> Iterator[Watcher]:
        """Watch in a thread while the ``with`` block runs."""
        watcher = cls(lock, bundle)
        thread = threading.Thread(target=watcher.watch, daemon=True)
        thread.start()
        try:
            yield watcher
        finally:
            watcher.stop.set()
            thread.join(timeout=10)


def _loop(count: int, args: list[str], cwd: Path, env: dict[str, str]
          ) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "tests.hardening.child", "--repeat",
                             str(count), "--announce", "ork.lock", *args], cwd=cwd, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def test_lock_racing_generate_never_leaves_a_torn_lock(stdlib: LiveRegistry,
                                                        tmp_path: Path) -> None:
    root = tmp_path / "p"
    env = environment(tmp_path / "cache", {"ORK_REGISTRY": stdlib.host})
    versions = _versions(stdlib, root, env, tmp_path)
    stale = next(k for k, v in versions.locks.items() if v == "stale")
    wrote = {"lock": False, "generate bundle": False}
    with Watcher.running(root / "ork.lock", root / "bundle.yaml") as watcher:
        # A race that proves nothing is run again: each writer must have written at least
        # once (asked of the writers: on two busy cores the watcher can miss a version that
        # lived a few milliseconds, and a builder can, by its timing, find the lock already
        # rewritten by `ork lock` on each of its runs and have nothing to write).
        for _attempt in range(4):
            _put(root / "ork.lock", stale)
            locker = _loop(30, ["-q", "lock"], root, env)
            builder = _loop(60, ["-q", "generate", "bundle"], root, env)
            while locker.poll() is None or builder.poll() is None:
                _put(root / "ork.lock", stale)  # the race starts over: both have work to do
                watcher.stop.wait(0.05)
            results = [p.communicate(timeout=60) for p in (locker, builder)]
            for name, proc, (out, err) in zip(wrote, (locker, builder), results, strict=True):
                assert proc.returncode == 0, err.decode()
                codes = json.loads(out.decode().splitlines()[-1])
                assert set(codes) == {0}, (codes, err.decode())
                wrote[name] = wrote[name] or b"writing ork.lock" in out
            if all(wrote.values()):
                break
    assert wrote == {"lock": True, "generate bundle": True}
    torn = [d[:200] for d in watcher.seen["lock"] if d not in versions.locks]
    assert torn == [], "ork.lock was seen torn or invalid"
    torn = [d[:200] for d in watcher.seen["bundle"] if d not in versions.bundles]
    assert torn == [], "bundle.yaml was seen torn or invalid"
    for data in versions.locks:
        lockfile.loads(data, "ork.lock")  # every valid version parses
    assert temp_files(root) == []
    assert unverified_objects(tmp_path / "cache") == []
    # Whatever the race left, the next build settles it and --locked agrees.
    for args in (["generate", "bundle"], ["generate", "bundle", "--locked"]):
        code, out = run(args, cwd=root, env=env)
        assert code == 0, out
    want = "new" if versions.locks[(root / "ork.lock").read_bytes()] == "moved" else "old"
    assert versions.bundles[(root / "bundle.yaml").read_bytes()] == want
