"""A fetch error (a missing file import) does not hide the shape errors of the documents
read so far: both are reported in one run (SPEC §6: every error at once), at their places,
the same as merge reports the shape errors once fetch succeeds."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests.conftest import FIXTURES, Ork

KOMPOSER = """\
apiVersion: orkestra.orkspace.io/v1
kind: Komposer
metadata: {name: platform, version: v2.0.0}
helm: {}
imports:
  files:
    - ./katalogs/webapp.yaml
    - {url: ./katalogs/db.yaml}
    - ./katalogs/missing.yaml
"""
SHAPE = [("unknown-field", 4, 1), ("wrong-type", 8, 7)]


def _project(root: Path, komposer: str) -> Path:
    shutil.copytree(FIXTURES / "generate" / "komposer-two-files" / "katalogs",
                    root / "katalogs")
    (root / "komposer.yaml").write_text(komposer)
    return root


def _found(ork: Ork, root: Path) -> list[tuple[str, int, int]]:
    result = ork("validate", "--output", "json", cwd=root)
    assert result.code == 1, result
    return [(d["code"], d["line"], d["column"]) for d in json.loads(result.stdout)]


def test_a_komposer_shape_error_is_reported_beside_its_missing_import(ork: Ork,
                                                                      tmp_path: Path) -> None:
    root = _project(tmp_path, KOMPOSER)
    assert _found(ork, root) == [*SHAPE, ("file-not-found", 9, 7)]
    result = ork("generate", "bundle", cwd=root)
    assert result.code == 1, result
    assert "error[unknown-field]: unknown field `helm` in the document\n  4 | helm: {}\n" \
        in result.stderr, result
    assert result.stderr.endswith("3 errors\n"), result
    assert not (root / "bundle.yaml").exists()
    # With the file import fixed, merge reports the same shape errors, no new ones.
    (root / "komposer.yaml").write_text(KOMPOSER.replace("    - ./katalogs/missing.yaml\n", ""))
    assert _found(ork, root) == SHAPE


def test_an_imported_katalog_shape_error_shows_beside_the_missing_file_too(
        ork: Ork, tmp_path: Path) -> None:
    root = _project(tmp_path, KOMPOSER.replace("helm: {}\n", "")
                    .replace("{url: ./katalogs/db.yaml}", "./katalogs/db.yaml"))
    with (root / "katalogs" / "db.yaml").open("a") as fh:
        fh.write("surprise: 1\n")
    found = _found(ork, root)
    assert [f[0] for f in found] == ["unknown-field", "file-not-found"], found
    assert found[1] == ("file-not-found", 8, 7)


def test_spec_imports_in_a_komposer_shows_beside_the_missing_file(ork: Ork,
                                                                  tmp_path: Path) -> None:
    root = _project(tmp_path, KOMPOSER.replace("helm: {}\n", "spec:\n  imports: [x]\n"))
    assert _found(ork, root) == [("komposer-spec-imports", 5, 3), ("file-not-found", 10, 7)]


def test_a_helm_import_is_reported_beside_an_unsupported_source(ork: Ork,
                                                                tmp_path: Path) -> None:
    (tmp_path / "komposer.yaml").write_text(
        "apiVersion: orkestra.orkspace.io/v1\nkind: Komposer\nmetadata: {name: kp, "
        "version: v1.0.0}\nimports:\n  registry:\n    - https://github.com/org/repo@main\n"
        "  helm:\n    - {chart: foo}\n")
    assert _found(ork, tmp_path) == [("unsupported-source", 6, 7), ("helm-not-supported", 7, 3)]
