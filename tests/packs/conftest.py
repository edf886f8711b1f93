"""Pack tests run the pack READMEs with the real ``ork`` executable; chapter 05 needs the
real registry of the integration tests."""

from __future__ import annotations

from tests.integration.conftest import registry  # noqa: F401 - a fixture, used by name
