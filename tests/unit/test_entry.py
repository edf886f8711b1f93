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


def test_a_command_asks_pydantic_for_no_plugins_unless_the_user_did(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # The scan of every installed distribution's entry points that the setting skips
    # grows with the environment; a value the user set is kept.
    monkeypatch.setattr("sys.argv", ["ork", "--help"])
    monkeypatch.setenv("PYDANTIC_DISABLE_PLUGINS", "unset-below")
    monkeypatch.delenv("PYDANTIC_DISABLE_PLUGINS")
    try:
        with redirect_stdout(io.StringIO()):
            assert entry.main() == 0
        assert entry.os.environ["PYDANTIC_DISABLE_PLUGINS"] == "__all__"
        monkeypatch.setenv("PYDANTIC_DISABLE_PLUGINS", "logfire")
        with redirect_stdout(io.StringIO()):
            assert entry.main() == 0
        assert entry.os.environ["PYDANTIC_DISABLE_PLUGINS"] == "logfire"
    finally:
        gc.enable()
