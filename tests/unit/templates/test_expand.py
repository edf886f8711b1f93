"""Motif expansion into a CRD: bindings, the default pipe, static conditions, typed inputs.

Also a hypothesis property: the expanded CRD does not depend on the order of the ``with:``
keys or of the Motif's input declarations.
"""

from __future__ import annotations

import json
import random
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from ork.errors import Loc
from ork.kinds import CRDEntry, Motif, parse_document
from ork.merging.expand import Expanded, MotifSource, expand_crd

IMPORT = Loc("katalog.yaml", 0, ("spec", "crds", "app", "imports", 0))
HEAD = "apiVersion: orkestra.orkspace.io/v1\nkind: Motif\nmetadata: {name: m, version: v1}\n"


def motif(body: str | dict[str, Any]) -> Motif:
    data = yaml.safe_load(HEAD) | (yaml.safe_load(body) if isinstance(body, str) else body)
    model = parse_document(data, Loc("m.yaml", 0)).model
    assert isinstance(model, Motif)
    return model


def expand(body: str | dict[str, Any], with_: dict[str, Any] | None = None,
           entry: dict[str, Any] | None = None) -> Expanded:
    crd = CRDEntry.model_validate({"apiTypes": {"kind": "App"}, **(entry or {}),
                                   "imports": [{"motif": "./m.yaml", "with": with_ or {}}]})
    src = MotifSource(index=0, ref="./m.yaml", node="m.yaml", doc=0, motif=motif(body),
                      version="v1", import_loc=IMPORT)
    return expand_crd("app", crd, [src])


def reconcile(result: Expanded) -> dict[str, Any]:
    assert [e.diagnostics for e in result.errors] == []
    box = result.entry.wire().get("operatorBox") or {}
    return dict((box.get("reconcile") or {}).get("onReconcile") or {})


def errors(result: Expanded) -> list[tuple[str, Loc | None]]:
    return [(d.code, d.loc) for e in result.errors for d in e.diagnostics]


WEB = """
inputs:
  - {name: image, required: true}
  - {name: host, default: ""}
  - {name: port, type: integer, default: 8080}
  - {name: probePath, default: /health}
resources:
  deployments:
    - name: "{{ .metadata.name }}"
      image: "{{ .inputs.image }}"
      port: "{{ .inputs.port }}"
      probes:
        readiness: {type: http, path: "{{ .inputs.probePath }}", port: "{{ .inputs.port }}"}
  ingresses:
    - name: "{{ .metadata.name }}-ingress"
      when:
        - {field: "{{ .inputs.host }}", operator: exists}
      host: "{{ .inputs.host }}"
      serviceName: "{{ .metadata.name }}-svc"
      servicePort: 80
"""


def test_default_pipe_for_a_single_action_binding_of_an_input_with_a_default() -> None:
    groups = reconcile(expand(WEB, {"image": "{{ .spec.image }}",
                                    "probePath": "{{ .spec.probePath }}"}))
    deployment = groups["deployments"][0]
    assert deployment["image"] == "{{ .spec.image }}"  # required: no default to pipe
    assert deployment["probes"]["readiness"]["path"] == \
        '{{ .spec.probePath | default "/health" }}'
    assert deployment["port"] == 8080  # a typed input stays an integer


def test_no_default_pipe_when_the_binding_is_not_one_action() -> None:
    groups = reconcile(expand(WEB, {"image": "x", "probePath": "/v{{ .spec.v }}/health"}))
    assert groups["deployments"][0]["probes"]["readiness"]["path"] == "/v{{ .spec.v }}/health"


def test_optional_ingress_is_dropped_when_host_defaults_to_empty() -> None:
    assert "ingresses" not in reconcile(expand(WEB, {"image": "nginx"}))


def test_optional_ingress_is_kept_without_its_decided_condition_for_a_literal_host() -> None:
    ingress = reconcile(expand(WEB, {"image": "nginx", "host": "shop.example"}))["ingresses"][0]
    assert ingress["host"] == "shop.example"
    assert "when" not in ingress


def test_optional_ingress_bound_to_the_cr_keeps_its_condition_for_the_runtime() -> None:
    ingress = reconcile(expand(WEB, {"image": "nginx", "host": "{{ .spec.host }}"}))[
        "ingresses"][0]
    assert ingress["when"] == [{"field": "{{ .spec.host }}", "operator": "exists"}]
    assert ingress["host"] == "{{ .spec.host }}"


@pytest.mark.parametrize("field", ["inputs.host", ".inputs.host"])
def test_a_path_form_condition_names_an_input(field: str) -> None:
    body = WEB.replace('field: "{{ .inputs.host }}"', f"field: {field}")
    assert "ingresses" not in reconcile(expand(body, {"image": "nginx"}))
    kept = reconcile(expand(body, {"image": "nginx", "host": "{{ .spec.host }}"}))
    assert kept["ingresses"][0]["when"] == [{"field": "{{ .spec.host }}", "operator": "exists"}]


