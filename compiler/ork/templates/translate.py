"""Translate a parsed template into jinja2 source that only ork's helpers can run.

The generated source never contains user text: literal text and string literals become
indexes into constant tables (``_t[3]``, ``_c[7]``), so nothing written in a YAML string
can become jinja2 syntax. Field access is the helper ``_g(obj, 'a', 'b')`` (mapping keys
only, never Python attributes); functions are the globals ``f_<name>``; Go variables are
one-element lists so that ``$x = …`` inside a ``range`` updates the outer variable, as in
Go. ``and``/``or`` short-circuit through temporaries, as in Go ≥ 1.18.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .ast import (
    Action,
    Branch,
    Command,
    Comment,
    Control,
    Expr,
    Field,
    Ident,
    Literal,
    Node,
    Pipeline,
    Text,
    Variable,
)

_SAFE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass
class Translated:
    """Jinja2 source plus the constant tables it indexes."""

    source: str
    texts: tuple[str, ...]
    consts: tuple[Any, ...]


@dataclass
class _Scope:
    dot: str
    vars: dict[str, str]


@dataclass
class _T:
    texts: list[str] = field(default_factory=list)
    consts: list[Any] = field(default_factory=list)
    n: int = 0

    def fresh(self, prefix: str) -> str:
        self.n += 1
        return f"{prefix}{self.n}"

    def const(self, value: Any) -> str:
        self.consts.append(value)
        return f"_c[{len(self.consts) - 1}]"


def translate(nodes: tuple[Node, ...], *, native: bool = False) -> Translated:
    """Return the jinja2 translation of a tree; ``native`` stores the single action's value
    in the exported variable ``result`` instead of printing it."""
    t = _T()
    scope = _Scope("_root", {})
    if native and len(nodes) == 1 and isinstance(nodes[0], Action) and not nodes[0].pipe.decl:
        pre, e = _pipeline(t, nodes[0].pipe, scope)
        source = pre + "{% set result = " + e + " %}"
    else:
        source = _nodes(t, nodes, scope)
    return Translated(source, tuple(t.texts), tuple(t.consts))


def _nodes(t: _T, nodes: tuple[Node, ...], scope: _Scope) -> str:
    out: list[str] = []
    for node in nodes:
        if isinstance(node, Text):
            if node.text:
                t.texts.append(node.text)
                out.append(f"{{{{ _o(_t[{len(t.texts) - 1}]) }}}}")  # counted, too
        elif isinstance(node, Comment):
            continue
        elif isinstance(node, Action):
            out.append(_action(t, node, scope))
        else:
            out.append(_control(t, node, scope))
    return "".join(out)


def _action(t: _T, node: Action, scope: _Scope) -> str:
    pre, e = _pipeline(t, node.pipe, scope)
    pipe = node.pipe
    if not pipe.decl:
        return pre + "{{ _o(" + e + ") }}"
    return pre + _bind(t, pipe, e, scope)


def _bind(t: _T, pipe: Pipeline, value: str, scope: _Scope) -> str:
    """Declare or assign the pipeline's variable; prints nothing."""
    name = pipe.decl[-1]
    if pipe.assign:
        return "{{ _put(" + scope.vars[name] + ", " + value + ") }}"
    var = t.fresh("_v")
    scope.vars[name] = var
    return "{% set " + var + " = [" + value + "] %}"


def _control(t: _T, node: Control, scope: _Scope) -> str:
    inner = _Scope(scope.dot, dict(scope.vars))
    if node.kind == "range":
        return _range(t, node, inner)
    # An if/else-if chain is flattened: each condition runs only while no earlier one held,
    # and a branch number picks the body. Nesting per `else if` would hit Python's limit on
    # nested blocks in the code jinja2 generates.
    taken = t.fresh("_n")
    out = ["{% set " + taken + " = 0 %}"]
    bodies: list[str] = []
    for i, br in enumerate(node.branches, 1):
        head, body = _branch(t, node.kind, br, inner)
        test = "{% if _b(" + head[1] + ") %}{% set " + taken + " = " + str(i) + " %}{% endif %}"
        if i == 1:
            out.append(head[0] + test)
        else:
            out.append("{% if " + taken + " == 0 %}" + head[0] + test + "{% endif %}")
        bodies.append(body)
    # One flat `if` per body, not an `elif` chain: Python compiles `elif` as an `if` nested
    # in the previous one's `else`, and a few thousand of them exhaust its compiler.
    for i, body in enumerate(bodies, 1):
        out.append("{% if " + taken + " == " + str(i) + " %}" + body + "{% endif %}")
    if node.else_body is not None:
        out.append("{% if " + taken + " == 0 %}" + _nodes(t, node.else_body, inner)
                   + "{% endif %}")
    return "".join(out)


