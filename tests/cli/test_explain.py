"""--explain (SPEC §3): per stage, hit or miss, and for a miss the input that changed;
--check compiles again under other environments and a cold cache."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from tests.conftest import FIXTURES, Ork

GOOD = FIXTURES / "generate" / "komposer-two-files"


def _stages(stderr: str) -> dict[str, str]:
    """Return ``{stage: "hit" | "miss" | "miss: <what changed>"}`` from --explain output."""
    out = {}
    for line in stderr.splitlines():
        m = re.match(r"^(fetch|merge|validate|render)\s+(hit|miss)\s+sha256:[0-9a-f]{12}…"
                     r"(?:\s+changed: (.*))?", line)
        if m:
            out[m.group(1)] = m.group(2) + (f": {m.group(3)}" if m.group(3) else "")
    return out


def _build(ork: Ork, root: Path) -> dict[str, str]:
    result = ork("generate", "bundle", "-f", "komposer.yaml", "--explain", cwd=root)
    assert result.code == 0, result
    return _stages(result.stderr)


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
