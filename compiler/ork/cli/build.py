"""Commands that compile: ``generate bundle``, ``validate``, ``template``, ``graph``."""

from __future__ import annotations

from typing import Any

import click

from .common import (
    Settings,
    build_options,
    files_option,
    note,
    offline_option,
    print_warnings,
)


def project_for(settings: Settings, files: tuple[str, ...]) -> Any:
    """Return the project of the ``-f`` files (remembering its root for excerpts)."""
    from ..api import Project

    project = Project.from_files(files, settings.cwd)
    settings.root = project.root
    return project


def options_for(settings: Settings, *, lock_path: str | None = None, **kw: Any) -> Any:
    """Return build options; ``lock_path`` is relative to the working directory.

    Raises:
        UsageError: a namespace that is not an RFC 1123 label.
    """
    from ..api import BuildOptions
    from .sources import registry_settings

    if kw.get("namespace") is not None:
        check_namespace(kw["namespace"], "'-n' / '--namespace' (or ORK_NAMESPACE)")
    lock = settings.cwd / lock_path if lock_path else None
    kw.setdefault("source_options", registry_settings(settings).source_options())
    return BuildOptions(lock_path=lock, lock_shown=lock_path or "", **kw)


def runtime_namespace(settings: Settings, given: str | None) -> str:
    """Return the runtime namespace: ``-n``, else ``$ORK_NAMESPACE``, else orkestra-system.

    Raises:
        UsageError: the namespace is not an RFC 1123 label.
    """
    if given is not None:
        return check_namespace(given, "'-n' / '--namespace'")
    if settings.env.get("ORK_NAMESPACE"):
        return check_namespace(settings.env["ORK_NAMESPACE"], "ORK_NAMESPACE")
    return "orkestra-system"


def check_namespace(value: str, source: str) -> str:
    """Return ``value`` if it can name a Kubernetes namespace (an RFC 1123 label).

    Raises:
        UsageError: it cannot; the message names ``source``, the option or variable.
    """
    import re

    from ..errors import UsageError
    from ..validation.values import valid_name

    if valid_name(value):
        return value
    fixed = re.sub(r"[^a-z0-9-]+", "-", value.lower()).strip("-")[:63].strip("-")
    raise UsageError("usage", f"Invalid value for {source}: {value!r} is not a valid namespace",
                     hint="a namespace is an RFC 1123 label: lowercase letters, digits and "
                          "'-', at most 63 characters, starting and ending with a letter or "
                          "digit" + (f" (e.g. {fixed!r})" if fixed else ""))


def make_context(settings: Settings, *, explain: bool = False) -> Any:
    """Return the pipeline context: the cache store, a reporter, the remote sources."""
    from ..pipeline import Context
    from ..store import Store
    from .sources import registry_settings, remote_factory

    def corrupt(digest: str) -> None:
        note(settings, f"warning: discarded a corrupt cache object {digest[:19]}…; "
                       "it will be recomputed")

    store = Store(settings.cache_dir, on_corrupt=corrupt)
    ctx = Context(store=store, remote=remote_factory(registry_settings(settings), store))
    if explain:
        ctx.reporter = _Explain()
    return ctx


class _Explain:
    """``--explain``: one line per stage, hit or miss, with what changed."""

    def stage(self, name: str, hit: bool, key: str, changed: list[str]) -> None:
        from ..pipeline import REASONS

        state = "hit " if hit else "miss"
        if changed and changed[0] in REASONS:
            why = f"  {changed[0]}"
        else:
            why = f"  changed: {', '.join(changed)}" if changed else ""
        click.echo(f"{name:<8} {state} {key[:19]}…{why}", err=True)


@click.group()
def generate() -> None:
    """Generate artifacts from Katalogs and Komposers."""


@generate.command("bundle")
@files_option
@click.option("-o", "--output", default="bundle.yaml", show_default=True, metavar="PATH",
              help="Where to write the bundle; - for stdout.")
@click.option("--lock", "lock_path", metavar="PATH", help="Lockfile path. Default: ork.lock "
              "next to the entry file.")
@click.option("--locked", is_flag=True, help="Use exactly the pins of ork.lock: never resolve a "
              "tag, never write the lock; exit 3 if it does not match the sources.")
@click.option("-n", "--namespace", metavar="NS",
              help="Runtime namespace. Default: $ORK_NAMESPACE, else orkestra-system.")
