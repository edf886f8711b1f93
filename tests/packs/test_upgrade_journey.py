"""The 07-upgrade journey as one test (issue 8): init → generate → simulate → lock --update
→ lock diff → plan → new bundle → simulate again, with the real ``ork`` executable."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from .test_readmes import BIN, _env, scaffold


def _ork(cwd: Path, tmp: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(BIN / "ork"), *args], cwd=cwd, env=_env(tmp),
                          capture_output=True, text=True, check=False)


def _probe_paths(yaml_text: str) -> dict[str, set[str]]:
    """Return the readiness/liveness probe paths of each Deployment in simulate's output."""
    out: dict[str, set[str]] = {}
    for doc in yaml_text.split("\n---\n"):
        if "\nkind: Deployment\n" not in "\n" + doc:
            continue
        name = re.search(r"^  name: (\S+)$", doc, re.MULTILINE)
        assert name is not None, doc
        out[name.group(1)] = set(re.findall(r"^\s+path: (\S+)$", doc, re.MULTILINE))
    return out


@pytest.mark.slow
def test_two_teams_upgrade_deliberately(tmp_path: Path) -> None:
    here = scaffold("registry-guide", tmp_path) / "07-upgrade"

    built = _ork(here, tmp_path, "generate", "bundle", "-f", "komposer.yaml", "-o",
                 "bundle.yaml")
    assert built.returncode == 0, built.stderr
    before = _ork(here, tmp_path, "simulate", "-f", "simulate.yaml", "--output", "yaml")
    assert before.returncode == 0, before.stderr
    assert _probe_paths(before.stdout) == {"storefront": {"/ready"}, "billing": {"/health"}}

    (here / "deployed.yaml").write_bytes((here / "bundle.yaml").read_bytes())
    (here / "ork.lock.before").write_bytes((here / "ork.lock").read_bytes())
    komposer = here / "komposer.yaml"
    komposer.write_text(komposer.read_text().replace("platform-app-operator:v1.0.0",
                                                     "platform-app-operator:v1.1.0"))
    assert _ork(here, tmp_path, "lock", "--update", "platform-app-operator").returncode == 0

    diff = _ork(here, tmp_path, "lock", "diff", "ork.lock.before", "ork.lock", "--format",
                "json")
    assert diff.returncode == 0, diff.stderr
    import json

    moved = {(c["name"], c["action"]) for c in json.loads(diff.stdout)["changes"]
             if c["action"] in ("updated", "added", "removed", "tag-moved")}
    assert moved == {("platform-app-operator", "updated"), ("web-service", "removed")}, moved

    plan = _ork(here, tmp_path, "plan", "--bundle", "deployed.yaml", "--detailed-exitcode")
    assert plan.returncode == 2, plan.stdout + plan.stderr
    assert "~ crd platformapp" in plan.stdout
    assert "motif web-service  v1.0.0" in plan.stdout
    assert 'probes.readiness.path\n      - "/health"\n      + "{{ .spec.probePath | default ' \
           '\\"/health\\" }}"' in plan.stdout, plan.stdout
    assert "~ crd webapp" not in plan.stdout

    rebuilt = _ork(here, tmp_path, "generate", "bundle", "-f", "komposer.yaml", "-o",
                   "bundle.yaml")
    assert rebuilt.returncode == 0, rebuilt.stderr
    after = _ork(here, tmp_path, "simulate", "-f", "simulate.yaml", "--output", "yaml")
    assert after.returncode == 0, after.stderr
    assert _probe_paths(after.stdout) == {"storefront": {"/ready"}, "billing": {"/ready"}}
    settled = _ork(here, tmp_path, "plan", "--bundle", "bundle.yaml", "--detailed-exitcode")
    assert settled.returncode == 0, settled.stdout
    assert "No changes. The deployed bundle matches." in settled.stdout
