"""The RBAC rules a resolved Katalog needs, merged and sorted so the same Katalog always
yields the same bytes (Orkestra's own output is not stable here; ours must be)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .kinds import Katalog
from .kinds.resources import GROUPS, Resources
from .plurals import plural as english_plural

ALL_VERBS = ("create", "delete", "get", "list", "patch", "update", "watch")
STATUS_VERBS = ("get", "patch", "update")

# Resource group -> (API group, resource name).
CHILD_KINDS: dict[str, tuple[str, str]] = {
    "deployments": ("apps", "deployments"),
    "statefulSets": ("apps", "statefulsets"),
    "services": ("", "services"),
    "configMaps": ("", "configmaps"),
    "secrets": ("", "secrets"),
    "serviceAccounts": ("", "serviceaccounts"),
    "persistentVolumeClaims": ("", "persistentvolumeclaims"),
    "jobs": ("batch", "jobs"),
    "cronJobs": ("batch", "cronjobs"),
    "ingresses": ("networking.k8s.io", "ingresses"),
}


def plural(kind: str) -> str:
    """Return the lower-case plural Kubernetes uses for a kind (English rules)."""
    return english_plural(kind.lower())


Grant = tuple[str, str, tuple[str, ...]]  # API group, resource, verbs


def rules(katalog: Katalog) -> list[dict[str, Any]]:
    """Return the ClusterRole rules for a resolved Katalog, merged per group and sorted."""
    return merged(g for crd in katalog.spec.crds.values() for g in grants(crd))


def grants(crd: Any) -> list[Grant]:
    """Return what one CRD's operator needs: its own resource and status, and every kind
    of child its reconcile phases create (render keeps them per CRD to reuse them)."""
    group = crd.api_types.group or ""
    out: list[Grant] = [(group, crd.api_types.resource(), ALL_VERBS),
                        (group, crd.api_types.resource() + "/status", STATUS_VERBS)]
    for resources in _phases(crd):
        for wire, items in resources.groups():
            for item in items:
                target = _child(wire, item)
                if target is not None:
                    out.append((*target, ALL_VERBS))
    return out


def merged(grants: Iterable[Grant]) -> list[dict[str, Any]]:
    """Return the rules for some grants plus the runtime's own (leases, events): verbs
    merged per resource, resources grouped by (API group, verbs), all sorted."""
    verbs_of: dict[tuple[str, str], set[str]] = {
        ("coordination.k8s.io", "leases"): {"create", "get", "update"},
        ("", "events"): {"create", "patch"},
    }
    for group, resource, granted in grants:
        verbs_of.setdefault((group, resource), set()).update(granted)
    by_verbs: dict[tuple[str, tuple[str, ...]], list[str]] = {}
    for (group, resource), verbs in verbs_of.items():
        by_verbs.setdefault((group, tuple(sorted(verbs))), []).append(resource)
    return [
        {"apiGroups": [group], "resources": sorted(res), "verbs": list(verbs)}
        for (group, verbs), res in sorted(by_verbs.items())
    ]


def _phases(crd: Any) -> list[Resources]:
    rec = crd.operator_box.reconcile if crd.operator_box else None
    if rec is None:
        return []
    return [r for r in (rec.on_create, rec.on_reconcile, rec.on_delete) if r is not None]


def _child(wire: str, item: Any) -> tuple[str, str] | None:
    if wire in CHILD_KINDS:
        return CHILD_KINDS[wire]
    if wire == "custom" and wire in GROUPS:
        api, kind = item.api_version, item.kind
        if "{{" in api or "{{" in kind:
            return None  # decided at run time; the Katalog must grant it some other way
        group = api.rsplit("/", 1)[0] if "/" in api else ""
        return group, plural(kind)
    return None
