"""Stage results are reused across cosmetic edits, but locations must follow the edit.

A comment added above an error does not rerun merge or validate (their keys are
semantic), yet the diagnostic must point at the line where the value is now.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import FIXTURES, Ork

BAD = (FIXTURES / "generate" / "err-workers-out-of-range" / "katalog.yaml").read_text()
LEGACY = (FIXTURES / "generate" / "legacy-shape" / "katalog.yaml").read_text()


def test_an_error_found_by_a_cached_stage_points_at_the_edited_line(ork: Ork,
                                                                   tmp_path: Path) -> None:
    (tmp_path / "katalog.yaml").write_text(BAD)
    first = ork("generate", "bundle", "-f", "katalog.yaml")
    assert first.code == 1, first
    assert "katalog.yaml:10:20: error[workers-out-of-range]" in first.stderr
    (tmp_path / "katalog.yaml").write_text("# a comment\n# and another\n" + BAD)
    second = ork("generate", "bundle", "-f", "katalog.yaml", "--explain")
    assert second.code == 1, second
    assert "validate hit" in second.stderr, "the comment should not rerun validation"
    assert "katalog.yaml:12:20: error[workers-out-of-range]" in second.stderr, second
    assert "  12 |           workers: 64" in second.stderr


def test_a_warning_from_a_cached_stage_points_at_the_edited_line(ork: Ork,
                                                                tmp_path: Path) -> None:
    (tmp_path / "katalog.yaml").write_text(LEGACY)
    first = ork("generate", "bundle", "-f", "katalog.yaml")
    assert first.code == 0, first
    assert "katalog.yaml:8:7: warning[legacy-shape]" in first.stderr
    (tmp_path / "katalog.yaml").write_text("# moved down by one line\n" + LEGACY)
    second = ork("generate", "bundle", "-f", "katalog.yaml", "--explain")
    assert second.code == 0, second
    assert "merge    hit" in second.stderr
    assert "katalog.yaml:9:7: warning[legacy-shape]" in second.stderr, second
