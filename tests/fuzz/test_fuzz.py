"""Fuzzing (issue 10 §6): generated Katalogs, Komposers and templates never make ork fail
with an internal error, always give the same bytes, and round-trip.

* any input: exit 0 or 1 (never 70, never a traceback); the same input compiled on a
  cold cache elsewhere gives the same bytes, or the same diagnostics;
* ``ork template`` output is a fixed point: compiled again as a Katalog, it prints the
  same resolved Katalog;
* a lock written by ork reads back to the same lock and the same bytes;
* the template engine, given any string, returns problems or text — never another error.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ork import templates, yamlout
from tests.conftest import Ork

from .strategies import katalogs, komposers
from .strategies import templates as template_strings

FUZZ = settings(max_examples=40, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])


@contextmanager
def _project(files: dict[str, Any]) -> Iterator[Path]:
    root = Path(tempfile.mkdtemp(prefix="ork-fuzz-"))
    try:
        for name, doc in files.items():
            (root / name).write_text(yamlout.dump(doc))
        yield root
    finally:
        shutil.rmtree(root)


def _compile(ork: Ork, root: Path, entry: str, cache: str) -> tuple[int, str, str]:
    result = ork("generate", "bundle", "-f", entry, "-o", "-", cwd=root,
                 env={"ORK_CACHE_DIR": str(root / cache)})
    assert result.code in (0, 1), result
    assert "Traceback" not in result.stderr
    return result.code, result.stdout, result.stderr


@pytest.mark.slow
@FUZZ
@given(katalog=katalogs())
def test_katalogs_never_crash_and_always_give_the_same_bytes(ork: Ork,
                                                             katalog: dict[str, Any]) -> None:
    with _project({"katalog.yaml": katalog}) as root:
        first = _compile(ork, root, "katalog.yaml", "cache-a")
        assert _compile(ork, root, "katalog.yaml", "cache-a") == first  # warm
        assert _compile(ork, root, "katalog.yaml", "cache-b") == first  # cold


@pytest.mark.slow
@FUZZ
@given(data=st.data())
def test_komposers_never_crash_and_always_give_the_same_bytes(ork: Ork,
                                                              data: st.DataObject) -> None:
    parts = {f"k{i}.yaml": data.draw(katalogs()) for i in range(data.draw(st.integers(1, 2)))}
    parts["komposer.yaml"] = data.draw(komposers(sorted(parts)))
    with _project(parts) as root:
        first = _compile(ork, root, "komposer.yaml", "cache-a")
        assert _compile(ork, root, "komposer.yaml", "cache-b") == first


@pytest.mark.slow
@FUZZ
@given(data=st.data())
def test_the_resolved_katalog_is_a_fixed_point(ork: Ork, data: st.DataObject) -> None:
    parts = {"k0.yaml": data.draw(katalogs())}
    parts["komposer.yaml"] = data.draw(komposers(["k0.yaml"]))
    with _project(parts) as root:
        shown = ork("template", "-f", "komposer.yaml", cwd=root,
                    env={"ORK_CACHE_DIR": str(root / "cache")})
        assert shown.code in (0, 1), shown
        if shown.code != 0:
            return
        (root / "resolved").mkdir()
        (root / "resolved" / "katalog.yaml").write_text(shown.stdout)
        again = ork("template", "-f", "katalog.yaml", cwd=root / "resolved",
                    env={"ORK_CACHE_DIR": str(root / "cache")})
        assert again.code == 0, again
        assert again.stdout == shown.stdout


@pytest.mark.slow
@FUZZ
@given(katalog=katalogs(), registry=st.sampled_from([
    "webapp-operator:v1.1.0", "platform-app-operator:v1.0.0", "platform-app-operator:v1.1.0"]))
def test_a_lock_reads_back_to_the_same_bytes(ork: Ork, katalog: dict[str, Any],
                                             registry: str) -> None:
    from ork import lockfile

    komposer = {"apiVersion": "orkestra.orkspace.io/v1", "kind": "Komposer",
                "metadata": {"name": "lock-fuzz"}, "imports": {"registry": [registry]}}
    with _project({"komposer.yaml": komposer, "k.yaml": katalog}) as root:
        result = ork("lock", cwd=root, env={"ORK_CACHE_DIR": str(root / "cache")})
        assert result.code == 0, result
        data = (root / "ork.lock").read_bytes()
        lock = lockfile.loads(data, "ork.lock")
        assert lockfile.dumps(lock) == data
        assert lockfile.loads(lockfile.dumps(lock), "ork.lock") == lock


@FUZZ
@given(source=st.one_of(template_strings(), st.text(max_size=60)))
def test_the_template_engine_answers_any_string_with_problems_or_text(source: str) -> None:
    problems = templates.check(source, motif_inputs=None)
    context = {"metadata": {"name": "n"}, "spec": {"image": "i", "replicas": 2}}
    out: str | None = None
    code = None
    try:
        out = templates.render(source, context)
    except templates.ProblemError as err:
        code = err.problem.code
    if out is None:
        assert code in {"template-syntax", "unsupported-template-syntax", "unknown-function",
                        "wrong-argument-count", "template-execution", "inputs-outside-motif"}
        return
    assert isinstance(out, str)
    assert not [p for p in problems if p.code == "template-syntax"], (source, problems)
