"""Push, pull and compile against a real registry; cross-checked with plain urllib."""

from __future__ import annotations

import hashlib
import json
import urllib.request
from pathlib import Path

import pytest

from ork.resources import embedded_registry
from tests.conftest import Ork

from .conftest import LiveRegistry
from .helpers import STDLIB, project, push_stdlib

pytestmark = pytest.mark.integration

WEB_SERVICE = STDLIB / "motifs" / "web-service" / "v1.1.0"
GOLDEN = "sha256:5eb09f44f02814f15d577d2d5f0f0ae11908c6fd39d5a3ba24aae7b2e13b9c18"


def _embedded_digest(ref_name: str) -> str:
    index = json.loads((embedded_registry() / "index.json").read_bytes())
    return next(m["digest"] for m in index["manifests"]
                if m["annotations"]["org.opencontainers.image.ref.name"] == ref_name)


def test_push_gives_the_golden_digest_and_pulls_back(ork: Ork, registry: LiveRegistry,
                                                     tmp_path: Path) -> None:
    ref = f"oci://{registry.host}/motifs/web-service:v1.1.0"
    pushed = ork("push", ref, str(WEB_SERVICE))
    assert pushed.code == 0, pushed
    assert pushed.stdout.strip() == GOLDEN == _embedded_digest("motifs/web-service:v1.1.0")
    by_tag = ork("pull", ref, "-o", str(tmp_path / "by-tag"))
    assert by_tag.code == 0, by_tag
    assert by_tag.stdout.strip() == GOLDEN
    for name in ("motif.yaml", "README.md"):
        assert (tmp_path / "by-tag" / name).read_bytes() == (WEB_SERVICE / name).read_bytes()
    by_digest = ork("pull", f"{registry.host}/motifs/web-service@{GOLDEN}")
    assert by_digest.code == 0, by_digest
    assert by_digest.stdout.strip() == GOLDEN
    shown = ork("inspect", ref, "--output", "json")
    info = json.loads(shown.stdout)
    assert info["digest"] == GOLDEN
    assert info["annotations"]["io.orkestra.pattern.version"] == "v1.1.0"
    assert [f["name"] for f in info["files"]] == ["README.md", "motif.yaml"]


def test_an_independent_client_sees_the_same_manifest(ork: Ork, registry: LiveRegistry
                                                      ) -> None:
    assert ork("push", f"{registry.host}/motifs/web-service:v1.1.0", str(WEB_SERVICE)).code == 0
    req = urllib.request.Request(
        registry.url("/v2/motifs/web-service/manifests/v1.1.0"),
        headers={"Accept": "application/vnd.oci.image.manifest.v1+json"})
    with urllib.request.urlopen(req, timeout=10) as resp:
        body = resp.read()
        header = resp.headers["Docker-Content-Digest"]
    assert "sha256:" + hashlib.sha256(body).hexdigest() == header == GOLDEN
    blob = (embedded_registry() / "blobs" / "sha256" / GOLDEN.split(":")[1]).read_bytes()
    assert body == blob
    manifest = json.loads(body)
    for layer in manifest["layers"]:
        url = registry.url(f"/v2/motifs/web-service/blobs/{layer['digest']}")
        with urllib.request.urlopen(url, timeout=10) as resp:
            data = resp.read()
        assert "sha256:" + hashlib.sha256(data).hexdigest() == layer["digest"]


def test_push_refuses_a_tag_that_is_not_the_version(ork: Ork, registry: LiveRegistry) -> None:
    result = ork("push", f"{registry.host}/motifs/web-service:v9.9.9", str(WEB_SERVICE))
    assert result.code == 1, result
    assert "version-mismatch" in result.stderr


def _lock_view(root: Path) -> list[tuple[str, str, str, str]]:
    """Return (name, version, digest, files) of every lock entry: what was fetched."""
    from ork.lockfile import loads

    lock = loads((root / "ork.lock").read_bytes(), "ork.lock")
    return sorted((e.name, e.version, e.resolved.rsplit("@", 1)[1],
                   json.dumps(e.files, sort_keys=True)) for e in lock.sources)


