"""The documents of ``bundle.yaml`` (spec/bundle-and-lock.md): their order, the RBAC rules
the Katalog needs, and the digests the ConfigMap records."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import yaml

from tests.conftest import Ork

KATALOG = """\
apiVersion: orkestra.orkspace.io/v1
kind: Katalog
metadata: {name: kitchen, version: v1}
spec:
  crds:
    zeta:
      apiTypes: {group: z.demo, version: v1, kind: Zeta}
      operatorBox:
        reconcile:
          onCreate:
            jobs: [{name: "{{ .metadata.name }}-init", image: busybox}]
          onDelete:
            configMaps: [{name: "{{ .metadata.name }}-bye", data: {a: b}}]
          onReconcile:
            statefulSets: [{name: "{{ .metadata.name }}", image: postgres}]
            secrets: [{name: "{{ .metadata.name }}", data: {a: b}}]
            cronJobs: [{name: "{{ .metadata.name }}", schedule: "* * * * *", image: busybox}]
            custom:
              - {name: a, apiVersion: monitoring.coreos.com/v1, kind: ServiceMonitor, spec: {}}
              - {name: b, apiVersion: v1, kind: Endpoints, spec: {}}
              - {name: c, apiVersion: x.io/v1, kind: Policy, spec: {}}
              - {name: d, apiVersion: "{{ .spec.api }}", kind: Widget, spec: {}}
    alpha:
      apiTypes: {group: a.demo, version: v1, kind: Alpha, plural: alphae}
"""

ALL = ["create", "delete", "get", "list", "patch", "update", "watch"]


def _build(ork: Ork, root: Path, *args: str) -> list[dict[str, Any]]:
    root.mkdir(exist_ok=True)
    (root / "katalog.yaml").write_text(KATALOG)
    result = ork("generate", "bundle", "-o", "bundle.yaml", *args, cwd=root)
    assert result.code == 0, str(result)
    return list(yaml.safe_load_all((root / "bundle.yaml").read_text()))


def test_the_documents_come_in_the_specified_order(ork: Ork, tmp_path: Path) -> None:
    docs = _build(ork, tmp_path / "p", "-n", "ops", "-w", "apps")
    assert [(d["kind"], d["metadata"]["name"]) for d in docs] == [
        ("Namespace", "ops"), ("Namespace", "apps"), ("ServiceAccount", "orkestra"),
        ("ClusterRole", "orkestra-ops"), ("ClusterRoleBinding", "orkestra-ops"),
        ("ConfigMap", "orkestra-katalog")]
    assert docs[-1]["metadata"]["namespace"] == docs[2]["metadata"]["namespace"] == "ops"
    assert docs[4]["subjects"] == [{"kind": "ServiceAccount", "name": "orkestra",
                                    "namespace": "ops"}]
    assert (tmp_path / "p" / "bundle.yaml").read_text().count("---\n") == len(docs)


def test_the_cluster_role_grants_what_each_phase_creates_merged_and_sorted(
        ork: Ork, tmp_path: Path) -> None:
    docs = _build(ork, tmp_path / "p")
    (role,) = [d for d in docs if d["kind"] == "ClusterRole"]
    assert [(r["apiGroups"], r["resources"], r["verbs"]) for r in role["rules"]] == [
        ([""], ["configmaps", "endpoints", "secrets"], ALL),  # onDelete and custom v1 too
        ([""], ["events"], ["create", "patch"]),
        (["a.demo"], ["alphae"], ALL),
        (["a.demo"], ["alphae/status"], ["get", "patch", "update"]),
        (["apps"], ["statefulsets"], ALL),
        (["batch"], ["cronjobs", "jobs"], ALL),  # onCreate's job and onReconcile's cronJob
        (["coordination.k8s.io"], ["leases"], ["create", "get", "update"]),
        (["monitoring.coreos.com"], ["servicemonitors"], ALL),
        (["x.io"], ["policies"], ALL),
        (["z.demo"], ["zetas"], ALL),
        (["z.demo"], ["zetas/status"], ["get", "patch", "update"])]


def test_the_config_map_records_the_digest_of_its_katalog(ork: Ork, tmp_path: Path) -> None:
    configmap = _build(ork, tmp_path / "p")[-1]
    text = configmap["data"]["katalog.yaml"]
    assert configmap["metadata"]["annotations"]["orkestra.orkspace.io/katalog-digest"] == \
        "sha256:" + hashlib.sha256(text.encode()).hexdigest()
    assert configmap["metadata"]["labels"] == {"app.kubernetes.io/managed-by": "ork",
                                               "app.kubernetes.io/part-of": "orkestra"}
    assert list(yaml.safe_load(text)["spec"]["crds"]) == ["alpha", "zeta"]
    template = ork("template", cwd=tmp_path / "p")
    assert template.code == 0, str(template)
    assert template.stdout == text
