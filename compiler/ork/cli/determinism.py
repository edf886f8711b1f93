"""``ork generate bundle --check``: compile again elsewhere and compare every byte.

Two more compiles run in subprocesses with another ``PYTHONHASHSEED``, ``TZ``, locale,
umask, working directory and a cold cache; any difference names the first document and
field that differ.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from ..errors import OrkError
from .common import Settings, note

VARIANTS = (
    {"PYTHONHASHSEED": "1", "TZ": "Pacific/Kiritimati", "LC_ALL": "C", "umask": 0o077},
    {"PYTHONHASHSEED": "4242", "TZ": "America/St_Johns", "LC_ALL": "C.UTF-8", "umask": 0o002},
)


def check_determinism(settings: Settings, project: Any, options: Any, ctx: Any,
                      files: tuple[str, ...]) -> None:
    """Compile the project here and in varied subprocesses; fail on any difference.

    Raises:
        OrkError: nondeterministic-output, or the build's own errors.
    """
    from .. import api
    from ..canonical import sha256, short
    from ..determinism import first_difference

    here = api.generate_bundle(project, options, ctx, output=None, write_lock=False)
    entries = [str(project.root / e) for e in project.entries]
    lock = options.lock_path or project.root / "ork.lock"
    for i, variant in enumerate(VARIANTS, 1):
        with tempfile.TemporaryDirectory(prefix="ork-check-") as tmp:
            work = Path(tmp)
            if lock.is_file():
                shutil.copyfile(lock, work / "ork.lock")
            other = _compile(settings, entries, work, variant, options)
        diff = first_difference(here.bundle, other)
        if diff is not None:
            raise OrkError("nondeterministic-output",
                           f"the bundle differs when compiled under variant {i}: {diff}",
                           hint="report this with both bundles: ork guarantees identical bytes")
    note(settings, f"deterministic: {short(sha256(here.bundle))} under "
                   f"{len(VARIANTS) + 1} environments")


def _compile(settings: Settings, entries: list[str], work: Path, variant: dict[str, Any],
             options: Any) -> bytes:
    env = dict(settings.env)
    env.update({k: v for k, v in variant.items() if k != "umask"})
    env["ORK_CACHE_DIR"] = str(work / "cache")
    cmd = [sys.executable, "-m", "ork", "--quiet", "generate", "bundle",
           "-o", str(work / "bundle.yaml"), "--lock", str(work / "ork.lock"),
           "-n", options.namespace, "--max-file-size", str(options.max_file_size)]
    for e in entries:
        cmd += ["-f", e]
    if options.workload_namespace:
        cmd += ["-w", options.workload_namespace]
    if options.allow_outside_root:
        cmd.append("--allow-outside-root")
    umask = variant["umask"]
    proc = subprocess.run(cmd, cwd=work, env=env, capture_output=True, check=False,
                          preexec_fn=lambda: os.umask(umask))
    if proc.returncode != 0:
        raise OrkError("nondeterministic-output",
                       "a compile with a cold cache failed where this one succeeded, so this "
                       "build depends on this machine's cache:\n"
                       + proc.stderr.decode("utf-8", "replace").strip()[:800],
                       hint="a pinned source is only in your cache: run `ork lock --update` "
                            "for it, or `ork vendor` the sources CI needs")
    return (work / "bundle.yaml").read_bytes()
