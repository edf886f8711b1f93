"""The ``kube`` backend: a real cluster through the official ``kubernetes`` client.

The client is an optional dependency (``pip install 'ork[kube]'``), imported only when this
backend is chosen. Children are server-side applied with field manager ``orkestra``;
status goes through the ``/status`` subresource; watches run one thread per type.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import queue
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from ..errors import RuntimeError_
from .cluster import Change, Event
from .local import utc_now
from .objects import GK, GROUP_KINDS, MANAGED_BY, Key, Obj
from .storecore import EVENT, event_object

FIELD_MANAGER = "orkestra"
WATCH_TIMEOUT = 60
_RAISE = object()  # _call's marker: a 404 is an error too


def load_client(kubeconfig: str | None, context: str | None) -> Any:
    """Return a configured ``kubernetes`` ApiClient.

    Raises:
        RuntimeError_: kube-client-missing when the package is not installed;
            cluster-request-failed when no configuration can be loaded.
    """
    try:
        client = importlib.import_module("kubernetes.client")
        config = importlib.import_module("kubernetes.config")
    except ImportError as exc:
        raise RuntimeError_(
            "kube-client-missing", "the kube backend needs the `kubernetes` Python package",
            hint="install it with `pip install 'ork[kube]'` (or `pip install "
                 "'kubernetes>=29'`), or run with --backend local") from exc
    try:
        if kubeconfig or context:
            config.load_kube_config(config_file=kubeconfig, context=context)
        else:
            try:
                config.load_incluster_config()
            except config.ConfigException:
                config.load_kube_config()
    except Exception as exc:  # the client raises ConfigException, OSError, yaml errors
        raise RuntimeError_("cluster-request-failed", f"cannot load a Kubernetes "
                            f"configuration: {exc}",
                            hint="pass --kubeconfig, or run inside a cluster") from exc
    return client.ApiClient()


class KubeCluster:
    """The Cluster protocol over the Kubernetes API."""

    def __init__(self, api_client: Any, versions: Mapping[GK, str]) -> None:
        # Imported by name, typed as plain modules: the client is optional and its typing
        # varies between releases.
        dynamic = importlib.import_module("kubernetes.dynamic")
        exceptions = importlib.import_module("kubernetes.dynamic.exceptions")
        urllib3 = importlib.import_module("urllib3")

        self._errors = exceptions
        self._network = (urllib3.exceptions.HTTPError, OSError)
        self._versions: dict[GK, str] = {GK.of_api(a, k): a for a, k in GROUP_KINDS.values()}
        self._versions.update(versions)
        self._versions[EVENT] = "v1"
        self._crds = frozenset(versions)
        self._dyn = self._call("reach the API server", dynamic.DynamicClient, api_client)

    def _call(self, what: str, fn: Callable[..., Any], *args: Any, missing: Any = _RAISE,
              **kwargs: Any) -> Any:
        """Call the client; its exceptions become cluster-request-failed (404: ``missing``)."""
        try:
            return fn(*args, **kwargs)
        except self._errors.NotFoundError as exc:
            if missing is _RAISE:
                raise _failed(what, exc) from exc
            return missing
        except self._errors.ResourceNotFoundError as exc:
            raise RuntimeError_("cluster-request-failed", f"cannot {what}: the cluster "
                                "serves no such type", hint="is the CRD installed?") from exc
        except (self._errors.DynamicApiError, *self._network) as exc:
            raise _failed(what, exc) from exc

    def _resource(self, gk: GK) -> Any:
        if gk in self._versions:
            return self._call(f"discover {gk}", self._dyn.resources.get,
                              api_version=self._versions[gk], kind=gk.kind)
        return self._call(f"discover {gk}", self._dyn.resources.get, group=gk.group,
                          kind=gk.kind, preferred=True)

    def get(self, key: Key) -> Obj | None:
        """Return the object, or None."""
        found = self._call(f"get {key}", self._dyn.get, self._resource(key.gk), name=key.name,
                           namespace=key.namespace or None, missing=None)
        return dict(found.to_dict()) if found is not None else None

    def list(self, gk: GK, namespace: str | None = None,
             selector: Mapping[str, str] | None = None) -> list[Obj]:
        """Return the objects of a type, sorted by namespace and name."""
        labels = ",".join(f"{k}={v}" for k, v in sorted((selector or {}).items())) or None
        found = self._call(f"list {gk}", self._dyn.get, self._resource(gk),
                           namespace=namespace or None, label_selector=labels)
        items = [dict(i) for i in found.to_dict().get("items") or []]
        return sorted(items, key=lambda o: (Key.of(o).namespace, Key.of(o).name))

    def watch(self, gks: Sequence[GK], stop: threading.Event) -> Iterator[Change]:
        """Return changes from now on: one watching thread per type feeds one queue."""
        changes: queue.Queue[Change] = queue.Queue()
        for gk in gks:
            threading.Thread(target=self._watch_one, args=(gk, changes, stop),
                             name=f"watch-{gk}", daemon=True).start()
        return _drain(changes, stop)

    def _watch_one(self, gk: GK, out: queue.Queue[Change], stop: threading.Event) -> None:
        version: str | None = None
        # Children are watched through the runtime's label only; CRs all of them.
        labels = None if gk in self._crds else f"{MANAGED_BY}=orkestra"
        while not stop.is_set():
            try:
                resource = self._resource(gk)
                for event in self._dyn.watch(resource, resource_version=version,
                                             label_selector=labels, timeout=WATCH_TIMEOUT):
                    obj = dict(event["raw_object"])
                    version = (obj.get("metadata") or {}).get("resourceVersion") or version
                    if event["type"] in ("ADDED", "MODIFIED", "DELETED"):
                        out.put(Change(Key.of(obj), obj, event["type"] == "DELETED"))
                    if stop.is_set():
                        return
            except Exception:  # a dropped or expired watch: start again from now
                version = None
                stop.wait(1.0)

    def create(self, obj: Obj) -> Obj:
        """Server-side apply an object that should not exist yet."""
        return self._apply(obj)

    def patch(self, obj: Obj) -> Obj:
        """Server-side apply the desired fields over the live object."""
        return self._apply(obj)

    def _apply(self, obj: Obj) -> Obj:
        self._versions.setdefault(GK.of(obj), str(obj.get("apiVersion", "")))
        key = Key.of(obj)
        out = self._call(f"apply {key}", self._dyn.server_side_apply, self._resource(key.gk),
                         body=obj, field_manager=FIELD_MANAGER, force_conflicts=True)
        return dict(out.to_dict())

    def delete(self, key: Key) -> bool:
        """Delete an object (children go in the background); False when it was absent."""
        done = self._call(f"delete {key}", self._dyn.delete, self._resource(key.gk),
                          name=key.name, namespace=key.namespace or None,
                          body={"propagationPolicy": "Background"}, missing=False)
        return done is not False

    def set_finalizers(self, key: Key, finalizers: Sequence[str]) -> Obj | None:
        """Merge-patch the finalizers; None when the object is gone (or now going)."""
        body = {"metadata": {"finalizers": list(finalizers) or None}}
        found = self._call(f"update finalizers of {key}", self._dyn.patch,
                           self._resource(key.gk), body=body, name=key.name,
                           namespace=key.namespace or None, missing=None,
                           content_type="application/merge-patch+json")
        if found is None:
            return None
        out = dict(found.to_dict())
        if not finalizers and (out.get("metadata") or {}).get("deletionTimestamp"):
            return None
        return out

    def update_status(self, key: Key, status: dict[str, Any]) -> Obj:
        """Replace the status through the ``/status`` subresource."""
        patch = [{"op": "add", "path": "/status", "value": status}]
        out = self._call(f"update status of {key}", self._dyn.patch,
                         self._resource(key.gk).status, body=patch, name=key.name,
                         namespace=key.namespace or None,
                         content_type="application/json-patch+json")
        return dict(out.to_dict())

    def record_event(self, event: Event) -> None:
        """Create a core Event, or bump the count of the same one (best effort)."""
        text = f"{event.type}/{event.reason}/{event.message}"
        name = f"{event.regarding.name}.{hashlib.sha256(text.encode()).hexdigest()[:10]}"
        key = Key(EVENT, event.regarding.namespace or "default", name)
        with contextlib.suppress(RuntimeError_):  # as client-go's recorder: never fatal
            live = self.get(key)
            resource = self._resource(EVENT)
            if live is None:
                self._call("record an event", self._dyn.create, resource,
                           body=event_object(event, key, utc_now()), namespace=key.namespace)
            else:
                self._call("record an event", self._dyn.patch, resource,
                           body={"count": int(live.get("count") or 1) + 1,
                                 "lastTimestamp": utc_now()},
                           name=name, namespace=key.namespace,
                           content_type="application/merge-patch+json")

    def close(self) -> None:
        """Close the API client's connection pool."""
        self._dyn.client.close()


def _drain(changes: queue.Queue[Change], stop: threading.Event) -> Iterator[Change]:
    while not stop.is_set():
        try:
            yield changes.get(timeout=0.2)
        except queue.Empty:
            continue


def _failed(what: str, exc: BaseException) -> RuntimeError_:
    status = getattr(exc, "status", None)
    reason = getattr(exc, "reason", None) or exc
    text = f"{status} {reason}" if status else str(reason)
    return RuntimeError_("cluster-request-failed", f"cannot {what}: {text}",
                         hint="check that the API server is reachable and the kubeconfig "
                              "grants the bundle's RBAC rules")
