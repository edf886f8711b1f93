"""``ork lock diff``: what changed between two lockfiles, for people reviewing a pull request.

Entries are matched by ref; an entry that disappeared and one that appeared with the same
kind and name are one *update* (``v1.0.0 → v1.1.0``). An entry whose ref (tag) stayed the
same but whose digest changed is flagged **tag moved**: the content behind a name changed
without anyone bumping the name, which is the case reviewers most need to see.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Literal

from .lockfile import Lock, LockEntry

Action = Literal["added", "removed", "updated", "tag-moved", "changed"]
SYMBOL = {"added": "+", "removed": "-", "updated": "~", "tag-moved": "!", "changed": "~"}
ORDER = {"tag-moved": 0, "updated": 1, "added": 2, "removed": 3, "changed": 4}


@dataclass(frozen=True)
class Change:
    """One changed source."""

    name: str
    kind: str
    action: Action
    ref_before: str | None
    ref_after: str | None
    version_before: str | None
    version_after: str | None
    digest_before: str | None
    digest_after: str | None
    required_by: tuple[str, ...]


def diff(old: Lock, new: Lock) -> list[Change]:
    """Return the changes from ``old`` to ``new``, tag moves first, then by name."""
    before = {e.ref: e for e in old.sources}
    after = {e.ref: e for e in new.sources}
    changes: list[Change] = []
    for ref in sorted(before.keys() & after.keys()):
        a, b = before[ref], after[ref]
        if a == b:
            continue
        action: Action = "tag-moved" if _digest(a) != _digest(b) else "changed"
        changes.append(_change(action, a, b))
    removed = [before[r] for r in sorted(before.keys() - after.keys())]
    added = [after[r] for r in sorted(after.keys() - before.keys())]
    for a in list(removed):
        match = next((b for b in added if (b.kind, b.name) == (a.kind, a.name)), None)
        if match is not None:
            removed.remove(a)
            added.remove(match)
            changes.append(_change("updated", a, match))
    changes += [_change("removed", a, None) for a in removed]
    changes += [_change("added", None, b) for b in added]
    return sorted(changes, key=lambda c: (ORDER[c.action], c.name, c.kind, c.ref_after or ""))


def _digest(e: LockEntry) -> str:
    return e.resolved.rsplit("@", 1)[-1]


def _change(action: Action, a: LockEntry | None, b: LockEntry | None) -> Change:
    ref = b or a
    assert ref is not None
    return Change(
        name=ref.name, kind=ref.kind, action=action,
        ref_before=a.ref if a else None, ref_after=b.ref if b else None,
        version_before=a.version if a else None, version_after=b.version if b else None,
        digest_before=_digest(a) if a else None, digest_after=_digest(b) if b else None,
        required_by=_required_by(b or a))


def summary(changes: list[Change]) -> str:
    """Return a one-line summary such as ``2 sources changed: 1 updated, 1 tag moved``."""
    if not changes:
        return "No changes: the lockfiles pin the same sources."
    counts: dict[str, int] = {}
    for c in changes:
        counts[c.action] = counts.get(c.action, 0) + 1
    parts = [f"{n} {a.replace('-', ' ')}" for a, n in sorted(counts.items(),
                                                             key=lambda kv: ORDER[kv[0]])]
    noun = "source" if len(changes) == 1 else "sources"
    return f"{len(changes)} {noun} changed: {', '.join(parts)}."


def _short(d: str | None) -> str:
    return d.split(":", 1)[-1][:12] if d else ""


def _versions(c: Change) -> str:
    if c.action == "updated" or (c.version_before and c.version_after
                                 and c.version_before != c.version_after):
        return f"{c.version_before} → {c.version_after}"
    return c.version_after or c.version_before or ""


def _digests(c: Change) -> str:
    if c.digest_before and c.digest_after and c.digest_before != c.digest_after:
        return f"sha256:{_short(c.digest_before)} → sha256:{_short(c.digest_after)}"
    return f"sha256:{_short(c.digest_after or c.digest_before)}"


def to_text(changes: list[Change]) -> str:
    """Return the diff as text (the default)."""
    lines = []
    for c in changes:
        flag = "  TAG MOVED" if c.action == "tag-moved" else ""
        lines.append(f"{SYMBOL[c.action]} {c.name} ({c.kind})  {_versions(c)}  "
                     f"{_digests(c)}{flag}")
        if c.ref_before and c.ref_after and c.ref_before != c.ref_after:
            lines.append(f"    ref: {c.ref_before} → {c.ref_after}")
        else:
            lines.append(f"    ref: {c.ref_after or c.ref_before}")
        if c.required_by:
            lines.append(f"    required by: {', '.join(c.required_by)}")
    lines.append(summary(changes))
    return "\n".join(lines) + "\n"


def to_markdown(changes: list[Change]) -> str:
    """Return the diff as a pull-request comment: a summary, a table, full digests folded."""
    out = ["### ork.lock changes", "", summary(changes)]
    if not changes:
        return "\n".join(out) + "\n"
    out += ["", "| source | change | version | digest | required by |",
            "| --- | --- | --- | --- | --- |"]
    for c in changes:
        change = "**tag moved** ⚠️" if c.action == "tag-moved" else c.action
        out.append(f"| `{c.name}` ({c.kind}) | {change} | {_versions(c)} | "
                   f"`{_digests(c)}` | {'<br>'.join(c.required_by)} |")
    out += ["", "<details><summary>Full digests</summary>", ""]
    for c in changes:
        out.append(f"- `{c.ref_after or c.ref_before}`: "
                   f"`{c.digest_before or '∅'}` → `{c.digest_after or '∅'}`")
    out += ["", "</details>"]
    return "\n".join(out) + "\n"


def to_json(changes: list[Change]) -> str:
    """Return the diff as JSON: ``{"formatVersion": 1, "changes": […]}``."""
    items = []
    for c in changes:
        d = asdict(c)
        items.append({"name": d["name"], "kind": d["kind"], "action": d["action"],
                      "tagMoved": c.action == "tag-moved",
                      "before": {"ref": c.ref_before, "version": c.version_before,
                                 "digest": c.digest_before},
                      "after": {"ref": c.ref_after, "version": c.version_after,
                                "digest": c.digest_after},
                      "requiredBy": list(c.required_by)})
    return json.dumps({"formatVersion": 1, "summary": summary(changes), "changes": items},
                      indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _required_by(entry: LockEntry | None) -> tuple[str, ...]:
    return tuple(entry.required_by) if entry is not None else ()
