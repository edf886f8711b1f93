"""Translation of every group, the profiles, and the schema check before apply."""

from __future__ import annotations

from typing import Any

import pytest

from ork.errors import RuntimeError_
from ork.kinds.resources import GROUPS
from ork.runtime import schemas
from ork.runtime.objects import GROUP_KINDS, MANAGED_BY, OWNER, OWNER_UID, PHASE
from ork.runtime.profiles import PROBE_PROFILES, RESOURCE_PROFILES, Profiles, from_katalog
from ork.runtime.translate import Owner, translate

OWNER_ = Owner("webapp", "demo.io/v1", "WebApp", "shop", "team", "uid-1")


def tr(group: str, item: dict[str, Any], profiles: Profiles | None = None,
       phase: str = "onReconcile") -> dict[str, Any]:
    obj = translate(group, item, OWNER_, profiles or Profiles(), phase=phase)
    schemas.check(obj)
    return obj


def container(obj: dict[str, Any]) -> dict[str, Any]:
    spec = obj["spec"]
    template = spec["jobTemplate"]["spec"]["template"] if "jobTemplate" in spec \
        else spec["template"]
    result: dict[str, Any] = template["spec"]["containers"][0]
    return result


def test_every_group_has_a_translation() -> None:
    assert set(GROUP_KINDS) | {"custom"} == set(GROUPS)


def test_children_are_owned_and_labelled() -> None:
    obj = tr("configMaps", {"name": "cfg", "data": {"a": 1}, "labels": {"tier": "web"},
                            "annotations": {"note": "x"}})
    meta = obj["metadata"]
    assert meta["namespace"] == "team"
    assert meta["labels"] == {MANAGED_BY: "orkestra", OWNER: "webapp.team.shop", "tier": "web"}
    assert meta["annotations"] == {"note": "x", PHASE: "onReconcile"}
    assert meta["ownerReferences"] == [{
        "apiVersion": "demo.io/v1", "kind": "WebApp", "name": "shop", "uid": "uid-1",
        "controller": True, "blockOwnerDeletion": True}]
    assert obj["data"] == {"a": "1"}


def test_on_delete_items_are_not_owned_so_they_outlive_the_cr() -> None:
    obj = tr("jobs", {"name": "cleanup", "image": "busybox"}, phase="onDelete")
    assert "ownerReferences" not in obj["metadata"]
    assert obj["metadata"]["labels"][OWNER] == "webapp.team.shop"
    assert obj["metadata"]["annotations"][OWNER_UID] == "uid-1"


def test_deployment() -> None:
    obj = tr("deployments", {
        "name": "web", "image": "nginx:1", "replicas": "3", "port": "8080",
        "command": ["serve"], "args": ["--fast", 1], "env": {"B": 2, "A": "x"},
        "resources": {"profile": "burst", "limits": {"memory": "4Gi"}},
        "probes": {"readiness": {"type": "http", "path": "/ready", "profile": "strict"},
                   "liveness": {"type": "tcp"}}})
    assert (obj["apiVersion"], obj["kind"]) == ("apps/v1", "Deployment")
    spec = obj["spec"]
    assert spec["replicas"] == 3
    assert spec["selector"] == {"matchLabels": {"app.kubernetes.io/name": "web"}}
    assert spec["template"]["metadata"]["labels"] == {"app.kubernetes.io/name": "web"}
    c = container(obj)
    assert c["name"] == "web"
    assert c["ports"] == [{"containerPort": 8080}]
    assert c["command"] == ["serve"]
    assert c["args"] == ["--fast", "1"]
    assert c["env"] == [{"name": "A", "value": "x"}, {"name": "B", "value": "2"}]
    assert c["resources"] == {"requests": {"cpu": "500m", "memory": "512Mi"},
                              "limits": {"cpu": "2", "memory": "4Gi"}}
    assert c["readinessProbe"] == {"httpGet": {"path": "/ready", "port": 8080},
                                   "initialDelaySeconds": 2, "periodSeconds": 5,
                                   "timeoutSeconds": 1, "failureThreshold": 2}
    assert c["livenessProbe"] == {"tcpSocket": {"port": 8080}, "initialDelaySeconds": 5,
                                  "periodSeconds": 10, "timeoutSeconds": 1,
                                  "failureThreshold": 3}


