"""The local backend: shared between processes, and whole after a kill -9 mid-write."""

from __future__ import annotations

import hashlib
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml

from ork.errors import RuntimeError_
from ork.runtime.local import FILENAME, LocalCluster
from ork.runtime.objects import GK, Key
from tests.conftest import Ork

CONFIGMAP = GK("", "ConfigMap")

WRITER = textwrap.dedent("""\
    import hashlib, sys
    from pathlib import Path
    from ork.runtime.local import LocalCluster
    from ork.runtime.objects import GK, Key

    store = LocalCluster(Path(sys.argv[1]))
    start = int(sys.argv[2])
    print("ready", flush=True)
    for n in range(start, start + 100000):
        blob = (f"{n}-" * 20000)[: 40000 + n % 997]
        obj = {"apiVersion": "v1", "kind": "ConfigMap",
               "metadata": {"name": f"cm-{n % 40}", "namespace": "crash"},
               "data": {"blob": blob, "sha": hashlib.sha256(blob.encode()).hexdigest()}}
        store.replace(obj)
        if n % 7 == 0:
            store.delete(Key(GK("", "ConfigMap"), "crash", f"cm-{(n + 3) % 40}"))
        if n % 5 == 0:
            store.update_status(Key.of(obj), {"n": n})
""")


def _check_whole(state: Path) -> int:
    conn = sqlite3.connect(state / FILENAME)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()
    store = LocalCluster(state)
    try:
        objects = store.list(CONFIGMAP, "crash")
        for obj in objects:
            data = obj["data"]
            assert hashlib.sha256(data["blob"].encode()).hexdigest() == data["sha"], \
                obj["metadata"]["name"]
            assert obj["metadata"]["resourceVersion"]
        latest, changes = store.changes_since(0)
        assert latest >= len(changes) > 0 or not objects
        store.replace({"apiVersion": "v1", "kind": "ConfigMap",
                       "metadata": {"name": "after", "namespace": "checks"}, "data": {}})
    finally:
        store.close()
    return len(objects)


@pytest.mark.slow
def test_kill_9_during_a_burst_of_writes_leaves_every_object_whole(tmp_path: Path) -> None:
    state = tmp_path / "state"
    rng = random.Random(7)
    for round_ in range(20):
        writer = subprocess.Popen([sys.executable, "-c", WRITER, str(state), str(round_ * 1000)],
                                  stdout=subprocess.PIPE, text=True)
        assert writer.stdout is not None
        assert writer.stdout.readline().strip() == "ready"
        try:
            writer.wait(timeout=rng.uniform(0.05, 0.6))
        except subprocess.TimeoutExpired:
            os.kill(writer.pid, signal.SIGKILL)
        writer.wait()
        writer.stdout.close()
        assert writer.returncode == -signal.SIGKILL, "the writer should have been killed"
        _check_whole(state)
    assert _check_whole(state) > 0


def test_two_processes_share_the_store(tmp_path: Path) -> None:
    one = LocalCluster(tmp_path)
    since, _ = one.changes_since(-1)
    subprocess.run([sys.executable, "-c", textwrap.dedent(f"""\
        from pathlib import Path
        from ork.runtime.local import LocalCluster
        LocalCluster(Path({str(tmp_path)!r})).replace({{"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {{"name": "from-two", "namespace": "x"}}, "data": {{"a": "1"}}}})
        """)], check=True)
    latest, changes = one.changes_since(since)
    assert latest > since
    assert changes == [(Key(CONFIGMAP, "x", "from-two"), None)]
    assert one.get(Key(CONFIGMAP, "x", "from-two"))["data"] == {"a": "1"}  # type: ignore[index]
    one.close()


def test_a_file_that_is_not_a_store(tmp_path: Path) -> None:
    (tmp_path / FILENAME).write_text("not a database at all" * 100)
    with pytest.raises(RuntimeError_, match="cannot use the local store") as info:
        LocalCluster(tmp_path)
    assert info.value.code == "state-unavailable"


WEBAPP = """\
apiVersion: demo.io/v1
kind: WebApp
metadata: {name: shop, namespace: team}
spec: {image: nginx}
---
apiVersion: demo.io/v1
kind: WebApp
metadata: {name: blog}
spec: {image: ghost}
"""


