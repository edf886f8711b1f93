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
from ..rendering import parts
from ..resolved import CrdProvenance, Resolved
from ..sources import SourceGraph, SourceNode

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
    """The bytes of the bundle and of the lock, and the CRD parts used."""

    bundle: bytes
    lock: bytes
    parts: bytes  # the table of CRD parts, for the next render


def run(resolved: Resolved, graph: SourceGraph, options: Options,
        locator: Locator, lock: lockfile.Lock | None = None,
        memo: parts.Memo | None = None) -> Rendered:
    """Return the bundle and lock bytes for a resolved, validated Katalog (reusing the
    CRD parts of the last render that ``memo`` holds: ork.rendering.parts)."""
    lock = lock or lockfile.from_graph(graph)
    crds = resolved.entries
    memo = memo or parts.Memo()
    per_crd = _parts(resolved, graph, locator, memo)
    katalog = resolved.katalog.model_dump(mode="json", by_alias=True, exclude_unset=True,
                                          exclude={"spec": {"crds"}})
    katalog["spec"]["crds"] = parts.emitted([per_crd[n].katalog for n in crds])
    katalog_yaml = yamlout.dump(katalog)
    prov: dict[str, Any] = {"crds": parts.emitted([per_crd[n].provenance
                                                   for n in sorted(per_crd)])}
    if resolved.disabled:
        # So that `ork plan` can tell a CRD enabled again from a new one.
        prov["disabled"] = sorted(resolved.disabled)
    provenance_yaml = yamlout.dump(prov)
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
         "rules": rbac.merged(g for n in sorted(per_crd) for g in per_crd[n].grants)},
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
         "data": {"katalog.yaml": yamlout.Dumped(katalog_yaml),
                  "provenance.yaml": yamlout.Dumped(provenance_yaml)}},
    ]
    return Rendered(yamlout.dump_all(docs).encode("utf-8"), lockfile.dumps(lock),
                    memo.table())


def _parts(resolved: Resolved, graph: SourceGraph, locator: Locator,
           memo: parts.Memo) -> dict[str, parts.Part]:
    """Return every CRD's part: an enabled CRD has both entries, and a CRD found in only one
    of the Katalog and the provenance has an empty entry in the other."""
    crds = resolved.entries
    prov = {p.crd: p for p in resolved.provenance if p.enabled}
    nodes = {n.id: n for n in graph.nodes}
    keys = parts.PartKeys(nodes)
    out = {}
    for name in sorted(set(crds) | set(prov)):
        p, resolved_key = prov.get(name), resolved.expansions.get(name)

        def make(name: str = name, p: CrdProvenance | None = p) -> parts.Part:
            entry = resolved.entry(name)  # decoded only for a part not kept from the last render
            return parts.Part(
                yamlout.entries({name: entry.wire()}) if entry is not None else "",
                yamlout.entries({name: _crd(p, nodes, locator)}) if p is not None else "",
                tuple(rbac.grants(entry)) if entry is not None else ())

        usable = resolved_key is not None and p is not None and name in crds
        key = keys.key(resolved_key, p) if usable else None  # type: ignore[arg-type]
        out[name] = memo.part(key, make)
    return out


def katalog_text(resolved: Resolved) -> str:
    """Return ``katalog.yaml``: the resolved Katalog as ``ork template`` prints it."""
    return yamlout.dump(resolved.full_katalog().wire())


def _namespace(name: str) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Namespace",
            "metadata": {"name": name, "labels": dict(LABELS)}}


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
