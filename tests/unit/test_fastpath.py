"""The fast path's key covers everything that decides a build's bytes — including the
meaning of each stage, so a cache written before a stage changed is never served."""

from __future__ import annotations

import pytest

from ork import fastpath

OPTS = fastpath.parse(["generate", "bundle", "-f", "komposer.yaml"])


def _key(**env: str) -> str:
    assert OPTS is not None
    return fastpath.key(OPTS, ["komposer.yaml"], b"lockVersion: 1\n", env)


def test_the_key_is_stable_and_follows_the_inputs() -> None:
    assert _key() == _key()
    assert _key(ORK_NAMESPACE="other") != _key()
    assert _key(ORK_REGISTRY="127.0.0.1:5000") != _key()
    assert OPTS is not None
    assert fastpath.key(OPTS, ["komposer.yaml"], b"lockVersion: 1\n# x\n", {}) != _key()


def test_a_stage_version_bump_changes_the_key(monkeypatch: pytest.MonkeyPatch) -> None:
    before = _key()
    monkeypatch.setitem(fastpath.STAGE_VERSIONS, "merge", 99)
    assert _key() != before


@pytest.mark.parametrize("argv", [["generate", "bundle", "--explain"],
                                  ["generate", "bundle", "--check"], ["validate"],
                                  ["generate", "bundle", "-o"]])
def test_anything_else_goes_to_the_full_cli(argv: list[str]) -> None:
    assert fastpath.parse(argv) is None
