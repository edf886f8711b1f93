"""ork's request policy on top of ``oras.provider.Registry``: timeouts, retries, auth.

oras's own ``do_request`` retries every failure five times with sleeps up to 83 s, has no
timeout, and reads credentials from its own environment variables; this subclass keeps
oras's session, URL helpers and pagination and replaces that policy:

* connect and read timeouts on every request, and a deadline of the same length on
  reading its body: a registry that drips an answer a byte at a time, each byte within
  the read timeout, is a timeout too, not an hour-long wait;
* up to ``retries`` retries, for idempotent methods only, on 429 (honouring
  ``Retry-After``), 500/502/503/504, connection resets and answers cut short (fewer
  bytes than their ``Content-Length``), with doubling backoff;
* one answer to a 401 challenge per request: ``Basic`` with the credential, or ``Bearer``
  with a token fetched from the challenge's realm (anonymously without a credential).

Exceptions from requests propagate unchanged (a body past its deadline is a
``requests.ReadTimeout``, one cut short a ``requests.exceptions.ChunkedEncodingError``),
and a non-2xx status checked by oras's helpers raises :class:`HttpStatus`;
:mod:`ork.registry.oci` translates all of them.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from email.utils import parsedate_to_datetime
from typing import Any

import oras.auth.utils
import oras.provider
import requests
import urllib3.exceptions

from .credentials import Credential

RETRY_STATUS = frozenset({429, 500, 502, 503, 504})
IDEMPOTENT = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})
MAX_RETRY_AFTER = 60.0
CHUNK = 64 * 1024


class HttpStatus(Exception):
    """A registry answered with an unexpected HTTP status."""

    def __init__(self, response: requests.Response) -> None:
        self.status = response.status_code
        self.detail = _error_detail(response)
        super().__init__(f"HTTP {self.status}")


class Client(oras.provider.Registry):  # type: ignore[misc]
    """An oras registry client with ork's timeouts, retries and authentication."""

    def __init__(self, host: str, *, insecure: bool, credential: Credential | None,
                 timeout: float, retries: int, backoff: float,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        super().__init__(hostname=host, insecure=insecure, auth_backend="token")
        self.credential = credential
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.sleep = sleep
        self.auth_header: dict[str, str] = {}

    def do_request(self, url: str, method: str = "GET", data: Any = None,
                   headers: dict[str, str] | None = None, json: Any = None,
                   stream: bool = False) -> requests.Response:
        """Return the response to one request, after retries and one authentication."""
        sent = dict(headers or {})
        attempt = 0
        challenged = False
        while True:
            sent.update(self.auth_header)
            try:
                response = self._send(method, url, data=data, json=json, headers=sent,
                                      stream=stream)
            except requests.Timeout:
                raise
            except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError) as exc:
                if method in IDEMPOTENT and attempt < self.retries and is_transient(exc):
                    self.sleep(self.delay(attempt, None))
                    attempt += 1
                    continue
                raise
            if response.status_code == 401 and not challenged:
                challenged = True
                if self.authenticate(response):
                    response.close()
                    continue
            if response.status_code in RETRY_STATUS and method in IDEMPOTENT \
                    and attempt < self.retries:
                self.sleep(self.delay(attempt, response.headers.get("Retry-After")))
                response.close()
                attempt += 1
                continue
            return response

    def _send(self, method: str, url: str, *, data: Any, json: Any, headers: dict[str, str],
              stream: bool) -> requests.Response:
        """Send one request; unless ``stream``, read its whole body before the deadline."""
        deadline = time.monotonic() + self.timeout
        response: requests.Response = self.session.request(
            method, url, data=data, json=json, headers=headers, stream=True,
            timeout=(self.timeout, self.timeout), verify=self._tls_verify)
        if not stream:
            read_body(response, deadline, self.timeout)
        return response

    def _check_200_response(self, response: requests.Response) -> None:
        if response.status_code not in (200, 201, 202):
            raise HttpStatus(response)

    def check(self, response: requests.Response) -> requests.Response:
        """Return the response when its status is 2xx.

        Raises:
            HttpStatus: otherwise (translated by the caller).
        """
        self._check_200_response(response)
        return response

    def delay(self, attempt: int, retry_after: str | None) -> float:
        """Return how long to wait before retry number ``attempt`` (0-based)."""
        if retry_after:
            seconds = _retry_after(retry_after)
            if seconds is not None:
                return min(seconds, MAX_RETRY_AFTER)
        return float(self.backoff * 2 ** attempt)

    def authenticate(self, response: requests.Response) -> bool:
        """Answer a 401 challenge; return whether the request is worth sending again."""
        challenge = response.headers.get("WWW-Authenticate", "")
        scheme = challenge.split(" ", 1)[0].lower()
        if scheme == "basic":
            if self.credential is None:
                return False
            self.auth_header = {"Authorization": "Basic " + self.credential.basic()}
            return True
        if scheme != "bearer":
            return False
        parsed = oras.auth.utils.parse_auth_header(challenge)
        if not parsed.realm:
            return False
        params = {k: v for k, v in (("service", parsed.service), ("scope", parsed.scope)) if v}
        auth = (self.credential.username, self.credential.password) if self.credential else None
        answer = self.session.get(parsed.realm, params=params, auth=auth,
                                  timeout=(self.timeout, self.timeout), verify=self._tls_verify)
        if answer.status_code != 200:
            return False
        body = answer.json()
        token = body.get("token") or body.get("access_token") if isinstance(body, dict) else None
        if not isinstance(token, str) or not token:
            return False
        self.auth_header = {"Authorization": "Bearer " + token}
        return True


