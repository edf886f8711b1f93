"""Motif expansion on the parsed template: put input values in, keep the runtime's part.

resolution-and-merge.md, "Motif expansion", step 3. Working action by action on the tree:

* an action that reads only inputs bound to literals (and literals) is evaluated now and
  replaced by its value — a whole string that is one such action returns the value itself
  (so ``replicas: "{{ .inputs.replicas }}"`` can stay an integer);
* an action that is exactly ``{{ .inputs.X }}`` with X bound to a template becomes that
  template's text (``{{ .spec.image }}``);
* any other action that reads inputs keeps running at run time, with each input replaced
  in place: a literal by a Go literal, a template by its pipeline in parentheses;
* an ``if`` whose conditions only read literal inputs keeps just the branch taken; a whole
  ``if``/``with``/``range`` that only reads literal inputs is evaluated now.

Everything else — and every string that reads no inputs — is kept byte for byte.
Substitution happens on the tree, so the result cannot depend on the order of bindings.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .ast import (
    Action,
    Comment,
    Control,
    Expr,
    Field,
    Node,
    Paren,
    Pipeline,
    Text,
    Variable,
)
from .bindings import as_expression, binding_pipe, go_literal, is_operand, placed, with_default
from .checks import input_refs
from .parser import has_actions, parse, single_action
from .problems import Problem, ProblemError, problem_at
from .values import to_text, truth


@dataclass(frozen=True)
class Binding:
    """An input's value, and whether that value is itself a template."""

    value: Any
    is_template: bool = False


@dataclass(frozen=True)
class _Ctx:
    root: bool  # dot is the template root: `.inputs` names the Motif's inputs
    dot_static: bool = False  # dot is a build-time value (inside an evaluated with/range)
    static_vars: frozenset[str] = frozenset()


_ROOT = _Ctx(root=True)


def input_names(source: str) -> set[str]:
    """Return the names of the Motif inputs a template reads ("" for all of them)."""
    try:
        nodes = parse(source)
    except ProblemError:
        return set()
    return _used(nodes, _ROOT)[1]


def is_single_action(source: str) -> bool:
    """Return whether a string is exactly one printing action (``{{ .spec.x }}``)."""
    try:
        return single_action(parse(source)) is not None
    except ProblemError:
        return False


def is_static_pipe(pipe: Pipeline, root: bool) -> bool:
    """Return whether a pipeline reads only Motif inputs and literals (no CR, no variables)."""
    return not _pipe_used(pipe, _Ctx(root=root))[0]


def substitute(source: str, values: Mapping[str, Binding]) -> Any:
    """Return a Motif template with its inputs substituted (see the module docstring).

    Raises:
        ProblemError: a template problem, with its position in ``source``.
    """
    if not has_actions(source):
        return source
    nodes = parse(source)
    sub = _Subst(source, values)
    pieces = sub.nodes(nodes, _ROOT)
    if not sub.changed:
        return source
    if len(pieces) == 1 and isinstance(pieces[0], _Value) and not _has_actions(pieces[0].value):
        return pieces[0].value
    return _assemble(pieces, sub.kept)


def _has_actions(value: Any) -> bool:
    """Whether a build-time value holds ``{{`` (as text it must be escaped, not run)."""
    return "{{" in to_text(value)


# ---------------------------------------------------------------------------------------
# What a tree reads


def _expr_used(expr: Expr, ctx: _Ctx) -> tuple[bool, set[str]]:
    """Return (reads the CR or a runtime variable?, Motif inputs read)."""
    refs = input_refs(expr, ctx.root)
    if refs:
        return False, {name for _, name in refs}
    if isinstance(expr, Field):
        return not ctx.dot_static, set()
    if isinstance(expr, Variable):
        return expr.name == "" or expr.name not in ctx.static_vars, set()
    if isinstance(expr, Paren):
        return _pipe_used(expr.pipe, ctx)
    return False, set()


def _pipe_used(pipe: Pipeline, ctx: _Ctx) -> tuple[bool, set[str]]:
    runtime, used = False, set[str]()
    for cmd in pipe.cmds:
        for arg in cmd.args:
            r, u = _expr_used(arg, ctx)
            runtime, used = runtime or r, used | u
    return runtime, used


def _used(nodes: tuple[Node, ...], ctx: _Ctx) -> tuple[bool, set[str]]:
    runtime, used = False, set[str]()
    for node in nodes:
        if isinstance(node, Action):
            r, u = _pipe_used(node.pipe, ctx)
            if node.pipe.decl and not r:
                ctx = _Ctx(ctx.root, ctx.dot_static, ctx.static_vars | set(node.pipe.decl))
        elif isinstance(node, Control):
            r, u = _control_used(node, ctx)
        else:
            continue
        runtime, used = runtime or r, used | u
    return runtime, used


