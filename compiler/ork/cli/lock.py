"""``ork lock``, ``ork lock diff`` and ``ork lock merge-driver``."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import click

from ..errors import InputError
from .common import Settings, build_options, files_option, note


@click.group(invoke_without_command=True)
@files_option
@click.option("--update", "update", multiple=True, metavar="REF",
              help="Re-resolve only this source (by ref or by name); repeatable.")
@click.option("--check", is_flag=True,
              help="Exit 2 and print the diff if `ork lock` would change the file.")
@click.option("--lock", "lock_path", metavar="PATH", help="Lockfile path.")
@build_options
@click.pass_context
def lock(cctx: click.Context, files: tuple[str, ...], update: tuple[str, ...], check: bool,
         lock_path: str | None, allow_outside_root: bool, max_file_size: int) -> int | None:
    """Resolve every source and write ork.lock (pinning each one by digest)."""
    if cctx.invoked_subcommand is not None:
        return None
    from .. import api, lockdiff
    from .build import make_context, options_for, project_for

    settings: Settings = cctx.obj
    project = project_for(settings, files)
    options = options_for(settings, lock_path=lock_path, allow_outside_root=allow_outside_root,
                          max_file_size=max_file_size,
                          lock_mode="update" if update else "fresh", update=update)
    result = api.lock(project, options, make_context(settings), write=not check)
    before = result.before or _empty()
    if check:
        changes = lockdiff.diff(before, result.after)
        if result.before is not None and result.data == _bytes_of(options.lock_file(project)):
            note(settings, "ork.lock is up to date")
            return 0
        click.echo(lockdiff.to_text(changes), nl=False)
        return 2
    name = options.lock_file(project).name
    note(settings, f"{'wrote' if result.wrote else 'unchanged'} {name} "
                   f"({len(result.after.sources)} sources)")
    if result.wrote and result.before is not None:
        click.echo(lockdiff.to_text(lockdiff.diff(before, result.after)), nl=False)
    return 0


def _empty() -> Any:
    from ..lockfile import Lock

    return Lock()


def _bytes_of(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


@lock.command("diff")
@click.argument("old")
@click.argument("new")
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "json"]), default="text",
              show_default=True)
@click.pass_obj
def diff(settings: Settings, old: str, new: str, fmt: str) -> None:
    """Show what changed between two lockfiles (paths, or git:REV:path)."""
    from .. import lockdiff

    changes = lockdiff.diff(_read(settings, old), _read(settings, new))
    render = {"text": lockdiff.to_text, "markdown": lockdiff.to_markdown,
              "json": lockdiff.to_json}[fmt]
    click.echo(render(changes), nl=False)


def _read(settings: Settings, spec: str) -> Any:
    """Return the lock at a path, or at ``git:REV:path`` (an empty lock if git has none)."""
    from ..lockfile import Lock, loads

    if spec.startswith("git:"):
        rev, _, inside = spec[4:].partition(":")
        if not rev or not inside:
            raise InputError("file-not-found", f"{spec!r}: write git:REV:PATH")
        proc = subprocess.run(["git", "show", f"{rev}:{inside}"], cwd=settings.cwd,
                              capture_output=True, check=False)
        if proc.returncode != 0:
            message = proc.stderr.decode("utf-8", "replace").strip()
            if "exists on disk, but not in" in message or "does not exist in" in message:
                return Lock()  # the lock is new in this change
            raise InputError("file-not-found", f"{spec}: {message}",
                             hint="check the revision and the path (relative to the repo root)")
        return loads(proc.stdout, spec)
    path = settings.cwd / spec
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError("file-not-found", f"{spec}: {exc.strerror}") from exc
    return loads(data, spec)


@lock.command("merge-driver")
@click.argument("base", type=click.Path(dir_okay=False))
@click.argument("ours", type=click.Path(dir_okay=False))
@click.argument("theirs", type=click.Path(dir_okay=False))
@click.pass_obj
def merge_driver(settings: Settings, base: str, ours: str, theirs: str) -> int:
    """Git merge driver: merge two ork.lock files entry by entry (writes OURS)."""
    from .. import fsio, lockfile, lockmerge

    def load(p: str) -> Any:
        data = (settings.cwd / p).read_bytes()
        return lockfile.loads(data, p) if data.strip() else lockfile.Lock()

    merged = lockmerge.merge(load(base), load(ours), load(theirs))
    fsio.write_if_changed(settings.cwd / ours, lockfile.dumps(merged.lock))
    if merged.conflicts:
        for ref in merged.conflicts:
            click.echo(f"ork.lock: conflict: {ref} was pinned differently on both sides",
                       err=True)
        click.echo("resolve it with `ork lock --update REF` and commit the result", err=True)
        return 1
    return 0


COMMANDS = (lock,)
