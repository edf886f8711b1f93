"""OCI commands: ``push``, ``pull``, ``inspect``, ``registry build``, ``vendor``.

Thin: parse flags, take the registry settings from :mod:`ork.cli.sources`, call
:mod:`ork.registry`, print. Results go to stdout; progress goes to stderr, and only on a TTY.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click

from .common import Settings, build_options, files_option, note, print_warnings
from .sources import registry_settings

if TYPE_CHECKING:
    from ..registry import RegistrySources

F = TypeVar("F", bound=Callable[..., Any])


def timeout_option(func: F) -> F:
    """``--timeout SECONDS``: connect and read timeout for registries."""
    return click.option("--timeout", type=click.FloatRange(min=0.1), default=None,
                        metavar="SECONDS", help="Registry connect/read timeout. Default: "
                        "$ORK_REGISTRY_TIMEOUT, else 30.")(func)


def _progress(settings: Settings, message: str) -> None:
    if not settings.quiet and sys.stderr.isatty():
        click.echo(message, err=True)


def _sources(settings: Settings, timeout: float | None) -> RegistrySources:
    from ..registry import RegistrySources
    from .build import make_context

    return RegistrySources(registry_settings(settings, timeout=timeout),
                           make_context(settings).store)


@click.command()
@click.argument("ref")
@click.argument("directory", type=click.Path(file_okay=False))
@click.option("--force", is_flag=True, help="Push even if metadata.version differs from the tag.")
@timeout_option
@click.pass_obj
def push(settings: Settings, ref: str, directory: str, force: bool,
         timeout: float | None) -> None:
    """Validate the pattern in DIRECTORY and push it to REF; print the manifest digest."""
    from ..registry import publish
    from .build import make_context

    path = settings.cwd / directory
    settings.root = path  # the pattern compiles as a project rooted at DIRECTORY
    _progress(settings, f"pushing {directory} to {ref}…")
    # REF's oci-layout://DIR is relative to the working directory, as for pull and inspect
    result = publish.push(ref, path, settings=registry_settings(settings, timeout=timeout,
                                                                root=settings.cwd),
                          ctx=make_context(settings), force=force)
    print_warnings(settings, result.warnings)
    click.echo(result.digest)
    note(settings, f"pushed {result.target}")


@click.command()
@click.argument("ref")
@click.option("-o", "--output", "out", metavar="DIR", help="Also write the files here.")
@timeout_option
@click.pass_obj
def pull(settings: Settings, ref: str, out: str | None, timeout: float | None) -> None:
    """Fetch REF into the cache (and DIR); print the manifest digest."""
    from ..registry import pulling

    _progress(settings, f"pulling {ref}…")
    sources = _sources(settings, timeout)
    pulled = pulling.pull(ref, sources, out=settings.cwd / out if out else None)
    print_warnings(settings, sources.warnings)
    click.echo(pulled.manifest.digest)
    if out:
        note(settings, f"wrote {len(pulled.files)} files to {out}")


@click.command()
@click.argument("ref")
@click.option("--output", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
@timeout_option
@click.pass_obj
def inspect(settings: Settings, ref: str, fmt: str, timeout: float | None) -> None:
    """Show an artifact: manifest digest, annotations, files with sizes and digests."""
    from ..registry import pulling

    sources = _sources(settings, timeout)
    info = pulling.describe(pulling.fetch_any(ref, sources))
    print_warnings(settings, sources.warnings)
    click.echo(pulling.describe_json(info) if fmt == "json" else pulling.describe_text(info),
               nl=False)


@click.group()
def registry() -> None:
    """Build OCI layouts of patterns."""


@registry.command("build")
@click.argument("src", type=click.Path(file_okay=False))
@click.option("-o", "--output", "out", required=True, metavar="DIR",
              help="The OCI layout to write (created or updated in place).")
@click.pass_obj
def build_cmd(settings: Settings, src: str, out: str) -> None:
    """Build a reproducible OCI layout of SRC/{katalogs,motifs}/<name>/<version>/."""
    from ..registry.layoutbuild import build_layout

    built = build_layout(settings.cwd / src, settings.cwd / out)
    for name, digest in built:
        click.echo(f"{digest}  {name}")
    note(settings, f"{out}: {len(built)} patterns")


@click.command()
@files_option
@click.option("-o", "--output", "out", required=True, metavar="DIR",
              help="The OCI layout to write.")
@timeout_option
@build_options
@click.pass_obj
def vendor(settings: Settings, files: tuple[str, ...], out: str,
           timeout: float | None, allow_outside_root: bool, max_file_size: int) -> None:
    """Copy every remote source of the project into an OCI layout, for offline builds."""
    from .. import api
    from ..registry import RegistrySources
    from ..registry.vendor import vendor as vendor_into
    from .build import make_context, options_for, project_for

    project = project_for(settings, files)
    ctx = make_context(settings)
    options = options_for(settings, allow_outside_root=allow_outside_root,
                          max_file_size=max_file_size, for_bundle=False)
    fetched = api.fetch(project, options, ctx)
    print_warnings(settings, fetched.warnings)
    sources = RegistrySources(registry_settings(settings, timeout=timeout), ctx.store)
    written = vendor_into(fetched.graph, sources, settings.cwd / out)
    for item in written:
        click.echo(f"{item.digest}  {item.ref_name}")
    note(settings, f"{out}: {len(written)} artifacts; build with ORK_REGISTRY=oci-layout://"
                   f"{out}")


COMMANDS = (push, pull, inspect, registry, vendor)
