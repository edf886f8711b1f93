"""The Komposer kind: a platform that imports Katalogs and overrides their CRDs."""

from typing import Literal

from .base import Bool, Model, PassAny, PassList, Str
from .crd import CRDPatch
from .katalog import Metadata


class RegistryImport(Model):
    """The object form of a registry import: ``{url, version, useKomposer}``."""

    url: Str
    version: Str | None = None
    use_komposer: Bool | None = None


class Imports(Model):
    """A Komposer's imports: registry refs first, then files, whatever the YAML order."""

    registry: tuple[Str | RegistryImport, ...] | None = None
    files: tuple[Str, ...] | None = None
    helm: PassList | None = None


class KomposerSpec(Model):
    """Inline CRDs: overrides of imported CRDs, or new CRDs."""

    crds: dict[Str, CRDPatch] | None = None


class Komposer(Model):
    """``kind: Komposer``."""

    api_version: Str
    kind: Literal["Komposer"]
    metadata: Metadata
    imports: Imports | None = None
    spec: KomposerSpec | None = None
    gateway: PassAny = None
    notes: PassAny = None
    notification: PassAny = None
    profiles: PassAny = None
    providers: PassAny = None
    security: PassAny = None
    cross_access: PassAny = None
    lifecycle: PassAny = None
    policy: PassAny = None
    publish: PassAny = None
