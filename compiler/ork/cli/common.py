"""What every command shares: settings read from the environment, printing, options.

This is the only module that reads ``os.environ`` (besides the CLI's entry point).
"""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import click

from ..errors import Diagnostic, OrkError

F = TypeVar("F", bound=Callable[..., Any])
MAX_EXCERPT_SOURCE = 16 * 1024 * 1024


@dataclass
class Settings:
    """Global flags and the environment, resolved once."""

    env: dict[str, str]
    cwd: Path
    argv: tuple[str, ...] = ()
    debug: bool = False
    quiet: bool = False
    no_color: bool = False
    json_errors: bool = False
    root: Path | None = None  # the project root of the current command, for excerpts
    extra_sources: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_environment(cls, argv: Sequence[str]) -> Settings:
        """Return settings from ``os.environ`` and the raw arguments."""
        return cls(env=dict(os.environ), cwd=Path.cwd(), argv=tuple(argv),
                   debug="--debug" in argv)

    @property
    def color(self) -> bool:
        """Return whether stderr gets colour."""
        return (not self.no_color and "NO_COLOR" not in self.env and sys.stderr.isatty())

    @property
    def cache_dir(self) -> Path:
        """Return ``ORK_CACHE_DIR``, else ``$XDG_CACHE_HOME/ork``, else ``~/.cache/ork``."""
        if self.env.get("ORK_CACHE_DIR"):
            return Path(self.env["ORK_CACHE_DIR"])
        if self.env.get("XDG_CACHE_HOME"):
            return Path(self.env["XDG_CACHE_HOME"]) / "ork"
        return Path.home() / ".cache" / "ork"

    def source_text(self, path: str) -> str | None:
        """Return the text of a file a diagnostic points at, for the caret excerpt."""
        if path in self.extra_sources:
            return self.extra_sources[path]
        # Sources are named relative to the project root; a file outside it (a --lock
        # elsewhere) as the user gave it, relative to the working directory.
        for base in dict.fromkeys((self.root or self.cwd, self.cwd)):
            try:
                st = (base / path).stat()
            except (OSError, ValueError):
                continue
            if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_EXCERPT_SOURCE:
                return None  # not worth reading a huge file, nor a device without end
            try:
                return (base / path).read_text("utf-8-sig")
            except (OSError, UnicodeDecodeError, ValueError):
                return None
        return None


def print_error(settings: Settings, exc: OrkError) -> None:
    """Print an error's diagnostics: JSON on stdout under ``--output json``, else text."""
    from ..diagnostics import dumps_json, render_text

    if settings.json_errors:
        click.echo(dumps_json(list(exc.diagnostics)), nl=False)
        return
    click.echo(render_text(exc.diagnostics, settings.source_text, color=settings.color),
               err=True, nl=False)
    errors = sum(1 for d in exc.diagnostics if d.severity == "error")
    if errors > 1:
        click.echo(f"{errors} errors", err=True)


def print_warnings(settings: Settings, warnings: Sequence[Diagnostic]) -> None:
    """Print warnings to stderr unless ``--quiet``."""
    if settings.quiet or not warnings:
        return
    from ..diagnostics import render_text

    click.echo(render_text(warnings, settings.source_text, color=settings.color), err=True,
               nl=False)


def note(settings: Settings, message: str) -> None:
    """Print a progress or summary line to stderr unless ``--quiet``."""
    if not settings.quiet:
        click.echo(message, err=True)


def files_option(func: F) -> F:
    """``-f FILE`` (repeatable): the entry files."""
    return click.option("-f", "--file", "files", multiple=True, metavar="FILE",
                        help="Entry file (repeatable). Default: komposer.yaml, then "
                             "katalog.yaml in the current directory.")(func)


def offline_option(func: F) -> F:
    """``--offline``: no network registry for this command (as ``ORK_OFFLINE=1``)."""

    def offline(ctx: click.Context, _param: click.Parameter, value: bool) -> bool:
        if value:
            ctx.ensure_object(Settings).env["ORK_OFFLINE"] = "1"
        return value

    return click.option("--offline", is_flag=True, expose_value=False, callback=offline,
                        help="Never contact a network registry: use the cache, the embedded "
                             "registry and oci-layout directories (also ORK_OFFLINE=1).")(func)


def build_options(func: F) -> F:
    """Options every command that compiles takes."""
    func = click.option("--allow-outside-root", is_flag=True,
                        help="Allow file imports outside the entry file's directory.")(func)
    func = click.option("--max-file-size", type=click.IntRange(min=1), default=8 * 1024 * 1024,
                        show_default=True, metavar="BYTES",
                        help="Refuse source files larger than this.")(func)
    return func
