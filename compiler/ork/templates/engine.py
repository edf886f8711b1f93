"""Execute templates: compile once per source text, run in jinja2's sandbox.

Two environments share one translation: the *build* environment (Motif expansion) has
only the deterministic functions, the *runtime* one adds ``now`` and the random helpers.
Both start from an empty jinja2 namespace — no ``range``, ``lipsum``, ``cycler``,
filters or tests — so the generated code can reach nothing but ork's helpers. A per-render
budget bounds output size and loop iterations, so a hostile template cannot exhaust
memory.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from jinja2 import StrictUndefined, Template, TemplateError
from jinja2.sandbox import SandboxedEnvironment

from . import functions
from .checks import function_problems
from .lexer import INT64
from .parser import has_actions, parse, single_action
from .problems import Problem, ProblemError
from .translate import translate
from .values import MAX_TEXT, ExecError, to_text, truth

MAX_OUTPUT = MAX_TEXT  # characters one render may produce
MAX_ITERATIONS = 100_000  # range iterations one render may run


def get_path(obj: Any, *names: str) -> Any:
    """Return ``obj.a.b`` in Go-template terms: mapping keys only; missing is nil."""
    for name in names:
        if not isinstance(obj, dict):
            return None
        obj = obj.get(name)
    return obj


def _put(cell: list[Any], value: Any) -> str:
    cell[0] = value
    return ""


class _Budget:
    """Counts what one render prints and iterates."""

    def __init__(self) -> None:
        self.out = 0
        self.iterations = 0

    def out_text(self, value: Any) -> str:
        text = to_text(value)
        self.out += len(text)
        if self.out > MAX_OUTPUT:
            raise ExecError(f"template output is larger than {MAX_OUTPUT} characters")
        return text

    def items(self, value: Any) -> list[tuple[Any, Any]]:
        if value is None:
            pairs: list[tuple[Any, Any]] = []
        elif isinstance(value, list | tuple):
            pairs = list(enumerate(value))
        elif isinstance(value, dict):
            pairs = [(k, value[k]) for k in sorted(value)]
        elif isinstance(value, int) and not isinstance(value, bool):
            if value > MAX_ITERATIONS:
                raise ExecError(f"range over {value}: more than {MAX_ITERATIONS} iterations")
            pairs = [(i, i) for i in range(max(value, 0))]
        else:
            raise ExecError(f"range can't iterate over {to_text(value)}")
        self.iterations += len(pairs)
        if self.iterations > MAX_ITERATIONS:
            raise ExecError(f"more than {MAX_ITERATIONS} range iterations")
        return pairs


def _guard(fn: Callable[..., Any], name: str) -> Callable[..., Any]:
    """Wrap a function: foreign errors become ExecError, and no result may be text longer
    than MAX_TEXT or an integer outside int64 (Python's integers never overflow, so
    ``mul`` in a loop would otherwise grow without bound)."""

    def call(*args: Any) -> Any:
        try:
            result = fn(*args)
        except ExecError:
            raise
        except (TypeError, ValueError, OverflowError, RecursionError) as exc:
            raise ExecError(f"{name}: {exc}") from exc
        if isinstance(result, str) and len(result) > MAX_TEXT:
            raise ExecError(f"{name}: the result is larger than {MAX_TEXT} characters")
        if isinstance(result, int) and not INT64[0] <= result <= INT64[1]:
            raise ExecError(f"{name}: integer overflow")
        return result

    return call


def _environment(table: Mapping[str, functions.Function]) -> SandboxedEnvironment:
    env = SandboxedEnvironment(autoescape=False, keep_trailing_newline=True,
                               undefined=StrictUndefined, cache_size=0)
    env.globals.clear()
    env.filters.clear()
    env.tests.clear()
    env.globals.update({f"f_{name}": _guard(f.call, name) for name, f in table.items()})
    env.globals.update({"_g": get_path, "_b": truth, "_put": _put})
    return env


_EXEC_HINT = ("a value the template reads may be missing or of another type: `default` "
              "gives a fallback, and `ork simulate` with the CR shows what it receives")
_ENVS = {True: _environment(functions.DETERMINISTIC), False: _environment(functions.ALL)}


@dataclass(frozen=True)
class Compiled:
    """A compiled template: the jinja2 template and its constant tables."""

    template: Template
    texts: tuple[str, ...]
    consts: tuple[Any, ...]
    native: bool


@functools.lru_cache(maxsize=8192)
def compiled(source: str, *, build: bool, native: bool = False) -> Compiled:
    """Return the compiled form of a template (cached by source text).

    Raises:
        ProblemError: template-syntax, unsupported-template-syntax, unknown-function,
            wrong-argument-count or nondeterministic-at-build.
    """
    nodes = parse(source)
    problems = function_problems(source, nodes, build=build)
    if problems:
        raise ProblemError(problems[0])
    native = native and single_action(nodes) is not None
    tr = translate(nodes, native=native)
    return Compiled(_ENVS[build].from_string(tr.source), tr.texts, tr.consts, native)


def _run(source: str, context: Mapping[str, Any], build: bool, native: bool) -> Any:
    c = compiled(source, build=build, native=native)
    budget = _Budget()
    variables = {"_root": dict(context), "_t": c.texts, "_c": c.consts,
                 "_o": budget.out_text, "_it": budget.items}
    try:
        if c.native:
            return getattr(c.template.make_module(variables), "result", None)
        return c.template.render(variables)
    except ExecError as exc:
        raise ProblemError(Problem("template-execution", str(exc), hint=_EXEC_HINT)) from exc
    except (TemplateError, TypeError, ValueError, RecursionError) as exc:
        raise ProblemError(Problem("template-execution", f"template failed: {exc}",
                                   hint=_EXEC_HINT)) from exc


def render(source: str, context: Mapping[str, Any], *, build: bool = False) -> str:
    """Return a template string executed against a context (Go semantics).

    Raises:
        ProblemError: a problem with the template, or template-execution.
    """
    if not has_actions(source):
        return source
    return str(_run(source, context, build, native=False))


def evaluate(source: str, context: Mapping[str, Any], *, build: bool = False) -> Any:
    """Return the native value when the string is exactly one action, else its text.

    Raises:
        ProblemError: a problem with the template, or template-execution.
    """
    if not has_actions(source):
        return source
    return _run(source, context, build, native=True)
