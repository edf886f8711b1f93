"""The warm no-op ``ork generate bundle``: answer from the cache without importing the compiler.

A CI step or a developer re-running a build that changed nothing should pay for Python's
start-up and for hashing the inputs, not for importing click, pydantic and PyYAML. After
every successful build, :func:`record` stores (under a key made of the options, the entry
files, the lock's bytes and the registry settings) the digest of every local file the
build read and the digests of its outputs. :func:`try_generate` recomputes that key,
re-hashes the files, and when all of them match writes (or leaves alone) the stored
outputs. Anything it does not handle — other flags, a missing record, one changed byte —
returns None and the full CLI runs, so this path can only be faster, never different.

Only builtin modules are imported here — not even ``json`` (which pulls in ``re`` and
``enum``): records are ``marshal`` data, keyed by the Python version too, since
``marshal``'s format is Python's own. Annotation-only imports stay under TYPE_CHECKING.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import stat
import sys

from . import __version__
from .stageversions import STAGE_VERSIONS

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (6 ms); mypy knows it
if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from typing import Any

    from .errors import Diagnostic

_VALUE_FLAGS = {"-f": "file", "--file": "file", "-o": "output", "--output": "output",
                "--lock": "lock", "-n": "namespace", "--namespace": "namespace",
                "-w": "workload", "--workload-namespace": "workload",
                "--max-file-size": "max_file_size"}
_BOOL_FLAGS = {"--locked": "locked", "--allow-outside-root": "allow_outside_root"}
_GLOBAL_FLAGS = {"-q": "quiet", "--quiet": "quiet", "--no-color": "no_color",
                 "--debug": "debug"}
_SOURCE_ENV = ("ORK_REGISTRY", "ORK_MOTIFS_REGISTRY", "ORK_INSECURE_REGISTRIES")
DEFAULT_ENTRIES = ("komposer.yaml", "katalog.yaml")


def _sha256(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def parse(argv: Sequence[str]) -> dict[str, Any] | None:
    """Return the options of a plain ``generate bundle`` invocation, or None."""
    opts: dict[str, Any] = {"file": [], "output": "bundle.yaml", "lock": None,
                            "namespace": None, "workload": None, "max_file_size": None,
                            "locked": False, "allow_outside_root": False, "quiet": False,
                            "no_color": False, "debug": False}
    rest = []
    for arg in argv:
        if arg in _GLOBAL_FLAGS:
            opts[_GLOBAL_FLAGS[arg]] = True
        else:
            rest.append(arg)
    if rest[:2] != ["generate", "bundle"]:
        return None
    args = rest[2:]
    i = 0
    while i < len(args):
        arg = args[i]
        if arg in _BOOL_FLAGS:
            opts[_BOOL_FLAGS[arg]] = True
        elif arg in _VALUE_FLAGS and i + 1 < len(args):
            i += 1
            name = _VALUE_FLAGS[arg]
            if name == "file":
                opts["file"].append(args[i])
            else:
                opts[name] = args[i]
        else:
            return None  # --explain, --check, --offline, --flag=value, …: the full CLI
        i += 1
    return opts


def project(files: Sequence[str], cwd: str) -> tuple[str, list[str]] | None:
    """Return (root, entries relative to it) as ``ork.api.Project.from_files`` would."""
    if not files:
        found = [n for n in DEFAULT_ENTRIES if os.path.isfile(os.path.join(cwd, n))]
        if not found:
            return None
        files = found[:1]
    paths = [os.path.normpath(os.path.join(cwd, f)) for f in files]
    if not all(os.path.isfile(p) for p in paths):
        return None
    root = os.path.dirname(paths[0])
    return root, [os.path.relpath(p, root).replace(os.sep, "/") for p in paths]


def key(opts: Mapping[str, Any], entries: Sequence[str], lock_bytes: bytes,
        env: Mapping[str, str]) -> str:
    """Return the fast-path key of a build: everything that decides its outputs."""
    ns = opts["namespace"] or env.get("ORK_NAMESPACE") or "orkestra-system"
    data = (__version__, sorted(STAGE_VERSIONS.items()), sys.version, tuple(entries), ns,
            opts["workload"],
            bool(opts["locked"]), bool(opts["allow_outside_root"]),
            str(opts["max_file_size"] or 8 * 1024 * 1024), _sha256(lock_bytes),
            tuple(env.get(k, "") for k in _SOURCE_ENV))
    return _sha256(repr(data).encode())


def cache_dir(env: Mapping[str, str]) -> str:
    """Return the cache directory, as the CLI resolves it."""
    if env.get("ORK_CACHE_DIR"):
        return env["ORK_CACHE_DIR"]
    if env.get("XDG_CACHE_HOME"):
        return os.path.join(env["XDG_CACHE_HOME"], "ork")
    return os.path.join(os.path.expanduser("~"), ".cache", "ork")


def _record_path(cache: str, key_: str) -> str:
    hexd = key_.split(":", 1)[1]
    return os.path.join(cache, "fast", hexd[:2], hexd)


def _object(cache: str, digest: str) -> bytes | None:
    hexd = digest.split(":", 1)[1]
    try:
        with open(os.path.join(cache, "objects", "sha256", hexd[:2], hexd), "rb") as fh:
            data = fh.read()
    except OSError:
        return None
    return data if _sha256(data) == digest else None


def _read(path: str, *, limit: int | None = None) -> bytes | None:
    """Return a regular file's bytes; None for anything else (a device, a pipe: the full
    CLI answers those), for a file over ``limit`` bytes (the full CLI refuses it), or when
    it cannot be read."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):  # before open: a FIFO blocks in open
            return None
        with open(path, "rb") as fh:
            st = os.fstat(fh.fileno())
            if not stat.S_ISREG(st.st_mode) or (limit is not None and st.st_size > limit):
                return None
            return fh.read()
    except OSError:
        return None


