"""Crash safety of the local runtime store (issue 10 §3): ``kill -9`` during its writes.

Two writers, each killed 50 times at random moments: ``ork apply`` of a burst of
objects, and ``ork run`` reconciling CRs whose spec changed while it was down. After
every kill the store opens, SQLite finds it intact, every object is whole (its payload
matches the checksum written beside it, or its replicas are a value some apply wrote),
and periodically the next run, not killed, succeeds: an apply writes everything, and
``ork run`` (claiming the store the killed one held) converges and stops cleanly.
"""

from __future__ import annotations

import hashlib
import json
import random
import signal
import sqlite3
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from ork.runtime.local import FILENAME, LocalCluster
from ork.runtime.objects import GK, Key
from tests.conftest import REPO

from .killing import child, kill_after, timed
from .projects import environment, run

REPS = 50
LANES = 2  # ork run is killed in two state directories at once
OBJECTS = 300
APPS = 60
WEBSITE = GK("beginner.demo", "Website")
DEPLOYMENT = GK("apps", "Deployment")


def _payload(rep: int, n: int) -> str:
    return f"rep {rep} object {n} " + "x" * (500 + 7 * n)


def _burst(path: Path, rep: int) -> None:
    """Write ``OBJECTS`` ConfigMaps, each with a payload and its sha256 beside it."""
    docs = []
    for n in range(OBJECTS):
        data = _payload(rep, n)
        docs.append(json.dumps({
            "apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": f"cm-{n}", "namespace": "burst"},
            "data": {"payload": data, "sha": hashlib.sha256(data.encode()).hexdigest()}}))
    path.write_text("\n---\n".join(docs) + "\n")


def _open_whole(state: Path) -> list[dict[str, Any]]:
    """Open the store as a new process would; return every object, each checked whole."""
    with sqlite3.connect(state / FILENAME) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    store = LocalCluster(state)
    try:
        objects = store.all_objects()
        latest, _ = store.changes_since(-1)
    finally:
        store.close()
    versions = [int(o["metadata"]["resourceVersion"]) for o in objects]
    assert len(set(versions)) == len(versions)  # every write numbered once
    assert all(0 < v <= latest for v in versions)
    return objects


def test_kill_9_during_apply_bursts_leaves_every_object_whole(tmp_path: Path) -> None:
    state, env = tmp_path / "state", environment(tmp_path / "cache")
    _burst(tmp_path / "burst.yaml", 0)
    command = child(["apply", "-f", "burst.yaml", "--state", "state"])
    span = timed(command, cwd=tmp_path, env=env)
    rng = random.Random(3)
    previous = {f"cm-{n}": _payload(0, n) for n in range(OBJECTS)}
    partial = 0
    for rep in range(1, REPS + 1):
        _burst(tmp_path / "burst.yaml", rep)
        code = kill_after(command, rng.uniform(0, span * 1.1), cwd=tmp_path, env=env)
        assert code in (0, None), f"exit {code}"
        found = {}
        for obj in _open_whole(state):
            data = obj["data"]
            assert hashlib.sha256(data["payload"].encode()).hexdigest() == data["sha"]
            found[obj["metadata"]["name"]] = data["payload"]
        assert set(found) == set(previous)
        new = {n for n in found if found[n] != previous[n]}
        assert all(found[n] == _payload(rep, int(n[3:])) for n in new)  # the new one, whole
        partial += 0 < len(new) < OBJECTS
        if rep % 5 == 0 or code == 0:
            code, out = run(["apply", "-f", "burst.yaml", "--state", "state"], cwd=tmp_path,
                            env=env)
            assert code == 0, out
        previous = {o["metadata"]["name"]: o["data"]["payload"] for o in _open_whole(state)}
    assert partial >= 5, partial  # kills did land in the middle of bursts


# -- ork run ----------------------------------------------------------------------------------

def _apps(path: Path, rep: int) -> dict[str, int]:
    """Write ``APPS`` Website CRs with this repetition's replicas; return them by name."""
    want = {f"site-{n}": 1 + (rep + n) % 4 for n in range(APPS)}
    path.write_text("".join(
        f"---\napiVersion: beginner.demo/v1\nkind: Website\nmetadata: {{name: {name}, "
        f"namespace: web}}\nspec: {{replicas: {count}}}\n" for name, count in want.items()))
    return want


