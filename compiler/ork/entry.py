"""The ``ork`` console script: the warm no-op fast path first, then the full CLI.

Kept tiny on purpose: ``ork --version`` and a cached ``ork generate bundle`` must not pay
for importing click, pydantic, PyYAML, jinja2 or networkx.
"""

from __future__ import annotations

import gc
import sys


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
    from .cli import main as full

    return full(args)
