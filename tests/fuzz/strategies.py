"""Hypothesis strategies for Katalogs, Komposers and templates.

They generate mostly-plausible input — real field names, real functions, real operators —
with enough wrong values (bad names, durations, references, broken templates) that both
the success and the diagnostic paths are exercised.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

NAMES = st.sampled_from(["web", "db", "cache", "jobs", "Bad_Name", "x" * 70, "api-v2"])
FIELDS = st.sampled_from([".metadata.name", ".spec.image", ".spec.replicas", ".spec.a.b",
                          ".status.phase", ".", "$", "$.spec.x", ".children.deployment"])
FUNCTIONS = st.sampled_from(["upper", "lower", "default \"x\"", "quote", "toJson", "len",
                             "printf \"%v-%d\"", "trunc 3", "nosuch", "add 1", "b64enc",
                             "allReplicasReady", "eq 3", "not"])
TEXT = st.sampled_from(["", "-", "svc", " ", "{%", "{#", "}}", "%}", "\n", "é", "{{"])


@st.composite
def actions(draw: st.DrawFn) -> str:
    """One ``{{ … }}`` action: a field, maybe piped through functions, maybe broken."""
    head = draw(st.one_of(FIELDS, st.sampled_from(['"lit"', "3", "1.5", "true", "nil"])))
    pipe = " | ".join([head, *draw(st.lists(FUNCTIONS, max_size=2))])
    left = draw(st.sampled_from(["{{ ", "{{- ", "{{"]))
    right = draw(st.sampled_from([" }}", " -}}", "}}", " }"]))  # " }" is a syntax error
    return left + pipe + right


@st.composite
def templates(draw: st.DrawFn) -> str:
    """A template string: text and actions, sometimes if/range blocks."""
    parts = draw(st.lists(st.one_of(TEXT, actions()), min_size=1, max_size=5))
    body = "".join(parts)
    wrap = draw(st.sampled_from(["", "if", "range", "with"]))
    if wrap:
        body = "{{ " + wrap + " " + draw(FIELDS) + " }}" + body + "{{ end }}"
    return body


def _resources(draw: st.DrawFn) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if draw(st.booleans()):
        out["deployments"] = [{"name": draw(templates()), "image": draw(templates()),
                               "replicas": draw(st.one_of(st.integers(-1, 5), templates()))}]
    if draw(st.booleans()):
        out["services"] = [{"name": draw(templates()), "port": draw(st.integers(0, 70000)),
                            "when": [{"field": draw(templates()), "operator": draw(
                                st.sampled_from(["exists", "equals", "gt", "regex", "nope"])),
                                "value": draw(st.sampled_from(["1", "x", "(", "a,b"]))}]}]
    if draw(st.booleans()):
        out["configMaps"] = [{"name": "cm", "data": {"k": draw(templates())}}]
    return out


@st.composite
def crds(draw: st.DrawFn, names: list[str]) -> dict[str, Any]:
    """A CRD entry with resources, maybe dependsOn, workers and resync."""
    entry: dict[str, Any] = {
        "apiTypes": {"group": "fuzz.demo", "version": "v1",
                     "kind": draw(st.sampled_from(["App", "Db", "App"]))},
        "operatorBox": {"reconcile": {
            "workers": draw(st.integers(0, 60)),
            "resync": draw(st.sampled_from(["30s", "1m", "1h30m", "soon", "0"])),
            "onReconcile": _resources(draw)}},
    }
    if draw(st.booleans()):
        entry["dependsOn"] = draw(st.lists(st.sampled_from([*names, "ghost"]), max_size=2))
    if draw(st.booleans()):
        entry["enabled"] = draw(st.booleans())
    return entry


@st.composite
def katalogs(draw: st.DrawFn) -> dict[str, Any]:
    """A whole Katalog document."""
    names = draw(st.lists(NAMES, min_size=1, max_size=3, unique=True))
    return {"apiVersion": "orkestra.orkspace.io/v1", "kind": "Katalog",
            "metadata": {"name": draw(NAMES), "version": "v1.0.0"},
            "spec": {"crds": {n: draw(crds(names)) for n in names}}}


@st.composite
def komposers(draw: st.DrawFn, files: list[str]) -> dict[str, Any]:
    """A Komposer importing some of ``files`` (and sometimes a stdlib pattern), with
    overrides of CRDs that may or may not exist."""
    imports: dict[str, Any] = {"files": [f"./{f}" for f in files]}
    if draw(st.booleans()):
        imports["registry"] = [draw(st.sampled_from(["webapp-operator:v1.1.0",
                                                     "platform-app-operator:v1.0.0",
                                                     "no-such-operator:v1"]))]
    overrides = {draw(NAMES): {"operatorBox": {"reconcile": {"workers": draw(st.integers(1, 9))}}}}
    return {"apiVersion": "orkestra.orkspace.io/v1", "kind": "Komposer",
            "metadata": {"name": "fuzz"}, "imports": imports, "spec": {"crds": overrides}}
