"""The runtime's commands: ``run``, ``simulate``, and ``apply`` / ``get`` / ``delete`` on the
local store. Click lives here; the work is done by :mod:`ork.runtime`, which never imports
the compiler (``simulate`` of a Katalog or Komposer compiles it here, in memory, first).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from .common import Settings, note, print_warnings

if TYPE_CHECKING:  # the runtime's modules load only when a command needs them
    from ..errors import Span
    from ..kinds.simulate import Workload
    from ..yamlsrc import Document

DEFAULT_STATE = ".ork/cluster"
BACKENDS = ("local", "memory", "kube")


def _read(settings: Settings, path: str, what: str) -> bytes:
    """Return the bytes of a file (or a pipe) given on the command line, at most 8 MiB of
    them; an empty one is refused, as it holds nothing to read.

    Raises:
        InputError: file-not-found, file-too-large, or no-documents for an empty file.
    """
    from ..errors import InputError, Span
    from ..fsio import read_bounded
    from ..yamlsrc import DEFAULT_MAX_FILE_SIZE

    try:
        data = read_bounded(settings.cwd / path, path, limit=DEFAULT_MAX_FILE_SIZE,
                            hint=f"check the path of the {what}",
                            special_hint=f"check the path of the {what}: ork reads it from "
                                         "a file or a pipe, not a device")
    except OSError as exc:
        raise InputError("file-not-found", f"{path}: {exc.strerror or exc}",
                         hint=f"check the path of the {what}") from exc
    if not data.strip():  # a pipe whose writer failed reads as empty too
        raise InputError("no-documents", f"{path} is empty: it holds no YAML document",
                         span=Span(path, 1, 1, 1, 1),
                         hint=f"check the path of the {what}; when it comes from a command, "
                              "check that the command succeeded")
    return data


def _store(settings: Settings, state: str, *, create: bool = True) -> Any:
    """Open the local store in ``state`` (``create=False``: only one that exists; reading
    a store that is not there is a mistyped --state, not an empty store)."""
    from ..errors import RuntimeError_
    from ..runtime.local import FILENAME, LocalCluster

    if not create and not (settings.cwd / state / FILENAME).is_file():
        raise RuntimeError_("state-unavailable", f"{state}: there is no store here",
                            hint="check --state: `ork run` and `ork apply` create the store "
                                 f"(the default is {DEFAULT_STATE})")
    return LocalCluster(settings.cwd / state)


state_option = click.option("--state", default=DEFAULT_STATE, show_default=True, metavar="DIR",
                            help="Directory of the local backend's store.")


@click.command()
@click.option("--bundle", "bundle_path", required=True, metavar="PATH",
              help="bundle.yaml, a bare ConfigMap, or a directory of its keys.")
@click.option("--lock", "lock_path", metavar="PATH",
              help="Refuse to start unless the bundle was built from this lock.")
@click.option("--backend", type=click.Choice(BACKENDS), default="local", show_default=True)
@state_option
@click.option("--port", type=click.IntRange(0, 65535), default=8080, show_default=True,
              help="HTTP port (0 picks a free one).")
@click.option("--listen", default="127.0.0.1", show_default=True, metavar="ADDR",
              help="Address to bind the HTTP server to.")
@click.option("--cr", "cr_files", multiple=True, metavar="FILE",
              help="Apply these CRs to the backend at start (memory and local).")
@click.option("--kubeconfig", metavar="PATH", help="kube backend: kubeconfig file.")
@click.option("--context", "kube_context", metavar="NAME", help="kube backend: context.")
@click.pass_obj
def run(settings: Settings, bundle_path: str, lock_path: str | None, backend: str, state: str,
        port: int, listen: str, cr_files: tuple[str, ...], kubeconfig: str | None,
        kube_context: str | None) -> None:
    """Run the reconciler on a bundle; its configuration is frozen until restart."""
    import gc
    import signal
    import threading

    gc.enable()  # long-lived, unlike every other command (ork.entry)

    from ..runtime import bundle as bundles
    from ..runtime.app import Runtime

    bundle = bundles.load(settings.cwd / bundle_path,
                          lock=settings.cwd / lock_path if lock_path else None)
    cluster = _backend(settings, backend, state, bundle, kubeconfig, kube_context)
    stop = threading.Event()
    try:
        runtime = Runtime(bundle, cluster, log=lambda m: note(settings, m), host=listen,
                          port=port)
        if backend != "kube":
            _preload(settings, cluster, cr_files)
        previous = {sig: signal.signal(sig, lambda *_: stop.set())
                    for sig in (signal.SIGTERM, signal.SIGINT)}
        runtime.serve()
        host, bound = runtime.server.address
        note(settings, f"serving {bundle.source} ({bundle.katalog_digest[:19]}…) on "
                       f"http://{host}:{bound} with the {backend} backend")
        elector = _elect(settings, backend, cluster, bundle, stop)
        if not stop.is_set():
            runtime.start_controller()
            stop.wait()
        note(settings, "stopping: finishing in-flight reconciles")
        runtime.stop()
        if elector is not None:
            elector.release()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    finally:
        cluster.close()


def _backend(settings: Settings, backend: str, state: str, bundle: Any,
             kubeconfig: str | None, context: str | None) -> Any:
    if backend == "memory":
        from ..runtime.memory import MemoryCluster

        return MemoryCluster()
    if backend == "local":
        from ..runtime import kubectl
        from ..runtime.config import build

        store = _store(settings, state)
        try:
            store.claim_runner()
            kubectl.register(store, build(bundle.katalog))
        except BaseException:
            store.close()
            raise
        return store
    from ..runtime.config import build
    from ..runtime.kube import KubeCluster, load_client

    config = build(bundle.katalog)
    kubeconfig = kubeconfig or settings.env.get("KUBECONFIG") or None
    return KubeCluster(load_client(kubeconfig, context),
                       {c.gk: c.api_version for c in config.crds})


def _preload(settings: Settings, cluster: Any, cr_files: tuple[str, ...]) -> None:
    from ..runtime import kubectl
    from ..runtime.objects import Key

    for path in cr_files:
        for obj in kubectl.read_objects(_read(settings, path, "CR file"), path):
            if cluster.get(Key.of(obj)) is None:
                cluster.create(obj)


def _elect(settings: Settings, backend: str, cluster: Any, bundle: Any, stop: Any) -> Any:
    """kube backend: block until this process holds the Katalog's Lease."""
    if backend != "kube":
        return None
    import os
    import socket

    from ..runtime.leader import Elector

    name = f"orkestra-{bundle.katalog.metadata.name}"
    identity = f"{socket.gethostname()}-{os.getpid()}"
    elector = Elector(cluster, bundle.namespace or "default", name, identity)
    def lost() -> None:
        note(settings, f"lost the lease {name}; stopping")
        stop.set()

    if elector.acquire(stop, lambda: note(settings, f"waiting for the lease {name}")):
        elector.keep(lost)
    return elector


