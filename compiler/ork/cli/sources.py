"""The registry settings of an invocation, and the remote sources a build hands the pipeline.

Built from the environment and flags here, the only place registry settings are read; apart
from the registry commands (:mod:`ork.cli.registry`) so that a build does not load those.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from .common import Settings

if TYPE_CHECKING:
    from ..registry import RegistrySettings
    from ..store import Store


def registry_settings(settings: Settings, *, timeout: float | None = None,
                      root: Path | None = None) -> RegistrySettings:
    """Return the registry settings of this invocation (environment and flags).

    Raises:
        UsageError: a malformed ``ORK_REGISTRY_TIMEOUT`` or ``SOURCE_DATE_EPOCH``.
    """
    from ..registry import RegistrySettings

    home = Path(settings.env["HOME"]) if settings.env.get("HOME") else Path.home()
    return RegistrySettings.from_env(settings.env, cwd=settings.cwd, home=home,
                                     root=root or settings.root or settings.cwd,
                                     timeout=timeout)


def remote_factory(registry: RegistrySettings, store: Store, *,
                   fresh_tags: bool = False) -> Any:
    """Return the pipeline's ``Context.remote``: (pins, locked) → RegistrySources.

    ``fresh_tags`` (``ork lock``): a tag is never answered from a remembered lookup.
    """
    from collections.abc import Mapping

    from ..registry import RegistrySources

    def make(pins: Mapping[str, str], locked: bool) -> RegistrySources:
        return RegistrySources(registry, store, pins=pins, locked=locked,
                               fresh_tags=fresh_tags)

    return make
