"""Durations, backoff, dependsOn order, the work queue, conversions and status paths."""

from __future__ import annotations

import pytest

from ork.errors import GraphError, InputError, RuntimeError_
from ork.runtime import convert, durations, order
from ork.runtime.status import set_path
from ork.runtime.workqueue import WorkQueue


@pytest.mark.parametrize(("text", "seconds"), [
    ("30s", 30.0), ("1m", 60.0), ("1h30m", 5400.0), ("1.5h", 5400.0), ("500ms", 0.5),
    ("2h45m30s", 9930.0), ("0", 0.0), ("10m", 600.0), ("1us", 1e-6), ("-1m", -60.0),
    (".5s", 0.5), ("1.m", 60.0),
])
def test_go_durations(text: str, seconds: float) -> None:
    assert durations.parse(text) == pytest.approx(seconds)


@pytest.mark.parametrize("text", ["", "5", "1d", "m", "1h30", ".m", "abc", "1 m"])
def test_invalid_durations(text: str) -> None:
    with pytest.raises(InputError, match="invalid duration") as info:
        durations.parse(text)
    assert info.value.code == "invalid-duration"


def test_backoff_doubles_and_is_capped_at_resync() -> None:
    delays = [durations.backoff(n, base=0.5, cap=10.0) for n in range(1, 8)]
    assert delays == [0.5, 1.0, 2.0, 4.0, 8.0, 10.0, 10.0]
    assert durations.backoff(10_000, base=1.0, cap=300.0) == 300.0


def test_depends_on_order_is_topological_with_ties_by_name() -> None:
    deps = {"web": ["db", "cache"], "db": [], "cache": [], "api": ["web"], "audit": []}
    assert order.start_order(deps) == ("audit", "cache", "db", "web", "api")


def test_depends_on_order_ignores_unknown_names_and_refuses_cycles() -> None:
    assert order.start_order({"b": ["gone"], "a": []}) == ("a", "b")
    with pytest.raises(GraphError, match="a, b") as info:
        order.start_order({"a": ["b"], "b": ["a"], "c": []})
    assert info.value.code == "dependency-cycle"


@pytest.mark.parametrize(("value", "expected"), [(3, 3), ("3", 3), (" 12 ", 12), (2.0, 2)])
def test_to_int_accepts_rendered_integers(value: object, expected: int) -> None:
    assert convert.to_int(value, "replicas") == expected


@pytest.mark.parametrize("value", ["three", "1.5", True, "", None, [1]])
def test_to_int_refuses_everything_else(value: object) -> None:
    with pytest.raises(RuntimeError_, match="`replicas` rendered to") as info:
        convert.to_int(value, "replicas")
    assert info.value.code == "invalid-rendered-value"


def test_optional_values_take_their_default_when_empty() -> None:
    assert convert.opt_int("", "replicas", 1) == 1
    assert convert.opt_int(None, "replicas", 1) == 1
    assert convert.opt_str("  ") is None
    assert convert.to_bool("True", "reconcile") is True
    assert convert.to_bool("", "reconcile") is False
    with pytest.raises(RuntimeError_, match="boolean"):
        convert.to_bool("maybe", "reconcile")


@pytest.mark.parametrize(("value", "expected"), [(8080, 8080), ("8080", 8080), ("http", "http")])
def test_ports_are_numbers_or_names(value: object, expected: object) -> None:
    assert convert.port(value, "port") == expected


@pytest.mark.parametrize("value", [0, 70000, "Not_A_Name", "-1"])
def test_bad_ports(value: object) -> None:
    with pytest.raises(RuntimeError_, match="port"):
        convert.port(value, "port")


def test_status_paths_nest_and_later_entries_win() -> None:
    status: dict[str, object] = {}
    set_path(status, "ready", False)
    set_path(status, "status.replicas.ready", 2)
    set_path(status, "ready", True)
    set_path(status, ".replicas.wanted", 3)
    assert status == {"ready": True, "replicas": {"ready": 2, "wanted": 3}}


class _Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_work_queue_deduplicates_and_never_hands_out_a_key_twice() -> None:
    queue: WorkQueue[str] = WorkQueue()
    queue.add("a")
    queue.add("a")
    queue.add("b")
    assert queue.depth() == 2
    first = queue.get()
    assert first == "a"
    queue.add("a")  # while processing: comes back after done()
    assert queue.get() == "b"
    assert queue.depth() == 0
    queue.done("a")
    assert queue.get() == "a"


def test_work_queue_delays_and_keeps_the_earliest_due_time() -> None:
    clock = _Clock()
    queue: WorkQueue[str] = WorkQueue(clock=clock)
    queue.add_after("a", 10)
    queue.add_after("a", 5)
    queue.add_after("a", 20)
    assert queue.depth() == 0
    clock.now = 5.0
    assert queue.depth() == 1
    assert queue.get() == "a"
    queue.done("a")
    clock.now = 30.0
    assert queue.depth() == 0  # the superseded entries do not come back
    queue.shutdown()
    assert queue.get() is None


@pytest.mark.parametrize(("api", "kind", "word"), [
    ("v1", "Endpoints", "endpoints"),  # already plural: not "endpointses"
    ("example.com/v1", "Policy", "policies"),
    ("example.com/v1", "Gateway", "gateways"),
    ("example.com/v1", "IngressClass", "ingressClasses"),
])
def test_operations_name_a_custom_kind_by_the_plural_rbac_grants(api: str, kind: str,
                                                                 word: str) -> None:
    from ork import rbac
    from ork.runtime.objects import GK, resource_word

    assert resource_word(GK.of_api(api, kind)) == word
    assert rbac.plural(kind) == word.lower()
