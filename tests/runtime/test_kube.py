"""The kube backend against a real API server (ORK_TEST_KUBECONFIG); skipped otherwise."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.runtime.helpers import bundle_bytes, crd, http_get, katalog, wait_for
from tests.runtime.process import Running

KUBECONFIG = os.environ.get("ORK_TEST_KUBECONFIG")
pytestmark = pytest.mark.skipif(not KUBECONFIG, reason="needs ORK_TEST_KUBECONFIG: a real "
                                "API server the test may create a CRD and a namespace in")

GROUP = "orktest.demo.io"


def _crd_manifest() -> dict[str, Any]:
    schema = {"type": "object", "x-kubernetes-preserve-unknown-fields": True}
    return {"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
            "metadata": {"name": f"webapps.{GROUP}"},
            "spec": {"group": GROUP, "scope": "Namespaced",
                     "names": {"kind": "WebApp", "plural": "webapps", "singular": "webapp"},
                     "versions": [{"name": "v1", "served": True, "storage": True,
                                   "schema": {"openAPIV3Schema": schema},
                                   "subresources": {"status": {}}}]}}


@pytest.fixture
def api() -> Iterator[Any]:
    from kubernetes import client, config, dynamic

    config.load_kube_config(config_file=KUBECONFIG)
    dyn = dynamic.DynamicClient(client.ApiClient())
    crds = dyn.resources.get(api_version="apiextensions.k8s.io/v1",
                             kind="CustomResourceDefinition")
    crds.server_side_apply(body=_crd_manifest(), field_manager="ork-tests", force_conflicts=True)
    return dyn


def test_reconciles_a_cr_on_a_real_cluster(api: Any, tmp_path: Path) -> None:
    namespace = f"ork-test-{uuid.uuid4().hex[:8]}"
    core = api.resources.get(api_version="v1", kind="Namespace")
    core.create(body={"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": namespace}})
    entry = crd(on_reconcile={"configMaps": [{"name": "{{ .metadata.name }}-cfg",
                                              "reconcile": True,
                                              "data": {"image": "{{ .spec.image }}"}}]},
                status=[{"path": "seen", "value": "yes"}])
    entry["apiTypes"]["group"] = GROUP
    (tmp_path / "bundle.yaml").write_bytes(bundle_bytes(katalog({"webapp": entry})))
    run = Running(tmp_path, "--bundle", "bundle.yaml", "--backend", "kube", "--kubeconfig",
                  str(KUBECONFIG))
    webapps = api.resources.get(api_version=f"{GROUP}/v1", kind="WebApp")
    configmaps = api.resources.get(api_version="v1", kind="ConfigMap")
    try:
        wait_for(lambda: http_get(f"{run.url}/ready")[0] == 200, what="/ready", timeout=60)
        webapps.create(body={"apiVersion": f"{GROUP}/v1", "kind": "WebApp",
                             "metadata": {"name": "shop", "namespace": namespace},
                             "spec": {"image": "nginx"}})

        def child() -> Any:
            try:
                return configmaps.get(name="shop-cfg", namespace=namespace)
            except Exception:
                return None

        cm = wait_for(child, what="the child ConfigMap", timeout=60)
        assert cm.data.image == "nginx"
        assert cm.metadata.ownerReferences[0].name == "shop"
        status = wait_for(lambda: webapps.get(name="shop", namespace=namespace).status,
                          what="status", timeout=60)
        assert status.seen == "yes"
        webapps.delete(name="shop", namespace=namespace)
        wait_for(lambda: child() is None or None, what="the child deleted", timeout=60)
    finally:
        assert run.stop() == 0, run.log()
        core.delete(name=namespace)
