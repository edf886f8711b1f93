"""A file ork reads wholly from a path the user gives (--lock, --bundle, --cr, the paths
of ``ork lock diff`` and the merge driver) is a regular file or a pipe read through a
bound: a huge file is one file-too-large diagnostic at that path (exit 1); a device
(``/dev/zero``) is refused before it is opened (file-not-found, exit 1); a pipe is read
(process substitution, ``<(git show main:ork.lock)``), and one nobody writes to reads as
empty at once; never a hang.

The device cases run ork as its own process under a memory limit and a timeout, so that a
read without end fails the test instead of the machine.
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, Ork

BASH = shutil.which("bash")

GOOD = FIXTURES / "generate" / "komposer-two-files"
BUILD = ("generate", "bundle", "-f", "komposer.yaml")
LIMIT = f"{8 * 1024 * 1024:,}"


def _project(dst: Path) -> Path:
    shutil.copytree(GOOD, dst, ignore=shutil.ignore_patterns("expected"))
    return dst


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (2 * 1024**3, 2 * 1024**3))


def _console(*args: str, cwd: Path, cache: Path, stdin: int | None = None,
             timeout: float = 60) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ORK_")}
    env.update({"ORK_CACHE_DIR": str(cache), "NO_COLOR": "1"})
    return subprocess.run([sys.executable, "-m", "ork", *args], cwd=cwd, env=env,
                          stdin=stdin, capture_output=True, text=True, check=False,
                          timeout=timeout, preexec_fn=_limit_memory)


SPECIAL = "{special}"  # stands for the device or the pipe in each case
SPECIAL_CASES = {
    "generate --lock": (*BUILD, "--lock", SPECIAL),
    "generate --locked --lock": (*BUILD, "--locked", "--lock", SPECIAL),
    "lock --lock": ("lock", "-f", "komposer.yaml", "--lock", SPECIAL),
    "lock --check --lock": ("lock", "-f", "komposer.yaml", "--check", "--lock", SPECIAL),
    "plan --lock": ("plan", "-f", "komposer.yaml", "--bundle", "bundle.yaml", "--lock",
                    SPECIAL),
    "plan --bundle": ("plan", "-f", "komposer.yaml", "--bundle", SPECIAL),
    "lock diff": ("lock", "diff", SPECIAL, "ork.lock"),
    "merge driver": ("lock", "merge-driver", "ork.lock", SPECIAL, "ork.lock"),
    "run --bundle": ("run", "--bundle", SPECIAL, "--port", "0", "--state", "st"),
    "run --lock": ("run", "--bundle", "bundle.yaml", "--lock", SPECIAL, "--port", "0",
                   "--state", "st"),
    "simulate --cr": ("simulate", "--bundle", "bundle.yaml", "--cr", SPECIAL),
    "apply -f": ("apply", "-f", SPECIAL, "--state", "st"),
}


EMPTY_LOCK = "pipe:1:1: error[invalid-lock]: pipe is empty, not a lockfile\n"
NOT_WRITTEN = "error[output-write-failed]: cannot write pipe: it is a pipe, which ork reads "
EMPTY_OBJECTS = "pipe:1:1: error[no-documents]: pipe is empty: it holds no YAML document\n"
# What each case says of a named pipe nobody writes to: it reads as empty at once, and
# each command says so (exit 1), or refuses a pipe it would write the lock back to.
FIFO_SAYS = {
    "generate --lock": NOT_WRITTEN,
    "generate --locked --lock": EMPTY_LOCK,
    "lock --lock": NOT_WRITTEN,
    "plan --lock": EMPTY_LOCK,
    "plan --bundle": "error[invalid-bundle]: pipe is empty: it holds no deployed bundle\n",
    "lock diff": EMPTY_LOCK,
    "merge driver": "pipe:1:1: error[file-not-found]: pipe is not a regular file (a "
                    "device, a pipe or a socket)\n",  # git passes files; OURS is written
    "run --bundle": "error[invalid-bundle]: pipe is empty: it holds no orkestra-katalog "
                    "ConfigMap\n",
    "run --lock": EMPTY_LOCK,
    "simulate --cr": EMPTY_OBJECTS,
    "apply -f": EMPTY_OBJECTS,
}


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
@pytest.mark.parametrize("kind", ["device", "fifo"])
@pytest.mark.parametrize("case", list(SPECIAL_CASES))
def test_a_device_is_refused_unopened_and_a_pipe_without_writer_reads_empty(
        tmp_path: Path, case: str, kind: str) -> None:
    """/dev/zero would be read for ever; a named pipe nobody writes to would block a
    blocking ``open`` for ever: it is opened without waiting, and reads as empty."""
    root = _project(tmp_path / "p")
    cache = tmp_path / "cache"
    assert _console(*BUILD, cwd=root, cache=cache).returncode == 0  # and warm for the rest
    if kind == "device":
        special = "/dev/zero"
    else:
        special = "pipe"
        os.mkfifo(root / special)
    before = {p.name: p.read_bytes() for p in root.iterdir() if p.is_file()}
    args = [special if a == SPECIAL else a for a in SPECIAL_CASES[case]]
    result = _console(*args, cwd=root, cache=cache, timeout=20)
    assert "Traceback" not in result.stderr
    assert {p.name: p.read_bytes() for p in root.iterdir() if p.is_file()} == before
    if kind == "device":
        assert result.returncode == 1, result
        assert result.stderr.startswith(
            f"{special}:1:1: error[file-not-found]: {special} is not a regular file ("
        ), result.stderr
        assert "\n  hint: " in result.stderr
    elif case == "lock --check --lock":  # --check: exit 2, the lock would be written
        assert result.returncode == 2, result
        assert result.stdout == "pipe is empty (`ork lock` would write it)\n", result
    else:
        assert result.returncode == 1, result
        assert result.stderr.startswith(FIFO_SAYS[case]), result.stderr
        assert "\n  hint: " in result.stderr


def test_a_pipe_that_is_ork_s_own_output_is_refused_not_waited_on(tmp_path: Path) -> None:
    """``/dev/stdout`` piped on is a pipe ork itself holds open for writing: reading it
    would never end."""
    root = _project(tmp_path / "p")
    result = _console("lock", "diff", "/dev/stdout", "ork.lock", cwd=root,
                      cache=tmp_path / "cache", timeout=20)  # stdout: a pipe to pytest
    assert result.returncode == 1, result
    assert result.stderr.startswith(
        "/dev/stdout:1:1: error[file-not-found]: /dev/stdout is the pipe ork's own output "
        "goes to: reading it would wait for ever\n  hint: "), result.stderr


def _bash(script: str, *, cwd: Path, cache: Path) -> subprocess.CompletedProcess[str]:
    assert BASH is not None
    env = {k: v for k, v in os.environ.items() if not k.startswith("ORK_")}
    env.update({"ORK_CACHE_DIR": str(cache), "NO_COLOR": "1",
                "ORK": f"{sys.executable} -m ork"})
    return subprocess.run([BASH, "-c", script], cwd=cwd, env=env, capture_output=True,
                          text=True, check=False, timeout=60)


@pytest.mark.skipif(BASH is None, reason="needs bash")
@pytest.mark.parametrize("fmt", ["text", "json"])
def test_lock_diff_reads_process_substitution_as_it_reads_files(
        tmp_path: Path, fmt: str) -> None:
    """``ork lock diff <(git show main:ork.lock) ork.lock``: the pipe is read."""
    shutil.copytree(FIXTURES / "lock" / "diff" / "bump-and-move", tmp_path / "d")
    cwd, cache = tmp_path / "d", tmp_path / "cache"
    files = _bash(f"$ORK lock diff --format {fmt} old.lock new.lock", cwd=cwd, cache=cache)
    piped = _bash(f"$ORK lock diff --format {fmt} <(cat old.lock) new.lock", cwd=cwd,
                  cache=cache)
    assert files.returncode == 0, files
    assert "web-service" in files.stdout  # a real diff, not "no changes"
    assert (piped.returncode, piped.stdout, piped.stderr) == (0, files.stdout, ""), piped


@pytest.mark.skipif(BASH is None, reason="needs bash")
def test_plan_bundle_cr_and_a_locked_lock_read_process_substitution(tmp_path: Path) -> None:
    root = _project(tmp_path / "p")
    cache = tmp_path / "cache"
    assert _console(*BUILD, cwd=root, cache=cache).returncode == 0
    (root / "cr.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n")
    for files, piped in (
            ("$ORK plan -f komposer.yaml --bundle bundle.yaml",
             "$ORK plan -f komposer.yaml --bundle <(cat bundle.yaml)"),
            ("$ORK plan -f komposer.yaml --bundle bundle.yaml --lock ork.lock",
             "$ORK plan -f komposer.yaml --bundle bundle.yaml --lock <(cat ork.lock)"),
            ("$ORK generate bundle -f komposer.yaml --locked --lock ork.lock -o /dev/stdout",
             "$ORK generate bundle -f komposer.yaml --locked --lock <(cat ork.lock) "
             "-o /dev/stdout"),
            ("$ORK lock -f komposer.yaml --check --lock ork.lock",
             "$ORK lock -f komposer.yaml --check --lock <(cat ork.lock)"),
            ("$ORK apply -f cr.yaml --state st1", "$ORK apply -f <(cat cr.yaml) --state st2")):
        want = _bash(files, cwd=root, cache=cache)
        got = _bash(piped, cwd=root, cache=cache)
        assert want.returncode == 0, want
        assert (got.returncode, got.stdout) == (0, want.stdout), (piped, got)


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_an_endless_stdin_given_to_plan_is_too_large(tmp_path: Path) -> None:
    root = _project(tmp_path / "p")
    cache = tmp_path / "cache"
    assert _console(*BUILD, cwd=root, cache=cache).returncode == 0
    with open("/dev/zero", "rb") as zero:
        result = _console("plan", "-f", "komposer.yaml", "--bundle", "-", cwd=root,
                          cache=cache, stdin=zero.fileno())
    assert result.returncode == 1, result
    assert result.stderr.startswith(
        f"error[file-too-large]: stdin holds more than the limit of {LIMIT} bytes\n"), result


def _big(path: Path, size: int = 9 * 1024 * 1024) -> None:
    with path.open("wb") as fh:
        fh.truncate(size)  # sparse: no need to write 9 MiB


@pytest.mark.parametrize("warm", [False, True], ids=["cold", "warm"])
def test_a_huge_lock_is_too_large_at_its_path_and_max_file_size_counts(
        ork: Ork, tmp_path: Path, warm: bool) -> None:
    root = _project(tmp_path / "p")
    if warm:
        assert ork(*BUILD, cwd=root).code == 0
    _big(root / "big.lock")
    result = ork(*BUILD, "--lock", "big.lock", cwd=root)
    assert result.code == 1, result
    assert result.stderr.startswith(
        f"big.lock:1:1: error[file-too-large]: big.lock is 9,437,184 bytes, over the limit "
        f"of {LIMIT}\n"), result
    assert "hint: check the path given to --lock, or raise --max-file-size" in result.stderr
    assert len(result.stderr) < 1000  # the excerpt of a line of megabytes is cut
    assert ork(*BUILD, cwd=root).code == 0
    with (root / "ork.lock").open("a") as fh:  # larger than the limit, unlike the sources
        fh.write("# " + "x" * 4000 + "\n")
    result = ork(*BUILD, "--max-file-size", "2000", cwd=root)
    assert result.code == 1, result
    assert result.stderr.startswith("ork.lock:1:1: error[file-too-large]: ork.lock is "), result
    assert "bytes, over the limit of 2,000\n" in result.stderr


def test_the_default_lock_too_large_says_what_it_should_be(ork: Ork, tmp_path: Path) -> None:
    root = _project(tmp_path / "p")
    _big(root / "ork.lock")
    result = ork("lock", "-f", "komposer.yaml", "--check", cwd=root)
    assert result.code == 1, result
    assert result.stderr.startswith("ork.lock:1:1: error[file-too-large]: ork.lock is "), result
    assert "hint: ork.lock should be the lockfile `ork lock` writes" in result.stderr


def test_a_huge_bundle_or_cr_is_too_large(ork: Ork, tmp_path: Path) -> None:
    root = _project(tmp_path / "p")
    assert ork(*BUILD, cwd=root).code == 0
    _big(root / "big.yaml")
    for args in (("plan", "-f", "komposer.yaml", "--bundle", "big.yaml"),
                 ("simulate", "--bundle", "bundle.yaml", "--cr", "big.yaml"),
                 ("lock", "diff", "ork.lock", "big.yaml")):
        result = ork(*args, cwd=root)
        assert result.code == 1, (args, result)
        assert result.stderr.startswith("big.yaml:1:1: error[file-too-large]: big.yaml is "
                                        "9,437,184 bytes"), (args, result)


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
@pytest.mark.parametrize("kind", ["device", "fifo"])
def test_a_file_import_that_is_a_device_or_a_pipe_is_refused_at_the_import(
        tmp_path: Path, kind: str) -> None:
    root = _project(tmp_path / "p")
    (root / "katalogs" / "db.yaml").unlink()
    if kind == "device":
        (root / "katalogs" / "db.yaml").symlink_to("/dev/zero")
    else:
        os.mkfifo(root / "katalogs" / "db.yaml")  # nobody writes: opening it would wait
    result = _console(*BUILD, "--allow-outside-root", cwd=root, cache=tmp_path / "cache")
    assert result.returncode == 1, result
    assert result.stderr.startswith(
        "komposer.yaml:9:7: error[file-not-found]: katalogs/db.yaml is not a regular file "
        "(a device, a pipe or a socket)\n"), result.stderr


@pytest.mark.parametrize("kind", ["device", "pipe"])
def test_a_source_that_became_a_device_or_a_pipe_is_refused_by_a_warm_build(
        tmp_path: Path, kind: str) -> None:
    """The warm build checks its recorded sources before anything else (the fast path, then
    the fetch trace): neither may open a pipe or read a device without end."""
    root = _project(tmp_path / "p")
    cache = tmp_path / "cache"
    build = (*BUILD, "--allow-outside-root")  # the device is outside the project
    assert _console(*build, cwd=root, cache=cache).returncode == 0
    (root / "katalogs" / "db.yaml").unlink()
    if kind == "device":
        (root / "katalogs" / "db.yaml").symlink_to("/dev/zero")
    else:
        os.mkfifo(root / "katalogs" / "db.yaml")
    result = _console(*build, cwd=root, cache=cache)
    assert result.returncode == 1, result
    assert "error[file-not-found]: katalogs/db.yaml is not a regular file" in result.stderr
