"""Printing a plan: Terraform-like text, a pull-request markdown comment, or JSON.

Text and markdown come from the same lines; each line keeps its ``+``/``-`` marker apart
from its indentation, so markdown can move the marker to column 0 (where GitHub colours
a ``diff`` block) without guessing from the text.
"""

from __future__ import annotations

import difflib
import html
import json
import re
from dataclasses import dataclass
from typing import Any

from . import yamlout
from .plan import MASK, CrdPlan, MotifChange, Plan
from .treediff import Delta

SYMBOL = {"add": "+", "remove": "-", "change": "~", "disable": "-", "enable": "+"}
NO_CHANGES = "No changes. The deployed bundle matches."


@dataclass(frozen=True)
class Line:
    """One printed line: indentation, a marker (``+``, ``-``, ``~`` or none), the rest."""

    indent: str
    sign: str
    body: str

    def text(self) -> str:
        """Return the line as plain text."""
        return _trim(f"{self.indent}{self.sign}{self.body}")

    def diff(self) -> str:
        """Return the line for a markdown ``diff`` block: ``+``/``-`` in column 0."""
        mark = self.sign[:1]
        if mark in ("+", "-"):
            return _trim(f"{mark}{self.indent}{self.sign[1:]}{self.body}")
        return _trim(f" {self.indent}{self.sign}{self.body}")


def _trim(line: str) -> str:
    """Return a line that is only blanks as an empty line (text in it is kept as is)."""
    return line if line.strip() else ""


def footer(namespace: str) -> list[str]:
    """Return the reminder that nothing changes until the deliberate restart."""
    return ["These changes take effect only when the runtime restarts:",
            *(f"  {c}" for c in restart_commands(namespace))]


def restart_commands(namespace: str) -> list[str]:
    """Return the two commands that make the new bundle take effect."""
    return ["kubectl apply -f bundle.yaml",
            f"kubectl rollout restart deployment/orkestra-runtime -n {namespace}"]


def headline(plan: Plan) -> str:
    """Return ``Plan: 1 CRD to change, 0 to add, 0 to remove.``"""
    c = plan.counts()
    noun = "CRD" if c["change"] == 1 else "CRDs"
    return f"Plan: {c['change']} {noun} to change, {c['add']} to add, {c['remove']} to remove."


def to_text(plan: Plan) -> str:
    """Return the plan as text."""
    if not plan.has_changes:
        return NO_CHANGES + "\n"
    lines = [headline(plan), ""]
    for section in _sections(plan):
        lines += [line.text() for line in section] + [""]
    return "\n".join(lines + footer(plan.namespace)) + "\n"


def _sections(plan: Plan) -> list[list[Line]]:
    """Return the plan's sections in print order: namespace, CRDs, blocks, RBAC."""
    out: list[list[Line]] = []
    if plan.namespace_changed:
        out.append([Line("", "~ ", f"runtime namespace: {plan.namespace_before} → "
                             f"{plan.namespace}")])
    out += [_crd_lines(crd) for crd in plan.crds]
    if plan.blocks:
        out.append([Line("", "~ ", "katalog (top-level blocks)"),
                    *(line for d in plan.blocks for line in _delta_lines(d, "  "))])
    if plan.rbac_added or plan.rbac_removed:
        out.append([Line("", "~ ", "rbac (ClusterRole rules)"),
                    *(Line("  ", "+ ", g) for g in plan.rbac_added),
                    *(Line("  ", "- ", g) for g in plan.rbac_removed)])
    return out


def _crd_lines(crd: CrdPlan) -> list[Line]:
    head = f"crd {crd.name}  ({crd.api_after or crd.api_before})"
    if crd.action in ("disable", "enable"):
        head += f"  {crd.action}d"
    source = _source(crd)
    if source:
        head += f"  from {source}"
    lines = [Line("", SYMBOL[crd.action] + " ", head)]
    if crd.api_change:
        lines.append(Line("    ", "", f"API change: {crd.api_before} → {crd.api_after} "
                                       "(clients of this CRD are affected)"))
    if any(crd.source_refs):
        lines.append(Line("    ", "", f"source {crd.source_refs[0]} → {crd.source_refs[1]}"))
    if crd.source_tag_moved:
        lines.append(Line("    ", "", f"source {crd.source_ref}  {_short(crd.source_digests[0])} "
                                       f"→ {_short(crd.source_digests[1])}  tag moved"))
    lines += [Line("    ", "", f"motif {_motif(m)}") for m in crd.motifs]
    for d in crd.changes:
        lines += _delta_lines(d, "  ")
    return lines


def _source(crd: CrdPlan) -> str:
    a, b = crd.source_before, crd.source_after
    if a and b and a != b:
        return f"{a[0]} {a[1]} → {b[1]}" if a[0] == b[0] else f"{a[0]} {a[1]} → {b[0]} {b[1]}"
    s = b or a
    return f"{s[0]} {s[1]}".strip() if s else ""


