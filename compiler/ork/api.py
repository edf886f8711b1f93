"""Plain functions the CLI (and users) call: build, validate, template, graph.

Everything here takes explicit paths and options; nothing reads the environment, changes
directory, prints or exits (that is the CLI's job).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import fsio, pipeline
from .errors import Diagnostic, InputError, UsageError

DEFAULT_ENTRIES = ("komposer.yaml", "katalog.yaml")


@dataclass(frozen=True)
class Project:
    """Entry files, relative to the project root (the first entry file's directory)."""

    root: Path
    entries: tuple[str, ...]

    @classmethod
    def from_files(cls, files: Sequence[str], cwd: Path) -> Project:
        """Return the project for ``-f`` arguments (or the default entry in ``cwd``).

        Raises:
            UsageError: when no file is given and no default entry exists.
            InputError: file-not-found for a missing entry file.
        """
        if not files:
            for name in DEFAULT_ENTRIES:
                if (cwd / name).is_file():
                    files = [name]
                    break
            else:
                raise UsageError("usage", "no -f given and no komposer.yaml or katalog.yaml "
                                 "in the current directory",
                                 hint="pass the entry file with -f FILE")
        paths = [Path(os.path.normpath(cwd / f)) for f in files]
        for given, path in zip(files, paths, strict=True):
            if not path.is_file():
                raise InputError("file-not-found", f"{given}: no such file",
                                 hint="check the path given to -f")
        root = paths[0].parent
        entries = tuple(Path(os.path.relpath(p, root)).as_posix() for p in paths)
        return cls(root, entries)


@dataclass(frozen=True)
class BuildOptions:
    """Options of a build that change its result."""

    namespace: str = "orkestra-system"
    workload_namespace: str | None = None
    allow_outside_root: bool = False
    max_file_size: int = 8 * 1024 * 1024
    for_bundle: bool = True
    lock_path: Path | None = None
    source_options: tuple[tuple[str, str], ...] = ()


@dataclass
class BundleResult:
    """The outputs of ``ork generate bundle`` and what was written."""

    bundle: bytes
    lock: bytes
    warnings: list[Diagnostic] = field(default_factory=list)
    wrote_bundle: bool = False
    wrote_lock: bool = False


def build(project: Project, options: BuildOptions, ctx: pipeline.Context, *,
          until: str = "render") -> pipeline.Build:
    """Return a build of the project through ``until``.

    Raises:
        OrkError: any user error, with locations.
    """
    lock_path = options.lock_path or project.root / "ork.lock"
    lock_digest = None
    if lock_path.is_file():
        from .canonical import sha256

        lock_digest = sha256(lock_path.read_bytes())
    req = pipeline.Request(
        root=project.root, entries=project.entries,
        allow_outside_root=options.allow_outside_root, max_file_size=options.max_file_size,
        namespace=options.namespace, workload_namespace=options.workload_namespace,
        for_bundle=options.for_bundle, lock_digest=lock_digest,
        source_options=options.source_options)
    return pipeline.run(req, ctx, until=until)


def generate_bundle(project: Project, options: BuildOptions, ctx: pipeline.Context, *,
                    output: Path | None, write_lock: bool = True) -> BundleResult:
    """Build the bundle and write it (and the lock) when their bytes changed.

    Raises:
        OrkError: any user error; no output file is touched then.
    """
    b = build(project, options, ctx)
    result = BundleResult(b.bytes_of(b.bundle_digest), b.bytes_of(b.lock_digest),
                          list(b.warnings))
    _require_bundleable(b)
    if output is not None:
        result.wrote_bundle = fsio.write_if_changed(output, result.bundle)
    if write_lock:
        lock_path = options.lock_path or project.root / "ork.lock"
        result.wrote_lock = fsio.write_if_changed(lock_path, result.lock)
    return result


def _require_bundleable(b: pipeline.Build) -> None:
    graph = b.graph
    kinds = {k for e in graph.entries for k in graph.node(e).kinds}
    if not kinds & {"Katalog", "Komposer"}:
        raise InputError(
            "not-bundleable", "the entry files hold no Katalog or Komposer to bundle",
            hint="a Motif is imported from a Katalog (`spec.crds.<name>.imports`); use "
                 "`ork validate` to check a Motif on its own")


def validate(project: Project, options: BuildOptions, ctx: pipeline.Context) -> list[Diagnostic]:
    """Return the warnings of a valid project.

    Raises:
        OrkError: every problem found.
    """
    b = build(project, options, ctx, until="validate")
    return list(b.warnings)


def template(project: Project, options: BuildOptions, ctx: pipeline.Context, *,
             crd: str | None = None, output: str = "yaml") -> str:
    """Return the resolved Katalog (or one CRD of it) as YAML or JSON.

    Raises:
        OrkError: any user error; UsageError for an unknown CRD.
    """
    from . import yamlout
    from .stages.render import katalog_text

    b = build(project, options, ctx, until="validate")
    resolved = b.resolved
    if crd is None:
        data: Any = resolved.katalog.wire()
        if output == "yaml":
            return katalog_text(resolved)
    else:
        entry = resolved.katalog.spec.crds.get(crd)
        if entry is None:
            raise UsageError("usage", f"no CRD named {crd!r}",
                             hint="CRDs: " + ", ".join(sorted(resolved.katalog.spec.crds)))
        data = {crd: entry.wire()}
    if output == "json":
        import json

        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    return yamlout.dump(data)


def graph(project: Project, options: BuildOptions, ctx: pipeline.Context, *,
          fmt: str = "dot", crds: bool = False) -> str:
    """Return the import graph (or the CRD dependsOn graph) as DOT or Mermaid.

    Raises:
        OrkError: any user error.
    """
    from . import graphviz

    if crds:
        b = build(project, options, ctx, until="validate")
        return graphviz.crd_graph(b.resolved, fmt)
    b = build(project, options, ctx, until="merge")
    return graphviz.import_graph(b.graph, fmt)
