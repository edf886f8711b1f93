"""Motifs through the CLI: ``ork template`` shows expanded CRDs, ``ork why`` says which Motif
and which binding a value came from, and ``ork validate -f motif.yaml`` checks a Motif alone.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import Ork

KATALOG = """\
apiVersion: orkestra.orkspace.io/v1
kind: Katalog
metadata: {name: shop, version: v1.0.0}
spec:
  crds:
    webapp:
      apiTypes: {group: demo.io, version: v1, kind: WebApp}
      imports:
        - motif: ./motifs/web-service.yaml
          with:
            image: "{{ .spec.image }}"
            probePath: "{{ .spec.probePath }}"
        - motif: ./motifs/cache.yaml
          with: {size: 2}
"""
WEB_SERVICE = """\
apiVersion: orkestra.orkspace.io/v1
kind: Motif
metadata: {name: web-service, version: v1.0.0}
inputs:
  - {name: image, required: true}
  - {name: port, type: integer, default: 8080}
  - {name: host, default: ""}
  - {name: probePath, default: /health}
resources:
  deployments:
    - name: "{{ .metadata.name }}"
      image: "{{ .inputs.image }}"
      port: "{{ .inputs.port }}"
      probes:
        readiness: {type: http, path: "{{ .inputs.probePath }}", port: "{{ .inputs.port }}"}
  ingresses:
    - name: "{{ .metadata.name }}-ingress"
      when: [{field: inputs.host, operator: exists}]
      host: "{{ .inputs.host }}"
      serviceName: "{{ .metadata.name }}-svc"
      servicePort: 80
status:
  fields:
    - {path: ready, value: "{{ allReplicasReady .children.deployment }}"}
"""
CACHE = """\
apiVersion: orkestra.orkspace.io/v1
kind: Motif
metadata: {name: cache, version: v1.0.0}
inputs:
  - {name: size, type: integer, default: 1}
resources:
  statefulSets:
    - name: "{{ .metadata.name }}-cache"
      image: redis:7
      replicas: "{{ .inputs.size }}"
      volumeSize: "{{ .inputs.size }}Gi"
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "motifs").mkdir()
    (tmp_path / "katalog.yaml").write_text(KATALOG)
    (tmp_path / "motifs" / "web-service.yaml").write_text(WEB_SERVICE)
    (tmp_path / "motifs" / "cache.yaml").write_text(CACHE)
    return tmp_path


def test_template_prints_the_crd_with_its_motifs_expanded(ork: Ork, project: Path) -> None:
    result = ork("template", "-f", "katalog.yaml", cwd=project)
    assert result.code == 0, str(result)
    crd = yaml.safe_load(result.stdout)["spec"]["crds"]["webapp"]
    assert "imports" not in crd
    groups = crd["operatorBox"]["reconcile"]["onReconcile"]
    assert groups["deployments"] == [{
        "name": "{{ .metadata.name }}", "image": "{{ .spec.image }}", "port": 8080,
        "probes": {"readiness": {"type": "http", "port": 8080,
                                 "path": '{{ .spec.probePath | default "/health" }}'}}}]
    assert groups["statefulSets"] == [{"name": "{{ .metadata.name }}-cache", "image": "redis:7",
                                       "replicas": 2, "volumeSize": "2Gi"}]
    assert "ingresses" not in groups  # host defaults to "": decided at build time
    assert crd["operatorBox"]["emit"]["status"]["fields"] == [
        {"path": "ready", "value": "{{ allReplicasReady .children.deployment }}"}]


def test_template_json_for_one_crd(ork: Ork, project: Path) -> None:
    result = ork("template", "-f", "katalog.yaml", "--crd", "webapp", "--output", "json",
                 cwd=project)
    assert result.code == 0, str(result)
    data: dict[str, Any] = json.loads(result.stdout)
    assert list(data) == ["webapp"]
    assert data["webapp"]["operatorBox"]["reconcile"]["onReconcile"]["deployments"][0][
        "image"] == "{{ .spec.image }}"


