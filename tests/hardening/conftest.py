"""The integration tests' real registries, for the hardening tests that need one."""

from __future__ import annotations

from tests.integration.conftest import auth_registry, registry

__all__ = ["auth_registry", "registry"]
