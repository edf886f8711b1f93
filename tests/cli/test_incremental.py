"""Only affected work reruns (issue 9): after one Katalog changes, only its CRDs' Motifs are
expanded again and only its file is parsed again; a Motif change re-expands every CRD
that imports it. (That the result equals a cold build is tests/cli/test_cache_correctness.)"""

from __future__ import annotations

from pathlib import Path

import pytest
from bench import generate

from ork import yamlsrc
from ork.merging import expand
from tests.conftest import Ork


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[str]]:
    seen: dict[str, list[str]] = {"expanded": [], "parsed": []}
    real_expand, real_load = expand.expand_crd, yamlsrc.load

    def counting_expand(name: str, *args: object, **kw: object) -> expand.Expanded:
        seen["expanded"].append(name)
        return real_expand(name, *args, **kw)  # type: ignore[arg-type]

    def counting_load(data: bytes, path: str, **kw: object) -> list[yamlsrc.Document]:
        seen["parsed"].append(path)
        return real_load(data, path, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(expand, "expand_crd", counting_expand)
    monkeypatch.setattr(yamlsrc, "load", counting_load)
    return seen


def test_one_changed_katalog_reexpands_only_its_crds(ork: Ork, tmp_path: Path,
                                                     calls: dict[str, list[str]]) -> None:
    generate.write("S", tmp_path)
    assert ork("generate", "bundle", cwd=tmp_path).code == 0
    assert len(calls["expanded"]) == generate.crd_count("S")
    calls["expanded"].clear()
    calls["parsed"].clear()
    katalog = tmp_path / "katalogs" / "katalog-1.yaml"
    katalog.write_text(katalog.read_text().replace("Synthetic CRD app-1-2", "Edited"))
    assert ork("generate", "bundle", cwd=tmp_path).code == 0
    assert calls["expanded"] == ["app-1-2"]
    assert [p for p in calls["parsed"] if p != "ork.lock"] == ["katalogs/katalog-1.yaml"]


def test_a_changed_motif_reexpands_every_crd_that_imports_it(ork: Ork, tmp_path: Path,
                                                             calls: dict[str, list[str]]) -> None:
    generate.write("S", tmp_path)
    assert ork("generate", "bundle", cwd=tmp_path).code == 0
    calls["expanded"].clear()
    motif = tmp_path / "motifs" / "sidecar-1.yaml"
    motif.write_text(motif.read_text().replace("9001", "9011"))
    assert ork("generate", "bundle", cwd=tmp_path).code == 0
    # sidecar-{(k + c) % 4} with k in 0..1, c in 0..4: sidecar-1 serves (0,1), (1,0), (1,4)
    assert sorted(calls["expanded"]) == ["app-0-1", "app-1-0", "app-1-4"]
