"""The reconcile loop on the memory backend: apply, drift, prune, delete, status, admission."""

from __future__ import annotations

from typing import Any

from ork.errors import Loc
from ork.kinds import Katalog, parse_document
from ork.runtime.config import build
from ork.runtime.memory import MemoryCluster
from ork.runtime.objects import FINALIZER, GK, OWNER_UID, Key
from ork.runtime.reconcile import Reconciler
from ork.runtime.recorder import Op, Recorder
from ork.runtime.storecore import EVENT
from tests.runtime.helpers import cr, crd, katalog

DEPLOY = GK("apps", "Deployment")
SERVICE = GK("", "Service")
SECRET = GK("", "Secret")
JOB = GK("batch", "Job")
CM = GK("", "ConfigMap")
WEBAPP = GK("demo.io", "WebApp")

WEB = {
    "deployments": [{"name": "{{ .metadata.name }}", "image": "{{ .spec.image }}",
                     "replicas": "{{ .spec.replicas | default 1 }}", "port": 8080,
                     "reconcile": True}],
    "services": [{"name": "{{ .metadata.name }}-svc", "port": 80, "targetPort": 8080}],
}


class Env:
    """A memory cluster, one CRD's reconciler, and the ops it performs."""

    def __init__(self, entry: dict[str, Any]) -> None:
        model = parse_document(katalog({"webapp": entry}), Loc("k", 0)).model
        assert isinstance(model, Katalog)
        self.config = build(model)
        self.cluster = MemoryCluster()
        self.ops: list[Op] = []
        recorder = Recorder(self.cluster, self.config.plurals(), on_op=self.ops.append)
        self.reconciler = Reconciler(recorder, self.config.crds[0], self.config.profiles)

    def add(self, **spec: Any) -> Key:
        return Key.of(self.cluster.create(cr(**spec)))

    def cycle(self, key: Key) -> list[str]:
        self.ops.clear()
        outcome = self.reconciler.reconcile(key)
        assert outcome.result in ("success", "deleted", "denied", "gone"), outcome
        return [str(op) for op in self.ops]

    def get(self, gk: GK, name: str) -> dict[str, Any]:
        found = self.cluster.get(Key(gk, "team", name))
        assert found is not None, name
        return found

    def events(self) -> list[dict[str, Any]]:
        return self.cluster.list(EVENT)


def test_first_cycle_creates_then_the_state_is_steady() -> None:
    env = Env(crd(on_reconcile=WEB))
    key = env.add(image="nginx:1", replicas=2)
    assert env.cycle(key) == ["update webapps shop", "create deployments shop",
                              "create services shop-svc", "status webapps shop"]
    assert env.cycle(key) == []
    assert env.get(DEPLOY, "shop")["spec"]["replicas"] == 2
    status = env.get(WEBAPP, "shop")["status"]
    assert status["observedCreate"] is True
    assert status["conditions"] == [{"type": "Reconciled", "status": "True",
                                     "reason": "Reconciled"}]


