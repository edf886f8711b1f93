"""Printing a plan: Terraform-like text, a pull-request markdown comment, or JSON."""

from __future__ import annotations

import difflib
import json
from typing import Any

from . import yamlout
from .plan import CrdPlan, MotifChange, Plan
from .treediff import Delta

SYMBOL = {"add": "+", "remove": "-", "change": "~", "disable": "-"}
NO_CHANGES = "No changes. The deployed bundle matches."


def footer(namespace: str) -> list[str]:
    """Return the reminder that nothing changes until the deliberate restart."""
    return ["These changes take effect only when the runtime restarts:",
            "  kubectl apply -f bundle.yaml",
            f"  kubectl rollout restart deployment/orkestra-runtime -n {namespace}"]


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
    for crd in plan.crds:
        lines += [*_crd_lines(crd), ""]
    if plan.blocks:
        lines.append("~ katalog (top-level blocks)")
        for d in plan.blocks:
            lines += _delta_lines(d, "  ")
        lines.append("")
    if plan.rbac_added or plan.rbac_removed:
        lines.append("~ rbac (ClusterRole rules)")
        lines += [f"  + {g}" for g in plan.rbac_added] + [f"  - {g}" for g in plan.rbac_removed]
        lines.append("")
    return "\n".join(lines + footer(plan.namespace)) + "\n"


def _crd_lines(crd: CrdPlan) -> list[str]:
    api = crd.api_after or crd.api_before
    head = f"{SYMBOL[crd.action]} crd {crd.name}  ({api})"
    if crd.action == "disable":
        head += "  disabled"
    source = _source(crd)
    if source:
        head += f"  from {source}"
    lines = [head]
    if crd.api_change:
        lines.append(f"    API change: {crd.api_before} → {crd.api_after} "
                     "(clients of this CRD are affected)")
    if crd.source_tag_moved:
        lines.append("    source tag moved: same version, different digest")
    lines += [f"    motif {_motif(m)}" for m in crd.motifs]
    for d in crd.changes:
        lines += _delta_lines(d, "  ")
    return lines


def _source(crd: CrdPlan) -> str:
    a, b = crd.source_before, crd.source_after
    if a and b and a != b:
        return f"{a[0]} {a[1]} → {b[1]}" if a[0] == b[0] else f"{a[0]} {a[1]} → {b[0]} {b[1]}"
    s = b or a
    return f"{s[0]} {s[1]}".strip() if s else ""


def _motif(m: MotifChange) -> str:
    def side(v: tuple[str, str] | None) -> str:
        return f"{v[0]} (sha256:{v[1].split(':')[-1][:6]}…)" if v else "(none)"

    moved = "  TAG MOVED" if m.tag_moved else ""
    return f"{m.name}  {side(m.before)} → {side(m.after)}{moved}"


def _delta_lines(d: Delta, indent: str) -> list[str]:
    lines = [f"{indent}{SYMBOL[d.action]} {d.path}"]
    pad = indent + "    "
    if d.action == "change" and isinstance(d.before, str) and isinstance(d.after, str) \
            and ("\n" in d.before or "\n" in d.after):
        diff = difflib.unified_diff(d.before.splitlines(), d.after.splitlines(), "before",
                                    "after", lineterm="", n=2)
        return lines + [pad + line for line in list(diff)[2:]]
    if d.action in ("change", "remove"):
        lines += _value_lines("-", d.before, pad)
    if d.action in ("change", "add"):
        lines += _value_lines("+", d.after, pad)
    return lines


def _value_lines(sign: str, value: Any, pad: str) -> list[str]:
    if isinstance(value, dict | list) and value:
        return [f"{pad}{sign} {line}" for line in yamlout.dump(value).splitlines()]
    return [f"{pad}{sign} {json.dumps(value, ensure_ascii=False)}"]


def to_markdown(plan: Plan) -> str:
    """Return the plan as a pull-request comment."""
    out = ["### ork plan", ""]
    if not plan.has_changes:
        return "\n".join([*out, NO_CHANGES]) + "\n"
    out += [f"**{headline(plan)}**", ""]
    for crd in plan.crds:
        lines = _crd_lines(crd)
        out += [f"<details open><summary><code>{lines[0]}</code></summary>", "", "```diff"]
        out += [_diff_line(line) for line in lines[1:]]
        out += ["```", "", "</details>", ""]
    rest = []
    if plan.blocks:
        rest.append("~ katalog (top-level blocks)")
        for d in plan.blocks:
            rest += _delta_lines(d, "  ")
    if plan.rbac_added or plan.rbac_removed:
        rest += ["~ rbac (ClusterRole rules)"]
        rest += [f"+ {g}" for g in plan.rbac_added] + [f"- {g}" for g in plan.rbac_removed]
    if rest:
        out += ["```diff", *[_diff_line(r) for r in rest], "```", ""]
    out += ["> " + line for line in footer(plan.namespace)]
    return "\n".join(out) + "\n"


def _diff_line(line: str) -> str:
    """Move a +/- marker to column 0 so GitHub colours the line."""
    stripped = line.lstrip()
    if stripped[:1] in ("+", "-") and not stripped.startswith(("+++", "---")):
        return stripped[0] + line.replace(stripped[0], " ", 1)[1:]
    return " " + line


def to_json(plan: Plan) -> str:
    """Return the plan as JSON (``formatVersion: 1``)."""
    data = {
        "formatVersion": 1,
        "summary": {**plan.counts(), "hasChanges": plan.has_changes},
        "crds": [{
            "name": c.name, "action": c.action, "apiChange": c.api_change,
            "api": {"before": c.api_before or None, "after": c.api_after or None},
            "source": {"before": list(c.source_before) if c.source_before else None,
                       "after": list(c.source_after) if c.source_after else None,
                       "tagMoved": c.source_tag_moved},
            "motifs": [{"name": m.name, "before": list(m.before) if m.before else None,
                        "after": list(m.after) if m.after else None, "tagMoved": m.tag_moved}
                       for m in c.motifs],
            "changes": [_delta_json(d) for d in c.changes],
        } for c in plan.crds],
        "katalog": [_delta_json(d) for d in plan.blocks],
        "rbac": {"added": plan.rbac_added, "removed": plan.rbac_removed},
    }
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _delta_json(d: Delta) -> dict[str, Any]:
    return {"path": d.path, "action": d.action, "before": d.before, "after": d.after}
