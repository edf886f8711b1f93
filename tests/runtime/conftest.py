"""Fixtures of the runtime tests: the upgrade-story bundle, compiled once by the real CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
STDLIB = REPO / "stdlib" / "katalogs"
UPGRADE_KOMPOSER = """\
apiVersion: orkestra.orkspace.io/v1
kind: Komposer
metadata: {name: upgrade-story}
imports:
  registry:
    - webapp-operator:v1.1.0
    - platform-app-operator:v1.0.0
"""


def ork_env(cache: Path) -> dict[str, str]:
    """Return the environment of an ork subprocess with its own cache."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("ORK_REGISTRY", "ORK_MOTIFS_REGISTRY", "ORK_NAMESPACE")}
    env.update(ORK_CACHE_DIR=str(cache), NO_COLOR="1", PYTHONUNBUFFERED="1")
    return env


@pytest.fixture(scope="session")
def upgrade_bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return bundle.yaml compiled from the upgrade story's Komposer (ork generate bundle)."""
    work = tmp_path_factory.mktemp("upgrade")
    (work / "komposer.yaml").write_text(UPGRADE_KOMPOSER)
    done = subprocess.run(
        [sys.executable, "-m", "ork", "generate", "bundle", "-f", "komposer.yaml",
         "-o", "bundle.yaml"], cwd=work, env=ork_env(work / "cache"), capture_output=True,
        text=True, check=False)
    assert done.returncode == 0, done.stderr
    return work / "bundle.yaml"
