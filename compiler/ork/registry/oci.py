"""A registry over HTTP (the OCI distribution API), built on oras.

This is the one module where oras and requests exceptions become ork errors (STYLE.md):
401/403 → ``registry-auth`` (exit 4) with a hint; 404 → ``not-found`` (exit 1); timeouts,
refused or reset connections, answers cut short, 429 and 5xx after retries →
``registry-unavailable`` (exit 4), naming the registry, the ref and the HTTP status. Every
message is scrubbed of the credential's secrets.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING

import requests

from ..canonical import sha256
from ..errors import OrkError, RegistryError, SourceError
from ..refs import DIGEST_RE
from .artifact import INDEX_TYPE, MANIFEST_TYPE
from .credentials import scrub
from .protocol import verify
from .settings import RegistrySettings

if TYPE_CHECKING:
    from .transport import Client

ACCEPT = ", ".join((MANIFEST_TYPE, INDEX_TYPE,
                    "application/vnd.docker.distribution.manifest.v2+json"))


class OciRegistry:
    """A remote OCI registry."""

    def __init__(self, host: str, settings: RegistrySettings, *,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.host = host
        self.settings = settings
        self.credential = settings.credentials.for_host(host)
        self.scheme = "http" if settings.plain_http(host) else "https"
        self._sleep = sleep
        self._client: Client | None = None

    @property
    def name(self) -> str:
        """Return the registry host."""
        return self.host

    @property
    def network(self) -> bool:
        """Return True: this registry is reached over the network."""
        return True

    @property
    def client(self) -> Client:
        """Return the oras client (created, and oras imported, on first use)."""
        if self._client is None:
            from .transport import Client

            s = self.settings
            self._client = Client(self.host, insecure=self.scheme == "http",
                                  credential=self.credential, timeout=s.timeout,
                                  retries=s.retries, backoff=s.backoff, sleep=self._sleep)
        return self._client

    def url(self, repository: str, kind: str, reference: str = "") -> str:
        """Return ``<scheme>://<host>/v2/<repository>/<kind>/<reference>``."""
        return f"{self.scheme}://{self.host}/v2/{repository}/{kind}/{reference}"

    def resolve(self, repository: str, tag: str) -> str:
        """Return the digest of ``repository:tag`` (a HEAD, else a GET).

        Raises:
            SourceError: not-found; RegistryError when unreachable or refused.
        """
        with self.boundary(f"{repository}:{tag}"):
            head = self.client.check(self.client.do_request(
                self.url(repository, "manifests", tag), "HEAD", headers={"Accept": ACCEPT}))
            digest = head.headers.get("Docker-Content-Digest", "")
            if DIGEST_RE.match(digest):
                return digest
        return self.manifest(repository, tag)[1]

    def manifest(self, repository: str, reference: str) -> tuple[bytes, str]:
        """Return a manifest's bytes and digest, verified against a digest reference.

        Raises:
            SourceError: not-found, digest-mismatch; RegistryError when unreachable.
        """
        sep = "@" if DIGEST_RE.match(reference) else ":"
        label = f"{repository}{sep}{reference}"
        with self.boundary(label):
            response = self.client.check(self.client.do_request(
                self.url(repository, "manifests", reference), "GET",
                headers={"Accept": ACCEPT}))
            data = response.content
            claimed = response.headers.get("Docker-Content-Digest", "")
        digest = sha256(data)
        if sep == "@":
            verify(data, reference, f"{self.host}/{label}")
        elif DIGEST_RE.match(claimed):
            verify(data, claimed, f"{self.host}/{label}")
        return data, digest

    def blob(self, repository: str, digest: str) -> bytes:
        """Return a blob, verified against its digest.

        Raises:
            SourceError: not-found, digest-mismatch; RegistryError when unreachable.
        """
        label = f"{repository}@{digest}"
        with self.boundary(label):
            response = self.client.check(self.client.do_request(
                self.url(repository, "blobs", digest), "GET"))
            data = response.content
        return verify(data, digest, f"{self.host}/{label}")

    def push(self, repository: str, tag: str, blobs: Mapping[str, bytes],
             manifest: bytes) -> str:
        """Upload the blobs the registry lacks, then the manifest under ``tag``.

        Raises:
            SourceError: invalid-artifact when refused; RegistryError when unreachable.
        """
        client = self.client
        with self.boundary(f"{repository}:{tag}"):
            for digest, data in sorted(blobs.items()):
                if not self._has_blob(repository, digest):
                    self._upload(repository, digest, data)
            client.check(client.do_request(
                self.url(repository, "manifests", tag), "PUT", data=manifest,
                headers={"Content-Type": MANIFEST_TYPE}))
        return sha256(manifest)

    def _has_blob(self, repository: str, digest: str) -> bool:
        head = self.client.do_request(self.url(repository, "blobs", digest), "HEAD")
        return head.status_code == 200

    def _upload(self, repository: str, digest: str, data: bytes) -> None:
        """Upload one blob: open an upload session (POST), then put the bytes in it (PUT).

        When the answer to the PUT is lost, its retry finds the session closed (404): if
        the first PUT did land, the blob is there and that is success; if not, the upload
        starts over once in a new session.
        """
        from oras.utils import append_url_params

        client = self.client
        for attempt in (1, 2):
            start = client.check(client.do_request(
                self.url(repository, "blobs", "uploads/"), "POST",
                headers={"Content-Length": "0"}))
            location = client._get_location(start, client.get_container(
                f"{self.host}/{repository}"))
            if not location:
                raise SourceError("invalid-artifact", f"{self.host} gave no upload "
                                  f"location for {repository}",
                                  hint="the registry does not follow the OCI distribution "
                                       "API for blob uploads")
            put = client.do_request(append_url_params(location, {"digest": digest}), "PUT",
                                    data=data,
                                    headers={"Content-Type": "application/octet-stream"})
            if put.status_code != 404 or attempt == 2:
                client.check(put)
                return
            if self._has_blob(repository, digest):
                return

    def tags(self, repository: str) -> list[str]:
        """Return the tags of a repository, sorted.

        Raises:
            SourceError: not-found; RegistryError when unreachable or refused.
        """
        with self.boundary(repository):
            container = self.client.get_container(f"{self.host}/{repository}")
            return sorted(self.client.get_tags(container))

    @contextlib.contextmanager
    def boundary(self, label: str) -> Iterator[None]:
        """Translate every oras and requests exception into an ork error."""
        from .transport import HttpStatus

        try:
            yield
        except OrkError:
            raise
        except HttpStatus as exc:
            raise self._status_error(label, exc.status, exc.detail) from exc
        except requests.Timeout as exc:
            raise self._unavailable(label, f"no answer within {self.settings.timeout:g} s",
                                    "raise --timeout (or ORK_REGISTRY_TIMEOUT) if the "
                                    "registry is slow") from exc
        except requests.exceptions.SSLError as exc:
            raise self._unavailable(label, "TLS handshake failed",
                                    "for a registry speaking plain HTTP, list its host in "
                                    "ORK_INSECURE_REGISTRIES") from exc
        except requests.ConnectionError as exc:
            raise self._unavailable(label, _reason(exc), "check that the registry is "
                                    "running and reachable") from exc
        except requests.exceptions.ChunkedEncodingError as exc:
            raise self._unavailable(label, "the answer was cut short (after "
                                    f"{self.settings.retries} retries)", None) from exc
        except (requests.RequestException, ValueError, KeyError, TypeError, OSError) as exc:
            raise self._unavailable(label, f"unexpected answer ({type(exc).__name__})",
                                    None) from exc

    def _status_error(self, label: str, status: int, detail: str) -> OrkError:
        where = f"{self.host}/{label}"
        said = f": {_shorten(scrub(detail, self.credential))}" if detail else ""
        if status in (401, 403):
            sent = "the credentials ork sent were refused" if self.credential else \
                "ork had no credentials for this host"
            return RegistryError(
                "registry-auth", f"{self.host} refused access to {where} (HTTP {status}"
                f"{said}); {sent}",
                hint=f"log in with `docker login {self.host}` (ork reads "
                     f"{self.settings.credentials.source}), or set ORK_REGISTRY_USERNAME "
                     "and ORK_REGISTRY_PASSWORD")
        if status == 404:
            return SourceError("not-found", f"{where} not found (HTTP 404{said})",
                               hint="check the repository and the tag or digest")
        if status in (429,) or status >= 500:
            return self._unavailable(label, f"HTTP {status}{said} after "
                                     f"{self.settings.retries} retries", None)
        return SourceError("invalid-artifact",
                           f"{self.host} rejected a request for {where} (HTTP {status}{said})",
                           hint="the registry's message says why; check the reference and "
                                "that the registry accepts OCI artifacts")

    def _unavailable(self, label: str, why: str, hint: str | None) -> RegistryError:
        return RegistryError("registry-unavailable",
                             scrub(f"cannot reach registry {self.host} for {label}: {why}",
                                   self.credential), hint=hint)


def _shorten(text: str, limit: int = 200) -> str:
    """Return a registry's message cut to ``limit`` characters (after scrubbing it: a cut
    through a secret would leave a piece that no longer matches it)."""
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _reason(exc: BaseException) -> str:
    """Return a short cause for a connection error: refused, reset, unknown host, …"""
    from .transport import is_reset

    text = repr(exc)
    if "Connection refused" in text or "ConnectionRefusedError" in text:
        return "connection refused"
    if is_reset(exc):
        return "connection reset (after retries)"
    if "Name or service not known" in text or "NameResolutionError" in text \
            or "gaierror" in text:
        return "unknown host"
    return "cannot connect"