def _control_used(node: Control, ctx: _Ctx) -> tuple[bool, set[str]]:
    runtime, used = False, set[str]()
    for br in node.branches:
        r, u = _pipe_used(br.pipe, ctx)
        inner = ctx
        if br.pipe.decl and not r:
            inner = _Ctx(ctx.root, ctx.dot_static, ctx.static_vars | set(br.pipe.decl))
        if node.kind != "if":
            inner = _Ctx(False, not r, inner.static_vars)
        rb, ub = _used(br.body, inner)
        runtime, used = runtime or r or rb, used | u | ub
    if node.else_body is not None:
        r, u = _used(node.else_body, ctx)
        runtime, used = runtime or r, used | u
    return runtime, used


# ---------------------------------------------------------------------------------------
# Substitution


@dataclass(frozen=True)
class _Text:
    node: Text


@dataclass(frozen=True)
class _Value:
    value: Any


@dataclass(frozen=True)
class _Raw:
    text: str  # template text kept or produced (an action, a binding's template)


Piece = _Text | _Value | _Raw


@dataclass
class _Subst:
    source: str
    values: Mapping[str, Binding]
    kept: set[int] = field(default_factory=set)  # starts of actions kept with their trims
    changed: bool = False

    def literal_inputs(self) -> dict[str, Any]:
        return {k: b.value for k, b in self.values.items() if not b.is_template}

    def all_literal(self, used: set[str]) -> bool:
        if "" in used:
            return all(not b.is_template for b in self.values.values())
        return all(name in self.values and not self.values[name].is_template for name in used)

    def nodes(self, nodes: tuple[Node, ...], ctx: _Ctx) -> list[Piece]:
        out: list[Piece] = []
        for node in nodes:
            if isinstance(node, Text):
                out.append(_Text(node))
            elif isinstance(node, Comment):
                self.kept.add(node.delims.start)
                out.append(_Raw(self.source[node.delims.start:node.delims.end]))
            elif isinstance(node, Action):
                out.extend(self.action(node, ctx))
            else:
                out.extend(self.control(node, ctx))
        return out

    def evaluate(self, start: int, end: int, *, native: bool) -> Any:
        from .engine import evaluate, render  # jinja2: only when a template must run now

        text = self.source[start:end]
        try:
            ctx = {"inputs": self.literal_inputs()}
            if native:
                return evaluate(text, ctx, build=True)
            return render(text, ctx, build=True)
        except ProblemError as err:
            p = err.problem
            offset = start if p.line == 0 and p.column == 0 else start + _offset(text, p)
            raise ProblemError(problem_at(self.source, p.code, p.message, offset,
                                          offset + p.length, p.hint)) from err

    def action(self, node: Action, ctx: _Ctx) -> list[Piece]:
        d = node.delims
        runtime, used = _pipe_used(node.pipe, ctx)
        if not node.pipe.decl and not runtime and self.all_literal(used):
            self.changed = True
            read = self.whole_input(node.pipe, ctx)
            if read is not None:  # `{{ .inputs.X }}`: the value itself, as the engine gives it
                return [_Value(read.value)]
            return [_Value(self.evaluate(d.start, d.end, native=True))]
        binding = self.whole_binding(node.pipe, ctx)
        if not node.pipe.decl and binding is not None:
            self.changed = True
            return [_Raw(placed(str(binding.value), root=ctx.root))]
        self.kept.add(d.start)
        if not used:
            return [_Raw(self.source[d.start:d.end])]
        self.changed = True
        return [_Raw(self.delimited(d.trim_left, self.pipe(node.pipe, ctx), d.trim_right))]

    def whole_binding(self, pipe: Pipeline, ctx: _Ctx) -> Binding | None:
        """The binding when a pipeline is exactly one template-bound input."""
        if len(pipe.cmds) != 1 or len(pipe.cmds[0].args) != 1:
            return None
        refs = input_refs(pipe.cmds[0].args[0], ctx.root)
        if len(refs) != 1:
            return None
        expr, name = refs[0]
        depth = len(expr.names) if isinstance(expr, Field | Variable) else 0
        b = self.values.get(name)
        if b is None or not b.is_template or depth != 2:
            return None
        return b

    def whole_input(self, pipe: Pipeline, ctx: _Ctx) -> Binding | None:
        """The binding when a pipeline is exactly one bound input, read whole
        (``.inputs.X`` or ``$.inputs.X``, nothing applied to it)."""
        if len(pipe.cmds) != 1 or len(pipe.cmds[0].args) != 1:
            return None
        arg = pipe.cmds[0].args[0]
        if not isinstance(arg, Field | Variable) or len(arg.names) != 2:
            return None
        refs = input_refs(arg, ctx.root)
        return self.values.get(refs[0][1]) if refs else None

    def delimited(self, trim_left: bool, body: str, trim_right: bool) -> str:
        return "{{" + ("- " if trim_left else " ") + body + (" -" if trim_right else " ") + "}}"

    def pipe(self, pipe: Pipeline, ctx: _Ctx) -> str:
        """Return a pipeline's text with every input read replaced in place."""
        whole = self.whole_binding(pipe, ctx)
        if whole is not None and not pipe.decl:
            return binding_pipe(placed(str(whole.value), root=ctx.root), self.source, pipe)
        edits: list[tuple[int, int, str]] = []
        for cmd in pipe.cmds:
            for arg in cmd.args:
                for expr, name in input_refs(arg, ctx.root):
                    edits.append((expr.start, expr.end, self.replacement(expr, name, ctx)))
        text = self.source[pipe.start:pipe.end]
        for start, end, new in sorted(edits, reverse=True):
            text = text[:start - pipe.start] + new + text[end - pipe.start:]
        if pipe.decl:
            names = ", ".join("$" + n for n in pipe.decl)
            return f"{names} {'=' if pipe.assign else ':='} {text}"
        return text

    def replacement(self, expr: Expr, name: str, ctx: _Ctx) -> str:
        names = expr.names[2:] if isinstance(expr, Field | Variable) else ()
        if name == "":
            return go_literal(self.literal_inputs())
        b = self.values.get(name)
        if b is None:
            raise ProblemError(problem_at(self.source, "undeclared-input",
                                          f"input {name!r} is not declared", expr.start,
                                          expr.end, hint="declare it under the Motif's "
                                                         "`inputs:`"))
        if not b.is_template:
            value = b.value
            for key in names:
                value = value.get(key) if isinstance(value, dict) else None
            return go_literal(value)
        inner = as_expression(placed(str(b.value), root=ctx.root), name, self.source, expr)
        if not is_operand(inner) or names:
            inner = f"({inner})"
        return inner + "".join("." + n for n in names)

    def control(self, node: Control, ctx: _Ctx) -> list[Piece]:
        runtime, used = _control_used(node, ctx)
        if not runtime and self.all_literal(used):
            self.changed = True
            return [_Value(self.evaluate(node.start, node.end_delims.end, native=False))]
        chosen = self.static_branch(node, ctx)
        if chosen is not None:
            self.changed = True
            return self.nodes(chosen, ctx)
        return self.kept_control(node, ctx, used)

    def static_branch(self, node: Control, ctx: _Ctx) -> tuple[Node, ...] | None:
        """For an ``if`` whose conditions read only literal inputs: the body taken."""
        if node.kind != "if":
            return None
        for br in node.branches:
            runtime, used = _pipe_used(br.pipe, ctx)
            if br.pipe.decl or runtime or not self.all_literal(used):
                return None
        for br in node.branches:
            probe = Action(br.delims, br.pipe)
            if self.test(probe):
                return br.body
        return node.else_body or ()

    def test(self, probe: Action) -> bool:
        pipe = probe.pipe
        text = "{{ " + self.source[pipe.start:pipe.end] + " }}"
        from .engine import evaluate

        try:
            value = evaluate(text, {"inputs": self.literal_inputs()}, build=True)
        except ProblemError as err:
            p = err.problem
            raise ProblemError(problem_at(self.source, p.code, p.message, pipe.start,
                                          pipe.end, p.hint)) from err
        return truth(value)

    def kept_control(self, node: Control, ctx: _Ctx, used: set[str]) -> list[Piece]:
        out: list[Piece] = []
        for i, br in enumerate(node.branches):
            d = br.delims
            self.kept.add(d.start)
            if _pipe_used(br.pipe, ctx)[1]:
                self.changed = True
                head = ("else " if i else "") + node.kind + " " + self.pipe(br.pipe, ctx)
                out.append(_Raw(self.delimited(d.trim_left, head, d.trim_right)))
            else:
                out.append(_Raw(self.source[d.start:d.end]))
            inner = ctx if node.kind == "if" else _Ctx(False, False, ctx.static_vars)
            out.extend(self.nodes(br.body, inner))
        if node.else_delims is not None and node.else_body is not None:
            self.kept.add(node.else_delims.start)
            out.append(_Raw(self.source[node.else_delims.start:node.else_delims.end]))
            out.extend(self.nodes(node.else_body, ctx))
        self.kept.add(node.end_delims.start)
        out.append(_Raw(self.source[node.end_delims.start:node.end_delims.end]))
        del used
        return out


def _offset(text: str, p: Problem) -> int:
    lines = text.split("\n")
    return sum(len(line) + 1 for line in lines[:p.line]) + p.column


def _assemble(pieces: list[Piece], kept: set[int]) -> str:
    out: list[str] = []
    for piece in pieces:
        if isinstance(piece, _Text):
            node = piece.node
            text = node.raw
            if node.trimmed_by_left is not None and node.trimmed_by_left not in kept:
                text = text.lstrip(" \t\r\n")
            if node.trimmed_by_right is not None and node.trimmed_by_right not in kept:
                text = text.rstrip(" \t\r\n")
            out.append(text)
        elif isinstance(piece, _Value):
            out.append(to_text(piece.value).replace("{{", '{{"{{"}}'))
        else:
            out.append(piece.text)
    return "".join(out)


__all__ = ["Binding", "go_literal", "input_names", "is_single_action",
           "is_static_pipe", "substitute", "with_default"]
