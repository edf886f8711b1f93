"""``ork simulate``: the upgrade story, expectations, output formats and bad input."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import Ork
from tests.runtime.conftest import STDLIB, UPGRADE_KOMPOSER

PLAIN_WEBAPP = """\
apiVersion: rkguide.demo/v1
kind: WebApp
metadata: {name: plain, namespace: api-team}
spec: {image: ghcr.io/example/plain:1.0}
"""


@pytest.fixture
def story(tmp_path: Path, upgrade_bundle: Path) -> Path:
    """A directory with the upgrade bundle and three CRs."""
    shutil.copy(upgrade_bundle, tmp_path / "bundle.yaml")
    shutil.copy(STDLIB / "webapp-operator" / "v1.1.0" / "cr.yaml", tmp_path / "webapp.yaml")
    shutil.copy(STDLIB / "platform-app-operator" / "v1.0.0" / "cr.yaml",
                tmp_path / "platform.yaml")
    (tmp_path / "plain.yaml").write_text(PLAIN_WEBAPP)
    return tmp_path


def objects(text: str) -> dict[tuple[str, str], Any]:
    docs = [d for d in yaml.safe_load_all(text) if d]
    return {(d["kind"], d["metadata"]["name"]): d for d in docs}


def probe_path(deployment: dict[str, Any]) -> str:
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    assert container["livenessProbe"]["httpGet"]["path"] == \
        container["readinessProbe"]["httpGet"]["path"]
    path: str = container["readinessProbe"]["httpGet"]["path"]
    return path


def test_the_upgrade_story_two_motif_versions_side_by_side(ork: Ork, story: Path) -> None:
    result = ork("simulate", "--bundle", "bundle.yaml", "--cr", "webapp.yaml", "--cr",
                 "plain.yaml", "--cr", "platform.yaml", "--cycles", "3", "--output", "yaml",
                 cwd=story)
    assert result.code == 0, result
    found = objects(result.stdout)
    assert probe_path(found[("Deployment", "storefront")]) == "/ready"  # webapp, its CR's path
    assert probe_path(found[("Deployment", "plain")]) == "/health"  # webapp, the Motif default
    assert probe_path(found[("Deployment", "billing")]) == "/health"  # web-service v1.0.0
    assert found[("Deployment", "billing")]["spec"]["replicas"] == 3
    assert ("Ingress", "storefront-ingress") in found
    assert ("Ingress", "billing-ingress") not in found  # no host: the when is false
    assert found[("WebApp", "storefront")]["status"]["ready"] is True
    assert found[("PlatformApp", "billing")]["status"]["ready"] is True
    assert "# cycle 1\n#  update platformapps billing\n#  create deployments billing\n" \
        in result.stdout
    assert "# cycle 3\n#  (no writes)" in result.stdout


def test_text_output_lists_the_writes_of_each_cycle(ork: Ork, story: Path) -> None:
    result = ork("simulate", "--bundle", "bundle.yaml", "--cr", "webapp.yaml", "--cycles",
                 "2", cwd=story)
    assert result.code == 0, result
    assert result.stdout == (
        "cycle 1\n  update webapps storefront\n  create deployments storefront\n"
        "  create services storefront-svc\n  create ingresses storefront-ingress\n"
        "  status webapps storefront\ncycle 2\n  (no writes)\n")


def test_json_output_and_a_denied_cr(ork: Ork, story: Path) -> None:
    (story / "denied.yaml").write_text(
        "apiVersion: rkguide.demo/v1\nkind: PlatformApp\n"
        "metadata: {name: rogue, namespace: platform-team}\n"
        "spec: {image: docker.io/rogue:1, replicas: 9}\n")
    result = ork("simulate", "--bundle", "bundle.yaml", "--cr", "denied.yaml", "--cycles", "2",
                 "--output", "json", cwd=story)
    assert result.code == 0, result
    report = json.loads(result.stdout)
    assert report["cycles"][0]["ops"] == ["update platformapps rogue",
                                         "status platformapps rogue"]
    events = report["cycles"][0]["events"]
    assert [e["reason"] for e in events] == ["Denied"]
    assert "image must come from registry.platform.example/" in events[0]["message"]
    assert "at most 5 replicas" in events[0]["message"]
    (cr,) = [o for o in report["objects"] if o["kind"] == "PlatformApp"]
    assert cr["status"]["phase"] == "Denied"
    assert report["cycles"][1]["ops"] == []


SIMULATE = """\
apiVersion: orkestra.orkspace.io/v1
kind: Simulate
metadata: {{name: upgrade-sim}}
spec:
  komposer: ./komposer.yaml
  crFiles: [./webapp.yaml, ./platform.yaml]
  cycles: 3
  expect:
    steady: true
    noErrors: true
    ops:
      - {{cycle: 1, verb: create, resource: deployments, name: storefront}}
      - {{cycle: 1, verb: create, resource: services, name: billing-svc}}
      - {{cycle: {late}, verb: patch, resource: deployments, name: billing}}
    absent:
      - {{resource: ingresses, name: {absent}}}
