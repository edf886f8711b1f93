"""Secrets (issue 10 §5): registry credentials never show, whatever ork does with them.

Against the registry that requires basic auth, with the credentials given either as
``ORK_REGISTRY_USERNAME``/``ORK_REGISTRY_PASSWORD`` or as a Docker ``config.json``
``auth`` entry, every registry command runs with ``--debug``: push, pull, inspect,
generate bundle (also ``--locked`` and ``--offline``), lock and vendor succeed; then a
wrong password, no credentials, a registry that is down, a registry that echoes the
credentials it was sent in its error messages (401 and 503, with the secret placed
across where messages are shortened), and a bug (an internal error with its traceback).
Every stdout, stderr, log record, exception (formatted with its whole chain of causes),
and every file the commands wrote (cache, lock, bundle, vendored layout, pulled files)
is searched for the password, the base64 ``user:password`` token and the pair itself.
"""

from __future__ import annotations

import base64
import json
import logging
import shutil
import traceback
from dataclasses import dataclass, field
from pathlib import Path

import pytest

import ork.cli
from ork.errors import OrkError
from ork.registry import artifact
from ork.registry.credentials import Credential, Credentials
from ork.registry.oci import OciRegistry
from ork.registry.settings import RegistrySettings
from tests.conftest import Ork, Result
from tests.integration.conftest import PASSWORD, USER, LiveRegistry, free_port
from tests.integration.helpers import STDLIB, komposer

from .faultproxy import EchoAuth, FaultProxy

pytestmark = pytest.mark.integration

WRONG = "wrong-horse-staple-42"


def _secrets(user: str, password: str) -> list[str]:
    pair = f"{user}:{password}"
    return [password, pair, base64.b64encode(pair.encode()).decode()]


SECRETS = _secrets(USER, PASSWORD) + _secrets(USER, WRONG)
# A shortened message can leak a piece of a secret: any eight characters of the password
# or of the token count.
PIECES = sorted({s[i:i + 8] for p in (PASSWORD, WRONG) for s in (p, _secrets(USER, p)[2])
                 for i in range(len(s) - 7)})


@dataclass
class Witness:
    """Everything ork showed: outputs, log records, exceptions; and the files it wrote
    (under ``roots``, but for the Docker configs the test wrote)."""

    texts: list[tuple[str, str]] = field(default_factory=list)
    roots: list[Path] = field(default_factory=list)
    logs: pytest.LogCaptureFixture | None = None

    def add(self, where: str, text: str) -> None:
        """Remember a text to search."""
        self.texts.append((where, text))

    def leaks(self) -> list[str]:
        """Return where a secret, or a piece of one, was found."""
        if self.logs is not None:
            self.add("log records", self.logs.text)
        found = [f"{where}: {_which(s)}" for where, text in self.texts
                 for s in SECRETS + PIECES if s in text]
        for root in self.roots:
            for path in sorted(p for p in root.rglob("*") if p.is_file()
                               and not p.relative_to(root).parts[0].startswith("docker-")):
                data = path.read_bytes()
                found += [f"{path}: {_which(s)}" for s in SECRETS + PIECES
                          if s.encode() in data]
        return found


def _which(secret: str) -> str:
    """Name a secret without printing it (the report itself must not leak)."""
    return f"secret #{SECRETS.index(secret)}" if secret in SECRETS else \
        f"piece #{PIECES.index(secret)}"


@pytest.fixture
def witness(monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
            ) -> Witness:
    """Record every error ork prints, with its chain of causes, and every log record."""
    seen = Witness(logs=caplog)
    original = ork.cli.print_error

    def recording(settings: ork.cli.Settings, exc: OrkError) -> None:
        seen.add(f"exception {exc.code}", "".join(traceback.format_exception(exc)))
        original(settings, exc)

    monkeypatch.setattr(ork.cli, "print_error", recording)
    caplog.set_level(logging.DEBUG)
    return seen


@dataclass
class Creds:
    """One way of giving ork the credentials: the environment it runs with."""

    name: str
    env: dict[str, str]


def _creds(mode: str, tmp: Path, hosts: list[str], password: str) -> Creds:
    config = tmp / f"docker-{mode}-{password == PASSWORD}-{len(hosts)}-{hosts[0]}"
    config.mkdir(exist_ok=True)
    if mode == "env":
        return Creds(mode, {"ORK_REGISTRY_USERNAME": USER, "ORK_REGISTRY_PASSWORD": password,
                            "DOCKER_CONFIG": str(config)})
    token = base64.b64encode(f"{USER}:{password}".encode()).decode()
    (config / "config.json").write_text(json.dumps(
        {"auths": {host: {"auth": token} for host in hosts}}))
    return Creds(mode, {"DOCKER_CONFIG": str(config)})


def _push_motifs(host: str) -> None:
    """Push the Motifs the Katalog imports, with the library and the right credentials."""
    creds = Credentials(fallback=Credential(USER, PASSWORD))
    reg = OciRegistry(host, RegistrySettings(cwd=STDLIB, root=STDLIB, credentials=creds))
    for version in ("v1.0.0", "v1.1.0"):
        built = artifact.build(artifact.read_pattern(STDLIB / "motifs" / "web-service" /
                                                     version))
        reg.push("motifs/web-service", version, built.blobs, built.manifest)


