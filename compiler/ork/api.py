"""Plain functions the CLI (and users) call: build, validate, template, graph.

Everything here takes explicit paths and options; nothing reads the environment, changes
directory, prints or exits (that is the CLI's job).
"""

from __future__ import annotations

import dataclasses
import os
import stat
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import fsio, lockfile, nearby, pipeline
from .errors import Diagnostic, InputError, InternalError, UsageError
from .locking import (
    Mode,
    PlaceholderSources,
    check_locked,
    pins_for,
    placeholders,
    unpinned_tags,
)
from .store import Vanished

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
            InputError: file-not-found for an entry file that is missing, a directory, or
                not a regular file (a device or a pipe, never opened).
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
            try:
                mode = path.stat().st_mode
            except (OSError, ValueError):  # missing, a file where a directory should be
                raise InputError("file-not-found", f"{given}: no such file",
                                 hint=nearby.missing(path, given, "check the path given to -f"))\
                    from None
            if stat.S_ISDIR(mode):
                raise InputError("file-not-found", f"{given} is a directory, not a YAML file",
                                 hint=nearby.directory(path, given, "pass the entry file "
                                                       "with -f FILE"))
            if not stat.S_ISREG(mode):
                raise InputError("file-not-found", f"{given} is not a regular file (a device, "
                                 "a pipe or a socket)",
                                 hint="pass the entry file with -f FILE: ork reads a Komposer "
                                      "or a Katalog from a regular file only")
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
    lock_mode: Mode = "default"
    update: tuple[str, ...] = ()
    source_options: tuple[tuple[str, str], ...] = ()
    lock_shown: str = ""  # --lock as the user wrote it (relative to the working directory)

    def lock_file(self, project: Project) -> Path:
        """Return where the lock lives: ``--lock PATH``, else next to the entry file."""
        return self.lock_path or project.root / "ork.lock"


@dataclass
class BundleResult:
    """The outputs of ``ork generate bundle`` and what was written."""

    bundle: bytes
    lock: bytes
    warnings: list[Diagnostic] = field(default_factory=list)
    files: dict[str, str] = field(default_factory=dict)
    digests: tuple[str, str] = ("", "")
    wrote_bundle: bool = False
    wrote_lock: bool = False


def build(project: Project, options: BuildOptions, ctx: pipeline.Context, *,
          until: str = "render") -> pipeline.Build:
    """Return a build of the project through ``until``.

    Raises:
        OrkError: any user error, with locations.
    """
    mode = options.lock_mode
    lock_path = options.lock_file(project)
    # `ork lock` resolves everything afresh, so it can also replace a lock that no longer
    # parses (say, one with merge-conflict markers); every other mode needs its pins.
    # Read once: a lock given as a pipe (`--lock <(git show main:ork.lock)`) reads as
    # empty the second time.
    data = _lock_bytes(lock_path, project.root, options)
    existing = _loads_unless_fresh(data, lock_path, mode, project.root, options)
    pins = pins_for(mode, existing, options.update,
                    lock_name=_shown(lock_path, project.root, options))
    req = pipeline.Request(
        root=project.root, entries=project.entries,
        allow_outside_root=options.allow_outside_root, max_file_size=options.max_file_size,
        namespace=options.namespace, workload_namespace=options.workload_namespace,
        for_bundle=options.for_bundle, pins=tuple(sorted(pins.items())),
        locked=mode == "locked", fresh=mode in ("fresh", "update"),
        source_options=options.source_options)
    if mode == "locked":
        assert existing is not None  # pins_for raised lock-missing otherwise
        return _build_locked(req, ctx, existing, data or b"", lock_path, project.root, until,
                             options)
    seen = _Watch(ctx.reporter)
    b = pipeline.run(req, dataclasses.replace(ctx, reporter=seen), until=until)
    if seen.hit and unpinned_tags(b.graph, pins):
        # A cached fetch answered tags the lock does not pin with what they pointed at
        # then; a build without a pin must ask again (cold and warm caches agree).
        b = pipeline.run(dataclasses.replace(req, fresh=True), ctx, until=until)
    return b


class _Watch:
    """A reporter that remembers whether fetch was answered from the cache."""

    def __init__(self, inner: pipeline.Reporter, *, repeat: bool = False) -> None:
        self.inner = inner
        self.repeat = repeat  # fetch already ran (and was reported) in this invocation
        self.hit = False

    def stage(self, name: str, hit: bool, key: str, changed: list[str]) -> None:
        """Record fetch hits, then pass the event on (a repeated fetch stays quiet)."""
        if name == "fetch":
            self.hit = hit
            if self.repeat:
                return
        self.inner.stage(name, hit, key, changed)


