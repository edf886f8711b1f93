"""``ork simulate``: the reconcile code for a number of cycles on the memory backend.

The CRs are created in canonical order (CRDs in start order, CRs by namespace and name),
whatever the order they were given in, and each cycle reconciles every CR once in that order
and records the writes it made. Expectations of a Simulate document are then checked: ops per
cycle, objects absent at the end, ``steady`` (no write in the last cycle) and ``noErrors``
(no reconcile failed; a denial by an admission rule is an outcome, not an error).

Workloads are healthy at once (Deployments and StatefulSets ready, Jobs succeeded) unless
the Simulate file's ``workloads`` says otherwise (:class:`Health`); a state that ends with
``untilCycle`` turns healthy at the start of the next cycle, as pods becoming ready would.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ..errors import RuntimeError_, Span
from ..kinds.simulate import Expect, Workload
from ..templates.k8s import reproducible
from .bundle import Bundle
from .cluster import Event
from .config import RuntimeConfig, build
from .memory import MemoryCluster
from .objects import GK, Key, Obj, resource_word
from .reconcile import Reconciler
from .recorder import Op, Recorder
from .storecore import EVENT, simulate_status

DEFAULT_CYCLES = 10
# The resource words a Simulate file's `workloads` may name, and what each accepts.
WORKLOADS = {"deployments": GK("apps", "Deployment"), "statefulsets": GK("apps", "StatefulSet"),
             "jobs": GK("batch", "Job")}


class Health:
    """Workload statuses for a simulation: healthy, except the Simulate file's states while
    their cycle lasts."""

    def __init__(self, states: Sequence[Workload] = ()) -> None:
        self.states = {(WORKLOADS[w.resource.lower()], w.name): w for w in states}
        self.cycle = 1

    def __call__(self, obj: Obj) -> None:
        """Set an object's status for the current cycle."""
        simulate_status(obj)
        state = self.states.get((GK.of(obj), Key.of(obj).name))
        if state is None or (state.until_cycle is not None and self.cycle > state.until_cycle):
            return
        status = obj["status"]
        if state.ready_replicas is not None:
            ready = min(state.ready_replicas, int(status.get("replicas") or 0))
            status.update(readyReplicas=ready, availableReplicas=ready)
        elif state.job == "failed":
            obj["status"] = {"failed": 1, "conditions": [{"type": "Failed", "status": "True"}]}
        elif state.job == "active":
            obj["status"] = {"active": 1}

    def settle(self, cluster: MemoryCluster, cycle: int) -> None:
        """Start a cycle: the workloads a state names get this cycle's status."""
        self.cycle = cycle
        for gk, name in sorted(self.states):
            for obj in cluster.list(gk):
                if Key.of(obj).name == name:
                    meta = obj["metadata"]
                    cluster.patch({"apiVersion": obj["apiVersion"], "kind": obj["kind"],
                                   "metadata": {"name": name,
                                                "namespace": meta.get("namespace")}})


@dataclass(frozen=True)
class Cycle:
    """What one cycle did: its writes, its events and its failed reconciles."""

    number: int
    ops: tuple[Op, ...]
    events: tuple[Event, ...]
    errors: tuple[str, ...]


@dataclass(frozen=True)
class Report:
    """The cycles, the objects at the end, and the expectations that failed."""

    cycles: tuple[Cycle, ...]
    objects: tuple[Obj, ...]
    failures: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default=())


def run(bundle: Bundle, crs: Sequence[Obj], *, cycles: int = DEFAULT_CYCLES,
        expect: Expect | None = None, workloads: Sequence[Workload] = (),
        spans: Sequence[Span] = ()) -> Report:
    """Return the report of simulating ``crs`` against the bundle's Katalog (``spans``:
    where each CR was written, for the diagnostics).

    Raises:
        RuntimeError_: unknown-cr-kind for a CR no CRD of the bundle serves (at its
            apiVersion); duplicate-cr for a CR given twice.
    """
    config = build(bundle.katalog)
    cluster = MemoryCluster()
    health = Health(workloads)
    cluster.workload_status = health
    admitted: dict[Key, Obj] = {}
    for i, cr in enumerate(crs):
        obj = _admit(admitted, config, cr, spans[i] if i < len(spans) else None)
        admitted[Key.of(obj)] = obj
    # Created in the order the cycles reconcile them, not the order they were given in:
    # uids and resourceVersions derive from the change number, and the same set of CRs
    # must print the same bytes.
    start = {crd.gk: n for n, crd in enumerate(config.crds)}
    for key in sorted(admitted, key=lambda k: (start[k.gk], k.namespace, k.name)):
        cluster.create(admitted[key])
    plurals = config.plurals()
    with reproducible():  # now, uuidv4 and randAlphaNum: the same inputs, the same output
        done = tuple(_cycle(n, cluster, config, plurals, health)
                     for n in range(1, cycles + 1))
    objects = tuple(o for o in cluster.all_objects() if GK.of(o) != EVENT)
    failures = tuple(check(expect, done, objects, plurals)) if expect else ()
    notes = tuple(f"{c.name}: {g} are not supported by this runtime (skipped)"
                  for c in config.crds for g in c.unsupported_groups)
    return Report(done, objects, failures, notes)