OR_GATED = """
inputs: [{name: tier, default: ""}]
resources:
  configMaps:
    - name: cfg
      or:
        - {field: "{{ .inputs.tier }}", equals: gold}
        - {field: spec.premium, operator: exists}
"""


@pytest.mark.parametrize(("tier", "expected"), [
    ("gold", {"name": "cfg"}),  # one static condition holds: the `or` is decided
    ("silver", {"name": "cfg", "or": [{"field": "spec.premium", "operator": "exists"}]}),
])
def test_or_conditions_are_decided_or_narrowed(tier: str, expected: dict[str, Any]) -> None:
    assert reconcile(expand(OR_GATED, {"tier": tier}))["configMaps"] == [expected]


def test_an_or_whose_conditions_are_all_static_and_false_drops_the_item() -> None:
    body = OR_GATED.replace("{field: spec.premium, operator: exists}",
                            '{field: "{{ .inputs.tier }}", equals: platinum}')
    assert reconcile(expand(body, {"tier": "silver"})) == {}


BLOCK_GATED = """
inputs: [{name: host, default: ""}, {name: enabled, type: boolean, default: true}]
resources:
  when:
    - {field: "{{ .inputs.host }}", operator: exists}
  configMaps:
    - {name: a}
    - {name: b, when: [{field: spec.b, operator: exists}]}
  onCreate:
    secrets:
      - name: once
        when: [{field: "{{ .inputs.enabled }}", equals: "true"}]
"""


def test_a_block_gate_that_fails_at_build_time_drops_the_whole_block() -> None:
    result = expand(BLOCK_GATED)
    reconcile_box = result.entry.wire()["operatorBox"]["reconcile"]
    assert "onReconcile" not in reconcile_box
    assert reconcile_box["onCreate"] == {"secrets": [{"name": "once"}]}


def test_a_block_gate_that_holds_is_removed_and_a_runtime_one_is_pushed_to_items() -> None:
    assert reconcile(expand(BLOCK_GATED, {"host": "h"}))["configMaps"] == [
        {"name": "a"}, {"name": "b", "when": [{"field": "spec.b", "operator": "exists"}]}]
    runtime = reconcile(expand(BLOCK_GATED, {"host": "{{ .spec.host }}"}))["configMaps"]
    gate = {"field": "{{ .spec.host }}", "operator": "exists"}
    assert runtime == [{"name": "a", "when": [gate]},
                       {"name": "b", "when": [gate, {"field": "spec.b", "operator": "exists"}]}]


TYPED = """
inputs:
  - {name: replicas, type: integer, default: 1}
  - {name: tls, type: boolean, default: false}
  - {name: ratio, type: number, default: 0.5}
  - {name: plain, default: 7}
resources:
  deployments:
    - name: "app-{{ .inputs.replicas }}"
      image: "{{ .inputs.replicas }}"
      replicas: "{{ .inputs.replicas }}"
      port: "{{ .inputs.plain }}"
      reconcile: "{{ .inputs.tls }}"
      command: ["{{ .inputs.replicas }}"]
      labels: {tls: "{{ .inputs.tls }}"}
      when: [{field: "{{ .inputs.tls }}", equals: "false"}]
status:
  fields:
    - {path: ratio, value: "{{ .inputs.ratio }}"}
"""


def test_typed_inputs_stay_typed_where_the_field_takes_them_and_print_elsewhere() -> None:
    result = expand(TYPED, {"replicas": 3})
    deployment = reconcile(result)["deployments"][0]
    assert deployment == {"name": "app-3", "image": "3", "replicas": 3, "port": "7",
                          "reconcile": False, "command": ["3"], "labels": {"tls": "false"}}
    fields = result.entry.wire()["operatorBox"]["emit"]["status"]["fields"]
    assert fields == [{"path": "ratio", "value": 0.5}]


@pytest.mark.parametrize(("bound", "message"), [
    ({"replicas": "3"}, "input 'replicas' is declared `type: integer`, got '3'"),
    ({"tls": "yes"}, "input 'tls' is declared `type: boolean`, got 'yes'"),
    ({"ratio": True}, "input 'ratio' is declared `type: number`, got True"),
])
def test_a_wrong_typed_literal_binding_is_invalid_input_value(bound: dict[str, Any],
                                                               message: str) -> None:
    result = expand(TYPED, bound)
    [diag] = [d for e in result.errors for d in e.diagnostics]
    assert (diag.code, diag.message) == ("invalid-input-value", message)
    assert diag.loc == IMPORT.child("with", next(iter(bound)))


def test_a_template_binding_of_a_typed_input_is_fine() -> None:
    deployment = reconcile(expand(TYPED, {"replicas": "{{ .spec.replicas }}"}))["deployments"][0]
    assert deployment["replicas"] == "{{ .spec.replicas | default 1 }}"


def test_a_float_in_an_integer_field_is_reported_at_the_motif_item() -> None:
    body = TYPED.replace("port: \"{{ .inputs.plain }}\"", "port: \"{{ .inputs.ratio }}\"")
    assert errors(expand(body)) == [
        ("wrong-type", Loc("m.yaml", 0, ("resources", "deployments", 0, "port")))]