def test_apply_get_and_delete(ork: Ork, tmp_path: Path) -> None:
    (tmp_path / "apps.yaml").write_text(WEBAPP)
    result = ork("apply", "-f", "apps.yaml", "--state", "st")
    assert result.code == 0, result
    assert result.stdout == ("webapps.demo.io/shop created\nwebapps.demo.io/blog created\n")
    assert ork("apply", "-f", "apps.yaml", "--state", "st").stdout == (
        "webapps.demo.io/shop unchanged\nwebapps.demo.io/blog unchanged\n")
    (tmp_path / "apps.yaml").write_text(WEBAPP.replace("nginx", "nginx:2"))
    assert "webapps.demo.io/shop configured" in ork("apply", "-f", "apps.yaml",
                                                    "--state", "st").stdout

    table = ork("get", "webapps", "--state", "st")
    assert table.code == 0, table
    assert table.stdout.splitlines() == ["NAMESPACE   NAME   STATUS", "default     blog",
                                         "team        shop"]
    assert ork("get", "WebApp", "-n", "team", "--state", "st").stdout.count("\n") == 2
    one = ork("get", "webapp", "shop", "-o", "yaml", "--state", "st")
    assert yaml.safe_load(one.stdout)["spec"] == {"image": "nginx:2"}
    listed = json.loads(ork("get", "webapps", "-o", "json", "--state", "st").stdout)
    assert [i["metadata"]["name"] for i in listed["items"]] == ["blog", "shop"]

    assert ork("delete", "webapps", "shop", "--state", "st").stdout == \
        "webapps.demo.io/shop deleted\n"
    gone = ork("get", "webapps", "shop", "--state", "st")
    assert gone.code == 1
    assert "error[object-not-found]" in gone.stderr


def test_get_errors(ork: Ork, tmp_path: Path) -> None:
    (tmp_path / "apps.yaml").write_text(WEBAPP.replace("namespace: team", "namespace: default")
                                        + "---\n" + WEBAPP.split("---\n")[0])
    assert ork("apply", "-f", "apps.yaml", "--state", "st").code == 0
    unknown = ork("get", "gizmos", "--state", "st")
    assert unknown.code == 64
    assert "error[usage]: the store knows no type called 'gizmos'" in unknown.stderr
    assert "webapps" in unknown.stderr
    ambiguous = ork("delete", "webapps", "shop", "--state", "st")
    assert ambiguous.code == 64
    assert "exists in several namespaces (default, team)" in ambiguous.stderr
    missing = ork("apply", "-f", "nope.yaml", "--state", "st")
    assert missing.code == 1
    assert "error[file-not-found]" in missing.stderr


def test_one_reconciler_per_store(tmp_path: Path) -> None:
    first, second = LocalCluster(tmp_path), LocalCluster(tmp_path)
    first.claim_runner()
    with pytest.raises(RuntimeError_, match="already reconciled by ork run") as info:
        second.claim_runner()
    assert info.value.code == "state-unavailable"
    first.close()
    second.claim_runner()  # released with the first store
    second.close()


@pytest.mark.parametrize(("text", "where", "message"), [
    ("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: n\n  ownerReferences: {a: 1}\n",
     "cm.yaml:5:20", "metadata.ownerReferences must be a list of mappings"),
    ("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: n, labels: {a: [1]}}\n",
     "cm.yaml:3:29", "metadata.labels must be a mapping of strings"),
    ("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: n, annotations: [x]}\n",
     "cm.yaml:3:34", "metadata.annotations must be a mapping of strings"),
    ("apiVersion: v1\nkind: List\nitems: 5\n", "cm.yaml:3:8",
     "a List's items must be a list of objects"),
    ("apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n"
     "  metadata: {name: n, finalizers: x}\n", "cm.yaml:6:35",
     "metadata.finalizers must be a list of strings"),
])
def test_apply_refuses_malformed_metadata(ork: Ork, tmp_path: Path, text: str, where: str,
                                          message: str) -> None:
    (tmp_path / "cm.yaml").write_text(text)
    result = ork("apply", "-f", "cm.yaml", "--state", "st")
    assert result.code == 1, result
    assert f"{where}: error[invalid-object]: {message}" in result.stderr, result.stderr
    assert "hint: " in result.stderr


def test_apply_ignores_the_metadata_only_the_store_writes(ork: Ork, tmp_path: Path) -> None:
    """A client's deletionTimestamp (or uid, resourceVersion) is ignored, on create and on
    update, as the API server ignores it: only `ork delete` deletes."""
    (tmp_path / "apps.yaml").write_text(WEBAPP)
    assert ork("apply", "-f", "apps.yaml", "--state", "st").code == 0
    forged = WEBAPP.replace("metadata: {name: blog}", "metadata: {name: blog, uid: forged, "
                            "deletionTimestamp: '2020-01-01T00:00:00Z'}")
    forged = forged.replace("name: shop", "name: fresh")
    (tmp_path / "forged.yaml").write_text(forged)
    assert ork("apply", "-f", "forged.yaml", "--state", "st").code == 0
    store = LocalCluster(tmp_path / "st")
    try:
        for name in ("blog", "fresh"):
            meta = store.list(GK("demo.io", "WebApp"), None)
            (obj,) = [o for o in meta if o["metadata"]["name"] == name]
            assert "deletionTimestamp" not in obj["metadata"], name
            assert obj["metadata"]["uid"] != "forged", name
    finally:
        store.close()


@pytest.mark.parametrize("command", [("get", "webapps"), ("delete", "webapps", "shop")])
def test_get_and_delete_never_create_a_store(ork: Ork, tmp_path: Path,
                                             command: tuple[str, ...]) -> None:
    result = ork(*command, "--state", "nostore")
    assert result.code == 1, result
    assert "error[state-unavailable]: nostore: there is no store here" in result.stderr
    assert "hint: check --state" in result.stderr
    assert not (tmp_path / "nostore").exists()