def test_drift_is_corrected_but_reconcile_false_children_are_left_alone() -> None:
    env = Env(crd(on_reconcile=WEB))
    key = env.add(image="nginx:1", replicas=2)
    env.cycle(key)
    deployment = env.get(DEPLOY, "shop")
    deployment["spec"]["replicas"] = 7
    deployment["spec"]["template"]["spec"]["containers"][0]["image"] = "evil:latest"
    env.cluster.patch(deployment)
    service = env.get(SERVICE, "shop-svc")
    service["spec"]["ports"] = [{"port": 81, "targetPort": 9090}]
    env.cluster.patch(service)

    assert env.cycle(key) == ["patch deployments shop"]
    restored = env.get(DEPLOY, "shop")
    assert restored["spec"]["replicas"] == 2
    assert restored["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx:1"
    assert env.get(SERVICE, "shop-svc")["spec"]["ports"] == [{"port": 81, "targetPort": 9090}]
    assert env.cycle(key) == []


def test_a_spec_change_flows_to_reconciled_children_only() -> None:
    env = Env(crd(on_reconcile=WEB))
    key = env.add(image="nginx:1", replicas=2)
    env.cycle(key)
    live = env.get(WEBAPP, "shop")
    live["spec"]["replicas"] = 4
    env.cluster.patch(live)
    assert env.cycle(key) == ["patch deployments shop", "status webapps shop"]
    assert env.get(DEPLOY, "shop")["spec"]["replicas"] == 4


def test_a_deleted_child_is_recreated() -> None:
    env = Env(crd(on_reconcile=WEB))
    key = env.add(image="nginx:1")
    env.cycle(key)
    env.cluster.delete(Key(SERVICE, "team", "shop-svc"))
    assert env.cycle(key) == ["create services shop-svc"]


def test_children_whose_when_turns_false_are_deleted() -> None:
    resources = {**WEB, "configMaps": [{
        "name": "{{ .metadata.name }}-extra", "data": {"k": "v"},
        "when": [{"field": "spec.extra", "operator": "equals", "value": "yes"}]}]}
    env = Env(crd(on_reconcile=resources))
    key = env.add(image="i", extra="yes")
    assert "create configMaps shop-extra" in env.cycle(key)
    live = env.get(WEBAPP, "shop")
    live["spec"]["extra"] = "no"
    env.cluster.patch(live)
    assert env.cycle(key) == ["delete configMaps shop-extra", "status webapps shop"]


def test_block_level_when_gates_a_whole_phase() -> None:
    gated = {**WEB, "or": [{"field": "spec.enabled", "equals": "true"},
                           {"field": "{{ .spec.force }}", "operator": "exists"}]}
    env = Env(crd(on_reconcile=gated))
    key = env.add(image="i", enabled=False)
    assert env.cycle(key) == ["update webapps shop", "status webapps shop"]
    live = env.get(WEBAPP, "shop")
    live["spec"]["force"] = "please"
    env.cluster.patch(live)
    assert env.cycle(key) == ["create deployments shop", "create services shop-svc",
                              "status webapps shop"]  # observedGeneration moved


def test_on_create_runs_once_and_once_secrets_are_never_rewritten() -> None:
    on_create = {"jobs": [{"name": "{{ .metadata.name }}-init", "image": "tool"}],
                 "secrets": [{"name": "{{ .metadata.name }}-key", "once": True,
                              "reconcile": True, "stringData": {"key": "{{ .spec.seed }}"}}]}
    env = Env(crd(on_create=on_create, on_reconcile=WEB))
    key = env.add(image="i", seed="first")
    ops = env.cycle(key)
    assert "create jobs shop-init" in ops
    assert "create secrets shop-key" in ops
    env.cluster.delete(Key(JOB, "team", "shop-init"))
    live = env.get(WEBAPP, "shop")
    live["spec"]["seed"] = "second"
    env.cluster.patch(live)
    # observedCreate: the Job is not recreated, nothing is pruned, the secret stays as it was
    assert env.cycle(key) == ["status webapps shop"]
    assert env.get(SECRET, "shop-key")["stringData"] == {"key": "first"}


def test_deletion_runs_on_delete_then_removes_children_and_the_finalizer() -> None:
    on_delete = {"jobs": [{"name": "{{ .metadata.name }}-backup", "image": "backup",
                           "args": ["{{ .metadata.name }}"]}]}
    env = Env(crd(on_reconcile=WEB, on_delete=on_delete))
    key = env.add(image="i")
    env.cycle(key)
    env.cluster.delete(key)
    assert env.get(WEBAPP, "shop")["metadata"]["deletionTimestamp"]
    assert env.cycle(key) == ["create jobs shop-backup", "delete services shop-svc",
                              "delete deployments shop", "update webapps shop"]
    assert env.cluster.get(key) is None
    assert env.cluster.list(DEPLOY) == []
    backup = env.get(JOB, "shop-backup")
    assert backup["spec"]["template"]["spec"]["containers"][0]["args"] == ["shop"]


def test_a_re_created_cr_runs_on_delete_again_but_one_cr_never_runs_it_twice() -> None:
    """onDelete objects outlive their CR, so the one an earlier CR of the same name left
    must not stop the next one's: it is replaced by a new object (a Job runs again)."""
    on_delete = {"jobs": [{"name": "{{ .metadata.name }}-backup", "image": "backup"}]}
    env = Env(crd(on_reconcile=WEB, on_delete=on_delete))
    key = env.add(image="i")
    first_uid = env.get(WEBAPP, "shop")["metadata"]["uid"]
    env.cycle(key)
    env.cluster.delete(key)
    env.cycle(key)
    first = env.get(JOB, "shop-backup")
    assert first["metadata"]["annotations"][OWNER_UID] == first_uid

    key = env.add(image="i")
    second_uid = env.get(WEBAPP, "shop")["metadata"]["uid"]
    assert second_uid != first_uid
    env.cycle(key)
    assert env.get(JOB, "shop-backup") == first  # a running CR leaves it alone
    env.cluster.set_finalizers(key, ["keep.example.com/hold", FINALIZER])
    env.cluster.delete(key)
    assert env.cycle(key) == ["delete jobs shop-backup", "create jobs shop-backup",
                              "delete services shop-svc", "delete deployments shop",
                              "update webapps shop"]
    second = env.get(JOB, "shop-backup")
    assert second["metadata"]["annotations"][OWNER_UID] == second_uid
    assert second["metadata"]["uid"] != first["metadata"]["uid"]
    # the CR stays (another finalizer holds it): reconciling it again, as after a
    # restart, runs nothing twice
    env.cluster.set_finalizers(key, [FINALIZER, "keep.example.com/hold"])
    assert env.cycle(key) == ["update webapps shop"]
    assert env.get(JOB, "shop-backup") == second


def test_an_earlier_crs_on_delete_object_is_not_a_child_of_the_next_one() -> None:
    """It carries the same owner label, but belongs to the CR that is gone: the new CR's
    template context and status fields do not see it."""
    on_delete = {"jobs": [{"name": "{{ .metadata.name }}-backup", "image": "backup"}]}
    fields = [{"path": "jobs", "value": "{{ len .children.jobs }}"}]
    env = Env(crd(on_reconcile=WEB, on_delete=on_delete, status=fields))
    key = env.add(image="i")
    env.cycle(key)
    env.cluster.delete(key)
    env.cycle(key)
    assert env.get(JOB, "shop-backup")  # left by the first CR
    key = env.add(image="i")
    env.cycle(key)
    assert env.get(WEBAPP, "shop")["status"]["jobs"] == 0


def test_an_on_delete_object_still_being_deleted_is_retried_not_adopted() -> None:
    on_delete = {"configMaps": [{"name": "{{ .metadata.name }}-bye", "data": {"a": "b"}}]}
    env = Env(crd(on_delete=on_delete))
    key = env.add()
    env.cycle(key)
    env.cluster.delete(key)
    env.cycle(key)
    env.cluster.set_finalizers(Key(CM, "team", "shop-bye"), ["keep.example.com/hold"])
    key = env.add()
    env.cycle(key)
    env.cluster.delete(key)
    env.ops.clear()
    outcome = env.reconciler.reconcile(key)
    assert (outcome.result, outcome.code) == ("error", "object-exists")
    assert "still being deleted" in outcome.message
    assert env.cluster.get(key) is not None  # the finalizer stays until onDelete has run
    env.cluster.set_finalizers(Key(CM, "team", "shop-bye"), [])
    assert env.cycle(key) == ["create configMaps shop-bye", "update webapps shop"]
    assert env.cluster.get(key) is None


def test_status_fields_are_computed_in_order_and_later_entries_win() -> None:
    fields = [
        {"path": "ready", "value": "{{ allReplicasReady .children.deployment }}"},
        {"path": "phase", "value": "Pending"},
        {"path": "phase", "value": "Running",
         "when": [{"field": "{{ readyReplicas .children.deployment }}", "gte": 1}]},
        {"path": "replicas.ready", "value": "{{ readyReplicas .children.deployment }}"},
        {"path": "services", "value": "{{ len .children.services }}"},
        {"path": "image", "value": "{{ (index .children.byName \"shop\").kind }}"},
    ]
    env = Env(crd(on_reconcile=WEB, status=fields))
    key = env.add(image="i", replicas=3)
    env.cycle(key)
    status = env.get(WEBAPP, "shop")["status"]
    assert status["ready"] is True
    assert status["phase"] == "Running"
    assert status["replicas"] == {"ready": 3}
    assert status["services"] == 1
    assert status["image"] == "Deployment"


def test_a_deny_rule_blocks_the_cr_and_a_warn_rule_records_an_event() -> None:
    rules = [{"field": "spec.image", "operator": "prefix", "value": "registry.example/",
              "message": "image must come from registry.example/", "action": "deny"},
             {"field": "spec.replicas", "lte": 3, "message": "{{ .spec.replicas }} is a lot",
              "action": "warn"},
             {"field": "spec.image", "operator": "equals", "value": "never",
              "fires": {"reconcile": False}}]
    env = Env(crd(on_reconcile=WEB, admission=rules))
    key = env.add(image="docker.io/x", replicas=5)
    assert env.cycle(key) == ["update webapps shop", "status webapps shop"]
    status = env.get(WEBAPP, "shop")["status"]
    assert status["phase"] == "Denied"
    assert status["conditions"][-1]["message"] == "image must come from registry.example/"
    assert env.cluster.list(DEPLOY) == []
    reasons = {(e["reason"], e["message"]) for e in env.events()}
    assert ("Denied", "image must come from registry.example/") in reasons
    assert ("AdmissionWarning", "5 is a lot") in reasons

    live = env.get(WEBAPP, "shop")
    live["spec"]["image"] = "registry.example/x"
    env.cluster.patch(live)
    env.cycle(key)
    status = env.get(WEBAPP, "shop")["status"]
    assert "phase" not in status
    assert env.cluster.list(DEPLOY) != []

    # Denied again after a good reconcile: the status no longer says Reconciled=True, and
    # it names the generation that was denied.
    live = env.get(WEBAPP, "shop")
    live["spec"]["image"] = "docker.io/y"
    env.cluster.patch(live)
    env.cycle(key)
    live = env.get(WEBAPP, "shop")
    conditions = {c["type"]: (c["status"], c["reason"]) for c in live["status"]["conditions"]}
    assert conditions == {"Reconciled": ("False", "Denied"), "Admitted": ("False", "Denied")}
    assert live["status"]["observedGeneration"] == live["metadata"]["generation"]


def test_an_invalid_rendered_value_is_an_event_and_a_condition_not_a_crash() -> None:
    env = Env(crd(on_reconcile=WEB))
    key = env.add(image="i", replicas="three")
    outcome = env.reconciler.reconcile(key)
    assert (outcome.result, outcome.code) == ("error", "invalid-rendered-value")
    assert "onReconcile.deployments[0]" in outcome.message
    condition = env.get(WEBAPP, "shop")["status"]["conditions"][-1]
    assert condition["status"] == "False"
    assert condition["reason"] == "InvalidRenderedValue"
    assert "`replicas` rendered to 'three'" in condition["message"]
    assert [e["reason"] for e in env.events()] == ["InvalidRenderedValue"]
    assert env.cluster.list(DEPLOY) == []  # nothing half-applied
    live = env.get(WEBAPP, "shop")
    live["spec"]["replicas"] = 2
    env.cluster.patch(live)
    assert env.reconciler.reconcile(key).result == "success"
    assert env.get(WEBAPP, "shop")["status"]["conditions"][-1]["status"] == "True"


def test_a_template_execution_error_is_reported_the_same_way() -> None:
    broken = {"configMaps": [{"name": "c", "data": {"x": "{{ index .spec.list 5 }}"}}]}
    env = Env(crd(on_reconcile=broken))
    key = env.add(list=[1])
    outcome = env.reconciler.reconcile(key)
    assert outcome.result == "error"
    condition = env.get(WEBAPP, "shop")["status"]["conditions"][-1]
    assert condition["reason"] == "TemplateError"


def test_an_object_failing_its_schema_is_reported_as_invalid_object() -> None:
    bad = {"services": [{"name": "{{ .spec.svc }}", "port": 80}]}
    env = Env(crd(on_reconcile=bad))
    key = env.add(svc="Not_Valid")
    outcome = env.reconciler.reconcile(key)
    assert (outcome.result, outcome.code) == ("error", "invalid-object")
    assert env.get(WEBAPP, "shop")["status"]["conditions"][-1]["reason"] == "InvalidObject"


def test_namespaces_outside_the_allowed_ones_are_ignored() -> None:
    entry = crd(on_reconcile=WEB)
    entry["operatorBox"]["runtime"] = {"allowedNamespaces": ["prod"]}
    env = Env(entry)
    key = env.add(image="i")
    assert env.reconciler.reconcile(key).result == "ignored"
    assert env.cluster.list(DEPLOY) == []


def test_children_outside_the_crs_namespace_are_pruned_and_deleted() -> None:
    """A cluster-scoped child (a Namespace, a ClusterRole) and one in another namespace are
    the CR's as much as the others: pruned when undeclared, deleted with the CR."""
    gated = [{"field": "spec.wide", "operator": "equals", "value": "yes"}]
    custom = [
        {"name": "{{ .metadata.name }}-space", "apiVersion": "v1", "kind": "Namespace"},
        {"name": "{{ .metadata.name }}-reader", "apiVersion": "rbac.authorization.k8s.io/v1",
         "kind": "ClusterRole", "rules": [], "when": gated},
        {"name": "{{ .metadata.name }}-elsewhere", "apiVersion": "v1", "kind": "ConfigMap",
         "metadata": {"namespace": "other"}, "data": {"k": "v"}},
    ]
    env = Env(crd(on_reconcile={"custom": custom}))
    key = env.add(image="i", wide="yes")
    assert sorted(env.cycle(key)) == [
        "create clusterRoles shop-reader", "create configMaps shop-elsewhere",
        "create namespaces shop-space", "status webapps shop", "update webapps shop"]
    live = env.get(WEBAPP, "shop")
    live["spec"]["wide"] = "no"
    env.cluster.patch(live)
    assert env.cycle(key) == ["delete clusterRoles shop-reader", "status webapps shop"]
    env.cluster.delete(key)
    assert sorted(env.cycle(key)) == ["delete configMaps shop-elsewhere",
                                      "delete namespaces shop-space", "update webapps shop"]
    assert env.cluster.list(GK("", "Namespace")) == []
    assert env.cluster.list(CM) == []
