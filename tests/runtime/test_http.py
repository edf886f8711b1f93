"""The runtime in-process on the memory backend: readiness, metrics, retries, start order."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from ork.runtime.app import Runtime
from ork.runtime.cluster import Change
from ork.runtime.memory import MemoryCluster
from ork.runtime.objects import GK, Key
from tests.runtime.helpers import cr, crd, http_get, http_json, katalog, load, wait_for

CONFIG = {"configMaps": [{"name": "{{ .metadata.name }}-cfg", "reconcile": True,
                          "data": {"replicas": "{{ .spec.replicas }}"}}],
          "deployments": [{"name": "{{ .metadata.name }}", "image": "nginx",
                           "replicas": "{{ .spec.replicas }}", "reconcile": True}]}


@pytest.fixture
def runtime() -> Iterator[Runtime]:
    doc = katalog({
        "web": crd("Web", on_reconcile=CONFIG, depends_on=["db", "cache"], workers=3),
        "db": crd("Db", depends_on=["cache"]),
        "cache": crd("Cache"),
        "audit": crd("Audit"),
    })
    lines: list[str] = []
    rt = Runtime(load(doc), MemoryCluster(), log=lines.append, port=0)
    yield rt
    rt.stop()


def url(rt: Runtime, path: str) -> str:
    host, port = rt.server.address
    return f"http://{host}:{port}{path}"


def count(rt: Runtime, result: str, crd_: str = "web") -> float:
    text = http_get(url(rt, "/metrics"))[1]
    found = re.search(rf'^controller_reconcile_total{{crd="{crd_}",result="{result}"}} (\S+)$',
                      text, re.MULTILINE)
    return float(found.group(1)) if found else 0.0


def test_ready_only_once_every_pool_has_started(runtime: Runtime) -> None:
    runtime.serve()
    assert http_get(url(runtime, "/ready")) == (503, "not ready\n")
    assert http_get(url(runtime, "/health")) == (200, "ok\n")
    runtime.start_controller()
    assert http_get(url(runtime, "/ready")) == (200, "ready\n")


def test_pools_start_in_depends_on_order(runtime: Runtime) -> None:
    assert [p.crd.name for p in runtime.controller.pools] == ["audit", "cache", "db", "web"]
    runtime.serve()
    assert http_json(url(runtime, "/katalog"))["startOrder"] == ["audit", "cache", "db", "web"]
    assert http_json(url(runtime, "/katalog/db"))["crd"]["dependsOn"] == ["cache"]


def test_a_failing_cr_is_retried_with_backoff_and_does_not_stop_the_others(
        runtime: Runtime) -> None:
    cluster = runtime.controller.cluster
    runtime.serve()
    runtime.start_controller()
    cluster.create(cr("good", "Web", replicas=2))
    bad = Key.of(cluster.create(cr("bad", "Web", replicas="two")))
    wait_for(lambda: count(runtime, "error") >= 2, what="a retry of the failing CR")
    assert cluster.get(Key(GK("apps", "Deployment"), "team", "good")) is not None
    assert count(runtime, "success") >= 1
    live = cluster.get(bad)
    assert live is not None
    assert live["status"]["conditions"][-1]["reason"] == "InvalidRenderedValue"
    live["spec"]["replicas"] = 1
    cluster.patch(live)
    wait_for(lambda: cluster.get(Key(GK("apps", "Deployment"), "team", "bad")),
             what="the fixed CR reconciled")
    text = http_get(url(runtime, "/metrics"))[1]
    assert 'controller_resource_count{crd="web"} 2' in text
    assert 'controller_workers_active{crd="web"}' in text


def test_metrics_text_format(runtime: Runtime) -> None:
    runtime.metrics.observe("web", "success", 0.003)
    runtime.metrics.observe("web", "success", 0.3)
    runtime.metrics.observe("web", "error", 12.0)
    text = runtime.metrics.exposition()
    assert 'controller_reconcile_total{crd="web",result="error"} 1' in text
    assert 'controller_reconcile_total{crd="web",result="success"} 2' in text
    assert 'controller_reconcile_duration_seconds_bucket{crd="web",le="0.005"} 1' in text
    assert 'controller_reconcile_duration_seconds_bucket{crd="web",le="0.5"} 2' in text
    assert 'controller_reconcile_duration_seconds_bucket{crd="web",le="+Inf"} 3' in text
    assert 'controller_reconcile_duration_seconds_count{crd="web"} 3' in text
    assert text.endswith("\n")


def test_a_status_only_change_does_not_requeue_the_cr(runtime: Runtime) -> None:
    controller = runtime.controller
    pool = next(p for p in controller.pools if p.crd.name == "web")
    obj = cr("x", "Web", replicas=1)
    obj["metadata"]["resourceVersion"] = "1"
    key = Key.of(obj)
    controller.notice(Change(key, obj))
    assert pool.queue.get() == key  # a worker takes it
    written = {**obj, "status": {"at": "2024-01-01T00:00:00Z"},
               "metadata": {**obj["metadata"], "resourceVersion": "2"}}
    controller.notice(Change(key, written))  # the runtime's own status write
    pool.queue.done(key)
    assert pool.queue.depth() == 0
    controller.notice(Change(key, {**written, "spec": {"replicas": 2}}))
    assert pool.queue.depth() == 1
    controller.notice(Change(key, written, deleted=True))
    assert pool.queue.depth() == 1  # already queued; deletions always count


def test_a_child_change_requeues_its_owner(runtime: Runtime) -> None:
    controller = runtime.controller
    pool = next(p for p in controller.pools if p.crd.name == "web")
    child = {"apiVersion": "v1", "kind": "ConfigMap",
             "metadata": {"name": "x-cfg", "namespace": "team", "ownerReferences": [
                 {"apiVersion": "demo.io/v1", "kind": "Web", "name": "x", "uid": "u"}]}}
    controller.notice(Change(Key.of(child), child, deleted=True))
    assert pool.queue.get() == Key(GK("demo.io", "Web"), "team", "x")