def _short(digest: str) -> str:
    return f"sha256:{digest.split(':')[-1][:6]}…" if digest else "(no digest)"


def _motif(m: MotifChange) -> str:
    def side(v: tuple[str, str]) -> str:
        return f"{v[0]} ({_short(v[1])})"

    if m.before is None:
        assert m.after is not None
        return f"{m.name}  {side(m.after)}  added"
    if m.after is None:
        return f"{m.name}  {side(m.before)}  removed"
    moved = "  tag moved" if m.tag_moved else ""
    return f"{m.name}  {side(m.before)} → {side(m.after)}{moved}"


def _delta_lines(d: Delta, indent: str) -> list[Line]:
    lines = [Line(indent, SYMBOL[d.action] + " ", d.path)]
    pad = indent + "    "
    literal = True
    if d.action == "change" and isinstance(d.before, str) and isinstance(d.after, str) \
            and ("\n" in d.before or "\n" in d.after):
        if d.before.splitlines() != d.after.splitlines():
            return lines + _unified(d.before, d.after, pad)
        literal = False  # only the line ends differ: show them escaped
    if d.action in ("change", "remove"):
        lines += _value_lines("-", d.before, pad, literal)
    if d.action in ("change", "add"):
        lines += _value_lines("+", d.after, pad, literal)
    return lines


def _unified(before: str, after: str, pad: str) -> list[Line]:
    """Return a unified diff of the lines of two strings (without the file header)."""
    out = []
    lines = difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="")
    for line in list(lines)[2:]:
        sign = line[:1] if line[:1] in ("+", "-", " ") else ""
        out.append(Line(pad, sign, line[len(sign):]))
    return out


def _value_lines(sign: str, value: Any, pad: str, literal: bool = True) -> list[Line]:
    if isinstance(value, dict | list) and value:
        text = yamlout.dump(value)
    elif isinstance(value, str) and "\n" in value.rstrip("\n") and literal:
        text = "|\n" + "".join(f"  {line}\n" for line in value.splitlines())
    elif value == MASK:
        text = MASK
    else:
        text = json.dumps(value, ensure_ascii=False)
    return [Line(pad, sign, f" {line}") for line in text.splitlines()]


def to_markdown(plan: Plan) -> str:
    """Return the plan as a pull-request comment."""
    out = ["### ork plan", ""]
    if not plan.has_changes:
        return "\n".join([*out, NO_CHANGES]) + "\n"
    out += [f"**{headline(plan)}**", ""]
    for section in _sections(plan):
        head = f"<code>{html.escape(section[0].text())}</code>"
        if len(section) == 1:
            out += [head, ""]
            continue
        fence = _fence(section)
        out += [f"<details open><summary>{head}</summary>", "", f"{fence}diff",
                *(line.diff() for line in section[1:]), fence, "", "</details>", ""]
    out += [*footer(plan.namespace)[:1], "", "```sh", *restart_commands(plan.namespace), "```"]
    return "\n".join(out) + "\n"


def _fence(lines: list[Line]) -> str:
    """Return a code fence longer than any run of backticks in the lines."""
    longest = max((len(m) for line in lines for m in re.findall("`+", line.body)), default=0)
    return "`" * max(3, longest + 1)


def to_json(plan: Plan) -> str:
    """Return the plan as JSON (``formatVersion: 1``)."""
    data = {
        "formatVersion": 1,
        "summary": {**plan.counts(), "hasChanges": plan.has_changes},
        "namespace": {"before": plan.namespace_before, "after": plan.namespace,
                      "changed": plan.namespace_changed},
        "crds": [_crd_json(c) for c in plan.crds],
        "katalog": [_delta_json(d) for d in plan.blocks],
        "rbac": {"added": plan.rbac_added, "removed": plan.rbac_removed},
    }
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _crd_json(c: CrdPlan) -> dict[str, Any]:
    def source(s: tuple[str, str] | None, digest: str) -> dict[str, str | None] | None:
        return {"name": s[0], "version": s[1], "digest": digest or None} if s else None

    def motif(v: tuple[str, str] | None) -> dict[str, str] | None:
        return {"version": v[0], "digest": v[1]} if v else None

    return {
        "name": c.name, "action": c.action, "apiChange": c.api_change,
        "api": {"before": c.api_before or None, "after": c.api_after or None},
        "source": {"ref": c.source_ref or None,
                   "refBefore": c.source_refs[0] or None, "refAfter": c.source_refs[1] or None,
                   "before": source(c.source_before, c.source_digests[0]),
                   "after": source(c.source_after, c.source_digests[1]),
                   "tagMoved": c.source_tag_moved},
        "motifs": [{"name": m.name, "before": motif(m.before), "after": motif(m.after),
                    "tagMoved": m.tag_moved} for m in c.motifs],
        "changes": [_delta_json(d) for d in c.changes],
    }


def _delta_json(d: Delta) -> dict[str, Any]:
    return {"path": d.path, "action": d.action, "before": d.before, "after": d.after}
