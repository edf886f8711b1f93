"""The keyed tree diff behind ork plan."""

from __future__ import annotations

from ork.treediff import Delta, diff


def test_items_are_matched_by_name_so_an_insertion_is_one_addition() -> None:
    before = {"deployments": [{"name": "a", "image": "x"}, {"name": "c", "image": "z"}]}
    after = {"deployments": [{"name": "a", "image": "x"}, {"name": "b", "image": "y"},
                             {"name": "c", "image": "z"}]}
    assert diff(before, after) == [
        Delta('deployments["b"]', "add", None, {"name": "b", "image": "y"})]


def test_status_fields_are_matched_by_path() -> None:
    before = {"fields": [{"path": "ready", "value": "1"}, {"path": "phase", "value": "x"}]}
    after = {"fields": [{"path": "phase", "value": "y"}, {"path": "ready", "value": "1"}]}
    assert diff(before, after) == [Delta('fields["phase"].value', "change", "x", "y")]


def test_plain_lists_compare_by_index_and_keys_in_order() -> None:
    assert diff({"a": [1, 2], "b": 1}, {"a": [1, 3, 4], "c": 2}) == [
        Delta("a[1]", "change", 2, 3), Delta("a[2]", "add", None, 4),
        Delta("c", "add", None, 2), Delta("b", "remove", 1, None)]


def test_odd_keys_are_quoted() -> None:
    assert diff({}, {"app.kubernetes.io/name": "x"}) == [
        Delta('["app.kubernetes.io/name"]', "add", None, "x")]


def test_a_type_change_is_a_change() -> None:
    assert diff({"a": 1}, {"a": "1"}) == [Delta("a", "change", 1, "1")]
