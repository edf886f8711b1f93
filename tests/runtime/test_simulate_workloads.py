"""``ork simulate`` with a Simulate file's ``workloads``: Deployments that are not ready
(for some cycles or the whole run) and Jobs that fail or still run, so status fields
built on ``allReplicasReady``, ``readyReplicas`` and ``jobFailed`` can be tested."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO, Ork

BEGINNER = REPO / "stdlib" / "packs" / "beginner"
HEAD = """\
apiVersion: orkestra.orkspace.io/v1
kind: Simulate
metadata: {name: website}
spec:
  katalog: ./katalog.yaml
  cr: ./cr.yaml
"""
MIGRATION = """\
apiVersion: orkestra.orkspace.io/v1
kind: Katalog
metadata: {name: migrations, version: v0.1.0}
spec:
  crds:
    migration:
      apiTypes: {group: jobs.demo, version: v1, kind: Migration, plural: migrations}
      operatorBox:
        reconcile:
          onReconcile:
            jobs:
              - name: "{{ .metadata.name }}-run"
                image: migrate:1
        emit:
          status:
            fields:
              - {path: failed, value: "{{ jobFailed .children.job }}"}
              - {path: running, value: "{{ jobActive .children.job }}"}
              - {path: done, value: "{{ jobSucceeded .children.job }}"}
"""
MIGRATION_CR = """\
apiVersion: jobs.demo/v1
kind: Migration
metadata: {name: schema, namespace: default}
spec: {}
"""


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """The beginner pack: one Website CR with 2 replicas and ready/replicas status fields."""
    shutil.copytree(BEGINNER, tmp_path / "site")
    return tmp_path / "site"


def _simulate(ork: Ork, root: Path, body: str) -> dict[str, Any]:
    (root / "simulate.yaml").write_text(HEAD + body)
    result = ork("simulate", "-f", "simulate.yaml", "--output", "json", cwd=root)
    assert result.code == 0, result
    report: dict[str, Any] = json.loads(result.stdout)
    return report


def _status(report: dict[str, Any], kind: str) -> dict[str, Any]:
    found = [o for o in report["objects"] if o["kind"] == kind]
    assert len(found) == 1, found
    status: dict[str, Any] = found[0]["status"]
    return status


def _ops(report: dict[str, Any]) -> list[list[str]]:
    return [c["ops"] for c in report["cycles"]]


def test_workloads_are_ready_at_once_by_default(ork: Ork, site: Path) -> None:
    report = _simulate(ork, site, "  cycles: 2\n")
    assert _status(report, "Website")["ready"] is True
    assert _status(report, "Website")["replicas"] == 2
    assert _ops(report)[1] == []


def test_a_deployment_held_back_for_the_whole_run(ork: Ork, site: Path) -> None:
    report = _simulate(ork, site, "  cycles: 3\n  workloads:\n"
                                  "    - {resource: deployments, name: hello, readyReplicas: 1}\n")
    assert _status(report, "Deployment")["readyReplicas"] == 1
    assert _status(report, "Website")["ready"] is False
    assert _status(report, "Website")["replicas"] == 1
    assert _ops(report)[1:] == [[], []]  # steady while held back


def test_a_deployment_becomes_ready_after_its_cycle(ork: Ork, site: Path) -> None:
    report = _simulate(ork, site, "  cycles: 4\n  workloads:\n"
                                  "    - {resource: Deployments, name: hello, readyReplicas: 0,"
                                  " untilCycle: 2}\n")
    # Cycle 1 writes the CR's status (not ready); cycle 3 sees the pods ready and writes it
    # again; then nothing changes.
    assert _ops(report) == [
        ["update websites hello", "create deployments hello", "create services hello-svc",
         "status websites hello"],
        [], ["status websites hello"], []]
    assert _status(report, "Website")["ready"] is True
    assert _status(report, "Website")["replicas"] == 2


@pytest.mark.parametrize(("job", "expected"), [
    (None, {"failed": False, "running": False, "done": True}),
    ("failed", {"failed": True, "running": False, "done": False}),
    ("active", {"failed": False, "running": True, "done": False}),
])
def test_a_job_can_fail_or_keep_running(ork: Ork, tmp_path: Path, job: str | None,
                                        expected: dict[str, bool]) -> None:
    (tmp_path / "katalog.yaml").write_text(MIGRATION)
    (tmp_path / "cr.yaml").write_text(MIGRATION_CR)
    body = "  cycles: 2\n"
    if job:
        body += f"  workloads:\n    - {{resource: jobs, name: schema-run, job: {job}}}\n"
    status = _status(_simulate(ork, tmp_path, body), "Migration")
    assert {k: status[k] for k in expected} == expected


def test_workload_entries_the_simulation_cannot_apply_are_errors(ork: Ork, site: Path) -> None:
    (site / "simulate.yaml").write_text(HEAD + """\
  workloads:
    - {resource: services, name: hello-svc, readyReplicas: 0}
    - {resource: deployments, name: hello, job: failed}
    - {resource: jobs, name: migrate, readyReplicas: 1}
    - {resource: deployments, name: hello, readyReplicas: -1, untilCycle: 0}
""")
    result = ork("simulate", "-f", "simulate.yaml", cwd=site)
    assert result.code == 1, result
    found = [line for line in result.stderr.splitlines() if ": error[" in line]
    assert found == [
        "simulate.yaml:8:18: error[invalid-value]: 'services' is not a workload the "
        "simulation can hold back",
        "simulate.yaml:9:49: error[invalid-value]: a deployments entry's state is "
        "readyReplicas (hello)",
        "simulate.yaml:10:54: error[invalid-value]: a Job's state is `job`, not "
        "readyReplicas (migrate)",
        "simulate.yaml:11:59: error[invalid-value]: readyReplicas must be 0 or more, not -1",
        "simulate.yaml:11:75: error[invalid-value]: untilCycle must be 1 or more, not 0",
    ]
    assert "hint: one of deployments, statefulSets, jobs" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_shape_error_in_a_simulate_file_points_at_the_field(ork: Ork, site: Path) -> None:
    (site / "simulate.yaml").write_text(
        HEAD + "  workloads:\n    - {resource: jobs, name: migrate, job: crashed}\n")
    result = ork("simulate", "-f", "simulate.yaml", cwd=site)
    assert result.code == 1, result
    assert result.stderr.startswith(
        "simulate.yaml:8:44: error[wrong-type]: `job` should be one of 'succeeded', "
        "'failed' or 'active', not 'crashed'\n"), result
