"""Shared helpers for the registry unit tests: a fixture pattern and settings."""

from __future__ import annotations

from pathlib import Path

import pytest

from ork.registry.settings import RegistrySettings

KATALOG = b"""apiVersion: orkestra.orkspace.io/v1
kind: Katalog
metadata:
  name: fixture-operator
  namespace: fixtures
  version: v1.2.3
  description: A fixture pattern for golden digests
  author: ork tests
spec:
  crds:
    widget:
      apiTypes: {group: fixtures.demo, version: v1, kind: Widget}
"""

PATTERN: dict[str, bytes] = {
    "katalog.yaml": KATALOG,
    "README.md": b"# fixture-operator\n",
    "cr.yaml": b"apiVersion: fixtures.demo/v1\nkind: Widget\nmetadata: {name: w}\n",
}


@pytest.fixture
def pattern_dir(tmp_path: Path) -> Path:
    """Return a directory holding the fixture pattern."""
    d = tmp_path / "pattern"
    d.mkdir()
    for name, data in PATTERN.items():
        (d / name).write_bytes(data)
    return d


@pytest.fixture
def settings(tmp_path: Path) -> RegistrySettings:
    """Return settings with no environment: short names go to the embedded registry."""
    return RegistrySettings(cwd=tmp_path, root=tmp_path, backoff=0.0)
