"""The Katalog kind: an operator, i.e. a map of CRDs and the blocks they share."""

from typing import Literal

from .base import Model, PassAny, PassList, Str
from .crd import CRDEntry

# Top-level blocks carried into the bundle, and those accepted for authoring only.
CARRIED_BLOCKS: tuple[str, ...] = ("security", "gateway", "notification", "providers",
                                   "profiles", "notes")
LAYERED_BLOCKS: tuple[str, ...] = ("security", "notification", "providers", "profiles", "notes")
AUTHORING_BLOCKS: tuple[str, ...] = ("lifecycle", "policy", "publish", "crossAccess")


class Metadata(Model):
    """Metadata of any kind."""

    name: Str
    namespace: Str | None = None
    version: Str | None = None
    description: Str | None = None
    author: Str | None = None
    license: Str | None = None
    tags: PassList | None = None


class KatalogSpec(Model):
    """A Katalog's spec: finalizers for every CRD, and the CRDs by name."""

    finalizers: tuple[Str, ...] | None = None
    crds: dict[Str, CRDEntry]


class Katalog(Model):
    """``kind: Katalog`` — also the shape of the resolved Katalog in a bundle."""

    api_version: Str
    kind: Literal["Katalog"]
    metadata: Metadata
    spec: KatalogSpec
    gateway: PassAny = None
    notes: PassAny = None
    notification: PassAny = None
    profiles: PassAny = None
    providers: PassAny = None
    security: PassAny = None
    # Authoring-only blocks: accepted, never emitted.
    cross_access: PassAny = None
    lifecycle: PassAny = None
    policy: PassAny = None
    publish: PassAny = None
