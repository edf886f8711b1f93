"""Shared helpers of the runtime tests: bundles built by hand, and waiting for a condition."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any, TypeVar

from ork import canonical, yamlout
from ork.runtime import bundle as bundles

API = "orkestra.orkspace.io/v1"
T = TypeVar("T")


def katalog(crds: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """Return a resolved-Katalog document with these CRDs."""
    return {"apiVersion": API, "kind": "Katalog",
            "metadata": {"name": "demo", "namespace": "team", "version": "v1"},
            "spec": {"crds": crds}, **extra}


def crd(kind: str = "WebApp", *, on_reconcile: Any = None, on_create: Any = None,
        on_delete: Any = None, status: Any = None, admission: Any = None,
        depends_on: Any = None, resync: str = "1m", workers: int = 1) -> dict[str, Any]:
    """Return a CRD entry served at demo.io/v1."""
    reconcile: dict[str, Any] = {"workers": workers, "resync": resync}
    for key, value in (("onCreate", on_create), ("onReconcile", on_reconcile),
                       ("onDelete", on_delete)):
        if value is not None:
            reconcile[key] = value
    box: dict[str, Any] = {"reconcile": reconcile}
    if status is not None:
        box["emit"] = {"status": {"fields": status}}
    entry: dict[str, Any] = {"apiTypes": {"group": "demo.io", "version": "v1", "kind": kind,
                                          "plural": kind.lower() + "s"},
                             "operatorBox": box}
    if admission is not None:
        entry["admission"] = {"validation": {"rules": admission}}
    if depends_on is not None:
        entry["dependsOn"] = depends_on
    return entry


def bundle_bytes(doc: dict[str, Any], *, lock_digest: str | None = None,
                 digest: str | None = None) -> bytes:
    """Return a bundle stream holding the orkestra-katalog ConfigMap of a Katalog."""
    text = yamlout.dump(doc)
    notes = {bundles.KATALOG_DIGEST: digest or canonical.sha256(text.encode("utf-8"))}
    if lock_digest is not None:
        notes[bundles.LOCK_DIGEST] = lock_digest
    cm = {"apiVersion": "v1", "kind": "ConfigMap",
          "metadata": {"name": bundles.CONFIGMAP, "namespace": "orkestra-system",
                       "annotations": notes},
          "data": {"katalog.yaml": text, "provenance.yaml": "crds: {}\n"}}
    ns = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "orkestra-system"}}
    return yamlout.dump_all([ns, cm]).encode("utf-8")


def load(doc: dict[str, Any]) -> bundles.Bundle:
    """Return the verified bundle of a Katalog document."""
    return bundles.from_bytes(bundle_bytes(doc), "bundle.yaml")


def cr(name: str = "shop", kind: str = "WebApp", namespace: str = "team",
       **spec: Any) -> dict[str, Any]:
    """Return a CR of a demo.io/v1 kind."""
    return {"apiVersion": "demo.io/v1", "kind": kind,
            "metadata": {"name": name, "namespace": namespace}, "spec": spec}


def wait_for(probe: Callable[[], T | None], *, timeout: float = 30.0,
             what: str = "a condition") -> T:
    """Poll ``probe`` until it returns something truthy; fail after a generous deadline."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def http_get(url: str) -> tuple[int, str]:
    """Return the status and body of a GET (errors included)."""
    try:
        with urllib.request.urlopen(url, timeout=10) as resp:
            return resp.status, resp.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8")


def http_json(url: str) -> Any:
    """Return the JSON of a GET that must succeed."""
    status, body = http_get(url)
    assert status == 200, (status, body)
    return json.loads(body)
