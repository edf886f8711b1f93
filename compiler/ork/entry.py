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
    # A build allocates a few hundred thousand objects that live until it ends (models,
    # parsed documents, the resolved Katalog) and almost never makes cyclic garbage, so
    # the default collector (a pass every 700 allocations, each older pass walking every
    # live object) cost 10-15% of a build. Collect far less often; do not stop collecting:
    # `ork run` is a long-lived process. (Measured in bench/optimisations.md.)
    gc.set_threshold(100_000, 50, 100)
    from .cli import main as full

    return full(args)