@pytest.mark.parametrize(("path", "expected"), [
    ("deployments[0].image", ["written at: motifs/web-service.yaml:12:14",
                              "→ motifs/web-service.yaml  [Motif]",
                              "input image = \"{{ .spec.image }}\"",
                              "(bound by `with` at katalog.yaml:11:20)"]),
    ("deployments[0].port", ["written at: motifs/web-service.yaml:13:13",
                             "input port = 8080  (the Motif's default at "
                             "motifs/web-service.yaml:6:42)"]),
    ("statefulSets[0].replicas", ["written at: motifs/cache.yaml:10:17",
                                  "→ motifs/cache.yaml  [Motif]",
                                  "input size = 2  (bound by `with` at katalog.yaml:14:24)"]),
])
def test_why_names_the_motif_and_the_binding_behind_a_value(ork: Ork, project: Path, path: str,
                                                           expected: list[str]) -> None:
    result = ork("why", "-f", "katalog.yaml",
                 "webapp.operatorBox.reconcile.onReconcile." + path, cwd=project)
    assert result.code == 0, str(result)
    for line in expected:
        assert line in result.stdout, str(result)


def test_validate_a_motif_alone(ork: Ork, project: Path) -> None:
    result = ork("validate", "-f", "motifs/web-service.yaml", cwd=project)
    assert result.code == 0, str(result)
    assert "web-service.yaml valid" in result.stderr


BROKEN = """\
apiVersion: orkestra.orkspace.io/v1
kind: Motif
metadata: {name: broken, version: v1.0.0}
inputs:
  - {name: host, default: ""}
  - {name: replicas, type: integer, default: two}
resources:
  deployments:
    - name: "{{ .inputs.hots }}"
      image: "{{ lowr .inputs.host }}"
      labels:
        id: "{{ uuidv4 }}"
        when: "{{ if .inputs.host }}"
  ingresses:
    - name: web
      when:
        - {field: inputs.nope, operator: exists}
      host: "{{ .inputs.host }}"
      serviceName: web
      servicePort: 80
status:
  fields:
    - {path: x, value: "{{ template \\"t\\" }}"}
"""


def test_validate_a_motif_alone_reports_every_problem_with_its_location(
        ork: Ork, tmp_path: Path) -> None:
    (tmp_path / "motif.yaml").write_text(BROKEN)
    result = ork("validate", "-f", "motif.yaml", cwd=tmp_path)
    assert result.code == 1, str(result)
    heads = [line for line in result.stderr.splitlines() if ": error[" in line]
    assert [h.split(": error[")[0] + " " + h.split("[")[1].split("]")[0] for h in heads] == [
        "motif.yaml:6:46 invalid-input-value",
        "motif.yaml:9:17 undeclared-input",
        "motif.yaml:10:18 unknown-function",
        "motif.yaml:12:17 nondeterministic-at-build",
        "motif.yaml:13:16 template-syntax",
        "motif.yaml:17:19 undeclared-input",
        "motif.yaml:23:28 unsupported-template-syntax",
    ]
    assert result.stderr.rstrip().endswith("7 errors")


def test_validate_json_gives_the_same_problems(ork: Ork, tmp_path: Path) -> None:
    (tmp_path / "motif.yaml").write_text(BROKEN)
    result = ork("validate", "-f", "motif.yaml", "--output", "json", cwd=tmp_path)
    assert result.code == 1, str(result)
    found = [(d["code"], d["line"], d["column"]) for d in json.loads(result.stdout)]
    assert ("undeclared-input", 17, 19) in found
    assert len(found) == 7


CARETS = [
    pytest.param(r'"{{ \"a\" | lowr }}"', 35, id="double-quoted-escapes"),
    pytest.param(r'"\u00e9\t{{ lowr }}"', 35, id="double-quoted-unicode-escape"),
    pytest.param("'{{ ''a'' | lowr }}'", 35, id="single-quoted-doubled-quote"),
    pytest.param('"{{ lowr }}"', 27, id="double-quoted"),
]


@pytest.mark.parametrize(("written", "column"), CARETS)
def test_the_caret_is_under_the_problem_whatever_the_yaml_quoting(
        ork: Ork, tmp_path: Path, written: str, column: int) -> None:
    (tmp_path / "katalog.yaml").write_text(
        "apiVersion: orkestra.orkspace.io/v1\nkind: Katalog\nmetadata: {name: k}\nspec:\n"
        "  crds:\n    app:\n      apiTypes: {kind: App}\n      operatorBox:\n"
        "        reconcile:\n          onReconcile:\n            configMaps:\n"
        f"              - name: {written}\n")
    result = ork("validate", "-f", "katalog.yaml", cwd=tmp_path)
    assert result.code == 1, str(result)
    assert f"katalog.yaml:12:{column}: error[unknown-function]" in result.stderr, str(result)
    excerpt = result.stderr.splitlines()[1:3]
    assert excerpt[1].index("^") == excerpt[0].index("lowr")


