"""Where an artifact lives, and the canonical ids of resolved artifacts.

=============  ==================================================================
scheme         canonical id (the source graph's node id and the lock's ``resolved``)
=============  ==================================================================
``oci``        ``oci://127.0.0.1:5000/katalogs/webapp-operator@sha256:…``
``layout``     ``oci-layout://vendor:katalogs/webapp-operator@sha256:…`` (DIR as written)
``embedded``   ``embedded://katalogs/webapp-operator@sha256:…``
=============  ==================================================================

Short names resolve against a *base*: ``ORK_REGISTRY`` for Katalogs and Komposers,
``ORK_MOTIFS_REGISTRY`` for Motifs, else the embedded registry. A base is a registry root
(``127.0.0.1:5000``, ``oci-layout://vendor``, ``embedded://``), under which a bare name
``x`` lives at ``katalogs/x`` or ``motifs/x`` as in the embedded registry; or a root and
a repository prefix (``127.0.0.1:5000/team/katalogs``, ``oci-layout://vendor:team``),
under which ``x`` is ``<prefix>/x``. Motifs follow ``ORK_REGISTRY`` when it is a root
and ``ORK_MOTIFS_REGISTRY`` is unset.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from ..errors import InputError, UsageError
from ..refs import DIGEST_RE, Reference
from .protocol import Registry
from .settings import RegistrySettings

Scheme = Literal["oci", "layout", "embedded"]


@dataclass(frozen=True)
class Location:
    """A repository in a registry. ``where`` is the host or the layout dir as written."""

    scheme: Scheme
    where: str
    repository: str
    path: Path | None = field(default=None, compare=False)  # a layout's directory, absolute

    def display(self, version: str = "") -> str:
        """Return the ref of this repository with ``version`` (``:tag`` or ``@digest``)."""
        if self.scheme == "oci":
            return f"oci://{self.where}/{self.repository}{version}"
        if self.scheme == "layout":
            return f"oci-layout://{self.where}:{self.repository}{version}"
        return f"embedded://{self.repository}{version}"

    def canonical(self, digest: str) -> str:
        """Return the canonical id of the artifact ``digest`` in this repository."""
        return self.display("@" + digest)


@dataclass(frozen=True)
class Base:
    """What a short name resolves against."""

    scheme: Scheme
    where: str = ""
    prefix: str | None = None  # None: a registry root
    path: Path | None = None


def parse_base(value: str | None, *, variable: str, cwd: Path) -> Base:
    """Return the base an ``ORK_REGISTRY``-style value names (None: the embedded registry).

    Raises:
        UsageError: a value that names no registry.
    """
    text = (value or "embedded://").strip()
    if text.rstrip("/") in ("embedded:", "embedded"):
        return Base("embedded")
    if text.startswith("oci-layout://"):
        where, _, prefix = text[len("oci-layout://"):].rstrip("/").partition(":")
        if not where:
            raise UsageError("usage", f"{variable}={value!r} names no directory",
                             hint="write oci-layout://DIR or oci-layout://DIR:PREFIX")
        return Base("layout", where, prefix.strip("/") or None, _absolute(cwd, where))
    host, _, prefix = text.removeprefix("oci://").rstrip("/").partition("/")
    if "@" in host:
        # user:password@host: never echo it (it may hold a password), and say where
        # credentials belong instead.
        raise UsageError("usage", f"{variable} holds credentials (user@host); they are not "
                         "read from there", hint="put them in Docker's config.json or in "
                         "ORK_REGISTRY_USERNAME / ORK_REGISTRY_PASSWORD, and set "
                         f"{variable} to HOST[:PORT][/PREFIX]")
    if not host or "@" in text or " " in text or "://" in host:
        raise UsageError("usage", f"{variable}={value!r} is not a registry",
                         hint="write HOST[:PORT][/PREFIX], oci-layout://DIR[:PREFIX] or "
                              "embedded://")
    return Base("oci", host, prefix.strip("/") or None)


def base_for(settings: RegistrySettings, *, motif: bool) -> Base:
    """Return the base short names of this kind resolve against.

    Raises:
        UsageError: a malformed ``ORK_REGISTRY`` or ``ORK_MOTIFS_REGISTRY``.
    """
    katalogs = parse_base(settings.katalogs, variable="ORK_REGISTRY", cwd=settings.cwd)
    if not motif:
        return katalogs
    if settings.motifs:
        return parse_base(settings.motifs, variable="ORK_MOTIFS_REGISTRY", cwd=settings.cwd)
    return katalogs if katalogs.prefix is None else Base("embedded")


def for_reference(ref: Reference, settings: RegistrySettings, *, motif: bool) -> Location:
    """Return where a parsed ``oci``, ``layout`` or ``short`` reference lives.

    Raises:
        UsageError: a malformed ``ORK_REGISTRY`` value.
    """
    if ref.kind == "oci":
        return Location("oci", ref.host, ref.repository)
    if ref.kind == "layout":
        return Location("layout", ref.layout, ref.repository, _absolute(settings.root,
                                                                        ref.layout))
    base = base_for(settings, motif=motif)
    if base.prefix is not None:
        repository = f"{base.prefix}/{ref.repository}"
    elif "/" in ref.repository:
        repository = ref.repository
    else:
        repository = f"{'motifs' if motif else 'katalogs'}/{ref.repository}"
    return Location(base.scheme, base.where, repository, base.path)


def parse_resolved(text: str, settings: RegistrySettings) -> tuple[Location, str]:
    """Return the location and digest of a canonical id (a lock's ``resolved``).

    Raises:
        InputError: invalid-lock when it is not a canonical id.
    """
    body, _, digest = text.rpartition("@")
    if not DIGEST_RE.match(digest):
        raise InputError("invalid-lock", f"resolved ref {text!r} has no sha256 digest",
                         hint="run `ork lock` to write a new lock")
    if body.startswith("embedded://"):
        return Location("embedded", "", body[len("embedded://"):]), digest
    if body.startswith("oci-layout://"):
        where, _, repo = body[len("oci-layout://"):].partition(":")
        return Location("layout", where, repo, _absolute(settings.root, where)), digest
    host, _, repo = body.removeprefix("oci://").partition("/")
    if "@" in host:  # never echoed: it may hold a password
        raise InputError("invalid-lock", "a resolved ref carries credentials "
                         f"(user:password@{host.rsplit('@', 1)[1]}); the lock never holds them",
                         hint="run `ork lock` to write a new lock")
    if not repo:
        raise InputError("invalid-lock", f"resolved ref {text!r} names no repository",
                         hint="run `ork lock` to write a new lock")
    return Location("oci", host, repo), digest


def open_registry(location: Location, settings: RegistrySettings) -> Registry:
    """Return the registry a location lives in (no network is touched yet)."""
    from .layout import LayoutRegistry

    if location.scheme == "embedded":
        from ..resources import embedded_registry

        return LayoutRegistry(settings.embedded or embedded_registry(), name="the embedded "
                              "registry")
    if location.scheme == "layout":
        path = location.path or _absolute(settings.root, location.where)
        return LayoutRegistry(path, name=f"oci-layout://{location.where}", writable=True)
    from .oci import OciRegistry

    return OciRegistry(location.where, settings)


def _absolute(base: Path, where: str) -> Path:
    return Path(os.path.normpath(base / os.path.expanduser(where)))
