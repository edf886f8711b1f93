"""``ork why``: the value, the file:line it was written at, and the chain that put it there.

The project is written here, so every expected line number can be read off the text.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Ork

KOMPOSER = """\
apiVersion: orkestra.orkspace.io/v1
kind: Komposer
metadata:
  name: shop
imports:
  files:
    - ./katalogs/web.yaml
spec:
  crds:
    webapp:
      operatorBox:
        reconcile:
          workers: 4
      imports:
        - motif: web
          with:
            replicas: 3
"""
KATALOG = """\
apiVersion: orkestra.orkspace.io/v1
kind: Katalog
metadata:
  name: web-operator
  version: v1.0.0
spec:
  crds:
    webapp:
      apiTypes: {group: demo.io, version: v1, kind: WebApp, plural: webapps}
      imports:
        - motif: ../motifs/web.yaml
          with:
            image: "{{ .spec.image }}"
      labels:
        app.kubernetes.io/part-of: shop
      operatorBox:
        reconcile:
          workers: 2
          resync: 5m
"""
MOTIF = """\
apiVersion: orkestra.orkspace.io/v1
kind: Motif
metadata:
  name: web
  version: v1.0.0
inputs:
  - {name: image, type: string, required: true}
  - {name: replicas, type: integer, default: 1}
  - {name: port, type: integer, default: 8080}
resources:
  deployments:
    - name: "{{ .metadata.name }}"
      image: "{{ .inputs.image }}"
      replicas: "{{ .inputs.replicas }}"
      port: "{{ .inputs.port }}"