def test_deployment_defaults_and_exec_probe() -> None:
    obj = tr("deployments", {"name": "w", "image": "i", "replicas": "",
                             "env": [{"name": "X", "value": 5}],
                             "probes": {"liveness": {"command": ["true"],
                                                     "profile": "relaxed"}}})
    assert obj["spec"]["replicas"] == 1
    c = container(obj)
    assert "ports" not in c
    assert c["env"] == [{"name": "X", "value": "5"}]
    assert c["livenessProbe"] == {"exec": {"command": ["true"]}, "initialDelaySeconds": 15,
                                  "periodSeconds": 20, "timeoutSeconds": 5,
                                  "failureThreshold": 6}


def test_stateful_set_has_a_service_name_and_a_data_claim() -> None:
    obj = tr("statefulSets", {"name": "db", "image": "postgres", "port": 5432,
                              "volumeSize": "1Gi", "storageClass": "fast"})
    spec = obj["spec"]
    assert (obj["kind"], spec["serviceName"], spec["replicas"]) == ("StatefulSet", "db", 1)
    assert spec["volumeClaimTemplates"] == [{"metadata": {"name": "data"}, "spec": {
        "accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}},
        "storageClassName": "fast"}}]
    assert container(obj)["volumeMounts"] == [{"name": "data", "mountPath": "/data"}]


def test_service_selector_rules() -> None:
    plain = tr("services", {"name": "web-svc", "port": 80})
    assert plain["spec"] == {"type": "ClusterIP", "selector": {"app.kubernetes.io/name": "web"},
                             "ports": [{"port": 80, "targetPort": 80}]}
    target = tr("services", {"name": "front", "port": "80", "targetPort": "8080",
                             "target": "web", "type": "NodePort"})
    assert target["spec"]["selector"] == {"app.kubernetes.io/name": "web"}
    assert target["spec"]["ports"] == [{"port": 80, "targetPort": 8080}]
    assert target["spec"]["type"] == "NodePort"
    explicit = tr("services", {"name": "s", "port": 1, "selector": {"app": "x"}, "target": "y"})
    assert explicit["spec"]["selector"] == {"app": "x"}


def test_ingress_has_one_prefix_rule() -> None:
    obj = tr("ingresses", {"name": "web-ing", "host": "a.example.com", "serviceName": "web-svc",
                           "servicePort": "80"})
    assert obj["apiVersion"] == "networking.k8s.io/v1"
    assert obj["spec"]["rules"] == [{"host": "a.example.com", "http": {"paths": [{
        "path": "/", "pathType": "Prefix",
        "backend": {"service": {"name": "web-svc", "port": {"number": 80}}}}]}}]
    named = tr("ingresses", {"name": "i", "host": "h", "path": "/api", "serviceName": "s",
                             "servicePort": "http"})
    path = named["spec"]["rules"][0]["http"]["paths"][0]
    assert (path["path"], path["backend"]["service"]["port"]) == ("/api", {"name": "http"})


def test_jobs_and_cron_jobs() -> None:
    job = tr("jobs", {"name": "migrate", "image": "tool", "command": ["migrate"]})
    assert (job["apiVersion"], job["spec"]["backoffLimit"]) == ("batch/v1", 3)
    assert job["spec"]["template"]["spec"]["restartPolicy"] == "Never"
    assert container(job)["command"] == ["migrate"]
    cron = tr("cronJobs", {"name": "nightly", "image": "tool", "schedule": "0 3 * * *",
                           "backoffLimit": "1"})
    assert cron["spec"]["schedule"] == "0 3 * * *"
    assert cron["spec"]["jobTemplate"]["spec"]["backoffLimit"] == 1
    assert container(cron)["image"] == "tool"


