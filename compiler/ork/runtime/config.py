"""What the runtime needs of each CRD, computed once from the frozen Katalog."""

from __future__ import annotations

from dataclasses import dataclass, replace

from ..kinds import CRDEntry, Katalog
from ..kinds.resources import PASS_THROUGH_GROUPS, Resources, attr_name
from . import durations
from .objects import FINALIZER, GK, GROUP_KINDS
from .order import start_order
from .profiles import Profiles, from_katalog

PHASES = ("onCreate", "onReconcile", "onDelete")


@dataclass(frozen=True)
class CrdConfig:
    """One CRD as the runtime runs it."""

    name: str
    entry: CRDEntry
    gk: GK
    api_version: str
    plural: str
    workers: int
    resync: float
    finalizers: tuple[str, ...]
    katalog: tuple[tuple[str, str], ...]
    allowed_namespaces: tuple[str, ...] | None
    restricted_namespaces: tuple[str, ...]
    child_gks: tuple[GK, ...]
    unsupported_groups: tuple[str, ...]

    def phase(self, name: str) -> Resources | None:
        """Return the resources of ``onCreate``, ``onReconcile`` or ``onDelete``."""
        box = self.entry.operator_box
        reconcile = box.reconcile if box else None
        if reconcile is None:
            return None
        value = getattr(reconcile, attr_name(name))
        return value if isinstance(value, Resources) else None

    def in_scope(self, namespace: str) -> bool:
        """Return whether CRs in ``namespace`` are this runtime's to reconcile."""
        if namespace in self.restricted_namespaces:
            return False
        return self.allowed_namespaces is None or namespace in self.allowed_namespaces


@dataclass(frozen=True)
class RuntimeConfig:
    """Every CRD in start order, and the profiles in force."""

    crds: tuple[CrdConfig, ...]
    profiles: Profiles

    def crd(self, name: str) -> CrdConfig | None:
        """Return a CRD's config by name."""
        return next((c for c in self.crds if c.name == name), None)

    def for_gk(self, gk: GK) -> CrdConfig | None:
        """Return the CRD serving a group/kind."""
        return next((c for c in self.crds if c.gk == gk), None)

    def plurals(self) -> dict[GK, str]:
        """Return each CRD's plural by its group/kind."""
        return {c.gk: c.plural for c in self.crds}


def build(katalog: Katalog) -> RuntimeConfig:
    """Return the runtime configuration of a Katalog, CRDs in dependsOn order.

    Raises:
        InputError: invalid-duration for a ``resync`` Go cannot parse.
        RuntimeError_: invalid-bundle for a malformed profiles block.
        GraphError: dependency-cycle.
    """
    crds = {n: e for n, e in katalog.spec.crds.items() if e.is_enabled}
    order = start_order({n: e.dependency_names() for n, e in crds.items()})
    configs = tuple(_crd(n, crds[n], katalog) for n in order)
    return RuntimeConfig(configs, from_katalog(katalog.profiles))


def _crd(name: str, entry: CRDEntry, katalog: Katalog) -> CrdConfig:
    types = entry.api_types
    group = types.group or ""
    version = types.version or "v1"
    box = entry.operator_box
    reconcile = box.reconcile if box else None
    runtime = box.runtime if box else None
    finalizers = (FINALIZER, *(katalog.spec.finalizers or ()),
                  *((runtime.finalizers or ()) if runtime else ()))
    meta = katalog.metadata
    info = {"name": entry.katalog_name or meta.name,
            "namespace": entry.katalog_namespace or meta.namespace or "default",
            "version": entry.katalog_version or meta.version or ""}
    config = CrdConfig(
        name=name, entry=entry, gk=GK(group, types.kind),
        api_version=f"{group}/{version}" if group else version, plural=types.resource(),
        workers=(reconcile.workers if reconcile and reconcile.workers else 1),
        resync=durations.parse((reconcile.resync if reconcile else None)
                               or durations.DEFAULT_RESYNC),
        finalizers=tuple(dict.fromkeys(finalizers)), katalog=tuple(info.items()),
        allowed_namespaces=runtime.allowed_namespaces if runtime else None,
        restricted_namespaces=(runtime.restricted_namespaces or ()) if runtime else (),
        child_gks=(), unsupported_groups=())
    kinds: set[GK] = set()
    unsupported: set[str] = set()
    for phase in PHASES:
        resources = config.phase(phase)
        if resources is not None:
            kinds |= _static_kinds(resources)
            unsupported |= {g for g in PASS_THROUGH_GROUPS if getattr(resources, attr_name(g))}
    return replace(config, child_gks=tuple(sorted(kinds)),
                   unsupported_groups=tuple(sorted(unsupported)))


def _static_kinds(resources: Resources) -> set[GK]:
    """Return the kinds a phase creates that are known before rendering."""
    kinds = set()
    for group, items in resources.groups():
        if group in GROUP_KINDS:
            kinds.add(GK.of_api(*GROUP_KINDS[group]))
            continue
        for item in items:
            api, kind = getattr(item, "api_version", ""), getattr(item, "kind", "")
            if "{{" not in api + kind:
                kinds.add(GK.of_api(api, kind))
    return kinds