"""
DEPLOYMENT = 'webapp.operatorBox.reconcile.onReconcile.deployments["{{ .metadata.name }}"]'


@pytest.fixture
def project(tmp_path: Path) -> Path:
    for rel, text in (("komposer.yaml", KOMPOSER), ("katalogs/web.yaml", KATALOG),
                      ("motifs/web.yaml", MOTIF)):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    return tmp_path


def why_json(ork: Ork, query: str, cwd: Path) -> Any:
    result = ork("why", query, "--output", "json", cwd=cwd)
    assert result.code == 0, str(result)
    return json.loads(result.stdout)


def at(span: dict[str, Any] | None) -> str:
    assert span is not None
    return f"{span['path']}:{span['line']}"


def test_a_plain_katalog_field(project: Path, ork: Ork) -> None:
    result = ork("why", "webapp.operatorBox.reconcile.resync", cwd=project)
    assert result.code == 0, str(result)
    lines = result.stdout.splitlines()
    assert lines[:4] == ["webapp.operatorBox.reconcile.resync", '  value: "5m"',
                         "  written at: katalogs/web.yaml:19:19",
                         "  set by: the Katalog that defines the CRD"]
    assert lines[5].startswith("    komposer.yaml  [Komposer, entry]  sha256:")
    assert lines[6].startswith("    → katalogs/web.yaml  [Katalog]  sha256:")
    assert lines[6].endswith("  imported at komposer.yaml:7:7")
    assert len(lines) == 7
    data = why_json(ork, "webapp.operatorBox.reconcile.resync", project)
    assert (data["value"], at(data["writtenAt"]), data["setBy"]) == (
        "5m", "katalogs/web.yaml:19", "katalog")
    assert [(c["ref"], c["role"]) for c in data["chain"]] == [
        ("komposer.yaml", "Komposer, entry"), ("katalogs/web.yaml", "Katalog")]
    assert data["chain"][1]["digest"].startswith("sha256:")


def test_an_inline_komposer_override(project: Path, ork: Ork) -> None:
    result = ork("why", "webapp.operatorBox.reconcile.workers", cwd=project)
    assert result.code == 0, str(result)
    assert "  value: 4\n  written at: komposer.yaml:13:20\n  set by: the Komposer's override\n" \
        in result.stdout
    data = why_json(ork, "webapp.operatorBox.reconcile.workers", project)
    assert (data["value"], at(data["writtenAt"]), data["setBy"]) == (
        4, "komposer.yaml:13", "override")


def test_a_motif_binding_with(project: Path, ork: Ork) -> None:
    result = ork("why", f"{DEPLOYMENT}.image", cwd=project)
    assert result.code == 0, str(result)
    assert result.stdout.splitlines()[1:4] == [
        '  value: "{{ .spec.image }}"', "  written at: motifs/web.yaml:13:14",
        "  set by: a Motif expanded into the CRD"]
    assert "    → motifs/web.yaml  [Motif]  sha256:" in result.stdout
    assert "imported at katalogs/web.yaml:11:18\n" in result.stdout
    assert result.stdout.endswith(
        '    → input image = "{{ .spec.image }}"  (bound by `with` at katalogs/web.yaml:13:20)\n')
    data = why_json(ork, f"{DEPLOYMENT}.image", project)
    assert at(data["writtenAt"]) == "motifs/web.yaml:13"
    assert [(c["ref"], at(c["at"]) if c["at"] else None) for c in data["chain"]] == [
        ("komposer.yaml", None), ("katalogs/web.yaml", "komposer.yaml:7"),
        ("motifs/web.yaml", "katalogs/web.yaml:11")]
    assert [(b["input"], b["how"], at(b["at"])) for b in data["bindings"]] == [
        ("image", "with", "katalogs/web.yaml:13")]


def test_a_motif_default(project: Path, ork: Ork) -> None:
    result = ork("why", f"{DEPLOYMENT}.port", cwd=project)
    assert result.code == 0, str(result)
    assert "  written at: motifs/web.yaml:15:13\n" in result.stdout
    assert result.stdout.endswith(
        "    → input port = 8080  (the Motif's default at motifs/web.yaml:9:42)\n")
    data = why_json(ork, f"{DEPLOYMENT}.port", project)
    assert [(b["input"], b["value"], b["how"], at(b["at"])) for b in data["bindings"]] == [
        ("port", 8080, "default", "motifs/web.yaml:9")]


def test_a_motif_binding_overridden_by_the_komposer(project: Path, ork: Ork) -> None:
    data = why_json(ork, f"{DEPLOYMENT}.replicas", project)
    assert (data["value"], at(data["writtenAt"])) == (3, "motifs/web.yaml:14")
    assert [(b["input"], b["value"], b["how"], at(b["at"])) for b in data["bindings"]] == [
        ("replicas", 3, "override", "komposer.yaml:17")]


def test_paths_by_index_and_by_key_name_the_same_value(project: Path, ork: Ork) -> None:
    by_index = ork("why", "webapp.operatorBox.reconcile.onReconcile.deployments[0].port",
                   cwd=project)
    by_name = ork("why", f"{DEPLOYMENT}.port", cwd=project)
    assert by_index.stdout == by_name.stdout, str(by_index)
    label = ork("why", 'webapp.labels["app.kubernetes.io/part-of"]', cwd=project)
    assert label.code == 0, str(label)
    assert "  written at: katalogs/web.yaml:15:36\n" in label.stdout


def test_a_crd_alone(project: Path, ork: Ork) -> None:
    result = ork("why", "webapp", cwd=project)
    assert result.code == 0, str(result)
    assert result.stdout.splitlines()[:3] == [
        "webapp", "  value: (mapping)", "  written at: katalogs/web.yaml:8:5"]


@pytest.mark.parametrize(("query", "hint"), [
    ("webap", "did you mean 'webapp'?"),
    ("webapp.operatorBox.reconcile.resynk", "did you mean 'resync'?"),
    ('webapp.operatorBox.reconcile.onReconcile.deployments["web"]',
     "it has: {{ .metadata.name }}"),
    ("webapp.operatorBox.reconcile.onReconcile.deployments[7]", "it has 1 items"),
    ("webapp.apiTypes.kind.more", 'it is a value: "WebApp"'),
    ("webapp.apiTypes[", "write fields with dots"),
])
def test_an_unknown_crd_or_path_is_a_usage_error(project: Path, ork: Ork, query: str,
                                                 hint: str) -> None:
    result = ork("why", query, cwd=project)
    assert result.code == 64, str(result)
    assert "error[usage]" in result.stderr
    assert hint in result.stderr
    assert result.stdout == ""


def test_a_crd_defined_inline_by_the_komposer(project: Path, ork: Ork) -> None:
    (project / "komposer.yaml").write_text(
        KOMPOSER + "    cache:\n      apiTypes: {group: demo.io, version: v1, kind: Cache}\n")
    data = why_json(ork, "cache.apiTypes.kind", project)
    assert (data["value"], at(data["writtenAt"]), data["setBy"]) == (
        "Cache", "komposer.yaml:19", "inline")
    assert [c["ref"] for c in data["chain"]] == ["komposer.yaml"]


def test_a_project_that_does_not_compile_is_exit_1(project: Path, ork: Ork) -> None:
    (project / "katalogs" / "web.yaml").write_text(KATALOG.replace("resync: 5m", "resync: 5 min"))
    result = ork("why", "webapp", cwd=project)
    assert result.code == 1, str(result)
    assert "error[invalid-duration]" in result.stderr
    assert result.stdout == ""


def test_a_disabled_crd_says_so(project: Path, ork: Ork) -> None:
    (project / "komposer.yaml").write_text(KOMPOSER + "    other:\n      enabled: false\n")
    (project / "katalogs" / "web.yaml").write_text(
        KATALOG + "    other:\n      apiTypes: {group: demo.io, version: v1, kind: Other}\n")
    result = ork("why", "other", cwd=project)
    assert result.code == 64, str(result)
    assert "'other' is disabled" in result.stderr


def test_a_registry_chain_pins_each_source_by_digest(tmp_path: Path, ork: Ork) -> None:
    (tmp_path / "komposer.yaml").write_text(
        "apiVersion: orkestra.orkspace.io/v1\nkind: Komposer\nmetadata: {name: demo}\n"
        "imports:\n  registry:\n    - platform-app-operator:v1.1.0\n")
    data = why_json(ork, "platformapp.operatorBox.reconcile.onReconcile.deployments[0]"
                         ".probes.readiness.path", tmp_path)
    assert data["value"] == '{{ .spec.probePath | default "/health" }}'
    assert [c["ref"] for c in data["chain"]] == [
        "komposer.yaml", "platform-app-operator:v1.1.0", "web-service:v1.1.0"]
    assert data["chain"][1]["resolved"].startswith(
        "embedded://katalogs/platform-app-operator@sha256:")
    assert data["chain"][2]["resolved"].startswith("embedded://motifs/web-service@sha256:")
    assert at(data["chain"][1]["at"]) == "komposer.yaml:6"
    assert [(b["input"], b["how"]) for b in data["bindings"]] == [("probePath", "with")]


def test_a_motif_binding_when_the_traces_left_the_cache(project: Path, ork: Ork,
                                                       tmp_path: Path) -> None:
    # Traces live in a table of their own (ork.resolved.Traces); `why` merges again
    # rather than answer without them.
    before = why_json(ork, f"{DEPLOYMENT}.image", project)
    tables = [p for p in (tmp_path / "ork-cache" / "objects").rglob("*")
              if p.is_file() and p.read_bytes().startswith(b'"webapp"\t[{')]
    assert len(tables) == 1
    tables[0].unlink()
    assert why_json(ork, f"{DEPLOYMENT}.image", project) == before
