"""ork plan as pure functions: reading a deployed bundle, comparing, printing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ork import planrender
from ork.errors import InputError
from ork.plan import MASK, Deployed, compute, read_deployed
from ork.treediff import Delta
from tests.conftest import FIXTURES

D1, D2, D3 = ("sha256:" + c * 64 for c in "123")


def crd(kind: str = "WebApp", version: str = "v1", **fields: Any) -> dict[str, Any]:
    return {"apiTypes": {"group": "shop.demo", "version": version, "kind": kind}, **fields}


def katalog_text(crds: dict[str, Any], **top: Any) -> str:
    return json.dumps({"apiVersion": "orkestra.orkspace.io/v1", "kind": "Katalog",
                       "metadata": {"name": "shop"}, "spec": {"crds": crds}, **top})


def configmap(crds: dict[str, Any], provenance: dict[str, Any] | None = None, *,
              namespace: str = "orkestra-system", **top: Any) -> dict[str, Any]:
    data = {"katalog.yaml": katalog_text(crds, **top)}
    if provenance is not None:
        data["provenance.yaml"] = json.dumps(provenance)
    return {"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": "orkestra-katalog", "namespace": namespace}, "data": data}


def deployed(crds: dict[str, Any], provenance: dict[str, Any] | None = None,
             **kw: Any) -> Deployed:
    return read_deployed(json.dumps(configmap(crds, provenance, **kw)).encode(), "cm.yaml")


def source(ref: str, digest: str, *, remote: bool = True, name: str = "shop-operator",
           version: str = "v1.0.0", motifs: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    src: dict[str, Any] = {"ref": ref, "digest": digest}
    if remote:
        src["resolved"] = f"embedded://katalogs/x@{digest}"
    return {"source": src, "katalog": {"name": name, "version": version},
            "motifs": motifs or []}


def motif(name: str, version: str, digest: str, *, remote: bool = True) -> dict[str, Any]:
    out = {"ref": f"{name}:{version}", "name": name, "version": version, "digest": digest}
    if remote:
        out["resolved"] = f"embedded://motifs/{name}@{digest}"
    return out


# Reading the deployed file ------------------------------------------------------------


def test_a_bundle_stream_a_bare_configmap_and_a_kubectl_list_read_the_same() -> None:
    cm = configmap({"webapp": crd()})
    stream = "---\n" + json.dumps({"apiVersion": "v1", "kind": "Namespace",
                                   "metadata": {"name": "x"}}) + "\n---\n" + json.dumps(cm)
    listed = json.dumps({"apiVersion": "v1", "kind": "List", "items": [cm]})
    read = [read_deployed(data.encode(), "b") for data in (stream, json.dumps(cm), listed)]
    assert {r.katalog.wire()["spec"]["crds"]["webapp"]["apiTypes"]["kind"] for r in read} == \
        {"WebApp"}
    assert {r.namespace for r in read} == {"orkestra-system"}


def test_the_deployed_cluster_role_is_read_when_the_stream_has_it() -> None:
    role = {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
            "metadata": {"name": "orkestra-orkestra-system"},
            "rules": [{"apiGroups": [""], "resources": ["pods"], "verbs": ["get"]}]}
    other = {**role, "metadata": {"name": "orkestra-aggregate"}, "rules": []}
    stream = "\n---\n".join(json.dumps(d) for d in (other, role, configmap({"webapp": crd()})))
    assert read_deployed(stream.encode(), "b").rules == role["rules"]
    assert read_deployed(json.dumps(configmap({"webapp": crd()})).encode(), "b").rules is None


@pytest.mark.parametrize(("data", "message"), [
    (b"a: [\n", "cannot be read as a bundle"),
    (b"\xff\xfe", "cannot be read as a bundle: .* is not UTF-8"),
    (b"", "holds no orkestra-katalog ConfigMap"),
    (b"just a string\n", "holds no orkestra-katalog ConfigMap"),
    (b"kind: ConfigMap\nmetadata: {name: other}\ndata: {katalog.yaml: x}\n",
     "holds no orkestra-katalog ConfigMap"),
    (b"kind: ConfigMap\nmetadata: {name: orkestra-katalog}\ndata: {katalog.yaml: '[1'}\n",
     "katalog.yaml cannot be read"),
    (b"kind: ConfigMap\ndata:\n  katalog.yaml: 'kind: Motif'\n", "katalog.yaml cannot be read"),
], ids=["yaml-syntax", "not-utf8", "empty", "scalar", "other-configmap", "bad-katalog",
        "not-a-katalog"])
def test_anything_else_is_invalid_bundle(data: bytes, message: str) -> None:
    with pytest.raises(InputError, match=message) as info:
        read_deployed(data, "deployed.yaml")
    assert info.value.code == "invalid-bundle"


def test_a_katalog_given_as_the_bundle_says_what_to_pass_instead() -> None:
    with pytest.raises(InputError, match="holds no orkestra-katalog") as info:
        read_deployed(katalog_text({"webapp": crd()}).encode(), "katalog.yaml")
    assert "this is a Katalog source" in (info.value.diagnostics[0].hint or "")


# Comparing ------------------------------------------------------------------------------


def test_equal_bundles_have_no_changes() -> None:
    side = deployed({"webapp": crd(description="x")}, {"crds": {"webapp": source("a", D1)}})
    plan = compute(side, side)
    assert not plan.has_changes
    assert planrender.to_text(plan) == "No changes. The deployed bundle matches.\n"


def test_a_bundle_without_provenance_compares_its_data_only() -> None:
    """An Orkestra-built (or hand-made) ConfigMap has no provenance.yaml: no change then."""
    before = deployed({"webapp": crd()})
    after = deployed({"webapp": crd()}, {"crds": {"webapp": source(
        "a", D1, motifs=[motif("web", "v1", D2)])}})
    assert compute(before, after).crds == []


def test_api_types_changes_are_flagged() -> None:
    plan = compute(deployed({"webapp": crd()}), deployed({"webapp": crd(version="v2")}))
    [change] = plan.crds
    assert change.api_change
    assert (change.api_before, change.api_after) == ("shop.demo/v1 WebApp", "shop.demo/v2 WebApp")
    assert "API change: shop.demo/v1 WebApp → shop.demo/v2 WebApp" in planrender.to_text(plan)


def test_the_source_tag_moved_only_for_a_remote_source_with_the_same_ref() -> None:
    def plan_for(a: dict[str, Any], b: dict[str, Any]) -> Any:
        return compute(deployed({"webapp": crd()}, {"crds": {"webapp": a}}),
                       deployed({"webapp": crd()}, {"crds": {"webapp": b}}))

    moved = plan_for(source("shop:v1", D1), source("shop:v1", D2))
    assert moved.crds[0].source_tag_moved
    assert "source shop:v1  sha256:111111… → sha256:222222…  tag moved" in \
        planrender.to_text(moved)
    local = plan_for(source("k.yaml", D1, remote=False), source("k.yaml", D2, remote=False))
    assert local.crds == []  # an edited local file shows in its fields, not as a moved tag
    bumped = plan_for(source("shop:v1", D1), source("shop:v2", D2, version="v2.0.0"))
    assert not bumped.crds[0].source_tag_moved
    assert "from shop-operator v1.0.0 → v2.0.0" in planrender.to_text(bumped)


def test_the_same_katalog_from_another_ref_is_shown() -> None:
    before = deployed({"w": crd()}, {"crds": {"w": source("shop:v1", D1)}})
    after = deployed({"w": crd()}, {"crds": {"w": source("oci-layout://vendor:shop:v1", D1)}})
    [change] = compute(before, after).crds
    assert change.source_refs == ("shop:v1", "oci-layout://vendor:shop:v1")
    assert "    source shop:v1 → oci-layout://vendor:shop:v1\n" in \
        planrender.to_text(compute(before, after))


def test_motifs_are_paired_by_name_and_occurrence() -> None:
    """A Motif imported twice into one CRD is two Motifs, not one that flips."""
    twice = [motif("web", "v1", D1), motif("web", "v1", D1)]
    bumped = [motif("web", "v1", D1), motif("web", "v2", D2)]
    plan = compute(deployed({"app": crd()}, {"crds": {"app": source("a", D3, motifs=twice)}}),
                   deployed({"app": crd()}, {"crds": {"app": source("a", D3, motifs=bumped)}}))
    [change] = plan.crds[0].motifs
    assert (change.name, change.before, change.after) == ("web", ("v1", D1), ("v2", D2))
    assert not change.tag_moved


def test_a_motif_tag_moved_is_flagged_for_remote_motifs_and_local_edits_left_out() -> None:
    def motifs_for(remote: bool) -> Any:
        a = source("a", D3, motifs=[motif("web", "v1", D1, remote=remote)])
        b = source("a", D3, motifs=[motif("web", "v1", D2, remote=remote)])
        plan = compute(deployed({"app": crd()}, {"crds": {"app": a}}),
                       deployed({"app": crd()}, {"crds": {"app": b}}))
        return [m for c in plan.crds for m in c.motifs]

    assert [m.tag_moved for m in motifs_for(True)] == [True]
    assert motifs_for(False) == []  # a local file edited in place: its fields tell


def test_disabled_and_enabled_crds_are_told_apart_from_removed_and_added() -> None:
    before = deployed({"a": crd("A"), "b": crd("B")}, {"crds": {}, "disabled": ["c"]})
    after = deployed({"a": crd("A"), "c": crd("C")}, {"crds": {}, "disabled": ["b"]})
    plan = compute(before, after)
    assert [(c.name, c.action) for c in plan.crds] == [("b", "disable"), ("c", "enable")]
    assert plan.counts() == {"add": 1, "change": 0, "remove": 1}
    text = planrender.to_text(plan)
    assert "- crd b  (shop.demo/v1 B)  disabled" in text
    assert "+ crd c  (shop.demo/v1 C)  enabled" in text


def test_secret_values_are_masked_wherever_they_appear() -> None:
    def app(password: str, extra: bool) -> dict[str, Any]:
        secrets = [{"name": "db", "stringData": {"password": password, "user": "shop"}}]
        custom = [{"name": "raw", "apiVersion": "v1", "kind": "Secret",
                   "data": {"token": password}}]
        on = {"secrets": secrets, "custom": custom}
        if extra:
            on["secrets"] = [*secrets, {"name": "new", "data": {"key": password}}]
        return crd(operatorBox={"reconcile": {"onReconcile": on}})

    before, after = deployed({"app": app("old-pw", False)}), deployed({"app": app("new-pw", True)})
    masked = compute(before, after)
    text = planrender.to_text(masked) + planrender.to_json(masked) + \
        planrender.to_markdown(masked)
    assert "old-pw" not in text
    assert "new-pw" not in text
    changes = {d.path: d for d in masked.crds[0].changes}
    assert changes['operatorBox.reconcile.onReconcile.secrets["db"].stringData.password'] == \
        Delta('operatorBox.reconcile.onReconcile.secrets["db"].stringData.password', "change",
              MASK, MASK)
    assert changes['operatorBox.reconcile.onReconcile.secrets["new"]'].after == \
        {"name": "new", "data": {"key": MASK}}
    assert changes['operatorBox.reconcile.onReconcile.custom["raw"].data.token'].after == MASK
    shown = compute(before, after, show_secrets=True)
    assert "new-pw" in planrender.to_text(shown)


def test_the_runtime_namespace_of_the_new_bundle_is_compared_and_used_in_the_footer() -> None:
    side = {"webapp": crd()}
    plan = compute(deployed(side, namespace="team-a"), deployed(side), namespace="team-b")
    text = planrender.to_text(plan)
    assert plan.has_changes
    assert "~ runtime namespace: team-a → team-b" in text
    assert text.endswith("kubectl rollout restart deployment/orkestra-runtime -n team-b\n")


def test_rbac_grants_are_listed_per_resource() -> None:
    job = {"name": "j", "image": "x", "schedule": "* * * * *"}
    after = crd(operatorBox={"reconcile": {"onReconcile": {"cronJobs": [job]}}})
    plan = compute(deployed({"webapp": crd()}), deployed({"webapp": after}))
    assert plan.rbac_added == ["batch/cronjobs: create, delete, get, list, patch, update, watch"]
    assert plan.rbac_removed == []


def test_top_level_blocks_are_compared() -> None:
    plan = compute(deployed({"w": crd()}, notes="a"), deployed({"w": crd()}, notes="b"))
    assert plan.blocks == [Delta("notes", "change", "a", "b")]
    assert plan.has_changes


# Printing ---------------------------------------------------------------------------------


def test_a_multiline_change_is_a_unified_diff_and_markdown_keeps_context_lines() -> None:
    """A context line that starts with "- " (a YAML list in a template) stays context."""
    old = "items:\n- one\n- two\nend: 1\n"
    new = "items:\n- one\n- two\nend: 2\n"
    plan = compute(deployed({"w": crd(description=old)}), deployed({"w": crd(description=new)}))
    text = planrender.to_text(plan)
    assert "      @@ -1,4 +1,4 @@\n       items:\n       - one\n       - two\n" \
           "      -end: 1\n      +end: 2\n" in text
    md = planrender.to_markdown(plan)
    assert "\n        - one\n" in md  # context: a space in column 0, not a removal
    assert "\n-      end: 1\n+      end: 2\n" in md


def test_a_change_of_line_ends_only_is_still_visible() -> None:
    plan = compute(deployed({"w": crd(description="a\nb\n")}),
                   deployed({"w": crd(description="a\nb")}))
    assert '  ~ description\n      - "a\\nb\\n"\n      + "a\\nb"\n' in planrender.to_text(plan)


def test_an_added_multiline_value_prints_as_a_literal() -> None:
    plan = compute(deployed({"w": crd()}), deployed({"w": crd(description="a\nb")}))
    assert "  + description\n      + |\n      +   a\n      +   b\n" in planrender.to_text(plan)


def test_markdown_fences_outgrow_backticks_in_values() -> None:
    plan = compute(deployed({"w": crd(description="x")}),
                   deployed({"w": crd(description="```` four")}))
    md = planrender.to_markdown(plan)
    assert "`````diff\n" in md
    assert md.count("`````") == 2


def test_json_has_the_documented_shape() -> None:
    plan = compute(deployed({"w": crd()}), deployed({"w": crd(description="x")}))
    data = json.loads(planrender.to_json(plan))
    assert data["formatVersion"] == 1
    assert data["summary"] == {"add": 0, "change": 1, "remove": 0, "hasChanges": True}
    assert data["crds"][0]["name"] == "w"
    assert data["crds"][0]["action"] == "change"
    assert data["crds"][0]["changes"] == [
        {"path": "description", "action": "add", "before": None, "after": "x"}]
    assert data["rbac"] == {"added": [], "removed": []}


@pytest.mark.parametrize("bundle", sorted(FIXTURES.glob("generate/*/expected/bundle.yaml")),
                         ids=lambda p: p.parent.parent.name)
def test_our_own_bundle_reads_the_same_through_libyaml(bundle: Path) -> None:
    # `ork plan` reads the bundle it just rendered with libyaml, the deployed one with
    # ork.yamlsrc: both must see the same Katalog, provenance, namespace and rules.
    data = bundle.read_bytes()
    assert read_deployed(data, "bundle.yaml", ours=True) == read_deployed(data, "bundle.yaml")