TYPED_IN_TEXT = """\
apiVersion: orkestra.orkspace.io/v1
kind: Motif
metadata: {name: typed, version: v1.0.0}
inputs:
  - {name: port, type: integer, default: 8080}
  - {name: enabled, type: boolean, default: true}
resources:
  deployments:
    - name: web
      image: nginx
      port: "{{ .inputs.port }}"
      reconcile: "{{ .inputs.enabled }}"
      args: ["{{ .inputs.port }}"]
      env: {PORT: "{{ .inputs.port }}", FLAG: "{{ .inputs.enabled }}"}
      labels: {port: "{{ .inputs.port }}"}
      annotations: {flag: "{{ .inputs.enabled }}"}
    - name: listed
      image: nginx
      env: [{name: PORT, value: "{{ .inputs.port }}"}]
  secrets:
    - {name: s, stringData: {P: "{{ .inputs.port }}"}}
  configMaps:
    - {name: c, data: {n: "{{ .inputs.port }}"}}
  custom:
    - name: t
      apiVersion: v1
      kind: Thing
      metadata: {name: t, labels: {p: "{{ .inputs.port }}"}}
      spec: {replicas: "{{ .inputs.port }}"}
"""


def test_a_typed_input_in_a_text_field_prints_as_text(ork: Ork, tmp_path: Path) -> None:
    (tmp_path / "motifs").mkdir()
    (tmp_path / "motifs" / "typed.yaml").write_text(TYPED_IN_TEXT)
    head = KATALOG.split("      imports:")[0]
    (tmp_path / "katalog.yaml").write_text(
        head + "      imports:\n        - motif: ./motifs/typed.yaml\n")
    result = ork("template", "-f", "katalog.yaml", cwd=tmp_path)
    assert result.code == 0, str(result)
    groups = yaml.safe_load(result.stdout)["spec"]["crds"]["webapp"]["operatorBox"][
        "reconcile"]["onReconcile"]
    web, listed = groups["deployments"]
    assert (web["port"], web["reconcile"]) == (8080, True)  # number and boolean fields
    assert web["args"] == ["8080"]
    assert web["env"] == {"PORT": "8080", "FLAG": "true"}
    assert listed["env"] == [{"name": "PORT", "value": "8080"}]
    assert (web["labels"], web["annotations"]) == ({"port": "8080"}, {"flag": "true"})
    assert groups["secrets"][0]["stringData"] == {"P": "8080"}
    assert groups["configMaps"][0]["data"] == {"n": "8080"}
    custom = groups["custom"][0]
    assert custom["metadata"]["labels"] == {"p": "8080"}
    assert custom["spec"] == {"replicas": 8080}  # free-form: a number stays a number


MULTI_LINE = r"""apiVersion: orkestra.orkspace.io/v1
kind: Katalog
metadata: {name: k}
spec:
  crds:
    app:
      apiTypes: {kind: App}
      operatorBox:
        reconcile:
          onReconcile:
            configMaps:
              - name: c
                data:
                  folded: >
                    first line
                    then {{ lowr .spec.a }}
                  plain: first
                    then {{ lowr .spec.b }}
                  double: "first \" line
                    then \u00e9 {{ lowr .spec.c }}"
                  literal: |
                    one
                      two {{ lowr .spec.d }}
                  single: 'it''s

                    then {{ lowr .spec.e }}'
                  joined: "first \
                    {{ lowr .spec.f }}"
"""


def test_the_caret_is_under_the_problem_in_a_scalar_over_several_lines(
        ork: Ork, tmp_path: Path) -> None:
    (tmp_path / "katalog.yaml").write_text(MULTI_LINE)
    result = ork("validate", "-f", "katalog.yaml", "--output", "json", cwd=tmp_path)
    assert result.code == 1, str(result)
    found = [(d["line"], d["column"], d["endColumn"]) for d in json.loads(result.stdout)]
    assert found == [(16, 29, 33), (18, 29, 33), (20, 36, 40), (23, 30, 34), (26, 29, 33),
                     (28, 24, 28)]
    lines = MULTI_LINE.splitlines()
    assert all(lines[line - 1][col - 1:end - 1] == "lowr" for line, col, end in found)