def _loads_unless_fresh(data: bytes | None, path: Path, mode: Mode, root: Path,
                        options: BuildOptions) -> lockfile.Lock | None:
    try:
        return None if data is None else lockfile.loads(data, _shown(path, root, options))
    except InputError as err:
        if mode == "fresh" and err.code == "invalid-lock":
            return None
        raise


def _refuse_writing_a_pipe(path: Path, root: Path, options: BuildOptions, hint: str) -> None:
    """Refuse, before anything is read, a lock that is a pipe but would be written back:
    ork reads a lock from a pipe (``<(git show main:ork.lock)``), but writing to one that
    nobody reads any more would wait for ever.

    Raises:
        InputError: output-write-failed.
    """
    try:
        fifo = stat.S_ISFIFO(os.stat(path).st_mode)
    except OSError:
        return
    if fifo:
        raise InputError("output-write-failed", f"cannot write {_shown(path, root, options)}: "
                         "it is a pipe, which ork reads a lock from but never writes one to",
                         hint=hint)


def _build_locked(req: pipeline.Request, ctx: pipeline.Context, existing: lockfile.Lock,
                  data: bytes, lock_path: Path, root: Path, until: str,
                  options: BuildOptions) -> pipeline.Build:
    """Check the lock (lock-stale lists every problem), then build; no tag is resolved.

    The check's fetch stands placeholders in for unpinned refs, so a graph holding one never
    passes it. The build then fetches with the real sources (normally a cache hit on the
    graph just checked), which raise on an unpinned ref rather than substitute anything.
    """
    fetched = pipeline.run(req, dataclasses.replace(
        ctx, remote=PlaceholderSources.factory(ctx.remote)), until="fetch")
    shown = _shown(lock_path, root, options)
    spans = lockfile.entry_spans(data, shown)
    check_locked(existing, fetched.graph, shown, lock_spans=spans)
    if until == "fetch":
        return fetched
    b = pipeline.run(req, dataclasses.replace(ctx, reporter=_Watch(ctx.reporter, repeat=True)),
                     until=until)
    if placeholders(b.graph):
        raise InternalError("internal-error", "a --locked build reached a placeholder source")
    return b


def _shown(lock_path: Path, root: Path, options: BuildOptions) -> str:
    """Return how diagnostics name the lock: relative to the project root inside it, as the
    sources are named; else as the user can find it: ``--lock`` as given (relative to the
    working directory), or the full path."""
    shown = Path(os.path.relpath(lock_path, root)).as_posix()
    if not shown.startswith("../"):
        return shown
    if options.lock_shown:
        return Path(os.path.normpath(options.lock_shown)).as_posix()
    return Path(os.path.abspath(lock_path)).as_posix()


def read_lock(path: Path, shown: str | None = None) -> lockfile.Lock | None:
    """Return the lock at ``path`` (named ``shown`` in diagnostics), or None when absent.

    Raises:
        InputError: invalid-lock, unsupported-lock-version or file-too-large (over 8 MiB).
    """
    data = _lock_bytes(path, path.parent, BuildOptions(lock_path=path))
    return None if data is None else lockfile.loads(data, shown or path.name)


def _lock_bytes(path: Path, root: Path, options: BuildOptions) -> bytes | None:
    """Return the bytes of the lock (None when there is none), reading no more than
    ``--max-file-size``: ``--lock /dev/zero`` is refused, not read for ever.

    Raises:
        InputError: file-too-large, or file-not-found for a device or a pipe (never
            opened), at the lock as :func:`_shown` names it.
    """
    shown = _shown(path, root, options)
    where = ("check the path given to --lock" if options.lock_path is not None
             else f"{shown} should be the lockfile `ork lock` writes")
    try:
        return fsio.read_bounded(path, shown, limit=options.max_file_size,
                                 hint=f"{where}, or raise --max-file-size if the lock is "
                                      "really meant to be this big",
                                 special_hint=f"{where}: a lockfile is a file or a pipe, "
                                              "not a device")
    except (FileNotFoundError, IsADirectoryError):
        return None


def fetch(project: Project, options: BuildOptions, ctx: pipeline.Context) -> pipeline.Build:
    """Return a build of the project through fetch, every document's shape checked as the
    full build checks it (for ``ork lock`` and ``ork vendor``, which need only the sources).

    Raises:
        OrkError: any reading, import or shape error, with locations.
    """
    b = build(project, options, ctx, until="fetch")
    pipeline.check_shapes(b)
    return b


@dataclass
class LockResult:
    """``ork lock``: the lock before and after, its bytes, whether it was written, and the
    warnings of fetching the sources."""

    before: lockfile.Lock | None
    after: lockfile.Lock
    data: bytes
    on_disk: bytes | None = None  # the lock as read (a pipe can be read only once)
    wrote: bool = False
    warnings: list[Diagnostic] = field(default_factory=list)


