"""The tree diff under ork plan: document order, insertions as one addition, parts."""

from __future__ import annotations

from ork.treediff import Delta, diff, merged_order


def test_a_removed_key_is_shown_where_it_was() -> None:
    before = {"a": 1, "gone": 2, "b": 3}
    after = {"a": 1, "b": 4, "c": 5}
    assert [(d.path, d.action) for d in diff(before, after)] == [
        ("gone", "remove"), ("b", "change"), ("c", "add")]


def test_a_removed_item_is_shown_where_it_was() -> None:
    before = {"d": [{"name": "a"}, {"name": "b", "x": 1}, {"name": "c"}]}
    after = {"d": [{"name": "a"}, {"name": "c", "x": 2}]}
    assert [(d.path, d.action) for d in diff(before, after)] == [
        ('d["b"]', "remove"), ('d["c"].x', "add")]


def test_merged_order_keeps_the_new_order_and_places_the_old_keys() -> None:
    assert merged_order(["a", "x", "b", "y"], ["b", "a", "z"]) == ["x", "b", "a", "z", "y"]
    assert merged_order(["a", "gone", "b"], ["a", "new", "b"]) == ["a", "new", "gone", "b"]
    assert merged_order([], ["a"]) == ["a"]
    assert merged_order(["a"], []) == ["a"]


def test_a_scalar_inserted_in_a_list_is_one_addition() -> None:
    before = {"finalizers": ["a/cleanup", "a/audit"]}
    after = {"finalizers": ["a/backup", "a/cleanup", "a/audit"]}
    assert diff(before, after) == [Delta("finalizers[0]", "add", None, "a/backup")]


def test_an_unkeyed_item_changed_in_place_shows_its_fields() -> None:
    before = {"when": [{"field": "spec.a", "operator": "exists"}]}
    after = {"when": [{"field": "spec.a", "operator": "notExists"}]}
    assert diff(before, after) == [Delta("when[0].operator", "change", "exists", "notExists")]


def test_a_reordering_of_named_items_is_not_a_change() -> None:
    before = {"d": [{"name": "a"}, {"name": "b"}]}
    assert diff(before, {"d": [{"name": "b"}, {"name": "a"}]}) == []


def test_duplicate_names_fall_back_to_positions() -> None:
    before = {"d": [{"name": "a", "x": 1}, {"name": "a", "x": 2}]}
    after = {"d": [{"name": "a", "x": 1}, {"name": "a", "x": 3}]}
    assert diff(before, after) == [Delta("d[1].x", "change", 2, 3)]


def test_parts_name_the_place_as_data() -> None:
    before = {"d": [{"name": "web", "labels": {"app.io/x": "1"}}]}
    after = {"d": [{"name": "web", "labels": {"app.io/x": "2"}}]}
    [delta] = diff(before, after)
    assert delta.path == 'd["web"].labels["app.io/x"]'
    assert delta.parts == ("d", "web", "labels", "app.io/x")


def test_a_boolean_and_a_number_are_not_equal() -> None:
    assert diff({"a": [True]}, {"a": [1]}) == [Delta("a[0]", "change", True, 1)]