def _branch(t: _T, kind: str, br: Branch, scope: _Scope) -> tuple[tuple[str, str], str]:
    """Return ((code computing the branch's value, its variable), the body's code)."""
    pre, e = _pipeline(t, br.pipe, scope)
    value = t.fresh("_w")
    head = pre + "{% set " + value + " = " + e + " %}"
    if br.pipe.decl:
        head += _bind(t, br.pipe, value, scope)
    body_scope = _Scope(value if kind == "with" else scope.dot, dict(scope.vars))
    return (head, value), _nodes(t, br.body, body_scope)


def _range(t: _T, node: Control, scope: _Scope) -> str:
    br = node.branches[0]
    pre, e = _pipeline(t, br.pipe, scope)
    key, elem = t.fresh("_k"), t.fresh("_e")
    body_scope = _Scope(elem, dict(scope.vars))
    decl = ""
    names = br.pipe.decl
    values = (elem,) if len(names) == 1 else (key, elem)
    for name, value in zip(names, values, strict=False):
        if br.pipe.assign:
            decl += "{{ _put(" + scope.vars[name] + ", " + value + ") }}"
        else:
            var = t.fresh("_v")
            body_scope.vars[name] = var
            decl += "{% set " + var + " = [" + value + "] %}"
    body = _nodes(t, br.body, body_scope)
    else_ = "{% else %}" + _nodes(t, node.else_body, scope) if node.else_body is not None else ""
    return (pre + "{% for " + key + ", " + elem + " in _it(" + e + ") %}" + decl + body
            + else_ + "{% endfor %}")


def _pipeline(t: _T, pipe: Pipeline, scope: _Scope) -> tuple[str, str]:
    """Return (statements to run first, the pipeline's value as an expression).

    Each command but the last is stored in a temporary, so a long pipeline
    (``.x | add 1 | add 1 …``) is a sequence of statements rather than calls nested as deep
    as the pipeline is long, which would exhaust jinja2's recursive parser.
    """
    pre = ""
    value: str | None = None
    for i, cmd in enumerate(pipe.cmds):
        p, value = _command(t, cmd, scope, value)
        pre += p
        if i < len(pipe.cmds) - 1 and isinstance(cmd.args[0], Ident):
            tmp = t.fresh("_p")
            pre += "{% set " + tmp + " = " + value + " %}"
            value = tmp
    assert value is not None
    return pre, value


def _command(t: _T, cmd: Command, scope: _Scope, piped: str | None) -> tuple[str, str]:
    head = cmd.args[0]
    if not isinstance(head, Ident):
        return _operand(t, head, scope)
    if head.name in ("and", "or"):
        return _short_circuit(t, head.name, cmd.args[1:], piped, scope)
    pre = ""
    args: list[str] = []
    for arg in cmd.args[1:]:
        p, e = _operand(t, arg, scope)
        pre += p
        args.append(e)
    if piped is not None:
        args.append(piped)
    return pre, "f_" + head.name + "(" + ", ".join(args) + ")"


def _short_circuit(t: _T, name: str, operands: tuple[Expr, ...], piped: str | None,
                   scope: _Scope) -> tuple[str, str]:
    """``and a b c``: stop at the first false (``or``: true) operand and return it.

    Each further operand is evaluated only while the running value still says "go on";
    the tests are in sequence, not nested, so a long ``and`` cannot hit Python's limit on
    nested blocks.
    """
    tmp = t.fresh("_s")
    pieces: list[tuple[str, str]] = [_operand(t, arg, scope) for arg in operands]
    if piped is not None:
        pieces.append(("", piped))
    test = "_b(" + tmp + ")" if name == "and" else "not _b(" + tmp + ")"
    out = pieces[0][0] + "{% set " + tmp + " = " + pieces[0][1] + " %}"
    for p, e in pieces[1:]:
        out += "{% if " + test + " %}" + p + "{% set " + tmp + " = " + e + " %}{% endif %}"
    return out, tmp


def _operand(t: _T, expr: Expr, scope: _Scope) -> tuple[str, str]:
    if isinstance(expr, Field):
        return "", _get(t, scope.dot, expr.names)
    if isinstance(expr, Variable):
        base = "_root" if expr.name == "" else scope.vars[expr.name] + "[0]"
        return "", _get(t, base, expr.names)
    if isinstance(expr, Literal):
        return "", _literal(t, expr.value)
    if isinstance(expr, Ident):
        return "", "f_" + expr.name + "()"
    pre, e = _pipeline(t, expr.pipe, scope)
    return pre, _get(t, e, expr.names)


def _get(t: _T, base: str, names: tuple[str, ...]) -> str:
    if not names:
        return base
    keys = [f"'{n}'" if _SAFE_NAME.match(n) else t.const(n) for n in names]
    return "_g(" + base + ", " + ", ".join(keys) + ")"


def _literal(t: _T, value: Any) -> str:
    if value is None:
        return "none"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int) and 0 <= value < 1 << 31:
        return str(value)
    return t.const(value)