@click.command()
@click.option("-f", "--file", "sim_file", metavar="FILE", help="A Simulate document.")
@click.option("--bundle", "bundle_path", metavar="PATH", help="Simulate this bundle.")
@click.option("--lock", "lock_path", metavar="PATH", help="Verify the bundle against a lock.")
@click.option("--cr", "cr_files", multiple=True, metavar="FILE", help="CR file (repeatable).")
@click.option("--cycles", type=click.IntRange(min=1), help="Cycles to run (default 10).")
@click.option("--output", "fmt", type=click.Choice(["text", "yaml", "json"]), default="text",
              show_default=True)
@click.pass_obj
def simulate(settings: Settings, sim_file: str | None, bundle_path: str | None,
             lock_path: str | None, cr_files: tuple[str, ...], cycles: int | None,
             fmt: str) -> None:
    """Reconcile CRs for some cycles in memory; print the writes and check expectations."""
    from ..errors import RuntimeError_, UsageError
    from ..runtime import bundle as bundles
    from ..runtime import kubectl, report
    from ..runtime import simulate as sim

    if (sim_file is None) == (bundle_path is None):
        raise UsageError("usage", "pass either -f SIMULATE.yaml or --bundle B --cr CR…",
                         hint="ork simulate -f simulate.yaml, or ork simulate --bundle "
                              "bundle.yaml --cr cr.yaml")
    expect: Any = None
    workloads: tuple[Workload, ...] = ()
    lock = settings.cwd / lock_path if lock_path else None
    if sim_file is not None:
        if cr_files:
            raise UsageError("usage", "-f takes its CRs from the Simulate file; --cr goes with "
                             "--bundle", hint="list the CRs under the Simulate's spec.cr or "
                                              "spec.crFiles, or drop -f and pass --bundle")
        bundle, crs, spec_cycles, expect, workloads = _from_simulate(settings, sim_file, lock)
        cycles = cycles or spec_cycles
    else:
        assert bundle_path is not None
        if not cr_files:
            raise UsageError("usage", "--bundle needs at least one --cr FILE",
                             hint="ork simulate --bundle bundle.yaml --cr cr.yaml, or "
                                  "ork simulate -f simulate.yaml")
        bundle = bundles.load(settings.cwd / bundle_path, lock=lock)
        crs = [o for p in cr_files for o in kubectl.read_located(_read(settings, p, "CR"), p)]
    result = sim.run(bundle, [o for o, _ in crs], cycles=cycles or sim.DEFAULT_CYCLES,
                     expect=expect, workloads=workloads, spans=[s for _, s in crs])
    render = {"text": report.text, "yaml": report.yaml, "json": report.to_json}[fmt]
    click.echo(render(result), nl=False)
    if result.failures:
        if fmt != "text":
            click.echo("\n".join(report.failures(result)), err=True)
        raise RuntimeError_("simulation-failed",
                            f"{len(result.failures)} expectation(s) of the simulation failed",
                            hint="the report above says which, per cycle; fix the Katalog or "
                                 "the expectation")


