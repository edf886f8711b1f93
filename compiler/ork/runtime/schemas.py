"""The schemas of the built-in kinds (apps/v1, batch/v1, v1, networking.k8s.io/v1)."""

from __future__ import annotations

from typing import Any

from .objects import GK
from .objects import Obj as Data
from .schema import (
    ANY,
    BOOL,
    NONEMPTY,
    STR,
    ListOf,
    MapOf,
    Obj,
    Schema,
    Type,
    at_least,
    dns_label,
    dns_subdomain,
    label_key,
    label_value,
    one_of,
    port_range,
    quantity,
    validate,
)

NON_NEGATIVE = Type("int", at_least(0))
PORT = Type("int", port_range)
PORT_OR_NAME = Type("int-or-string", port_range)
LABELS = MapOf(Type("str", label_value), key=label_key)
STRINGS = MapOf(STR)

OWNER_REF = Obj({"apiVersion": NONEMPTY, "kind": NONEMPTY, "name": NONEMPTY, "uid": NONEMPTY,
                 "controller": BOOL, "blockOwnerDeletion": BOOL},
                required=("apiVersion", "kind", "name", "uid"))
METADATA = Obj({"name": Type("str", dns_subdomain), "namespace": Type("str", dns_label),
                "labels": LABELS, "annotations": STRINGS, "ownerReferences": ListOf(OWNER_REF),
                "finalizers": ListOf(STR)}, required=("name",))


def _one_handler(probe: dict[str, Any]) -> str | None:
    handlers = [h for h in ("httpGet", "tcpSocket", "exec", "grpc") if h in probe]
    return None if len(handlers) == 1 else "a probe needs exactly one of httpGet, tcpSocket, exec"


PROBE = Obj({"httpGet": Obj({"path": STR, "port": PORT_OR_NAME}, required=("port",)),
             "tcpSocket": Obj({"port": PORT_OR_NAME}, required=("port",)),
             "exec": Obj({"command": ListOf(STR, 1)}, required=("command",)),
             "initialDelaySeconds": NON_NEGATIVE, "periodSeconds": Type("int", at_least(1)),
             "timeoutSeconds": Type("int", at_least(1)),
             "failureThreshold": Type("int", at_least(1))}, rule=_one_handler)
RESOURCES = Obj({"requests": MapOf(Type("any", quantity)),
                 "limits": MapOf(Type("any", quantity))})
CONTAINER = Obj({
    "name": Type("str", dns_label), "image": NONEMPTY, "command": ListOf(STR),
    "args": ListOf(STR),
    "env": ListOf(Obj({"name": NONEMPTY, "value": STR, "valueFrom": ANY}, required=("name",))),
    "ports": ListOf(Obj({"containerPort": PORT, "name": STR, "protocol": STR},
                        required=("containerPort",))),
    "resources": RESOURCES, "readinessProbe": PROBE, "livenessProbe": PROBE,
    "volumeMounts": ListOf(Obj({"name": NONEMPTY, "mountPath": NONEMPTY},
                               required=("name", "mountPath"))),
}, required=("name", "image"))
POD_SPEC = Obj({"containers": ListOf(CONTAINER, 1),
                "restartPolicy": Type("str", one_of("Always", "OnFailure", "Never")),
                "serviceAccountName": STR}, required=("containers",))
POD_TEMPLATE = Obj({"metadata": Obj({"labels": LABELS, "annotations": STRINGS}),
                    "spec": POD_SPEC}, required=("spec",))
SELECTOR = Obj({"matchLabels": LABELS}, required=("matchLabels",))


def _selector_matches(spec: dict[str, Any]) -> str | None:
    wanted = (spec.get("selector") or {}).get("matchLabels") or {}
    have = ((spec.get("template") or {}).get("metadata") or {}).get("labels") or {}
    if any(have.get(k) != v for k, v in wanted.items()):
        return "`selector` does not match the labels of `template`"
    return None


DEPLOYMENT_SPEC = Obj({"replicas": NON_NEGATIVE, "selector": SELECTOR, "template": POD_TEMPLATE},
                      required=("selector", "template"), rule=_selector_matches)