def _run(ork: Ork, seen: Witness, *args: str, cwd: Path, env: dict[str, str],
         expect: int, diagnostic: str | None = None) -> Result:
    result = ork("--debug", *args, cwd=cwd, env=env)
    seen.add(f"ork {' '.join(args)}", result.stdout + result.stderr)
    assert result.code == expect, result
    if diagnostic:
        assert f"error[{diagnostic}]" in result.stderr, result
    return result


@pytest.mark.parametrize("mode", ["env", "docker-config"])
def test_credentials_never_show(ork: Ork, witness: Witness, auth_registry: LiveRegistry,
                                tmp_path: Path, mode: str,
                                monkeypatch: pytest.MonkeyPatch) -> None:
    host = auth_registry.host
    down = f"127.0.0.1:{free_port()}"
    good = _creds(mode, tmp_path, [host, down], PASSWORD)
    _push_motifs(host)
    witness.roots += [tmp_path]
    env = {**good.env, "ORK_REGISTRY": host}
    ref = f"oci://{host}/katalogs/webapp-operator:v1.0.0"
    pattern = tmp_path / "pattern"
    shutil.copytree(STDLIB / "katalogs" / "webapp-operator" / "v1.0.0", pattern)
    # Successes.
    _run(ork, witness, "push", ref, str(pattern), cwd=tmp_path, env=env, expect=0)
    _run(ork, witness, "pull", ref, "-o", "pulled", cwd=tmp_path, env=env, expect=0)
    _run(ork, witness, "inspect", ref, cwd=tmp_path, env=env, expect=0)
    _run(ork, witness, "inspect", ref, "--output", "json", cwd=tmp_path, env=env, expect=0)
    root = komposer(tmp_path / "project", [ref])
    for args in (["generate", "bundle"], ["lock"], ["vendor", "-o", "vendor"],
                 ["generate", "bundle", "--locked"], ["generate", "bundle", "--offline"]):
        _run(ork, witness, *args, cwd=root, env=env, expect=0)
    assert (root / "ork.lock").exists()
    assert (root / "vendor" / "index.json").exists()
    # Failures: refused, missing, unreachable.
    wrong = {**_creds(mode, tmp_path, [host, down], WRONG).env, "ORK_REGISTRY": host}
    nothing = {"DOCKER_CONFIG": str(tmp_path / "no-config"), "ORK_REGISTRY": host}
    for env_, code, diagnostic in ((wrong, 4, "registry-auth"), (nothing, 4, "registry-auth")):
        _run(ork, witness, "pull", ref, cwd=tmp_path, env=env_, expect=code,
             diagnostic=diagnostic)
        _run(ork, witness, "lock", cwd=root, env=env_, expect=code, diagnostic=diagnostic)
        _run(ork, witness, "push", ref, str(pattern), cwd=tmp_path, env=env_, expect=code,
             diagnostic=diagnostic)
    gone = f"oci://{down}/katalogs/webapp-operator:v1.0.0"
    _run(ork, witness, "pull", gone, cwd=tmp_path, env=env, expect=4,
         diagnostic="registry-unavailable")
    _run(ork, witness, "push", gone, str(pattern), cwd=tmp_path, env=env, expect=4,
         diagnostic="registry-unavailable")
    # A registry that echoes the credentials back, in an error message of any length.
    for code, diagnostic in ((401, "registry-auth"), (503, "registry-unavailable")):
        # ork shows 200 characters of a registry's message: with these paddings the cut
        # falls before the secrets, inside the password, inside the token, or far after.
        for pad in (0, 120, 170, 1990):
            # The tag resolves (HEAD); reading the manifest (GET) meets the echo.
            proxy = FaultProxy(host).script("GET", "/manifests/", EchoAuth(code, pad),
                                            forever=True)
            with proxy.running() as echo:
                creds = {**_creds(mode, tmp_path, [echo], PASSWORD).env,
                         "ORK_CACHE_DIR": str(tmp_path / f"echo-cache-{code}-{pad}")}
                _run(ork, witness, "pull", f"oci://{echo}/katalogs/webapp-operator:v1.0.0",
                     cwd=tmp_path, env=creds, expect=4, diagnostic=diagnostic)
            assert proxy.count("GET", "/manifests/") >= 1
    # A bug while the credentials are loaded: the traceback --debug prints.
    def bug(*_: object) -> bytes:
        raise RuntimeError("a simulated bug in the registry client")

    monkeypatch.setattr(OciRegistry, "blob", bug)
    result = _run(ork, witness, "pull", f"oci://{host}/motifs/web-service:v1.1.0",
                  cwd=tmp_path, env={**env, "ORK_CACHE_DIR": str(tmp_path / "cold")},
                  expect=70)
    assert "Traceback" in result.stderr
    leaks = witness.leaks()
    assert leaks == [], "\n".join(leaks)
