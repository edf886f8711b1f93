"""The ``Registry`` protocol: what ork asks of any place that holds artifacts.

Three implementations: :class:`~ork.registry.oci.OciRegistry` (a registry over HTTP, via
oras), :class:`~ork.registry.layout.LayoutRegistry` (an OCI image-layout directory, read
and write) and the embedded registry (a read-only layout shipped with ork). Every method
raises ork errors only: implementations translate their library's exceptions themselves.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

from ..canonical import sha256
from ..errors import SourceError


class Registry(Protocol):
    """A store of OCI artifacts addressed by repository and tag or digest."""

    @property
    def name(self) -> str:
        """Return how messages name this registry (a host, ``oci-layout://DIR``, …)."""
        ...

    @property
    def network(self) -> bool:
        """Return whether this registry is reached over the network (``--offline`` skips it)."""
        ...

    def resolve(self, repository: str, tag: str) -> str:
        """Return the manifest digest a tag points at.

        Raises:
            SourceError: not-found; RegistryError when unreachable or refused.
        """
        ...

    def manifest(self, repository: str, reference: str) -> tuple[bytes, str]:
        """Return a manifest's bytes and digest, by tag or digest (verified when a digest).

        Raises:
            SourceError: not-found, digest-mismatch; RegistryError when unreachable.
        """
        ...

    def blob(self, repository: str, digest: str) -> bytes:
        """Return a blob's bytes, verified against its digest.

        Raises:
            SourceError: not-found, digest-mismatch; RegistryError when unreachable.
        """
        ...

    def push(self, repository: str, tag: str, blobs: Mapping[str, bytes],
             manifest: bytes) -> str:
        """Store the blobs, then the manifest under ``tag``; return the manifest digest.

        Raises:
            SourceError: invalid-artifact when refused; RegistryError when unreachable.
        """
        ...

    def tags(self, repository: str) -> list[str]:
        """Return the tags of a repository, sorted.

        Raises:
            SourceError: not-found; RegistryError when unreachable or refused.
        """
        ...


def verify(data: bytes, digest: str, what: str) -> bytes:
    """Return ``data`` when it hashes to ``digest``.

    Raises:
        SourceError: digest-mismatch.
    """
    got = sha256(data)
    if got != digest:
        raise SourceError(
            "digest-mismatch", f"{what}: content hashes to {got}, not {digest}",
            hint="the registry (or something between it and ork) served the wrong bytes; "
                 "nothing unverified was cached or used")
    return data
