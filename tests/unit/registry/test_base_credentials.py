"""A registry value holding credentials is refused without echoing them."""

from __future__ import annotations

from pathlib import Path

import pytest

from ork.errors import UsageError
from ork.registry.locations import parse_base


@pytest.mark.parametrize("value", ["me:s3cret@127.0.0.1:5000", "oci://me:s3cret@ghcr.io/team"])
def test_credentials_in_a_registry_value_are_refused_and_never_echoed(value: str,
                                                                      tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="holds credentials") as info:
        parse_base(value, variable="ORK_REGISTRY", cwd=tmp_path)
    shown = " ".join(f"{d.message} {d.hint}" for d in info.value.diagnostics)
    assert "s3cret" not in shown
    assert "me:" not in shown