@pytest.mark.parametrize(("bound", "code", "inner"), [
    ({"image": "{{ .spec.image | lowr }}"}, "unknown-function", (0, 17, 4)),
    ({"image": "{{ .spec.image"}, "template-syntax", (0, 0, 2)),
    ({"image": "{{ .inputs.port }}"}, "inputs-outside-motif", (0, 3, 12)),
    ({"image": '{{ .spec.x | lower "a" }}'}, "wrong-argument-count", (0, 13, 5)),
])
def test_a_broken_template_binding_is_reported_inside_the_binding(
        bound: dict[str, Any], code: str, inner: tuple[int, int, int]) -> None:
    assert errors(expand(WEB, bound)) == [(code, IMPORT.child("with", "image").within(*inner))]


def test_binding_names_are_checked_before_anything_is_expanded() -> None:
    result = expand(WEB, {"imag": "x"})
    diags = [d for e in result.errors for d in e.diagnostics]
    assert [(d.code, d.loc) for d in diags] == [
        ("unknown-input", IMPORT.child("with", "imag").at_key()),
        ("missing-input", IMPORT.child("motif"))]
    assert diags[0].hint == "did you mean `image`? declared inputs: host, image, port, probePath"
    assert result.uses == ()


def test_two_children_with_the_same_name_are_duplicate_child() -> None:
    entry = {"operatorBox": {"reconcile": {"onReconcile": {"deployments": [
        {"name": "{{ .metadata.name }}", "image": "own"}]}}}}
    assert [c for c, _ in errors(expand(WEB, {"image": "x"}, entry))] == ["duplicate-child"]


def test_a_build_time_value_with_braces_stays_literal() -> None:
    body = "inputs: [{name: cfg, default: 0}]\nresources:\n  configMaps:\n" \
           "    - {name: c, data: {v: \"{{ .inputs.cfg.raw }}\"}}\n"
    data = reconcile(expand(body, {"cfg": {"raw": "{{x}}"}}))["configMaps"][0]["data"]
    assert data == {"v": '{{"{{"}}x}}'}


# ---------------------------------------------------------------------------------------
# The property: order of `with:` keys and of input declarations never matters.

INPUT_NAMES = ("alpha", "beta", "gamma", "delta")
INPUT = st.fixed_dictionaries({
    "kind": st.sampled_from(["required", "default-empty", "default-text", "default-int"]),
    "bind": st.sampled_from(["none", "literal", "template", "number"]),
})
USES = ["{{{{ .inputs.{0} }}}}", "x-{{{{ .inputs.{0} }}}}", "{{{{ upper (print .inputs.{0}) }}}}",
        "{{{{ if .inputs.{0} }}}}on{{{{ end }}}}", "{{{{ .metadata.name }}}}-{{{{ .inputs.{0} }}}}"]


def build(spec: dict[str, dict[str, str]], uses: list[tuple[str, int]]) -> tuple[
        dict[str, Any], dict[str, Any]]:
    """A Motif body and its bindings from a generated description."""
    inputs, bindings = [], {}
    for name, s in spec.items():
        decl: dict[str, Any] = {"name": name}
        decl |= {"required": {"required": True}, "default-empty": {"default": ""},
                 "default-text": {"default": "d-" + name}, "default-int": {"default": 3}}[
            s["kind"]]
        inputs.append(decl)
        if s["bind"] != "none" or s["kind"] == "required":
            bindings[name] = {"none": "v", "literal": "lit-" + name,
                              "template": "{{ .spec." + name + " }}", "number": 5}[s["bind"]]
    items = [{"name": f"cm-{i}", "data": {"v": USES[k].format(n)}, "when": [
        {"field": USES[(k + 1) % len(USES)].format(n), "operator": "exists"}]}
        for i, (n, k) in enumerate(uses)]
    return {"inputs": inputs, "resources": {"configMaps": items}}, bindings


def outcome(body: dict[str, Any], bindings: dict[str, Any]) -> str:
    result = expand(body, bindings)
    return json.dumps({
        "entry": result.entry.wire(),
        "bindings": [(b.input, b.value, b.how) for t in result.traces for b in t.bindings],
        "errors": sorted((d.code, d.message) for e in result.errors for d in e.diagnostics),
    })


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(st.sampled_from(INPUT_NAMES), INPUT, min_size=1),
       st.lists(st.tuples(st.sampled_from(INPUT_NAMES), st.integers(0, len(USES) - 1)),
                max_size=4),
       st.randoms(use_true_random=False))
def test_expansion_does_not_depend_on_declaration_or_binding_order(
        spec: dict[str, dict[str, str]], uses: list[tuple[str, int]],
        rnd: random.Random) -> None:
    uses = [(n, k) for n, k in uses if n in spec]
    body, bindings = build(spec, uses)
    shuffled_body = {**body, "inputs": rnd.sample(body["inputs"], len(body["inputs"]))}
    shuffled_bindings = dict(rnd.sample(list(bindings.items()), len(bindings)))
    assert outcome(shuffled_body, shuffled_bindings) == outcome(body, bindings)