"""


def test_a_simulate_file_compiles_the_komposer_and_checks_expectations(ork: Ork,
                                                                       story: Path) -> None:
    (story / "komposer.yaml").write_text(UPGRADE_KOMPOSER)
    good = SIMULATE.format(late=1, absent="billing-ingress").replace(
        "      - {cycle: 1, verb: patch, resource: deployments, name: billing}\n", "")
    (story / "simulate.yaml").write_text(good)
    result = ork("simulate", "-f", "simulate.yaml", cwd=story)
    assert result.code == 0, result
    assert not (story / "ork.lock").exists()  # compiled in memory: nothing written


def test_failed_expectations_exit_1_with_a_readable_report(ork: Ork, story: Path) -> None:
    (story / "komposer.yaml").write_text(UPGRADE_KOMPOSER)
    (story / "simulate.yaml").write_text(SIMULATE.format(late=2,
                                                         absent="storefront-ingress"))
    result = ork("simulate", "-f", "simulate.yaml", cwd=story)
    assert result.code == 1, result
    assert "2 expectation(s) failed:" in result.stdout
    assert "  - expected `patch deployments billing` in cycle 2; it did: nothing" \
        in result.stdout
    assert "expected ingresses storefront-ingress to be absent, but it exists" in result.stdout
    assert "error[simulation-failed]: 2 expectation(s) of the simulation failed" in result.stderr


def test_steady_fails_when_the_last_cycle_still_writes(ork: Ork, story: Path) -> None:
    (story / "komposer.yaml").write_text(UPGRADE_KOMPOSER)
    text = SIMULATE.format(late=1, absent="x").replace("cycles: 3", "cycles: 1")
    (story / "simulate.yaml").write_text(text)
    result = ork("simulate", "-f", "simulate.yaml", "--output", "json", cwd=story)
    assert result.code == 1, result
    failures = json.loads(result.stdout)["failures"]
    assert any(f.startswith("expected a steady state, but the last cycle (1) still wrote")
               for f in failures), failures
    assert "expected a steady state" in result.stderr


def test_a_simulate_file_can_name_a_bundle(ork: Ork, story: Path) -> None:
    (story / "simulate.yaml").write_text(
        "apiVersion: orkestra.orkspace.io/v1\nkind: Simulate\nmetadata: {name: s}\n"
        "spec:\n  bundle: bundle.yaml\n  cr: webapp.yaml\n  cycles: 2\n"
        "  expect: {steady: true, noErrors: true}\n")
    assert ork("simulate", "-f", "simulate.yaml", cwd=story).code == 0


def test_a_cr_no_crd_serves_is_an_error(ork: Ork, story: Path) -> None:
    (story / "odd.yaml").write_text("apiVersion: other.io/v1\nkind: Odd\nmetadata: {name: x}\n")
    result = ork("simulate", "--bundle", "bundle.yaml", "--cr", "odd.yaml", cwd=story)
    assert result.code == 1, result
    assert "error[unknown-cr-kind]: no CRD of the bundle serves other.io/v1 Odd" in result.stderr
    assert "rkguide.demo/v1 WebApp" in result.stderr


@pytest.mark.parametrize("args", [(), ("-f", "s.yaml", "--bundle", "b.yaml"),
                                  ("--bundle", "bundle.yaml")])
def test_usage_errors_exit_64(ork: Ork, story: Path, args: tuple[str, ...]) -> None:
    result = ork("simulate", *args, cwd=story)
    assert result.code == 64, result
    assert "error[usage]" in result.stderr


def test_a_cr_without_a_name_is_invalid_input(ork: Ork, story: Path) -> None:
    (story / "bad.yaml").write_text("apiVersion: rkguide.demo/v1\nkind: WebApp\nspec: {}\n")
    result = ork("simulate", "--bundle", "bundle.yaml", "--cr", "bad.yaml", cwd=story)
    assert result.code == 1, result
    assert "bad.yaml:1:1: error[invalid-object]: the object has no metadata.name" \
        in result.stderr


def test_the_same_inputs_print_the_same_bytes(ork: Ork, story: Path) -> None:
    args = ("simulate", "--bundle", "bundle.yaml", "--cr", "webapp.yaml", "--cr",
            "platform.yaml", "--output", "yaml")
    first = ork(*args, cwd=story)
    second = ork(*args, cwd=story)
    assert first.code == 0, first
    assert first.stdout == second.stdout
    assert "uid: " in first.stdout


def test_a_simulate_file_takes_no_cr_and_honours_lock(ork: Ork, story: Path) -> None:
    (story / "simulate.yaml").write_text(
        "apiVersion: orkestra.orkspace.io/v1\nkind: Simulate\nmetadata: {name: s}\n"
        "spec:\n  bundle: bundle.yaml\n  cr: webapp.yaml\n  cycles: 1\n")
    with_cr = ork("simulate", "-f", "simulate.yaml", "--cr", "plain.yaml", cwd=story)
    assert with_cr.code == 64, with_cr
    assert "error[usage]: -f takes its CRs from the Simulate file" in with_cr.stderr
    (story / "other.lock").write_text("lockVersion: 1\nsources: []\n")
    locked = ork("simulate", "-f", "simulate.yaml", "--lock", "other.lock", cwd=story)
    assert locked.code == 1, locked
    assert "error[bundle-lock-mismatch]" in locked.stderr


@pytest.mark.parametrize("cycles", ["0", "-1"])
def test_a_simulate_file_needs_a_cycle(ork: Ork, story: Path, cycles: str) -> None:
    (story / "simulate.yaml").write_text(
        "apiVersion: orkestra.orkspace.io/v1\nkind: Simulate\nmetadata: {name: s}\n"
        f"spec:\n  bundle: bundle.yaml\n  cr: webapp.yaml\n  cycles: {cycles}\n")
    result = ork("simulate", "-f", "simulate.yaml", cwd=story)
    assert result.code == 1, result
    assert f"simulate.yaml:7:11: error[invalid-value]: spec.cycles must be at least 1, " \
           f"not {cycles}" in result.stderr, result.stderr


def test_cr_errors_point_at_the_cr(ork: Ork, story: Path) -> None:
    (story / "two.yaml").write_text(PLAIN_WEBAPP + "---\n" + PLAIN_WEBAPP.replace(
        "rkguide.demo/v1", "rkguide.demo/v2"))
    unserved = ork("simulate", "--bundle", "bundle.yaml", "--cr", "two.yaml", cwd=story)
    assert unserved.code == 1, unserved
    assert "two.yaml:6:1: error[unknown-cr-kind]: no CRD of the bundle serves " \
           "rkguide.demo/v2 WebApp" in unserved.stderr, unserved.stderr
    twice = ork("simulate", "--bundle", "bundle.yaml", "--cr", "plain.yaml", "--cr",
                "plain.yaml", cwd=story)
    assert twice.code == 1, twice
    assert "plain.yaml:1:1: error[duplicate-cr]: webapps api-team/plain is given twice" \
        in twice.stderr, twice.stderr


def test_text_from_a_cr_cannot_leave_its_comment_line() -> None:
    """An event message rendered from a CR's spec may hold line breaks: the report keeps
    it on one line, so `--output yaml` holds only the objects as documents."""
    from ork.runtime import report
    from ork.runtime.cluster import Event
    from ork.runtime.objects import GK, Key
    from ork.runtime.recorder import Op
    from ork.runtime.simulate import Cycle, Report

    evil = "too big\n---\napiVersion: v1\nkind: Secret\nmetadata: {name: injected}\n"
    cycle = Cycle(1, (Op("create", "configmaps", "a\nb"),),
                  (Event(Key(GK("demo.io", "WebApp"), "ns", "x"), "Warning", "Rule", evil),),
                  ("webapps x: failed\r\nagain",))
    objs = ({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}},)
    out = report.yaml(Report((cycle,), objs, notes=("n\nkind: Secret",)))
    assert [d["kind"] for d in yaml.safe_load_all(out) if d] == ["ConfigMap"]
    assert "#  event Warning Rule x: too big\\n---\\napiVersion: v1\\nkind: Secret" in out
    text = report.text(Report((cycle,), objs, failures=("f\nx",)))
    assert text.splitlines() == [
        "cycle 1", "  create configmaps a\\nb",
        "  event Warning Rule x: too big\\n---\\napiVersion: v1\\nkind: Secret\\nmetadata: "
        "{name: injected}\\n", "  error webapps x: failed\\r\\nagain",
        "1 expectation(s) failed:", "  - f\\nx"]


PRINTING_KATALOG = """\
apiVersion: orkestra.orkspace.io/v1
kind: Katalog
metadata: {name: t, version: v0.1.0}
spec:
  crds:
    thing:
      apiTypes: {group: t.demo, version: v1, kind: Thing, plural: things}
      operatorBox:
        reconcile:
          onReconcile:
            configMaps:
              - name: out
                data: {a: "{{ 1e6 }}", b: "{{ .spec.g }}", c: "x{{ 1e6 }}",
                       d: "{{ list \\"<>&\\" 1.0 }}", e: "{{ dict \\"a\\" 1.0 }}",
                       f: "{{ .spec.g }}x"}
"""


def test_a_single_action_in_a_text_field_prints_as_go_prints_it(ork: Ork, tmp_path: Path) -> None:
    """A value that is exactly one action keeps its native type until a text field needs
    text; then it must read as the template printer writes it, the same as with text
    around it (and as a Motif evaluated at build time)."""
    (tmp_path / "katalog.yaml").write_text(PRINTING_KATALOG)
    (tmp_path / "cr.yaml").write_text("apiVersion: t.demo/v1\nkind: Thing\nmetadata: "
                                      "{name: hello, namespace: default}\nspec: {g: 1000000.0}\n")
    assert ork("generate", "bundle", "-f", "katalog.yaml", "-o", "bundle.yaml",
               cwd=tmp_path).code == 0
    result = ork("simulate", "--bundle", "bundle.yaml", "--cr", "cr.yaml", "--cycles", "1",
                 "--output", "yaml", cwd=tmp_path)
    assert result.code == 0, result
    data = objects(result.stdout)[("ConfigMap", "out")]["data"]
    assert data == {"a": "1e+06", "b": "1e+06", "c": "x1e+06", "f": "1e+06x",
                    "d": '["\\u003c\\u003e\\u0026",1]', "e": '{"a":1}'}
