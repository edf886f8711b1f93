"""A damaged cache is never used and never fatal: what a crash or a bad disk leaves behind.

SPEC §3: every object is verified on read; a corrupt one is discarded, with a warning, and
recomputed. Each case damages the cache of a finished build (one object at a time, all
of them, or the stage records) and builds again: the build succeeds with exactly the
bytes of a clean build, and afterwards every object in the cache is whole.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import Ork

from .checks import HEX64, objects, unverified_objects

KATALOG = """\
apiVersion: orkestra.orkspace.io/v1
kind: Katalog
metadata: {name: shop, version: v1.0.0}
spec:
  crds:
    shop:
      apiTypes: {group: shop.demo, version: v1, kind: Shop}
      imports:
        - motif: web-service:v1.1.0
          with:
            image: "{{ .spec.image | default \\"nginx:1.27\\" }}"
"""

Damage = Callable[[Path], None]


def _truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _flip(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))


def _empty(path: Path) -> None:
    path.write_bytes(b"")


def _delete(path: Path) -> None:
    path.unlink()


def _object_files(cache: Path) -> list[Path]:
    root = cache / "objects" / "sha256"
    return sorted(p for p in root.rglob("*") if p.is_file() and HEX64.fullmatch(p.name))


@pytest.fixture
def built(ork: Ork, tmp_path: Path) -> tuple[Path, bytes, bytes]:
    """A project built once: its root, and the bundle and lock bytes of a clean build."""
    root = tmp_path / "p"
    root.mkdir()
    (root / "katalog.yaml").write_text(KATALOG)
    first = ork("generate", "bundle", cwd=root)
    assert first.code == 0, first
    return root, (root / "bundle.yaml").read_bytes(), (root / "ork.lock").read_bytes()


def _rebuilds(ork: Ork, root: Path, bundle: bytes, lock: bytes, what: str,
              damaged: Path | None = None) -> str:
    """Build again: the same bytes as a clean build; no damaged object left but one unread."""
    (root / "bundle.yaml").unlink()
    result = ork("generate", "bundle", cwd=root)
    assert result.code == 0, f"{what}\n{result}"
    assert (root / "bundle.yaml").read_bytes() == bundle, what
    assert (root / "ork.lock").read_bytes() == lock, what
    cache = root.parent / "ork-cache"
    left = unverified_objects(cache)
    allowed = [] if damaged is None else [damaged.relative_to(cache / "objects").as_posix()]
    assert [b.split(":")[0] for b in left] in ([], allowed), f"{what}: {left}"
    return result.stderr


@pytest.mark.parametrize("damage", [_truncate, _flip, _empty, _delete],
                         ids=["truncated", "bit-flipped", "empty", "deleted"])
def test_any_one_damaged_object_is_recomputed(ork: Ork, built: tuple[Path, bytes, bytes],
                                              damage: Damage) -> None:
    root, bundle, lock = built
    cache = root.parent / "ork-cache"
    files = _object_files(cache)
    assert len(files) >= 8, files  # sources, parsed documents, stage outputs, bundle, lock
    for path in files:
        saved = path.read_bytes()
        damage(path)
        _rebuilds(ork, root, bundle, lock, f"{damage.__name__} {path.name}", path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(saved)


def test_every_object_damaged_at_once_is_recomputed(ork: Ork,
                                                    built: tuple[Path, bytes, bytes]) -> None:
    root, bundle, lock = built
    for path in _object_files(root.parent / "ork-cache"):
        _truncate(path)
    stderr = _rebuilds(ork, root, bundle, lock, "all truncated")
    assert "warning: discarded a corrupt cache object" in stderr, stderr
    assert unverified_objects(root.parent / "ork-cache") == []


def test_damaged_stage_records_are_rebuilt(ork: Ork, built: tuple[Path, bytes, bytes]) -> None:
    root, bundle, lock = built
    cache = root.parent / "ork-cache"
    records = sorted(p for p in cache.rglob("*") if p.is_file()
                     and p.relative_to(cache).parts[0] != "objects")
    assert records, "no stage records"
    for path in records:
        saved = path.read_bytes()
        for damage in (_truncate, _empty):
            damage(path)
            _rebuilds(ork, root, bundle, lock, f"{damage.__name__} {path.relative_to(cache)}")
            path.write_bytes(saved)


def test_a_lost_span_index_is_parsed_again_never_guessed(ork: Ork, tmp_path: Path,
                                                         built: tuple[Path, bytes, bytes]) -> None:
    """Fetch checks only that an unchanged file's span index is present; whoever reads it
    verifies it. Render reads it for the line numbers of provenance.yaml, so a lost one
    must make the build run again, never place a CRD at line 1."""
    root, _, _ = built
    assert ork("generate", "bundle", cwd=root).code == 0  # fetched with the lock's pins
    cache = root.parent / "ork-cache"
    raw = hashlib.sha256((root / "katalog.yaml").read_bytes()).hexdigest()
    spans = json.loads((cache / "parsed-v2" / raw[:2] / raw).read_text())["spans"]
    outputs = [json.loads(data) for data in objects(cache).values() if data.startswith(b"{")]
    tables = [o["parts"] for o in outputs if isinstance(o, dict) and "parts" in o]
    assert tables, "no render output in the cache"
    for digest in [spans, *tables]:  # no kept parts: every CRD's part is made again
        hexd = digest.removeprefix("sha256:")
        (cache / "objects" / "sha256" / hexd[:2] / hexd).unlink()

    again = ork("generate", "bundle", "-n", "elsewhere", cwd=root)  # fetch, merge: hits
    assert again.code == 0, again
    cold = tmp_path / "cold"
    cold.mkdir()
    (cold / "katalog.yaml").write_text(KATALOG)
    expected = ork("generate", "bundle", "-n", "elsewhere", cwd=cold,
                   env={"ORK_CACHE_DIR": str(tmp_path / "cold-cache")})
    assert expected.code == 0, expected
    assert (root / "bundle.yaml").read_bytes() == (cold / "bundle.yaml").read_bytes()
    assert "line: 6" in (root / "bundle.yaml").read_text()
