"""Kubernetes helpers (``allReplicasReady .children.deployment``) and the runtime-only
functions (``now``, ``uuidv4``, ``randAlphaNum``).

The helpers read the objects the runtime puts under ``.children``; given nil (no such
child yet) they answer false, 0 or "" rather than failing, so a status field can be
computed before the children exist.
"""

from __future__ import annotations

import contextvars
import datetime
import random
import secrets
import string
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from .values import ExecError, number


def _get(obj: Any, *path: str) -> Any:
    for key in path:
        if not isinstance(obj, dict):
            return None
        obj = obj.get(key)
    return obj


def _count(obj: Any, *path: str) -> int:
    n = number(_get(obj, *path))
    return int(n) if n is not None else 0


def ready_replicas(obj: Any) -> int:
    """Return ``status.readyReplicas`` (0 when absent)."""
    return _count(obj, "status", "readyReplicas")


def all_replicas_ready(obj: Any) -> bool:
    """Return whether readyReplicas ≥ replicas > 0 (replicas defaults to 1, as in k8s)."""
    if not isinstance(obj, dict):
        return False
    spec_replicas = _get(obj, "spec", "replicas")
    wanted = 1 if spec_replicas is None else _count(obj, "spec", "replicas")
    return wanted > 0 and ready_replicas(obj) >= wanted


def container_image(obj: Any) -> str:
    """Return the image of the first container of a workload (or of a Pod)."""
    for path in (("spec", "template", "spec", "containers"),
                 ("spec", "jobTemplate", "spec", "template", "spec", "containers"),
                 ("spec", "containers")):
        containers = _get(obj, *path)
        if isinstance(containers, list) and containers and isinstance(containers[0], dict):
            return str(containers[0].get("image") or "")
    return ""


def _conditions(obj: Any) -> list[dict[str, Any]]:
    conds = _get(obj, "status", "conditions")
    return [c for c in conds if isinstance(c, dict)] if isinstance(conds, list) else []


def condition_status(obj: Any, kind: Any) -> str:
    """Return the status ("True", "False", "Unknown") of a condition type, or ""."""
    for cond in _conditions(obj):
        if cond.get("type") == kind:
            return str(cond.get("status") or "")
    return ""


def has_condition(obj: Any, kind: Any) -> bool:
    """Return whether a condition of that type is present with status "True"."""
    return condition_status(obj, kind) == "True"


def job_succeeded(obj: Any) -> bool:
    """Return whether a Job completed (succeeded pods, or condition Complete)."""
    return _count(obj, "status", "succeeded") > 0 or has_condition(obj, "Complete")


def job_failed(obj: Any) -> bool:
    """Return whether a Job failed (condition Failed)."""
    return has_condition(obj, "Failed")


def job_active(obj: Any) -> bool:
    """Return whether a Job has running pods."""
    return _count(obj, "status", "active") > 0


def phase(obj: Any) -> str:
    """Return ``status.phase``, or ""."""
    value = _get(obj, "status", "phase")
    return str(value) if value is not None else ""


HELPERS: dict[str, Callable[..., Any]] = {  # their arity: ork.templates.signatures
    "allReplicasReady": all_replicas_ready, "readyReplicas": ready_replicas,
    "containerImage": container_image, "jobSucceeded": job_succeeded,
    "jobFailed": job_failed, "jobActive": job_active, "hasCondition": has_condition,
    "conditionStatus": condition_status, "phase": phase,
}


@dataclass(frozen=True)
class _Sources:
    """Where the runtime-only functions get time and randomness."""

    clock: Callable[[], str] | None = None
    rng: random.Random | None = None


_DEFAULT = _Sources()
_SOURCES: contextvars.ContextVar[_Sources | None] = contextvars.ContextVar(
    "ork_template_sources", default=None)


def _sources() -> _Sources:
    return _SOURCES.get() or _DEFAULT


@contextmanager
def reproducible(*, seed: int = 0, time: str = "1970-01-01T00:00:00Z") -> Iterator[None]:
    """Make ``now``, ``uuidv4`` and ``randAlphaNum`` reproducible in this context.

    ``ork simulate`` runs under it, so the same inputs always print the same bytes.
    """
    token = _SOURCES.set(_Sources(lambda: time, random.Random(seed)))
    try:
        yield
    finally:
        _SOURCES.reset(token)


def now() -> str:
    """Return the current UTC time in RFC 3339 (seconds)."""
    clock = _sources().clock
    if clock is not None:
        return clock()
    return datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def uuid_v4() -> str:
    """Return a random (version 4) UUID."""
    rng = _sources().rng
    if rng is None:
        return str(uuid.uuid4())
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def rand_alphanum(n: Any) -> str:
    """Return ``n`` random letters and digits (for ``once`` secrets)."""
    count = number(n)
    if count is None or not 0 <= count <= 4096:
        raise ExecError("randAlphaNum: the length must be between 0 and 4096")
    alphabet = string.ascii_letters + string.digits
    rng = _sources().rng
    choose = rng.choice if rng is not None else secrets.choice
    return "".join(choose(alphabet) for _ in range(int(count)))


RUNTIME_ONLY: dict[str, Callable[..., Any]] = {
    "now": now, "uuidv4": uuid_v4, "randAlphaNum": rand_alphanum,
}
