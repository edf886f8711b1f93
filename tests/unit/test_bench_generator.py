"""The benchmark generator's platforms compile and are deterministic, so the benchmarks
measure real work on stable input."""

from __future__ import annotations

from pathlib import Path

from bench import generate

from tests.conftest import Ork


def _tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file()}


def test_the_same_size_gives_the_same_bytes(tmp_path: Path) -> None:
    generate.write("S", tmp_path / "a")
    generate.write("S", tmp_path / "b")
    assert _tree(tmp_path / "a") == _tree(tmp_path / "b")
    assert len(_tree(tmp_path / "a")) == 2 + 4 + 1  # katalogs, motifs, the komposer


def test_a_generated_platform_compiles_with_every_crd(ork: Ork, tmp_path: Path) -> None:
    generate.write("S", tmp_path)
    result = ork("generate", "bundle", "-f", "komposer.yaml", cwd=tmp_path)
    assert result.code == 0, result
    shown = ork("template", "-f", "komposer.yaml", "--output", "json", cwd=tmp_path)
    import json

    crds = json.loads(shown.stdout)["spec"]["crds"]
    assert len(crds) == generate.crd_count("S")
    assert crds["app-0-0"]["operatorBox"]["reconcile"]["workers"] == 8  # the override
    assert len(crds["app-1-3"]["operatorBox"]["reconcile"]["onReconcile"]["configMaps"]) == 2
