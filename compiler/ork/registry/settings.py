"""Registry settings: built once by the CLI from the environment, then passed down.

Nothing below the CLI reads ``os.environ``; :meth:`RegistrySettings.from_env` takes the
environment as a mapping. Only the settings that change what a reference resolves to
(:meth:`RegistrySettings.source_options`) enter cache keys: never the credentials.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import UsageError
from .credentials import Credentials, load

DEFAULT_TIMEOUT = 30.0
TRUTHY = ("1", "true", "yes", "on")


@dataclass(frozen=True)
class RegistrySettings:
    """Where short names resolve, how to reach registries, and with which credentials."""

    cwd: Path  # ORK_REGISTRY=oci-layout://DIR is relative to the working directory
    root: Path  # oci-layout://DIR refs in files are relative to the project root
    katalogs: str | None = None  # ORK_REGISTRY as written
    motifs: str | None = None  # ORK_MOTIFS_REGISTRY as written
    insecure: tuple[str, ...] = ()  # ORK_INSECURE_REGISTRIES
    credentials: Credentials = field(default_factory=Credentials, repr=False)
    offline: bool = False
    timeout: float = DEFAULT_TIMEOUT
    retries: int = 3
    backoff: float = 0.5  # seconds before the first retry; doubles each time
    created: str | None = None  # SOURCE_DATE_EPOCH, as RFC 3339, for pushed manifests
    embedded: Path | None = None  # the embedded layout; None: ork.resources decides

    @classmethod
    def from_env(cls, env: Mapping[str, str], *, cwd: Path, home: Path,
                 root: Path | None = None, offline: bool = False,
                 timeout: float | None = None) -> RegistrySettings:
        """Return settings from an environment mapping and command-line overrides.

        Raises:
            UsageError: a malformed ``ORK_REGISTRY_TIMEOUT`` or ``SOURCE_DATE_EPOCH``.
        """
        from .artifact import rfc3339

        if timeout is None:
            raw = env.get("ORK_REGISTRY_TIMEOUT", "")
            try:
                timeout = float(raw) if raw else DEFAULT_TIMEOUT
            except ValueError as exc:
                raise UsageError("usage", f"ORK_REGISTRY_TIMEOUT={raw!r} is not a number of "
                                 "seconds", hint="e.g. ORK_REGISTRY_TIMEOUT=30, or unset "
                                                 "it") from exc
        epoch = env.get("SOURCE_DATE_EPOCH", "")
        insecure = tuple(sorted(h.strip().lower() for h in
                                env.get("ORK_INSECURE_REGISTRIES", "").split(",") if h.strip()))
        return cls(
            cwd=cwd, root=root or cwd,
            katalogs=env.get("ORK_REGISTRY") or None,
            motifs=env.get("ORK_MOTIFS_REGISTRY") or None,
            insecure=insecure, credentials=load(env, home),
            offline=offline or env.get("ORK_OFFLINE", "").lower() in TRUTHY,
            timeout=timeout, created=rfc3339(epoch) if epoch else None)

    def source_options(self) -> tuple[tuple[str, str], ...]:
        """Return the settings that change resolution, for the fetch cache key."""
        from ..resources import embedded_registry

        embedded = self.embedded or embedded_registry()
        index = embedded / "index.json"
        try:
            from ..canonical import sha256

            embedded_id = sha256(index.read_bytes())
        except OSError:
            embedded_id = ""
        return (("embedded", embedded_id), ("insecure", ",".join(self.insecure)),
                ("katalogs", self.katalogs or ""), ("motifs", self.motifs or ""))

    def plain_http(self, host: str) -> bool:
        """Return whether a registry host is spoken to in plain HTTP (loopback or listed)."""
        key = host.lower()
        if key in self.insecure:
            return True
        name = _hostname(key)
        if name in self.insecure or name == "localhost":
            return True
        try:
            return ipaddress.ip_address(name).is_loopback
        except ValueError:
            return False


def _hostname(host: str) -> str:
    """Return the host without its port: ``[::1]:5000`` → ``::1``, ``a:5000`` → ``a``."""
    if host.startswith("["):
        return host[1:].split("]", 1)[0]
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host