def _converged(state: Path, want: dict[str, int]) -> bool:
    store = LocalCluster(state)
    try:
        deployments = {o["metadata"]["name"]: o for o in store.list(DEPLOYMENT, "web")}
        sites = {o["metadata"]["name"]: o for o in store.list(WEBSITE, "web")}
    finally:
        store.close()
    return all(name in deployments and deployments[name]["spec"]["replicas"] == count
               and (sites[name].get("status") or {}).get("observedGeneration")
               == sites[name]["metadata"]["generation"] for name, count in want.items())


def _run_until_converged(tmp: Path, env: dict[str, str], want: dict[str, int]) -> float:
    """Start ``ork run``, wait for it to serve and converge, stop it with SIGTERM (it must
    exit 0); return how long converging took."""
    start = time.monotonic()
    proc = subprocess.Popen(child(["run", "--bundle", "bundle.yaml", "--state", "state",
                                   "--port", "0"]), cwd=tmp, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert proc.stderr is not None
    try:
        line = proc.stderr.readline()  # "serving …" once its signal handlers are in place
        assert line.startswith(b"serving "), line + proc.stderr.read()
        deadline = start + 60
        while not _converged(tmp / "state", want):
            assert proc.poll() is None, proc.stderr.read().decode()
            assert time.monotonic() < deadline, "ork run did not converge within 60 s"
            time.sleep(0.05)
        took = time.monotonic() - start
    finally:
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err.decode()
    return took


def _apply(state: Path, want: dict[str, int]) -> None:
    """Change the CRs' replicas, as ``ork apply`` would (in this process, to save time)."""
    store = LocalCluster(state)
    try:
        for name, count in want.items():
            store.replace({"apiVersion": "beginner.demo/v1", "kind": "Website",
                           "metadata": {"name": name, "namespace": "web"},
                           "spec": {"replicas": count}})
    finally:
        store.close()


def _run_lane(work: Path, env: dict[str, str], lane: int) -> tuple[float, int]:
    """Kill ``ork run`` REPS / LANES times in one state directory; return how long it takes
    to converge and how many kills came in the middle of reconciling."""
    work.mkdir()
    (work / "katalog.yaml").write_bytes(
        (REPO / "stdlib" / "packs" / "beginner" / "katalog.yaml").read_bytes())
    code, out = run(["generate", "bundle", "-f", "katalog.yaml"], cwd=work, env=env)
    assert code == 0, out
    first = _apps(work / "apps.yaml", 0)
    applied = {name: {count} for name, count in first.items()}
    assert run(["apply", "-f", "apps.yaml", "--state", "state"], cwd=work, env=env)[0] == 0
    span = _run_until_converged(work, env, first)
    rng = random.Random(lane)
    previous, midway = first, 0
    for rep in range(1, REPS // LANES + 1):
        want = _apps(work / "apps.yaml", rep)
        _apply(work / "state", want)  # work for the next run to do
        for name, count in want.items():
            applied[name].add(count)
        delay = rng.uniform(span * 0.2, span * 1.3)  # the first moments only import modules
        code = kill_after(child(["run", "--bundle", "bundle.yaml", "--state", "state",
                                 "--port", "0"]), delay, cwd=work, env=env)
        assert code is None, f"ork run exited {code} by itself"
        done = 0
        for obj in _open_whole(work / "state"):
            if Key.of(obj).gk == DEPLOYMENT:  # a child is whole: replicas some apply asked for
                assert obj["spec"]["replicas"] in applied[obj["metadata"]["name"]]
                done += obj["spec"]["replicas"] == want[obj["metadata"]["name"]]
        changed = sum(want[n] != previous[n] for n in want)
        midway += 0 < done - (APPS - changed) < changed  # killed in the middle of reconciling
        previous = want
        if rep % 5 == 0:
            _run_until_converged(work, env, want)
    _run_until_converged(work, env, previous)
    return span, midway


def test_kill_9_during_ork_run_leaves_the_store_whole(tmp_path: Path) -> None:
    env = environment(tmp_path / "cache")
    with ThreadPoolExecutor(LANES) as pool:
        lanes = [pool.submit(_run_lane, tmp_path / f"lane{n}", env, n) for n in range(LANES)]
        results = [f.result() for f in lanes]
    midway = sum(m for _, m in results)
    print(f"ork run: converges in {results[0][0]:.2f} s; {midway} kills in the middle of "
          "reconciling")
    assert midway >= 5, midway
