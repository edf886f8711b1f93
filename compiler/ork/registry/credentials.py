"""Registry credentials: Docker's ``config.json``, else ``ORK_REGISTRY_USERNAME``/``_PASSWORD``.

A :class:`Credential` never shows its secret: its ``repr`` hides it, and
:func:`scrub` removes it from any text before that text reaches a message. Credentials
are never part of a cache key, the lock, the bundle or an error.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

_DOCKER_HUB = ("index.docker.io", "registry-1.docker.io", "docker.io")


@dataclass(frozen=True)
class Credential:
    """A username and password for one registry."""

    username: str
    password: str = field(repr=False)

    def __repr__(self) -> str:
        return f"Credential(username={self.username!r}, password=***)"

    def basic(self) -> str:
        """Return the value of a Basic ``Authorization`` header (without the scheme)."""
        raw = f"{self.username}:{self.password}".encode()
        return base64.b64encode(raw).decode("ascii")

    def secrets(self) -> tuple[str, ...]:
        """Return every string that must never be printed."""
        return tuple(s for s in (self.password, self.basic()) if s)


@dataclass(frozen=True)
class Credentials:
    """Credentials by registry host, with an optional fallback for every host."""

    by_host: Mapping[str, Credential] = field(default_factory=dict, repr=False)
    fallback: Credential | None = field(default=None, repr=False)
    source: str = ""  # where they came from, for hints ("~/.docker/config.json")

    def __repr__(self) -> str:
        return f"Credentials(hosts={sorted(self.by_host)!r}, fallback={self.fallback is not None})"

    def for_host(self, host: str) -> Credential | None:
        """Return the credential for a registry host (``host[:port]``), if any."""
        key = normalise_host(host)
        found = self.by_host.get(key)
        if found is None and ":" in key and not key.startswith("["):
            found = self.by_host.get(key.rsplit(":", 1)[0])
        return found or self.fallback


def normalise_host(key: str) -> str:
    """Return the host of a config.json ``auths`` key (``https://host/v1/`` → ``host``)."""
    text = key.strip().lower()
    for scheme in ("https://", "http://"):
        text = text.removeprefix(scheme)
    text = text.split("/", 1)[0]
    return "docker.io" if text in _DOCKER_HUB else text


def load(env: Mapping[str, str], home: Path) -> Credentials:
    """Return the credentials the environment gives (Docker's config.json, then ORK_*)."""
    config_dir = Path(env["DOCKER_CONFIG"]) if env.get("DOCKER_CONFIG") else home / ".docker"
    by_host = read_docker_config(config_dir / "config.json")
    user, password = env.get("ORK_REGISTRY_USERNAME"), env.get("ORK_REGISTRY_PASSWORD")
    fallback = Credential(user, password) if user and password is not None else None
    source = "DOCKER_CONFIG/config.json" if env.get("DOCKER_CONFIG") else \
        "~/.docker/config.json"
    return Credentials(by_host, fallback, source)


def read_docker_config(path: Path) -> dict[str, Credential]:
    """Return the usable ``auths`` entries of a Docker config file (none if unreadable).

    A missing or malformed file gives no credentials rather than an error: a build that
    needs no registry must not fail on it, and one that does reports ``registry-auth``.
    """
    try:
        value = json.loads(path.read_bytes())
        auths = value.get("auths") or {}
        items = list(auths.items())
    except (OSError, ValueError, AttributeError):
        return {}
    out: dict[str, Credential] = {}
    for key, entry in sorted(items):
        cred = _entry(entry)
        if isinstance(key, str) and cred is not None:
            out[normalise_host(key)] = cred
    return out


def _entry(entry: object) -> Credential | None:
    if not isinstance(entry, dict):
        return None
    auth = entry.get("auth")
    if isinstance(auth, str) and auth:
        try:
            user, sep, password = base64.b64decode(auth, validate=True).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError, ValueError):
            return None
        return Credential(user, password) if sep and user else None
    name, secret = entry.get("username"), entry.get("password")
    if isinstance(name, str) and name and isinstance(secret, str):
        return Credential(name, secret)
    return None


def scrub(text: str, credential: Credential | None) -> str:
    """Return ``text`` with every secret of ``credential`` replaced by ``***``."""
    if credential is None:
        return text
    for secret in sorted(credential.secrets(), key=len, reverse=True):
        if len(secret) >= 3:  # a one-letter password would blank unrelated text
            text = text.replace(secret, "***")
    return text
