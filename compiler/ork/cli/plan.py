"""``ork plan`` and ``ork why``: what changes at the next restart, and where values came from."""

from __future__ import annotations

import sys

import click

from .build import make_context, options_for, project_for, runtime_namespace
from .common import Settings, build_options, files_option, offline_option, print_warnings


@click.command()
@files_option
@click.option("--bundle", "deployed", required=True, metavar="PATH",
              help="The deployed bundle, a bare ConfigMap, or - for stdin.")
@click.option("--output", "fmt", type=click.Choice(["text", "json", "markdown"]),
              default="text", show_default=True)
@click.option("--detailed-exitcode", is_flag=True,
              help="Exit 0 with no changes, 2 with changes (errors keep their codes).")
@click.option("--locked", is_flag=True, help="Plan exactly what a --locked CI build makes.")
@click.option("--show-secrets", is_flag=True, help="Show values of secrets (masked otherwise).")
@click.option("-n", "--namespace", metavar="NS", help="Runtime namespace of the new bundle. "
              "Default: $ORK_NAMESPACE, else orkestra-system.")
@click.option("--lock", "lock_path", metavar="PATH", help="Lockfile path.")
@offline_option
@build_options
@click.pass_obj
def plan(settings: Settings, files: tuple[str, ...], deployed: str, fmt: str,
         detailed_exitcode: bool, locked: bool, show_secrets: bool, namespace: str | None,
         lock_path: str | None, allow_outside_root: bool, max_file_size: int) -> int:
    """Show what the reconciler will do differently after the next restart."""
    from .. import api, planrender

    ns = runtime_namespace(settings, namespace)  # names -n or ORK_NAMESPACE, as given
    data, name = _read_deployed(settings, deployed, max_file_size)
    settings.extra_sources[name] = data.decode("utf-8", errors="replace")  # for excerpts
    project = project_for(settings, files)
    options = options_for(settings, namespace=ns, lock_path=lock_path,
                          allow_outside_root=allow_outside_root, max_file_size=max_file_size,
                          lock_mode="locked" if locked else "default")
    result = api.plan(project, options, make_context(settings), deployed=data,
                      deployed_name=name, show_secrets=show_secrets)
    render = {"text": planrender.to_text, "json": planrender.to_json,
              "markdown": planrender.to_markdown}[fmt]
    print_warnings(settings, result.warnings)
    click.echo(render(result), nl=False)
    if detailed_exitcode and result.has_changes:
        return 2
    return 0


def _read_deployed(settings: Settings, deployed: str, limit: int) -> tuple[bytes, str]:
    """Return the bytes given to ``--bundle`` (a file, or stdin for ``-``) and their name,
    never more than ``limit`` (``--max-file-size``) of them.

    Raises:
        InputError: file-not-found, invalid-bundle (also for an empty stdin or file) or
            file-too-large.
        UsageError: ``--bundle -`` with nothing piped in (stdin is a terminal).
    """
    from ..errors import InputError, UsageError
    from ..fsio import read_bounded

    hint = ("pass the bundle.yaml that was applied (a bundle is far smaller), or raise "
            "--max-file-size if it is really meant to be this big")

    if deployed == "-":
        stdin = sys.stdin.buffer
        if stdin.isatty():
            raise UsageError("usage", "--bundle - reads the deployed bundle from stdin, but "
                             "nothing is piped in",
                             hint="kubectl get cm orkestra-katalog -n NS -o yaml | "
                                  "ork plan --bundle -")
        data = stdin.read(limit + 1)
        if len(data) > limit:
            raise InputError("file-too-large", f"stdin holds more than the limit of {limit:,} "
                             "bytes", hint=hint)
        if not data.strip():
            raise InputError("invalid-bundle", "the bundle on stdin is empty: nothing was "
                             "piped into --bundle -",
                             hint="pipe the deployed bundle in (`kubectl get cm "
                                  "orkestra-katalog -n NS -o yaml | ork plan --bundle -`), "
                                  "and check that the command before the pipe succeeded")
        return data, "stdin"
    path = settings.cwd / deployed
    try:
        data = read_bounded(path, deployed, limit=limit, hint=hint,
                            special_hint="pass the bundle.yaml that was applied, or pipe "
                                         "it in with --bundle -")
    except FileNotFoundError as exc:
        raise InputError("file-not-found", f"{deployed}: no such file",
                         hint="pass the bundle that is deployed now") from exc
    except OSError as exc:
        raise InputError("invalid-bundle", f"{deployed} cannot be read: {exc.strerror}",
                         hint="pass the bundle.yaml that was applied, or a ConfigMap file")\
            from exc
    if not data.strip():  # say so: a pipe (`--bundle <(kubectl ...)`) whose writer failed
        raise InputError("invalid-bundle", f"{deployed} is empty: it holds no deployed bundle",
                         hint="pass the bundle.yaml that was applied; when it comes from a "
                              "command (`--bundle <(kubectl get cm ...)`), check that the "
                              "command succeeded")
    return data, deployed


@click.command()
@files_option
@click.argument("query", metavar="CRD[.PATH]")
@click.option("--output", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
@build_options
@click.pass_obj
def why(settings: Settings, files: tuple[str, ...], query: str, fmt: str,
        allow_outside_root: bool, max_file_size: int) -> None:
    """Print a value of the resolved Katalog, where it was written, and why."""
    from .. import api

    project = project_for(settings, files)
    options = options_for(settings, allow_outside_root=allow_outside_root,
                          max_file_size=max_file_size, for_bundle=False)
    click.echo(api.why(project, options, make_context(settings), query, output=fmt), nl=False)


COMMANDS = (plan, why)
