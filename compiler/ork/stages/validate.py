"""Stage 3, validate: every problem of the resolved Katalog, sorted, in one report.

The report is the stage's artifact (cached like the others); errors in it stop the build
after this stage, warnings are printed and the build goes on.
"""

from __future__ import annotations

from dataclasses import dataclass

from .. import __version__
from ..canonical import digest
from ..errors import Diagnostic, Loc, OrkError, PathPart
from ..resolved import Resolved
from ..sources import Frozen
from ..stageversions import STAGE_VERSIONS
from ..validation import graph, strings, values


class Report(Frozen):
    """All diagnostics of a resolved Katalog: errors first matter, warnings are kept."""

    diagnostics: tuple[Diagnostic, ...] = ()
    # The CRDs whose values, template strings and conditions were checked and found clean,
    # by check key (:func:`check_key`): the next report need not check them again.
    clean: tuple[str, ...] = ()

    @property
    def errors(self) -> tuple[Diagnostic, ...]:
        """Return the error diagnostics."""
        return tuple(d for d in self.diagnostics if d.severity == "error")


@dataclass(frozen=True)
class Options:
    """What changes the meaning of validation: a bundle refuses ``crdFile``."""

    for_bundle: bool = True


def check_key(resolved_key: str, options: Options) -> str:
    """Return the key of a CRD's own checks: its resolved key (equal keys, equal entry and
    origins: ork.merging.memo), the options, and the versions of ork and of this stage."""
    return digest([__version__, STAGE_VERSIONS["validate"], resolved_key, options.for_bundle])


def run(resolved: Resolved, options: Options, clean: frozenset[str] = frozenset()) -> Report:
    """Return the validation report of a resolved Katalog (never raises for user errors).

    ``clean``: check keys found clean before (the last report's), whose own checks (values,
    strings) are skipped, their entries not even decoded: a rebuild after one Katalog
    changed checks that Katalog's CRDs only. The checks across CRDs read every CRD's
    summary (``Resolved.summaries``).
    """

    def locate(crd: str, path: tuple[PathPart, ...]) -> Loc | None:
        return resolved.origin(crd, path)

    errors: list[OrkError] = []
    errors += graph.check(resolved, locate)
    found_clean = []
    for name in resolved.entries:
        resolved_key = resolved.expansions.get(name)
        key = check_key(resolved_key, options) if resolved_key is not None else None
        if key is not None and key in clean:
            found_clean.append(key)
            continue

        def at(path: tuple[PathPart, ...], name: str = name) -> Loc | None:
            return locate(name, path)

        crd = resolved.entry(name)
        assert crd is not None
        problems = values.check(name, crd, locate, for_bundle=options.for_bundle)
        problems += strings.check_tree(crd.wire(), at, motif_inputs=None)
        errors += problems
        if key is not None and not problems:
            found_clean.append(key)
    diags = [d for e in errors for d in e.diagnostics]
    return Report(diagnostics=tuple(sorted(set(diags), key=_order)),
                  clean=tuple(sorted(found_clean)))


def _order(d: Diagnostic) -> tuple[str, str, tuple[str, ...], str, str]:
    loc = d.loc
    return (d.severity, loc.source if loc else "", tuple(map(str, loc.path)) if loc else (),
            d.code, d.message)
