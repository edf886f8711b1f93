"""Translation of the workload groups: Deployments, StatefulSets, Jobs and CronJobs."""

from __future__ import annotations

from typing import Any

from . import convert as cv
from .objects import NAME_LABEL
from .profiles import DEFAULT_PROBE_PROFILE, Profiles

Item = dict[str, Any]
DATA_VOLUME = "data"
DATA_MOUNT = "/data"


def deployment(item: Item, name: str, profiles: Profiles) -> dict[str, Any]:
    """Return the ``spec`` of a Deployment."""
    return {"replicas": cv.opt_int(item.get("replicas"), "replicas", 1),
            "selector": {"matchLabels": {NAME_LABEL: name}},
            "template": _pod(item, name, container(item, name, profiles))}


def stateful_set(item: Item, name: str, profiles: Profiles) -> dict[str, Any]:
    """Return the ``spec`` of a StatefulSet: a Deployment's plus a ``data`` claim template."""
    main = container(item, name, profiles)
    spec: dict[str, Any] = {"replicas": cv.opt_int(item.get("replicas"), "replicas", 1),
                            "serviceName": name,
                            "selector": {"matchLabels": {NAME_LABEL: name}}}
    size = cv.opt_str(item.get("volumeSize"))
    if size is not None:
        main["volumeMounts"] = [{"name": DATA_VOLUME, "mountPath": DATA_MOUNT}]
        claim: dict[str, Any] = {"accessModes": ["ReadWriteOnce"],
                                 "resources": {"requests": {"storage": size}}}
        storage_class = cv.opt_str(item.get("storageClass"))
        if storage_class is not None:
            claim["storageClassName"] = storage_class
        spec["volumeClaimTemplates"] = [{"metadata": {"name": DATA_VOLUME}, "spec": claim}]
    spec["template"] = _pod(item, name, main)
    return spec


def job(item: Item, name: str) -> dict[str, Any]:
    """Return the ``spec`` of a Job: pods that never restart, ``backoffLimit`` default 3."""
    main = {"name": name, "image": cv.req_str(item.get("image"), "image")}
    _command(item, main)
    template = _pod(item, name, main)
    template["spec"]["restartPolicy"] = "Never"
    return {"backoffLimit": cv.opt_int(item.get("backoffLimit"), "backoffLimit", 3),
            "template": template}


def cron_job(item: Item, name: str) -> dict[str, Any]:
    """Return the ``spec`` of a CronJob running the Job above on ``schedule``."""
    return {"schedule": cv.req_str(item.get("schedule"), "schedule"),
            "jobTemplate": {"spec": job(item, name)}}


def _pod(item: Item, name: str, main: dict[str, Any]) -> dict[str, Any]:
    pod_labels = {**cv.str_map(item.get("labels"), "labels"), NAME_LABEL: name}
    return {"metadata": {"labels": pod_labels}, "spec": {"containers": [main]}}


def container(item: Item, name: str, profiles: Profiles) -> dict[str, Any]:
    """Return the one container of a workload item."""
    out: dict[str, Any] = {"name": name, "image": cv.req_str(item.get("image"), "image")}
    port = cv.opt_str(item.get("port"))
    if port is not None:
        out["ports"] = [{"containerPort": cv.port(item.get("port"), "port")}]
    _command(item, out)
    env = _env(item.get("env"))
    if env:
        out["env"] = env
    resources = _resources(item.get("resources"), profiles)
    if resources:
        out["resources"] = resources
    probes = item.get("probes") or {}
    for kind, key in (("readiness", "readinessProbe"), ("liveness", "livenessProbe")):
        if probes.get(kind):
            out[key] = probe(probes[kind], out.get("ports"), profiles, f"probes.{kind}")
    return out


def _command(item: Item, out: dict[str, Any]) -> None:
    for key in ("command", "args"):
        if item.get(key):
            out[key] = cv.str_list(item[key], key)


def _env(value: Any) -> list[dict[str, Any]]:
    """Return env as Kubernetes wants it: a list of {name, value}; a map is sorted by name."""
    if value is None:
        return []
    if isinstance(value, dict):
        return [{"name": str(k), "value": cv.to_str(v)} for k, v in sorted(value.items())]
    if not isinstance(value, list | tuple):
        raise cv.invalid("env", value, "a mapping or a list of {name, value}")
    out = []
    for i, var in enumerate(value):
        if not isinstance(var, dict) or cv.is_empty(var.get("name")):
            raise cv.invalid(f"env[{i}]", var, "a {name, value} mapping")
        entry: dict[str, Any] = {"name": cv.to_str(var["name"])}
        if var.get("valueFrom") is not None:
            entry["valueFrom"] = var["valueFrom"]
        else:
            entry["value"] = cv.to_str(var.get("value"))
        out.append(entry)
    return out


def _resources(value: Any, profiles: Profiles) -> dict[str, Any]:
    """Return requests and limits: the named profile, with explicit amounts over it."""
    if not value:
        return {}
    out: dict[str, Any] = {}
    name = cv.opt_str(value.get("profile"))
    if name is not None:
        found = profiles.resource(name)
        if found is None:
            raise cv.invalid("resources.profile", name,
                             "a resource profile (" + ", ".join(sorted(profiles.resources)) + ")")
        out.update(found)
    for part in ("requests", "limits"):
        if value.get(part):
            out[part] = {**out.get(part, {}), **cv.str_map(value[part], f"resources.{part}")}
    return out


def probe(value: dict[str, Any], ports: list[dict[str, Any]] | None, profiles: Profiles,
          field: str) -> dict[str, Any]:
    """Return a probe: http → httpGet, tcp → tcpSocket, exec → exec; timings from its profile.

    A probe without ``type`` is http, or exec when it has a command. Its port defaults to
    the container's port.
    """
    kind = cv.opt_str(value.get("type")) or ("exec" if value.get("command") else "http")
    out: dict[str, Any]
    if kind == "exec":
        command = cv.str_list(value.get("command"), f"{field}.command")
        if not command:
            raise cv.invalid(f"{field}.command", value.get("command"), "a non-empty command")
        out = {"exec": {"command": command}}
    elif kind in ("http", "tcp"):
        raw = value.get("port")
        if cv.is_empty(raw):
            if not ports:
                raise cv.invalid(f"{field}.port", raw, "a port (the container has none)")
            raw = ports[0]["containerPort"]
        port = cv.port(raw, f"{field}.port")
        if kind == "http":
            out = {"httpGet": {"path": cv.opt_str(value.get("path")) or "/", "port": port}}
        else:
            out = {"tcpSocket": {"port": port}}
    else:
        raise cv.invalid(f"{field}.type", kind, "one of http, tcp, exec")
    profile = cv.opt_str(value.get("profile")) or DEFAULT_PROBE_PROFILE
    timings = profiles.probe(profile)
    if timings is None:
        raise cv.invalid(f"{field}.profile", profile,
                         "a probe profile (" + ", ".join(sorted(profiles.probes)) + ")")
    out.update(timings)
    return out