ACCESS_MODES = ListOf(Type("str", one_of("ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany",
                                         "ReadWriteOncePod")), 1)
PVC_SPEC = Obj({"accessModes": ACCESS_MODES, "storageClassName": STR,
                "resources": Obj({"requests": Obj({"storage": Type("any", quantity)},
                                                  required=("storage",))},
                                 required=("requests",))},
               required=("accessModes", "resources"))
STATEFULSET_SPEC = Obj({
    "replicas": NON_NEGATIVE, "selector": SELECTOR, "template": POD_TEMPLATE,
    "serviceName": STR,
    "volumeClaimTemplates": ListOf(Obj({"metadata": METADATA, "spec": PVC_SPEC},
                                       required=("metadata", "spec"))),
}, required=("selector", "template"), rule=_selector_matches)


def _job_restart(spec: dict[str, Any]) -> str | None:
    policy = ((spec.get("template") or {}).get("spec") or {}).get("restartPolicy")
    if policy not in ("Never", "OnFailure"):
        return "a Job's pods need restartPolicy Never or OnFailure"
    return None


JOB_SPEC = Obj({"backoffLimit": NON_NEGATIVE, "template": POD_TEMPLATE}, required=("template",),
               rule=_job_restart)
SERVICE_PORT = Obj({"port": PORT, "targetPort": PORT_OR_NAME, "name": STR, "protocol": STR,
                    "nodePort": PORT}, required=("port",))
SERVICE_SPEC = Obj({"ports": ListOf(SERVICE_PORT, 1), "selector": STRINGS,
                    "type": Type("str", one_of("ClusterIP", "NodePort", "LoadBalancer",
                                               "ExternalName")),
                    "clusterIP": STR})
BACKEND = Obj({"service": Obj({"name": Type("str", dns_label),
                               "port": Obj({"number": PORT, "name": STR})},
                              required=("name", "port"))}, required=("service",))
HTTP_PATH = Obj({"path": STR, "backend": BACKEND,
                 "pathType": Type("str", one_of("Prefix", "Exact", "ImplementationSpecific"))},
                required=("pathType", "backend"))
INGRESS_SPEC = Obj({"rules": ListOf(Obj({
    "host": STR, "http": Obj({"paths": ListOf(HTTP_PATH, 1)}, required=("paths",))}))})


def _top(spec: Schema | None = None, *, spec_required: bool = True, **extra: Schema) -> Obj:
    fields: dict[str, Schema] = {"apiVersion": NONEMPTY, "kind": NONEMPTY, "metadata": METADATA,
                                 **extra}
    required = ["apiVersion", "kind", "metadata"]
    if spec is not None:
        fields["spec"] = spec
        if spec_required:
            required.append("spec")
    return Obj(fields, required=tuple(required))


SCHEMAS: dict[GK, Obj] = {
    GK("apps", "Deployment"): _top(DEPLOYMENT_SPEC),
    GK("apps", "StatefulSet"): _top(STATEFULSET_SPEC),
    GK("", "Service"): _top(SERVICE_SPEC),
    GK("networking.k8s.io", "Ingress"): _top(INGRESS_SPEC),
    GK("batch", "Job"): _top(JOB_SPEC),
    GK("batch", "CronJob"): _top(Obj({"schedule": NONEMPTY,
                                      "jobTemplate": Obj({"spec": JOB_SPEC},
                                                         required=("spec",))},
                                     required=("schedule", "jobTemplate"))),
    GK("", "ConfigMap"): _top(data=STRINGS, binaryData=STRINGS),
    GK("", "Secret"): _top(data=STRINGS, stringData=STRINGS, type=STR),
    GK("", "ServiceAccount"): _top(),
    GK("", "PersistentVolumeClaim"): _top(PVC_SPEC),
}
GENERIC = _top()


def check(obj: Data) -> None:
    """Check a translated object against the schema of its kind (any kind: the generic one).

    Raises:
        RuntimeError_: invalid-object, listing every problem.
    """
    gk = GK.of(obj)
    name = (obj.get("metadata") or {}).get("name")
    validate(obj, SCHEMAS.get(gk, GENERIC), f"{gk.kind or 'object'} {name!r}")
