"""Parsing documents into models: strictness, did-you-mean, legacy shape, special codes."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from ork.errors import InputError, Loc
from ork.kinds import Katalog, parse_document

HEAD = "apiVersion: orkestra.orkspace.io/v1\n"


def parse(text: str) -> Any:
    return parse_document(yaml.safe_load(HEAD + text), Loc("f", 0))


def codes(text: str) -> list[tuple[str, tuple[Any, ...]]]:
    with pytest.raises(InputError) as info:
        parse(text)
    return [(d.code, d.loc.path if d.loc else ()) for d in info.value.diagnostics]


KATALOG = """kind: Katalog
metadata: {name: k}
spec:
  crds:
    web:
      apiTypes: {kind: Web}
"""


def test_a_minimal_katalog_parses() -> None:
    model = parse(KATALOG).model
    assert isinstance(model, Katalog)
    assert model.spec.crds["web"].api_types.resource() == "webs"


def test_unknown_fields_say_did_you_mean_and_point_at_the_key() -> None:
    with pytest.raises(InputError) as info:
        parse(KATALOG + "      dependOn: [x]\n")
    diag = info.value.diagnostics[0]
    assert diag.code == "unknown-field"
    assert diag.hint == "did you mean `dependsOn`?"
    assert diag.loc == Loc("f", 0, ("spec", "crds", "web", "dependOn"), key=True)


@pytest.mark.parametrize(("value", "hint"), [
    ('"3"', "remove the quotes around the value"),
    ("[3]", "change it to an integer"),
])
def test_a_wrong_type_hints_at_how_to_write_the_value(value: str, hint: str) -> None:
    text = KATALOG + f"      operatorBox:\n        reconcile:\n          workers: {value}\n"
    with pytest.raises(InputError) as info:
        parse(text)
    assert [(d.code, d.hint) for d in info.value.diagnostics] == [("wrong-type", hint)]


@pytest.mark.parametrize(("text", "hint"), [
    ("      enabled: sometimes\n", "write true or false"),
    ("      enabled: 'false'\n", "remove the quotes around the value"),
    ("      dependsOn: web\n", "write a list: `[a, b]`, or one `- item` per line"),
    ("      apiTypes: [Web]\n", "write `key: value` entries here, not `- ` list items"),
    ("      apiTypes:\n", "give it a value: a key with nothing after it is null"),
])
def test_wrong_type_hints_by_what_was_written(text: str, hint: str) -> None:
    base = KATALOG.replace("      apiTypes: {kind: Web}\n", "") if "apiTypes" in text else KATALOG
    with pytest.raises(InputError) as info:
        parse(base + text)
    assert hint in [d.hint for d in info.value.diagnostics]


def test_all_shape_errors_are_reported_at_once() -> None:
    found = codes(KATALOG + "      enabled: maybe\n      descripton: x\n")
    assert sorted(c for c, _ in found) == ["unknown-field", "wrong-type"]


def test_missing_required_fields() -> None:
    assert codes("kind: Katalog\nmetadata: {name: k}\nspec: {crds: {w: {}}}\n") == [
        ("missing-field", ("spec", "crds", "w"))]


def test_header_errors() -> None:
    with pytest.raises(InputError) as info:
        parse_document({"apiVersion": "orkestra.io/v2", "kind": "Katalogue"}, Loc("f", 0))
    assert [d.code for d in info.value.diagnostics] == ["unknown-api-version", "unknown-kind"]
    assert info.value.diagnostics[1].hint == "did you mean `Katalog`?"


@pytest.mark.parametrize(("text", "code"), [
    ("kind: Katalog\nmetadata: {name: k}\nimports: {}\nspec: {crds: {}}\n", "katalog-imports"),
    ("kind: Motif\nmetadata: {name: m}\nimports: []\n", "motif-imports"),
    ("kind: Komposer\nmetadata: {name: k}\nspec: {imports: {}}\n", "komposer-spec-imports"),
    ("kind: Komposer\nmetadata: {name: k}\nimports: {helm: [x]}\n", "helm-not-supported"),
    ("kind: Katalog\nmetadata: {name: k}\nspec: {crds: [{name: w}]}\n", "crds-not-a-map"),
])
def test_codes_of_their_own(text: str, code: str) -> None:
    assert [c for c, _ in codes(text)] == [code]


def test_legacy_shape_is_normalised_and_errors_point_at_the_written_place() -> None:
    text = KATALOG + """      validation: {rules: []}
      operatorBox:
        reconciler: {workers: 3}
        onReconcile: {deployments: [{name: a, image: b}]}
        status: {fields: [{path: ready, value: "x"}]}
"""
    parsed = parse(text)
    crd = parsed.model.spec.crds["web"]
    assert crd.operator_box.reconcile.workers == 3
    assert crd.operator_box.reconcile.on_reconcile.deployments[0].image == "b"
    assert crd.operator_box.emit.status.fields[0].path == "ready"
    assert crd.admission.validation.rules == ()
    assert parsed.legacy_paths[0][:3] == ("spec", "crds", "web")
    broken = text.replace("workers: 3", "workers: three")
    assert codes(broken) == [
        ("wrong-type", ("spec", "crds", "web", "operatorBox", "reconciler", "workers"))]


def test_mixing_shapes_for_one_block_is_an_error() -> None:
    text = KATALOG + """      operatorBox:
        onReconcile: {}
        reconcile: {onReconcile: {}}
"""
    assert [c for c, _ in codes(text)] == ["mixed-shape"]


def test_any_of_was_renamed() -> None:
    text = KATALOG + """      operatorBox:
        reconcile:
          onReconcile:
            deployments:
              - name: a
                image: b
                anyOf: [{field: spec.x, operator: exists}]
"""
    assert [c for c, _ in codes(text)] == ["renamed-field"]


def test_depends_on_map_forms_normalise() -> None:
    model = parse(KATALOG + "      dependsOn: {db: healthy, cache: {condition: started}}\n").model
    crd = model.spec.crds["web"]
    assert crd.dependency_names() == ("db", "cache")
    assert crd.wire()["dependsOn"] == {"db": "healthy", "cache": "started"}
    plain = parse(KATALOG + "      dependsOn: {db: started}\n").model.spec.crds["web"]
    assert plain.wire()["dependsOn"] == ["db"]


def test_pass_through_keys_are_checked_for_shape_only_and_sorted() -> None:
    model = parse(KATALOG + "      labels: {z: 1, a: 2}\n      crFiles: [a.yaml]\n").model
    assert list(model.spec.crds["web"].wire()["labels"]) == ["a", "z"]
    assert [c for c, _ in codes(KATALOG + "      labels: [a]\n")] == ["wrong-type"]
