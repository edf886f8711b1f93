"""``ork vendor``: copy every remote source of a project into an OCI image layout.

Each artifact keeps its exact manifest bytes (so its digest), under the repository the
embedded registry would use: ``katalogs/<name>`` (Katalogs and Komposers) or
``motifs/<name>``, tagged as the project's references tag it (or with the pattern's
version for digest references). ``ORK_REGISTRY=oci-layout://DIR`` then resolves the
project's short names there, and serves any digest (a pin of ork.lock, an ``oci://``
ref with a digest) from it, with the network off.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .. import refs
from ..errors import InputError, OrkError
from ..sources import SourceGraph
from .artifact import EMPTY
from .layout import LayoutRegistry
from .locations import parse_resolved
from .resolve import RegistrySources


@dataclass(frozen=True)
class Vendored:
    """One artifact written to the layout."""

    ref_name: str  # e.g. katalogs/webapp-operator:v1.1.0
    digest: str
    source: str  # the canonical id it came from


def vendor(graph: SourceGraph, sources: RegistrySources, out: Path) -> list[Vendored]:
    """Write every remote node of ``graph`` into the layout ``out``; return what was written.

    Raises:
        OrkError: SourceError / RegistryError while reading; InputError
            invalid-artifact when two sources claim the same repository and tag.
    """
    from ..canonical import sha256

    layout = LayoutRegistry(out, name=f"oci-layout://{out.name}", writable=True)
    written: dict[str, Vendored] = {}
    for node in sorted((n for n in graph.nodes if n.remote), key=lambda n: n.id):
        location, digest = parse_resolved(node.resolved, sources.settings)
        pulled = sources.load(location, digest, label=node.ref)
        manifest = sources.blob(location, digest, label=node.ref, manifest=True)
        blobs = {layer.digest: pulled.files[layer.title] for layer in pulled.manifest.layers}
        config = _config_digest(manifest)
        blobs[config] = EMPTY if config == sha256(EMPTY) else \
            sources.blob(location, config, label=node.ref)
        group = "motifs" if "Motif" in node.kinds else "katalogs"
        for tag in _tags(graph, node.id, node.version):
            ref_name = f"{group}/{node.name or location.repository.rsplit('/', 1)[-1]}:{tag}"
            seen = written.get(ref_name)
            if seen is not None and seen.digest != digest:
                raise InputError(
                    "invalid-artifact", f"two sources vendor to {ref_name}: {seen.source} "
                    f"and {node.resolved}", hint="import one of them under another tag")
            layout.push(ref_name.rsplit(":", 1)[0], tag, blobs, manifest)
            written[ref_name] = Vendored(ref_name, digest, node.resolved)
    return [written[k] for k in sorted(written)]


def _tags(graph: SourceGraph, node_id: str, version: str) -> list[str]:
    """Return the tags a node's importers wrote (its version for digest-only refs)."""
    tags = set()
    for edge in graph.edges:
        if edge.dst != node_id:
            continue
        try:
            ref = refs.parse(edge.ref)
        except OrkError:
            continue
        tags.add(ref.tag or (version if ref.digest else "latest"))
    return sorted(t for t in tags if t)


def _config_digest(manifest: bytes) -> str:
    import json

    try:
        return str(json.loads(manifest)["config"]["digest"])
    except (ValueError, KeyError, TypeError) as exc:
        raise InputError("invalid-artifact", "a vendored manifest has no config",
                         hint="vendor the sources again with `ork vendor`") from exc

