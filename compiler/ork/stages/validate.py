"""Stage 3, validate: every problem of the resolved Katalog, sorted, in one report.

The report is the stage's artifact (cached like the others); errors in it stop the build
after this stage, warnings are printed and the build goes on.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import Diagnostic, Loc, OrkError, PathPart
from ..resolved import Resolved
from ..sources import Frozen
from ..validation import graph, strings, values


class Report(Frozen):
    """All diagnostics of a resolved Katalog: errors first matter, warnings are kept."""

    diagnostics: tuple[Diagnostic, ...] = ()

    @property
    def errors(self) -> tuple[Diagnostic, ...]:
        """Return the error diagnostics."""
        return tuple(d for d in self.diagnostics if d.severity == "error")


@dataclass(frozen=True)
class Options:
    """What changes the meaning of validation: a bundle refuses ``crdFile``."""

    for_bundle: bool = True


def run(resolved: Resolved, options: Options) -> Report:
    """Return the validation report of a resolved Katalog (never raises for user errors)."""

    def locate(crd: str, path: tuple[PathPart, ...]) -> Loc | None:
        return resolved.origin(crd, path)

    errors: list[OrkError] = []
    errors += values.check(resolved, locate, for_bundle=options.for_bundle)
    errors += graph.check(resolved, locate)
    for name, crd in resolved.katalog.spec.crds.items():
        def at(path: tuple[PathPart, ...], name: str = name) -> Loc | None:
            return locate(name, path)

        errors += strings.check_tree(crd.wire(), at, motif_inputs=None)
    diags = [d for e in errors for d in e.diagnostics]
    diags += values.warnings(resolved)
    return Report(diagnostics=tuple(sorted(set(diags), key=_order)))


def _order(d: Diagnostic) -> tuple[str, str, tuple[str, ...], str, str]:
    loc = d.loc
    return (d.severity, loc.source if loc else "", tuple(map(str, loc.path)) if loc else (),
            d.code, d.message)
