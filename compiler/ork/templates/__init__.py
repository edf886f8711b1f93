"""The template dialect: Go-template syntax, executed through jinja2's sandbox.

=================  ==============================================================
module             one job
=================  ==============================================================
``lexer``          tokens inside ``{{ … }}``
``parser``         template string → syntax tree (:mod:`ast`), with positions
``checks``         build-time checks: functions, arity, ``.inputs``, determinism
``translate``      syntax tree → jinja2 source that indexes constant tables
``engine``         sandboxed environments, the compile cache, ``render``/``evaluate``
``functions``      the function table (``k8s`` holds the Kubernetes helpers)
``values``         Go's printing, truth and comparison rules; ``printf`` its Sprintf
``substitute``     Motif expansion on the tree
``bindings``       how an input's value is written where it lands (literal, template)
``conditions``     condition operators: checked at build, applied at run time
``re2``            RE2 patterns rewritten for Python's re, or refused
=================  ==============================================================

See docs/templates.md for the dialect as users see it.
"""

from __future__ import annotations

from typing import Any

from .checks import check
from .conditions import check_condition, evaluate_condition
from .parser import has_actions
from .problems import Problem, ProblemError
from .substitute import Binding, go_literal, input_names, is_single_action, substitute, with_default
from .values import to_text as format_value


def __getattr__(name: str) -> Any:
    """``evaluate`` and ``render`` import the engine (and jinja2) when first asked for: a
    build runs a template only when a Motif input needs it."""
    if name in ("evaluate", "render"):
        from . import engine

        value = getattr(engine, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "Binding", "Problem", "ProblemError", "check", "check_condition", "evaluate",
    "evaluate_condition", "format_value", "go_literal", "has_actions", "input_names",
    "is_single_action", "render", "substitute", "with_default",
]
