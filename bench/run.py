"""``just bench``: run whole ork processes over synthetic platforms; write docs/benchmarks.md.

Every figure is the median of several runs of a real ``ork`` process, and is also given as
a ratio to a floor measured in the same run: ``python -c pass`` for start-up, and a script
that only reads and parses the same YAML (with libyaml) for builds. Ratios survive a
slower or busier machine better than seconds do; both are reported against the targets
of the performance issue.

``python bench/run.py [--quick]`` (``--quick``: fewer repetitions, no L platform).
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
from bench import generate  # noqa: E402

PYTHON = sys.executable
ORK = str(Path(PYTHON).parent / "ork")
PARSE_ONLY = ("import sys, pathlib, yaml\n"
              "for p in sorted(pathlib.Path(sys.argv[1]).rglob('*.yaml')):\n"
              "    list(yaml.load_all(p.read_bytes(), Loader=yaml.CSafeLoader))\n")
# ork runs in this fresh process and reports VmHWM: the peak of the address space exec
# made. (getrusage's ru_maxrss survives execve on Linux, so it would include the peak of
# whatever process forked this one.)
PEAK = ("import io, contextlib, sys\n"
        "from ork.entry import main\n"
        "sys.argv = ['ork', *sys.argv[1:]]\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    assert main() == 0\n"
        "hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM:')]\n"
        "print(hwm[0].split()[1])\n")


@dataclass
class Figure:
    """One measured scenario: its median seconds, the floor it is compared with, a target."""

    name: str
    command: str
    seconds: float
    floor: str
    ratio: float
    target: str
    ok: bool


def median_seconds(cmd: list[str], cwd: Path, env: dict[str, str], runs: int,
                   before: Callable[[int], None] | None = None) -> float:
    """Return the median wall time of ``runs`` runs (``before(i)`` prepares run i)."""
    times = []
    for i in range(runs):
        if before is not None:
            before(i)
        start = time.perf_counter()
        subprocess.run(cmd, cwd=cwd, env=env, check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def peak_mib(cmd: list[str], cwd: Path, env: dict[str, str]) -> float:
    """Return the peak RSS of one run of ``ork ARGS`` (``cmd[0]`` is ork), measured inside it."""
    out = subprocess.run([PYTHON, "-c", PEAK, *cmd[1:]], cwd=cwd, env=env, check=True,
                         capture_output=True, text=True)
    return int(out.stdout.strip()) / 1024


class Bench:
    """The platforms, the environment, and the figures measured so far."""

    def __init__(self, root: Path, quick: bool) -> None:
        self.root = root
        self.quick = quick
        self.runs = 3 if quick else 7
        self.figures: list[Figure] = []
        self.notes: dict[str, float] = {}
        self.cold: dict[str, float] = {}  # cold build seconds by size
        # As installed: a wheel install compiles bytecode, so ork must not be measured
        # compiling its own sources on every run (as it would in an environment with
        # PYTHONDONTWRITEBYTECODE, or before the first run of an editable install).
        self.env = {k: v for k, v in os.environ.items()
                    if not k.startswith("ORK_") and k != "PYTHONDONTWRITEBYTECODE"}
        self.env["NO_COLOR"] = "1"
        subprocess.run([PYTHON, "-m", "compileall", "-q", str(REPO / "compiler" / "ork")],
                       env=self.env, check=True, stdout=subprocess.DEVNULL)

    def platform(self, size: str) -> Path:
        where = self.root / size
        if not where.exists():
            generate.write(size, where)
        return where

    def cache_env(self, size: str) -> dict[str, str]:
        return {**self.env, "ORK_CACHE_DIR": str(self.root / f"cache-{size}")}

    def add(self, name: str, command: str, seconds: float, floor_name: str, floor: float,
            target: str, ok: bool) -> None:
        self.figures.append(Figure(name, command, seconds, floor_name, seconds / floor,
                                   target, ok))


def startup(b: Bench) -> float:
    floor = median_seconds([PYTHON, "-c", "pass"], b.root, b.env, b.runs)
    b.notes["python -c pass"] = floor
    for flag in ("--version", "--help"):
        s = median_seconds([ORK, flag], b.root, b.env, b.runs)
        b.add(f"ork {flag}", f"ork {flag}", s, "python -c pass", floor, "≤ 120 ms", s <= 0.120)
    return floor


def builds(b: Bench, size: str, floor_start: float) -> float:
    where = b.platform(size)
    env = b.cache_env(size)
    cmd = [ORK, "-q", "generate", "bundle", "-f", "komposer.yaml", "-o", "bundle.yaml"]
    parse = median_seconds([PYTHON, "-c", PARSE_ONLY, str(where)], where, b.env, b.runs)
    b.notes[f"parse-only floor {size}"] = parse
    crds = generate.crd_count(size)
    cold_runs = 3 if size == "L" else b.runs
    cold = median_seconds(cmd, where, env, cold_runs,
                          before=lambda _: shutil.rmtree(env["ORK_CACHE_DIR"], True))
    targets = {"S": ("-", True), "M": ("≤ 1.5 s", cold <= 1.5), "L": ("≤ 6 s", cold <= 6.0)}
    b.add(f"cold build {size} ({crds} CRDs)", " ".join(cmd[1:]), cold, "parse only", parse,
          *targets[size])
    b.notes[f"cold per CRD {size}"] = cold / crds
    b.cold[size] = cold
    warm = median_seconds(cmd, where, env, b.runs)
    ok = size != "M" or (warm <= 0.150 and warm <= 3 * floor_start)
    b.add(f"warm no-op rebuild {size}", " ".join(cmd[1:]), warm, "python -c pass",
          floor_start, "≤ 150 ms and ≤ 3× floor" if size == "M" else "-", ok)
    return cold


def rebuild_one(b: Bench, size: str) -> float:
    """Median seconds of a build of ``size`` after one CRD's description changed in its
    Katalog (a different edit each run, so every run rebuilds)."""
    cmd = [ORK, "-q", "generate", "bundle", "-f", "komposer.yaml", "-o", "bundle.yaml"]
    katalog, crd = ("katalog-1", "app-1-0") if size == "S" else ("katalog-7", "app-7-0")
    where = b.platform(size)
    target = where / "katalogs" / f"{katalog}.yaml"
    original = target.read_text()

    def change(i: int) -> None:
        target.write_text(original.replace(f"Synthetic CRD {crd}",
                                           f"Synthetic CRD {crd} (edit {time.time_ns()})"))

    try:
        return median_seconds(cmd, where, b.cache_env(size), b.runs, before=change)
    finally:
        target.write_text(original)


def one_change(b: Bench, cold_m: float) -> None:
    """Rebuild M after one Katalog changes; and the same edit on S, which is the most a
    rebuild could save: it does the start-up and one Katalog's work, no more."""
    command = "-q generate bundle -f komposer.yaml -o bundle.yaml"
    s = rebuild_one(b, "M")
    b.add("rebuild M after one Katalog changes", command, s, "cold build M", cold_m,
          "≤ 40% of cold", s <= 0.4 * cold_m)
    s = rebuild_one(b, "S")
    b.add("rebuild S after one Katalog changes (the least an M rebuild can cost)", command, s,
          "cold build M", cold_m, "-", True)


