"""Canonical JSON, digests, and the content-addressed store."""

from __future__ import annotations

from pathlib import Path

import pytest

from ork.canonical import digest, dumps, sha256
from ork.store import Store


def test_canonical_json_sorts_keys_and_has_no_whitespace() -> None:
    assert dumps({"b": 1, "a": [True, None, "é"]}) == '{"a":[true,null,"é"],"b":1}'.encode()


def test_non_json_values_are_type_errors_not_coerced() -> None:
    with pytest.raises(TypeError):
        dumps({"a": {1, 2}})
    with pytest.raises(ValueError, match="JSON compliant"):
        dumps(float("nan"))


def test_digest_is_sha256_of_the_canonical_bytes() -> None:
    assert digest({"a": 1}) == sha256(b'{"a":1}')
    assert digest({"a": 1, "b": 2}) == digest({"b": 2, "a": 1})


def test_store_round_trip_and_layout(tmp_path: Path) -> None:
    store = Store(tmp_path)
    d = store.put(b"hello")
    assert store.get(d) == b"hello"
    hexd = d.split(":")[1]
    assert (tmp_path / "objects" / "sha256" / hexd[:2] / hexd).is_file()


def test_a_corrupt_object_is_discarded_and_reported_never_used(tmp_path: Path) -> None:
    seen: list[str] = []
    store = Store(tmp_path, on_corrupt=seen.append)
    d = store.put(b"hello")
    hexd = d.split(":")[1]
    (tmp_path / "objects" / "sha256" / hexd[:2] / hexd).write_bytes(b"hellO")
    assert store.get(d) is None
    assert seen == [d]
    assert not store.has(d)


def test_keys_record_small_values(tmp_path: Path) -> None:
    store = Store(tmp_path)
    store.set_key("keys", "sha256:" + "a" * 64, "value")
    assert store.get_key("keys", "sha256:" + "a" * 64) == "value"
    assert store.get_key("keys", "sha256:" + "b" * 64) is None
