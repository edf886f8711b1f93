"""Checks of single values: names, durations, workers, crdFile, the gateway."""

from __future__ import annotations

import re
from collections.abc import Callable

from ..errors import InputError, Loc, OrkError, PathPart
from ..kinds import CRDEntry

Locate = Callable[[str, tuple[PathPart, ...]], Loc | None]

RFC1123_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
GO_DURATION = re.compile(r"^(0|([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+)$")


def check(name: str, crd: CRDEntry, locate: Locate, *, for_bundle: bool) -> list[OrkError]:
    """Return the value problems of one CRD of a resolved Katalog."""
    return _crd(name, crd, locate, for_bundle=for_bundle)


def valid_name(name: str) -> bool:
    """Return whether ``name`` is an RFC 1123 label."""
    return len(name) <= 63 and RFC1123_LABEL.match(name) is not None


def check_name(name: str, what: str, loc: Loc | None) -> OrkError | None:
    """Return an invalid-name error unless ``name`` is an RFC 1123 label."""
    if valid_name(name):
        return None
    fixed = re.sub(r"[^a-z0-9-]+", "-", name.lower()).strip("-")[:63] or "name"
    return InputError("invalid-name", f"{what} {name!r} is not a valid name", loc=loc,
                      hint=f"use lowercase letters, digits and '-', at most 63 characters "
                           f"(e.g. {fixed!r})")


def _crd(name: str, crd: CRDEntry, locate: Locate, *, for_bundle: bool) -> list[OrkError]:
    # Locations are looked up only for a problem: they decode the CRD's origins.
    errors: list[OrkError] = []
    bad = None if valid_name(name) else check_name(name, "CRD name", _key(locate(name, ())))
    if bad:
        errors.append(bad)
    if crd.katalog_name and not valid_name(crd.katalog_name):
        bad = check_name(crd.katalog_name, "Katalog name", locate(name, ("katalogName",)))
        if bad:
            errors.append(bad)
    errors += _api_types(name, crd, locate)
    rec = crd.operator_box.reconcile if crd.operator_box else None
    if rec is not None and rec.workers is not None and not 1 <= rec.workers <= 50:
        errors.append(InputError(
            "workers-out-of-range", f"workers is {rec.workers}; it must be between 1 and 50",
            loc=locate(name, ("operatorBox", "reconcile", "workers")),
            hint="1 to 50 concurrent reconciles per CRD"))
    if rec is not None and rec.resync is not None and not GO_DURATION.match(rec.resync):
        errors.append(InputError(
            "invalid-duration", f"resync {rec.resync!r} is not a duration",
            loc=locate(name, ("operatorBox", "reconcile", "resync")),
            hint="write a Go duration such as 30s, 1m, 1h30m"))
    if for_bundle and crd.crd_file is not None:
        errors.append(InputError(
            "crdfile-in-bundle", "`crdFile` is a development shortcut and cannot go into a "
            "bundle", loc=_key(locate(name, ("crdFile",))),
            hint="apply the CRD manifest separately, and remove `crdFile` from the Katalog"))
    return errors


_API_TYPES_HINTS = {
    "group": "write the API group as a DNS name (`group: shop.example.com`), or remove "
             "`group:`",
    "version": "write the API version (`version: v1`), or remove `version:` for v1",
    "kind": "write the kind in CamelCase (`kind: WebApp`): it names the CRD's resource",
    "plural": "write the plural resource name (`plural: webapps`), or remove `plural:` "
              "for lowercase(kind) + \"s\"",
}


def _api_types(name: str, crd: CRDEntry, locate: Locate) -> list[OrkError]:
    """An empty (or blank) ``apiTypes`` field: a CRD served as ``g/v, Kind=""`` with the
    resource ``s`` is no CRD at all (wire-format.md: kind is required)."""
    errors: list[OrkError] = []
    for field, hint in _API_TYPES_HINTS.items():
        value = getattr(crd.api_types, field)
        if isinstance(value, str) and not value.strip():
            errors.append(InputError(
                "invalid-value", f"`apiTypes.{field}` of CRD {name!r} is empty",
                loc=locate(name, ("apiTypes", field)), hint=hint))
    return errors


def _key(loc: Loc | None) -> Loc | None:
    return loc.at_key() if loc is not None and loc.path else loc