def one_change_l(b: Bench, cold_l: float) -> None:
    """The same edit on L: where the start-up is a small part of the cold build, the ratio
    shows what the rebuild itself saves."""
    s = rebuild_one(b, "L")
    b.add("rebuild L after one Katalog changes (the same ratio where start-up is small)",
          "-q generate bundle -f komposer.yaml -o bundle.yaml", s, "cold build L", cold_l,
          "-", True)


def plan(b: Bench, parse_floor: float) -> None:
    where = b.platform("M")
    env = b.cache_env("M")
    subprocess.run([ORK, "-q", "generate", "bundle", "-o", "deployed.yaml"], cwd=where, env=env,
                   check=True)
    target = where / "katalogs" / "katalog-3.yaml"
    original = target.read_text()

    def change(i: int) -> None:
        target.write_text(original.replace("workers: 2", f"workers: {3 + i % 40}", 1))

    cmd = [ORK, "-q", "plan", "--bundle", "deployed.yaml"]
    s = median_seconds(cmd, where, env, b.runs, before=change)
    target.write_text(original)
    b.add("ork plan on a one-field change (M)", " ".join(cmd[1:]), s, "parse only",
          parse_floor, "-", True)


def simulate(b: Bench, floor_start: float) -> None:
    where = b.platform("S")
    env = b.cache_env("S")
    crs = generate.write_crs(100, where / "crs")
    cmd = [ORK, "-q", "simulate", "--bundle", "bundle.yaml", "--cycles", "3"]
    for cr in crs:
        cmd += ["--cr", str(cr.relative_to(where))]
    s = median_seconds(cmd, where, env, b.runs)
    b.add("ork simulate, 100 CRs × 3 cycles", "ork simulate --bundle bundle.yaml "
          "--cr … (100) --cycles 3", s, "python -c pass", floor_start, "≤ 1 s", s <= 1.0)