def _from_simulate(settings: Settings, path: str,
                   lock: Path | None) -> tuple[Any, list[tuple[Any, Any]], int | None, Any,
                                               tuple[Workload, ...]]:
    """Return the bundle (verified against ``lock`` when given), the CRs, the cycles, the
    expectations and the workloads of a Simulate file."""
    from dataclasses import replace

    from .. import yamlsrc
    from ..errors import InputError, Loc, OrkError, Span
    from ..kinds import Simulate, parse_document
    from ..runtime import bundle as bundles
    from ..runtime import kubectl

    docs = yamlsrc.load(_read(settings, path, "Simulate file"), path)
    try:
        model = parse_document(docs[0].value, Loc(path, 0)).model if docs else None
    except OrkError as err:  # shape errors carry document paths: point them into the file
        raise type(err).of(
            replace(d, span=d.span or _span(docs[0], path, d.loc.path if d.loc else ()))
            for d in err.diagnostics) from err
    where = Span(path, 1, 1)
    if not isinstance(model, Simulate):
        raise InputError("unknown-kind", f"{path} is not a Simulate document", span=where,
                         hint="a Simulate file starts with `kind: Simulate` (docs/runtime.md); "
                              "to simulate a bundle directly, use --bundle and --cr")
    spec = model.spec
    base = (settings.cwd / path).parent
    sources = [s for s in (spec.katalog, spec.komposer, spec.bundle) if s]
    if len(sources) != 1:
        raise InputError("missing-field", "a Simulate needs exactly one of spec.katalog, "
                         "spec.komposer and spec.bundle", span=where,
                         hint="name the Katalog, Komposer or bundle to simulate, e.g. "
                              "`katalog: katalog.yaml` under spec")
    if spec.cycles is not None and spec.cycles < 1:
        raise InputError("invalid-value", f"spec.cycles must be at least 1, not {spec.cycles}",
                         span=_span(docs[0], path, ("spec", "cycles")),
                         hint="leave it out to run 10 cycles")
    if spec.bundle:
        bundle = bundles.load(base / spec.bundle, lock=lock)
    else:
        bundle = bundles.from_bytes(_compile(settings, base / sources[0]), "bundle.yaml",
                                    lock=_read(settings, str(lock), "lock") if lock else None)
    names = ([spec.cr] if spec.cr else []) + list(spec.cr_files or ())
    if not names:
        raise InputError("missing-field", "a Simulate needs spec.cr or spec.crFiles",
                         span=where, hint="name the custom resources to reconcile, e.g. "
                                          "`cr: cr.yaml` under spec")
    crs = [o for n in names
           for o in kubectl.read_located(_read(settings, str(base / n), "CR"), n)]
    workloads = spec.workloads or ()
    _check_workloads(workloads, lambda *p: _span(docs[0], path, ("spec", "workloads", *p)))
    return bundle, crs, spec.cycles, spec.expect, workloads


def _span(doc: Document, path: str, at: tuple[str | int, ...]) -> Span:
    """Return the span of a path in a document, or of its nearest written ancestor."""
    from .. import yamlsrc
    from ..errors import Span

    while at and at not in doc.spans:
        at = at[:-1]
    return yamlsrc.span_of(path, doc.spans[at]) if at in doc.spans else Span(path, 1, 1)


