"""The only place stages are chained: keys, cache lookups, runs on a miss, and reports.

Each stage's output is stored in the content-addressed store under a key::

    digest({stage, stage_version, ork_version, inputs: [digests], options})

and a stage whose key is stored does not run. Fetch cannot know its inputs before it runs
(imports are discovered as files are read), so its key is a *verifying trace*: the record
lists every local file fetch read with its digest, and a hit requires each one to still
match (the approach of Bazel and "Build systems à la carte"). Merge is keyed by the
semantic digest of the graph, so comments and key order never rerun it or anything after.

Heavy modules (the stages, pydantic models, networkx) are imported only on a miss, so a
warm no-op build reads a few small JSON records and hashes the input files.
"""

from __future__ import annotations

import hashlib
import json
import stat
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from . import __version__, diagjson
from .canonical import digest, dumps
from .errors import Diagnostic, OrkError
from .stageversions import STAGE_VERSIONS
from .store import Store, Vanished

if TYPE_CHECKING:
    from .locate import Locator
    from .resolved import Resolved, Traces
    from .sources import SourceGraph
    from .stages.fetch import RemoteSources
    from .stages.validate import Report

STAGES = ("fetch", "merge", "validate", "render")


class Reporter(Protocol):
    """Hooks the CLI plugs in; every method may do nothing."""

    def stage(self, name: str, hit: bool, key: str, changed: list[str]) -> None:
        """A stage was looked up: hit or miss, its key, and for a miss why it ran (see
        :func:`why_missed`)."""


class QuietReporter:
    """The default reporter: says nothing."""

    def stage(self, name: str, hit: bool, key: str, changed: list[str]) -> None:
        """Ignore stage events."""


# Why a stage ran when no input of it changed (--explain prints these as they are).
FIRST_BUILD = "(no earlier build of these entry files)"
FIRST_RUN = "(the last build of these entry files did not run this stage)"
NEW_VERSION = "(another ork or stage version)"
EVICTED = "(its result is no longer in the cache)"
FRESH = "(resolving every source again)"
NO_REUSE = "(reusing nothing from the cache)"
REASONS = frozenset({FIRST_BUILD, FIRST_RUN, NEW_VERSION, EVICTED, FRESH, NO_REUSE})


def why_missed(last: dict[str, Any] | None, key: str, changed: list[str]) -> list[str]:
    """Return why a stage missed: what changed since the last build of the same entry
    files (``last`` is that build's record of the stage), else the one reason left."""
    if changed:
        return changed
    if last is None:
        return [FIRST_BUILD]
    if not last:
        return [FIRST_RUN]
    return [EVICTED if last.get("key") == key else NEW_VERSION]


@dataclass(frozen=True)
class Request:
    """One build: the project root, entries relative to it, and every option that matters."""

    root: Path
    entries: tuple[str, ...]
    allow_outside_root: bool = False
    max_file_size: int = 8 * 1024 * 1024
    namespace: str = "orkestra-system"
    workload_namespace: str | None = None
    for_bundle: bool = True
    pins: tuple[tuple[str, str], ...] = ()  # ref as written -> resolved ref, from ork.lock
    locked: bool = False  # under --locked an unpinned ref is an error, never resolved
    fresh: bool = False  # `ork lock`: resolve again, never reuse an earlier fetch
    source_options: tuple[tuple[str, str], ...] = ()  # registry settings that change fetch


RemoteFactory = Callable[[Mapping[str, str], bool], "RemoteSources"]


@dataclass
class Context:
    """Collaborators: the store, a factory of remote sources (given the lock's pins and
    whether the build is ``--locked``), and a reporter. ``reuse=False`` runs every stage."""

    store: Store
    remote: RemoteFactory | None = None
    reporter: Reporter = field(default_factory=QuietReporter)
    reuse: bool = True


