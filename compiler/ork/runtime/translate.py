"""Rendered resource items to Kubernetes objects (the translation table of runtime.md).

Every object is owned by its CR: an ownerReference (except for ``onDelete`` items, which
must outlive the CR they clean up after, and record the CR's uid in an annotation instead),
the labels ``app.kubernetes.io/managed-by: orkestra`` and ``orkestra.orkspace.io/owner:
<crd>.<ns>.<name>``, and an annotation recording the phase that declared it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from . import convert as cv
from . import workloads
from .objects import GROUP_KINDS, MANAGED_BY, NAME_LABEL, OWNER, OWNER_UID, PHASE, Obj, owner_label
from .profiles import Profiles

Item = dict[str, Any]
COMMON = frozenset({"name", "when", "or", "reconcile", "labels", "annotations", "once"})
CLUSTER_SCOPED = frozenset({"Namespace", "ClusterRole", "ClusterRoleBinding", "PersistentVolume",
                            "StorageClass", "CustomResourceDefinition", "PriorityClass"})


@dataclass(frozen=True)
class Owner:
    """The CR that owns the objects being translated."""

    crd: str
    api_version: str
    kind: str
    name: str
    namespace: str
    uid: str

    def label(self) -> str:
        """Return the value of the owner label."""
        return owner_label(self.crd, self.namespace, self.name)

    def reference(self) -> dict[str, Any]:
        """Return the ownerReference children carry."""
        return {"apiVersion": self.api_version, "kind": self.kind, "name": self.name,
                "uid": self.uid, "controller": True, "blockOwnerDeletion": True}


def translate(group: str, item: Item, owner: Owner, profiles: Profiles, *, phase: str) -> Obj:
    """Return the Kubernetes object for one rendered item of a group.

    Raises:
        RuntimeError_: invalid-rendered-value for a value that cannot take its type.
    """
    name = cv.req_str(item.get("name"), "name")
    if group == "custom":
        obj = _custom(item, name, owner)
    else:
        api_version, kind = GROUP_KINDS[group]
        obj = {"apiVersion": api_version, "kind": kind,
               "metadata": {"name": name, "namespace": owner.namespace}}
        obj.update(_BODIES[group](item, name, profiles))
    _stamp(obj, item, owner, phase)
    return obj


def _stamp(obj: Obj, item: Item, owner: Owner, phase: str) -> None:
    meta = obj["metadata"]
    labels = {**cv.str_map(meta.get("labels"), "metadata.labels"),
              **cv.str_map(item.get("labels"), "labels"),
              MANAGED_BY: "orkestra", OWNER: owner.label()}
    annotations = {**cv.str_map(meta.get("annotations"), "metadata.annotations"),
                   **cv.str_map(item.get("annotations"), "annotations"), PHASE: phase}
    if phase == "onDelete" and owner.uid:
        # which CR instance this object cleans up after: a CR re-created under the same
        # name runs its onDelete again, the same one never twice
        annotations[OWNER_UID] = owner.uid
    meta["labels"] = dict(sorted(labels.items()))
    meta["annotations"] = dict(sorted(annotations.items()))
    if phase != "onDelete" and meta.get("namespace") == owner.namespace:
        meta["ownerReferences"] = [owner.reference()]


def _service(item: Item, name: str, _: Profiles) -> dict[str, Any]:
    port = cv.port(item.get("port"), "port")
    target = item.get("targetPort")
    target_port = port if cv.is_empty(target) else cv.port(target, "targetPort")
    if item.get("selector"):
        selector = cv.str_map(item["selector"], "selector")
    else:
        selector = {NAME_LABEL: cv.opt_str(item.get("target")) or name.removesuffix("-svc")}
    return {"spec": {"type": cv.opt_str(item.get("type")) or "ClusterIP",
                     "selector": selector,
                     "ports": [{"port": port, "targetPort": target_port}]}}


def _ingress(item: Item, name: str, _: Profiles) -> dict[str, Any]:
    port = cv.port(item.get("servicePort"), "servicePort")
    backend_port = {"number": port} if isinstance(port, int) else {"name": port}
    path = {"path": cv.opt_str(item.get("path")) or "/", "pathType": "Prefix",
            "backend": {"service": {"name": cv.req_str(item.get("serviceName"), "serviceName"),
                                    "port": backend_port}}}
    return {"spec": {"rules": [{"host": cv.req_str(item.get("host"), "host"),
                                "http": {"paths": [path]}}]}}


def _config_map(item: Item, name: str, _: Profiles) -> dict[str, Any]:
    return {"data": cv.str_map(item.get("data"), "data")}


def _secret(item: Item, name: str, _: Profiles) -> dict[str, Any]:
    out: dict[str, Any] = {"type": "Opaque"}
    for key in ("data", "stringData"):
        if item.get(key) is not None:
            out[key] = cv.str_map(item[key], key)
    return out


def _service_account(item: Item, name: str, _: Profiles) -> dict[str, Any]:
    return {}


def _claim(item: Item, name: str, _: Profiles) -> dict[str, Any]:
    modes = cv.str_list(item.get("accessModes"), "accessModes") or ["ReadWriteOnce"]
    spec: dict[str, Any] = {"accessModes": modes,
                            "resources": {"requests": {"storage": cv.req_str(item.get("size"),
                                                                              "size")}}}
    storage_class = cv.opt_str(item.get("storageClass"))
    if storage_class is not None:
        spec["storageClassName"] = storage_class
    return {"spec": spec}


def _custom(item: Item, name: str, owner: Owner) -> Obj:
    """Return a custom manifest as written: its name and namespace default to the item's."""
    obj = {k: v for k, v in item.items() if k not in COMMON}
    obj["apiVersion"] = cv.req_str(obj.get("apiVersion"), "apiVersion")
    obj["kind"] = cv.req_str(obj.get("kind"), "kind")
    meta = obj.get("metadata")
    if meta is None:
        meta = {}
    elif not isinstance(meta, dict):
        raise cv.invalid("metadata", meta, "a mapping")
    meta = dict(meta)
    meta["name"] = cv.opt_str(meta.get("name")) or name
    if obj["kind"] not in CLUSTER_SCOPED:
        meta["namespace"] = cv.opt_str(meta.get("namespace")) or owner.namespace
    obj["metadata"] = meta
    return obj


Body = Callable[[Item, str, Profiles], dict[str, Any]]
_BODIES: dict[str, Body] = {
    "deployments": lambda i, n, p: {"spec": workloads.deployment(i, n, p)},
    "statefulSets": lambda i, n, p: {"spec": workloads.stateful_set(i, n, p)},
    "services": _service,
    "ingresses": _ingress,
    "jobs": lambda i, n, p: {"spec": workloads.job(i, n)},
    "cronJobs": lambda i, n, p: {"spec": workloads.cron_job(i, n)},
    "configMaps": _config_map,
    "secrets": _secret,
    "serviceAccounts": _service_account,
    "persistentVolumeClaims": _claim,
}
