"""The capstone: take a realistic program to targets set in advance, checked by the real toolchain.

    gm.capstone.targets_table()              # the targets, before anything is measured
    folder = gm.capstone.start()             # your copy of the baseline, to edit
    result = gm.capstone.check(folder)       # every target, yours against the baseline
    base = gm.capstone.check_baseline()      # the same check, the baseline in your place
    result.verdict, result.frame, result.bench
    gm.capstone.attempts(); gm.capstone.plot_attempts()

The program is gosamples/capstone, a telemetry aggregator reading JSON lines. A check builds a
harness (harness/main.go) around the baseline and your version, compares their reports on inputs
generated from a fresh seed, then measures both: benchmark runs interleaved, the GC's CPU share,
the peak heap under a memory limit, and the goroutineleak profile. `gomemlab capstone check
PATH` does the same from a terminal. A version whose files are still the baseline's is not an
attempt: its check says so at once, measures nothing and records nothing.

Roles: targets.py (the targets and how each is judged; pure), run.py (the harness: build, jobs),
result.py (CapstoneCheck), attempt_log.py (your record of attempts and its plot).
"""

from __future__ import annotations

import os
import shutil
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from statistics import median

from .. import files, settings, validate, workspace
from ..bench.run import MAX_COUNT, validate_benchtime
from ..errors import WorkspaceError
from ..provenance import Provenance
from . import attempt_log as _attempts
from . import run as _run
from . import targets as _targets
from .attempt_log import attempts, describe_attempts, plot_attempts
from .result import CapstoneCheck, targets_table
from .stages import STAGES, Stage, hints, stages
from .targets import TARGETS, Target

__all__ = [
    "STAGES",
    "TARGETS",
    "CapstoneCheck",
    "Stage",
    "Target",
    "attempts",
    "check",
    "check_baseline",
    "default_benchtime",
    "describe_attempts",
    "editor",
    "hints",
    "plot_attempts",
    "stages",
    "start",
    "targets_table",
]

MIN_COUNT = 10
"""At least this many benchmark runs of each version, as benchstat advises (the Mann–Whitney
rule itself can reach p < 0.05 from 4 a side)."""


def default_benchtime() -> str:
    """How long each benchmark run of a check lasts: 200ms, or 50ms in quick mode."""
    return "50ms" if settings.quick() else "200ms"


def start(folder: str | os.PathLike | None = None) -> Path:
    """Your copy of the baseline to edit (default: `capstone` in your data folder). An existing
    copy is kept as it is: nothing you wrote is overwritten."""
    target = (
        Path(folder).expanduser() if folder is not None else settings.data_folder() / "capstone"
    )
    if target.exists() and any(target.glob("*.go")):
        _module_file(target)
        return target
    original = workspace.sample("capstone").dir
    staging = target.with_name(f".{target.name}.new")
    shutil.rmtree(staging, ignore_errors=True)
    try:
        shutil.copytree(original, staging)
        _module_file(staging)
        if target.exists():
            _fill(staging, target)
        else:
            staging.rename(target)
    except OSError as error:
        shutil.rmtree(staging, ignore_errors=True)
        raise WorkspaceError(
            f"could not make your capstone copy in {target}: {error.strerror or error}; "
            "name a folder you can write: gm.capstone.start('some/folder')"
        ) from None
    return target


def editor(folder: str | os.PathLike | None = None, *, rows: int = 30):
    """Your copy's aggregate.go in the course's Go editor: "Save and check" writes it (atomically)
    and checks it; the verdict shows below. `folder` defaults to `start()`'s copy."""
    from .widgets import editor as make

    return make(start(folder), rows=rows)


def _module_file(folder: Path) -> None:
    """A go.mod of its own, unless it has one: `go test` and every tool of the course (the
    x-ray, pprof, trace) then run on the copy where it is."""
    module = folder / "go.mod"
    if not module.exists():
        files.write_atomic(
            module, f"module capstone\n\ngo {workspace.GO_DIRECTIVE}\n", what="your capstone go.mod"
        )


def _fill(staging: Path, target: Path) -> None:
    """Move the files of `staging` into the existing (empty of Go) `target`."""
    for item in staging.iterdir():
        item.rename(target / item.name)
    staging.rmdir()


def _announcer() -> Callable[[str], None]:
    """Show each step: a live line under the cell in a notebook, a line on stderr elsewhere."""
    try:
        from IPython import get_ipython
        from IPython.display import display

        shell = get_ipython()
    except ImportError:
        shell = None
    if shell is None or not hasattr(shell, "kernel"):

        def say(step: str) -> None:
            if step:
                print(f"capstone: {step}…", file=sys.stderr, flush=True)

        return say
    handle = display({"text/plain": "capstone: starting…"}, raw=True, display_id=True)

    def show(step: str) -> None:
        handle.update({"text/plain": f"⏳ capstone check: {step}…" if step else ""}, raw=True)

    return show