@dataclass
class Build:
    """What a build produced; heavy artifacts are loaded from the store on first use."""

    ctx: Context
    graph_digest: str
    resolved_digest: str | None = None
    report_digest: str | None = None
    bundle_digest: str | None = None
    lock_digest: str | None = None
    warnings: list[Diagnostic] = field(default_factory=list)
    files: dict[str, str] = field(default_factory=dict)  # local files fetch read -> digest
    _graph: Any = None
    _resolved: Any = None
    _bytes: dict[str | None, bytes] = field(default_factory=dict)

    @property
    def graph(self) -> SourceGraph:
        """Return the source graph."""
        if self._graph is None:
            from .sources import SourceGraph

            self._graph = SourceGraph.model_validate(self._json(self.graph_digest))
        return self._graph  # type: ignore[no-any-return]

    @property
    def resolved(self) -> Resolved:
        """Return the resolved Katalog."""
        if self._resolved is None:
            from .resolved import Resolved

            assert self.resolved_digest is not None
            self._resolved = Resolved.model_validate_json(self.bytes_of(self.resolved_digest))
        return self._resolved  # type: ignore[no-any-return]

    def traces(self) -> Traces:
        """Return the Motif traces of the resolved Katalog (ork.resolved.Traces).

        Raises:
            Vanished: the table is missing or was corrupt.
        """
        from .resolved import Traces

        digest_ = self.resolved.traces
        return Traces.from_bytes(self.bytes_of(digest_)) if digest_ else Traces()

    def report(self) -> Report:
        """Return the validation report."""
        from .stages.validate import Report

        return Report.model_validate(self._json(self.report_digest))

    def locator(self) -> Locator:
        """Return a locator for this build's sources."""
        from .locate import Locator

        return Locator(self.graph, self.ctx.store)

    def _json(self, digest_: str | None) -> Any:
        return json.loads(self.bytes_of(digest_))

    def put(self, data: bytes) -> str:
        """Store an output this build made; keep its bytes, so :meth:`bytes_of` need not
        read back (and hash again) what is already in memory."""
        digest_ = self.ctx.store.put(data)
        self._bytes[digest_] = data
        return digest_

    def bytes_of(self, digest_: str | None) -> bytes:
        """Return a stored output's bytes.

        Raises:
            Vanished: it is missing or was corrupt.
        """
        if digest_ in self._bytes:
            return self._bytes[digest_]
        data = self.ctx.store.get(digest_) if digest_ else None
        if data is None:
            raise Vanished(digest_)
        self._bytes[digest_] = data
        return data


def run(req: Request, ctx: Context, *, until: str = "render") -> Build:
    """Run the stages up to ``until`` (inclusive), reusing every stored result.

    A stored result is only as good as the objects it points to: when one of them turns
    out missing or corrupt (discarded by the store, with a warning), the build runs once
    more reusing nothing, which stores every object it needs afresh (SPEC §3).

    Raises:
        OrkError: the first stage's user errors (all of them), with spans resolved.
    """
    discarded = ctx.store.discarded
    try:
        return _run(req, ctx, until)
    except (Vanished, OrkError) as exc:
        if isinstance(exc, OrkError) and ctx.store.discarded == discarded:
            raise  # a real error, not one caused by a damaged cache
    from dataclasses import replace

    try:
        return _run(replace(req, fresh=True), replace(ctx, reuse=False), until)
    except Vanished as exc:
        raise OrkError("internal-error", f"cache object {exc} vanished during a build that "
                       "reused nothing", hint="is another process deleting the cache?") from exc


def _run(req: Request, ctx: Context, until: str) -> Build:
    build = _fetch(req, ctx)
    last = _last_build(ctx.store, req)
    record: dict[str, Any] = {"fetch": {"files": _trace_files(ctx.store, req)}}
    if until == "fetch":
        return _done(ctx, req, record, build)
    merge_key = _key("merge", [build.graph.semantic_digest()], {})
    build.resolved_digest = _cached(ctx, build, "merge", merge_key, last,
                                    {"graph": build.graph.semantic_digest()}, {}, record,
                                    lambda: _run_merge(build, last))
    if until == "merge":
        return _done(ctx, req, record, build)
    options = {"for_bundle": req.for_bundle}
    validate_key = _key("validate", [build.resolved_digest], options)
    build.report_digest = _cached(ctx, build, "validate", validate_key, last,
                                  {"resolved": build.resolved_digest}, options, record,
                                  lambda: _run_validate(build, req, last))
    _raise_report(build)
    if until == "validate":
        return _done(ctx, req, record, build)
    render_opts = {"namespace": req.namespace, "workload": req.workload_namespace}
    inputs = [build.resolved_digest, build.graph_digest, build.report_digest]
    render_key = _key("render", inputs, render_opts)
    out = _cached(ctx, build, "render", render_key, last,
                  {"resolved": build.resolved_digest, "graph": build.graph_digest}, render_opts,
                  record,
                  lambda: _run_render(build, req, last))
    rendered = json.loads(build.bytes_of(out))
    build.bundle_digest, build.lock_digest = rendered["bundle"], rendered["lock"]
    return _done(ctx, req, record, build)


