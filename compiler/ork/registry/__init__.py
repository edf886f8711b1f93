"""OCI artifacts for ork: the ``Registry`` protocol, its three implementations, and the
``RemoteSources`` the fetch stage uses.

=================  ============================================================
module             one job
=================  ============================================================
``protocol``       the :class:`Registry` protocol and digest verification
``artifact``       pattern directory ⇄ OCI image manifest (deterministic bytes)
``layout``         an OCI image-layout directory (read/write; the embedded one read-only)
``oci``            a registry over HTTP via oras; the one place its errors are translated
``transport``      timeouts, retries and authentication on top of oras's client
``credentials``    Docker's config.json and ``ORK_REGISTRY_USERNAME``/``_PASSWORD``
``settings``       :class:`RegistrySettings`, built by the CLI from the environment
``locations``      where a reference lives; canonical ids; short-name bases
``resolve``        :class:`RegistrySources`: pins, tags → digests, the store, offline
``publish``        ``ork push``
``pulling``        ``ork pull`` and ``ork inspect``
``vendor``         ``ork vendor``
``layoutbuild``    ``ork registry build``
=================  ============================================================

Importing this package does not import oras or requests: :mod:`ork.registry.oci` does,
on first use of a remote registry.
"""

from __future__ import annotations

from .artifact import Artifact, Manifest, build, parse_manifest, read_pattern
from .layout import LayoutRegistry
from .locations import Location, for_reference, open_registry, parse_resolved
from .protocol import Registry, verify
from .resolve import Pulled, RegistrySources
from .settings import RegistrySettings

__all__ = [
    "Artifact", "LayoutRegistry", "Location", "Manifest", "Pulled", "Registry",
    "RegistrySettings", "RegistrySources", "build", "for_reference", "open_registry",
    "parse_manifest", "parse_resolved", "read_pattern", "verify",
]
