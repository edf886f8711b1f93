"""Credentials come from Docker's config.json or ORK_REGISTRY_*, and never show."""

from __future__ import annotations

import base64
import json
from pathlib import Path

from ork.registry.credentials import Credential, load, scrub
from ork.registry.settings import RegistrySettings


def _config(tmp_path: Path, auths: object) -> Path:
    d = tmp_path / "docker"
    d.mkdir(exist_ok=True)
    (d / "config.json").write_text(json.dumps({"auths": auths}))
    return d


def test_docker_config_auth_and_username_password(tmp_path: Path) -> None:
    b64 = base64.b64encode(b"alice:s3cret-pass").decode()
    d = _config(tmp_path, {"https://reg.example.com/v1/": {"auth": b64},
                           "127.0.0.1:5000": {"username": "bob", "password": "hunter22"},
                           "https://index.docker.io/v1/": {"auth": b64},
                           "broken.example.com": {"auth": "%%%"}})
    creds = load({"DOCKER_CONFIG": str(d)}, tmp_path)
    assert creds.for_host("reg.example.com") == Credential("alice", "s3cret-pass")
    assert creds.for_host("127.0.0.1:5000") == Credential("bob", "hunter22")
    assert creds.for_host("docker.io") == Credential("alice", "s3cret-pass")
    assert creds.for_host("broken.example.com") is None
    assert creds.for_host("other.example.com") is None


def test_home_config_then_environment_fallback(tmp_path: Path) -> None:
    home = tmp_path / "home"
    (home / ".docker").mkdir(parents=True)
    (home / ".docker" / "config.json").write_text(json.dumps(
        {"auths": {"a.example.com": {"username": "u", "password": "p1p1p1"}}}))
    env = {"ORK_REGISTRY_USERNAME": "ci", "ORK_REGISTRY_PASSWORD": "env-secret"}
    creds = load(env, home)
    assert creds.for_host("a.example.com") == Credential("u", "p1p1p1")
    assert creds.for_host("b.example.com") == Credential("ci", "env-secret")


def test_a_malformed_config_gives_no_credentials(tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text("{not json")
    assert load({"DOCKER_CONFIG": str(tmp_path)}, tmp_path).for_host("x") is None


def test_secrets_never_appear_in_reprs_or_scrubbed_text(tmp_path: Path) -> None:
    cred = Credential("alice", "s3cret-pass")
    assert "s3cret" not in repr(cred)
    env = {"ORK_REGISTRY_USERNAME": "alice", "ORK_REGISTRY_PASSWORD": "s3cret-pass"}
    settings = RegistrySettings.from_env(env, cwd=tmp_path, home=tmp_path)
    assert "s3cret" not in repr(settings)
    assert "s3cret" not in repr(settings.source_options())
    text = f"failed with s3cret-pass and Basic {cred.basic()}"
    assert "s3cret" not in scrub(text, cred)
    assert cred.basic() not in scrub(text, cred)


def test_plain_http_only_for_loopback_and_listed_hosts(tmp_path: Path) -> None:
    settings = RegistrySettings.from_env({"ORK_INSECURE_REGISTRIES": "reg.lan:5000, other.lan"},
                                         cwd=tmp_path, home=tmp_path)
    plain = ["localhost", "localhost:5000", "127.0.0.1:5000", "127.8.9.10", "[::1]:5000",
             "reg.lan:5000", "other.lan:1234"]
    tls = ["reg.lan:6000", "ghcr.io", "10.0.0.1:5000", "localhost.example.com"]
    assert all(settings.plain_http(h) for h in plain)
    assert not any(settings.plain_http(h) for h in tls)
