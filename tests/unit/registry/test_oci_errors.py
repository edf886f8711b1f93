"""The OCI client's one boundary: every requests outcome becomes an ork error (no network)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import requests

from ork.canonical import sha256
from ork.errors import OrkError, RegistryError, SourceError
from ork.registry.credentials import Credential, Credentials
from ork.registry.oci import OciRegistry
from ork.registry.settings import RegistrySettings

Answer = Callable[[str, str, dict[str, str]], requests.Response] | BaseException
BLOB = b"hello"
DIGEST = sha256(BLOB)


def response(status: int, body: bytes = b"", headers: dict[str, str] | None = None
             ) -> requests.Response:
    r = requests.Response()
    r.status_code = status
    r._content = body
    r._content_consumed = True
    r.headers.update(headers or {})
    r.url = "http://fake/"
    return r


class FakeSession:
    """Answers requests from a script: each entry is a response, or an exception to raise."""

    def __init__(self, script: list[Any]) -> None:
        self.script = list(script)
        self.sent: list[tuple[str, str, dict[str, str]]] = []

    def request(self, method: str, url: str, **kw: Any) -> requests.Response:
        self.sent.append((method, url, dict(kw.get("headers") or {})))
        item = self.script.pop(0)
        if isinstance(item, BaseException):
            raise item
        assert isinstance(item, requests.Response)
        return item

    def get(self, url: str, **kw: Any) -> requests.Response:
        return self.request("GET", url, **kw)


def registry(tmp_path: Path, script: list[Any], *, credential: Credential | None = None
             ) -> tuple[OciRegistry, FakeSession, list[float]]:
    creds = Credentials({"127.0.0.1:5000": credential} if credential else {})
    settings = RegistrySettings(cwd=tmp_path, root=tmp_path, credentials=creds)
    slept: list[float] = []
    reg = OciRegistry("127.0.0.1:5000", settings, sleep=slept.append)
    session = FakeSession(script)
    reg.client.session = session
    return reg, session, slept


def _fails(fn: Callable[[], object]) -> OrkError:
    with pytest.raises(OrkError) as info:
        fn()
    return info.value


def test_blob_ok_over_plain_http_for_loopback(tmp_path: Path) -> None:
    reg, session, _ = registry(tmp_path, [response(200, BLOB)])
    assert reg.blob("katalogs/x", DIGEST) == BLOB
    assert session.sent[0][1] == f"http://127.0.0.1:5000/v2/katalogs/x/blobs/{DIGEST}"


def test_wrong_bytes_are_a_digest_mismatch(tmp_path: Path) -> None:
    reg, _, _ = registry(tmp_path, [response(200, b"evil")])
    err = _fails(lambda: reg.blob("katalogs/x", DIGEST))
    assert (err.code, err.exit_code, type(err)) == ("digest-mismatch", 1, SourceError)


def test_404_is_not_found_exit_1(tmp_path: Path) -> None:
    reg, _, _ = registry(tmp_path, [response(404, b'{"errors":[{"code":"MANIFEST_UNKNOWN",'
                                             b'"message":"manifest unknown"}]}')])
    err = _fails(lambda: reg.resolve("katalogs/x", "v9"))
    assert (err.code, err.exit_code) == ("not-found", 1)
    assert "127.0.0.1:5000/katalogs/x:v9" in err.message
    assert "manifest unknown" in err.message


def test_401_without_credentials_is_registry_auth_with_a_hint(tmp_path: Path) -> None:
    challenge = {"WWW-Authenticate": 'Basic realm="r"'}
    reg, _, _ = registry(tmp_path, [response(401, b"", challenge)])
    err = _fails(lambda: reg.resolve("katalogs/x", "v1"))
    assert (err.code, err.exit_code, type(err)) == ("registry-auth", 4, RegistryError)
    assert "docker login" in (err.diagnostics[0].hint or "")


def test_basic_challenge_is_answered_once_and_secrets_never_leak(tmp_path: Path) -> None:
    cred = Credential("alice", "s3cret-pass")
    challenge = {"WWW-Authenticate": 'Basic realm="r"'}
    reg, session, _ = registry(tmp_path, [response(401, b"", challenge),
                                          response(401, b"s3cret-pass", challenge)],
                               credential=cred)
    err = _fails(lambda: reg.resolve("katalogs/x", "v1"))
    assert err.code == "registry-auth"
    assert session.sent[1][2]["Authorization"] == "Basic " + cred.basic()
    shown = str(err) + repr(err.diagnostics)
    assert "s3cret" not in shown
    assert cred.basic() not in shown


def test_bearer_challenge_fetches_a_token(tmp_path: Path) -> None:
    challenge = {"WWW-Authenticate": 'Bearer realm="http://auth/token",service="reg",'
                                     'scope="repository:katalogs/x:pull"'}
    reg, session, _ = registry(tmp_path, [
        response(401, b"", challenge), response(200, b'{"token":"tok"}'),
        response(200, b"", {"Docker-Content-Digest": DIGEST})])
    assert reg.resolve("katalogs/x", "v1") == DIGEST
    assert session.sent[-1][2]["Authorization"] == "Bearer tok"


def test_5xx_is_retried_three_times_then_unavailable(tmp_path: Path) -> None:
    reg, session, slept = registry(tmp_path, [response(503)] * 4)
    reg.settings = RegistrySettings(cwd=tmp_path, root=tmp_path)
    err = _fails(lambda: reg.blob("katalogs/x", DIGEST))
    assert (err.code, err.exit_code) == ("registry-unavailable", 4)
    assert "HTTP 503" in err.message
    assert "katalogs/x@" in err.message
    assert len(session.sent) == 4
    assert slept == [0.5, 1.0, 2.0]


def test_429_honours_retry_after_and_then_succeeds(tmp_path: Path) -> None:
    reg, _, slept = registry(tmp_path, [response(429, b"", {"Retry-After": "7"}),
                                        response(200, BLOB)])
    assert reg.blob("katalogs/x", DIGEST) == BLOB
    assert slept == [7.0]


def test_connection_refused_is_unavailable_without_retries(tmp_path: Path) -> None:
    refused = requests.ConnectionError(ConnectionRefusedError(111, "Connection refused"))
    reg, session, slept = registry(tmp_path, [refused])
    err = _fails(lambda: reg.resolve("katalogs/x", "v1"))
    assert (err.code, err.exit_code) == ("registry-unavailable", 4)
    assert "connection refused" in err.message
    assert "127.0.0.1:5000" in err.message
    assert slept == []
    assert len(session.sent) == 1


def test_connection_reset_is_retried(tmp_path: Path) -> None:
    reset = requests.ConnectionError(ConnectionResetError(104, "reset by peer"))
    reg, _, slept = registry(tmp_path, [reset, response(200, BLOB)])
    assert reg.blob("katalogs/x", DIGEST) == BLOB
    assert slept == [0.5]


def test_timeouts_are_unavailable(tmp_path: Path) -> None:
    reg, _, _ = registry(tmp_path, [requests.ReadTimeout("slow")])
    err = _fails(lambda: reg.blob("katalogs/x", DIGEST))
    assert err.code == "registry-unavailable"
    assert "within 30 s" in err.message


def test_push_uploads_missing_blobs_then_the_manifest(tmp_path: Path) -> None:
    manifest = b'{"schemaVersion":2}'
    reg, session, _ = registry(tmp_path, [
        response(404), response(202, b"", {"Location": "/v2/katalogs/x/blobs/uploads/u1"}),
        response(201), response(201)])
    assert reg.push("katalogs/x", "v1", {DIGEST: BLOB}, manifest) == sha256(manifest)
    methods = [m for m, _, _ in session.sent]
    assert methods == ["HEAD", "POST", "PUT", "PUT"]
    assert session.sent[2][1].endswith(f"/uploads/u1?digest={DIGEST.replace(':', '%3A')}")
    assert session.sent[3][2]["Content-Type"] == "application/vnd.oci.image.manifest.v1+json"
