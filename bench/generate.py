"""Synthetic platforms for the benchmarks: N Katalogs × M CRDs × K Motif imports.

``python bench/generate.py SIZE DIR`` writes a Komposer importing N Katalog files; each
CRD imports K Motifs, alternating a local Motif file and ``web-service:v1.1.0`` from the
embedded registry, and carries its own resource templates, status fields and admission
rules, so every stage does real work. The output depends only on the size: the same
size always gives the same bytes. ``simulate_inputs`` writes a bundle-ready CR set.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from ork import yamlout


@dataclass(frozen=True)
class Size:
    """How big a platform is."""

    katalogs: int
    crds_per_katalog: int
    motif_imports: int = 2


SIZES = {"S": Size(2, 5), "M": Size(50, 4), "L": Size(200, 5)}
API = "orkestra.orkspace.io/v1"


def _motif(i: int) -> dict[str, object]:
    return {
        "apiVersion": API, "kind": "Motif",
        "metadata": {"name": f"sidecar-{i}", "version": "v1.0.0"},
        "inputs": [{"name": "image", "default": f"ghcr.io/bench/sidecar-{i}:1"},
                   {"name": "port", "type": "integer", "default": 9000 + i},
                   {"name": "enabled", "default": ""}],
        "resources": {
            "configMaps": [{"name": "{{ .metadata.name }}-sidecar-" + str(i),
                            "data": {"port": "{{ .inputs.port }}",
                                     "owner": "{{ .metadata.name }}"}}],
            "services": [{"name": "{{ .metadata.name }}-sidecar-" + str(i),
                          "port": "{{ .inputs.port }}",
                          "when": [{"field": "{{ .inputs.enabled }}",
                                    "operator": "exists"}]}],
        },
        "status": {"fields": [{"path": f"sidecar{i}", "value": "{{ .inputs.image }}"}]},
    }


def _crd(k: int, c: int, size: Size) -> dict[str, object]:
    name = f"app-{k}-{c}"
    imports = []
    for m in range(size.motif_imports):
        if m % 2 == 0:
            imports.append({"motif": "web-service:v1.1.0",
                            "with": {"image": "{{ .spec.image }}",
                                     "replicas": "{{ .spec.replicas }}",
                                     "probePath": "{{ .spec.probePath }}"}})
        else:
            imports.append({"motif": f"../motifs/sidecar-{(k + c) % 4}.yaml",
                            "with": {"port": 9100 + c}})
    return {
        "description": f"Synthetic CRD {name}",
        "apiTypes": {"group": f"k{k}.bench.demo", "version": "v1", "kind": f"App{c}",
                     "plural": f"app{c}s"},
        "dependsOn": [f"app-{k}-{c - 1}"] if c else [],
        "imports": imports,
        "admission": {"validation": {"rules": [
            {"field": "spec.replicas", "operator": "lte", "value": "20", "action": "deny",
             "message": "at most 20 replicas"},
            {"field": "spec.image", "operator": "regex", "value": "^[a-z0-9./:-]+$",
             "action": "warn", "message": "odd image name"}]}},
        "operatorBox": {"reconcile": {
            "workers": 1 + c % 4, "resync": f"{1 + c}m",
            "onCreate": {"secrets": [{"name": "{{ .metadata.name }}-token", "once": True,
                                      "stringData": {"token": "{{ randAlphaNum 16 }}"}}]},
            "onReconcile": {"configMaps": [{
                "name": "{{ .metadata.name }}-settings",
                "data": {"level": '{{ .spec.level | default "info" }}',
                         "name": "{{ .metadata.name | upper }}",
                         "summary": "{{ printf \"%s has %v replicas\" .metadata.name "
                                    "(.spec.replicas | default 1) }}"}}]}},
            "emit": {"status": {"fields": [
                {"path": "phase", "value": "Pending"},
                {"path": "phase", "value": "Ready",
                 "when": [{"field": "{{ allReplicasReady .children.deployment }}",
                           "equals": "true"}]}]}}},
    }


def write(size_name: str, out: Path) -> Path:
    """Write the platform of one size into ``out``; return the Komposer's path."""
    size = SIZES[size_name]
    (out / "katalogs").mkdir(parents=True, exist_ok=True)
    (out / "motifs").mkdir(exist_ok=True)
    for i in range(4):
        (out / "motifs" / f"sidecar-{i}.yaml").write_text(yamlout.dump(_motif(i)))
    files = []
    for k in range(size.katalogs):
        katalog = {"apiVersion": API, "kind": "Katalog",
                   "metadata": {"name": f"katalog-{k}", "namespace": f"team-{k % 7}",
                                "version": f"v1.{k}.0"},
                   "spec": {"crds": {f"app-{k}-{c}": _crd(k, c, size)
                                     for c in range(size.crds_per_katalog)}}}
        (out / "katalogs" / f"katalog-{k}.yaml").write_text(yamlout.dump(katalog))
        files.append(f"./katalogs/katalog-{k}.yaml")
    komposer = {"apiVersion": API, "kind": "Komposer",
                "metadata": {"name": f"bench-{size_name.lower()}", "version": "v1.0.0"},
                "imports": {"registry": ["webapp-operator:v1.1.0"], "files": files},
                "spec": {"crds": {"app-0-0": {"operatorBox": {"reconcile": {"workers": 8}}}}}}
    path = out / "komposer.yaml"
    path.write_text(yamlout.dump(komposer))
    return path


def write_crs(count: int, out: Path) -> list[Path]:
    """Write ``count`` custom resources for the ``app-0-*`` CRDs of any size; return them."""
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        cr = {"apiVersion": "k0.bench.demo/v1", "kind": f"App{i % 4}",
              "metadata": {"name": f"cr-{i}", "namespace": "bench"},
              "spec": {"image": f"ghcr.io/bench/app:{i}", "replicas": 1 + i % 3,
                       "probePath": "/ready" if i % 2 else None}}
        path = out / f"cr-{i}.yaml"
        path.write_text(yamlout.dump(cr))
        paths.append(path)
    return paths


def crd_count(size_name: str) -> int:
    """Return how many CRDs a platform of this size has (the imported webapp included)."""
    size = SIZES[size_name]
    return size.katalogs * size.crds_per_katalog + 1


if __name__ == "__main__":
    print(write(sys.argv[1], Path(sys.argv[2])))
