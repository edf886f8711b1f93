"""The runtime physically cannot fetch a source: it imports no compiler stage."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

FORBIDDEN = ("ork.stages", "ork.pipeline", "ork.merging", "ork.registry", "ork.api",
             "networkx", "oras", "click")

PROBE = textwrap.dedent("""\
    import importlib, json, pkgutil, sys
    import ork.runtime
    names = sorted(m.name for m in pkgutil.iter_modules(ork.runtime.__path__, "ork.runtime."))
    for name in names:
        importlib.import_module(name)
    print(json.dumps({"submodules": names, "loaded": sorted(sys.modules)}))
""")


def test_the_runtime_imports_no_compiler_stage_nor_their_libraries() -> None:
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True,
                          check=True)
    result = json.loads(done.stdout)
    assert "ork.runtime.reconcile" in result["submodules"]
    assert "ork.runtime.kube" in result["submodules"]
    assert len(result["submodules"]) >= 20
    bad = [m for m in result["loaded"]
           if any(m == f or m.startswith(f + ".") for f in FORBIDDEN)]
    assert bad == []
    assert "ork.templates" in result["loaded"]  # the engine is what the runtime does use


def test_the_probe_would_notice_a_forbidden_import() -> None:
    done = subprocess.run([sys.executable, "-c", PROBE.replace(
        "import ork.runtime\n", "import ork.runtime\nimport ork.pipeline\n")],
        capture_output=True, text=True, check=True)
    loaded = json.loads(done.stdout)["loaded"]
    assert any(m == "ork.pipeline" for m in loaded)
