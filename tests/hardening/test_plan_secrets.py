"""Secrets (issue 10 §5): ``ork plan`` masks the values of ``secrets`` items.

A deployed bundle and a changed Katalog: secret values changed, added (a key, an item,
a whole CRD) and removed (a CRD). Neither the text nor the JSON plan shows any of them,
old or new, while a ConfigMap's values show; ``--show-secrets`` shows them, which is
what proves the search would find them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import Ork

BEFORE = """\
apiVersion: orkestra.orkspace.io/v1
kind: Katalog
metadata: {name: vault, version: v1.0.0}
spec:
  crds:
    app:
      apiTypes: {group: v.demo, version: v1, kind: App}
      operatorBox:
        reconcile:
          onCreate:
            secrets:
              - name: "{{ .metadata.name }}-creds"
                stringData:
                  password: "old-pass-4711"
                  token: "{{ .spec.token | default \\"old-token-0815\\" }}"
          onReconcile:
            secrets:
              - name: "{{ .metadata.name }}-api"
                data: {key: "b2xkLWtleS0xMjM0"}
            configMaps:
              - name: "{{ .metadata.name }}-cfg"
                data: {plain: "visible-old"}
    gone:
      apiTypes: {group: v.demo, version: v1, kind: Gone}
      operatorBox:
        reconcile:
          onReconcile:
            secrets:
              - {name: x, stringData: {whole: "removed-crd-secret"}}
"""

AFTER = """\
apiVersion: orkestra.orkspace.io/v1
kind: Katalog
metadata: {name: vault, version: v1.0.0}
spec:
  crds:
    app:
      apiTypes: {group: v.demo, version: v1, kind: App}
      operatorBox:
        reconcile:
          onCreate:
            secrets:
              - name: "{{ .metadata.name }}-creds"
                stringData:
                  password: "new-pass-9042"
                  token: "{{ .spec.token | default \\"new-token-3141\\" }}"
                  added: "added-key-2718"
              - name: "{{ .metadata.name }}-brand-new"
                stringData: {fresh: "new-item-1618"}
          onReconcile:
            secrets:
              - name: "{{ .metadata.name }}-api"
                data: {key: "bmV3LWtleS01Njc4"}
            configMaps:
              - name: "{{ .metadata.name }}-cfg"
                data: {plain: "visible-new"}
    added:
      apiTypes: {group: v.demo, version: v1, kind: Added}
      operatorBox:
        reconcile:
          onReconcile:
            secrets:
              - {name: y, stringData: {whole: "added-crd-secret"}}
"""

VALUES = ["old-pass-4711", "old-token-0815", "b2xkLWtleS0xMjM0", "removed-crd-secret",
          "new-pass-9042", "new-token-3141", "added-key-2718", "new-item-1618",
          "bmV3LWtleS01Njc4", "added-crd-secret"]


@pytest.fixture
def project(ork: Ork, tmp_path: Path) -> Path:
    """A deployed bundle of BEFORE, and the Katalog changed to AFTER."""
    (tmp_path / "katalog.yaml").write_text(BEFORE)
    built = ork("generate", "bundle", "-o", "deployed.yaml", cwd=tmp_path)
    assert built.code == 0, built
    (tmp_path / "katalog.yaml").write_text(AFTER)
    return tmp_path


@pytest.mark.parametrize("output", ["text", "json"])
def test_plan_masks_secret_values(ork: Ork, project: Path, output: str) -> None:
    plan = ork("plan", "--bundle", "deployed.yaml", "--output", output, cwd=project)
    assert plan.code == 0, plan
    shown = plan.stdout + plan.stderr
    assert "visible-new" in shown  # ConfigMap values are shown
    assert "(sensitive value)" in shown
    assert [v for v in VALUES if v in shown] == []


def test_show_secrets_shows_them(ork: Ork, project: Path) -> None:
    plan = ork("plan", "--bundle", "deployed.yaml", "--show-secrets", cwd=project)
    assert plan.code == 0, plan
    assert "new-pass-9042" in plan.stdout
