"""--explain (SPEC §3): per stage, hit or miss, and for a miss the input that changed;
--check compiles again under other environments and a cold cache."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from ork import pipeline
from tests.conftest import FIXTURES, Ork

GOOD = FIXTURES / "generate" / "komposer-two-files"


def _stages(stderr: str, *, reasons: bool = False) -> dict[str, str]:
    """Return ``{stage: "hit" | "miss" | "miss: <what changed>"}`` from --explain output
    (with ``reasons``, a miss with nothing changed also gives its reason in parentheses)."""
    out = {}
    for line in stderr.splitlines():
        m = re.match(r"^(fetch|merge|validate|render)\s+(hit|miss)\s+sha256:[0-9a-f]{12}…"
                     r"(?:\s+changed: (.*)|\s+(\(.*\)))?$", line)
        if m:
            why = m.group(3) or (m.group(4) if reasons else None)
            out[m.group(1)] = m.group(2) + (f": {why}" if why else "")
    return out


def _build(ork: Ork, root: Path, *args: str, reasons: bool = False) -> dict[str, str]:
    result = ork("generate", "bundle", "-f", "komposer.yaml", "--explain", *args, cwd=root)
    assert result.code == 0, result
    return _stages(result.stderr, reasons=reasons)


def test_a_warm_rebuild_runs_no_stage_and_a_change_names_its_input(ork: Ork,
                                                                  tmp_path: Path) -> None:
    root = tmp_path / "p"
    shutil.copytree(GOOD, root, ignore=shutil.ignore_patterns("expected"))
    assert set(_build(ork, root).values()) == {"miss"}
    assert _build(ork, root) == {s: "hit" for s in ("fetch", "merge", "validate", "render")}

    db = root / "katalogs" / "db.yaml"
    db.write_text("# only a comment\n" + db.read_text())
    assert _build(ork, root) == {"fetch": "miss: katalogs/db.yaml", "merge": "hit",
                                 "validate": "hit", "render": "miss: graph"}

    db.write_text(db.read_text().replace("postgres:16", "postgres:17"))
    assert _build(ork, root) == {"fetch": "miss: katalogs/db.yaml", "merge": "miss: graph",
                                 "validate": "miss: resolved",
                                 "render": "miss: graph, resolved"}


def test_check_passes_on_a_deterministic_project_and_writes_nothing(ork: Ork,
                                                                   tmp_path: Path) -> None:
    root = tmp_path / "p"
    shutil.copytree(GOOD, root, ignore=shutil.ignore_patterns("expected"))
    result = ork("generate", "bundle", "-f", "komposer.yaml", "--check", cwd=root)
    assert result.code == 0, result
    assert re.search(r"^deterministic: [0-9a-f]{12} under 3 environments$", result.stderr,
                     re.MULTILINE), result
    assert sorted(p.name for p in root.iterdir()) == ["katalogs", "komposer.yaml"]


def test_a_miss_with_no_changed_input_says_why_it_ran(ork: Ork, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "p"
    shutil.copytree(GOOD, root, ignore=shutil.ignore_patterns("expected"))
    assert _build(ork, root, reasons=True) == {
        s: f"miss: {pipeline.FIRST_BUILD}" for s in ("fetch", "merge", "validate", "render")}

    # `validate` checks for a bundle less strictly, and never renders.
    shutil.rmtree(tmp_path / "ork-cache")
    assert ork("validate", "-f", "komposer.yaml", cwd=root).code == 0
    assert _build(ork, root, reasons=True) == {
        "fetch": "hit", "merge": "hit", "validate": "miss: options",
        "render": f"miss: {pipeline.FIRST_RUN}"}

    assert _build(ork, root, "-n", "elsewhere", reasons=True)["render"] == "miss: options"

    for obj in (tmp_path / "ork-cache" / "objects").rglob("*"):
        if obj.is_file():
            obj.unlink()
    assert _build(ork, root, "-n", "elsewhere", reasons=True) == {
        s: f"miss: {pipeline.EVICTED}" for s in ("fetch", "merge", "validate", "render")}

    # (The resolved Katalog records its expansion keys, which name merge's version.)
    monkeypatch.setitem(pipeline.STAGE_VERSIONS, "merge", 10_000)
    assert _build(ork, root, "-n", "elsewhere", reasons=True) == {
        "fetch": "hit", "merge": f"miss: {pipeline.NEW_VERSION}",
        "validate": "miss: resolved", "render": "miss: resolved"}
