"""Projects and process helpers for the concurrency and crash tests: real ``ork`` processes."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

from tests.conftest import REPO
from tests.integration.helpers import komposer

__all__ = ["big_katalog", "environment", "komposer", "run", "start", "write_big"]


def big_katalog(crds: int, flavour: str, motif: str = "v1.1.0") -> str:
    """Return a Katalog with ``crds`` CRDs, each expanding web-service:``motif``.

    ``flavour`` changes every CRD (a new build); ``motif`` changes the lock too.
    """
    out = ["apiVersion: orkestra.orkspace.io/v1\nkind: Katalog\n"
           "metadata: {name: big, version: v1.0.0}\nspec:\n  crds:\n"]
    for i in range(crds):
        out.append(
            f"    app{i:04d}:\n"
            f"      description: generated CRD {i} ({flavour})\n"
            f"      apiTypes: {{group: big{i % 7}.demo, version: v1, kind: App{i:04d}}}\n"
            "      imports:\n"
            f"        - motif: web-service:{motif}\n"
            "          with:\n"
            f'            image: "{{{{ .spec.image | default \\"nginx:{flavour}\\" }}}}"\n'
            "      operatorBox:\n"
            "        reconcile:\n"
            "          onReconcile:\n"
            "            configMaps:\n"
            f'              - name: "{{{{ .metadata.name }}}}-cfg-{i}"\n'
            "                data:\n"
            f'                  note: "{flavour} {"x" * 200}"\n')
    return "".join(out)


def write_big(root: Path, crds: int, flavour: str, motif: str = "v1.1.0") -> Path:
    """Write a generated Katalog project in ``root``; return ``root``."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "katalog.yaml").write_text(big_katalog(crds, flavour, motif))
    return root


def environment(cache: Path, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """Return the environment of an ``ork`` child process: this one's, with a given cache."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ORK_")}
    env.update({"ORK_CACHE_DIR": str(cache), "NO_COLOR": "1",
                "PYTHONPATH": str(REPO) + os.pathsep + env.get("PYTHONPATH", "")})
    env.update(extra or {})
    return env


def start(args: list[str], *, cwd: Path, env: Mapping[str, str]) -> subprocess.Popen[bytes]:
    """Start ``python -m ork ARGS`` (the console script's entry point) as a real process."""
    return subprocess.Popen([sys.executable, "-m", "ork", *args], cwd=cwd, env=dict(env),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def run(args: list[str], *, cwd: Path, env: Mapping[str, str]) -> tuple[int, str]:
    """Run ``python -m ork ARGS`` to the end; return its exit code and stdout + stderr."""
    proc = start(args, cwd=cwd, env=env)
    out, err = proc.communicate(timeout=120)
    return proc.returncode, (out + err).decode("utf-8", "replace")