def _key(stage: str, inputs: list[str], options: dict[str, Any]) -> str:
    return digest({"stage": stage, "stage_version": STAGE_VERSIONS[stage],
                   "ork_version": __version__, "inputs": sorted(inputs), "options": options})


def _fetch_key(req: Request) -> str:
    return _key("fetch", [], {
        "entries": list(req.entries), "allow_outside_root": req.allow_outside_root,
        "max_file_size": req.max_file_size, "pins": [list(kv) for kv in req.pins],
        "locked": req.locked, "sources": [list(kv) for kv in req.source_options]})


def _fetch(req: Request, ctx: Context) -> Build:
    key = _fetch_key(req)
    last = _last_build(ctx.store, req)
    reuse = ctx.reuse and not req.fresh
    hit = _trace_hit(ctx.store, req, key) if reuse else None
    if hit is not None:
        ctx.reporter.stage("fetch", True, key, [])
        return Build(ctx, hit["output"], warnings=diagjson.load(hit.get("warnings")),
                     files=dict(hit["files"]))
    prev = (last or {}).get("fetch", {})
    before = prev.get("files", {})
    from .stages import fetch

    result = fetch.run(fetch.FetchRequest(req.root, req.entries, req.allow_outside_root,
                                          req.max_file_size, verify=not ctx.reuse), ctx.store,
                       ctx.remote(dict(req.pins), req.locked) if ctx.remote else None)
    files = dict(result.local_files)
    changed = sorted(p for p in set(files) | set(before) if files.get(p) != before.get(p))
    changed += [what for what, now in _fetch_inputs(req).items() if prev.get(what) != now]
    ctx.reporter.stage("fetch", False, key, why_missed(
        prev if last else None, key, changed if last else []) if reuse
        else [FRESH if ctx.reuse else NO_REUSE])
    build = Build(ctx, "", warnings=list(result.warnings), files=files)
    build.graph_digest = build.put(dumps(result.graph.model_dump(mode="json")))
    build._graph = result.graph
    trace = {"files": files, "output": build.graph_digest,
             "warnings": diagjson.dump(result.warnings)}
    ctx.store.set_key("traces", key, json.dumps(trace, sort_keys=True))
    return build


def _trace_hit(store: Store, req: Request, key: str) -> dict[str, Any] | None:
    raw = store.get_key("traces", key)
    if raw is None:
        return None
    try:
        trace = json.loads(raw)
        for rel, want in trace["files"].items():
            data = _regular_bytes(req.root / rel, req.max_file_size)
            if data is None or "sha256:" + hashlib.sha256(data).hexdigest() != want:
                return None
    except (OSError, ValueError, KeyError):
        return None
    if not store.has(trace["output"]):
        return None
    return trace  # type: ignore[no-any-return]


def _regular_bytes(path: Path, limit: int) -> bytes | None:
    """Return a regular file's bytes, or None for anything else (a device, a pipe, a file
    over ``limit``): a miss, and fetch, reading the file again, says what is wrong."""
    try:
        if not stat.S_ISREG(path.stat().st_mode):  # before open: a FIFO blocks in open
            return None
        with open(path, "rb") as fh:
            data = fh.read(limit + 1)
    except OSError:
        return None
    return data if len(data) <= limit else None


def _trace_files(store: Store, req: Request) -> dict[str, str]:
    raw = store.get_key("traces", _fetch_key(req))
    try:
        return dict(json.loads(raw)["files"]) if raw else {}
    except (ValueError, KeyError, TypeError):
        return {}


