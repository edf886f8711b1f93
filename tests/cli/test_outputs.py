"""Where ``ork generate bundle`` writes (SPEC §6): devices and pipes are written through,
never read; a failed write changes neither output; a bad output path is one diagnostic,
the same from the fast path (a warm cache) as from the full CLI; namespaces are labels."""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ork import fastpath
from ork.cli import main
from tests.conftest import FIXTURES, Ork, Result

GOOD = FIXTURES / "generate" / "komposer-two-files"
BUILD = ("generate", "bundle", "-f", "komposer.yaml")
EXPECTED = (GOOD / "expected" / "bundle.yaml").read_bytes()


def _project(dst: Path) -> Path:
    shutil.copytree(GOOD, dst, ignore=shutil.ignore_patterns("expected"))
    return dst


def _limit_memory() -> None:  # so that reading an endless device fails instead of swapping
    resource.setrlimit(resource.RLIMIT_AS, (2 * 1024**3, 2 * 1024**3))


def _console(*args: str, cwd: Path, cache: Path) -> subprocess.CompletedProcess[bytes]:
    """Run ``python -m ork ARGS`` as its own process (fast path first, as the script)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ORK_")}
    env["ORK_CACHE_DIR"] = str(cache)
    return subprocess.run([sys.executable, "-m", "ork", *args], cwd=cwd, env=env,
                          capture_output=True, check=False, timeout=60,
                          preexec_fn=_limit_memory)


@pytest.mark.parametrize("warm", [False, True], ids=["cold", "warm"])
def test_dev_stdout_is_written_through_not_read(tmp_path: Path, warm: bool) -> None:
    root = _project(tmp_path / "p")
    cache = tmp_path / "cache"
    if warm:
        assert _console(*BUILD, cwd=root, cache=cache).returncode == 0
    result = _console(*BUILD, "-o", "/dev/stdout", cwd=root, cache=cache)
    assert (result.returncode, result.stdout) == (0, EXPECTED), result.stderr
    assert result.stderr.startswith(b"wrote /dev/stdout (")


@pytest.mark.parametrize("warm", [False, True], ids=["cold", "warm"])
def test_a_full_device_is_a_write_error_and_the_lock_stays_unwritten(tmp_path: Path,
                                                                     warm: bool) -> None:
    root = _project(tmp_path / "p")
    cache = tmp_path / "cache"
    kept = ["katalogs", "komposer.yaml"]
    if warm:
        assert _console(*BUILD, cwd=root, cache=cache).returncode == 0
        (root / "bundle.yaml").unlink()
        kept.append("ork.lock")
    result = _console(*BUILD, "-o", "/dev/full", cwd=root, cache=cache)
    assert result.returncode == 1, result.stderr
    assert result.stderr == (b"error[output-write-failed]: cannot write /dev/full: No space "
                             b"left on device\n  hint: the device is full: free some space, "
                             b"or give -o another path\n")
    assert sorted(p.name for p in root.iterdir()) == kept  # cold: no ork.lock, no temp file


def test_a_failed_bundle_write_writes_no_new_lock(ork: Ork, tmp_path: Path) -> None:
    root = _project(tmp_path / "p")
    (root / "outdir").mkdir()
    result = ork(*BUILD, "-o", "outdir", cwd=root)
    assert result.code == 1, result
    assert "error[output-write-failed]" in result.stderr
    assert sorted(p.name for p in root.iterdir()) == ["katalogs", "komposer.yaml", "outdir"]
    assert list((root / "outdir").iterdir()) == []


def _warm(args: tuple[str, ...], cwd: Path, capsys: pytest.CaptureFixture[str],
          monkeypatch: pytest.MonkeyPatch) -> tuple[bool, Result]:
    """Run ``ork ARGS`` as the console script does: the fast path, else the full CLI."""
    monkeypatch.chdir(cwd)
    capsys.readouterr()
    code = fastpath.try_generate(list(args), dict(os.environ), str(cwd))
    fast = code is not None
    if code is None:
        code = main(list(args))
    out, err = capsys.readouterr()
    return fast, Result(code, out, err)


@pytest.mark.parametrize(("args", "message", "hint"), [
    (("-o", "outdir"), "cannot write outdir: Is a directory",
     "-o takes the path of a file, not of a directory (e.g. -o outdir/bundle.yaml)"),
    (("-o", "komposer.yaml/x.yaml"), "cannot write komposer.yaml/x.yaml: Not a directory",
     "a part of the path given to -o is a file, not a directory"),
    (("-o", "outdir/"), "cannot write outdir/: Is a directory",
     "-o takes the path of a file, not of a directory (e.g. -o outdir/bundle.yaml)"),
    (("--lock", "outdir"), "cannot write outdir: Is a directory",
     "--lock takes the path of a file, not of a directory (e.g. --lock outdir/ork.lock)"),
])
def test_a_bad_output_path_is_one_diagnostic_warm_or_cold(
        ork: Ork, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...], message: str,
        hint: str) -> None:
    root = _project(tmp_path / "p")
    (root / "outdir").mkdir()
    expected = f"error[output-write-failed]: {message}\n  hint: {hint}\n"
    cold = ork(*BUILD, *args, cwd=root, env={"ORK_CACHE_DIR": str(tmp_path / "cold")})
    assert (cold.code, cold.stderr) == (1, expected), cold
    assert ork(*BUILD, cwd=root).code == 0  # a record for the fast path
    fast, warm = _warm((*BUILD, *args), root, capsys, monkeypatch)
    assert (warm.code, warm.stdout, warm.stderr) == (1, "", expected), warm
    assert fast == (args[0] == "-o")  # an unreadable lock is the full CLI's to answer


@pytest.mark.parametrize(("args", "env", "source", "value"), [
    (("-n", "Bad_NS"), {}, "'-n' / '--namespace'", "Bad_NS"),
    (("-n", "a/b"), {}, "'-n' / '--namespace'", "a/b"),
    (("-n", "x" * 64), {}, "'-n' / '--namespace'", "x" * 64),
    (("-n", "-a"), {}, "'-n' / '--namespace'", "-a"),
    (("-n", ""), {}, "'-n' / '--namespace'", ""),
    ((), {"ORK_NAMESPACE": "Orkestra"}, "ORK_NAMESPACE", "Orkestra"),
    (("-w", "apps."), {}, "'-w' / '--workload-namespace'", "apps."),
])
def test_a_namespace_must_be_an_rfc_1123_label(ork: Ork, tmp_path: Path, args: tuple[str, ...],
                                               env: dict[str, str], source: str,
                                               value: str) -> None:
    root = _project(tmp_path / "p")
    result = ork(*BUILD, *args, cwd=root, env=env)
    assert result.code == 64, result
    assert result.stderr.startswith(f"error[usage]: Invalid value for {source}: {value!r} is "
                                    "not a valid namespace\n  hint: a namespace is an RFC 1123 "
                                    "label: lowercase letters, digits and '-', at most 63 "
                                    "characters"), result
    assert sorted(p.name for p in root.iterdir()) == ["katalogs", "komposer.yaml"]


@pytest.mark.parametrize(("args", "env", "source"), [
    (("-n", "Bad_NS"), {}, "'-n' / '--namespace'"),
    (("--namespace", "Bad_NS"), {}, "'-n' / '--namespace'"),
    ((), {"ORK_NAMESPACE": "Bad_NS"}, "ORK_NAMESPACE"),
    (("-n", "Bad_NS"), {"ORK_NAMESPACE": "fine"}, "'-n' / '--namespace'"),
])
def test_plan_checks_its_namespace_too_naming_what_gave_it(
        ork: Ork, tmp_path: Path, args: tuple[str, ...], env: dict[str, str],
        source: str) -> None:
    root = _project(tmp_path / "p")
    assert ork(*BUILD, cwd=root).code == 0
    for bundle in ("bundle.yaml", "missing.yaml"):  # the usage error comes first
        result = ork("plan", "-f", "komposer.yaml", "--bundle", bundle, *args, cwd=root,
                     env=env)
        assert result.code == 64, result
        assert result.stderr.startswith(f"error[usage]: Invalid value for {source}: 'Bad_NS' "
                                        "is not a valid namespace\n"), result
    generate = ork(*BUILD, *args, cwd=root, env=env)  # the same words as generate bundle
    assert generate.stderr == result.stderr


def test_a_namespace_is_created_once_when_dash_w_names_it_too(ork: Ork, tmp_path: Path) -> None:
    root = _project(tmp_path / "p")
    assert ork(*BUILD, "-n", "apps", "-w", "apps", "-o", "same.yaml", cwd=root).code == 0
    assert ork(*BUILD, "-n", "apps", "-o", "alone.yaml", cwd=root).code == 0
    assert (root / "same.yaml").read_bytes() == (root / "alone.yaml").read_bytes()
    assert ork(*BUILD, "-n", "apps", "-w", "web", "-o", "two.yaml", cwd=root).code == 0
    assert (root / "two.yaml").read_text().count("kind: Namespace\n") == 2


def test_an_older_record_for_a_bad_namespace_is_not_served(ork: Ork, tmp_path: Path) -> None:
    root = _project(tmp_path / "p")
    assert ork(*BUILD, cwd=root).code == 0
    cache, lock = tmp_path / "ork-cache", (root / "ork.lock").read_bytes()
    env = {"ORK_CACHE_DIR": str(cache)}

    def record(args: tuple[str, ...], env: dict[str, str]) -> Path:
        opts = fastpath.parse([*BUILD, *args])
        assert opts is not None
        key = fastpath.key(opts, ["komposer.yaml"], lock, env)
        return Path(fastpath._record_path(str(cache), key))

    assert fastpath.try_generate(list(BUILD), env, str(root)) == 0
    for args, bad in ((("-n", "Bad_NS"), env), (("-w", "a/b"), env),
                      ((), {**env, "ORK_NAMESPACE": "Bad"})):
        copy = record(args, bad)  # as an ork that did not check them would have written
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(record((), env), copy)
        assert fastpath.try_generate([*BUILD, *args], bad, str(root)) is None
