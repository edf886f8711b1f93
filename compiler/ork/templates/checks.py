"""Build-time checks of a template string (templates.md, "Contexts").

Every problem is reported with its line and column inside the string: syntax,
unsupported constructs, unknown functions (with the nearest name), argument counts,
``.inputs`` outside a Motif, undeclared inputs inside one, and non-deterministic
functions in actions that Motif expansion would evaluate at build time.
"""

from __future__ import annotations

import difflib
import functools

from . import signatures
from .ast import Command, Control, Expr, Field, Ident, Node, Paren, Pipeline, Variable
from .parser import parse
from .problems import Problem, ProblemError, problem_at


def check(source: str, *, motif_inputs: frozenset[str] | None = None) -> list[Problem]:
    """Return every problem of one template string (empty when it is fine).

    ``motif_inputs`` is the set of declared inputs when the string belongs to a Motif,
    or None elsewhere (where ``.inputs`` is an error).
    """
    return list(_check(source, motif_inputs))


@functools.lru_cache(maxsize=16384)
def _check(source: str, motif_inputs: frozenset[str] | None) -> tuple[Problem, ...]:
    """The problems of a string, cached: the same templates recur in every CRD."""
    return tuple(_problems(source, motif_inputs))


def _problems(source: str, motif_inputs: frozenset[str] | None) -> list[Problem]:
    try:
        nodes = parse(source)
    except ProblemError as err:
        return [err.problem]
    problems = function_problems(source, nodes, build=False)
    problems += _input_problems(source, nodes, motif_inputs)
    if motif_inputs is not None:
        problems += _nondeterministic(source, nodes)
    return sorted(set(problems), key=lambda p: (p.line, p.column, p.code))


def _calls(pipe: Pipeline) -> list[tuple[Command, bool]]:
    """Return every command of a pipeline (nested too), and whether a value is piped in."""
    out: list[tuple[Command, bool]] = []
    for i, cmd in enumerate(pipe.cmds):
        out.append((cmd, i > 0))
        for arg in cmd.args:
            if isinstance(arg, Paren):
                out.extend(_calls(arg.pipe))
    return out


def pipes_with_root(nodes: tuple[Node, ...]) -> list[tuple[Pipeline, bool]]:
    """Return every pipeline with whether dot is still the root there."""
    out: list[tuple[Pipeline, bool]] = []
    _collect(nodes, True, out)
    return out


def _collect(nodes: tuple[Node, ...], root: bool, out: list[tuple[Pipeline, bool]]) -> None:
    from .ast import Action

    for node in nodes:
        if isinstance(node, Action):
            out.append((node.pipe, root))
        elif isinstance(node, Control):
            inner = root and node.kind == "if"
            for br in node.branches:
                out.append((br.pipe, root))
                _collect(br.body, inner, out)
            if node.else_body is not None:
                _collect(node.else_body, root, out)


def function_problems(source: str, nodes: tuple[Node, ...], *, build: bool) -> list[Problem]:
    """Return unknown functions, wrong argument counts, and (at build) runtime-only calls."""
    table = signatures.DETERMINISTIC if build else signatures.ALL
    out: list[Problem] = []
    for pipe, _ in pipes_with_root(nodes):
        for cmd, piped in _calls(pipe):
            for i, arg in enumerate(cmd.args):
                if isinstance(arg, Ident):
                    given = (len(cmd.args) - 1 + piped) if i == 0 else 0
                    out += _function(source, arg, given, table, build)
    return out


def _function(source: str, ident: Ident, given: int, table: dict[str, signatures.Arity],
              build: bool) -> list[Problem]:
    name = ident.name
    if build and name in signatures.NONDETERMINISTIC:
        return [problem_at(source, "nondeterministic-at-build",
                           f"`{name}` gives a different value every time and cannot run "
                           "while compiling", ident.start, ident.end,
                           hint="use it in an action that reads the CR (it then runs in the "
                                "runtime), or bind the value as a Motif input")]
    arity = table.get(name)
    if arity is None:
        known = sorted(signatures.ALL)
        close = difflib.get_close_matches(name, known, n=1, cutoff=0.5)
        hint = f"did you mean `{close[0]}`?" if close else "see docs/templates.md for the functions"
        return [problem_at(source, "unknown-function", f"function {name!r} is not defined",
                           ident.start, ident.end, hint=hint)]
    least, most = arity
    if given < least or (most is not None and given > most):
        want = (str(least) if most == least else f"at least {least}" if most is None else
                f"{least} to {most}")
        return [problem_at(source, "wrong-argument-count",
                           f"`{name}` takes {want} argument(s), got {given}", ident.start,
                           ident.end, hint="a piped value counts as the last argument")]
    return []


def input_refs(expr: Expr, root: bool) -> list[tuple[Expr, str]]:
    """Return (expression, input name) for each Motif input an expression reads.

    ``.inputs.X`` reads input X only where dot is still the root; ``$.inputs.X`` always
    does. The name is "" for ``.inputs`` itself (the whole map).
    """
    if isinstance(expr, Field) and root and expr.names[:1] == ("inputs",):
        return [(expr, expr.names[1] if len(expr.names) > 1 else "")]
    if isinstance(expr, Variable) and expr.name == "" and expr.names[:1] == ("inputs",):
        return [(expr, expr.names[1] if len(expr.names) > 1 else "")]
    if isinstance(expr, Paren):
        return [r for cmd in expr.pipe.cmds for a in cmd.args for r in input_refs(a, root)]
    return []


def _input_problems(source: str, nodes: tuple[Node, ...],
                    motif_inputs: frozenset[str] | None) -> list[Problem]:
    out: list[Problem] = []
    for pipe, root in pipes_with_root(nodes):
        for cmd in pipe.cmds:
            for arg in cmd.args:
                for expr, name in input_refs(arg, root):
                    out += _input(source, expr, name, motif_inputs)
    return out


def _input(source: str, expr: Expr, name: str,
           motif_inputs: frozenset[str] | None) -> list[Problem]:
    if motif_inputs is None:
        return [problem_at(source, "inputs-outside-motif",
                           "`.inputs` only exists inside a Motif", expr.start, expr.end,
                           hint="read the CR instead (`.spec.…`), or move this into a Motif "
                                "and bind the input where the Motif is imported")]
    if name and name not in motif_inputs:
        close = difflib.get_close_matches(name, sorted(motif_inputs), n=1)
        listing = ", ".join(sorted(motif_inputs)) or "none"
        return [problem_at(source, "undeclared-input", f"input {name!r} is not declared",
                           expr.start, expr.end,
                           hint=(f"did you mean `{close[0]}`? " if close else "")
                           + f"declared inputs: {listing}")]
    return []


def _nondeterministic(source: str, nodes: tuple[Node, ...]) -> list[Problem]:
    """Runtime-only calls in actions that only read inputs and literals (build-evaluated)."""
    from .substitute import is_static_pipe

    out: list[Problem] = []
    for pipe, root in pipes_with_root(nodes):
        if not is_static_pipe(pipe, root):
            continue
        for cmd, _ in _calls(pipe):
            for arg in cmd.args:
                if isinstance(arg, Ident) and arg.name in signatures.NONDETERMINISTIC:
                    out.append(problem_at(
                        source, "nondeterministic-at-build",
                        f"`{arg.name}` would run while compiling this Motif, where it is not "
                        "available", arg.start, arg.end,
                        hint="Motif actions that read only inputs and literals are evaluated "
                             "at build time; read the CR in this action to defer it"))
    return out