def _max_file_size(opts: Mapping[str, Any]) -> int:
    """Return ``--max-file-size`` as the full CLI reads it (-1, reading nothing, when it
    would refuse the value)."""
    try:
        value = int(opts["max_file_size"] or 8 * 1024 * 1024)
    except ValueError:
        return -1
    return value if value >= 1 else -1


def _holds(path: str, data: bytes) -> bool:
    """Return whether ``path`` is a regular file holding exactly ``data`` (read no more)."""
    try:
        with open(path, "rb") as fh:
            st = os.fstat(fh.fileno())
            if not stat.S_ISREG(st.st_mode) or st.st_size != len(data):
                return False
            return fh.read(len(data) + 1) == data
    except OSError:
        return False


def _namespaces_valid(opts: Mapping[str, Any], env: Mapping[str, str]) -> bool:
    """Return whether -n, -w and ORK_NAMESPACE are valid (else the full CLI says why)."""
    given = [v for v in (opts["namespace"], opts["workload"]) if v is not None]
    if env.get("ORK_NAMESPACE"):  # "" is unset
        given.append(env["ORK_NAMESPACE"])
    return all(_label(v) for v in given)


def _label(name: str) -> bool:
    """Return whether ``name`` is an RFC 1123 label (``ork.validation.values.valid_name``
    without importing ``re``)."""
    return (0 < len(name) <= 63 and name.isascii() and name[0] != "-" and name[-1] != "-"
            and all(c.isdigit() or c.islower() or c == "-" for c in name))


def try_generate(argv: Sequence[str], env: Mapping[str, str] | None = None,
                 cwd: str | None = None) -> int | None:
    """Serve a warm no-op build from the cache; None means "run the full CLI"."""
    env = os.environ if env is None else env
    cwd = cwd or os.getcwd()
    opts = parse(argv)
    if opts is None or not _namespaces_valid(opts, env):
        return None
    found = project(opts["file"], cwd)
    if found is None:
        return None
    root, entries = found
    lock_path = os.path.join(cwd, opts["lock"]) if opts["lock"] else os.path.join(root,
                                                                                  "ork.lock")
    limit = _max_file_size(opts)
    lock_bytes = _read(lock_path, limit=limit)
    if lock_bytes is None:
        return None
    cache = cache_dir(env)
    raw = _read(_record_path(cache, key(opts, entries, lock_bytes, env)))
    if raw is None:
        return None
    try:
        rec = marshal.loads(raw)
        for rel, digest in rec["files"].items():
            data = _read(os.path.join(root, rel), limit=limit)
            if data is None or _sha256(data) != digest:
                return None
        bundle = _object(cache, rec["bundle"])
        if bundle is None or _object(cache, rec["lock"]) != lock_bytes:
            return None
    except (ValueError, EOFError, KeyError, TypeError, AttributeError):
        return None
    return _finish(opts, cwd, root, bundle, rec.get("warnings") or [], env)


def _finish(opts: Mapping[str, Any], cwd: str, root: str, bundle: bytes, warnings: list[Any],
            env: Mapping[str, str]) -> int:
    """Write the bundle, then print what the full CLI prints: warnings, then a note.

    A failed write prints the same diagnostic as the full CLI and returns its exit code.
    """
    state = "unchanged"
    if opts["output"] != "-" and not _holds(os.path.join(cwd, opts["output"]), bundle):
        from pathlib import Path

        from .errors import OrkError
        from .fsio import write_if_changed

        try:
            write_if_changed(Path(cwd, opts["output"]), bundle, shown=opts["output"],
                             option="-o")
        except OrkError as exc:
            _print_diagnostics(exc.diagnostics, opts, env, root)
            return exc.exit_code
        state = "wrote"
    if warnings and not opts["quiet"]:
        from .diagjson import load as diagnostics_from_json

        _print_diagnostics(diagnostics_from_json(warnings), opts, env, root)
    if opts["output"] == "-":
        sys.stdout.write(bundle.decode("utf-8"))
        sys.stdout.flush()
        return 0
    if not opts["quiet"]:
        sys.stderr.write(f"{state} {opts['output']} ({_sha256(bundle)[7:19]})\n")
    return 0


def _print_diagnostics(diagnostics: Sequence[Diagnostic], opts: Mapping[str, Any],
                       env: Mapping[str, str], root: str) -> None:
    """Print diagnostics to stderr as ``ork.cli.common`` does (warnings, or one error)."""
    from .diagnostics import render_text

    def source(path: str) -> str | None:
        data = _read(os.path.join(root, path))
        return data.decode("utf-8-sig", "replace") if data is not None else None

    color = not opts["no_color"] and "NO_COLOR" not in env and sys.stderr.isatty()
    sys.stderr.write(render_text(diagnostics, source, color=color))


def record(argv: Sequence[str], env: Mapping[str, str], cwd: str, files: Mapping[str, str],
           bundle: str, lock: str, warnings: list[Any]) -> None:
    """Remember a successful build so that the same build again is served fast."""
    opts = parse(argv)
    if opts is None:
        return
    found = project(opts["file"], cwd)
    if found is None:
        return
    root, entries = found
    lock_path = os.path.join(cwd, opts["lock"]) if opts["lock"] else os.path.join(root,
                                                                                  "ork.lock")
    lock_bytes = _read(lock_path)
    if lock_bytes is None:
        return
    path = _record_path(cache_dir(env), key(opts, entries, lock_bytes, env))
    body = marshal.dumps({"files": dict(files), "bundle": bundle, "lock": lock,
                          "warnings": list(warnings)})
    from pathlib import Path

    from .store import write_atomic

    write_atomic(Path(path), body)
