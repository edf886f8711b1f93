"""Kubernetes objects as plain JSON data: their identity, names and the runtime's labels."""

from __future__ import annotations

import copy
import hashlib
from dataclasses import dataclass
from typing import Any

from ..plurals import plural

Obj = dict[str, Any]

MANAGED_BY = "app.kubernetes.io/managed-by"
OWNER = "orkestra.orkspace.io/owner"
PHASE = "orkestra.orkspace.io/phase"  # annotation: onCreate, onReconcile or onDelete
# annotation of an onDelete object: the uid of the CR instance whose deletion made it
OWNER_UID = "orkestra.orkspace.io/owner-uid"
FINALIZER = "orkestra.orkspace.io/finalizer"
NAME_LABEL = "app.kubernetes.io/name"

# The built-in groups of the wire format and the objects they become.
GROUP_KINDS: dict[str, tuple[str, str]] = {
    "deployments": ("apps/v1", "Deployment"),
    "statefulSets": ("apps/v1", "StatefulSet"),
    "services": ("v1", "Service"),
    "ingresses": ("networking.k8s.io/v1", "Ingress"),
    "jobs": ("batch/v1", "Job"),
    "cronJobs": ("batch/v1", "CronJob"),
    "configMaps": ("v1", "ConfigMap"),
    "secrets": ("v1", "Secret"),
    "serviceAccounts": ("v1", "ServiceAccount"),
    "persistentVolumeClaims": ("v1", "PersistentVolumeClaim"),
}
_WORDS = {kind: group for group, (_, kind) in GROUP_KINDS.items()}


@dataclass(frozen=True, order=True)
class GK:
    """A group and kind: what identifies a type of object whatever its version."""

    group: str
    kind: str

    @classmethod
    def of_api(cls, api_version: str, kind: str) -> GK:
        """Return the GK of an apiVersion (``apps/v1``, ``v1``) and a kind."""
        group = api_version.rsplit("/", 1)[0] if "/" in api_version else ""
        return cls(group, kind)

    @classmethod
    def of(cls, obj: Obj) -> GK:
        """Return the GK of an object."""
        return cls.of_api(str(obj.get("apiVersion", "")), str(obj.get("kind", "")))

    def __str__(self) -> str:
        return f"{self.kind}.{self.group}" if self.group else self.kind


@dataclass(frozen=True, order=True)
class Key:
    """One object: its GK, namespace ("" for cluster-scoped) and name."""

    gk: GK
    namespace: str
    name: str

    @classmethod
    def of(cls, obj: Obj) -> Key:
        """Return the key of an object."""
        meta = obj.get("metadata") or {}
        return cls(GK.of(obj), str(meta.get("namespace") or ""), str(meta.get("name") or ""))

    def __str__(self) -> str:
        where = f"{self.namespace}/" if self.namespace else ""
        return f"{self.gk}/{where}{self.name}"


def lower_camel(kind: str) -> str:
    """Return ``statefulSet`` for ``StatefulSet``."""
    return kind[:1].lower() + kind[1:]


def resource_word(gk: GK, crd_plurals: dict[GK, str] | None = None) -> str:
    """Return how operations name a type: the wire group, the CRD plural, or a plural."""
    if crd_plurals and gk in crd_plurals:
        return crd_plurals[gk]
    if gk.kind in _WORDS and GK.of_api(GROUP_KINDS[_WORDS[gk.kind]][0], gk.kind) == gk:
        return _WORDS[gk.kind]
    return plural(lower_camel(gk.kind))


def meta(obj: Obj) -> dict[str, Any]:
    """Return an object's metadata mapping (creating it when missing)."""
    value = obj.setdefault("metadata", {})
    assert isinstance(value, dict)
    return value


def labels(obj: Obj) -> dict[str, str]:
    """Return an object's labels (empty when it has none)."""
    found = (obj.get("metadata") or {}).get("labels") or {}
    return found if isinstance(found, dict) else {}


def owner_label(crd: str, namespace: str, name: str) -> str:
    """Return the owner label value ``<crd>.<ns>.<name>``, shortened to fit 63 characters.

    Kubernetes label values are at most 63 characters; a longer value keeps its first 52
    characters and appends 10 hex digits of its sha256, so it stays unique and valid.
    """
    value = f"{crd}.{namespace}.{name}"
    if len(value) <= 63:
        return value
    digest = hashlib.sha256(value.encode("utf-8")).hexdigest()[:10]
    return f"{value[:52].rstrip('.-_')}-{digest}"


def deep_copy(obj: Obj) -> Obj:
    """Return a deep copy of an object (store and callers never share mutable data).

    Objects are JSON data, so a copy of dicts and lists is enough; it is an order of
    magnitude faster than ``copy.deepcopy``, which the reconcile loop would spend most of
    its time in.
    """
    return _copy(obj)  # type: ignore[no-any-return]


def _copy(value: Any) -> Any:
    kind = type(value)
    if kind is dict:
        return {k: _copy(v) for k, v in value.items()}
    if kind is list:
        return [_copy(v) for v in value]
    if kind in (str, int, float, bool) or value is None:
        return value
    return copy.deepcopy(value)


def is_subset(desired: Any, live: Any) -> bool:
    """Return whether every field set in ``desired`` has the same value in ``live``.

    Mappings compare key by key (extra live keys are fine: defaults, status, other
    managers); lists compare element by element and must have the same length.
    """
    if isinstance(desired, dict):
        return isinstance(live, dict) and all(
            k in live and is_subset(v, live[k]) for k, v in desired.items())
    if isinstance(desired, list):
        return (isinstance(live, list) and len(desired) == len(live)
                and all(is_subset(d, v) for d, v in zip(desired, live, strict=True)))
    if isinstance(desired, bool) or isinstance(live, bool):
        return desired is live
    return bool(desired == live)


def merge(live: Any, desired: Any) -> Any:
    """Return ``live`` with the fields of ``desired`` written over it (lists replaced)."""
    if isinstance(desired, dict) and isinstance(live, dict):
        out = dict(live)
        for k, v in desired.items():
            out[k] = merge(live.get(k), v)
        return out
    return copy.deepcopy(desired)
