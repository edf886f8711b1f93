"""Problems the compiler must report, each at its place: every one of them, never one that
hides another (SPEC §6), and each with a hint."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.conftest import Ork

HEAD = """\
apiVersion: orkestra.orkspace.io/v1
kind: Katalog
metadata: {name: shop, version: v1.0.0}
spec:
  crds:
"""


def diagnostics(ork: Ork, cwd: Path, *args: str) -> list[dict[str, Any]]:
    result = ork("validate", "--output", "json", *args, cwd=cwd)
    assert result.code == 1, str(result)
    found: list[dict[str, Any]] = json.loads(result.stdout)
    return found


def where(d: dict[str, Any]) -> tuple[str, int, int]:
    return d["code"], d["line"], d["column"]


def test_an_empty_api_types_field_is_an_invalid_value_at_that_field(ork: Ork,
                                                                   tmp_path: Path) -> None:
    (tmp_path / "katalog.yaml").write_text(
        HEAD + "    web:\n      apiTypes: {group: g.demo, version: \"\", kind: \"\"}\n"
        "    db:\n      apiTypes: {group: \"\", kind: Db, plural: \" \"}\n")
    found = diagnostics(ork, tmp_path)
    assert sorted(where(d) for d in found) == [
        ("invalid-value", 7, 42), ("invalid-value", 7, 52),
        ("invalid-value", 9, 25), ("invalid-value", 9, 47)]
    assert all(d["hint"] for d in found)
    assert any("`apiTypes.kind` of CRD 'web' is empty" in d["message"] for d in found)


MALFORMED = ["{{ if .x }}", "{{ .x | }}", "{{ (.x }}", "{{ range }}{{ end }}", "{{ .x := 1 }}",
             "{{ if .x }}a{{ else }}b{{ else }}c{{ end }}", "{{ if .x }}{{ end 1 }}",
             "{{ .x ( ) }}", '{{ \\"a\\".x }}', "{{ .x if }}", "{{ $a, $b := .x }}",
             "{{ ) }}", "{{ }}", "{{ .x .y }}"]


def test_every_template_syntax_error_has_a_hint(ork: Ork, tmp_path: Path) -> None:
    items = "".join(f'              - name: "{text}"\n' for text in MALFORMED)
    (tmp_path / "katalog.yaml").write_text(
        HEAD + "    app:\n      apiTypes: {kind: App}\n      operatorBox:\n"
        "        reconcile:\n          onReconcile:\n            configMaps:\n" + items)
    found = diagnostics(ork, tmp_path)
    assert [d["line"] for d in found] == list(range(12, 12 + len(MALFORMED)))
    assert {d["code"] for d in found} == {"template-syntax"}
    assert [d["message"] for d in found if not d["hint"]] == []


def test_a_dependency_cycle_is_reported_beside_an_unknown_dependency_and_every_cycle(
        ork: Ork, tmp_path: Path) -> None:
    crds = {"b": "[zz]", "c": "[d]", "d": "[c]", "e": "[f]", "f": "[g, e]", "g": "[f]"}
    (tmp_path / "katalog.yaml").write_text(HEAD + "".join(
        f"    {n}:\n      apiTypes: {{kind: {n.upper()}}}\n      dependsOn: {deps}\n"
        for n, deps in crds.items()))
    found = diagnostics(ork, tmp_path)
    assert [(d["code"], d["message"]) for d in found] == [
        ("unknown-dependency", "CRD 'b' depends on unknown CRD 'zz'"),
        ("dependency-cycle", "dependsOn cycle: c -> d -> c"),
        ("dependency-cycle", "dependsOn cycle: e -> f -> e"),
        ("dependency-cycle", "dependsOn cycle: f -> g -> f")]
    assert [n["message"] for n in found[1]["notes"]] == ["c depends on d", "d depends on c"]


def test_a_wrong_binding_is_reported_beside_missing_and_unknown_inputs(ork: Ork,
                                                                      tmp_path: Path) -> None:
    (tmp_path / "m.yaml").write_text(
        "apiVersion: orkestra.orkspace.io/v1\nkind: Motif\nmetadata: {name: m, version: v1}\n"
        "inputs:\n  - {name: n, type: integer, default: 1}\n"
        "  - {name: f, type: boolean, default: false}\n  - {name: req, required: true}\n"
        "resources:\n  configMaps:\n    - {name: c}\n")
    (tmp_path / "katalog.yaml").write_text(
        HEAD + "    app:\n      apiTypes: {kind: App}\n      imports:\n"
        '        - motif: ./m.yaml\n          with: {n: "five", f: "x", reqq: 1}\n')
    found = diagnostics(ork, tmp_path)
    assert sorted(where(d) for d in found) == [
        ("invalid-input-value", 10, 21), ("invalid-input-value", 10, 32),
        ("missing-input", 9, 18), ("unknown-input", 10, 37)]


def test_a_conflicting_block_names_both_values_not_the_first_block(ork: Ork,
                                                                  tmp_path: Path) -> None:
    (tmp_path / "komposer.yaml").write_text(
        "apiVersion: orkestra.orkspace.io/v1\nkind: Komposer\nmetadata: {name: p}\n"
        "imports:\n  files: [./a.yaml, ./b.yaml]\n")
    for name, level, items in (("a", "baseline", "[1, 2]"), ("b", "restricted", "[3]")):
        (tmp_path / f"{name}.yaml").write_text(
            HEAD.replace("shop", name) + f"    {name}:\n      apiTypes: {{kind: {name.upper()}}}\n"
            f"security:\n  podSecurity: {{level: {level}}}\n  list: {items}\n")
    found = diagnostics(ork, tmp_path, "-f", "komposer.yaml")
    assert [(where(d), d["notes"][0]["line"], d["notes"][0]["column"]) for d in found] == [
        (("conflicting-block", 9, 24), 9, 24), (("conflicting-block", 10, 9), 10, 9)]
    assert {n["path"] for d in found for n in d["notes"]} == {"a.yaml"}


def test_the_komposers_own_block_settles_a_conflict_between_its_imports(
        ork: Ork, tmp_path: Path) -> None:
    # The fix the conflicting-block hint gives: set the key once in the Komposer.
    for name, level, items in (("a", "baseline", "[1, 2]"), ("b", "restricted", "[3]")):
        (tmp_path / f"{name}.yaml").write_text(
            HEAD.replace("shop", name) + f"    {name}:\n      apiTypes: {{kind: {name.upper()}}}\n"
            f"security:\n  podSecurity: {{level: {level}}}\n  list: {items}\n")
    komposer = ("apiVersion: orkestra.orkspace.io/v1\nkind: Komposer\nmetadata: {name: p}\n"
                "imports:\n  files: [./a.yaml, ./b.yaml]\n"
                "security:\n  podSecurity: {level: restricted}\n")
    (tmp_path / "komposer.yaml").write_text(komposer)
    found = diagnostics(ork, tmp_path, "-f", "komposer.yaml")
    assert [where(d) for d in found] == [("conflicting-block", 10, 9)]  # `list` is unsettled
    (tmp_path / "komposer.yaml").write_text(komposer + "  list: [4]\n")
    result = ork("template", "--output", "json", cwd=tmp_path)
    assert result.code == 0, str(result)
    assert json.loads(result.stdout)["security"] == {
        "podSecurity": {"level": "restricted"}, "list": [4]}


def test_the_gateway_warning_points_at_where_it_is_enabled(ork: Ork, tmp_path: Path) -> None:
    (tmp_path / "katalog.yaml").write_text(
        HEAD + "    web:\n      apiTypes: {group: g.demo, version: v1, kind: Web}\n"
        "gateway:\n  enabled: true\n")
    result = ork("validate", "--output", "json", cwd=tmp_path)
    assert result.code == 0, str(result)
    (found,) = json.loads(result.stdout)
    assert (found["code"], found["severity"], found["line"], found["column"]) == (
        "gateway-not-generated", "warning", 9, 12)
    assert found["path"] == "katalog.yaml"
    assert found["hint"]


def test_a_push_whose_tag_is_not_the_version_points_at_the_version(ork: Ork,
                                                                   tmp_path: Path) -> None:
    assert ork("pull", "web-service:v1.1.0", "-o", "ws", cwd=tmp_path).code == 0
    result = ork("push", "oci-layout://layout:motifs/web-service:v9", "ws", cwd=tmp_path)
    assert result.code == 1, str(result)
    assert "motif.yaml:5:12: error[version-mismatch]" in result.stderr
    assert "  5 |   version: v1.1.0" in result.stderr
    assert not (tmp_path / "layout").exists()


def test_lock_and_vendor_refuse_a_shape_error_as_generate_does(ork: Ork,
                                                               tmp_path: Path) -> None:
    """`name: off` is YAML 1.1's false: a wrong-type that lock and vendor, which stop after
    fetch, used to accept (writing a lock) and only the build refused."""
    (tmp_path / "komposer.yaml").write_text(
        "apiVersion: orkestra.orkspace.io/v1\nkind: Komposer\nmetadata:\n  name: off\n"
        "  colour: red\nimports:\n  files: [./katalog.yaml]\n")
    (tmp_path / "katalog.yaml").write_text(HEAD + "    web:\n      apiTypes: {group: g.demo, "
                                           "version: v1, kind: Web}\n")
    built = ork("generate", "bundle", "-f", "komposer.yaml")
    assert built.code == 1, str(built)
    assert "komposer.yaml:4:9: error[wrong-type]: `name` should be a string, not a boolean\n" \
        in built.stderr
    assert "komposer.yaml:5:3: error[unknown-field]: unknown field `colour`" in built.stderr
    for args in (("lock",), ("lock", "--check"), ("vendor", "-o", "vendor")):
        result = ork(*args, "-f", "komposer.yaml")
        assert (result.code, result.stderr) == (1, built.stderr), (args, str(result))
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "ork-cache") == [
        "katalog.yaml", "komposer.yaml"]
