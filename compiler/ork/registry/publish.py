"""``ork push``: validate a pattern directory, build its artifact, push it."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .. import refs
from ..errors import Diagnostic, InputError, Span, UsageError
from . import artifact
from .locations import open_registry
from .resolve import Opener
from .settings import RegistrySettings

if TYPE_CHECKING:
    from ..pipeline import Context


@dataclass(frozen=True)
class Pushed:
    """What ``ork push`` did: where the artifact went and its manifest digest."""

    target: str  # the ref pushed to, e.g. oci://127.0.0.1:5000/katalogs/x:v1.0.0
    canonical: str
    digest: str
    warnings: tuple[Diagnostic, ...] = ()


def push(ref_text: str, directory: Path, *, settings: RegistrySettings, ctx: Context,
         force: bool = False, opener: Opener = open_registry) -> Pushed:
    """Validate the pattern in ``directory`` and push it to ``ref_text``; return the digest.

    Raises:
        OrkError: the pattern's compile errors, local-import-in-pattern, version-mismatch,
            UsageError for a digest ref or the read-only embedded registry, and the
            registry's SourceError / RegistryError.
    """
    from .locations import for_reference

    ref = refs.parse(ref_text)
    if ref.digest is not None:
        raise UsageError("usage", f"{ref_text}: push to a tag, not a digest",
                         hint="the digest is computed from the content and printed")
    tag = ref.tag or "latest"
    files = artifact.read_pattern(directory)
    meta = artifact.pattern_meta(files)
    if meta.version != tag and not force:
        main = "katalog.yaml" if meta.kind == "Katalog" else "motif.yaml"
        raise InputError("version-mismatch", f"{main} says metadata.version "
                         f"{meta.version or '(none)'!s}, but the tag is {tag}",
                         span=_version_span(main, files[main]),
                         hint="make them agree, or pass --force to push anyway")
    warnings = check_pattern(directory, meta, settings=settings, ctx=ctx)
    built = artifact.build(files, created=settings.created)
    location = for_reference(ref, settings, motif=meta.kind == "Motif")
    if location.scheme == "embedded":
        raise UsageError("usage", f"{ref_text} names the embedded registry, which is "
                         "read-only", hint="write the registry: oci://HOST/REPO:TAG, "
                         "oci-layout://DIR:REPO:TAG, or set ORK_REGISTRY")
    if location.scheme == "layout" and location.path is not None \
            and _inside(location.path, directory):
        raise UsageError("usage", f"{location.display(':' + tag)} is inside the pattern "
                         f"directory {directory.name}, which push never writes to",
                         hint="the layout directory is relative to the working directory: "
                              "put it outside the pattern")
    registry = opener(location, settings)
    digest = registry.push(location.repository, tag, built.blobs, built.manifest)
    return Pushed(location.display(":" + tag), location.canonical(digest), digest, warnings)


def _version_span(main: str, data: bytes) -> Span:
    """Return where a main file writes ``metadata.version`` (or ``metadata``, or its top)."""
    from .. import yamlsrc

    docs = yamlsrc.load(data, main)  # pattern_meta read it already: it parses
    spans = docs[0].spans if docs else {}
    for path in (("metadata", "version"), ("metadata",)):
        if path in spans:
            return yamlsrc.span_of(main, spans[path])
    return Span(main, 1, 1, 1, 1)


def _inside(path: Path, directory: Path) -> bool:
    real = Path(os.path.realpath(path))
    return real.is_relative_to(Path(os.path.realpath(directory)))


def check_pattern(directory: Path, meta: artifact.PatternMeta, *, settings: RegistrySettings,
                  ctx: Context) -> tuple[Diagnostic, ...]:
    """Compile a pattern on its own; return its warnings.

    Raises:
        OrkError: every compile error; InputError local-import-in-pattern.
    """
    from .. import api

    main = "katalog.yaml" if meta.kind == "Katalog" else "motif.yaml"
    project = api.Project(directory, (main,))
    options = api.BuildOptions(for_bundle=meta.kind == "Katalog",
                               source_options=settings.source_options())
    fetched = api.build(project, options, ctx, until="fetch")
    local = [e for e in fetched.graph.edges if e.dst.startswith("file:")]
    if local:
        raise InputError.of(Diagnostic(
            "local-import-in-pattern", f"{main} imports the local file {e.ref!r}, which an "
            "artifact cannot carry", span=e.span,
            hint="push the Motif first and import it by registry reference") for e in local)
    return tuple(api.build(project, options, ctx, until="validate").warnings)
