"""Resource templates: the groups of onCreate / onReconcile / onDelete and of Motifs.

Every string may hold a template, so fields that Kubernetes types as integers or booleans
accept either the literal or a template string; the runtime converts what it renders.
"""

from typing import Any

from pydantic import ConfigDict, Field, model_validator

from .base import (
    Bool,
    BoolOrTemplate,
    IntOrTemplate,
    Model,
    PassList,
    PassMapping,
    Scalar,
    Str,
    sort_keys,
)
from .conditions import Condition


class Item(Model):
    """What every resource item takes, whatever its group."""

    name: Str
    when: tuple[Condition, ...] | None = None
    or_: tuple[Condition, ...] | None = Field(None, alias="or")
    reconcile: BoolOrTemplate | None = None
    labels: PassMapping | None = None
    annotations: PassMapping | None = None


class Probe(Model):
    """A readiness or liveness probe."""

    type: Str | None = None
    path: Str | None = None
    port: IntOrTemplate | None = None
    command: tuple[Str, ...] | None = None
    profile: Str | None = None


class Probes(Model):
    """The probes of a workload's container."""

    readiness: Probe | None = None
    liveness: Probe | None = None


class Requirements(Model):
    """Container resources: a named profile or explicit requests and limits."""

    profile: Str | None = None
    requests: PassMapping | None = None
    limits: PassMapping | None = None


class EnvVar(Model):
    """One environment variable in list form."""

    name: Str
    value: Scalar = None
    value_from: PassMapping | None = None


class Workload(Item):
    """Fields shared by Deployments and StatefulSets."""

    image: Str
    replicas: IntOrTemplate | None = None
    port: IntOrTemplate | None = None
    command: tuple[Str, ...] | None = None
    args: tuple[Str, ...] | None = None
    env: PassMapping | tuple[EnvVar, ...] | None = None
    resources: Requirements | None = None
    probes: Probes | None = None


class Deployment(Workload):
    """An ``apps/v1`` Deployment."""


class StatefulSet(Workload):
    """An ``apps/v1`` StatefulSet with one volume claim template."""

    volume_size: Str | None = None
    storage_class: Str | None = None


class Service(Item):
    """A ``v1`` Service."""

    port: IntOrTemplate
    target_port: IntOrTemplate | None = None
    type: Str | None = None
    target: Str | None = None
    selector: PassMapping | None = None


class Ingress(Item):
    """A ``networking.k8s.io/v1`` Ingress with one rule."""

    host: Str
    path: Str | None = None
    service_name: Str
    service_port: IntOrTemplate


class Job(Item):
    """A ``batch/v1`` Job."""

    image: Str
    command: tuple[Str, ...] | None = None
    args: tuple[Str, ...] | None = None
    backoff_limit: IntOrTemplate | None = None


class CronJob(Job):
    """A ``batch/v1`` CronJob."""

    schedule: Str


class ConfigMap(Item):
    """A ``v1`` ConfigMap."""

    data: PassMapping | None = None


class Secret(Item):
    """A ``v1`` Secret; ``once`` secrets are generated once and never rewritten."""

    data: PassMapping | None = None
    string_data: PassMapping | None = None
    once: Bool | None = None


class ServiceAccount(Item):
    """A ``v1`` ServiceAccount."""


class PersistentVolumeClaim(Item):
    """A ``v1`` PersistentVolumeClaim."""

    size: Str
    storage_class: Str | None = None
    access_modes: tuple[Str, ...] | None = None


class Custom(Item):
    """A full manifest of any kind: ork checks its ``apiVersion`` and ``kind`` only.

    Other top-level keys are Kubernetes fields (``spec``, ``data``, ``rules``, …), carried
    as written: listing every kind's fields is the API server's job, not ork's.
    """

    model_config = ConfigDict(extra="allow")

    api_version: Str
    kind: Str
    metadata: PassMapping | None = None

    @model_validator(mode="before")
    @classmethod
    def _sorted_extras(cls, data: Any) -> Any:
        if isinstance(data, dict):
            return sort_keys(data)
        return data


# Group name on the wire -> item model. The order is the emission order.
GROUPS: dict[str, type[Item]] = {
    "deployments": Deployment,
    "statefulSets": StatefulSet,
    "services": Service,
    "ingresses": Ingress,
    "jobs": Job,
    "cronJobs": CronJob,
    "configMaps": ConfigMap,
    "secrets": Secret,
    "serviceAccounts": ServiceAccount,
    "persistentVolumeClaims": PersistentVolumeClaim,
    "custom": Custom,
}

# Orkestra groups this version carries but does not translate (the runtime says so once).
PASS_THROUGH_GROUPS: tuple[str, ...] = (
    "clusterRoleBindings", "clusterRoles", "daemonSets", "hpa", "limitRanges", "namespaces",
    "networkPolicies", "pdb", "persistentVolumes", "pods", "replicaSets", "resourceQuotas",
    "roleBindings", "roles",
)


class Resources(Model):
    """A mapping from group to items, optionally gated as a whole by ``when`` / ``or``."""

    when: tuple[Condition, ...] | None = None
    or_: tuple[Condition, ...] | None = Field(None, alias="or")
    deployments: tuple[Deployment, ...] | None = None
    stateful_sets: tuple[StatefulSet, ...] | None = None
    services: tuple[Service, ...] | None = None
    ingresses: tuple[Ingress, ...] | None = None
    jobs: tuple[Job, ...] | None = None
    cron_jobs: tuple[CronJob, ...] | None = None
    config_maps: tuple[ConfigMap, ...] | None = None
    secrets: tuple[Secret, ...] | None = None
    service_accounts: tuple[ServiceAccount, ...] | None = None
    persistent_volume_claims: tuple[PersistentVolumeClaim, ...] | None = None
    custom: tuple[Custom, ...] | None = None
    # Pass-through groups, sorted.
    cluster_role_bindings: PassList | None = None
    cluster_roles: PassList | None = None
    daemon_sets: PassList | None = None
    hpa: PassList | None = None
    limit_ranges: PassList | None = None
    namespaces: PassList | None = None
    network_policies: PassList | None = None
    pdb: PassList | None = None
    persistent_volumes: PassList | None = None
    pods: PassList | None = None
    replica_sets: PassList | None = None
    resource_quotas: PassList | None = None
    role_bindings: PassList | None = None
    roles: PassList | None = None

    def groups(self) -> list[tuple[str, tuple[Item, ...]]]:
        """Return the modelled groups that are set, as (wire name, items), in order."""
        out = []
        for wire, _ in GROUPS.items():
            items = getattr(self, attr_name(wire))
            if items:
                out.append((wire, items))
        return out


class MotifResources(Resources):
    """A Motif's resources: flat groups go to onReconcile, ``onCreate`` to onCreate."""

    on_create: Resources | None = None


def attr_name(wire: str) -> str:
    """Return the Python attribute name of a camelCase wire key."""
    return "".join("_" + c.lower() if c.isupper() else c for c in wire)
