"""Self-checks for notebook 07's exercises: each runs the real toolchain and returns a
`checks.Verdict`; a learner's program that fails to build, panics or hangs is a "not yet".

Also the builds notebook 07 compares collectors with: the gc sample built under a
`GOEXPERIMENT` setting (`experiment_run`), each build printing which marker it got.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping
from typing import Any

import pandas as pd

from .. import programs, validate, workspace
from ..checks import Verdict, exercise
from ..errors import UsageError
from .result import GCRun, parse_gctrace
from .run import _workload_args, run

CHAPTER = "07 gc"
"""The chapter these exercises end (shown by `gm.progress()`)."""

_PROBE = {
    "collector_on.go": (
        '//go:build goexperiment.greenteagc\n\npackage main\n\nconst collector = "greentea"\n'
    ),
    "collector_off.go": (
        '//go:build !goexperiment.greenteagc\n\npackage main\n\nconst collector = "classic"\n'
    ),
}
"""Two files of which a build compiles exactly one: the constant says which marker it got."""
_SETTING_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789,")


def goexperiment(setting: object) -> str:
    """`setting` if it is a GOEXPERIMENT value ("" is the toolchain's defaults), else a
    UsageError. The build gets it through `programs.build(goexperiment=)`, for that build
    alone: the process environment never changes."""
    if not isinstance(setting, str) or not set(setting.lower()) <= _SETTING_CHARS:
        raise UsageError(
            f'goexperiment must be a GOEXPERIMENT value such as "nogreenteagc" '
            f"(letters, digits, commas), not {setting!r}"
        )
    return setting.lower()


def experiment_package(files: Mapping[str, str], setting: str) -> workspace.Package:
    """A snippet module of `files` for a build under GOEXPERIMENT=`setting`: its own folder
    (so its binary never replaces another setting's) and a `collector` constant set by build
    tags to "greentea" or "classic"."""
    marker = f"package main\n\n// built with GOEXPERIMENT={setting or '(the defaults)'}\n"
    return workspace.snippet({**files, **_PROBE, "experiment.go": marker}, label="gc")


def _sample_files() -> dict[str, str]:
    folder = workspace.sample("gc").dir
    return {
        p.name: p.read_text()
        for p in sorted(folder.glob("*.go"))
        if not p.name.endswith("_test.go")
    }


_REPORT = 'package main\n\nimport "fmt"\n\nfunc init() { fmt.Println("collector:", collector) }\n'


def experiment_run(
    setting: str = "", *, gogc: int | str | None = None, timeout: float = 120.0, **workload: Any
) -> GCRun:
    """The gc sample (workload flags as for `gm.gc.run`, no metrics) built with
    GOEXPERIMENT=`setting` and run under gctrace. Its first output line names the marker the
    build really got: `experiment_collector(result)`."""
    setting = goexperiment(setting)
    files = {**_sample_files(), "report.go": _REPORT}
    package = experiment_package(files, setting)
    return run(
        package,
        gogc=gogc,
        args=_workload_args(workload),
        timeout=timeout,
        goexperiment=setting,
    )


def experiment_collector(result: GCRun) -> str:
    """ "greentea" or "classic": what an `experiment_run` build printed it was built with."""
    first = result.completed.stdout.splitlines()[:1]
    if not first or not first[0].startswith("collector: "):
        raise AssertionError(f"the build did not report its collector: {first!r}")
    return first[0].removeprefix("collector: ").strip()


COLLECTOR_COLUMNS = (
    "build",
    "collector",
    "GCs",
    "live_mib",
    "goals_follow_live",
    "mark_ms",
    "mark_cpu_ms",
    "stw_ms",
    "gc_cpu_ms",
)
"""`compare_collectors` columns: the GOEXPERIMENT setting, the marker the build reported,
cycles (runtime-started), the median live heap those cycles found (MiB), whether every goal
followed from the cycle before by the pacer's formula (`goal_check`, within MiB rounding),
and per cycle the medians of the concurrent mark's wall time, its CPU time (assist +
background + idle), and the stop-the-world time (ms); gc_cpu_ms is the run's total GC CPU
time without idle marking (ms)."""


def compare_collectors(
    pairs: int = 3, settings: tuple[str, str] = ("", "nogreenteagc"), **workload: Any
) -> pd.DataFrame:
    """Run the gc sample built with each setting, interleaved `pairs` times (A B A B ...), so
    that both builds see the same machine load: one row per run (`COLLECTOR_COLUMNS`)."""
    validate.count(pairs, "pairs", minimum=1)
    rows = []
    for _ in range(pairs):
        for setting in settings:
            result = experiment_run(setting, **workload)
            gogc = validate.gogc(workload.get("gogc", 100))
            goals = result.log.goal_check(int(gogc)) if gogc != "off" else None
            f = result.log.frame
            auto = f[~f.forced]
            mark = auto.cpu_assist_ms + auto.cpu_background_ms + auto.cpu_idle_ms
            gc_cpu = (
                auto.cpu_sweep_term_ms
                + auto.cpu_assist_ms
                + auto.cpu_background_ms
                + auto.cpu_mark_term_ms
            ).sum()
            rows.append(
                {
                    "build": setting or "default",
                    "collector": experiment_collector(result),
                    "GCs": len(auto),
                    "live_mib": auto.heap_live_mib.median(),
                    "goals_follow_live": bool(goals is not None and len(goals) and goals.ok.all()),
                    "mark_ms": auto.clock_mark_ms.median(),
                    "mark_cpu_ms": mark.median(),
                    "stw_ms": auto.stw_ms.median(),
                    "gc_cpu_ms": gc_cpu,
                }
            )
    return pd.DataFrame(rows, columns=list(COLLECTOR_COLUMNS))


def gc_count(source: str, *, timeout: float = 120.0) -> tuple[int, str]:
    """Run a Go program (source text) with gctrace on: (GC cycles, its standard output)."""
    validate.text(source, "source")
    done = programs.run(
        workspace.snippet(source), env={"GODEBUG": "gctrace=1"}, timeout=validate.timeout(timeout)
    )
    return len(parse_gctrace(done.stderr)), done.stdout


def _same_program(source: Any, baseline: Any, *_args: Any, **_kwargs: Any) -> str:
    """What to do while `source` is still the baseline program (nothing to say otherwise)."""
    same = isinstance(source, str) and isinstance(baseline, str)
    if not (same and source.strip() == baseline.strip()):
        return ""
    return "this is still the baseline program: change it so it allocates less, then run the cell"


@exercise(title="exercise 1: fewer allocations, fewer GCs", untried=_same_program)
def check_fewer_gcs(
    source: str, baseline: str, *, factor: int = 10, timeout: float = 120.0
) -> Verdict:
    """Solved when `source` prints what `baseline` prints with at least `factor` times fewer
    GC cycles (and at most 2). Both run now, one after the other, the same way, each within
    `timeout` seconds (a program still running then is a "not yet")."""
    validate.count(factor, "factor", minimum=1)
    validate.text(source, "source")
    validate.text(baseline, "baseline")
    before, expected = gc_count(baseline, timeout=timeout)
    after, printed = gc_count(source, timeout=timeout)
    if printed != expected:
        return Verdict.not_yet(
            f"the output changed: {printed.strip()!r} instead of {expected.strip()!r}",
            before=before,
            after=after,
        )
    aim = max(2, before // factor)
    if after <= aim:
        return Verdict.solved(
            f"{before} GC cycles for the baseline, {after} for yours (both "
            "measured just now, one after the other)",
            before=before,
            after=after,
        )
    return Verdict.not_yet(
        f"{before} GC cycles for the baseline, {after} for yours (both "
        f"measured just now): aim for at most {aim}",
        before=before,
        after=after,
    )


def _goal_ratio(gogc: str) -> tuple[float, int]:
    """Median goal / previous live heap over the settled cycles of one run, and their count."""
    f = run(gogc=gogc, alloc_mib=256).log.frame
    f = f[~f.forced]
    pairs = [
        (live, goal)
        for live, goal in zip(f.heap_live_mib.iloc[2:-1], f.goal_mib.iloc[3:], strict=True)
        if live > 0
    ]
    if len(pairs) < 2:
        raise AssertionError(
            f"only {len(f)} GC cycles with this GOGC: too few to measure a "
            "goal (is the collector on?)"
        )
    return statistics.median(goal / live for live, goal in pairs), len(pairs)


@exercise(title="exercise 2: set the goal")
def check_goal_ratio(gogc: Any, ratio: float, *, tolerance: float = 0.1) -> Verdict:
    """Solved when, run with this GOGC, the gc sample's heap goal is `ratio` × the previous
    cycle's live heap (the median over settled cycles, within `tolerance` × ratio). The
    solved message names the measured ratio, not the setting."""
    validate.positive(ratio, "ratio")
    validate.positive(tolerance, "tolerance")
    setting = validate.gogc(gogc)  # a usage mistake, raised and not recorded as an attempt
    measured, pairs = _goal_ratio(setting)
    evidence = {"measured_ratio": measured, "cycle_pairs": pairs}
    target = f"target {ratio:g} ± {tolerance * ratio:.2g}"
    if abs(measured - ratio) <= tolerance * ratio:
        return Verdict.solved(
            f"the goal is {measured:.2f} × the previous cycle's live heap "
            f"({target}, over {pairs} cycles)",
            **evidence,
        )
    return Verdict.not_yet(
        f"with GOGC={setting} the goal is {measured:.2f} × the previous "
        f"cycle's live heap ({target})",
        **evidence,
    )
