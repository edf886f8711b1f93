"""Only affected work reruns (issue 9): after one Katalog changes, only its CRDs' Motifs are
expanded again, only its file is parsed again, only its CRDs' strings are checked again
and only its CRDs' bundle parts are emitted again; a Motif change re-expands every CRD
that imports it. (That the result equals a cold build is tests/cli/test_cache_correctness.)"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from bench import generate

from ork import yamlsrc
from ork.errors import Loc
from ork.merging import expand
from ork.rendering import parts
from ork.stages import merge
from ork.validation import strings
from tests.conftest import Ork


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[str]]:
    seen: dict[str, list[str]] = {"expanded": [], "parsed": [], "rendered": [], "checked": []}
    real_check = strings.check_tree
    real_expand, real_load, real_part = expand.expand_crd, yamlsrc.load, parts.Memo.part

    def counting_expand(name: str, *args: object, **kw: object) -> expand.Expanded:
        seen["expanded"].append(name)
        return real_expand(name, *args, **kw)  # type: ignore[arg-type]

    def counting_load(data: bytes, path: str, **kw: object) -> list[yamlsrc.Document]:
        seen["parsed"].append(path)
        return real_load(data, path, **kw)  # type: ignore[arg-type]

    def counting_part(memo: parts.Memo, key: str | None,
                      make: Callable[[], parts.Part]) -> parts.Part:
        def counting_make() -> parts.Part:
            seen["rendered"].append(str(key))
            return make()
        return real_part(memo, key, counting_make)

    def counting_check(data: Any, *args: Any, motif_inputs: Any, **kw: Any) -> Any:
        if motif_inputs is None:  # a CRD's strings (validate), not a Motif's (merge)
            seen["checked"].append(str(data.get("description")))
        return real_check(data, *args, motif_inputs=motif_inputs, **kw)

    monkeypatch.setattr(expand, "expand_crd", counting_expand)
    monkeypatch.setattr(strings, "check_tree", counting_check)
    monkeypatch.setattr(parts.Memo, "part", counting_part)
    monkeypatch.setattr(yamlsrc, "load", counting_load)
    return seen


def test_one_changed_katalog_reexpands_only_its_crds(ork: Ork, tmp_path: Path,
                                                     calls: dict[str, list[str]]) -> None:
    generate.write("S", tmp_path)
    assert ork("generate", "bundle", cwd=tmp_path).code == 0
    assert len(calls["expanded"]) == generate.crd_count("S")
    assert len(calls["rendered"]) == len(calls["checked"]) == generate.crd_count("S")
    for seen in calls.values():
        seen.clear()
    katalog = tmp_path / "katalogs" / "katalog-1.yaml"
    katalog.write_text(katalog.read_text().replace("Synthetic CRD app-1-2", "Edited"))
    assert ork("generate", "bundle", cwd=tmp_path).code == 0
    assert calls["expanded"] == ["app-1-2"]
    assert [p for p in calls["parsed"] if p != "ork.lock"] == ["katalogs/katalog-1.yaml"]
    # provenance.yaml gives each CRD its file's digest: every CRD of the file is emitted
    assert len(calls["rendered"]) == _crds_in(katalog) > 1
    assert calls["checked"] == ["Edited"]


def test_merge_reads_only_the_changed_katalog_of_the_imported_ones(
        ork: Ork, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The other Katalogs' CRDs are copied from the last build without parsing their files
    # (ork.merging.memo), unless the Komposer overrides one of them: S's Komposer
    # overrides app-0-0, so katalog-0 is always parsed, and katalog-1 only when it changed.
    generate.write("S", tmp_path)
    assert ork("generate", "bundle", cwd=tmp_path).code == 0
    parsed: list[str] = []
    real = merge.parse_document

    def counting(value: Any, loc: Loc) -> Any:
        parsed.append(loc.source)
        return real(value, loc)

    monkeypatch.setattr(merge, "parse_document", counting)
    expected = {"katalog-0": ["file:katalogs/katalog-0.yaml"],
                "katalog-1": ["file:katalogs/katalog-0.yaml", "file:katalogs/katalog-1.yaml"]}
    for name, crd in (("katalog-0", "app-0-2"), ("katalog-1", "app-1-2")):
        parsed.clear()
        katalog = tmp_path / "katalogs" / f"{name}.yaml"
        katalog.write_text(katalog.read_text().replace(f"Synthetic CRD {crd}", "Edited"))
        assert ork("generate", "bundle", cwd=tmp_path).code == 0
        katalogs = sorted(p for p in parsed if p.startswith("file:katalogs/"))
        assert katalogs == expected[name]
        assert "file:komposer.yaml" in parsed


def test_a_comment_renders_its_katalogs_crds_again_and_expands_nothing(
        ork: Ork, tmp_path: Path, calls: dict[str, list[str]]) -> None:
    # provenance.yaml gives each CRD's line: a line added above moves all of them.
    generate.write("S", tmp_path)
    assert ork("generate", "bundle", cwd=tmp_path).code == 0
    for seen in calls.values():
        seen.clear()
    katalog = tmp_path / "katalogs" / "katalog-0.yaml"
    katalog.write_text("# reviewed\n" + katalog.read_text())
    assert ork("generate", "bundle", cwd=tmp_path).code == 0
    assert calls["expanded"] == []
    assert len(calls["rendered"]) == _crds_in(katalog) > 1


def _crds_in(katalog: Path) -> int:
    return sum(1 for line in katalog.read_text().splitlines() if line.startswith("    app-"))


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


def test_a_crd_found_clean_for_ork_template_is_checked_again_for_a_bundle(
        ork: Ork, tmp_path: Path) -> None:
    # Validate skips the CRDs the last report found clean, by check key; `crdFile` is fine
    # for `ork template` and refused in a bundle, so the key holds what the build is for.
    generate.write("S", tmp_path)
    katalog = tmp_path / "katalogs" / "katalog-1.yaml"
    katalog.write_text(katalog.read_text().replace(
        "      description: Synthetic CRD app-1-1\n",
        "      description: Synthetic CRD app-1-1\n      crdFile: crds/app.yaml\n"))
    assert ork("template", cwd=tmp_path).code == 0
    result = ork("generate", "bundle", cwd=tmp_path)
    assert result.code == 1
    assert "error[crdfile-in-bundle]" in result.stderr
