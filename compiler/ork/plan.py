"""``ork plan``: what will the reconciler do differently after the deliberate restart?

Compares, as data, the working tree's bundle with the deployed one: CRDs added, removed,
enabled and disabled; ``apiTypes`` changes (an API change); every field including
template bodies, with resource items and status fields matched by name and path; the
source and Motif versions and digests each CRD came from (a tag that moved is flagged);
the runtime namespace; and the RBAC rules the bundle grants.

Both sides are read from bundle bytes by the same reader (the new side from the bundle
the pipeline rendered), so a plan against the previous build of the same inputs is empty
by construction rather than by luck.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from . import rbac
from .errors import Diagnostic, InputError, Loc, Note, OrkError
from .kinds import CRDEntry, Katalog, parse_document
from .treediff import Delta, diff

CrdAction = Literal["add", "remove", "change", "disable", "enable"]
MASK = "(sensitive value)"
CONFIGMAP = "orkestra-katalog"
PHASES = ("onCreate", "onReconcile", "onDelete")
HINT = ("pass the bundle.yaml that was applied, or pipe the live ConfigMap: "
        "`kubectl get cm orkestra-katalog -n NS -o yaml | ork plan --bundle -`")


@dataclass(frozen=True)
class Deployed:
    """The resolved Katalog, provenance, namespace and RBAC rules read from a bundle."""

    katalog: Katalog
    provenance: dict[str, Any]
    namespace: str | None = None
    rules: list[dict[str, Any]] | None = None  # None: not in the file, derive from katalog


@dataclass(frozen=True)
class MotifChange:
    """A Motif whose version or digest differs between the two bundles."""

    name: str
    before: tuple[str, str] | None  # (version, digest)
    after: tuple[str, str] | None
    tag_moved: bool = False


@dataclass
class CrdPlan:
    """What changes for one CRD."""

    name: str
    action: CrdAction
    api_before: str = ""
    api_after: str = ""
    source_before: tuple[str, str] | None = None  # (katalog name, version)
    source_after: tuple[str, str] | None = None
    source_tag_moved: bool = False
    source_ref: str = ""
    source_refs: tuple[str, str] = ("", "")  # set when only the ref changed (same version)
    source_digests: tuple[str, str] = ("", "")
    motifs: list[MotifChange] = field(default_factory=list)
    changes: list[Delta] = field(default_factory=list)

    @property
    def api_change(self) -> bool:
        """Return whether clients of this CRD are affected (its group/version/kind moved)."""
        return self.action == "change" and self.api_before != self.api_after

    @property
    def has_changes(self) -> bool:
        """Return whether this CRD differs at all (fields, sources or Motifs)."""
        moved = None not in (self.source_before, self.source_after) \
            and self.source_before != self.source_after
        return bool(self.action != "change" or self.changes or self.motifs
                    or self.source_tag_moved or moved or any(self.source_refs))


@dataclass
class Plan:
    """The whole plan."""

    crds: list[CrdPlan]
    blocks: list[Delta]
    rbac_added: list[str]
    rbac_removed: list[str]
    namespace: str
    namespace_before: str | None = None
    warnings: list[Diagnostic] = field(default_factory=list)  # of the working tree's build

    @property
    def namespace_changed(self) -> bool:
        """Return whether the new bundle puts the runtime in another namespace."""
        return self.namespace_before is not None and self.namespace_before != self.namespace

    @property
    def has_changes(self) -> bool:
        """Return whether anything at all differs."""
        return bool(self.crds or self.blocks or self.rbac_added or self.rbac_removed
                    or self.namespace_changed)

    def counts(self) -> dict[str, int]:
        """Return how many CRDs are added (or enabled), changed and removed (or disabled)."""
        out = {"add": 0, "change": 0, "remove": 0}
        group = {"add": "add", "enable": "add", "change": "change", "remove": "remove",
                 "disable": "remove"}
        for c in self.crds:
            out[group[c.action]] += 1
        return out


def read_deployed(data: bytes, path: str, *, ours: bool = False,
                  max_size: int | None = None) -> Deployed:
    """Return what a bundle stream, a bare ConfigMap or a kubectl ``List`` dump holds.

    ``ours``: the bundle was rendered by this very build, so libyaml reads it (yamlout's
    output reads back to exactly what was written, a property test holds); a file from
    elsewhere is read by ork.yamlsrc, with its limits (``max_size``: ``--max-file-size``,
    default yamlsrc's) and its located diagnostics.

    Raises:
        InputError: invalid-bundle, for anything that is not such a file.
    """
    try:
        docs = _values(data, path, ours, max_size)
    except OrkError as exc:
        first = exc.diagnostics[0]
        raise InputError("invalid-bundle", f"{path} cannot be read as a bundle: "
                         f"{first.message}", span=first.span, hint=HINT) from exc
    docs = [i for d in docs for i in (_items(d) if _kind(d) == "List" else [d])]
    cm = next((d for d in docs if _is_katalog_cm(d)), None)
    if cm is None:
        source = next((d["kind"] for d in docs if _kind(d) in ("Katalog", "Komposer", "Motif")),
                      None)
        hint = (f"this is a {source} source; --bundle takes the bundle built from it "
                "(`ork generate bundle`) as it was applied" if source else HINT)
        raise InputError("invalid-bundle", f"{path} holds no {CONFIGMAP} ConfigMap with a "
                         "katalog.yaml key", hint=hint)
    roles = {str(_meta(d).get("name")): d for d in docs if _kind(d) == "ClusterRole"}
    # render names it orkestra-<runtime namespace>; a dump may hold other roles too.
    role = roles.get(f"orkestra-{_meta(cm).get('namespace')}") or next(
        (r for name, r in sorted(roles.items()) if name.startswith("orkestra-")), None)
    rules = role.get("rules") if role is not None else None
    return _from_configmap(cm, path, rules if isinstance(rules, list) else None, ours,
                           max_size)


def _values(data: bytes, path: str, ours: bool, max_size: int | None) -> list[Any]:
    """Return the documents of a YAML stream (see read_deployed for ``ours``).

    Raises:
        OrkError: from ork.yamlsrc, for a stream that is not ours.
    """
    if ours:
        import yaml

        return list(yaml.load_all(data, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)))
    from . import yamlsrc

    if max_size is None:
        return [d.value for d in yamlsrc.load(data, path)]
    return [d.value for d in yamlsrc.load(data, path, max_size=max_size)]


def _kind(value: Any) -> Any:
    return value.get("kind") if isinstance(value, dict) else None


def _meta(value: dict[str, Any]) -> dict[str, Any]:
    meta = value.get("metadata")
    return meta if isinstance(meta, dict) else {}


def _items(value: dict[str, Any]) -> list[Any]:
    items = value.get("items")
    return items if isinstance(items, list) else []


def _is_katalog_cm(value: Any) -> bool:
    return (_kind(value) == "ConfigMap" and _meta(value).get("name", CONFIGMAP) == CONFIGMAP
            and isinstance(value.get("data"), dict) and "katalog.yaml" in value["data"])


def _from_configmap(cm: dict[str, Any], path: str, rules: list[dict[str, Any]] | None,
                    ours: bool, max_size: int | None) -> Deployed:
    data = cm["data"]
    try:
        docs = _values(str(data["katalog.yaml"]).encode("utf-8"), f"{path}#katalog.yaml", ours,
                       max_size)
        katalog = parse_document(docs[0], Loc("deployed", 0)).model if docs else None
        prov = _values(str(data.get("provenance.yaml") or "{}").encode("utf-8"),
                       f"{path}#provenance.yaml", ours, max_size)
    except OrkError as exc:
        raise InputError("invalid-bundle", f"{path}: the deployed katalog.yaml cannot be read",
                         hint="is this a bundle written by ork or Orkestra?",
                         notes=[Note(f"{d.code}: {d.message}") for d in exc.diagnostics[:3]]
                         ) from exc
    if not isinstance(katalog, Katalog):
        raise InputError("invalid-bundle", f"{path}: the deployed katalog.yaml is not a Katalog",
                         hint="is this a bundle written by ork or Orkestra?")
    provenance = prov[0] if prov and isinstance(prov[0], dict) else {}
    namespace = _meta(cm).get("namespace")
    return Deployed(katalog, provenance, str(namespace) if namespace else None, rules)


def compute(before: Deployed, after: Deployed, *, show_secrets: bool = False,
            namespace: str = "orkestra-system") -> Plan:
    """Return the plan from the deployed bundle to the new one."""
    old = before.katalog.spec.crds
    new = after.katalog.spec.crds
    crds: list[CrdPlan] = []
    for name in sorted(old.keys() | new.keys()):
        if name not in new:
            action: CrdAction = "disable" if name in _disabled(after) else "remove"
        elif name not in old:
            action = "enable" if name in _disabled(before) else "add"
        else:
            action = "change"
        plan = _crd(name, action, before, after)
        if action == "change":
            plan.changes = _reveal(diff(_data(old[name]), _data(new[name])), show_secrets)
        if plan.has_changes:
            crds.append(plan)
    old_top = {k: v for k, v in before.katalog.wire().items() if k != "spec"}
    new_top = {k: v for k, v in after.katalog.wire().items() if k != "spec"}
    added, removed = _rbac(before, after)
    return Plan(crds, diff(old_top, new_top), added, removed, namespace, before.namespace)


def _disabled(side: Deployed) -> set[str]:
    names = side.provenance.get("disabled")
    return {str(n) for n in names} if isinstance(names, list) else set()


def _crd_provenance(side: Deployed, name: str) -> dict[str, Any]:
    crds = side.provenance.get("crds")
    entry = crds.get(name) if isinstance(crds, dict) else None
    return entry if isinstance(entry, dict) else {}


def _crd(name: str, action: CrdAction, before: Deployed, after: Deployed) -> CrdPlan:
    pb, pa = _crd_provenance(before, name), _crd_provenance(after, name)
    plan = CrdPlan(name, action, _api(before.katalog.spec.crds.get(name)),
                   _api(after.katalog.spec.crds.get(name)), _source(pb), _source(pa))
    sb, sa = _dict(pb.get("source")), _dict(pa.get("source"))
    plan.source_ref = str(sa.get("ref") or sb.get("ref") or "")
    plan.source_digests = (str(sb.get("digest") or ""), str(sa.get("digest") or ""))
    if (pb and pa) or action != "change":
        plan.motifs = _motifs(_list(pb.get("motifs")), _list(pa.get("motifs")))
    plan.source_tag_moved = _moved(sb, sa) and bool(sa.get("resolved"))
    refs = (str(sb.get("ref") or ""), str(sa.get("ref") or ""))
    if all(refs) and refs[0] != refs[1] and plan.source_before == plan.source_after:
        plan.source_refs = refs  # e.g. the same Katalog, now vendored
    return plan


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _moved(before: dict[str, Any], after: dict[str, Any]) -> bool:
    """Return whether a source kept its ref (its tag) but now has another digest."""
    return (bool(before.get("ref")) and before.get("ref") == after.get("ref")
            and before.get("digest") != after.get("digest"))


def _api(crd: Any) -> str:
    if crd is None:
        return ""
    t = crd.api_types
    gv = "/".join(p for p in (t.group, t.version) if p)
    return f"{gv} {t.kind}".strip()


def _source(p: dict[str, Any]) -> tuple[str, str] | None:
    k = p.get("katalog")
    if not isinstance(k, dict):
        return None
    return str(k.get("name") or ""), str(k.get("version") or "")


def _motifs(before: list[Any], after: list[Any]) -> list[MotifChange]:
    """Pair the Motifs of two provenance entries by name (the n-th import of a name with
    the n-th), and return those whose version or digest differs.

    A local Motif file edited in place (same ref and version) is left out: the fields it
    changed say more, and a comment edit changes its digest but nothing the runtime reads.
    """
    def index(items: list[Any]) -> dict[tuple[str, int], dict[str, Any]]:
        out: dict[tuple[str, int], dict[str, Any]] = {}
        for m in (m for m in items if isinstance(m, dict)):
            name = str(m.get("name") or m.get("ref") or "")
            out[(name, sum(1 for k in out if k[0] == name))] = m
        return out

    a, b = index(before), index(after)
    out = []
    for key in sorted(a.keys() | b.keys()):
        ma, mb = a.get(key), b.get(key)
        va, vb = _version(ma), _version(mb)
        if va == vb or (ma and mb and va and vb and va[0] == vb[0] and _moved(ma, mb)
                        and not mb.get("resolved")):
            continue
        moved = ma is not None and mb is not None and _moved(ma, mb) and va and vb \
            and va[0] == vb[0]
        out.append(MotifChange(key[0], va, vb, bool(moved)))
    return out


def _version(m: dict[str, Any] | None) -> tuple[str, str] | None:
    return (str(m.get("version") or ""), str(m.get("digest") or "")) if m else None


def _rbac(before: Deployed, after: Deployed) -> tuple[list[str], list[str]]:
    """Return the grants added and removed, one line per resource: ``core/secrets: get, …``."""
    def grants(side: Deployed) -> set[tuple[str, str]]:
        out: set[tuple[str, str]] = set()
        for rule in side.rules if side.rules is not None else rbac.rules(side.katalog):
            for group in _list(_dict(rule).get("apiGroups")):
                for res in _list(rule.get("resources")):
                    out.update((f"{group or 'core'}/{res}", str(verb))
                               for verb in _list(rule.get("verbs")))
        return out

    def lines(pairs: set[tuple[str, str]]) -> list[str]:
        by_res: dict[str, list[str]] = {}
        for res, verb in sorted(pairs):
            by_res.setdefault(res, []).append(verb)
        return [f"{res}: {', '.join(verbs)}" for res, verbs in sorted(by_res.items())]

    a, b = grants(before), grants(after)
    return lines(b - a), lines(a - b)


@dataclass(frozen=True)
class _Sensitive:
    """A secret's value inside the diffed trees: compared by value, printed masked."""

    value: Any


def _data(entry: CRDEntry) -> dict[str, Any]:
    """Return a CRD as the data to compare: ``dependsOn`` always as ``{name: condition}``
    (the wire form switches between a list and a mapping), secret values wrapped."""
    crd = entry.wire()
    if entry.depends_on is not None:
        crd["dependsOn"] = {d.name: d.condition for d in entry.depends_on}
    return _protect(crd)


def _protect(crd: dict[str, Any]) -> dict[str, Any]:
    """Wrap the values of every Secret item (``data`` / ``stringData``) of a CRD."""
    reconcile = _dict(_dict(crd.get("operatorBox")).get("reconcile"))
    for phase in PHASES:
        block = _dict(reconcile.get(phase))
        for group in ("secrets", "custom"):
            for item in _list(block.get(group)):
                if isinstance(item, dict) and (group == "secrets" or item.get("kind") == "Secret"):
                    for key in ("data", "stringData"):
                        values = item.get(key)
                        if isinstance(values, dict):
                            item[key] = {k: _Sensitive(v) for k, v in values.items()}
    return crd


def _reveal(deltas: list[Delta], show: bool) -> list[Delta]:
    """Replace the wrapped secret values by the mask (or by the values, with ``show``)."""
    return [Delta(d.path, d.action, _unwrap(d.before, show), _unwrap(d.after, show), d.parts)
            for d in deltas]


def _unwrap(value: Any, show: bool) -> Any:
    if isinstance(value, _Sensitive):
        return value.value if show else MASK
    if isinstance(value, dict):
        return {k: _unwrap(v, show) for k, v in value.items()}
    if isinstance(value, list):
        return [_unwrap(v, show) for v in value]
    return value
