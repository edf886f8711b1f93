"""Parsing and canonicalising references to sources.

=================  ==================================================  ===============
form               example                                             kind
=================  ==================================================  ===============
file path          ``./katalogs/web.yaml``                             ``file``
OCI                ``oci://127.0.0.1:5000/katalogs/app:v1.1.0``         ``oci``
OCI, no scheme     ``ghcr.io/org/katalogs/app@sha256:…``                ``oci``
OCI layout         ``oci-layout://vendor:katalogs/app:v1.1.0``          ``layout``
short name         ``webapp-operator:v1.1.0``, ``web-service@v1.1.0``   ``short``
=================  ==================================================  ===============

Git and HTTPS sources are recognised and refused (``unsupported-source``). A reference
carrying credentials (``oci://user:password@host/…``) is refused too (``invalid-reference``):
ork reads credentials from Docker's config.json and ``ORK_REGISTRY_USERNAME``/``_PASSWORD``
only, and no message repeats the userinfo (:func:`strip_userinfo` is applied to every
reference a message shows).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from .errors import InputError, Span

RefKind = Literal["file", "oci", "layout", "short"]
DIGEST_RE = re.compile(r"^sha256:[0-9a-f]{64}$")
_TAG_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")
_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
_REPO_RE = re.compile(rf"^{_COMPONENT}(?:/{_COMPONENT})*$")
_UNSUPPORTED = ("https://", "http://", "git://", "git@", "git+", "ssh://", "github.com/")


@dataclass(frozen=True)
class Reference:
    """A parsed reference. ``repository`` is relative to ``host`` (or the layout dir)."""

    kind: RefKind
    raw: str
    path: str = ""  # file
    host: str = ""  # oci
    layout: str = ""  # oci-layout directory
    repository: str = ""  # oci, layout, short
    tag: str | None = None
    digest: str | None = None

    @property
    def is_remote(self) -> bool:
        """Return whether this ref names an artifact rather than a local file."""
        return self.kind != "file"

    @property
    def name(self) -> str:
        """Return the last repository segment: the pattern's name."""
        return self.repository.rsplit("/", 1)[-1]

    def version_part(self) -> str:
        """Return ``:tag`` or ``@digest`` as written (tag defaults to latest)."""
        return f"@{self.digest}" if self.digest else f":{self.tag or 'latest'}"

    def with_digest(self, digest: str) -> Reference:
        """Return this ref pinned to a digest (the tag is kept for display)."""
        return Reference(self.kind, self.raw, self.path, self.host, self.layout,
                         self.repository, self.tag, digest)


def looks_like_file(raw: str) -> bool:
    """Return whether a Motif ref names a local file rather than an artifact."""
    return raw.startswith(("./", "../", "/")) or raw.endswith((".yaml", ".yml"))


def parse(raw: str, *, span: Span | None = None, file: bool = False) -> Reference:
    """Return the parsed reference; ``file=True`` forces a local path (``imports.files``).

    Raises:
        InputError: unsupported-source for git/https, invalid-reference otherwise.
    """
    text = raw.strip()
    shown = strip_userinfo(raw)
    if text.startswith(_UNSUPPORTED):
        raise InputError(
            "unsupported-source", f"{shown!r}: git and https sources are not supported",
            span=span,
            hint="vendor it: push the pattern to an OCI registry (`ork push`) or copy the file "
                 "into this repository and import it under `imports.files`")
    if file:
        if text.startswith(("oci://", "oci-layout://")):
            raise InputError("invalid-reference", f"{shown!r} is an OCI reference, not a file",
                             span=span, hint="move it to `imports.registry`")
        return Reference("file", raw, path=text)
    if text.startswith("oci-layout://"):
        return _layout(raw, text[len("oci-layout://"):], span)
    if text.startswith("oci://"):
        return _oci(raw, text[len("oci://"):], span)
    first = text.split("/", 1)[0]
    if "/" in text and ("." in first or ":" in first or "@" in first or first == "localhost"):
        return _oci(raw, text, span)
    return _short(raw, text, span)


