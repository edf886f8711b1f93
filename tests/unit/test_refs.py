"""References: every form, and the ones refused."""

from __future__ import annotations

import pytest

from ork import refs
from ork.errors import InputError

DIGEST = "sha256:" + "a" * 64


@pytest.mark.parametrize(("raw", "kind", "host", "repo", "tag", "digest"), [
    ("oci://127.0.0.1:5000/katalogs/app:v1.1.0", "oci", "127.0.0.1:5000", "katalogs/app",
     "v1.1.0", None),
    (f"oci://reg.example/katalogs/app@{DIGEST}", "oci", "reg.example", "katalogs/app", None,
     DIGEST),
    ("ghcr.io/org/motifs/web:v1", "oci", "ghcr.io", "org/motifs/web", "v1", None),
    ("localhost/x/y:v2", "oci", "localhost", "x/y", "v2", None),
    ("webapp-operator:v1.1.0", "short", "", "webapp-operator", "v1.1.0", None),
    ("web-service@v1.1.0", "short", "", "web-service", "v1.1.0", None),
    ("web-service", "short", "", "web-service", None, None),
    (f"web-service@{DIGEST}", "short", "", "web-service", None, DIGEST),
])
def test_forms(raw: str, kind: str, host: str, repo: str, tag: str | None,
               digest: str | None) -> None:
    ref = refs.parse(raw)
    assert (ref.kind, ref.host, ref.repository, ref.tag, ref.digest) == (
        kind, host, repo, tag, digest)


def test_layout_refs() -> None:
    ref = refs.parse("oci-layout://vendor:katalogs/webapp-operator:v1.1.0")
    assert (ref.kind, ref.layout, ref.repository, ref.tag) == (
        "layout", "vendor", "katalogs/webapp-operator", "v1.1.0")


def test_files_are_files() -> None:
    assert refs.parse("./katalogs/a.yaml", file=True).kind == "file"
    assert refs.looks_like_file("./m.yaml")
    assert refs.looks_like_file("m.yml")
    assert not refs.looks_like_file("web-service:v1.1.0")


@pytest.mark.parametrize("raw", ["https://github.com/org/repo@main", "git@github.com:o/r.git"])
def test_git_and_https_are_unsupported(raw: str) -> None:
    with pytest.raises(InputError, match="not supported") as info:
        refs.parse(raw)
    assert info.value.code == "unsupported-source"


@pytest.mark.parametrize("raw", ["oci://host", "Web-Service:v1", "a@sha256:xyz", "a:b:c@d:e"])
def test_malformed_refs(raw: str) -> None:
    with pytest.raises(InputError) as info:
        refs.parse(raw)
    assert info.value.code == "invalid-reference"


def test_an_oci_ref_under_files_is_refused() -> None:
    with pytest.raises(InputError, match="not a file") as info:
        refs.parse("oci://h/r:v1", file=True)
    assert "imports.registry" in (info.value.diagnostics[0].hint or "")


@pytest.mark.parametrize("raw", [
    "oci://user:hunter2@127.0.0.1:5000/katalogs/app:v1",
    "oci://user:hunter2@127.0.0.1:5000",  # no repository either: still not echoed
    "user:hunter2@127.0.0.1:5000/katalogs/app:v1",
    "oci://hunter2@reg.example/katalogs/app:v1",
    "hunter2@reg.example/katalogs/app:bad tag!",
    "https://user:hunter2@github.com/org/repo",
])
def test_credentials_in_a_ref_are_refused_and_never_repeated(raw: str) -> None:
    with pytest.raises(InputError) as info:
        refs.parse(raw)
    diag = info.value.diagnostics[0]
    shown = f"{diag.message}\n{diag.hint}\n" + "\n".join(n.message for n in diag.notes)
    assert "hunter2" not in shown
    if not raw.startswith("https://"):
        assert info.value.code == "invalid-reference"
        assert "carries credentials" in diag.message
        assert "ORK_REGISTRY_USERNAME" in (diag.hint or "")
        assert "docker login " + ("127.0.0.1:5000" if "127" in raw else "reg.example") \
            in (diag.hint or "")
