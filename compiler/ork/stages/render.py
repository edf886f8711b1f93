"""Stage 4, render: the resolved Katalog becomes ``bundle.yaml`` bytes and ``ork.lock`` bytes.

Documents in the order of bundle-and-lock.md: runtime Namespace, optional workload
Namespace, ServiceAccount, ClusterRole, ClusterRoleBinding, then the ``orkestra-katalog``
ConfigMap carrying ``katalog.yaml``, ``provenance.yaml`` and the two digest annotations.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .. import canonical, lockfile, rbac, yamlout
from ..locate import Locator
from ..resolved import CrdProvenance, Resolved
from ..sources import SourceGraph, SourceNode

STAGE_VERSION = 2
LABELS = {"app.kubernetes.io/managed-by": "ork", "app.kubernetes.io/part-of": "orkestra"}
KATALOG_DIGEST = "orkestra.orkspace.io/katalog-digest"
LOCK_DIGEST = "orkestra.orkspace.io/lock-digest"
CONFIGMAP = "orkestra-katalog"


@dataclass(frozen=True)
class Options:
    """Render options: where the runtime (and optionally the workloads) live."""

    namespace: str = "orkestra-system"
    workload_namespace: str | None = None


@dataclass(frozen=True)
class Rendered:
    """The bytes of the bundle and of the lock."""

    bundle: bytes
    lock: bytes


def run(resolved: Resolved, graph: SourceGraph, options: Options,
        locator: Locator, lock: lockfile.Lock | None = None) -> Rendered:
    """Return the bundle and lock bytes for a resolved, validated Katalog."""
    lock = lock or lockfile.from_graph(graph)
    katalog_yaml = katalog_text(resolved)
    provenance_yaml = yamlout.dump(provenance(resolved, graph, locator))
    ns = options.namespace
    docs: list[Any] = [_namespace(ns)]
    if options.workload_namespace:
        docs.append(_namespace(options.workload_namespace))
    role = f"orkestra-{ns}"
    docs += [
        {"apiVersion": "v1", "kind": "ServiceAccount",
         "metadata": {"name": "orkestra", "namespace": ns, "labels": dict(LABELS)}},
        {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
         "metadata": {"name": role, "labels": dict(LABELS)},
         "rules": rbac.rules(resolved.katalog)},
        {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding",
         "metadata": {"name": role, "labels": dict(LABELS)},
         "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole",
                     "name": role},
         "subjects": [{"kind": "ServiceAccount", "name": "orkestra", "namespace": ns}]},
        {"apiVersion": "v1", "kind": "ConfigMap",
         "metadata": {"name": CONFIGMAP, "namespace": ns, "labels": dict(LABELS),
                      "annotations": {
                          KATALOG_DIGEST: canonical.sha256(katalog_yaml.encode("utf-8")),
                          LOCK_DIGEST: lock.digest()}},
         "data": {"katalog.yaml": katalog_yaml, "provenance.yaml": provenance_yaml}},
    ]
    return Rendered(yamlout.dump_all(docs).encode("utf-8"), lockfile.dumps(lock))


def katalog_text(resolved: Resolved) -> str:
    """Return ``katalog.yaml``: the resolved Katalog as ``ork template`` prints it."""
    return yamlout.dump(resolved.katalog.wire())


def _namespace(name: str) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Namespace",
            "metadata": {"name": name, "labels": dict(LABELS)}}


def provenance(resolved: Resolved, graph: SourceGraph, locator: Locator) -> dict[str, Any]:
    """Return ``provenance.yaml``: per CRD, its source and every Motif expanded into it;
    then the names of the CRDs the Komposer disabled, when there are any."""
    nodes = {n.id: n for n in graph.nodes}
    crds = {}
    for p in sorted(resolved.provenance, key=lambda p: p.crd):
        if p.enabled:
            crds[p.crd] = _crd(p, nodes, locator)
    out: dict[str, Any] = {"crds": crds}
    if resolved.disabled:
        # So that `ork plan` can tell a CRD enabled again from a new one.
        out["disabled"] = sorted(resolved.disabled)
    return out


def _crd(p: CrdProvenance, nodes: dict[str, SourceNode], locator: Locator) -> dict[str, Any]:
    node = nodes[p.source]
    span = locator.span(p.loc.at_key())
    source = _source(node)
    source["file"] = node.display if not node.remote else node.display.rsplit("/", 1)[-1]
    source["line"] = span.line if span else 0
    out: dict[str, Any] = {"source": source,
                           "katalog": {"name": p.katalog, "version": p.version}}
    if len(p.via) > 1:
        out["via"] = [_name(nodes[v]) for v in p.via[:-1]]
    if p.motifs:
        out["motifs"] = [{"ref": m.ref, "name": m.name, "version": m.version,
                          **_source(nodes[m.source], ref=False)} for m in p.motifs]
    if p.overrides:
        out["overrides"] = [str(locator.span(o.at_key())) for o in p.overrides]
    return out


def _source(node: SourceNode, *, ref: bool = True) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if ref:
        out["ref"] = node.ref or node.display
    if node.remote:
        out["resolved"] = node.resolved
    out["digest"] = node.digest
    return out


def _name(node: SourceNode) -> str:
    return node.ref or node.display
