"""``ork plan`` wiring: exit codes in every mode, where the deployed bundle comes from,
and that plan writes nothing."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import REPO, Ork

KATALOG = """\
apiVersion: orkestra.orkspace.io/v1
kind: Katalog
metadata: {name: shop-operator, version: v1.0.0}
spec:
  crds:
    webapp:
      apiTypes: {group: shop.demo, version: v1, kind: WebApp}
      operatorBox:
        reconcile:
          workers: 2
          onReconcile:
            deployments:
              - {name: "{{ .metadata.name }}", image: "{{ .spec.image }}"}
"""
KOMPOSER = """\
apiVersion: orkestra.orkspace.io/v1
kind: Komposer
metadata: {name: demo}
imports:
  registry: [webapp-operator:v1.1.0]
"""
NO_CHANGES = "No changes. The deployed bundle matches.\n"


@pytest.fixture
def project(tmp_path: Path, ork: Ork) -> Path:
    """A project whose bundle is deployed (deployed.yaml) and then left unchanged."""
    work = tmp_path / "project"
    work.mkdir()
    (work / "katalog.yaml").write_text(KATALOG)
    built = ork("generate", "bundle", "-o", "../deployed.yaml", cwd=work)
    assert built.code == 0, str(built)
    return work


def change_workers(work: Path) -> None:
    path = work / "katalog.yaml"
    path.write_text(path.read_text().replace("workers: 2", "workers: 3"))


def configmap_of(bundle: Path) -> str:
    docs = list(yaml.safe_load_all(bundle.read_text()))
    [cm] = [d for d in docs if d["kind"] == "ConfigMap"]
    return str(yaml.safe_dump(cm))


def stdin(monkeypatch: pytest.MonkeyPatch, data: bytes, *, tty: bool = False) -> None:
    raw = io.BytesIO(data)
    raw.isatty = lambda: tty  # type: ignore[method-assign]
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(raw))


@pytest.mark.parametrize(("changed", "detailed", "code"), [
    (False, False, 0), (False, True, 0), (True, False, 0), (True, True, 2)])
def test_exit_codes_with_and_without_detailed_exitcode(project: Path, ork: Ork, changed: bool,
                                                       detailed: bool, code: int) -> None:
    if changed:
        change_workers(project)
    flags = ["--detailed-exitcode"] if detailed else []
    result = ork("plan", "--bundle", "../deployed.yaml", *flags, cwd=project)
    assert result.code == code, str(result)
    assert (result.stdout == NO_CHANGES) is not changed, str(result)
    assert result.stderr == ""


@pytest.mark.parametrize("detailed", [False, True])
def test_an_error_in_the_working_tree_is_exit_1_whatever_the_flags(project: Path, ork: Ork,
                                                                   detailed: bool) -> None:
    (project / "katalog.yaml").write_text(KATALOG.replace("workers: 2", "workers: 99"))
    flags = ["--detailed-exitcode"] if detailed else []
    result = ork("plan", "--bundle", "../deployed.yaml", *flags, cwd=project)
    assert result.code == 1, str(result)
    assert "error[workers-out-of-range]" in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize("args", [
    ["plan"], ["plan", "--bundle", "../deployed.yaml", "--output", "yaml"],
    ["plan", "--bundle", "../deployed.yaml", "--no-such-flag"]])
def test_usage_errors_are_64(project: Path, ork: Ork, args: list[str]) -> None:
    result = ork(*args, cwd=project)
    assert result.code == 64, str(result)


def test_the_deployed_bundle_can_come_through_stdin(project: Path, ork: Ork,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    change_workers(project)
    stdin(monkeypatch, configmap_of(project.parent / "deployed.yaml").encode())
    result = ork("plan", "--bundle", "-", "--detailed-exitcode", cwd=project)
    assert result.code == 2, str(result)
    assert "  ~ operatorBox.reconcile.workers\n      - 2\n      + 3\n" in result.stdout


def test_kubectl_output_piped_into_a_real_process(project: Path, tmp_path: Path) -> None:
    """`kubectl get cm … -o yaml | ork plan --bundle -`, with a real pipe."""
    change_workers(project)
    env = {k: v for k, v in os.environ.items() if not k.startswith("ORK_")}
    env.update(PYTHONPATH=str(REPO), NO_COLOR="1", ORK_CACHE_DIR=str(tmp_path / "cache"))
    proc = subprocess.run(
        [sys.executable, "-m", "ork", "plan", "--bundle", "-", "--detailed-exitcode"],
        input=configmap_of(project.parent / "deployed.yaml").encode(), cwd=project, env=env,
        capture_output=True, check=False)
    assert proc.returncode == 2, proc.stderr.decode()
    assert b"  ~ operatorBox.reconcile.workers\n" in proc.stdout


def test_stdin_on_a_terminal_is_a_usage_error(project: Path, ork: Ork,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    stdin(monkeypatch, b"", tty=True)
    result = ork("plan", "--bundle", "-", cwd=project)
    assert result.code == 64, str(result)
    assert "nothing is piped in" in result.stderr


@pytest.mark.parametrize("content", [b"", b"\n  \n"], ids=["empty", "blank"])
def test_an_empty_stdin_says_the_bundle_on_stdin_is_empty(
        project: Path, ork: Ork, monkeypatch: pytest.MonkeyPatch, content: bytes) -> None:
    stdin(monkeypatch, content)
    result = ork("plan", "--bundle", "-", cwd=project)
    assert result.code == 1, str(result)
    assert result.stderr == (
        "error[invalid-bundle]: the bundle on stdin is empty: nothing was piped into "
        "--bundle -\n  hint: pipe the deployed bundle in (`kubectl get cm orkestra-katalog "
        "-n NS -o yaml | ork plan --bundle -`), and check that the command before the pipe "
        "succeeded\n"), str(result)


@pytest.mark.parametrize("given", ["file", "stdin"])
def test_a_deployed_bundle_over_8_mib_is_read_with_max_file_size_raised(
        project: Path, ork: Ork, monkeypatch: pytest.MonkeyPatch, given: str) -> None:
    deployed = project.parent / "deployed.yaml"
    with deployed.open("a") as fh:  # 9 MiB of comments: the same bundle, only bigger
        fh.write(("# " + "x" * 1021 + "\n") * 9 * 1024)
    args = ["--bundle", "../deployed.yaml"]
    if given == "stdin":
        stdin(monkeypatch, deployed.read_bytes())
        args = ["--bundle", "-"]
    result = ork("plan", *args, "--max-file-size", str(10 * 1024 * 1024), cwd=project)
    assert (result.code, result.stdout) == (0, NO_CHANGES), str(result)
    if given == "stdin":
        stdin(monkeypatch, deployed.read_bytes())
    result = ork("plan", *args, cwd=project)
    assert result.code == 1, str(result)
    assert "error[file-too-large]" in result.stderr, str(result)


def test_a_bare_configmap_file_is_a_deployed_bundle(project: Path, ork: Ork) -> None:
    (project.parent / "cm.yaml").write_text(configmap_of(project.parent / "deployed.yaml"))
    result = ork("plan", "--bundle", "../cm.yaml", "--detailed-exitcode", cwd=project)
    assert (result.code, result.stdout) == (0, NO_CHANGES), str(result)


@pytest.mark.parametrize(("content", "message"), [
    (b"\x00\x01garbage\xff", "cannot be read as a bundle"),
    (b"key: [unclosed\n", "cannot be read as a bundle"),
    (b"apiVersion: v1\nkind: Service\nmetadata: {name: x}\n", "holds no orkestra-katalog"),
    (KATALOG.encode(), "holds no orkestra-katalog"),
], ids=["binary", "yaml-syntax", "other-kind", "a-katalog"])
def test_a_garbage_deployed_file_is_invalid_bundle(project: Path, ork: Ork, content: bytes,
                                                   message: str) -> None:
    (project.parent / "garbage.yaml").write_bytes(content)
    result = ork("plan", "--bundle", "../garbage.yaml", "--detailed-exitcode", cwd=project)
    assert result.code == 1, str(result)
    assert "error[invalid-bundle]" in result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_a_missing_or_unreadable_deployed_path(project: Path, ork: Ork) -> None:
    missing = ork("plan", "--bundle", "../nope.yaml", cwd=project)
    assert missing.code == 1, str(missing)
    assert "error[file-not-found]: ../nope.yaml: no such file" in missing.stderr
    directory = ork("plan", "--bundle", "..", cwd=project)
    assert directory.code == 1, str(directory)
    assert "error[invalid-bundle]" in directory.stderr


def test_plan_writes_neither_the_bundle_nor_the_lock(tmp_path: Path, ork: Ork) -> None:
    (tmp_path / "komposer.yaml").write_text(KOMPOSER)
    built = ork("generate", "bundle", "-o", "deployed.yaml", "--lock", "deployed.lock")
    assert built.code == 0, str(built)
    before = sorted(p.name for p in tmp_path.iterdir())
    result = ork("plan", "--bundle", "deployed.yaml", "--detailed-exitcode")
    assert (result.code, result.stdout) == (0, NO_CHANGES), str(result)
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # no ork.lock, no bundle.yaml


def test_locked_plans_with_the_lock_and_exits_3_without_a_matching_one(tmp_path: Path,
                                                                       ork: Ork) -> None:
    (tmp_path / "komposer.yaml").write_text(KOMPOSER)
    assert ork("generate", "bundle", "-o", "deployed.yaml").code == 0
    lock = (tmp_path / "ork.lock").read_bytes()
    ok = ork("plan", "--bundle", "deployed.yaml", "--locked", "--detailed-exitcode")
    assert (ok.code, ok.stdout) == (0, NO_CHANGES), str(ok)
    assert (tmp_path / "ork.lock").read_bytes() == lock
    (tmp_path / "komposer.yaml").write_text(KOMPOSER.replace("v1.1.0", "v1.0.0"))
    stale = ork("plan", "--bundle", "deployed.yaml", "--locked", "--detailed-exitcode")
    assert stale.code == 3, str(stale)
    assert "error[lock-stale]" in stale.stderr
    (tmp_path / "ork.lock").unlink()
    missing = ork("plan", "--bundle", "deployed.yaml", "--locked")
    assert missing.code == 3, str(missing)
    assert "error[lock-missing]" in missing.stderr
    assert not (tmp_path / "ork.lock").exists()


def test_json_and_markdown_outputs(project: Path, ork: Ork) -> None:
    change_workers(project)
    as_json = ork("plan", "--bundle", "../deployed.yaml", "--output", "json", cwd=project)
    assert as_json.code == 0, str(as_json)
    assert '"formatVersion": 1' in as_json.stdout
    assert '"path": "operatorBox.reconcile.workers"' in as_json.stdout
    md = ork("plan", "--bundle", "../deployed.yaml", "--output", "markdown", cwd=project)
    assert md.stdout.startswith("### ork plan\n\n**Plan: 1 CRD to change, 0 to add, 0 to "
                                "remove.**\n"), str(md)


def test_namespace_comes_from_the_flag_then_the_environment(project: Path, ork: Ork) -> None:
    by_env = ork("plan", "--bundle", "../deployed.yaml", cwd=project,
                 env={"ORK_NAMESPACE": "team-a"})
    assert "~ runtime namespace: orkestra-system → team-a" in by_env.stdout, str(by_env)
    by_flag = ork("plan", "--bundle", "../deployed.yaml", "-n", "team-b", cwd=project,
                  env={"ORK_NAMESPACE": "team-a"})
    assert by_flag.stdout.endswith("-n team-b\n"), str(by_flag)