def test_a_long_pipeline_evaluated_at_build_time_is_computed(ork: Ork, tmp_path: Path) -> None:
    (tmp_path / "motifs").mkdir()
    (tmp_path / "motifs" / "long.yaml").write_text(
        "apiVersion: orkestra.orkspace.io/v1\nkind: Motif\nmetadata: {name: long, version: v1}\n"
        "inputs:\n  - {name: n, type: integer, default: 1}\nresources:\n  configMaps:\n"
        '    - {name: c, data: {k: "{{ .inputs.n' + " | add 1" * 100 + ' }}"}}\n')
    head = KATALOG.split("      imports:")[0]
    (tmp_path / "katalog.yaml").write_text(
        head + "      imports:\n        - motif: ./motifs/long.yaml\n")
    result = ork("template", "-f", "katalog.yaml", cwd=tmp_path)
    assert result.code == 0, str(result)
    groups = yaml.safe_load(result.stdout)["spec"]["crds"]["webapp"]["operatorBox"][
        "reconcile"]["onReconcile"]
    assert groups["configMaps"] == [{"name": "c", "data": {"k": "101"}}]


def test_a_template_of_megabytes_is_refused_at_build_time_with_its_location(
        ork: Ork, tmp_path: Path) -> None:
    (tmp_path / "katalog.yaml").write_text(
        "apiVersion: orkestra.orkspace.io/v1\nkind: Katalog\nmetadata: {name: k}\nspec:\n"
        "  crds:\n    app:\n      apiTypes: {kind: App}\n      operatorBox:\n"
        "        reconcile:\n          onReconcile:\n            configMaps:\n"
        "              - name: c\n"
        '                data: {k: "{{ add' + " 1" * 1_000_000 + ' }}"}\n')
    result = ork("generate", "bundle", "-f", "katalog.yaml", cwd=tmp_path)
    assert result.code == 1, str(result)
    assert "katalog.yaml:13:20031: error[template-syntax]: the template is longer than 10000 " \
        "tokens" in result.stderr, str(result)
    assert not (tmp_path / "bundle.yaml").exists()


@pytest.mark.parametrize("scalar", [
    pytest.param(r"""'{{ printf "%c" .inputs.n }}'""", id="printf-c-of-a-surrogate"),
    pytest.param(r"""'{{ fromJson "\"\\ud800\"" }}'""", id="fromJson-of-a-lone-surrogate"),
])
def test_a_build_time_value_that_is_no_character_is_written_as_fffd(
        ork: Ork, tmp_path: Path, scalar: str) -> None:
    (tmp_path / "motifs").mkdir()
    (tmp_path / "motifs" / "rune.yaml").write_text(
        "apiVersion: orkestra.orkspace.io/v1\nkind: Motif\nmetadata: {name: rune, version: v1}\n"
        "inputs:\n  - {name: n, type: integer, default: 55296}\nresources:\n  configMaps:\n"
        "    - {name: c, data: {k: " + scalar + "}}\n")
    head = KATALOG.split("      imports:")[0]
    (tmp_path / "katalog.yaml").write_text(
        head + "      imports:\n        - motif: ./motifs/rune.yaml\n")
    result = ork("generate", "bundle", "-f", "katalog.yaml", cwd=tmp_path)
    assert result.code == 0, str(result)
    assert "k: \ufffd" in (tmp_path / "bundle.yaml").read_text(encoding="utf-8")


def test_a_map_indexed_by_an_integer_at_build_time_is_an_execution_error(
        ork: Ork, tmp_path: Path) -> None:
    (tmp_path / "motifs").mkdir()
    (tmp_path / "motifs" / "index.yaml").write_text(
        "apiVersion: orkestra.orkspace.io/v1\nkind: Motif\nmetadata: {name: index, version: v1}\n"
        "inputs:\n  - {name: n, type: integer, default: 1}\nresources:\n  configMaps:\n"
        '    - {name: c, data: {k: "{{ index (dict \\"a\\" \\"x\\") .inputs.n }}"}}\n')
    head = KATALOG.split("      imports:")[0]
    (tmp_path / "katalog.yaml").write_text(
        head + "      imports:\n        - motif: ./motifs/index.yaml\n")
    result = ork("generate", "bundle", "-f", "katalog.yaml", cwd=tmp_path)
    assert result.code == 1, str(result)
    assert "index.yaml:8:28: error[template-execution]: index: value has type int; should be " \
        "string" in result.stderr, str(result)
    assert not (tmp_path / "bundle.yaml").exists()
