"""CLI wiring (SPEC §5–6): exit codes decided in one place, diagnostics never a traceback,
results on stdout and diagnostics on stderr, outputs untouched by a failed build."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from ork import __version__
from tests.conftest import FIXTURES, Ork

GOOD = FIXTURES / "generate" / "komposer-two-files"
BAD = FIXTURES / "generate" / "err-many-errors"


def _project(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns("expected"))
    return dst


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_version_and_help_exit_0(ork: Ork) -> None:
    version = ork("--version")
    assert (version.code, version.stdout) == (0, f"ork {__version__}\n")
    helped = ork("--help")
    assert helped.code == 0, helped
    assert "generate" in helped.stdout, helped


@pytest.mark.parametrize("args", [
    ["generate", "bundle", "--no-such-flag"],
    ["validate", "--output", "yaml"],
    ["no-such-command"],
    ["generate", "bundle"],  # no -f and no komposer.yaml/katalog.yaml here
])
def test_usage_errors_exit_64(ork: Ork, args: list[str]) -> None:
    result = ork(*args)
    assert result.code == 64, result
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("error[usage]: "), result
    assert "\n  hint: " in result.stderr, result


@pytest.mark.parametrize(("args", "message", "hint"), [
    (["run", "--backend", "nope"],
     "Invalid value for '--backend': 'nope' is not one of 'local', 'memory', 'kube'.",
     "`ork run --help` lists its options and arguments"),
    (["lock", "diff", "old.lock"], "Missing argument 'NEW'.",
     "`ork lock diff --help` lists its options and arguments"),
    (["no-such-command"], "No such command 'no-such-command'.",
     "`ork --help` lists its commands and options"),
])
def test_a_command_line_mistake_is_a_usage_diagnostic_naming_the_help(
        ork: Ork, args: list[str], message: str, hint: str) -> None:
    result = ork(*args)
    assert (result.code, result.stderr) == (64, f"error[usage]: {message}\n  hint: {hint}\n")


def test_success_writes_the_bundle_and_says_so_on_stderr(ork: Ork, tmp_path: Path) -> None:
    root = _project(GOOD, tmp_path / "p")
    result = ork("generate", "bundle", "-f", "komposer.yaml", cwd=root)
    assert result.code == 0, result
    assert result.stdout == ""
    assert result.stderr.startswith("wrote bundle.yaml (")
    assert (root / "bundle.yaml").read_bytes() == (GOOD / "expected" / "bundle.yaml").read_bytes()
    quiet = ork("--quiet", "generate", "bundle", "-f", "komposer.yaml", cwd=root)
    assert (quiet.code, quiet.stdout, quiet.stderr) == (0, "", "")


def test_dash_o_dash_prints_the_bundle_on_stdout(ork: Ork, tmp_path: Path) -> None:
    root = _project(GOOD, tmp_path / "p")
    result = ork("generate", "bundle", "-f", "komposer.yaml", "-o", "-", cwd=root)
    assert result.code == 0, result
    assert result.stdout == (GOOD / "expected" / "bundle.yaml").read_text()
    assert not (root / "bundle.yaml").exists()


def test_invalid_input_exits_1_with_every_error_and_no_traceback(ork: Ork,
                                                                tmp_path: Path) -> None:
    root = _project(BAD, tmp_path / "p")
    result = ork("generate", "bundle", "-f", "katalog.yaml", cwd=root)
    assert result.code == 1, result
    assert result.stderr == (BAD / "expected" / "diagnostics.txt").read_text()
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(("given", "message", "hint"), [
    ("p", "p is a directory, not a YAML file", "did you mean 'p/katalog.yaml'?"),
    ("p/", "p/ is a directory, not a YAML file", "did you mean 'p/katalog.yaml'?"),
    (".", ". is a directory, not a YAML file", "pass the entry file with -f FILE"),
    ("p/katalg.yaml", "p/katalg.yaml: no such file", "did you mean 'p/katalog.yaml'?"),
    ("p/katalog.yml", "p/katalog.yml: no such file", "did you mean 'p/katalog.yaml'?"),
    ("p/nope.yaml", "p/nope.yaml: no such file", "check the path given to -f"),
])
def test_an_entry_that_is_not_a_file_suggests_the_one_meant(ork: Ork, tmp_path: Path,
                                                            given: str, message: str,
                                                            hint: str) -> None:
    (tmp_path / "p").mkdir()
    shutil.copy(FIXTURES / "generate" / "single-katalog" / "katalog.yaml", tmp_path / "p")
    result = ork("validate", "-f", given)
    assert result.code == 1, result
    assert result.stderr == f"error[file-not-found]: {message}\n  hint: {hint}\n"


@pytest.mark.parametrize("kind", ["device", "fifo"])
def test_an_entry_that_is_a_device_or_a_pipe_is_not_a_regular_file(ork: Ork, tmp_path: Path,
                                                                  kind: str) -> None:
    """Not "no such file": the path exists. A pipe is never opened (nobody writes to it)."""
    if kind == "device":
        if not os.path.exists("/dev/zero"):
            pytest.skip("needs /dev/zero")
        given = "/dev/zero"
    else:
        os.mkfifo(tmp_path / "komposer.yaml")
        given = "komposer.yaml"
    for command in (("generate", "bundle"), ("lock",), ("validate",)):
        result = ork(*command, "-f", given)
        assert result.code == 1, (command, result)
        assert result.stderr == (
            f"error[file-not-found]: {given} is not a regular file (a device, a pipe or a "
            "socket)\n  hint: pass the entry file with -f FILE: ork reads a Komposer or a "
            "Katalog from a regular file only\n"), (command, result)


def test_a_failed_build_leaves_the_previous_outputs_untouched(ork: Ork, tmp_path: Path) -> None:
    root = _project(GOOD, tmp_path / "p")
    assert ork("generate", "bundle", "-f", "komposer.yaml", cwd=root).code == 0
    before = {n: ((root / n).read_bytes(), (root / n).stat().st_mtime_ns)
              for n in ("bundle.yaml", "ork.lock")}
    katalog = root / "katalogs" / "webapp.yaml"
    katalog.write_text(katalog.read_text().replace("workers: 2", "workers: 99"))
    result = ork("generate", "bundle", "-f", "komposer.yaml", cwd=root)
    assert result.code == 1, result
    assert "workers-out-of-range" in result.stderr, result
    after = {n: ((root / n).read_bytes(), (root / n).stat().st_mtime_ns) for n in before}
    assert after == before
    assert sorted(p.name for p in root.iterdir()) == ["bundle.yaml", "katalogs",
                                                      "komposer.yaml", "ork.lock"]


def test_validate_json_lists_every_diagnostic_on_stdout(ork: Ork, tmp_path: Path) -> None:
    root = _project(BAD, tmp_path / "p")
    result = ork("validate", "-f", "katalog.yaml", "--output", "json", cwd=root)
    assert result.code == 1, result
    diags = json.loads(result.stdout)
    assert [(d["code"], d["line"], d["column"]) for d in diags] == [
        ("unknown-dependency", 8, 19), ("workers-out-of-range", 11, 20),
        ("invalid-duration", 12, 19), ("invalid-name", 13, 5)]
    assert {(d["severity"], d["path"]) for d in diags} == {("error", "katalog.yaml")}
    ok = ork("validate", "-f", "komposer.yaml", "--output", "json",
             cwd=_project(GOOD, tmp_path / "good"))
    assert (ok.code, json.loads(ok.stdout)) == (0, [])


def test_locked_without_a_lock_exits_3(ork: Ork, tmp_path: Path) -> None:
    root = tmp_path / "p"
    root.mkdir()
    (root / "komposer.yaml").write_text(
        "apiVersion: orkestra.orkspace.io/v1\nkind: Komposer\nmetadata: {name: x}\n"
        "imports:\n  registry: [webapp-operator:v1.1.0]\n")
    result = ork("generate", "bundle", "--locked", cwd=root)
    assert result.code == 3, result
    assert "error[lock-missing]" in result.stderr
    assert not (root / "bundle.yaml").exists()


def test_an_unreachable_registry_exits_4(ork: Ork, tmp_path: Path) -> None:
    root = tmp_path / "p"
    root.mkdir()
    ref = f"oci://127.0.0.1:{_closed_port()}/katalogs/webapp-operator:v1.1.0"
    (root / "komposer.yaml").write_text(
        "apiVersion: orkestra.orkspace.io/v1\nkind: Komposer\nmetadata: {name: x}\n"
        f"imports:\n  registry: ['{ref}']\n")
    result = ork("generate", "bundle", cwd=root, env={"ORK_REGISTRY_TIMEOUT": "2"})
    assert result.code == 4, result
    assert "error[registry-unavailable]" in result.stderr
    assert "komposer.yaml:5:" in result.stderr
    assert not (root / "bundle.yaml").exists()
    assert not (root / "ork.lock").exists()


def test_a_bug_exits_70_with_one_line_and_a_traceback_only_with_debug(
        ork: Ork, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from ork import api

    def broken(*args: object, **kwargs: object) -> object:
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(api, "generate_bundle", broken)
    root = _project(GOOD, tmp_path / "p")
    result = ork("generate", "bundle", "-f", "komposer.yaml", cwd=root)
    assert result.code == 70, result
    assert result.stderr.count("\n") == 1
    assert "internal error" in result.stderr
    debug = ork("--debug", "generate", "bundle", "-f", "komposer.yaml", cwd=root)
    assert debug.code == 70
    assert "Traceback" in debug.stderr
    assert "ZeroDivisionError: a bug" in debug.stderr


def test_colour_only_on_a_tty_and_never_with_no_color(ork: Ork, tmp_path: Path) -> None:
    root = _project(BAD, tmp_path / "p")
    result = ork("generate", "bundle", "-f", "katalog.yaml", "--no-color", cwd=root)
    assert "\x1b[" not in result.stderr  # captured stderr is not a TTY either


def test_graph_and_template_outputs(ork: Ork, tmp_path: Path) -> None:
    root = _project(GOOD, tmp_path / "p")
    dot = ork("graph", "-f", "komposer.yaml", cwd=root)
    assert dot.code == 0, dot
    assert dot.stdout.startswith("digraph"), dot
    mermaid = ork("graph", "-f", "komposer.yaml", "--format", "mermaid", cwd=root)
    assert mermaid.code == 0, mermaid
    assert mermaid.stdout.startswith("graph TD"), mermaid
    as_json = ork("template", "-f", "komposer.yaml", "--output", "json", cwd=root)
    assert sorted(json.loads(as_json.stdout)["spec"]["crds"]) == ["database", "webapp"]
    one = ork("template", "-f", "komposer.yaml", "--crd", "nope", cwd=root)
    assert one.code == 64, one
    assert "database, webapp" in one.stderr, one


def test_template_of_a_motif_alone_says_there_is_no_katalog(ork: Ork, tmp_path: Path) -> None:
    motif = FIXTURES.parent / "stdlib" / "motifs" / "web-service" / "v1.1.0" / "motif.yaml"
    (tmp_path / "motif.yaml").write_bytes(motif.read_bytes())
    result = ork("template", "-f", "motif.yaml", cwd=tmp_path)
    assert result.code == 1, result
    assert "error[not-bundleable]" in result.stderr
    assert result.stdout == ""
    assert ork("validate", "-f", "motif.yaml", cwd=tmp_path).code == 0


def _console(*args: str, cwd: Path) -> subprocess.CompletedProcess[bytes]:
    """Run ``python -m ork ARGS`` as its own process: the console script's way out
    (``ork.entry.run``, which ends the process without the interpreter's teardown)."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("ORK_") and k != "PYTHONUNBUFFERED"}  # stdout a buffered pipe
    env["ORK_CACHE_DIR"] = str(cwd / ".ork-cache")
    return subprocess.run([sys.executable, "-m", "ork", *args], cwd=cwd, env=env,
                          capture_output=True, check=False, timeout=120)


def test_the_console_process_flushes_everything_before_it_ends(tmp_path: Path) -> None:
    version = _console("--version", cwd=tmp_path)  # written to stdout, never flushed by ork
    assert (version.returncode, version.stdout) == (0, f"ork {__version__}\n".encode())
    root = _project(GOOD, tmp_path / "p")
    expected = (GOOD / "expected" / "bundle.yaml").read_bytes()
    printed = _console("generate", "bundle", "-f", "komposer.yaml", "-o", "-", cwd=root)
    assert (printed.returncode, printed.stdout) == (0, expected), printed.stderr
    written = _console("generate", "bundle", "-f", "komposer.yaml", cwd=root)
    assert written.returncode == 0, written.stderr
    assert written.stderr.startswith(b"wrote bundle.yaml (")
    assert (root / "bundle.yaml").read_bytes() == expected
    failed = _console("generate", "bundle", "-f", "katalog.yaml",
                      cwd=_project(BAD, tmp_path / "bad"))
    assert failed.returncode == 1
    assert failed.stderr == (BAD / "expected" / "diagnostics.txt").read_bytes()