def read_body(response: requests.Response, deadline: float, timeout: float) -> None:
    """Read a streamed response's whole body into it, giving up at ``deadline``.

    ``read1`` returns what has arrived rather than waiting for a full chunk, so the
    deadline is checked between every piece, however slowly they come.

    Raises:
        requests.ReadTimeout: the body was not whole by the deadline.
        requests.exceptions.ChunkedEncodingError: the connection closed before the body
            was whole (fewer bytes than ``Content-Length``), or broke.
    """
    if getattr(response, "_content_consumed", False):  # read already (or made up by a test)
        return
    raw = response.raw
    read = getattr(raw, "read1", raw.read)
    chunks: list[bytes] = []
    try:
        while chunk := read(CHUNK, decode_content=True):  # gzip from a proxy, as requests does
            chunks.append(chunk)
            if time.monotonic() > deadline:
                response.close()
                raise requests.ReadTimeout(f"the answer took longer than {timeout:g} s")
    except urllib3.exceptions.ReadTimeoutError as exc:
        response.close()
        raise requests.ReadTimeout(exc) from exc
    except urllib3.exceptions.HTTPError as exc:  # ProtocolError, IncompleteRead, SSL, decode
        response.close()
        raise requests.exceptions.ChunkedEncodingError(exc) from exc
    response._content = b"".join(chunks)
    response._content_consumed = True  # type: ignore[attr-defined]  # as requests does


def is_transient(exc: BaseException) -> bool:
    """Return whether a failed request is worth sending again: a reset or a cut-short answer."""
    return isinstance(exc, requests.exceptions.ChunkedEncodingError) or is_reset(exc)


def is_reset(exc: BaseException) -> bool:
    """Return whether a connection error is a reset (worth a retry), not a refusal."""
    seen: set[int] = set()
    stack: list[BaseException | None] = [exc]
    while stack:
        item = stack.pop()
        if item is None or id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, ConnectionResetError | BrokenPipeError):
            return True
        if "RemoteDisconnected" in type(item).__name__ or "ProtocolError" in type(item).__name__:
            return True
        stack.extend([item.__cause__, item.__context__])
        stack.extend(a for a in item.args if isinstance(a, BaseException))
        reason = getattr(item, "reason", None)
        if isinstance(reason, BaseException):
            stack.append(reason)
    return False


def _retry_after(value: str) -> float | None:
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(when.timestamp() - time.time(), 0.0)


def _error_detail(response: requests.Response) -> str:
    """Return the registry's own error message (OCI error JSON), whole, or "".

    Whole: it may repeat the credentials ork sent, and only a whole secret can be scrubbed
    (:mod:`ork.registry.oci` scrubs it, then shortens it).
    """
    try:
        errors = response.json().get("errors") or []
        first = errors[0]
        text = str(first.get("message") or first.get("code") or "")
    except (ValueError, AttributeError, IndexError, TypeError, KeyError):
        return ""
    return text