def test_oci_refs_and_short_names_fetch_the_same_sources(ork: Ork, registry: LiveRegistry,
                                                         tmp_path: Path) -> None:
    push_stdlib(registry.host, tmp_path)
    via_oci = project(tmp_path / "oci", [
        f"oci://{registry.host}/katalogs/webapp-operator:v1.1.0",
        f"oci://{registry.host}/katalogs/platform-app-operator:v1.0.0"])
    via_short = project(tmp_path / "short", ["webapp-operator:v1.1.0",
                                             "platform-app-operator:v1.0.0"])
    env = {"ORK_REGISTRY": registry.host}  # the Katalogs' short Motif refs go there too
    a = ork("lock", cwd=via_oci, env=env)
    b = ork("lock", cwd=via_short)
    assert (a.code, b.code) == (0, 0), f"{a}\n{b}"
    assert _lock_view(via_oci) == _lock_view(via_short)
    assert f"oci://{registry.host}/motifs/web-service@" in (via_oci / "ork.lock").read_text()
    assert "embedded://motifs/web-service@" in (via_short / "ork.lock").read_text()


def test_oci_refs_and_short_names_template_the_same_katalog(ork: Ork, registry: LiveRegistry,
                                                            tmp_path: Path) -> None:
    push_stdlib(registry.host, tmp_path)
    via_oci = project(tmp_path / "oci", [
        f"oci://{registry.host}/katalogs/webapp-operator:v1.1.0",
        f"oci://{registry.host}/katalogs/platform-app-operator:v1.0.0"])
    via_short = project(tmp_path / "short", ["webapp-operator:v1.1.0",
                                             "platform-app-operator:v1.0.0"])
    a = ork("template", cwd=via_oci, env={"ORK_REGISTRY": registry.host})
    b = ork("template", cwd=via_short)
    assert (a.code, b.code) == (0, 0), f"{a}\n{b}"
    assert a.stdout == b.stdout
    assert "probePath" in a.stdout or "/health" in a.stdout


def test_a_layout_ref_means_the_same_place_for_push_pull_and_inspect(ork: Ork,
                                                                    tmp_path: Path) -> None:
    import shutil

    pattern = tmp_path / "pat"
    shutil.copytree(STDLIB / "katalogs" / "webapp-operator" / "v1.1.0", pattern)
    before = sorted(p.name for p in pattern.iterdir())
    work = tmp_path / "wk"
    work.mkdir()
    ref = "oci-layout://lay:katalogs/webapp-operator:v1.1.0"
    pushed = ork("push", ref, "../pat", cwd=work)
    assert pushed.code == 0, pushed
    assert (work / "lay" / "index.json").is_file()
    assert sorted(p.name for p in pattern.iterdir()) == before
    for args in (["inspect", ref], ["pull", ref], ["push", ref, "../pat"]):
        done = ork(*args, cwd=work)
        assert done.code == 0, (args, done)
        assert pushed.stdout.strip() in done.stdout, (args, done)
    inside = ork("push", ref, ".", cwd=pattern)  # a layout in the pattern: refused
    assert inside.code == 64, inside
    assert "inside the pattern directory" in inside.stderr
    assert sorted(p.name for p in pattern.iterdir()) == before


@pytest.mark.parametrize(("ref", "lead", "tags"), [
    ("webapp-operator:v9", "katalogs/webapp-operator:v9", "katalogs/webapp-operator"),
    ("web-service:v9", "motifs/web-service:v9", "motifs/web-service"),
])
def test_a_short_name_with_an_unknown_tag_lists_the_tags_it_has(ork: Ork, ref: str, lead: str,
                                                                tags: str) -> None:
    for args in (["inspect", ref], ["pull", ref]):
        done = ork(*args)
        assert done.code == 1, done
        assert f"error[not-found]: {lead} is not in the embedded registry" in done.stderr, done
        assert f"hint: {tags} has tags: v1.0.0, v1.1.0" in done.stderr, done
        assert "note: as a " in done.stderr  # the other lookup is named too
