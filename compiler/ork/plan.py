"""``ork plan``: what will the reconciler do differently after the deliberate restart?

Compares, as data, the working tree's resolved Katalog and provenance with the deployed
bundle's: CRDs added, removed, enabled and disabled; ``apiTypes`` changes (an API change);
every field including template bodies, with resource items and status fields matched by
name and path; the source and Motif versions and digests each CRD came from (a tag that
moved is flagged); and the RBAC rules the bundle grants.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from . import rbac
from .errors import InputError, Loc, OrkError
from .kinds import Katalog, parse_document
from .treediff import Delta, diff

CrdAction = Literal["add", "remove", "change", "disable"]
MASK = "(sensitive value)"


@dataclass(frozen=True)
class Deployed:
    """The resolved Katalog and provenance read from a deployed bundle."""

    katalog: Katalog
    provenance: dict[str, Any]


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
    motifs: list[MotifChange] = field(default_factory=list)
    changes: list[Delta] = field(default_factory=list)

    @property
    def api_change(self) -> bool:
        """Return whether clients of this CRD are affected (its group/version/kind moved)."""
        return self.action == "change" and self.api_before != self.api_after


@dataclass
class Plan:
    """The whole plan."""

    crds: list[CrdPlan]
    blocks: list[Delta]
    rbac_added: list[str]
    rbac_removed: list[str]
    namespace: str

    @property
    def has_changes(self) -> bool:
        """Return whether anything at all differs."""
        return bool(self.crds or self.blocks or self.rbac_added or self.rbac_removed)

    def counts(self) -> dict[str, int]:
        """Return how many CRDs are added, changed and removed."""
        out = {"add": 0, "change": 0, "remove": 0}
        for c in self.crds:
            out["remove" if c.action in ("remove", "disable") else c.action] += 1
        return out


def read_deployed(data: bytes, path: str) -> Deployed:
    """Return the Katalog and provenance of a bundle, a bare ConfigMap, or a kubectl dump.

    Raises:
        InputError: invalid-bundle (and reading errors).
    """
    from . import yamlsrc

    for doc in yamlsrc.load(data, path):
        value = doc.value
        if isinstance(value, dict) and value.get("kind") == "List":
            value = next((i for i in value.get("items") or [] if _is_katalog_cm(i)), None)
        if _is_katalog_cm(value):
            return _from_configmap(value, path)
    raise InputError("invalid-bundle", f"{path} holds no orkestra-katalog ConfigMap",
                     hint="pass the bundle.yaml that was applied, or "
                          "`kubectl get cm orkestra-katalog -n NS -o yaml | ork plan --bundle -`")


def _is_katalog_cm(value: Any) -> bool:
    return (isinstance(value, dict) and value.get("kind") == "ConfigMap"
            and isinstance(value.get("data"), dict) and "katalog.yaml" in value["data"])


def _from_configmap(cm: dict[str, Any], path: str) -> Deployed:
    from . import yamlsrc

    data = cm["data"]
    try:
        docs = yamlsrc.load(str(data["katalog.yaml"]).encode("utf-8"), f"{path}#katalog.yaml")
        katalog = parse_document(docs[0].value, Loc("deployed", 0)).model
        prov_docs = yamlsrc.load(str(data.get("provenance.yaml") or "{}").encode("utf-8"),
                                 f"{path}#provenance.yaml")
    except (OrkError, IndexError) as exc:
        raise InputError("invalid-bundle", f"{path}: the deployed katalog.yaml cannot be read",
                         hint="is this a bundle written by ork or Orkestra?") from exc
    if not isinstance(katalog, Katalog):
        raise InputError("invalid-bundle", f"{path}: katalog.yaml is not a Katalog")
    provenance = prov_docs[0].value if prov_docs and isinstance(prov_docs[0].value, dict) \
        else {}
    return Deployed(katalog, provenance)


def compute(before: Deployed, after: Deployed, *, disabled: tuple[str, ...] = (),
            show_secrets: bool = False, namespace: str = "orkestra-system") -> Plan:
    """Return the plan from the deployed bundle to the new one."""
    old = before.katalog.spec.crds
    new = after.katalog.spec.crds
    crds: list[CrdPlan] = []
    for name in sorted(old.keys() | new.keys()):
        if name not in new:
            crds.append(_crd(name, "disable" if name in disabled else "remove", before, after))
        elif name not in old:
            crds.append(_crd(name, "add", before, after))
        else:
            plan = _crd(name, "change", before, after)
            plan.changes = _mask(diff(old[name].wire(), new[name].wire()), show_secrets)
            if plan.changes or plan.motifs or plan.source_tag_moved \
                    or plan.source_before != plan.source_after:
                crds.append(plan)
    old_top = {k: v for k, v in before.katalog.wire().items() if k not in ("spec",)}
    new_top = {k: v for k, v in after.katalog.wire().items() if k not in ("spec",)}
    added, removed = _rbac(before.katalog, after.katalog)
    return Plan(crds, diff(old_top, new_top), added, removed, namespace)


def _crd(name: str, action: CrdAction, before: Deployed, after: Deployed) -> CrdPlan:
    old = before.katalog.spec.crds.get(name)
    new = after.katalog.spec.crds.get(name)
    pb = (before.provenance.get("crds") or {}).get(name) or {}
    pa = (after.provenance.get("crds") or {}).get(name) or {}
    plan = CrdPlan(name, action, _api(old), _api(new), _source(pb), _source(pa))
    if pb and pa:
        plan.source_tag_moved = (_source(pb) == _source(pa)
                                 and _digest(pb.get("source")) != _digest(pa.get("source"))
                                 and bool((pa.get("source") or {}).get("resolved")))
        plan.motifs = _motifs(pb.get("motifs") or [], pa.get("motifs") or [])
    return plan


def _api(crd: Any) -> str:
    if crd is None:
        return ""
    t = crd.api_types
    gv = "/".join(p for p in (t.group, t.version) if p)
    return f"{gv} {t.kind}".strip()


def _source(p: dict[str, Any]) -> tuple[str, str] | None:
    k = p.get("katalog") if isinstance(p, dict) else None
    if not isinstance(k, dict):
        return None
    return str(k.get("name") or ""), str(k.get("version") or "")


def _digest(source: Any) -> str:
    return str(source.get("digest") or "") if isinstance(source, dict) else ""


def _motifs(before: list[Any], after: list[Any]) -> list[MotifChange]:
    def index(items: list[Any]) -> dict[str, tuple[str, str, str]]:
        return {str(m.get("name")): (str(m.get("version") or ""), str(m.get("digest") or ""),
                                     str(m.get("ref") or "")) for m in items
                if isinstance(m, dict)}

    a, b = index(before), index(after)
    out = []
    for name in sorted(a.keys() | b.keys()):
        va, vb = a.get(name), b.get(name)
        if va == vb:
            continue
        moved = bool(va and vb and va[2] == vb[2] and va[0] == vb[0] and va[1] != vb[1])
        out.append(MotifChange(name, va[:2] if va else None, vb[:2] if vb else None, moved))
    return out


def _rbac(before: Katalog, after: Katalog) -> tuple[list[str], list[str]]:
    """Return the grants added and removed, one line per resource: ``core/secrets: get, …``."""
    def grants(k: Katalog) -> set[tuple[str, str]]:
        out: set[tuple[str, str]] = set()
        for rule in rbac.rules(k):
            for group in rule["apiGroups"]:
                for res in rule["resources"]:
                    out.update((f"{group or 'core'}/{res}", verb) for verb in rule["verbs"])
        return out

    def lines(pairs: set[tuple[str, str]]) -> list[str]:
        by_res: dict[str, list[str]] = {}
        for res, verb in sorted(pairs):
            by_res.setdefault(res, []).append(verb)
        return [f"{res}: {', '.join(verbs)}" for res, verbs in sorted(by_res.items())]

    a, b = grants(before), grants(after)
    return lines(b - a), lines(a - b)


def _mask(deltas: list[Delta], show: bool) -> list[Delta]:
    """Hide the values of Secret items (``data``/``stringData``) unless asked to show them."""
    if show:
        return deltas
    out = []
    for d in deltas:
        at = d.path.find(".secrets")
        if at < 0:
            out.append(d)
            continue
        rest = d.path[at + len(".secrets"):]
        inside = ".data" in rest or ".stringData" in rest
        out.append(Delta(d.path, d.action, _masked(d.before, inside),
                         _masked(d.after, inside)))
    return out


def _masked(value: Any, inside: bool) -> Any:
    """Return a value with every secret value replaced; ``inside`` means all of it is one."""
    if value is None:
        return None
    if inside:
        if isinstance(value, dict):
            return {k: MASK for k in value}
        return MASK
    if isinstance(value, list):
        return [_masked(v, False) for v in value]
    if isinstance(value, dict):
        return {k: _masked(v, k in ("data", "stringData")) for k, v in value.items()}
    return value