def test_secrets_service_accounts_and_claims() -> None:
    secret = tr("secrets", {"name": "creds", "stringData": {"password": "x"}, "once": True})
    assert (secret["type"], secret["stringData"]) == ("Opaque", {"password": "x"})
    account = tr("serviceAccounts", {"name": "runner"})
    assert (account["apiVersion"], account["kind"]) == ("v1", "ServiceAccount")
    claim = tr("persistentVolumeClaims", {"name": "data", "size": "5Gi"})
    assert claim["spec"] == {"accessModes": ["ReadWriteOnce"],
                             "resources": {"requests": {"storage": "5Gi"}}}
    many = tr("persistentVolumeClaims", {"name": "d", "size": "1Gi",
                                         "accessModes": ["ReadWriteMany"], "storageClass": "nfs"})
    assert many["spec"]["accessModes"] == ["ReadWriteMany"]
    assert many["spec"]["storageClassName"] == "nfs"


def test_custom_manifests_keep_their_fields_and_default_name_and_namespace() -> None:
    obj = tr("custom", {"name": "db-svc", "apiVersion": "v1", "kind": "Service",
                        "reconcile": True, "spec": {"clusterIP": "None",
                                                    "ports": [{"port": 5432}]}})
    assert obj["metadata"]["name"] == "db-svc"
    assert obj["metadata"]["namespace"] == "team"
    assert obj["spec"] == {"clusterIP": "None", "ports": [{"port": 5432}]}
    assert "reconcile" not in obj
    cluster_wide = tr("custom", {"name": "reader", "apiVersion": "rbac.authorization.k8s.io/v1",
                                 "kind": "ClusterRole", "rules": []})
    assert "namespace" not in cluster_wide["metadata"]
    assert "ownerReferences" not in cluster_wide["metadata"]


def test_profiles_are_the_documented_ones() -> None:
    assert RESOURCE_PROFILES["small"] == {"requests": {"cpu": "100m", "memory": "128Mi"},
                                          "limits": {"cpu": "250m", "memory": "256Mi"}}
    assert RESOURCE_PROFILES["standard"]["limits"] == {"cpu": "500m", "memory": "512Mi"}
    assert RESOURCE_PROFILES["burst"]["limits"] == {"cpu": "2", "memory": "2Gi"}
    assert [PROBE_PROFILES[n]["failureThreshold"] for n in ("standard", "strict", "relaxed")] \
        == [3, 2, 6]


def test_the_katalog_profiles_block_overrides_and_adds() -> None:
    profiles = from_katalog({
        "resources": {"tiny": {"requests": {"cpu": "50m", "memory": "64Mi"}},
                      "small": {"limits": {"cpu": "1", "memory": "1Gi"}}},
        "probes": {"patient": {"initialDelaySeconds": 60}}})
    obj = tr("deployments", {"name": "w", "image": "i", "port": 80,
                             "resources": {"profile": "tiny"},
                             "probes": {"readiness": {"profile": "patient"}}}, profiles)
    assert container(obj)["resources"] == {"requests": {"cpu": "50m", "memory": "64Mi"}}
    assert container(obj)["readinessProbe"]["initialDelaySeconds"] == 60
    assert container(obj)["readinessProbe"]["periodSeconds"] == 10
    assert profiles.resource("small") == {"limits": {"cpu": "1", "memory": "1Gi"}}
    assert profiles.resource("burst") == RESOURCE_PROFILES["burst"]


@pytest.mark.parametrize("block", [["x"], {"resources": {"a": {"cpu": 1}}},
                                   {"probes": {"p": {"periodSeconds": "often"}}}])
