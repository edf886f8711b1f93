"""``ork lock``, ``ork lock diff`` and ``ork lock merge-driver``."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from ..errors import InputError
from .common import Settings, build_options, files_option, note, print_warnings

if TYPE_CHECKING:
    from ..lockfile import Lock


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
    import dataclasses

    from .. import api, lockdiff
    from ..lockfile import Lock
    from .build import make_context, options_for, project_for
    from .sources import registry_settings, remote_factory

    settings: Settings = cctx.obj
    project = project_for(settings, files)
    options = options_for(settings, lock_path=lock_path, allow_outside_root=allow_outside_root,
                          max_file_size=max_file_size,
                          lock_mode="update" if update else "fresh", update=update)
    path = options.lock_file(project)
    ctx = make_context(settings)
    # Every tag it resolves means what the registry says now: offline, that is a miss.
    ctx = dataclasses.replace(ctx, remote=remote_factory(registry_settings(settings),
                                                         ctx.store, fresh_tags=True))
    result = api.lock(project, options, ctx, write=not check)
    on_disk = result.on_disk  # read once: a pipe (`--lock <(...)`) cannot be read again
    print_warnings(settings, result.warnings)
    changes = lockdiff.diff(result.before or Lock(), result.after)
    if check:
        if result.data == on_disk:
            note(settings, f"{path.name} is up to date ({len(result.after.sources)} sources)")
            return 0
        if on_disk is None:
            click.echo(f"{path.name} does not exist (`ork lock` would write it)")
        elif not on_disk.strip():  # say so: a pipe whose writer failed reads as empty
            click.echo(f"{lock_path or path.name} is empty (`ork lock` would write it)")
            return 2
        if changes:
            click.echo(lockdiff.to_text(changes), nl=False)
        elif on_disk is not None:
            click.echo(f"{path.name} pins the same sources but is not in ork's own format "
                       "(`ork lock` would rewrite it)")
        return 2
    note(settings, f"{'wrote' if result.wrote else 'unchanged'} {path.name} "
                   f"({len(result.after.sources)} sources)")
    if result.wrote and result.before is not None and changes:
        click.echo(lockdiff.to_text(changes), nl=False)
    return 0


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


def _read(settings: Settings, spec: str) -> Lock:
    """Return the lock at a path, or at ``git:REV:path`` (an empty lock if git has none).

    Raises:
        InputError: file-not-found, invalid-lock, unsupported-lock-version.
    """
    from ..fsio import read_bounded
    from ..lockfile import Lock, loads
    from ..yamlsrc import DEFAULT_MAX_FILE_SIZE

    if not spec.startswith("git:"):
        try:
            data = read_bounded(settings.cwd / spec, spec, limit=DEFAULT_MAX_FILE_SIZE,
                                hint="a lockfile is far smaller: check the path",
                                special_hint="give a lockfile path, or git:REV:PATH")
        except OSError as exc:
            raise InputError("file-not-found", f"{spec}: {exc.strerror}",
                             hint="give a lockfile path, or git:REV:PATH") from exc
        return loads(data, spec)
    rev, _, inside = spec[4:].partition(":")
    if not rev or not inside:
        raise InputError("file-not-found", f"{spec!r}: write git:REV:PATH",
                         hint="PATH is relative to the repository root (or starts with ./)")
    import subprocess  # here: every command loads this module, few run git

    # git's messages are translated; read them in the C locale.
    env = {**settings.env, "LC_ALL": "C", "LANGUAGE": "C"}
    try:
        proc = subprocess.run(["git", "show", f"{rev}:{inside}"], cwd=settings.cwd, env=env,
                              capture_output=True, check=False)
    except OSError as exc:
        raise InputError("file-not-found", f"{spec}: cannot run git ({exc.strerror})",
                         hint="install git, or compare two lockfile paths") from exc
    if proc.returncode != 0:
        message = proc.stderr.decode("utf-8", "replace").strip()
        if "exists on disk, but not in" in message or "does not exist in" in message:
            return Lock()  # the lock is new in this change: everything is "added"
        raise InputError("file-not-found", f"{spec}: {message}",
                         hint="check the revision and the path (relative to the repo root)")
    return loads(proc.stdout, spec)


@lock.command("merge-driver")
@click.argument("base", type=click.Path(dir_okay=False))
@click.argument("ours", type=click.Path(dir_okay=False))
@click.argument("theirs", type=click.Path(dir_okay=False))
@click.pass_obj
def merge_driver(settings: Settings, base: str, ours: str, theirs: str) -> int:
    """Git merge driver: merge two ork.lock files entry by entry (writes OURS).

    Register it with `git config merge.ork-lock.driver "ork lock merge-driver %O %A %B"`
    and the .gitattributes line `ork.lock merge=ork-lock`. Exit 0 on a clean merge, 1 on a
    conflict (each conflicting ref is named on stderr).
    """
    from .. import fsio, lockfile, lockmerge
    from ..yamlsrc import DEFAULT_MAX_FILE_SIZE

    def load(p: str, side: str) -> Lock:
        try:
            data = fsio.read_bounded(settings.cwd / p, p, limit=DEFAULT_MAX_FILE_SIZE,
                                     hint=f"{side} is not an ork.lock: check the paths git "
                                          "passes as %O %A %B (docs/lock.md shows the "
                                          "driver's set-up)",
                                     special_hint="git passes the three versions as files, "
                                                  "%O %A %B (docs/lock.md shows the "
                                                  "driver's set-up)",
                                     pipe=False)  # OURS is written back
        except OSError as exc:
            raise InputError("file-not-found", f"{side} ({p}): {exc.strerror}",
                             hint="git passes the three versions as %O %A %B (docs/lock.md "
                                  "shows the driver's set-up)") from exc
        return lockfile.loads(data, side) if data.strip() else lockfile.Lock()

    old, mine, other = load(base, "base"), load(ours, "ours"), load(theirs, "theirs")
    merged = lockmerge.merge(old, mine, other)
    fsio.write_if_changed(settings.cwd / ours, lockfile.dumps(merged.lock))
    if not merged.conflicts:
        return 0
    for ref in merged.conflicts:
        click.echo(f"ork.lock: conflict: {ref} was pinned differently on both sides "
                   f"(ours: {_pin(mine, ref)}; theirs: {_pin(other, ref)})", err=True)
    click.echo("ork.lock keeps our pin for each; settle it with `ork lock --update REF`, "
               "review `ork lock diff`, then `git add` the lock", err=True)
    return 1


def _pin(lock: Lock, ref: str) -> str:
    from ..lockdiff import short

    entry = lock.entry(ref)
    return f"{entry.version} {short(entry.digest)}" if entry else "removed"


COMMANDS = (lock,)