def _check_workloads(workloads: Sequence[Workload],
                     span: Callable[[int, str], Span]) -> None:
    """Refuse a ``workloads`` entry the simulation cannot apply, at the field that is wrong.

    Raises:
        OrkError: invalid-value, every problem at once.
    """
    from ..errors import Collector, InputError
    from ..runtime.simulate import WORKLOADS

    errors = Collector()

    def bad(i: int, field: str, message: str, hint: str) -> None:
        errors.add(InputError("invalid-value", message, span=span(i, field), hint=hint))

    for i, w in enumerate(workloads):
        kind = w.resource.lower()
        if kind not in WORKLOADS:
            bad(i, "resource", f"{w.resource!r} is not a workload the simulation can hold back",
                "one of deployments, statefulSets, jobs")
        elif kind == "jobs" and (w.ready_replicas is not None or w.job is None):
            bad(i, "readyReplicas" if w.ready_replicas is not None else "resource",
                f"a Job's state is `job`, not readyReplicas ({w.name})",
                "job: succeeded, failed or active")
        elif kind != "jobs" and (w.job is not None or w.ready_replicas is None):
            bad(i, "job" if w.job is not None else "resource",
                f"a {w.resource} entry's state is readyReplicas ({w.name})",
                "readyReplicas: the number of ready replicas, 0 or more")
        elif w.ready_replicas is not None and w.ready_replicas < 0:
            bad(i, "readyReplicas", f"readyReplicas must be 0 or more, not {w.ready_replicas}",
                "readyReplicas: 0 holds every replica back")
        if w.until_cycle is not None and w.until_cycle < 1:
            bad(i, "untilCycle", f"untilCycle must be 1 or more, not {w.until_cycle}",
                "leave it out to hold the state for the whole simulation")
    errors.raise_if_any()


def _compile(settings: Settings, entry: Path) -> bytes:
    """Compile a Katalog or Komposer into bundle bytes, in memory (nothing is written)."""
    from .. import api
    from .build import make_context, options_for, project_for

    project = project_for(settings, (str(entry),))
    options = options_for(settings)
    result = api.generate_bundle(project, options, make_context(settings), output=None,
                                 write_lock=False)
    print_warnings(settings, result.warnings)
    settings.root = None
    return bytes(result.bundle)


@click.command()
@click.option("-f", "--file", "files", multiple=True, required=True, metavar="FILE",
              help="Objects to create or update (repeatable).")
@state_option
@click.pass_obj
def apply(settings: Settings, files: tuple[str, ...], state: str) -> None:
    """Create or update objects in the local store (ork run notices them)."""
    from ..runtime import kubectl

    objects = [o for f in files for o in kubectl.read_objects(_read(settings, f, "file"), f)]
    store = _store(settings, state)
    try:
        for line in kubectl.apply(store, objects, {}):
            click.echo(line)
    finally:
        store.close()


@click.command()
@click.argument("kind")
@click.argument("name", required=False)
@click.option("-n", "--namespace", metavar="NS", help="Only this namespace (default: all).")
@click.option("-o", "--output", "fmt", type=click.Choice(["table", "yaml", "json"]),
              default="table", show_default=True)
@state_option
@click.pass_obj
def get(settings: Settings, kind: str, name: str | None, namespace: str | None, fmt: str,
        state: str) -> None:
    """Print objects of the local store: a table, YAML or JSON."""
    from .. import yamlout
    from ..runtime import kubectl

    store = _store(settings, state, create=False)
    try:
        gk = kubectl.resolve(kind, store.names(), store.kinds())
        objects = store.list(gk, namespace)
    finally:
        store.close()
    if name is not None:
        objects = [kubectl.pick(objects, kind, name)]
    value: Any = objects[0] if name is not None else {"apiVersion": "v1", "kind": "List",
                                                      "items": objects}
    if fmt == "yaml":
        click.echo(yamlout.dump(value), nl=False)
    elif fmt == "json":
        click.echo(json.dumps(value, indent=2, ensure_ascii=False))
    else:
        click.echo(kubectl.table(objects), nl=False)


@click.command()
@click.argument("kind")
@click.argument("name")
@click.option("-n", "--namespace", metavar="NS", help="The object's namespace (default: the "
              "only one holding NAME).")
@state_option
@click.pass_obj
def delete(settings: Settings, kind: str, name: str, namespace: str | None, state: str) -> None:
    """Delete an object from the local store (finalizers run first under ork run)."""
    from ..runtime import kubectl
    from ..runtime.objects import Key

    store = _store(settings, state, create=False)
    try:
        gk = kubectl.resolve(kind, store.names(), store.kinds())
        key = Key.of(kubectl.pick(store.list(gk, namespace), kind, name))
        store.delete(key)
    finally:
        store.close()
    click.echo(f"{kubectl.display(key, {})} deleted")


COMMANDS = (run, simulate, apply, get, delete)