@click.option("-w", "--workload-namespace", metavar="NS", help="Also create this namespace.")
@click.option("--explain", is_flag=True, help="Show per stage: cache hit or miss, and why.")
@click.option("--check", is_flag=True, help="Compile again under other environments and a "
              "cold cache, and fail if any byte differs. Writes nothing.")
@offline_option
@build_options
@click.pass_obj
def bundle(settings: Settings, files: tuple[str, ...], output: str, lock_path: str | None,
           locked: bool, namespace: str | None, workload_namespace: str | None, explain: bool,
           check: bool, allow_outside_root: bool, max_file_size: int) -> None:
    """Compile the entry files into bundle.yaml and ork.lock."""
    from .. import api
    from ..canonical import sha256, short

    project = project_for(settings, files)
    ns = runtime_namespace(settings, namespace)
    if workload_namespace is not None:
        check_namespace(workload_namespace, "'-w' / '--workload-namespace'")
    # The runtime's namespace is created anyway: the same one as -w is not created twice.
    workload = None if workload_namespace == ns else workload_namespace
    options = options_for(settings, namespace=ns, workload_namespace=workload,
                          allow_outside_root=allow_outside_root, max_file_size=max_file_size,
                          lock_path=lock_path, lock_mode="locked" if locked else "default")
    ctx = make_context(settings, explain=explain)
    if check:
        from .determinism import check_determinism

        check_determinism(settings, project, options, ctx, files)
        return
    target = None if output == "-" else settings.cwd / output
    result = api.generate_bundle(project, options, ctx, output=target, output_shown=output,
                                 lock_shown=lock_path or "")
    print_warnings(settings, result.warnings)
    if target is None:
        click.echo(result.bundle.decode("utf-8"), nl=False)
        return
    state = "wrote" if result.wrote_bundle else "unchanged"
    note(settings, f"{state} {output} ({short(sha256(result.bundle))})")
    _remember(settings, result)


def _remember(settings: Settings, result: Any) -> None:
    """Let the same build, run again, be answered by the fast path (ork.fastpath)."""
    from .. import fastpath
    from ..diagnostics import to_json

    fastpath.record(settings.argv, settings.env, str(settings.cwd), result.files,
                    result.digests[0], result.digests[1], to_json(result.warnings))


@click.command()
@files_option
@click.option("--output", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="How to print diagnostics.")
@build_options
@click.pass_obj
def validate(settings: Settings, files: tuple[str, ...], fmt: str, allow_outside_root: bool,
             max_file_size: int) -> None:
    """Check Katalogs, Komposers and Motifs; report every problem at once."""
    from .. import api
    from ..diagnostics import dumps_json

    settings.json_errors = fmt == "json"
    project = project_for(settings, files)
    options = options_for(settings, allow_outside_root=allow_outside_root,
                       max_file_size=max_file_size, for_bundle=False)
    warnings = api.validate(project, options, make_context(settings))
    if fmt == "json":
        click.echo(dumps_json(warnings), nl=False)
        return
    print_warnings(settings, warnings)
    note(settings, f"ok: {', '.join(project.entries)} valid")


@click.command()
@files_option
@click.option("--crd", metavar="NAME", help="Print only this CRD.")
@click.option("--output", "fmt", type=click.Choice(["yaml", "json"]), default="yaml",
              show_default=True)
@build_options
@click.pass_obj
def template(settings: Settings, files: tuple[str, ...], crd: str | None, fmt: str,
             allow_outside_root: bool, max_file_size: int) -> None:
    """Print the resolved Katalog: imports merged, Motifs expanded."""
    from .. import api

    project = project_for(settings, files)
    options = options_for(settings, allow_outside_root=allow_outside_root,
                       max_file_size=max_file_size, for_bundle=False)
    text = api.template(project, options, make_context(settings), crd=crd, output=fmt)
    click.echo(text, nl=False)


@click.command()
@files_option
@click.option("--format", "fmt", type=click.Choice(["dot", "mermaid"]), default="dot",
              show_default=True)
@click.option("--crds", is_flag=True, help="Draw the CRD dependsOn graph instead of imports.")
@build_options
@click.pass_obj
def graph(settings: Settings, files: tuple[str, ...], fmt: str, crds: bool,
          allow_outside_root: bool, max_file_size: int) -> None:
    """Print the import graph (or the CRD dependency graph)."""
    from .. import api

    project = project_for(settings, files)
    options = options_for(settings, allow_outside_root=allow_outside_root,
                       max_file_size=max_file_size, for_bundle=False)
    click.echo(api.graph(project, options, make_context(settings), fmt=fmt, crds=crds),
               nl=False)


COMMANDS = (generate, validate, template, graph)
