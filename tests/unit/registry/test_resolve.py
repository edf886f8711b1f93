"""RegistrySources: short names, pins, --locked, warnings, offline misses, canonical ids."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

import pytest

from ork import refs
from ork.errors import LockError, RegistryError, SourceError, Span, UsageError
from ork.registry import artifact
from ork.registry.layout import LayoutRegistry
from ork.registry.locations import Location, for_reference, parse_base
from ork.registry.resolve import RegistrySources
from ork.registry.settings import RegistrySettings
from ork.resources import embedded_registry
from ork.store import Store

from .conftest import PATTERN

SPAN = Span("komposer.yaml", 7, 7, 7, 30)


def _sources(settings: RegistrySettings, tmp_path: Path, **kw: object) -> RegistrySources:
    return RegistrySources(settings, Store(tmp_path / "cache"), **kw)  # type: ignore[arg-type]


def test_short_names_resolve_in_the_embedded_registry(settings: RegistrySettings,
                                                      tmp_path: Path) -> None:
    src = _sources(settings, tmp_path)
    art = src.fetch(refs.parse("webapp-operator:v1.1.0"), motif=False, want_komposer=False,
                    span=SPAN)
    assert art.canonical.startswith("embedded://katalogs/webapp-operator@sha256:")
    assert art.resolved == art.canonical
    assert art.canonical.endswith(art.digest)
    assert art.main == "katalog.yaml"
    assert set(art.files) == {"README.md", "cr.yaml", "katalog.yaml"}
    motif = src.fetch(refs.parse("web-service@v1.1.0"), motif=True, want_komposer=False,
                      span=SPAN)
    assert motif.canonical.startswith("embedded://motifs/web-service@sha256:")
    assert motif.main == "motif.yaml"
    assert src.warnings == []


def test_missing_tags_are_not_found_at_the_import_span(settings: RegistrySettings,
                                                       tmp_path: Path) -> None:
    with pytest.raises(SourceError, match=r"webapp-operator:v9.9.9") as info:
        _sources(settings, tmp_path).fetch(refs.parse("webapp-operator:v9.9.9"), motif=False,
                                           want_komposer=False, span=SPAN)
    assert info.value.code == "not-found"
    assert info.value.diagnostics[0].span == SPAN


def test_a_komposer_import_of_a_katalog_artifact_is_invalid(settings: RegistrySettings,
                                                            tmp_path: Path) -> None:
    with pytest.raises(SourceError, match=r"has no komposer.yaml") as info:
        _sources(settings, tmp_path).fetch(refs.parse("webapp-operator:v1.1.0"), motif=False,
                                           want_komposer=True, span=SPAN)
    assert info.value.code == "invalid-artifact"


def test_no_tag_means_latest_with_a_floating_tag_warning(settings: RegistrySettings,
                                                         tmp_path: Path) -> None:
    src = _sources(settings, tmp_path)
    with pytest.raises(SourceError, match=r"not-found|latest"):
        src.fetch(refs.parse("webapp-operator"), motif=False, want_komposer=False, span=SPAN)
    assert [(w.code, w.severity, w.span) for w in src.warnings] == [
        ("floating-tag", "warning", SPAN)]


class _Counting:
    """A registry wrapper that counts tag resolutions."""

    def __init__(self, inner: LayoutRegistry) -> None:
        self.inner = inner
        self.resolved = 0
        self.name = inner.name
        self.network = inner.network

    def resolve(self, repository: str, tag: str) -> str:
        self.resolved += 1
        return self.inner.resolve(repository, tag)

    def manifest(self, repository: str, reference: str) -> tuple[bytes, str]:
        return self.inner.manifest(repository, reference)

    def blob(self, repository: str, digest: str) -> bytes:
        return self.inner.blob(repository, digest)

    def push(self, repository: str, tag: str, blobs: Mapping[str, bytes],
             manifest: bytes) -> str:
        return self.inner.push(repository, tag, blobs, manifest)

    def tags(self, repository: str) -> list[str]:
        return self.inner.tags(repository)


def test_a_pin_is_used_without_resolving_the_tag(settings: RegistrySettings,
                                                 tmp_path: Path) -> None:
    counting = _Counting(LayoutRegistry(embedded_registry(), name="embedded"))
    first = RegistrySources(settings, Store(tmp_path / "c1"),
                            opener=lambda loc, s: counting)
    art = first.fetch(refs.parse("web-service:v1.0.0"), motif=True, want_komposer=False,
                      span=SPAN)
    assert counting.resolved == 1
    pinned = RegistrySources(settings, Store(tmp_path / "c2"),
                             pins={"web-service:v1.0.0": art.resolved}, locked=True,
                             opener=lambda loc, s: counting)
    again = pinned.fetch(refs.parse("web-service:v1.0.0"), motif=True, want_komposer=False,
                         span=SPAN)
    assert counting.resolved == 1
    assert again.canonical == art.canonical


def test_locked_builds_refuse_unpinned_tags(settings: RegistrySettings,
                                            tmp_path: Path) -> None:
    src = _sources(settings, tmp_path, locked=True)
    with pytest.raises(LockError, match="not pinned") as info:
        src.fetch(refs.parse("web-service:v1.0.0"), motif=True, want_komposer=False,
                  span=SPAN)
    assert info.value.code == "lock-stale"
    assert info.value.exit_code == 3


def _network_layout(path: Path) -> _Counting:
    counting = _Counting(LayoutRegistry(path, name="127.0.0.1:5000", writable=True))
    counting.network = True
    return counting


def test_offline_uses_the_store_and_lists_every_missing_digest(tmp_path: Path) -> None:
    built = artifact.build(PATTERN)
    remote = _network_layout(tmp_path / "remote")
    remote.push("katalogs/fixture-operator", "v1.2.3", built.blobs, built.manifest)
    online = RegistrySettings(cwd=tmp_path, root=tmp_path)
    offline = replace(online, offline=True)
    ref = refs.parse("oci://127.0.0.1:5000/katalogs/fixture-operator:v1.2.3")
    store = tmp_path / "cache"
    with pytest.raises(RegistryError, match="never resolved") as info:
        RegistrySources(offline, Store(store), opener=lambda loc, s: remote).fetch(
            ref, motif=False, want_komposer=False, span=SPAN)
    assert info.value.code == "offline-miss"
    assert info.value.exit_code == 4
    pinned = {ref.raw: f"oci://127.0.0.1:5000/katalogs/fixture-operator@{built.digest}"}
    with pytest.raises(RegistryError, match="not in the cache") as info:
        RegistrySources(offline, Store(store), pins=pinned,
                        opener=lambda loc, s: remote).fetch(ref, motif=False,
                                                            want_komposer=False, span=SPAN)
    assert built.digest in str([n.message for n in info.value.diagnostics[0].notes])
    art = RegistrySources(online, Store(store), opener=lambda loc, s: remote).fetch(
        ref, motif=False, want_komposer=False, span=SPAN)
    assert art.canonical == f"oci://127.0.0.1:5000/katalogs/fixture-operator@{built.digest}"
    remote.network = True
    again = RegistrySources(offline, Store(store), opener=lambda loc, s: remote).fetch(
        ref, motif=False, want_komposer=False, span=SPAN)
    assert again.files == art.files


def test_a_vendored_layout_serves_digests_for_any_registry(tmp_path: Path) -> None:
    built = artifact.build(PATTERN)
    vendor = LayoutRegistry(tmp_path / "vendor", name="v", writable=True)
    vendor.push("katalogs/fixture-operator", "v1.2.3", built.blobs, built.manifest)
    settings = RegistrySettings(cwd=tmp_path, root=tmp_path, offline=True,
                                katalogs="oci-layout://vendor")
    ref = refs.parse(f"oci://registry.example.com/katalogs/fixture-operator@{built.digest}")
    art = _sources(settings, tmp_path).fetch(ref, motif=False, want_komposer=False, span=SPAN)
    assert art.canonical.startswith("oci://registry.example.com/katalogs/fixture-operator@")
    short = _sources(settings, tmp_path).fetch(refs.parse("fixture-operator:v1.2.3"),
                                               motif=False, want_komposer=False, span=SPAN)
    assert short.canonical == f"oci-layout://vendor:katalogs/fixture-operator@{built.digest}"


def test_layout_refs_keep_the_directory_as_written(tmp_path: Path) -> None:
    built = artifact.build(PATTERN)
    LayoutRegistry(tmp_path / "vendor", name="v", writable=True).push(
        "katalogs/fixture-operator", "v1.2.3", built.blobs, built.manifest)
    settings = RegistrySettings(cwd=tmp_path / "elsewhere", root=tmp_path)
    art = _sources(settings, tmp_path).fetch(
        refs.parse("oci-layout://vendor:katalogs/fixture-operator:v1.2.3"), motif=False,
        want_komposer=False, span=SPAN)
    assert art.canonical == f"oci-layout://vendor:katalogs/fixture-operator@{built.digest}"
    assert str(tmp_path) not in art.canonical


@pytest.mark.parametrize(("katalogs", "motifs", "ref", "motif", "want"), [
    (None, None, "x:v1", False, "embedded://katalogs/x:v1"),
    (None, None, "x:v1", True, "embedded://motifs/x:v1"),
    ("127.0.0.1:5000", None, "x:v1", False, "oci://127.0.0.1:5000/katalogs/x:v1"),
    ("127.0.0.1:5000", None, "x:v1", True, "oci://127.0.0.1:5000/motifs/x:v1"),
    ("127.0.0.1:5000/team/katalogs", None, "x:v1", False,
     "oci://127.0.0.1:5000/team/katalogs/x:v1"),
    ("127.0.0.1:5000/team/katalogs", None, "x:v1", True, "embedded://motifs/x:v1"),
    ("oci://reg.example.com/k", "reg.example.com/m", "x:v1", True,
     "oci://reg.example.com/m/x:v1"),
    ("oci-layout://vendor", None, "x:v1", True, "oci-layout://vendor:motifs/x:v1"),
    ("oci-layout://vendor:team", None, "x:v1", False, "oci-layout://vendor:team/x:v1"),
])
def test_short_name_bases(tmp_path: Path, katalogs: str | None, motifs: str | None, ref: str,
                          motif: bool, want: str) -> None:
    settings = RegistrySettings(cwd=tmp_path, root=tmp_path, katalogs=katalogs, motifs=motifs)
    location = for_reference(refs.parse(ref), settings, motif=motif)
    assert location.display(":v1") == want


def test_bad_registry_values_are_usage_errors(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="ORK_REGISTRY"):
        parse_base("oci-layout://", variable="ORK_REGISTRY", cwd=tmp_path)
    assert parse_base(None, variable="ORK_REGISTRY", cwd=tmp_path).scheme == "embedded"
    assert Location("embedded", "", "katalogs/x").canonical("sha256:" + "a" * 64) == \
        "embedded://katalogs/x@sha256:" + "a" * 64
