"""Imports of a floating tag (none, or ``latest``) warn ``floating-tag`` in every command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ork.registry import artifact
from tests.conftest import Ork

from .conftest import LiveRegistry
from .helpers import STDLIB, komposer, push_raw

pytestmark = pytest.mark.integration


def test_an_import_of_a_floating_tag_warns_in_lock_bundle_and_validate(
        ork: Ork, registry: LiveRegistry, tmp_path: Path) -> None:
    files = artifact.read_pattern(STDLIB / "katalogs" / "webapp-operator" / "v1.1.0")
    push_raw(registry.host, "floating/katalogs/webapp-operator", "latest", files, tmp_path)
    bare = f"oci://{registry.host}/floating/katalogs/webapp-operator"
    for ref, line in ((bare, "has no tag"), (bare + ":latest", "uses `latest`")):
        root = komposer(tmp_path / ("bare" if ref == bare else "latest"), [ref])
        want = f"komposer.yaml:6:7: warning[floating-tag]: {ref!r} {line}"
        for args in (["lock"], ["lock", "--check"], ["generate", "bundle"],
                     ["generate", "bundle"]):  # the second one from the cache
            done = ork(*args, cwd=root)
            assert done.code == 0, (args, done)
            assert done.stderr.count(want) == 1, (args, done)
        shown = ork("validate", "--output", "json", cwd=root)
        assert shown.code == 0, shown
        assert [(d["code"], d["line"]) for d in json.loads(shown.stdout)] == [
            ("floating-tag", 6)]
