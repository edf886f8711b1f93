"""Crash safety (issue 10 §3): ``kill -9`` at random moments, 50 times per writer.

After every kill: ``bundle.yaml`` and ``ork.lock`` are each byte for byte the previous
version or the complete new one (checked against what the next, finished run writes);
every object in the cache hashes to its name; at most one temp file per directory is
left (the next write in a directory removes what killed writers left there); and
periodically the next run, not killed, succeeds. The child processes run on a slow disk
(see ``child.py``), and half the kills come a random moment after the child announced
the write of an output, so a good share lands inside the writes; how many did is
asserted, so a test that stopped reaching them would fail.

The scenarios: ``ork generate bundle`` of a generated 20-CRD project (a new build every
time: the project changes between runs) and ``ork lock``, on one shared cache.
"""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from .checks import temp_files, unverified_objects
from .killing import Aim, child, kill_after, temps_per_directory, timed
from .projects import environment, run, write_big

REPS = 50  # kills per scenario, over LANES project directories sharing one cache
LANES = 2
CRDS = 20
SLOW = 0.003  # seconds per write (of at most 16 KiB), fsync and rename
OUTPUTS = ("bundle.yaml", "ork.lock")


@dataclass(frozen=True)
class Scenario:
    """One ork command killed over and over in project directories sharing a cache."""

    command: tuple[str, ...]
    cache: Path
    env: dict[str, str]
    target: str  # the output whose write the announced kills aim at
    window: float  # how long after the write began an announced kill may come

    @property
    def expect(self) -> tuple[str, ...]:
        """Return the outputs a finished run changes."""
        return OUTPUTS if self.command[0] == "generate" else ("ork.lock",)

    def line(self, slow: float = SLOW) -> list[str]:
        """Return the child's command line."""
        return child(["--announce", self.target, *self.command], slow=slow)


def _read(root: Path) -> dict[str, bytes | None]:
    return {n: (root / n).read_bytes() if (root / n).exists() else None for n in OUTPUTS}


def _project_temps(root: Path) -> list[str]:
    return [t for t in temp_files(root) if "/" not in t]


def _check_after_kill(s: Scenario, root: Path, before: dict[str, bytes | None], *,
                      settle: bool) -> str:
    """Check one killed run; return where the kill landed (before, during, after)."""
    now = _read(root)
    temps = _project_temps(root)
    assert len(temps) <= len(OUTPUTS), temps  # one per output at most: older ones swept
    assert unverified_objects(s.cache) == []
    crowded = {d: n for d, n in temps_per_directory(s.cache).items() if n > LANES}
    assert crowded == {}, crowded  # one per directory and lane at most: older ones swept
    changed = [n for n in OUTPUTS if now[n] != before[n]]
    if changed or settle:
        code, out = run(list(s.command), cwd=root, env=s.env)
        assert code == 0, out
        after = _read(root)
        for name in changed:  # a changed file was the whole new version, not a torn one
            assert after[name] == now[name], f"{name} was torn by the kill"
        assert _project_temps(root) == []
    if temps:
        return "during"  # inside a write: between temp file and rename
    if not changed:
        return "before"
    return "after" if set(changed) == set(s.expect) else "between"  # bundle.yaml, not ork.lock


def _lane(s: Scenario, root: Path, lane: int, span: float) -> Counter[str]:
    """Kill ``REPS / LANES`` runs in one project directory; count where the kills landed."""
    aim = Aim(span, seed=lane * 100 + len(s.command), window=s.window)
    phases: Counter[str] = Counter()
    for rep in range(1, REPS // LANES + 1):
        # A new flavour each time (a real build); the Motif version flips the lock too.
        write_big(root, CRDS, f"lane{lane}-r{rep}", "v1.1.0" if rep % 2 else "v1.0.0")
        before = _read(root)
        announced, delay = aim.moment(rep)
        code = kill_after(s.line(), delay, cwd=root, env=s.env, announced=announced)
        assert code in (0, None), f"exit {code}"
        phases["finished" if code == 0 else
               _check_after_kill(s, root, before, settle=rep % 5 == 0)] += 1
    code, out = run(list(s.command), cwd=root, env=s.env)
    assert code == 0, out
    assert _project_temps(root) == []
    return phases


@pytest.mark.parametrize(("command", "target", "window"),
                         [(("generate", "bundle"), "bundle.yaml", 0.06),
                          (("lock",), "ork.lock", 0.015)], ids=["generate-bundle", "lock"])
def test_kill_9_never_tears_outputs_or_the_cache(tmp_path: Path, command: tuple[str, ...],
                                                 target: str, window: float) -> None:
    cache = tmp_path / "cache"
    s = Scenario(command, cache, environment(cache), target, window)
    roots = [write_big(tmp_path / f"p{lane}", CRDS, "first") for lane in range(LANES)]
    timed(s.line(), cwd=roots[0], env=s.env)  # the first run pays for a cold start
    span = timed(s.line(), cwd=write_big(roots[1], CRDS, "second"), env=s.env)
    with ThreadPoolExecutor(LANES) as pool:
        lanes = [pool.submit(_lane, s, root, lane, span) for lane, root in enumerate(roots)]
        phases = sum((f.result() for f in lanes), Counter[str]())
    assert unverified_objects(cache) == []
    print(f"{' '.join(command)}: span {span:.2f} s, kills {dict(phases)}")
    assert phases["during"] + phases["between"] >= 3, phases  # the kills reached the writes
    assert phases["before"] >= 5, phases  # and before them
