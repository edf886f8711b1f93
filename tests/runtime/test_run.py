"""``ork run`` as a real process on the local backend: configuration is deliberate."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ork import canonical
from tests.runtime.helpers import bundle_bytes, crd, http_get, http_json, katalog, wait_for
from tests.runtime.process import Running, ork


def template(version: str) -> dict[str, Any]:
    """A Katalog whose one CRD makes a ConfigMap saying which template made it."""
    on_reconcile = {"configMaps": [{
        "name": "{{ .metadata.name }}-cfg", "reconcile": True,
        "data": {"madeBy": f"{version}-template", "owner": "{{ .metadata.name }}"}}]}
    on_delete = {"configMaps": [{"name": "{{ .metadata.name }}-farewell",
                                 "data": {"bye": "{{ .metadata.name }}"}}]}
    status = [{"path": "template", "value": version}]
    return katalog({"webapp": crd(on_reconcile=on_reconcile, on_delete=on_delete,
                                  status=status, resync="1h")})


def cr_file(path: Path, name: str) -> None:
    path.write_text(f"apiVersion: demo.io/v1\nkind: WebApp\n"
                    f"metadata: {{name: {name}, namespace: team}}\nspec: {{}}\n")


def get(cwd: Path, kind: str, name: str) -> dict[str, Any] | None:
    done = ork(cwd, "get", kind, name, "-n", "team", "-o", "json", "--state", "state")
    if done.returncode != 0:
        assert "object-not-found" in done.stderr, done.stderr
        return None
    value: dict[str, Any] = json.loads(done.stdout)
    return value


def made_by(cwd: Path, name: str) -> str | None:
    found = get(cwd, "configmaps", f"{name}-cfg")
    return found["data"]["madeBy"] if found else None


def metric(text: str, name: str, **labels: str) -> float:
    wanted = ",".join(f'{k}="{v}"' for k, v in labels.items())
    match = re.search(rf"^{re.escape(name)}{{{re.escape(wanted)}}} (\S+)$", text, re.MULTILINE)
    return float(match.group(1)) if match else 0.0


@pytest.fixture
def work(tmp_path: Path) -> Iterator[Path]:
    (tmp_path / "bundle.yaml").write_bytes(bundle_bytes(template("old")))
    for name in ("first", "second"):
        cr_file(tmp_path / f"{name}.yaml", name)
    return tmp_path


@pytest.mark.slow
def test_configuration_is_deliberate_the_old_template_until_a_restart(work: Path) -> None:
    old_digest = canonical.sha256(bundle_bytes(template("old")))
    run = Running(work, "--bundle", "bundle.yaml", "--state", "state")
    try:
        wait_for(lambda: http_get(f"{run.url}/ready")[0] == 200, what="/ready")
        katalog_digest = http_json(f"{run.url}/katalog")["katalogDigest"]
        assert ork(work, "apply", "-f", "first.yaml", "--state", "state").returncode == 0
        assert wait_for(lambda: made_by(work, "first"), what="first-cfg") == "old-template"

        (work / "bundle.yaml").write_bytes(bundle_bytes(template("new")))
        assert canonical.sha256((work / "bundle.yaml").read_bytes()) != old_digest
        assert ork(work, "apply", "-f", "second.yaml", "--state", "state").returncode == 0
        assert wait_for(lambda: made_by(work, "second"), what="second-cfg") == "old-template"
        assert http_json(f"{run.url}/katalog")["katalogDigest"] == katalog_digest
        status = wait_for(lambda: (get(work, "webapps", "second") or {}).get("status"),
                          what="second's status")
        assert status["template"] == "old"
    finally:
        assert run.stop() == 0, run.log()
    assert "stopping: finishing in-flight reconciles" in run.log()

    restarted = Running(work, "--bundle", "bundle.yaml", "--state", "state")
    try:
        for name in ("first", "second"):
            assert wait_for(lambda n=name: made_by(work, n) == "new-template" or None,
                            what=f"{name} on the new template")
        assert http_json(f"{restarted.url}/katalog")["katalogDigest"] != katalog_digest
    finally:
        assert restarted.stop() == 0, restarted.log()


@pytest.mark.slow
def test_http_endpoints_drift_and_deletion_on_the_running_process(work: Path) -> None:
    run = Running(work, "--bundle", "bundle.yaml", "--state", "state")
    try:
        wait_for(lambda: http_get(f"{run.url}/ready")[0] == 200, what="/ready")
        assert http_get(f"{run.url}/health") == (200, "ok\n")
        katalog_page = http_json(f"{run.url}/katalog")
        assert katalog_page["startOrder"] == ["webapp"]
        assert katalog_page["katalog"]["spec"]["crds"]["webapp"]["apiTypes"]["kind"] == "WebApp"
        assert http_json(f"{run.url}/katalog/webapp")["crd"]["apiTypes"]["plural"] == "webapps"
        assert http_get(f"{run.url}/katalog/nope")[0] == 404
        assert http_json(f"{run.url}/provenance") == {"crds": {}}
        assert http_get(f"{run.url}/nowhere")[0] == 404

        second = ork(work, "run", "--bundle", "bundle.yaml", "--state", "state", "--port", "0")
        assert second.returncode == 1, second.stderr
        assert "error[state-unavailable]" in second.stderr
        assert "is already reconciled by ork run (pid" in second.stderr

        before = http_get(f"{run.url}/metrics")[1]
        assert "# TYPE controller_reconcile_total counter" in before
        assert metric(before, "controller_resource_count", crd="webapp") == 0
        assert ork(work, "apply", "-f", "first.yaml", "--state", "state").returncode == 0
        wait_for(lambda: made_by(work, "first"), what="first-cfg")

        def counted() -> str | None:
            text = http_get(f"{run.url}/metrics")[1]
            ok = metric(text, "controller_reconcile_total", crd="webapp", result="success")
            return text if ok >= 1 else None

        after = wait_for(counted, what="a successful reconcile in /metrics")
        assert metric(after, "controller_resource_count", crd="webapp") == 1
        assert metric(after, "controller_reconcile_duration_seconds_count", crd="webapp") >= 1
        assert 'controller_reconcile_duration_seconds_bucket{crd="webapp",le="+Inf"}' in after
        assert "controller_queue_depth{" in after
        assert "controller_workers_active{" in after

        # drift: someone edits the child; the runtime puts it back
        edited = get(work, "configmaps", "first-cfg")
        assert edited is not None
        edited["data"]["madeBy"] = "a human"
        (work / "edit.yaml").write_text(json.dumps(edited))
        assert ork(work, "apply", "-f", "edit.yaml", "--state", "state").returncode == 0
        wait_for(lambda: made_by(work, "first") == "old-template" or None, what="drift fixed")

        # deletion: onDelete runs, children go, then the CR
        assert ork(work, "delete", "webapps", "first", "--state", "state").returncode == 0
        wait_for(lambda: get(work, "webapps", "first") is None or None, what="CR gone")
        assert get(work, "configmaps", "first-cfg") is None
        farewell = get(work, "configmaps", "first-farewell")
        assert farewell is not None
        assert farewell["data"] == {"bye": "first"}
    finally:
        assert run.stop() == 0, run.log()
    assert "webapp: create configMaps team/first-cfg" in run.log()
    assert "webapp: patch configMaps team/first-cfg" in run.log()


@pytest.mark.slow
def test_a_cr_deleted_re_created_and_deleted_again_runs_on_delete_twice(work: Path) -> None:
    """The farewell ConfigMap outlives the first CR; the second CR of that name gets its own."""
    run = Running(work, "--bundle", "bundle.yaml", "--state", "state")
    farewells = []
    try:
        wait_for(lambda: http_get(f"{run.url}/ready")[0] == 200, what="/ready")
        for _ in range(2):
            assert ork(work, "apply", "-f", "first.yaml", "--state", "state").returncode == 0
            cr = wait_for(lambda: made_by(work, "first") and get(work, "webapps", "first"),
                          what="first-cfg")
            assert ork(work, "delete", "webapps", "first", "--state", "state").returncode == 0
            wait_for(lambda: get(work, "webapps", "first") is None or None, what="CR gone")
            farewell = get(work, "configmaps", "first-farewell")
            assert farewell is not None
            notes = farewell["metadata"]["annotations"]
            assert notes["orkestra.orkspace.io/owner-uid"] == cr["metadata"]["uid"]
            farewells.append(farewell["metadata"]["uid"])
    finally:
        assert run.stop() == 0, run.log()
    assert farewells[0] != farewells[1]
    assert run.log().count("webapp: create configMaps team/first-farewell") == 2
    assert run.log().count("webapp: delete configMaps team/first-farewell") == 1


def test_a_busy_port_is_a_clear_error(work: Path) -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        done = ork(work, "run", "--bundle", "bundle.yaml", "--state", "state", "--port",
                   str(port))
    assert done.returncode == 1, done.stderr
    assert f"error[port-in-use]: cannot listen on 127.0.0.1:{port}" in done.stderr
    assert "Traceback" not in done.stderr


def test_the_kube_backend_without_its_client_says_how_to_install_it(work: Path) -> None:
    try:
        import kubernetes  # noqa: F401
    except ImportError:
        done = ork(work, "run", "--bundle", "bundle.yaml", "--backend", "kube")
        assert done.returncode == 1, done.stderr
        assert "error[kube-client-missing]" in done.stderr
        assert "pip install 'ork[kube]'" in done.stderr
    else:
        done = ork(work, "run", "--bundle", "bundle.yaml", "--backend", "kube",
                   "--kubeconfig", str(work / "missing-kubeconfig"))
        assert done.returncode == 1, done.stderr
        assert "error[cluster-request-failed]" in done.stderr
