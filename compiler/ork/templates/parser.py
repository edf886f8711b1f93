"""Parse a template string into the syntax tree of :mod:`ork.templates.ast`.

The grammar is Go's text/template (templates.md, "Supported syntax"). Anything else —
``define``, ``template``, ``block``, ``break``, ``continue`` — is
``unsupported-template-syntax``; malformed input is ``template-syntax``. Both point at the
offending column. Undefined variables are syntax errors, as in Go.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from .ast import (
    Action,
    Branch,
    Command,
    Comment,
    Control,
    Delims,
    Expr,
    Field,
    Ident,
    Literal,
    Node,
    Paren,
    Pipeline,
    Text,
    Variable,
)
from .lexer import MAX_TOKENS, SPACE, Token, lex_action, too_long
from .problems import ProblemError, problem_at

UNSUPPORTED = ("define", "template", "block", "break", "continue")
# Nesting budget for parentheses and control structures: deeper is refused, not recursed.
# A `range` costs 3: jinja2 compiles it to a Python `for`, and Python allows 20 nested loops.
MAX_DEPTH = 40
_WEIGHT = {"range": 3}
_CONTROL = ("if", "range", "with")
_LITERALS = {"true": True, "false": False, "nil": None}


@dataclass
class _Raw:
    """One ``{{ … }}`` before it is given meaning."""

    delims: Delims
    tokens: list[Token] | None  # None for a comment


@dataclass
class _Parser:
    src: str
    items: list[Text | _Raw] = field(default_factory=list)
    pos: int = 0
    scopes: list[set[str]] = field(default_factory=lambda: [{""}])
    depth: int = 0

    def deeper(self, start: int, end: int, weight: int = 1) -> None:
        """Count one more level of nesting; refuse to go past MAX_DEPTH."""
        self.depth += weight
        if self.depth > MAX_DEPTH:
            raise self.fail(f"nested more than {MAX_DEPTH} levels deep", start, end,
                            hint="split the template, or use variables ($x := …)")

    def fail(self, message: str, start: int, end: int | None = None, *, hint: str,
             code: str = "template-syntax") -> ProblemError:
        return ProblemError(problem_at(self.src, code, message, start, end, hint))


@functools.lru_cache(maxsize=16384)
def parse(src: str) -> tuple[Node, ...]:
    """Return the syntax tree of a template string (cached: trees are immutable, and the
    same Motif strings come back for every CRD that imports the Motif).

    Raises:
        ProblemError: template-syntax or unsupported-template-syntax, with its position.
    """
    p = _Parser(src)
    p.items = _scan(src)
    nodes, stop = _list(p, top=True)
    if stop is not None:
        word = stop.tokens[0].value if stop.tokens else "}}"
        raise p.fail(f"unexpected {{{{{word}}}}}", stop.delims.start, stop.delims.end,
                     hint="there is no if, range or with for it to close")
    return nodes


def has_actions(src: str) -> bool:
    """Return whether a string holds at least one ``{{`` (i.e. is a template)."""
    return "{{" in src


def single_action(nodes: tuple[Node, ...]) -> Action | None:
    """Return the action when a tree is exactly one printing action, else None."""
    if len(nodes) == 1 and isinstance(nodes[0], Action) and not nodes[0].pipe.decl:
        return nodes[0]
    return None


def _scan(src: str) -> list[Text | _Raw]:
    """Split the source into text and raw actions, applying trim markers to the text."""
    items: list[Text | _Raw] = []
    i = 0
    pending_trim: int | None = None  # start of the action whose -}} trims the next text
    room = MAX_TOKENS  # tokens the rest of the template may still hold
    while True:
        j = src.find("{{", i)
        end = len(src) if j == -1 else j
        trim_left = j != -1 and src.startswith("{{-", j) and j + 3 < len(src) \
            and src[j + 3] in SPACE
        raw = src[i:end]
        text = raw.lstrip(SPACE) if pending_trim is not None else raw
        text = text.rstrip(SPACE) if trim_left else text
        if raw:
            items.append(Text(i, end, text, raw, pending_trim, j if trim_left else None))
        if j == -1:
            return items
        inner = j + 4 if trim_left else j + 2
        if room <= 0:
            raise too_long(src, j)
        delims, tokens = _action(src, j, inner, trim_left, room - 1)
        room -= 1 + len(tokens or ())
        items.append(_Raw(delims, tokens))
        pending_trim = j if delims.trim_right else None
        i = delims.end


def _action(src: str, start: int, inner: int, trim_left: bool,
            room: int) -> tuple[Delims, list[Token] | None]:
    if src.startswith("/*", inner):
        return _comment(src, start, inner, trim_left), None
    tokens, end, trim_right = lex_action(src, inner, room)
    return Delims(start, end, trim_left, trim_right), tokens


def _comment(src: str, start: int, at: int, trim_left: bool) -> Delims:
    close = src.find("*/", at + 2)
    if close == -1:
        raise ProblemError(problem_at(src, "template-syntax", "unclosed comment", at, at + 2,
                                      hint="close it with */ before }}"))
    after = close + 2
    if src.startswith("}}", after):
        return Delims(start, after + 2, trim_left, False)
    if src[after:after + 1] in tuple(SPACE) and src.startswith("-}}", after + 1):
        return Delims(start, after + 4, trim_left, True)
    raise ProblemError(problem_at(src, "template-syntax", "comment ends before closing delimiter",
                                  close, after, hint="write {{/* … */}} with nothing between "
                                  "*/ and }}"))


def _list(p: _Parser, *, top: bool = False) -> tuple[tuple[Node, ...], _Raw | None]:
    """Parse nodes until ``else``/``end`` (returned, unconsumed) or the end of input."""
    nodes: list[Node] = []
    while p.pos < len(p.items):
        item = p.items[p.pos]
        p.pos += 1
        if isinstance(item, Text):
            nodes.append(item)
            continue
        if item.tokens is None:
            nodes.append(Comment(item.delims))
            continue
        word = _keyword(item.tokens)
        if word in ("else", "end"):
            if top:
                raise p.fail(f"unexpected {{{{{word}}}}}", item.delims.start, item.delims.end,
                             hint="there is no if, range or with for it to close")
            p.pos -= 1
            return tuple(nodes), item
        if word in UNSUPPORTED:
            tok = item.tokens[0]
            raise p.fail(f"`{word}` is not supported by ork's template dialect", tok.start,
                         tok.end, code="unsupported-template-syntax",
                         hint="ork supports if/else, range, with, variables and functions; "
                              "inline the template instead")
        if word in _CONTROL:
            nodes.append(_control(p, word, item))
        else:
            nodes.append(Action(item.delims, _pipeline(p, item.tokens, item.delims, decl=True)))
    return tuple(nodes), None


def _keyword(tokens: list[Token]) -> str | None:
    if tokens and tokens[0].kind == "ident":
        word = tokens[0].value
        if word in ("else", "end", *_CONTROL, *UNSUPPORTED):
            return str(word)
    return None


def _control(p: _Parser, kind: str, first: _Raw) -> Control:
    weight = _WEIGHT.get(kind, 1)
    p.deeper(first.delims.start, first.delims.end, weight)
    p.scopes.append(set())
    branches: list[Branch] = []
    opener = first
    tokens = (first.tokens or [])[1:]
    while True:
        pipe = _pipeline(p, tokens, opener.delims, decl=True, context=kind)
        body, stop = _list(p)
        branches.append(Branch(opener.delims, pipe, body))
        if stop is None:
            raise p.fail(f"unexpected end of template: {{{{{kind}}}}} has no {{{{end}}}}",
                         first.delims.start, first.delims.end,
                         hint=f"close the {kind} with {{{{ end }}}} in the same string")
        p.pos += 1
        stop_tokens = stop.tokens or []
        if _keyword(stop_tokens) == "end":
            _no_args(p, stop_tokens, "end")
            p.scopes.pop()
            p.depth -= weight
            return Control(kind, tuple(branches), None, None, stop.delims)
        # else, else if, else with
        if len(stop_tokens) > 1 and stop_tokens[1].kind == "ident" \
                and stop_tokens[1].value == kind and kind != "range":
            opener, tokens = stop, stop_tokens[2:]
            continue
        _no_args(p, stop_tokens, "else")
        else_body, stop2 = _list(p)
        if stop2 is None or _keyword(stop2.tokens or []) != "end":
            where = stop2.delims if stop2 else stop.delims
            raise p.fail(f"expected {{{{end}}}} to close {{{{{kind}}}}}", where.start,
                         where.end, hint=f"a {{{{{kind}}}}} has one plain {{{{else}}}}, "
                                         "then {{ end }}")
        p.pos += 1
        _no_args(p, stop2.tokens or [], "end")
        p.scopes.pop()
        p.depth -= weight
        return Control(kind, tuple(branches), stop.delims, else_body, stop2.delims)


def _no_args(p: _Parser, tokens: list[Token], word: str) -> None:
    if len(tokens) > 1:
        extra = tokens[1]
        shown = "{{ else }} alone, or {{ else if … }}" if word == "else" else "{{ end }} alone"
        raise p.fail(f"unexpected {p.src[extra.start:extra.end]!r} in {{{{{word}}}}}",
                     extra.start, extra.end, hint=f"write {shown}")


def _pipeline(p: _Parser, tokens: list[Token], delims: Delims, *, decl: bool,
              context: str = "") -> Pipeline:
    names, assign, rest = _declaration(p, tokens, context) if decl else ((), False, tokens)
    if not rest:
        where = tokens[-1].end if tokens else delims.start
        what = f"missing value for {context}" if context else "missing value for command"
        hint = _MISSING_VALUE.get(context, "write a value or a function call between {{ and }}, "
                                           "or remove them")
        raise p.fail(what, delims.start if not tokens else where - 1, delims.end, hint=hint)
    cmds: list[Command] = []
    i = 0
    while True:
        cmd, i = _command(p, rest, i)
        cmds.append(cmd)
        if i >= len(rest):
            break
        tok = rest[i]
        if tok.kind != "pipe":
            raise p.fail(f"unexpected {p.src[tok.start:tok.end]!r} in pipeline", tok.start,
                         tok.end, hint="separate the commands of a pipeline with |: "
                                       "`value | fn arg`")
        i += 1
        if i >= len(rest):
            raise p.fail("missing command after |", tok.start, tok.end,
                         hint="write the function to pipe into after | (`.spec.x | upper`), "
                              "or remove the |")
    for cmd in cmds[1:]:
        head = cmd.args[0]
        if not isinstance(head, Ident):
            raise p.fail("only a function can follow | in a pipeline", head.start, head.end,
                         hint="write `value | fn arg`")
    for name in names:
        if not assign:
            p.scopes[-1].add(name)
    return Pipeline(rest[0].start, rest[-1].end, tuple(cmds), names, assign)


_MISSING_VALUE = {
    "if": "give if a value to test: `{{ if .spec.enabled }}`",
    "with": "give with a value: `{{ with .spec.tls }}`",
    "range": "give range a list or map to go over: `{{ range .spec.items }}`",
}


def _declaration(p: _Parser, tokens: list[Token],
                 context: str) -> tuple[tuple[str, ...], bool, list[Token]]:
    """Split ``$x :=`` / ``$i, $v :=`` / ``$x =`` off the front of a pipeline."""
    if len(tokens) >= 2 and tokens[0].kind == "var" and tokens[1].kind in ("declare", "assign"):
        assign = tokens[1].kind == "assign"
        if assign:
            _defined(p, tokens[0])
        return (str(tokens[0].value),), assign, tokens[2:]
    if len(tokens) >= 4 and tokens[0].kind == "var" and tokens[1].kind == "comma" \
            and tokens[2].kind == "var" and tokens[3].kind in ("declare", "assign"):
        if context != "range":
            raise p.fail("only range can declare two variables", tokens[0].start,
                         tokens[3].end, hint="declare one variable (`$x := …`); two are for "
                                             "`range $i, $v := …`")
        assign = tokens[3].kind == "assign"
        if assign:
            _defined(p, tokens[0])
            _defined(p, tokens[2])
        return (str(tokens[0].value), str(tokens[2].value)), assign, tokens[4:]
    return (), False, tokens


def _defined(p: _Parser, tok: Token) -> None:
    if not any(tok.value in scope for scope in p.scopes):
        raise p.fail(f"undefined variable ${tok.value}", tok.start, tok.end,
                     hint=f"declare it first with `${tok.value} := …`")


def _command(p: _Parser, tokens: list[Token], i: int) -> tuple[Command, int]:
    args: list[Expr] = []
    start = tokens[i].start
    while i < len(tokens) and tokens[i].kind not in ("pipe", "rparen"):
        expr, i = _operand(p, tokens, i)
        args.append(expr)
    if not args:
        tok = tokens[i]
        raise p.fail(f"unexpected {p.src[tok.start:tok.end]!r}: missing command", tok.start,
                     tok.end, hint="write a value or a function call before it")
    head = args[0]
    if len(args) > 1 and not isinstance(head, Ident):
        raise p.fail(f"{p.src[head.start:head.end]} is not a function and cannot take "
                     "arguments", head.start, head.end,
                     hint="call a function (`fn arg`), or pipe the value into one")
    return Command(start, args[-1].end, tuple(args)), i


def _operand(p: _Parser, tokens: list[Token], i: int) -> tuple[Expr, int]:
    expr, i = _term(p, tokens, i)
    names: list[str] = []
    end = expr.end
    while i < len(tokens) and tokens[i].kind == "field" and tokens[i].start == end:
        names.append(str(tokens[i].value))
        end = tokens[i].end
        i += 1
    if names:
        expr = _chain(p, expr, tuple(names), end)
    return expr, i


def _chain(p: _Parser, expr: Expr, names: tuple[str, ...], end: int) -> Expr:
    if isinstance(expr, Field):
        return Field(expr.start, end, expr.names + names)
    if isinstance(expr, Variable):
        return Variable(expr.start, end, expr.name, expr.names + names)
    if isinstance(expr, Paren):
        return Paren(expr.start, end, expr.pipe, expr.names + names)
    raise p.fail(f"unexpected .{names[0]} after {p.src[expr.start:expr.end]}", expr.end, end,
                 hint="fields follow a field (.spec.x), a variable ($x) or a call in "
                      "parentheses (`(fn arg).x`)")


def _term(p: _Parser, tokens: list[Token], i: int) -> tuple[Expr, int]:
    tok = tokens[i]
    kind = tok.kind
    if kind == "field":
        return Field(tok.start, tok.end, (str(tok.value),)), i + 1
    if kind == "dot":
        return Field(tok.start, tok.end, ()), i + 1
    if kind == "var":
        _defined(p, tok)
        return Variable(tok.start, tok.end, str(tok.value)), i + 1
    if kind in ("string", "number"):
        return Literal(tok.start, tok.end, tok.value, p.src[tok.start:tok.end]), i + 1
    if kind == "ident":
        if tok.value in _LITERALS:
            return Literal(tok.start, tok.end, _LITERALS[tok.value], str(tok.value)), i + 1
        if tok.value in ("else", "end", *_CONTROL, *UNSUPPORTED):
            raise p.fail(f"unexpected keyword {tok.value!r} in operand", tok.start, tok.end,
                         hint=f"{tok.value} starts an action of its own: "
                              f"`{{{{ {tok.value} … }}}}`")
        return Ident(tok.start, tok.end, str(tok.value)), i + 1
    if kind == "lparen":
        return _paren(p, tokens, i)
    if kind in ("declare", "assign"):
        hint = "only a variable is declared or assigned: `{{ $x := .spec.x }}`"
    else:
        hint = ("an operand is a field (.spec.x), a variable ($x), a literal, a function "
                "or a (…)")
    raise p.fail(f"unexpected {p.src[tok.start:tok.end]!r} in operand", tok.start, tok.end,
                 hint=hint)


def _paren(p: _Parser, tokens: list[Token], i: int) -> tuple[Expr, int]:
    open_tok = tokens[i]
    depth = 0
    for j in range(i, len(tokens)):
        if tokens[j].kind == "lparen":
            depth += 1
        elif tokens[j].kind == "rparen":
            depth -= 1
            if depth == 0:
                inner = tokens[i + 1:j]
                if not inner:
                    raise p.fail("empty parentheses", open_tok.start, tokens[j].end,
                                 hint="put a value or a function call inside ( ), or remove "
                                      "them")
                delims = Delims(open_tok.start, tokens[j].end)
                p.deeper(open_tok.start, open_tok.end)
                pipe = _pipeline(p, inner, delims, decl=False)
                p.depth -= 1
                return Paren(open_tok.start, tokens[j].end, pipe), j + 1
    raise p.fail("unclosed left paren", open_tok.start, open_tok.end,
                 hint="close it with ) before }}")
