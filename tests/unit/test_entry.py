"""The console script: the collector is off for a command, which is a short process."""

from __future__ import annotations

import gc
import io
from contextlib import redirect_stdout

import pytest

from ork import entry


def test_a_command_runs_without_the_cyclic_collector(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.argv", ["ork", "--help"])
    try:
        with redirect_stdout(io.StringIO()):
            assert entry.main() == 0
        assert not gc.isenabled()
    finally:
        gc.enable()
