"""Resource and probe profiles: the built-in ones of runtime.md, overridable by the Katalog.

A Katalog's ``profiles`` block (pass-through on the wire) may add or replace profiles::

    profiles:
      resources:
        tiny: {requests: {cpu: 50m, memory: 64Mi}, limits: {cpu: 100m, memory: 128Mi}}
      probes:
        patient: {initialDelaySeconds: 30, periodSeconds: 30, timeoutSeconds: 5,
                  failureThreshold: 10}

A profile given in the Katalog replaces the built-in profile of the same name whole; a probe
profile's missing timings are the ``standard`` profile's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from ..errors import RuntimeError_


def _res(cpu: str, mem: str, lcpu: str, lmem: str) -> dict[str, dict[str, str]]:
    return {"requests": {"cpu": cpu, "memory": mem}, "limits": {"cpu": lcpu, "memory": lmem}}


def _probe(delay: int, period: int, timeout: int, failures: int) -> dict[str, int]:
    return {"initialDelaySeconds": delay, "periodSeconds": period, "timeoutSeconds": timeout,
            "failureThreshold": failures}


RESOURCE_PROFILES: dict[str, dict[str, dict[str, str]]] = {
    "small": _res("100m", "128Mi", "250m", "256Mi"),
    "standard": _res("250m", "256Mi", "500m", "512Mi"),
    "burst": _res("500m", "512Mi", "2", "2Gi"),
}
PROBE_PROFILES: dict[str, dict[str, int]] = {
    "standard": _probe(5, 10, 1, 3),
    "strict": _probe(2, 5, 1, 2),
    "relaxed": _probe(15, 20, 5, 6),
}
PROBE_FIELDS = ("initialDelaySeconds", "periodSeconds", "timeoutSeconds", "failureThreshold")
DEFAULT_PROBE_PROFILE = "standard"


@dataclass(frozen=True)
class Profiles:
    """The profiles in force for one runtime: built-ins overlaid with the Katalog's."""

    resources: MappingProxyType[str, dict[str, dict[str, str]]] = field(
        default_factory=lambda: MappingProxyType(dict(RESOURCE_PROFILES)))
    probes: MappingProxyType[str, dict[str, int]] = field(
        default_factory=lambda: MappingProxyType(dict(PROBE_PROFILES)))

    def resource(self, name: str) -> dict[str, dict[str, str]] | None:
        """Return a copy of a resource profile's requests and limits, or None."""
        found = self.resources.get(name)
        return {k: dict(v) for k, v in found.items()} if found is not None else None

    def probe(self, name: str) -> dict[str, int] | None:
        """Return a copy of a probe profile's timings, or None."""
        found = self.probes.get(name)
        return dict(found) if found is not None else None


def from_katalog(block: Any) -> Profiles:
    """Return the profiles for a Katalog's ``profiles`` block (None: the built-ins).

    Raises:
        RuntimeError_: invalid-bundle when the block does not have the documented shape.
    """
    if block is None:
        return Profiles()
    if not isinstance(block, dict):
        raise _bad("`profiles` must be a mapping")
    resources = dict(RESOURCE_PROFILES)
    probes = dict(PROBE_PROFILES)
    for key, value in block.items():
        if key in ("resources", "resource"):
            resources.update(_resource_profiles(value))
        elif key in ("probes", "probe"):
            probes.update(_probe_profiles(value))
        # other keys are Orkestra profile kinds this runtime does not use
    return Profiles(MappingProxyType(resources), MappingProxyType(probes))


def _resource_profiles(value: Any) -> dict[str, dict[str, dict[str, str]]]:
    if not isinstance(value, dict):
        raise _bad("`profiles.resources` must map a profile name to requests and limits")
    out = {}
    for name, prof in value.items():
        if not isinstance(prof, dict) or not set(prof) <= {"requests", "limits"}:
            raise _bad(f"resource profile {name!r} must hold `requests` and/or `limits`")
        entry: dict[str, dict[str, str]] = {}
        for part in ("requests", "limits"):
            amounts = prof.get(part)
            if amounts is None:
                continue
            if not isinstance(amounts, dict):
                raise _bad(f"`{part}` of resource profile {name!r} must be a mapping")
            entry[part] = {str(k): str(v) for k, v in amounts.items()}
        out[str(name)] = entry
    return out


def _probe_profiles(value: Any) -> dict[str, dict[str, int]]:
    if not isinstance(value, dict):
        raise _bad("`profiles.probes` must map a profile name to probe timings")
    out = {}
    for name, prof in value.items():
        if not isinstance(prof, dict) or not set(prof) <= set(PROBE_FIELDS):
            raise _bad(f"probe profile {name!r} may only set {', '.join(PROBE_FIELDS)}")
        timings = dict(PROBE_PROFILES[DEFAULT_PROBE_PROFILE])
        for key, number in prof.items():
            if not isinstance(number, int) or isinstance(number, bool) or number < 0:
                raise _bad(f"`{key}` of probe profile {name!r} must be a non-negative integer")
            timings[key] = number
        out[str(name)] = timings
    return out


def _bad(message: str) -> RuntimeError_:
    return RuntimeError_("invalid-bundle", f"the Katalog's profiles block: {message}",
                         hint="see docs/runtime.md, \"Profiles\"")