def rss(b: Bench) -> None:
    where = b.platform("L")
    env = b.cache_env("L")
    shutil.rmtree(env["ORK_CACHE_DIR"], True)
    mib = peak_mib([ORK, "-q", "generate", "bundle", "-o", "bundle.yaml"], where, env)
    b.notes["peak RSS of the cold L build (MiB)"] = mib


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores ({cpu}), "
            f"Python {platform.python_version()}")


def report(b: Bench) -> str:
    rows = "\n".join(
        f"| {f.name} | `{f.command}` | {f.seconds * 1000:.0f} ms | {f.ratio:.2f}× {f.floor} "
        f"| {f.target} | {'yes' if f.ok else '**no**'} |" for f in b.figures)
    notes = "\n".join(f"| {k} | {v * 1000:.1f} ms |" if "MiB" not in k else
                      f"| {k} | {v:.0f} MiB |" for k, v in b.notes.items())
    linear = _linearity(b)
    rss_mib = b.notes.get("peak RSS of the cold L build (MiB)")
    rss_line = (f"Peak RSS of the cold L build: {rss_mib:.0f} MiB (target ≤ 200 MB, "
                f"{'met' if rss_mib * 1.048576 <= 200 else '**not met**'}).\n"
                if rss_mib else "")
    return f"""# Benchmarks

Measured by `just bench` (`python bench/run.py{' --quick' if b.quick else ''}`), which
runs whole `ork` processes over synthetic platforms written by `bench/generate.py`:
a Komposer importing N Katalog files of M CRDs, each CRD importing 2 Motifs (one from the
embedded registry, one local) with its own templates, status fields and admission rules.
Sizes: S = 11 CRDs, M = 201 CRDs in 50 Katalogs, L = 1,001 CRDs in 200 Katalogs (each
plus the imported `webapp`). Figures are medians of {b.runs} runs (3 for cold L builds);
each is also a ratio to a floor measured in the same run. ork's bytecode is compiled
first, as a wheel install has it.

Machine: {machine()}.

| scenario | command | median | ratio | target | met |
| --- | --- | --- | --- | --- | --- |
{rows}
{linear}
{rss_line}
Floors and other figures:

| measurement | value |
| --- | --- |
{notes}

Reproduce with `just bench`; the numbers above are from the last run committed.

{_log()}
"""


def _linearity(b: Bench) -> str:
    """Time per CRD from M to L, judged on the slope: each step's added time per added CRD.

    A build is start-up (interpreter, imports: the same for any size) plus work per CRD.
    Cold time divided by CRDs folds the start-up in, so it falls as platforms grow even
    when the work is exactly linear; the slope between sizes is what linear means.
    """
    if not all(k in b.cold for k in "SML"):
        return ""
    crds = {k: generate.crd_count(k) for k in "SML"}
    slope_m = (b.cold["M"] - b.cold["S"]) / (crds["M"] - crds["S"])
    slope_l = (b.cold["L"] - b.cold["M"]) / (crds["L"] - crds["M"])
    drift = (slope_l / slope_m - 1) * 100
    plain_m, plain_l = b.cold["M"] / crds["M"], b.cold["L"] / crds["L"]
    return (f"\nTime per CRD, cold: each CRD added costs {slope_m * 1000:.2f} ms from S to M "
            f"and {slope_l * 1000:.2f} ms from M to L, {drift:+.0f}% (target: within ±25%, "
            f"{'met' if abs(drift) <= 25 else '**not met**'}). Cold time divided by CRDs, "
            f"which counts the start-up in: {plain_m * 1000:.2f} ms (M), "
            f"{plain_l * 1000:.2f} ms (L).\n")


def _log() -> str:
    """The optimisation log (kept by hand in bench/optimisations.md)."""
    return (Path(__file__).parent / "optimisations.md").read_text().rstrip()


def main() -> None:
    quick = "--quick" in sys.argv
    with tempfile.TemporaryDirectory(prefix="ork-bench-") as tmp:
        b = Bench(Path(tmp), quick)
        floor = startup(b)
        builds(b, "S", floor)
        cold_m = builds(b, "M", floor)
        one_change(b, cold_m)
        plan(b, b.notes["parse-only floor M"])
        simulate(b, floor)
        if not quick:
            one_change_l(b, builds(b, "L", floor))
            rss(b)
        text = report(b)
    out = REPO / "docs" / "benchmarks.md"
    out.write_text(text)
    print(text)
    print(json.dumps({f.name: round(f.seconds, 4) for f in b.figures}, indent=1))


if __name__ == "__main__":
    main()
