"""The ``ork`` console script: the warm no-op fast path first, then the full CLI.

Kept tiny on purpose: ``ork --version`` and a cached ``ork generate bundle`` must not pay
for importing click, pydantic, PyYAML, jinja2 or networkx.
"""

from __future__ import annotations

import gc
import os
import sys
from typing import NoReturn


def run() -> NoReturn:
    """The console script: run ork, flush what it printed, and end the process at once.

    A command's work is done when :func:`main` returns: every file it wrote is closed and
    renamed into place, and nothing is left for ``atexit``. Ending with ``os._exit`` skips
    the interpreter's teardown, which frees every module, model class and parsed document
    one by one and costs a rebuild of M about 40 ms, more than a tenth of it (measured in
    bench/optimisations.md). If stdout or stderr cannot be flushed (a closed pipe), the
    usual exit reports it.
    """
    code = main()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        sys.exit(code)
    os._exit(code)


def main() -> int:
    """Run ork and return its exit code."""
    args = sys.argv[1:]
    if args == ["--version"]:
        from . import __version__

        sys.stdout.write(f"ork {__version__}\n")
        return 0
    from .fastpath import try_generate

    rc = try_generate(args)
    if rc is not None:
        return rc
    # A command is a short process that keeps most of what it allocates (modules, models,
    # parsed documents, the resolved Katalog) until it ends and makes almost no cyclic
    # garbage: the collector's passes over those live objects cost 10-15% of a build and
    # free nothing. `ork run`, the one long-lived command, turns it back on.
    # (Measured in bench/optimisations.md.)
    gc.disable()
    # Pydantic looks for plugins in the entry points of every installed distribution
    # when it builds its first model; ork uses none, and the scan grows with the
    # environment ork is installed in. (Pydantic's documented switch; a user's setting wins.)
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    from .cli import main as full

    return full(args)