def lock(project: Project, options: BuildOptions, ctx: pipeline.Context, *,
         write: bool = True) -> LockResult:
    """Resolve the sources (all of them, or ``options.update``) and write ork.lock.

    Raises:
        OrkError: any user error; the lock file is untouched then.
    """
    path = options.lock_file(project)
    if write:
        _refuse_writing_a_pipe(path, project.root, options,
                               "`ork lock --check --lock PIPE` compares the sources with a "
                               "lock read from a pipe; to write the lock, give --lock a file")
    on_disk = _lock_bytes(path, project.root, options)
    before = _loads_unless_fresh(on_disk, path, options.lock_mode, project.root, options)
    b = fetch(project, options, ctx)
    after = lockfile.from_graph(b.graph)
    result = LockResult(before, after, lockfile.dumps(after), on_disk=on_disk,
                        warnings=list(b.warnings))
    if write:
        result.wrote = fsio.write_if_changed(path, result.data)
    return result


def generate_bundle(project: Project, options: BuildOptions, ctx: pipeline.Context, *,
                    output: Path | None, write_lock: bool = True, output_shown: str = "",
                    lock_shown: str = "") -> BundleResult:
    """Build the bundle and write it (and the lock) when their bytes changed.

    ``output_shown`` and ``lock_shown`` are the paths as the user gave them, for messages.

    Raises:
        OrkError: any user error; no output file is touched then.
    """
    if write_lock and options.lock_mode != "locked":
        _refuse_writing_a_pipe(options.lock_file(project), project.root, options,
                               "add --locked to build from the lock in the pipe without "
                               "writing it, or give --lock a file")
    b = build(project, options, ctx)
    result = BundleResult(b.bytes_of(b.bundle_digest), b.bytes_of(b.lock_digest),
                          list(b.warnings), dict(b.files),
                          (b.bundle_digest or "", b.lock_digest or ""))
    _require_bundleable(b)
    outputs = []
    # Both are checked and written to temp files before either is renamed into place, so
    # a failure leaves both as they were (SPEC §6). The lock is renamed first: two renames
    # cannot be one, and if the process dies between them, a new lock beside the old
    # bundle is repaired by the next build (even --locked), while an old lock beside a new
    # bundle would make --locked fail as "stale".
    if write_lock and options.lock_mode != "locked":
        outputs.append(fsio.Output(options.lock_file(project), result.lock, lock_shown,
                                   "--lock" if options.lock_path else ""))
    if output is not None:
        outputs.append(fsio.Output(output, result.bundle, output_shown, "-o"))
    wrote = fsio.write_all(outputs)
    if output is not None:
        result.wrote_bundle = wrote.pop()
    if wrote:
        result.wrote_lock = wrote[0]
    return result


def _require_bundleable(b: pipeline.Build, what: str = "bundle") -> None:
    graph = b.graph
    kinds = {k for e in graph.entries for k in graph.node(e).kinds}
    if not kinds & {"Katalog", "Komposer"}:
        raise InputError(
            "not-bundleable", f"the entry files hold no Katalog or Komposer to {what}",
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
    _require_bundleable(b, "resolve")
    resolved = b.resolved
    if crd is None:
        data: Any = resolved.full_katalog().wire()
        if output == "yaml":
            return katalog_text(resolved)
    else:
        entry = resolved.entry(crd)
        if entry is None:
            raise UsageError("usage", f"no CRD named {crd!r}",
                             hint="CRDs: " + ", ".join(sorted(resolved.entries)))
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


def plan(project: Project, options: BuildOptions, ctx: pipeline.Context, *, deployed: bytes,
         deployed_name: str, show_secrets: bool = False) -> Any:
    """Return the plan from a deployed bundle to what the working tree compiles to.

    Raises:
        OrkError: any user error in the working tree; invalid-bundle for the deployed one.
    """
    from .plan import compute, read_deployed

    old = read_deployed(deployed, deployed_name, max_size=options.max_file_size)
    b = build(project, options, ctx)
    _require_bundleable(b)
    new = read_deployed(b.bytes_of(b.bundle_digest), "bundle.yaml", ours=True)
    result = compute(old, new, show_secrets=show_secrets, namespace=options.namespace)
    result.warnings = list(b.warnings)
    return result


def why(project: Project, options: BuildOptions, ctx: pipeline.Context, query: str, *,
        output: str = "text") -> str:
    """Return where a CRD or a value of it came from, as text or JSON.

    Raises:
        OrkError: any user error; UsageError for an unknown CRD or path.
    """
    from . import why as why_

    def answer(b: pipeline.Build) -> str:
        result = why_.answer(b.resolved, b.graph, b.locator(), query, b.traces())
        return why_.to_json(result) if output == "json" else why_.to_text(result)

    try:
        return answer(build(project, options, ctx, until="validate"))
    except Vanished:  # the traces or a span index went missing from the cache
        return answer(build(project, options, dataclasses.replace(ctx, reuse=False),
                            until="validate"))
