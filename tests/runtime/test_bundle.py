"""Start-up: reading a bundle in its three forms, and refusing tampered or mismatched ones."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError

from ork import canonical, lockfile
from ork.errors import RuntimeError_
from ork.runtime import bundle as bundles
from tests.conftest import Ork
from tests.runtime.helpers import bundle_bytes, crd, katalog

DOC = katalog({"webapp": crd(on_reconcile={"configMaps": [{"name": "c"}]})})


def test_a_bundle_stream_is_verified_and_frozen() -> None:
    loaded = bundles.from_bytes(bundle_bytes(DOC), "bundle.yaml")
    assert loaded.katalog.spec.crds["webapp"].api_types.kind == "WebApp"
    assert loaded.katalog_digest.startswith("sha256:")
    assert loaded.namespace == "orkestra-system"
    with pytest.raises(ValidationError, match="frozen"):
        loaded.katalog.metadata.name = "changed"  # type: ignore[misc]
    provenance = loaded.provenance()
    provenance["crds"]["x"] = 1
    assert loaded.provenance() == {"crds": {}}


def test_a_bare_configmap_and_a_kubectl_list(tmp_path: Path) -> None:
    docs = list(yaml.safe_load_all(bundle_bytes(DOC)))
    configmap = docs[1]
    bare = tmp_path / "cm.yaml"
    bare.write_text(yaml.safe_dump(configmap))
    assert bundles.load(bare).katalog.metadata.name == "demo"
    listed = tmp_path / "list.yaml"
    listed.write_text(yaml.safe_dump({"apiVersion": "v1", "kind": "List", "items": docs}))
    assert bundles.load(listed).katalog_digest == bundles.load(bare).katalog_digest


def test_a_mounted_directory_with_and_without_its_digest(tmp_path: Path) -> None:
    configmap = list(yaml.safe_load_all(bundle_bytes(DOC)))[1]
    mount = tmp_path / "mount"
    mount.mkdir()
    for key, value in configmap["data"].items():
        (mount / key).write_text(value)
    with pytest.raises(RuntimeError_, match="records no katalog-digest") as info:
        bundles.load(mount)
    assert info.value.code == "bundle-unverified"
    digest = configmap["metadata"]["annotations"][bundles.KATALOG_DIGEST]
    (mount / "katalog-digest").write_text(digest + "\n")
    assert bundles.load(mount).katalog_digest == digest
    (mount / "katalog.yaml").write_text(configmap["data"]["katalog.yaml"] + "# edited\n")
    with pytest.raises(RuntimeError_, match="katalog-digest") as info:
        bundles.load(mount)
    assert info.value.code == "bundle-tampered"


def test_a_lock_is_checked_against_the_recorded_digest(tmp_path: Path) -> None:
    lock = lockfile.Lock()
    data = bundle_bytes(DOC, lock_digest=lock.digest())
    (tmp_path / "ork.lock").write_bytes(lockfile.dumps(lock))
    (tmp_path / "bundle.yaml").write_bytes(data)
    assert bundles.load(tmp_path / "bundle.yaml", lock=tmp_path / "ork.lock").lock_digest == \
        lock.digest()
    with pytest.raises(RuntimeError_, match="does not match the lock") as info:
        bundles.from_bytes(bundle_bytes(DOC, lock_digest="sha256:" + "0" * 64), "b.yaml",
                           lock=lockfile.dumps(lock))
    assert info.value.code == "bundle-lock-mismatch"


@pytest.mark.parametrize(("data", "message"), [
    (b"apiVersion: v1\nkind: Namespace\nmetadata: {name: x}\n", "holds no orkestra-katalog"),
    (bundle_bytes({"apiVersion": "orkestra.orkspace.io/v1", "kind": "Katalog",
                   "metadata": {"name": "x"}, "spec": {"crds": {"a": {"apiTypes": {}}}}}),
     "is not a valid Katalog: missing required field `kind`"),
    (bundle_bytes({"apiVersion": "orkestra.orkspace.io/v1", "kind": "Motif",
                   "metadata": {"name": "m"}}), "holds a Motif, not a Katalog"),
    (b"apiVersion: v1\nkind: List\nitems: 5\n", "holds no orkestra-katalog"),
    (b"kind: ConfigMap\nmetadata: [1]\ndata: {katalog.yaml: x}\n", "holds no orkestra-katalog"),
    (b"kind: ConfigMap\nmetadata: {annotations: [1]}\ndata: {katalog.yaml: x}\n",
     "annotations are not a mapping"),
    (bundle_bytes(DOC).replace(b"provenance.yaml: |\n    crds: {}", b"provenance.yaml: 'crds: 5'"),
     "provenance.yaml: `crds` is not a mapping"),
])
def test_what_is_not_a_bundle(data: bytes, message: str) -> None:
    with pytest.raises(RuntimeError_, match=message) as info:
        bundles.from_bytes(data, "bundle.yaml")
    assert info.value.code == "invalid-bundle"


def test_ork_run_refuses_a_tampered_bundle(ork: Ork, tmp_path: Path,
                                           upgrade_bundle: Path) -> None:
    text = upgrade_bundle.read_text().replace("workers: 2", "workers: 3", 1)
    (tmp_path / "bundle.yaml").write_text(text)
    result = ork("run", "--bundle", "bundle.yaml", "--port", "0", "--state", "st")
    assert result.code == 1, result
    assert "error[bundle-tampered]: bundle.yaml: katalog.yaml does not match its " \
           "katalog-digest annotation" in result.stderr
    assert "note: recorded: sha256:" in result.stderr


@pytest.mark.parametrize("command", [("run", "--port", "0", "--state", "st"),
                                     ("simulate", "--cycles", "1", "--cr", "cr.yaml")])
def test_stripping_the_digest_is_no_way_past_the_check(
        ork: Ork, tmp_path: Path, upgrade_bundle: Path, command: tuple[str, ...]) -> None:
    """An edited Katalog whose katalog-digest annotation was deleted as well is refused,
    with --lock or without it."""
    text = upgrade_bundle.read_text().replace("workers: 2", "workers: 3", 1)
    text = "\n".join(line for line in text.splitlines() if bundles.KATALOG_DIGEST not in line)
    (tmp_path / "bundle.yaml").write_text(text + "\n")
    shutil.copy(upgrade_bundle.parent / "ork.lock", tmp_path / "ork.lock")
    (tmp_path / "cr.yaml").write_text("apiVersion: v1\nkind: Anything\nmetadata: {name: a}\n")
    for lock in ((), ("--lock", "ork.lock")):
        result = ork(command[0], "--bundle", "bundle.yaml", *lock, *command[1:])
        assert result.code == 1, result
        assert "error[bundle-unverified]: bundle.yaml records no katalog-digest" \
            in result.stderr, result.stderr
        assert "hint: " in result.stderr
        assert not (tmp_path / "st").exists()
    assert not (tmp_path / "st").exists()  # refused before anything started


def test_ork_run_refuses_a_lock_the_bundle_was_not_built_from(
        ork: Ork, tmp_path: Path, upgrade_bundle: Path) -> None:
    shutil.copy(upgrade_bundle, tmp_path / "bundle.yaml")
    lock = lockfile.loads((upgrade_bundle.parent / "ork.lock").read_bytes(), "ork.lock")
    first = lock.sources[0]
    moved = first.model_copy(update={"resolved": first.resolved.split("@")[0] + "@"
                                     + canonical.sha256(b"another build")})
    other = lock.model_copy(update={"sources": (moved, *lock.sources[1:])})
    (tmp_path / "ork.lock").write_bytes(lockfile.dumps(other))
    result = ork("run", "--bundle", "bundle.yaml", "--lock", "ork.lock", "--port", "0")
    assert result.code == 1, result
    assert "error[bundle-lock-mismatch]: ork.lock does not match the lock bundle.yaml was " \
           "built from" in result.stderr
    result = ork("simulate", "--bundle", "bundle.yaml", "--lock", "ork.lock", "--cr", "x.yaml")
    assert result.code == 1
    assert "bundle-lock-mismatch" in result.stderr


def test_a_missing_bundle_file(ork: Ork) -> None:
    result = ork("run", "--bundle", "nope.yaml", "--port", "0")
    assert result.code == 1, result
    assert "error[invalid-bundle]: cannot read nope.yaml: No such file" in result.stderr


def test_the_lock_a_bundle_was_built_from_is_accepted(ork: Ork, tmp_path: Path,
                                                     upgrade_bundle: Path) -> None:
    shutil.copy(upgrade_bundle, tmp_path / "bundle.yaml")
    shutil.copy(upgrade_bundle.parent / "ork.lock", tmp_path / "ork.lock")
    (tmp_path / "cr.yaml").write_text(
        "apiVersion: rkguide.demo/v1\nkind: WebApp\nmetadata: {name: w, namespace: a}\n"
        "spec: {image: nginx}\n")
    result = ork("simulate", "--bundle", "bundle.yaml", "--lock", "ork.lock", "--cr", "cr.yaml",
                 "--cycles", "1")
    assert result.code == 0, result
    assert "create deployments w" in result.stdout
