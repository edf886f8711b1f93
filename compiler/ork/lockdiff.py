"""``ork lock diff``: what changed between two lockfiles, for people reviewing a pull request.

Entries are matched by ref; an entry that disappeared and one that appeared with the same
kind and name are one *update* (``v1.0.0 → v1.1.0``). An entry whose ref (tag) stayed the
same but whose digest changed is flagged **tag moved**: the content behind a name changed
without anyone bumping the name, which is the case reviewers most need to see.

An entry whose only change is its ``requiredBy`` pins the same bytes as before: it is not
a source change. It is not counted in the summary and is shown apart, in a quieter
"required by changed" section (``"action": "requiredBy"`` in JSON), so that bumping one
Katalog reads as one update rather than as every Motif it shares with others "changing".
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Literal

from .lockfile import Lock, LockEntry

Action = Literal["tag-moved", "updated", "added", "removed", "changed", "requiredBy"]
SYMBOL = {"tag-moved": "!", "updated": "~", "added": "+", "removed": "-", "changed": "~",
          "requiredBy": " "}
ORDER = {"tag-moved": 0, "updated": 1, "added": 2, "removed": 3, "changed": 4, "requiredBy": 5}
LABEL = {"tag-moved": "tag moved", "updated": "updated", "added": "added",
         "removed": "removed", "changed": "changed"}
FORMAT_VERSION = 1


@dataclass(frozen=True)
class Change:
    """One changed entry: the entry before and after (None when added or removed)."""

    action: Action
    before: LockEntry | None
    after: LockEntry | None

    @property
    def entry(self) -> LockEntry:
        """Return the entry as it is now (as it was, for a removed one)."""
        found = self.after or self.before
        assert found is not None  # a Change always has one side
        return found

    @property
    def source_change(self) -> bool:
        """Return whether the pinned bytes changed (everything but requiredBy-only)."""
        return self.action != "requiredBy"


def diff(old: Lock, new: Lock) -> list[Change]:
    """Return the changes from ``old`` to ``new``: tag moves first, requiredBy-only last."""
    before = {e.ref: e for e in old.sources}
    after = {e.ref: e for e in new.sources}
    changes = [Change(_same_ref_action(before[r], after[r]), before[r], after[r])
               for r in sorted(before.keys() & after.keys()) if before[r] != after[r]]
    removed = [before[r] for r in sorted(before.keys() - after.keys())]
    added = [after[r] for r in sorted(after.keys() - before.keys())]
    for a in list(removed):
        match = next((b for b in added if (b.kind, b.name) == (a.kind, a.name)), None)
        if match is not None:
            removed.remove(a)
            added.remove(match)
            changes.append(Change("updated", a, match))
    changes += [Change("removed", a, None) for a in removed]
    changes += [Change("added", None, b) for b in added]
    return sorted(changes, key=lambda c: (ORDER[c.action], c.entry.name, c.entry.kind,
                                          c.entry.ref))


def _same_ref_action(a: LockEntry, b: LockEntry) -> Action:
    if a.digest != b.digest:
        return "tag-moved"
    if a.model_copy(update={"required_by": b.required_by}) == b:
        return "requiredBy"
    return "changed"


def summary(changes: list[Change]) -> str:
    """Return a one-line summary such as ``2 sources changed: 1 updated, 1 tag moved.``."""
    sources = [c for c in changes if c.source_change]
    quiet = len(changes) - len(sources)
    also = f"requiredBy changed on {quiet} {'entry' if quiet == 1 else 'entries'}"
    if not sources:
        return f"No sources changed; {also}." if quiet else \
            "No changes: the lockfiles pin the same sources."
    counts: dict[Action, int] = {}
    for c in sources:
        counts[c.action] = counts.get(c.action, 0) + 1
    parts = [f"{n} {LABEL[a]}" for a, n in sorted(counts.items(), key=lambda kv: ORDER[kv[0]])]
    noun = "source" if len(sources) == 1 else "sources"
    return f"{len(sources)} {noun} changed: {', '.join(parts)}."


def short(digest: str | None) -> str:
    """Return ``sha256:`` and the first 12 hex digits of a digest ("" for None)."""
    return f"sha256:{digest.split(':', 1)[-1][:12]}" if digest else ""


def _versions(c: Change) -> str:
    a, b = c.before, c.after
    if a and b and a.version != b.version:
        return f"{a.version} → {b.version}"
    return c.entry.version


def _digests(c: Change) -> str:
    a, b = c.before, c.after
    if a and b and a.digest != b.digest:
        return f"{short(a.digest)} → {short(b.digest)}"
    return short(c.entry.digest)


def _refs(c: Change) -> str:
    a, b = c.before, c.after
    if a and b and a.ref != b.ref:
        return f"{a.ref} → {b.ref}"
    return c.entry.ref


def _required_delta(c: Change) -> tuple[list[str], list[str]]:
    """Return the requiredBy lines removed and added by a requiredBy-only change."""
    was = set(c.before.required_by if c.before else ())
    now = set(c.after.required_by if c.after else ())
    return sorted(was - now), sorted(now - was)


def to_text(changes: list[Change]) -> str:
    """Return the diff as text (the default): the source changes, then requiredBy changes."""
    lines: list[str] = []
    for c in (c for c in changes if c.source_change):
        flag = "  TAG MOVED" if c.action == "tag-moved" else ""
        lines.append(f"{SYMBOL[c.action]} {c.entry.name} ({c.entry.kind})  {_versions(c)}  "
                     f"{_digests(c)}{flag}")
        lines.append(f"    ref: {_refs(c)}")
        if c.entry.required_by:
            lines.append(f"    required by: {', '.join(c.entry.required_by)}")
    quiet = [c for c in changes if not c.source_change]
    if quiet:
        if lines:
            lines.append("")
        lines.append("required by changed (same pins):")
        for c in quiet:
            lines.append(f"  {c.entry.name} ({c.entry.kind})  {c.entry.version}  {c.entry.ref}")
            gone, new = _required_delta(c)
            lines += [f"    - {r}" for r in gone] + [f"    + {r}" for r in new]
    lines.append(summary(changes))
    return "\n".join(lines) + "\n"


def to_markdown(changes: list[Change]) -> str:
    """Return the diff as a pull-request comment: a summary, a table, full digests folded."""
    sources = [c for c in changes if c.source_change]
    quiet = [c for c in changes if not c.source_change]
    out = ["### ork.lock changes", "", summary(changes)]
    if sources:
        out += ["", *_md_table(sources)]
    if quiet:
        out += ["", *_md_required(quiet)]
    if sources:
        out += ["", *_md_digests(sources)]
    return "\n".join(out) + "\n"


def _md_table(sources: list[Change]) -> list[str]:
    out = ["| source | change | version | digest | required by |",
           "| --- | --- | --- | --- | --- |"]
    for c in sources:
        change = "**tag moved** ⚠️" if c.action == "tag-moved" else LABEL[c.action]
        digests = " → ".join(f"`{d}`" for d in _digests(c).split(" → "))
        out.append(f"| `{c.entry.name}` ({c.entry.kind}) | {change} | {_versions(c)} | "
                   f"{digests} | {'<br>'.join(_code(r) for r in c.entry.required_by)} |")
    return out


def _md_required(quiet: list[Change]) -> list[str]:
    out = [f"<details><summary>Required by changed, same pins ({len(quiet)})</summary>", "",
           "| source | version | required by |", "| --- | --- | --- |"]
    for c in quiet:
        gone, added = _required_delta(c)
        cells = [f"- ~~{_code(r)}~~" for r in gone] + [f"+ {_code(r)}" for r in added]
        out.append(f"| `{c.entry.name}` ({c.entry.kind}) | {c.entry.version} | "
                   f"{'<br>'.join(cells)} |")
    return [*out, "", "</details>"]


def _md_digests(sources: list[Change]) -> list[str]:
    out = ["<details><summary>Full digests</summary>", ""]
    for c in sources:
        was = f"`{c.before.digest}`" if c.before else "(none)"
        now = f"`{c.after.digest}`" if c.after else "(none)"
        out.append(f"- {_code(_refs(c))}<br>{was} → {now}")
    return [*out, "", "</details>"]


def _code(text: str) -> str:
    return f"`{text}`"


def to_json(changes: list[Change]) -> str:
    """Return the diff as JSON: ``{"formatVersion": 1, "changes": […]}``."""
    items = [{"action": c.action, "kind": c.entry.kind, "name": c.entry.name,
              "tagMoved": c.action == "tag-moved",
              "before": _side(c.before), "after": _side(c.after)} for c in changes]
    return json.dumps({"formatVersion": FORMAT_VERSION, "changes": items}, indent=2,
                      sort_keys=True, ensure_ascii=False) + "\n"


def _side(e: LockEntry | None) -> dict[str, Any] | None:
    if e is None:
        return None
    return {"ref": e.ref, "version": e.version, "resolved": e.resolved, "digest": e.digest,
            "requiredBy": list(e.required_by)}