def strip_userinfo(ref: str) -> str:
    """Return a ref without ``user:password@`` in its authority: credentials are never shown
    or written.

    ``oci://user:pw@host/repo:tag`` and ``user:pw@host/repo:tag`` both lose it; a short
    name's ``name@v1.1.0`` (no ``/`` after it) is a tag, not userinfo, and is kept.
    """
    scheme, sep, rest = ref.partition("://")
    if not sep:
        scheme, rest = "", ref
    authority, slash, tail = rest.partition("/")
    if "@" not in authority or not slash:
        return ref
    authority = authority.rsplit("@", 1)[1]
    return f"{scheme}{sep}{authority}{slash}{tail}"


def _split_version(raw: str, rest: str, span: Span | None) -> tuple[str, str | None, str | None]:
    """Split ``repo[:tag][@digest]`` (``@tag`` is also accepted, as Orkestra does)."""
    digest = None
    tag = None
    if "@" in rest:
        rest, after = rest.split("@", 1)
        if after.startswith("sha256:"):
            if not DIGEST_RE.match(after):
                raise InputError("invalid-reference", f"{raw!r}: malformed digest", span=span,
                                 hint="a digest is sha256: followed by 64 lowercase hex digits")
            digest = after
        else:
            tag = after
    last = rest.rsplit("/", 1)[-1]
    if ":" in last:
        rest, tag2 = rest.rsplit(":", 1)
        if tag is not None and tag2:
            raise InputError("invalid-reference", f"{raw!r} has two tags", span=span,
                             hint="write NAME:TAG, or NAME@sha256:DIGEST")
        tag = tag2
    if tag is not None and not _TAG_RE.match(tag):
        raise InputError("invalid-reference", f"{raw!r}: invalid tag {tag!r}", span=span,
                         hint="a tag is letters, digits, '_', '.' and '-' (at most 128), "
                              "starting with a letter, digit or '_'")
    return rest, tag, digest


def _oci(raw: str, rest: str, span: Span | None) -> Reference:
    host, slash, path = rest.partition("/")
    if "@" in host:  # before "no repository", which would echo it
        # Never echo it: the userinfo may hold a password. Say where credentials belong.
        bare = host.rsplit("@", 1)[1]
        shown = raw.replace(host, bare, 1)  # the authority is its first occurrence
        raise InputError("invalid-reference", f"{shown!r} carries credentials "
                         "(user:password@ before the host); a reference cannot hold them",
                         span=span, hint="remove them from the reference, and log in with "
                         f"`docker login {bare}` or set "
                         "ORK_REGISTRY_USERNAME and ORK_REGISTRY_PASSWORD")
    if not slash:
        raise InputError("invalid-reference", f"{raw!r} has no repository", span=span,
                         hint="write oci://HOST/REPOSITORY:TAG")
    repo, tag, digest = _split_version(raw, path, span)
    _check_repo(raw, repo, span)
    return Reference("oci", raw, host=host, repository=repo, tag=tag, digest=digest)


def _layout(raw: str, rest: str, span: Span | None) -> Reference:
    if ":" not in rest:
        raise InputError("invalid-reference", f"{raw!r} names no repository", span=span,
                         hint="write oci-layout://DIR:REPOSITORY:TAG")
    layout, path = rest.split(":", 1)
    repo, tag, digest = _split_version(raw, path, span)
    _check_repo(raw, repo, span)
    return Reference("layout", raw, layout=layout, repository=repo, tag=tag, digest=digest)


def _short(raw: str, text: str, span: Span | None) -> Reference:
    repo, tag, digest = _split_version(raw, text, span)
    _check_repo(raw, repo, span)
    return Reference("short", raw, repository=repo, tag=tag, digest=digest)


def _check_repo(raw: str, repo: str, span: Span | None) -> None:
    if not _REPO_RE.match(repo):
        raise InputError("invalid-reference", f"{raw!r}: invalid repository name {repo!r}",
                         span=span, hint="repository names are lowercase letters, digits, "
                         "and . _ - separators")