def check(
    version: str | os.PathLike | Mapping[str, str],
    *,
    seed: int | None = None,
    count: int = MIN_COUNT,
    benchtime: str | None = None,
    record: bool = True,
    timeout: float = 600.0,
    progress: Callable[[str], None] | None = None,
) -> CapstoneCheck:
    """Judge your version against every target; the baseline is measured in the same check.

    `version` is your package's folder, one of its .go files, its aggregate.go source, or a
    {file name: source} mapping. The report must equal the baseline's on inputs generated from
    `seed` (a fresh random one by default) before any target is measured. `count` benchmark runs
    of each version alternate (at least 10), each `benchtime` long (default 200ms; 50ms in
    quick mode). Each check is added to your attempts unless `record` is False. `timeout`
    bounds each job the check runs (the correctness job at most two minutes). `progress` is
    told each step (default: a line under the cell). On a 2-core machine at load ~28 a check
    took 67 s with a warm build cache, 210 s with a cold one; the baseline's check 17-24 s at
    load 7-8.

    A folder or mapping whose Go files (tests aside) are the baseline's, as text (line ends read
    as Python reads them, as for what a check compiles), is not an attempt: the answer comes at
    once, "not tried yet" (never solved), and nothing is measured or recorded.
    `check_baseline()` measures the baseline against itself.
    """
    count, benchtime, timeout, chosen = _settings(count, benchtime, timeout, seed)
    yours = _run.learner_files(version)
    shipped = _run.shipped_baseline()
    if _run.same_files(yours, shipped):
        return CapstoneCheck((), chosen, unchanged=True)
    result = _measured(yours, shipped, chosen, count, benchtime, timeout, progress)
    if record:
        _attempts.record(result)
    return result


def check_baseline(
    *,
    seed: int | None = None,
    count: int = MIN_COUNT,
    benchtime: str | None = None,
    timeout: float = 600.0,
    progress: Callable[[str], None] | None = None,
) -> CapstoneCheck:
    """The check with the baseline in your version's place: what each target reads for the
    program you start from, measured now (the same jobs, one program for both sides, since
    they are the same). Never one of your attempts. The arguments are check()'s."""
    count, benchtime, timeout, chosen = _settings(count, benchtime, timeout, seed)
    shipped = _run.shipped_baseline()
    return _measured(shipped, shipped, chosen, count, benchtime, timeout, progress)


def _settings(
    count: int, benchtime: str | None, timeout: float, seed: int | None
) -> tuple[int, str, float, int]:
    """A check's settings validated, and its seed (a fresh one unless given)."""
    count = validate.count(count, "count", minimum=MIN_COUNT, maximum=MAX_COUNT)
    benchtime = validate_benchtime(benchtime or default_benchtime())
    timeout = validate.timeout(timeout)
    chosen = (
        _run.fresh_seed()
        if seed is None
        else validate.count(seed, "seed", minimum=0, maximum=2**64 - 1)
    )
    return count, benchtime, timeout, chosen


def _measured(
    yours: Mapping[str, str],
    shipped: Mapping[str, str],
    seed: int,
    count: int,
    benchtime: str,
    timeout: float,
    progress: Callable[[str], None] | None,
) -> CapstoneCheck:
    """Build, measure and judge `yours` against the shipped baseline; the check's modules and
    programs are removed when it ends, however it ends."""
    announce = progress or _announcer()
    started = time.perf_counter()
    announce("building your version with the baseline and the harness")
    harness = _run.build(yours, shipped, timeout=timeout)
    try:
        harness.timeout = timeout
        measured = _run.measure(
            harness, seed=seed, count=count, benchtime=benchtime, on_step=announce
        )
        if _run.baseline_files() != shipped:
            raise WorkspaceError(
                f"the baseline in {workspace.sample('capstone').dir} changed while the check "
                "ran: code it ran wrote there. A version must not write outside its own folder; "
                "restore the baseline (git checkout gosamples/capstone) and check again"
            )
    finally:
        harness.remove()
    announce("")
    return _judge(measured, time.perf_counter() - started, harness.binary)


def _left(leaks: Mapping[str, int]) -> int:
    """Goroutines left after the runs: those the goroutineleak profile found blocked for ever,
    or, when more, those still there a second after the last run returned."""
    return max(leaks["leaked"], leaks.get("lingering", 0))


def _judge(m: _run.Measurements, seconds: float, binary: Path) -> CapstoneCheck:
    provenance = Provenance.of([binary, "correct", "-seed", str(m.seed)], run_seconds=seconds)
    difference = m.correctness.get("difference")
    if difference:
        return CapstoneCheck((), m.seed, dict(difference), seconds=seconds, provenance=provenance)
    from .. import bench

    runs_result = bench.parse("\n".join(m.bench_lines))
    runs = runs_result.frame
    t = _targets.by_name()

    def per_op(impl: str, unit: str) -> list[float]:
        return list(runs[runs["sub.impl"] == impl][unit])

    def budget(name: str, unit: str, limit: float, show: str) -> _targets.Judgement:
        base, mine = median(per_op("baseline", unit)), median(per_op("yours", unit))
        return _targets.judge_budget(t[name], base, mine, limit, show)

    judgements = (
        _targets.Judgement(
            t["correct"], "—", "the same report", True, "matches on every input", 0.0
        ),
        budget("allocs/op", "allocs/op", _targets.ALLOCS_BUDGET, "allocs"),
        budget("B/op", "B/op", _targets.BYTES_BUDGET, "B"),
        _targets.judge_time(t["time/op"], per_op("baseline", "ns/op"), per_op("yours", "ns/op")),
        _targets.judge_share(
            t["GC CPU"],
            min(run["share"] for run in m.gc["baseline"]),
            min(run["share"] for run in m.gc["yours"]),
        ),
        _targets.judge_heap(
            t["peak heap"], m.heap["baseline"]["peak_bytes"], m.heap["yours"]["peak_bytes"]
        ),
        _targets.judge_leaks(t["leaks"], _left(m.leaks["baseline"]), _left(m.leaks["yours"])),
    )
    return CapstoneCheck(
        judgements,
        m.seed,
        bench=runs_result,
        seconds=seconds,
        provenance=provenance,
    )
