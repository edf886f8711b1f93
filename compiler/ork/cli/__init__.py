"""The ``ork`` command line: click only. Parse flags, call :mod:`ork.api`, print, exit.

Exit codes are decided here and nowhere else (SPEC §5): the class of an
:class:`~ork.errors.OrkError` gives its code; a click usage error is 64; anything else
is a bug (70), reported in one line (with the traceback only under ``--debug``).
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Sequence

import click

from .. import __version__
from ..errors import OrkError
from .common import Settings, print_error

# The module of each command (each module exports COMMANDS). A command's module is
# imported when the command is asked for: a build loads cli.build, not the modules of
# lock, plan, the registry or the runtime (tests/cli/test_lazy_imports.py). The table is
# checked against every module's COMMANDS by tests/cli/test_reference.py.
COMMAND_MODULES = {
    "apply": "runtime", "delete": "runtime", "generate": "build", "get": "runtime",
    "graph": "build", "init": "init", "inspect": "registry", "lock": "lock", "plan": "plan",
    "pull": "registry", "push": "registry", "registry": "registry", "run": "runtime",
    "simulate": "runtime", "template": "build", "validate": "build", "vendor": "registry",
    "why": "plan",
}


class LazyGroup(click.Group):
    """A group that imports a command's module when the command is first asked for.

    Click's documented way to load subcommands lazily ("Lazily Loading Subcommands"):
    ``ork --help`` and the README reference list the same commands as an eager group.
    """

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *COMMAND_MODULES})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMAND_MODULES:
            module = importlib.import_module(f"{__name__}.{COMMAND_MODULES[cmd_name]}")
            for command in module.COMMANDS:
                if command.name == cmd_name:
                    self.add_command(command)
        return self.commands.get(cmd_name)


@click.group(cls=LazyGroup,
             context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "--version", prog_name="ork", message="%(prog)s %(version)s")
@click.option("--debug", is_flag=True, help="Print a traceback for internal errors.")
@click.option("--quiet", "-q", is_flag=True, help="Print only results and errors.")
@click.option("--no-color", is_flag=True, help="Never colour output (NO_COLOR is honoured).")
@click.pass_obj
def cli(settings: Settings, debug: bool, quiet: bool, no_color: bool) -> None:
    """Compile Orkestra Katalogs, Komposers and Motifs into a deterministic bundle.

    Reconciliation is continuous; configuration is deliberate.
    """
    settings.debug = settings.debug or debug
    settings.quiet = settings.quiet or quiet
    settings.no_color = settings.no_color or no_color


GLOBAL_FLAGS = ("--debug", "--quiet", "-q", "--no-color")


def _hoist(args: list[str]) -> list[str]:
    """Let the global flags follow the subcommand too (``ork lock -q``): move them first."""
    if "--" in args:
        return args
    flags = [a for a in args if a in GLOBAL_FLAGS]
    return flags + [a for a in args if a not in GLOBAL_FLAGS]


def _usage(exc: click.ClickException) -> OrkError:
    """Return click's complaint as a ``usage`` diagnostic, with the command's help as hint."""
    from ..errors import UsageError

    ctx = getattr(exc, "ctx", None)
    where = ctx.command_path if ctx is not None else "ork"
    what = ("commands and options" if ctx is not None and isinstance(ctx.command, click.Group)
            else "options and arguments")
    return UsageError("usage", exc.format_message(), hint=f"`{where} --help` lists its {what}")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI and return its exit code."""
    args = _hoist(list(argv) if argv is not None else sys.argv[1:])
    settings = Settings.from_environment(args)
    try:
        rv = cli.main(args=args, prog_name="ork", standalone_mode=False, obj=settings)
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        return 130
    except click.ClickException as exc:
        print_error(settings, _usage(exc))
        return 64
    except OrkError as exc:
        print_error(settings, exc)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except Exception:
        if settings.debug:
            import traceback  # only here: its import (linecache, tokenize) costs every command

            traceback.print_exc()
        click.echo(f"ork {__version__}: internal error (a bug in ork, not in your files). "
                   "Please report it with the command you ran; rerun with --debug for the "
                   "traceback.", err=True)
        return 70
    return rv if isinstance(rv, int) else 0
