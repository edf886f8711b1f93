"""``ork why`` paths: reading ``CRD[.PATH]``, and the path ork plan prints reads back."""

from __future__ import annotations

from typing import Any

import pytest

from ork.errors import UsageError
from ork.treediff import diff
from ork.why import parse_query, resolve_path, shown_path

CRD: dict[str, Any] = {
    "labels": {"app.kubernetes.io/name": "shop", "tier": "web"},
    "operatorBox": {"reconcile": {"onReconcile": {"deployments": [
        {"name": "{{ .metadata.name }}", "image": "a"},
        {"name": "{{ .metadata.name }}-worker", "image": "b"}]}},
        "emit": {"status": {"fields": [{"path": "ready", "value": "x"}]}}},
    "admission": {"validation": {"rules": [{"field": "spec.a", "operator": "exists"}]}},
}


@pytest.mark.parametrize(("query", "expected"), [
    ("webapp", ("webapp", "")),
    ("webapp.apiTypes.kind", ("webapp", ".apiTypes.kind")),
    ('webapp["x.y"]', ("webapp", '["x.y"]')),
    ("webapp[0]", ("webapp", "[0]")),
])
def test_parse_query_splits_the_crd_from_the_path(query: str, expected: tuple[str, str]) -> None:
    assert parse_query(query) == expected


@pytest.mark.parametrize(("text", "path"), [
    (".labels.tier", ("labels", "tier")),
    ('.labels["app.kubernetes.io/name"]', ("labels", "app.kubernetes.io/name")),
    (".operatorBox.reconcile.onReconcile.deployments[1].image",
     ("operatorBox", "reconcile", "onReconcile", "deployments", 1, "image")),
    ('.operatorBox.reconcile.onReconcile.deployments["{{ .metadata.name }}-worker"].image',
     ("operatorBox", "reconcile", "onReconcile", "deployments", 1, "image")),
    ('.operatorBox.emit.status.fields["ready"]', ("operatorBox", "emit", "status", "fields", 0)),
])
def test_resolve_path_reads_dots_indexes_and_keys(text: str, path: tuple[Any, ...]) -> None:
    assert resolve_path(CRD, text) == path


@pytest.mark.parametrize(("text", "message"), [
    (".labels.tie", "labels has no field 'tie'"),
    (".operatorBox.reconcile.onReconcile.deployments[5]", r"has no item \[5\]"),
    ('.operatorBox.reconcile.onReconcile.deployments["nope"]', "has no item 'nope'"),
    (".labels.tier.more", "labels.tier has no field 'more'"),
    ('.labels.tier["x"]', "is a value, not a list or mapping"),
    (".labels..tier", "cannot read the path"),
    ('.labels["tier"]tier', "cannot read the path"),
])
def test_resolve_path_refuses_what_is_not_there(text: str, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        resolve_path(CRD, text)


def test_shown_path_names_items_by_their_key() -> None:
    path = resolve_path(CRD, ".operatorBox.reconcile.onReconcile.deployments[1].image")
    assert shown_path(CRD, path) == \
        '.operatorBox.reconcile.onReconcile.deployments["{{ .metadata.name }}-worker"].image'
    rule = resolve_path(CRD, ".admission.validation.rules[0].field")
    assert shown_path(CRD, rule) == ".admission.validation.rules[0].field"  # no name: index
    label = resolve_path(CRD, '.labels["app.kubernetes.io/name"]')
    assert shown_path(CRD, label) == '.labels["app.kubernetes.io/name"]'


def test_every_path_ork_plan_prints_reads_back_in_ork_why() -> None:
    after: dict[str, Any] = {
        **CRD, "labels": {"app.kubernetes.io/name": "store", "tier": "web"},
        "operatorBox": {"reconcile": {"onReconcile": {"deployments": [
            {"name": "{{ .metadata.name }}", "image": "a2"},
            {"name": "{{ .metadata.name }}-cache", "image": "c"},
            {"name": "{{ .metadata.name }}-worker", "image": "b"}]}},
            "emit": {"status": {"fields": [{"path": "ready", "value": "y"}]}}}}
    deltas = [d for d in diff(CRD, after) if d.action != "remove"]
    assert len(deltas) == 4
    for d in deltas:
        path = resolve_path(after, "." + d.path)
        value: Any = after
        for step in path:
            value = value[step]
        assert value == d.after, d.path
        assert shown_path(after, path) == "." + d.path