def _cached(ctx: Context, build: Build, stage: str, key: str, last: dict[str, Any] | None,
            inputs: dict[str, str], options: dict[str, Any], record: dict[str, Any],
            compute: Callable[[], Any]) -> str:
    """Return the output digest of a stage, running it only on a miss."""
    record[stage] = {"key": key, "inputs": inputs, "options": digest(options)}
    stored = ctx.store.get_key("keys", key) if ctx.reuse else None
    entry = _record(stored)
    if entry is not None and ctx.store.has(entry["output"]):
        ctx.reporter.stage(stage, True, key, [])
        build.warnings.extend(diagjson.load(entry.get("warnings")))
        return str(entry["output"])
    if ctx.reuse:
        before = (last or {}).get(stage) or {}
        prev = before.get("inputs") or {}
        changed = sorted(k for k in inputs if k in prev and prev[k] != inputs[k])
        if before.get("options", record[stage]["options"]) != record[stage]["options"]:
            changed.append("options")
        ctx.reporter.stage(stage, False, key, why_missed(
            before if last else None, key, changed))
    else:
        ctx.reporter.stage(stage, False, key, [NO_REUSE])
    output, warnings = compute()
    out_digest = build.put(output)
    build.warnings.extend(warnings)
    ctx.store.set_key("keys", key, json.dumps(
        {"output": out_digest, "warnings": diagjson.dump(warnings)}, sort_keys=True))
    return out_digest


def _record(raw: str | None) -> dict[str, Any] | None:
    """Return a stage record, or None when missing or unreadable (then the stage reruns)."""
    try:
        entry = json.loads(raw) if raw else None
    except ValueError:
        return None
    return entry if isinstance(entry, dict) and isinstance(entry.get("output"), str) else None


def _located(build: Build, err: OrkError) -> OrkError:
    """Return the error with every diagnostic's span resolved from its location."""
    locator = build.locator()
    diags = sorted((locator.resolve(d) for d in err.diagnostics), key=Diagnostic.sort_key)
    return type(err).of(diags)


def check_shapes(build: Build) -> None:
    """Raise the shape errors of a build run until fetch, located as merge locates them.

    Fetch reads only the import lists; merge checks the shape of every document. A command
    that stops after fetch calls this so that it refuses what a build refuses.

    Raises:
        OrkError: every shape problem, at once.
    """
    from .stages import merge

    try:
        merge.check_shapes(build.graph, build.ctx.store)
    except OrkError as err:
        raise _located(build, err) from None


def _run_merge(build: Build, last: dict[str, Any] | None) -> tuple[bytes, list[Diagnostic]]:
    from .stages import merge

    store = build.ctx.store
    previous = _previous(store, last)
    try:
        merged = merge.run(build.graph, store, *(previous or (None, None)))
    except OrkError as err:
        raise _located(build, err) from None
    resolved = merged.resolved
    if resolved.traces:
        store.put(merged.traces)  # before the resolved Katalog that names it
    build._resolved = resolved
    # Not canonical JSON (fields in model order, mappings in the order merge made them,
    # which never depends on the input's key order): 5× faster than sorting 1.5 MB, and
    # deterministic, which is all a stage artifact's digest needs.
    data = resolved.model_dump_json(exclude_unset=True).encode("utf-8")
    return data, list(resolved.warnings)


def _previous(store: Store, last: dict[str, Any] | None) -> tuple[Resolved, Traces] | None:
    """Return the resolved Katalog of the last build of the same entries and its traces,
    if still stored: merge copies the CRD expansions that did not change from them
    (ork.merging.memo)."""
    raw = _last_output(store, last, "merge")
    if raw is None:
        return None
    from pydantic import ValidationError

    from .resolved import Resolved, Traces

    try:
        resolved = Resolved.model_validate_json(raw)
    except (ValueError, ValidationError):
        return None  # an unreadable previous result only costs the reuse
    return resolved, Traces.from_bytes(store.get(resolved.traces) if resolved.traces else None)


