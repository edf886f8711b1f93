"""``ork init``: scaffold a project from one of the packs that ship with ork."""

from __future__ import annotations

import click

from .common import Settings, note


@click.command()
@click.argument("directory", required=False, metavar="[DIR]")
@click.option("--pack", metavar="NAME", help="The pack to copy (see --list).")
@click.option("--list", "list_", is_flag=True, help="List the packs and exit.")
@click.option("--force", is_flag=True, help="Overwrite files that already exist.")
@click.pass_obj
def init(settings: Settings, directory: str | None, pack: str | None, list_: bool,
         force: bool) -> None:
    """Copy a pack (a starter project) into DIR (default: the pack's name)."""
    from .. import packs
    from ..errors import UsageError

    if list_:
        for p in packs.available():
            click.echo(f"{p.name:<16} {p.summary}")
        return
    if pack is None:
        raise UsageError("usage", "ork init needs --pack NAME (or --list)",
                         hint="ork init --list shows the packs")
    chosen = packs.find(pack)
    target = settings.cwd / (directory or chosen.name)
    written = packs.copy(chosen, target, force=force)
    note(settings, f"created {directory or chosen.name}/ from pack {chosen.name!r} "
                   f"({len(written)} files); next: cd {directory or chosen.name} and read "
                   "README.md")


COMMANDS = (init,)
