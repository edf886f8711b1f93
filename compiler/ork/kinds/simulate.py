"""The Simulate kind (run by ``ork simulate``) and the E2E kind (shape only)."""

from typing import Literal

from .base import Bool, Int, Model, PassAny, PassList, Str
from .katalog import Metadata


class ExpectedOp(Model):
    """An operation the simulation must perform in a given cycle."""

    cycle: Int
    verb: Str
    resource: Str
    name: Str


class Absent(Model):
    """An object that must not exist at the end of the simulation."""

    resource: Str
    name: Str


class Expect(Model):
    """What a simulation must show."""

    steady: Bool | None = None
    no_errors: Bool | None = None
    ops: tuple[ExpectedOp, ...] | None = None
    absent: tuple[Absent, ...] | None = None


class Workload(Model):
    """How one workload behaves in the simulation instead of being healthy at once: a
    Deployment or StatefulSet with fewer ready replicas, a Job that fails or still runs.
    The state holds through ``untilCycle`` (the whole simulation without it)."""

    resource: Str
    name: Str
    ready_replicas: Int | None = None
    job: Literal["succeeded", "failed", "active"] | None = None
    until_cycle: Int | None = None


class SimulateSpec(Model):
    """Which bundle input and which CRs to simulate, for how many cycles."""

    katalog: Str | None = None
    komposer: Str | None = None
    bundle: Str | None = None
    cr: Str | None = None
    cr_files: tuple[Str, ...] | None = None
    cycles: Int | None = None
    workloads: tuple[Workload, ...] | None = None
    expect: Expect | None = None


class Simulate(Model):
    """``kind: Simulate``."""

    api_version: Str
    kind: Literal["Simulate"]
    metadata: Metadata
    spec: SimulateSpec


class E2E(Model):
    """``kind: E2E`` — recognised and shape-checked; it needs a real cluster to run."""

    api_version: Str
    kind: Literal["E2E"]
    metadata: Metadata
    spec: PassAny = None
    steps: PassList | None = None
