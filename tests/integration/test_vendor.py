"""``ork vendor``: a layout that stands in for the registry with the network off."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ork import api
from ork.cli.build import make_context
from ork.cli.common import Settings
from ork.lockfile import loads
from tests.conftest import Ork

from .conftest import LiveRegistry
from .helpers import project, push_stdlib

pytestmark = pytest.mark.integration


def _digests(root: Path) -> dict[str, str]:
    lock = loads((root / "ork.lock").read_bytes(), "ork.lock")
    return {e.ref: e.resolved.rsplit("@", 1)[1] for e in lock.sources}


def _vendored_project(ork: Ork, registry: LiveRegistry, tmp_path: Path) -> Path:
    push_stdlib(registry.host, tmp_path)
    root = project(tmp_path / "p", [f"oci://{registry.host}/katalogs/webapp-operator:v1.1.0",
                                    "platform-app-operator:v1.0.0"])
    env = {"ORK_MOTIFS_REGISTRY": registry.host}
    locked = ork("lock", cwd=root, env=env)
    assert locked.code == 0, locked
    vendored = ork("vendor", "-o", "vendor", cwd=root, env=env)
    assert vendored.code == 0, vendored
    index = json.loads((root / "vendor" / "index.json").read_bytes())
    names = [m["annotations"]["org.opencontainers.image.ref.name"] for m in index["manifests"]]
    assert names == sorted(names)
    assert {"katalogs/webapp-operator:v1.1.0", "katalogs/platform-app-operator:v1.0.0",
            "motifs/web-service:v1.1.0", "motifs/web-service:v1.0.0"} <= set(names)
    return root


def test_locked_pins_are_served_from_the_vendored_layout(ork: Ork, registry: LiveRegistry,
                                                         tmp_path: Path) -> None:
    root = _vendored_project(ork, registry, tmp_path)
    env = {"ORK_REGISTRY": "oci-layout://vendor", "ORK_OFFLINE": "1",
           "ORK_CACHE_DIR": str(tmp_path / "fresh-cache"), "HOME": str(tmp_path)}
    settings = Settings(env=env, cwd=root, root=root)
    fetched = api.build(api.Project(root, ("komposer.yaml",)),
                        api.BuildOptions(lock_mode="locked"), make_context(settings),
                        until="fetch")
    remote = {n.ref: n.resolved for n in fetched.graph.nodes if n.remote}
    assert remote[f"oci://{registry.host}/katalogs/webapp-operator:v1.1.0"].startswith(
        f"oci://{registry.host}/katalogs/webapp-operator@sha256:")
    assert {r: d.rsplit("@", 1)[1] for r, d in remote.items()} == _digests(root)


def test_short_names_resolve_in_the_vendored_layout(ork: Ork, registry: LiveRegistry,
                                                    tmp_path: Path) -> None:
    root = _vendored_project(ork, registry, tmp_path)
    before = _digests(root)
    (root / "ork.lock").unlink()
    env = {"ORK_REGISTRY": "oci-layout://vendor", "ORK_OFFLINE": "1",
           "ORK_CACHE_DIR": str(tmp_path / "fresh-cache")}
    (root / "komposer.yaml").write_text((root / "komposer.yaml").read_text().replace(
        f"oci://{registry.host}/katalogs/webapp-operator:v1.1.0", "webapp-operator:v1.1.0"))
    again = ork("lock", cwd=root, env=env)
    assert again.code == 0, again
    after = _digests(root)
    assert after["webapp-operator:v1.1.0"] == \
        before[f"oci://{registry.host}/katalogs/webapp-operator:v1.1.0"]
    assert "oci-layout://vendor:katalogs/webapp-operator@" in (root / "ork.lock").read_text()


def test_a_locked_offline_bundle_builds_from_the_vendored_layout(
        ork: Ork, registry: LiveRegistry, tmp_path: Path) -> None:
    root = _vendored_project(ork, registry, tmp_path)
    env = {"ORK_REGISTRY": "oci-layout://vendor",
           "ORK_CACHE_DIR": str(tmp_path / "fresh-cache")}
    built = ork("generate", "bundle", "--locked", "--offline", cwd=root, env=env)
    assert built.code == 0, built
    assert b"webapp" in (root / "bundle.yaml").read_bytes()


def test_vendor_takes_the_source_options_of_every_build(ork: Ork, tmp_path: Path) -> None:
    """A project that builds with --allow-outside-root can be vendored with it."""
    (tmp_path / "shared.yaml").write_text(
        "apiVersion: orkestra.orkspace.io/v1\nkind: Katalog\nmetadata: {name: shared, "
        "version: v1.0.0}\nspec:\n  crds:\n    web:\n      apiTypes: {group: g.demo, "
        "version: v1, kind: Web}\n")
    root = tmp_path / "proj"
    root.mkdir()
    (root / "komposer.yaml").write_text(
        "apiVersion: orkestra.orkspace.io/v1\nkind: Komposer\nmetadata: {name: p, "
        "version: v1.0.0}\nimports:\n  files: [../shared.yaml]\n")
    refused = ork("vendor", "-o", "vendor", cwd=root)
    assert refused.code == 1, refused
    assert "path-escapes-root" in refused.stderr
    assert "--allow-outside-root" in refused.stderr
    vendored = ork("vendor", "-o", "vendor", "--allow-outside-root", cwd=root)
    assert vendored.code == 0, vendored
    too_small = ork("vendor", "-o", "vendor", "--allow-outside-root", "--max-file-size", "10",
                    cwd=root)
    assert too_small.code == 1, too_small
    assert "file-too-large" in too_small.stderr
