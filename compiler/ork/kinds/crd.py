"""The CRD entry of a Katalog, and the partial entry a Komposer uses to override one."""

from typing import Any

from pydantic import Field, field_serializer, field_validator

from .base import Bool, Int, Model, PassAny, PassList, PassMapping, PassScalar, Str
from .conditions import Admission, StatusBlock
from .resources import Resources


class APITypes(Model):
    """The group/version/kind of a CRD; ``plural`` defaults to lowercase(kind) + "s"."""

    group: Str | None = None
    version: Str | None = None
    kind: Str
    plural: Str | None = None
    namespaced: Bool | None = None
    # Orkestra fields ork carries but does not interpret.
    location: PassAny = None
    short_names: PassList | None = None
    singular: PassScalar = None

    def resource(self) -> str:
        """Return the plural resource name used in RBAC rules and the API path."""
        return self.plural or self.kind.lower() + "s"


class APITypesPatch(APITypes):
    """``apiTypes`` in a Komposer override: without ``kind`` it merges field by field."""

    kind: Str | None = None  # type: ignore[assignment]


class MotifImport(Model):
    """One Motif import of a CRD: a reference and the input bindings."""

    motif: Str
    with_: dict[str, PassAny] | None = Field(None, alias="with")


class DependsOn(Model):
    """One dependency: the CRD name and the condition it must reach (Orkestra's)."""

    name: Str
    condition: Str = "started"


class Reconcile(Model):
    """``operatorBox.reconcile``: workers, resync and the three resource phases."""

    workers: Int | None = None
    resync: Str | None = None
    on_create: Resources | None = None
    on_reconcile: Resources | None = None
    on_delete: Resources | None = None
    # Orkestra keys carried unchanged, sorted.
    autoscale: PassAny = None
    constructor: PassAny = None
    cross: PassAny = None
    default: PassScalar = None
    hook_factory: PassAny = None
    hooks: PassAny = None
    include: PassAny = None
    observe: PassAny = None
    pre_reconcile: PassAny = None
    profile: PassScalar = None
    providers: PassAny = None
    queue: PassAny = None
    requeue: PassAny = None
    roll_back_on_error: PassScalar = None
    rollback: PassAny = None


class Emit(Model):
    """``operatorBox.emit``: what the runtime writes back to the CR."""

    status: StatusBlock | None = None


class RuntimeConfig(Model):
    """``operatorBox.runtime``: finalizers and namespace scoping."""

    finalizers: tuple[Str, ...] | None = None
    allowed_namespaces: tuple[Str, ...] | None = None
    restricted_namespaces: tuple[Str, ...] | None = None
    deletion_protection: PassMapping | None = None


class OperatorBox(Model):
    """How the runtime reconciles a CRD."""

    reconcile: Reconcile | None = None
    emit: Emit | None = None
    runtime: RuntimeConfig | None = None
    autoscale: PassAny = None
    constructor: PassAny = None
    cross: PassAny = None
    hook_factory: PassAny = None
    hooks: PassAny = None
    include: PassAny = None
    observe: PassAny = None
    pre_reconcile: PassAny = None
    profile: PassScalar = None
    providers: PassAny = None
    queue: PassAny = None
    requeue: PassAny = None
    roll_back_on_error: PassScalar = None
    rollback: PassAny = None


class CRDEntry(Model):
    """One CRD of a Katalog (canonical shape)."""

    katalog_name: Str | None = None
    katalog_namespace: Str | None = None
    katalog_version: Str | None = None
    katalog_description: Str | None = None
    enabled: Bool | None = None
    description: Str | None = None
    api_types: APITypes
    depends_on: tuple[DependsOn, ...] | None = None
    imports: tuple[MotifImport, ...] | None = None
    admission: Admission | None = None
    operator_box: OperatorBox | None = None
    crd_file: Str | None = None
    # Orkestra CRD-level keys carried unchanged, sorted.
    conversion: PassMapping | None = None
    cr_files: PassList | None = None
    cross_access: PassScalar = None
    deletion_protection: PassMapping | None = None
    endpoints: PassMapping | None = None
    enrich: PassList | None = None
    enrich_all: PassScalar = None
    field_selector: PassMapping | None = None
    force_conflict: PassScalar = None
    label_selector: PassMapping | None = None
    labels: PassMapping | None = None
    mode: PassScalar = None
    namespace: PassScalar = None
    namespaced: PassScalar = None
    normalize: PassMapping | None = None
    remove_finalizers: PassScalar = None
    serve: PassMapping | None = None
    setup: PassAny = None
    webhooks: PassMapping | None = None

    @field_validator("depends_on", mode="before")
    @classmethod
    def _depends_on_forms(cls, value: Any) -> Any:
        """Accept Orkestra's three forms: a list, ``{name: condition}``, ``{name: {condition}}``."""
        if isinstance(value, dict):
            out = []
            for name, cond in value.items():
                if isinstance(cond, dict):
                    out.append({"name": name, **cond})
                else:
                    out.append({"name": name, "condition": cond})
            return out
        if isinstance(value, list):
            return [{"name": v} if isinstance(v, str) else v for v in value]
        return value

    @field_serializer("depends_on")
    def _depends_on_wire(self, value: tuple[DependsOn, ...] | None) -> Any:
        """Emit the list form unless a condition is not the default; then the map form."""
        if value is None:
            return None
        if all(d.condition == "started" for d in value):
            return [d.name for d in value]
        return {d.name: d.condition for d in value}

    @property
    def is_enabled(self) -> bool:
        """Return whether this CRD goes into the bundle."""
        return self.enabled is not False

    def dependency_names(self) -> tuple[str, ...]:
        """Return the names of the CRDs this one depends on, in declared order."""
        return tuple(d.name for d in self.depends_on or ())


class CRDPatch(CRDEntry):
    """A Komposer's inline ``spec.crds`` entry: an override, or a new CRD (then complete)."""

    api_types: APITypesPatch | None = None  # type: ignore[assignment]
