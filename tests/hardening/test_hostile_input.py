"""Hostile input (issue 10 §4): every case ends in a diagnostic — never a traceback —
within stated bounds, measured in a fresh process per case.

Bounds: 20 s of wall time (the cases take well under 2 s here; the margin is for a loaded
CI machine) and 256 MiB of peak RSS (ork's own, imports included; the cases stay under
100 MiB). docs/security.md states the same limits.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import REPO

MAX_SECONDS = 20.0
MAX_MIB = 256.0
HEADER = ("apiVersion: orkestra.orkspace.io/v1\nkind: Katalog\nmetadata: {name: x}\nspec:\n"
          "  crds:\n    a:\n      apiTypes: {kind: A}\n")


def _run(tmp: Path, *args: str) -> tuple[dict[str, float], str]:
    out = tmp / "measure.json"
    env = {k: v for k, v in os.environ.items() if not k.startswith("ORK_")}
    env.update({"ORK_CACHE_DIR": str(tmp / "cache"), "NO_COLOR": "1", "PYTHONPATH": str(REPO)})
    proc = subprocess.run([sys.executable, "-m", "tests.hardening.measure", str(out), *args],
                          cwd=tmp, env=env, capture_output=True, text=True, check=False,
                          timeout=120)
    assert "Traceback" not in proc.stderr, proc.stderr
    return json.loads(out.read_text()), proc.stderr


def _katalog_with(extra: str) -> Callable[[Path], list[str]]:
    def make(tmp: Path) -> list[str]:
        (tmp / "katalog.yaml").write_text(HEADER + extra)
        return ["generate", "bundle", "-f", "katalog.yaml"]
    return make


def _alias_bomb(tmp: Path) -> list[str]:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]
    (tmp / "katalog.yaml").write_text("\n".join(lines) + "\n")
    return ["generate", "bundle", "-f", "katalog.yaml"]


def _huge(tmp: Path) -> list[str]:
    with (tmp / "katalog.yaml").open("w") as fh:
        fh.write(HEADER + "# " + "x" * (20 * 1024 * 1024) + "\n")
    return ["generate", "bundle", "-f", "katalog.yaml"]


def _raw(data: bytes) -> Callable[[Path], list[str]]:
    def make(tmp: Path) -> list[str]:
        (tmp / "katalog.yaml").write_bytes(HEADER.encode() + data)
        return ["generate", "bundle", "-f", "katalog.yaml"]
    return make


def _komposer_importing(path: str) -> Callable[[Path], list[str]]:
    def make(tmp: Path) -> list[str]:
        (tmp / "komposer.yaml").write_text(
            "apiVersion: orkestra.orkspace.io/v1\nkind: Komposer\nmetadata: {name: k}\n"
            f"imports:\n  files: ['{path}']\n")
        return ["generate", "bundle", "-f", "komposer.yaml"]
    return make


def _symlink_escape(tmp: Path) -> list[str]:
    (tmp / "katalogs").mkdir()
    (tmp / "katalogs" / "k.yaml").symlink_to("/etc/hostname")
    return _komposer_importing("./katalogs/k.yaml")(tmp)


def _big_motif(tmp: Path) -> list[str]:
    inputs = "".join(f"  - {{name: in{i}, default: v{i}}}\n" for i in range(10_000))
    data = "".join(f'        k{i}: "{{{{ .inputs.in{i} }}}}"\n' for i in range(10_000))
    (tmp / "motif.yaml").write_text(
        "apiVersion: orkestra.orkspace.io/v1\nkind: Motif\nmetadata: {name: big, version: v1}\n"
        f"inputs:\n{inputs}resources:\n  configMaps:\n    - name: big\n      data:\n{data}")
    withs = "".join(f'            in{i}: "{{{{ .spec.v{i} }}}}"\n' for i in range(10_000))
    (tmp / "katalog.yaml").write_text(
        HEADER + f"      imports:\n        - motif: ./motif.yaml\n          with:\n{withs}")
    return ["generate", "bundle", "-f", "katalog.yaml"]


def _komposer_cycle(tmp: Path) -> list[str]:
    from ork.registry import artifact
    from ork.registry.layout import LayoutRegistry

    layout = LayoutRegistry(tmp / "layout", name="layout", writable=True)
    n = 500
    for i in range(n):
        k = ("apiVersion: orkestra.orkspace.io/v1\nkind: Komposer\n"
             f"metadata: {{name: k{i}, version: v1}}\nimports:\n  registry:\n"
             f"    - {{url: 'oci-layout://layout:platforms/k{(i + 1) % n}', version: v1, "
             "useKomposer: true}\n").encode()
        built = artifact.build({"komposer.yaml": k, "katalog.yaml": k})
        layout.push(f"platforms/k{i}", "v1", built.blobs, built.manifest)
    (tmp / "komposer.yaml").write_text(
        "apiVersion: orkestra.orkspace.io/v1\nkind: Komposer\nmetadata: {name: top}\n"
        "imports:\n  registry:\n    - {url: 'oci-layout://layout:platforms/k0', version: v1, "
        "useKomposer: true}\n")
    return ["generate", "bundle", "-f", "komposer.yaml"]


def _template(text: str) -> Callable[[Path], list[str]]:
    return _katalog_with("      operatorBox:\n        reconcile:\n          onReconcile:\n"
                         "            configMaps:\n              - name: n\n"
                         f"                data: {{k: '{text}'}}\n")


CASES: dict[str, tuple[Callable[[Path], list[str]], int, str | None]] = {
    "yaml alias bomb": (_alias_bomb, 1, "yaml-too-complex"),
    "100-level nesting": (_katalog_with("      notes: " + "[" * 100 + "]" * 100 + "\n"), 1,
                          "yaml-too-complex"),
    "20 MiB file": (_huge, 1, "file-too-large"),
    "non-UTF-8 bytes": (_raw(b"      description: caf\xe9\n"), 1, "not-utf8"),
    "NUL bytes": (_raw(b'      description: "a\x00b"\n'), 1, "yaml-syntax"),
    "duplicate keys": (_raw(b"      description: one\n      description: two\n"), 1,
                       "duplicate-key"),
    "path traversal": (_komposer_importing("../../../../etc/passwd"), 1, "path-escapes-root"),
    "absolute path": (_komposer_importing("/etc/passwd"), 1, "path-escapes-root"),
    "symlink escape": (_symlink_escape, 1, "path-escapes-root"),
    "a Motif with 10,000 inputs": (_big_motif, 0, None),
    "a cycle of 500 Komposers": (_komposer_cycle, 1, "import-cycle"),
    "parentheses 5,000 deep": (_template("{{ " + "(" * 5000 + ".x" + ")" * 5000 + " }}"), 1,
                               "template-syntax"),
    "python internals and jinja2 syntax in templates": (
        _template('{{ .__class__.__mro__ }}{% import os %}{{ "{%" }}'), 0, None),
}


@pytest.mark.slow
@pytest.mark.parametrize("case", list(CASES))
def test_hostile_input_gets_a_diagnostic_within_bounds(case: str, tmp_path: Path) -> None:
    make, want_code, want_diag = CASES[case]
    args = make(tmp_path)
    measured, stderr = _run(tmp_path, *args)
    assert measured["code"] == want_code, stderr
    if want_diag is not None:
        assert f"error[{want_diag}]" in stderr, stderr
    assert measured["seconds"] < MAX_SECONDS, measured
    assert measured["peak_mib"] < MAX_MIB, measured
    if want_code != 0:
        assert not (tmp_path / "bundle.yaml").exists()
