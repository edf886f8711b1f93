"""``ork graph``: labels written so that DOT and Mermaid read them back as given."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import Ork

ODD = 'k"a]|b#x<y>'


def _project(root: Path) -> None:
    (root / ODD).mkdir()
    (root / "komposer.yaml").write_text(
        "apiVersion: orkestra.orkspace.io/v1\nkind: Komposer\nmetadata: {name: p}\n"
        'imports:\n  files: ["./k\\"a]|b#x<y>/x y.yaml"]\n')
    (root / ODD / "x y.yaml").write_text(
        "apiVersion: orkestra.orkspace.io/v1\nkind: Katalog\nmetadata: {name: k}\n"
        "spec:\n  crds:\n    a:\n      apiTypes: {kind: A}\n")


def test_a_mermaid_label_writes_quotes_as_entity_codes(ork: Ork, tmp_path: Path) -> None:
    _project(tmp_path)
    result = ork("graph", "-f", "komposer.yaml", "--format", "mermaid", cwd=tmp_path)
    assert result.code == 0, str(result)
    assert result.stdout.splitlines() == [
        "graph TD", '  n0["komposer.yaml"]', '  n1["k#quot;a]|b#35;x#lt;y#gt;/x y.yaml"]',
        '  n0 -->|"file"| n1']
    assert "\\" not in result.stdout


def test_a_dot_label_escapes_quotes_with_a_backslash(ork: Ork, tmp_path: Path) -> None:
    _project(tmp_path)
    result = ork("graph", "-f", "komposer.yaml", cwd=tmp_path)
    assert result.code == 0, str(result)
    assert '  n1 [label="k\\"a]|b#x<y>/x y.yaml"];' in result.stdout.splitlines()
