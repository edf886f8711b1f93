"""Registry failures: each has its exit code and code, and leaves every output untouched."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ork.canonical import sha256
from ork.registry import artifact
from tests.conftest import FIXTURES, Ork

from .conftest import PASSWORD, USER, LiveRegistry, free_port
from .helpers import STDLIB, corrupting_proxy, project, push_manifest, push_raw, untouched

pytestmark = pytest.mark.integration

KATALOG = STDLIB / "katalogs" / "webapp-operator" / "v1.0.0"


def _bundle(ork: Ork, root: Path, env: dict[str, str] | None = None) -> tuple[int, str]:
    result = ork("generate", "bundle", cwd=root, env=env)
    assert untouched(root), f"an output file changed\n{result}"
    return result.code, result.stderr


def _expect(code: int, err: str, want: int, diagnostic: str) -> None:
    assert code == want, err
    assert f"error[{diagnostic}]" in err, err


def test_missing_tag_is_not_found_exit_1(ork: Ork, registry: LiveRegistry,
                                         tmp_path: Path) -> None:
    root = project(tmp_path / "p", [f"oci://{registry.host}/katalogs/nothing:v1.0.0"])
    code, err = _bundle(ork, root)
    _expect(code, err, 1, "not-found")
    assert "komposer.yaml:6:" in err  # the span of the import that asked for it


def test_registry_down_is_exit_4(ork: Ork, tmp_path: Path) -> None:
    root = project(tmp_path / "p", [f"oci://127.0.0.1:{free_port()}/katalogs/x:v1.0.0"])
    code, err = _bundle(ork, root)
    _expect(code, err, 4, "registry-unavailable")
    assert "connection refused" in err


def test_authentication_failure_is_exit_4(ork: Ork, auth_registry: LiveRegistry,
                                          tmp_path: Path) -> None:
    ref = f"oci://{auth_registry.host}/katalogs/x:v1.0.0"
    root = project(tmp_path / "p", [ref])
    code, err = _bundle(ork, root, env={"DOCKER_CONFIG": str(tmp_path)})
    _expect(code, err, 4, "registry-auth")
    wrong = {"ORK_REGISTRY_USERNAME": USER, "ORK_REGISTRY_PASSWORD": "wrong-password-123",
             "DOCKER_CONFIG": str(tmp_path)}
    code, err = _bundle(ork, root, env=wrong)
    _expect(code, err, 4, "registry-auth")
    assert "wrong-password" not in err


def test_good_credentials_get_through(ork: Ork, auth_registry: LiveRegistry,
                                      tmp_path: Path) -> None:
    import base64

    token = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
    (tmp_path / "config.json").write_text(json.dumps(
        {"auths": {auth_registry.host: {"auth": token}}}))
    ref = f"oci://{auth_registry.host}/katalogs/x:v1.0.0"
    missing = ork("pull", ref, env={"DOCKER_CONFIG": str(tmp_path)})
    _expect(missing.code, missing.stderr, 1, "not-found")
    assert PASSWORD not in missing.stderr
    assert token not in missing.stderr
    env = {"ORK_REGISTRY_USERNAME": USER, "ORK_REGISTRY_PASSWORD": PASSWORD,
           "DOCKER_CONFIG": str(tmp_path / "none")}
    pushed = ork("push", ref.replace("x:v1.0.0", "webapp-operator:v1.0.0"), str(KATALOG),
                 env=env)
    assert pushed.code == 0, pushed
    assert PASSWORD not in pushed.stdout + pushed.stderr


def test_corrupted_blob_is_a_digest_mismatch(ork: Ork, registry: LiveRegistry,
                                             tmp_path: Path) -> None:
    files = artifact.read_pattern(KATALOG)
    push_raw(registry.host, "katalogs/webapp-operator", "v1.0.0", files, tmp_path)
    with corrupting_proxy(registry.host, sha256(files["katalog.yaml"])) as proxy:
        root = project(tmp_path / "p", [f"oci://{proxy}/katalogs/webapp-operator:v1.0.0"])
        code, err = _bundle(ork, root)
    _expect(code, err, 1, "digest-mismatch")
    cache = tmp_path / "ork-cache" / "objects" / "sha256"
    flipped = bytes(b ^ 0x20 for b in files["katalog.yaml"])
    assert not (cache / sha256(flipped)[7:9] / sha256(flipped)[7:]).exists()


def test_a_dot_dot_layer_title_is_refused(ork: Ork, registry: LiveRegistry,
                                          tmp_path: Path) -> None:
    data = (KATALOG / "katalog.yaml").read_bytes()
    layer = artifact.descriptor("application/vnd.orkestra.katalog.v1+yaml", sha256(data),
                                len(data), {artifact.TITLE: "../katalog.yaml"})
    manifest = artifact.encode({
        "schemaVersion": 2, "mediaType": artifact.MANIFEST_TYPE,
        "config": artifact.descriptor(artifact.EMPTY_TYPE, sha256(artifact.EMPTY), 2),
        "layers": [layer]})
    push_manifest(registry.host, "katalogs/evil", "v1.0.0",
                  {sha256(data): data, sha256(artifact.EMPTY): artifact.EMPTY}, manifest,
                  tmp_path)
    ref = f"oci://{registry.host}/katalogs/evil:v1.0.0"
    root = project(tmp_path / "p", [ref])
    code, err = _bundle(ork, root)
    _expect(code, err, 1, "unsafe-layer-title")
    out = tmp_path / "out" / "inner"
    pulled = ork("pull", ref, "-o", str(out))
    _expect(pulled.code, pulled.stderr, 1, "unsafe-layer-title")
    assert not (tmp_path / "out" / "katalog.yaml").exists()
    assert not out.exists()


def test_offline_miss_is_exit_4_and_lists_the_ref(ork: Ork, registry: LiveRegistry,
                                                  tmp_path: Path) -> None:
    root = project(tmp_path / "p", [f"oci://{registry.host}/katalogs/webapp-operator:v1.0.0"])
    result = ork("generate", "bundle", "--offline", cwd=root)
    assert untouched(root)
    _expect(result.code, result.stderr, 4, "offline-miss")


def test_plan_offline_never_asks_the_registry(ork: Ork, registry: LiveRegistry,
                                              tmp_path: Path) -> None:
    ref = f"oci://{registry.host}/katalogs/never-pushed:v1.0.0"  # the registry is shared
    root = project(tmp_path / "p", [ref])
    deployed = tmp_path / "deployed.yaml"
    deployed.write_bytes((FIXTURES / "generate" / "komposer-two-files" / "expected"
                          / "bundle.yaml").read_bytes())
    result = ork("plan", "--offline", "--bundle", str(deployed), cwd=root)
    _expect(result.code, result.stderr, 4, "offline-miss")
    online = ork("plan", "--bundle", str(deployed), cwd=root)  # asks, and hears "no such tag"
    _expect(online.code, online.stderr, 1, "not-found")


def test_credentials_in_a_ref_are_refused_and_never_shown(ork: Ork, registry: LiveRegistry,
                                                          tmp_path: Path) -> None:
    for host in (registry.host, f"127.0.0.1:{free_port()}"):
        ref = f"oci://user:hunter2@{host}/katalogs/webapp-operator:v1.1.0"
        shown = ork("inspect", ref)
        _expect(shown.code, shown.stderr, 1, "invalid-reference")
        assert "hunter2" not in shown.stdout + shown.stderr
        assert f"`docker login {host}`" in shown.stderr
        root = project(tmp_path / host.replace(":", "-"), [ref])
        for args in (["lock"], ["generate", "bundle"], ["validate", "--output", "json"]):
            done = ork(*args, cwd=root)
            assert done.code == 1, done
            assert "invalid-reference" in done.stdout + done.stderr
            # only the excerpt of the user's own komposer.yaml line may hold it
            lines = (done.stdout + done.stderr).splitlines()
            assert not [line for line in lines if "hunter2" in line and " | " not in line], done
        assert untouched(root)


def test_every_offline_miss_is_in_one_error(ork: Ork, registry: LiveRegistry,
                                            tmp_path: Path) -> None:
    for name in ("webapp-operator", "platform-app-operator"):
        push_raw(registry.host, f"offline-one/katalogs/{name}", "v1.0.0",
                 artifact.read_pattern(STDLIB / "katalogs" / name / "v1.0.0"), tmp_path)
    refs = [f"oci://{registry.host}/offline-one/katalogs/{name}:v1.0.0"
            for name in ("webapp-operator", "platform-app-operator")]
    root = project(tmp_path / "p", refs)
    (root / "ork.lock").unlink()
    assert ork("lock", cwd=root).code == 0
    lock = (root / "ork.lock").read_bytes()
    cold = {"ORK_CACHE_DIR": str(tmp_path / "cold")}
    for args in (["generate", "bundle", "--locked", "--offline"],
                 ["generate", "bundle", "--offline"]):
        done = ork(*args, cwd=root, env=cold)
        _expect(done.code, done.stderr, 4, "offline-miss")
        assert done.stderr.count("error[") == 1, (args, done)
        assert "offline: 2 references need a registry" in done.stderr, (args, done)
        for ref in refs:
            assert f"note: --offline: {ref} is not in the cache" in done.stderr, (args, done)
        assert done.stderr.count("note: missing: sha256:") == 2, (args, done)
        assert (root / "ork.lock").read_bytes() == lock