def _admit(admitted: Mapping[Key, Obj], config: RuntimeConfig, cr: Obj,
           span: Span | None) -> Obj:
    """Return the CR as the simulation creates it (its namespace defaulted, no status).

    Raises:
        RuntimeError_: unknown-cr-kind, or duplicate-cr when ``admitted`` holds it already.
    """
    gk = GK.of(cr)
    crd = config.for_gk(gk)
    if crd is None or crd.api_version != cr.get("apiVersion"):
        served = ", ".join(f"{c.api_version} {c.gk.kind}" for c in config.crds) or "none"
        raise RuntimeError_("unknown-cr-kind",
                            f"no CRD of the bundle serves {cr.get('apiVersion')} {gk.kind}",
                            span=span, hint=f"the bundle serves: {served}")
    obj = {k: v for k, v in cr.items() if k != "status"}
    meta = dict(obj.get("metadata") or {})
    meta.setdefault("namespace", "default")
    obj["metadata"] = meta
    key = Key.of(obj)
    if key in admitted:
        raise RuntimeError_("duplicate-cr", f"{crd.plural} {key.namespace}/{key.name} is "
                            "given twice", span=span,
                            hint="pass each CR once: the files given with --cr (or listed "
                                 "in the Simulate file) name the same object")
    return obj


def _cycle(number: int, cluster: MemoryCluster, config: RuntimeConfig,
           plurals: dict[GK, str], health: Health) -> Cycle:
    health.settle(cluster, number)
    ops: list[Op] = []
    events: list[Event] = []
    errors: list[str] = []
    recorder = Recorder(cluster, plurals, on_op=ops.append, on_event=events.append)
    for crd in config.crds:
        reconciler = Reconciler(recorder, crd, config.profiles)
        for cr in cluster.list(crd.gk):
            key = Key.of(cr)
            outcome = reconciler.reconcile(key)
            if outcome.result == "error":
                errors.append(f"{crd.plural} {key.name}: {outcome.message}")
    return Cycle(number, tuple(ops), tuple(events), tuple(errors))


def check(expect: Expect, cycles: Sequence[Cycle], objects: Sequence[Obj],
          plurals: dict[GK, str]) -> list[str]:
    """Return a readable line per failed expectation."""
    failures: list[str] = []
    by_number = {c.number: c for c in cycles}
    for want in expect.ops or ():
        cycle = by_number.get(want.cycle)
        wanted = Op(want.verb, want.resource, want.name)
        if cycle is None:
            failures.append(f"expected `{wanted}` in cycle {want.cycle}, but the simulation "
                            f"ran {len(cycles)} cycle(s)")
        elif not any(_same(op, wanted) for op in cycle.ops):
            done = ", ".join(str(op) for op in cycle.ops) or "nothing"
            failures.append(f"expected `{wanted}` in cycle {want.cycle}; it did: {done}")
    for gone in expect.absent or ():
        for obj in objects:
            word = resource_word(GK.of(obj), plurals)
            if word.lower() == gone.resource.lower() and Key.of(obj).name == gone.name:
                failures.append(f"expected {gone.resource} {gone.name} to be absent, "
                                f"but it exists ({Key.of(obj)})")
    if expect.steady and cycles and cycles[-1].ops:
        done = ", ".join(str(op) for op in cycles[-1].ops)
        failures.append(f"expected a steady state, but the last cycle ({cycles[-1].number}) "
                        f"still wrote: {done}")
    if expect.no_errors:
        failures += [f"cycle {c.number}: reconcile failed: {e}" for c in cycles
                     for e in c.errors]
    return failures


def _same(op: Op, wanted: Op) -> bool:
    return (op.verb == wanted.verb and op.resource.lower() == wanted.resource.lower()
            and op.name == wanted.name)