def test_a_malformed_profiles_block_is_an_invalid_bundle(block: object) -> None:
    with pytest.raises(RuntimeError_, match="profiles") as info:
        from_katalog(block)
    assert info.value.code == "invalid-bundle"


@pytest.mark.parametrize(("group", "item", "field"), [
    ("deployments", {"name": "w", "image": "i", "replicas": "three"}, "replicas"),
    ("deployments", {"name": "w", "image": "i", "port": "eighty!"}, "port"),
    ("services", {"name": "s", "port": "x y"}, "port"),
    ("services", {"name": "s", "port": 80, "targetPort": 0}, "targetPort"),
    ("jobs", {"name": "j", "image": "i", "backoffLimit": "never"}, "backoffLimit"),
    ("deployments", {"name": "w", "image": ""}, "image"),
    ("deployments", {"name": "w", "image": "i", "resources": {"profile": "huge"}},
     "resources.profile"),
    ("deployments", {"name": "w", "image": "i", "probes": {"readiness": {"type": "http"}}},
     "probes.readiness.port"),
    ("deployments", {"name": "w", "image": "i", "port": 1,
                     "probes": {"readiness": {"type": "grpc"}}}, "probes.readiness.type"),
    ("cronJobs", {"name": "c", "image": "i", "schedule": ""}, "schedule"),
    ("deployments", {"name": "w", "image": "i", "env": "A=1"}, "env"),
])
def test_values_that_cannot_take_their_type(group: str, item: dict[str, Any],
                                            field: str) -> None:
    with pytest.raises(RuntimeError_, match=f"`{field}`") as info:
        tr(group, item)
    assert info.value.code == "invalid-rendered-value"


@pytest.mark.parametrize(("group", "item", "problem"), [
    ("services", {"name": "Web_Svc", "port": 80}, "metadata.name: must be a lower-case"),
    ("configMaps", {"name": "c", "labels": {"tier": "not a label value!"}},
     "metadata.labels.tier: must be a label value"),
    ("deployments", {"name": "w", "image": "i",
                     "resources": {"requests": {"cpu": "lots"}}},
     "resources.requests.cpu: must be a quantity"),
    ("custom", {"name": "x", "apiVersion": "apps/v1", "kind": "Deployment",
                "spec": {"replicas": "2"}},
     "spec.replicas: expected an integer"),
    ("custom", {"name": "x", "apiVersion": "apps/v1", "kind": "Deployment", "spec": {}},
     "spec.selector: required"),
    ("custom", {"name": "x", "apiVersion": "batch/v1", "kind": "Job", "spec": {"template": {
        "spec": {"restartPolicy": "Always", "containers": [{"name": "c", "image": "i"}]}}}},
     "restartPolicy Never or OnFailure"),
    ("custom", {"name": "x", "apiVersion": "v1", "kind": "Service",
                "spec": {"ports": [{"port": 99999}]}}, "spec.ports[0].port: must be a port"),
    ("persistentVolumeClaims", {"name": "p", "size": "big"},
     "spec.resources.requests.storage: must be a quantity"),
])
def test_the_schema_of_each_kind_is_checked(group: str, item: dict[str, Any],
                                            problem: str) -> None:
    with pytest.raises(RuntimeError_, match="does not pass the schema") as info:
        tr(group, item)
    assert info.value.code == "invalid-object"
    assert problem in info.value.message


def test_the_selector_must_match_the_pod_labels() -> None:
    obj = tr("deployments", {"name": "w", "image": "i"})
    obj["spec"]["selector"]["matchLabels"]["app.kubernetes.io/name"] = "other"
    with pytest.raises(RuntimeError_, match="selector"):
        schemas.check(obj)


def test_a_rendered_value_without_text_is_invalid_not_a_crash() -> None:
    with pytest.raises(RuntimeError_) as err:
        tr("configMaps", {"name": "c", "data": {"a": [float("nan")]}})
    assert err.value.code == "invalid-rendered-value"
