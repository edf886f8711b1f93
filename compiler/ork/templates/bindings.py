"""How a Motif input's value is written where substitution puts it.

A literal becomes a Go literal (``go_literal``); a binding that is a template becomes
template text (``placed``), a pipeline (``binding_pipe``) or one expression
(``as_expression``: its pipeline, or a ``printf`` of its actions); and a single-action
binding of an input with a default is piped through it (``with_default``, the
default-pipe rule of resolution-and-merge.md).
"""

from __future__ import annotations

import json
from typing import Any

from .ast import Action, Comment, Control, Expr, Field, Ident, Pipeline, Text, walk_exprs
from .checks import pipes_with_root
from .parser import parse, single_action
from .problems import ProblemError, problem_at
from .quoting import go_quote


def with_default(source: str, default: Any) -> str:
    """Return a single-action template piped through ``default`` (the Motif default)."""
    action = single_action(parse(source))
    if action is None:
        return source
    d = action.delims
    pipe = source[action.pipe.start:action.pipe.end]
    return ("{{" + ("- " if d.trim_left else " ") + f"{pipe} | default {go_literal(default)}"
            + (" -" if d.trim_right else " ") + "}}")


def go_literal(value: Any) -> str:
    """Return a value written as a Go-template literal."""
    if value is None:
        return "nil"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, str):
        return go_quote(value)
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return f"(fromJson {go_quote(text)})"


def placed(value: str, *, root: bool) -> str:
    """A template binding's text for where it lands: inside ``range``/``with`` dot is no
    longer the CR, so the binding's own ``.spec.x`` must be written ``$.spec.x``; and a
    trim marker at either end of the binding, which trims nothing there, must not trim the
    Motif's text around it."""
    text = _inner_trims(value)
    return text if root else _rooted(text)


def _inner_trims(source: str) -> str:
    """Drop a ``{{-`` that opens the string and a ``-}}`` that closes it."""
    nodes = parse(source)
    first, last = nodes[0], nodes[-1]
    if isinstance(last, Control | Action | Comment) and source.endswith("-}}") and \
            (last.end_delims if isinstance(last, Control) else last.delims).trim_right:
        source = source[:-3].rstrip(" \t\r\n") + ("}}" if isinstance(last, Comment) else " }}")
    if isinstance(first, Control | Action | Comment) and \
            (first.branches[0].delims if isinstance(first, Control) else first.delims).trim_left:
        source = ("{{" if isinstance(first, Comment) else "{{ ") + source[4:]
    return source


def _rooted(source: str) -> str:
    """Return a template with every field read from the root dot read from ``$`` instead."""
    edits = [(e.start, e.end) for pipe, root in pipes_with_root(parse(source)) if root
             for e in walk_exprs(pipe) if isinstance(e, Field)]
    for start, end in sorted(edits, reverse=True):
        field_ = source[start:end]
        source = source[:start] + ("$" if field_ == "." else "$" + field_) + source[end:]
    return source


def is_operand(text: str) -> bool:
    """Return whether an expression is one field, variable or literal (no parens needed)."""
    try:
        action = single_action(parse("{{ " + text + " }}"))
    except ProblemError:
        return False
    return action is not None and len(action.pipe.cmds) == 1 and \
        len(action.pipe.cmds[0].args) == 1 and not isinstance(action.pipe.cmds[0].args[0], Ident)


def binding_pipe(binding: str, source: str, pipe: Pipeline) -> str:
    nodes = parse(binding)
    action = single_action(nodes)
    if action is None:
        return "(" + as_expression(binding, "", source, pipe) + ")"
    return binding[action.pipe.start:action.pipe.end]


def as_expression(binding: str, name: str, source: str, where: Expr | Pipeline) -> str:
    """Return a template binding as one Go expression: its pipeline, or a printf."""
    nodes = parse(binding)
    action = single_action(nodes)
    if action is not None:
        return binding[action.pipe.start:action.pipe.end]
    fmt: list[str] = []
    args: list[str] = []
    for node in nodes:
        if isinstance(node, Text):
            fmt.append(node.text.replace("%", "%%"))
        elif isinstance(node, Action) and not node.pipe.decl:
            fmt.append("%v")
            args.append("(" + binding[node.pipe.start:node.pipe.end] + ")")
        elif isinstance(node, Comment):
            continue
        else:
            raise ProblemError(problem_at(
                source, "unsupported-template-syntax",
                f"input {name!r} is bound to a template with control actions, which cannot be "
                "used inside an expression", where.start, where.end,
                hint=f"use it on its own as {{{{ .inputs.{name} }}}}, or bind a simpler "
                     "template"))
    return "printf " + " ".join([go_quote("".join(fmt)), *args])