def _last_output(store: Store, last: dict[str, Any] | None, stage: str) -> bytes | None:
    """Return what a stage stored in the last build of the same entries, if still stored."""
    key = ((last or {}).get(stage) or {}).get("key")
    raw = store.get_key("keys", key) if isinstance(key, str) else None
    entry = _record(raw)
    return store.get(entry["output"]) if entry is not None else None


def _run_validate(build: Build, req: Request,
                  last: dict[str, Any] | None) -> tuple[bytes, list[Diagnostic]]:
    from .stages import validate

    report = validate.run(build.resolved, validate.Options(for_bundle=req.for_bundle),
                          _last_clean(build.ctx.store, last))
    warnings = [d for d in report.diagnostics if d.severity == "warning"]
    return dumps(report.model_dump(mode="json")), warnings


def _last_clean(store: Store, last: dict[str, Any] | None) -> frozenset[str]:
    """Return the CRDs whose strings the last validate found clean, by check key."""
    raw = _last_output(store, last, "validate")
    try:
        clean = json.loads(raw)["clean"] if raw is not None else []
    except (ValueError, KeyError, TypeError):
        return frozenset()
    return frozenset(k for k in clean if isinstance(k, str)) if isinstance(clean, list) \
        else frozenset()


def _raise_report(build: Build) -> None:
    errors = build.report().errors
    if errors:
        from .errors import InputError

        raise _located(build, InputError.of(errors))


def _run_render(build: Build, req: Request,
                last: dict[str, Any] | None) -> tuple[bytes, list[Diagnostic]]:
    from .rendering.parts import Memo
    from .stages import render

    store = build.ctx.store
    memo = Memo(_last_table(store, last))
    out = render.run(build.resolved, build.graph,
                     render.Options(req.namespace, req.workload_namespace), build.locator(),
                     memo=memo)
    outputs = {"bundle": build.put(out.bundle), "lock": build.put(out.lock),
               "parts": store.put(out.parts)}
    return dumps(outputs), []


def _last_table(store: Store, last: dict[str, Any] | None) -> bytes | None:
    """Return the CRD parts the last render used (ork.rendering.parts), if still stored."""
    raw = _last_output(store, last, "render")
    try:
        table = json.loads(raw)["parts"] if raw is not None else None
    except (ValueError, KeyError, TypeError):
        return None
    return store.get(table) if isinstance(table, str) else None


def _last_build(store: Store, req: Request) -> dict[str, Any] | None:
    raw = store.get_key("builds", _build_id(req))
    try:
        last = json.loads(raw) if raw else None
    except ValueError:
        return None  # a damaged record only costs --explain its comparison
    return last if isinstance(last, dict) else None


def _build_id(req: Request) -> str:
    return digest({"entries": list(req.entries)})


def _fetch_inputs(req: Request) -> dict[str, str]:
    """What besides local files decides fetch, as --explain names it when it changes."""
    return {"ork.lock pins": digest([list(kv) for kv in req.pins]),
            "options": digest([req.allow_outside_root, req.max_file_size, req.locked,
                               [list(kv) for kv in req.source_options]])}


def _done(ctx: Context, req: Request, record: dict[str, Any], build: Build) -> Build:
    for output in (build.graph_digest, build.resolved_digest, build.report_digest,
                   build.bundle_digest, build.lock_digest):
        if output:
            build.bytes_of(output)  # whole now, or Vanished: run() builds again
    record["fetch"] = {"files": _trace_files(ctx.store, req), "key": _fetch_key(req),
                       **_fetch_inputs(req)}
    ctx.store.set_key("builds", _build_id(req), json.dumps(record, sort_keys=True))
    if any(w.span is None and w.loc is not None for w in build.warnings):
        locator = build.locator()
        build.warnings = [locator.resolve(w) for w in build.warnings]
    build.warnings = _unique(build.warnings)
    return build


def _unique(diags: list[Diagnostic]) -> list[Diagnostic]:
    seen: set[Diagnostic] = set()
    out = []
    for d in diags:
        if d not in seen:
            seen.add(d)
            out.append(d)
    return sorted(out, key=Diagnostic.sort_key)
