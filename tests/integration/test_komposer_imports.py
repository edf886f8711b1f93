"""``useKomposer: true``: Komposers imported from a registry, recursively, and cycles."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import Ork

from .conftest import LiveRegistry
from .helpers import komposer, project, push_raw, push_stdlib, untouched

pytestmark = pytest.mark.integration


def _komposer(name: str, imports: list[str]) -> bytes:
    body = "".join(f"    - {i}\n" for i in imports)
    return (f"apiVersion: orkestra.orkspace.io/v1\nkind: Komposer\n"
            f"metadata: {{name: {name}, version: v1}}\nimports:\n  registry:\n{body}").encode()


def _use(host: str, repo: str) -> str:
    return f"{{url: 'oci://{host}/{repo}', version: v1, useKomposer: true}}"


def test_a_registry_komposer_brings_its_own_imports(ork: Ork, registry: LiveRegistry,
                                                    tmp_path: Path) -> None:
    push_stdlib(registry.host, tmp_path)
    base = _komposer("base", [f"oci://{registry.host}/katalogs/webapp-operator:v1.1.0"])
    push_raw(registry.host, "platforms/base", "v1", {"komposer.yaml": base,
                                                     "katalog.yaml": base}, tmp_path)
    root = project(tmp_path / "p", [_use(registry.host, "platforms/base")])
    result = ork("generate", "bundle", cwd=root)
    assert result.code == 0, result
    shown = ork("template", cwd=root)
    assert "    webapp:\n" in shown.stdout
    assert r"{{ .spec.probePath | default \"/health\" }}" in shown.stdout
    lock = (root / "ork.lock").read_text()
    assert f"ref: oci://{registry.host}/platforms/base:v1\n    kind: Komposer" in lock
    assert f"      - oci://{registry.host}/platforms/base:v1\n" in lock  # requiredBy


def test_a_cycle_of_registry_komposers_is_an_ordered_import_cycle(ork: Ork,
                                                                 registry: LiveRegistry,
                                                                 tmp_path: Path) -> None:
    a = _komposer("a", [_use(registry.host, "platforms/b")])
    b = _komposer("b", [_use(registry.host, "platforms/a")])
    push_raw(registry.host, "platforms/a", "v1", {"komposer.yaml": a, "katalog.yaml": a},
             tmp_path)
    push_raw(registry.host, "platforms/b", "v1", {"komposer.yaml": b, "katalog.yaml": b},
             tmp_path)
    root = project(tmp_path / "p", [_use(registry.host, "platforms/a")])
    result = ork("generate", "bundle", cwd=root)
    assert result.code == 1, result
    assert "error[import-cycle]: import cycle: " in result.stderr
    head = result.stderr.splitlines()[0]
    assert head.count(" -> ") == 2, head  # a -> b -> a
    assert result.stderr.count("  note: ") == 2, result.stderr  # one line per edge, with spans
    assert untouched(root)


def test_a_katalog_reached_through_another_komposer_is_merged_again(
        ork: Ork, registry: LiveRegistry, tmp_path: Path) -> None:
    # The same Katalog, unchanged, now reached through a registry Komposer: its CRDs'
    # provenance names the new path of imports (`via`), so merge must not copy them from
    # the last build (ork.merging.memo), and the warm bundle equals a cold one.
    push_stdlib(registry.host, tmp_path)
    webapp = f"oci://{registry.host}/katalogs/webapp-operator:v1.1.0"
    base = _komposer("base", [webapp])
    push_raw(registry.host, "platforms/base", "v1", {"komposer.yaml": base,
                                                     "katalog.yaml": base}, tmp_path)
    root = project(tmp_path / "p", [webapp])
    assert ork("generate", "bundle", cwd=root).code == 0
    komposer(root, [_use(registry.host, "platforms/base")])
    (root / "ork.lock").unlink()
    assert ork("generate", "bundle", cwd=root).code == 0
    warm = (root / "bundle.yaml").read_bytes()
    assert b"        via:\n          - komposer.yaml\n          - oci://" in warm
    cold = ork("generate", "bundle", cwd=root, env={"ORK_CACHE_DIR": str(tmp_path / "cold")})
    assert cold.code == 0
    assert (root / "bundle.yaml").read_bytes() == warm
