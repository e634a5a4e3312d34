"""Self-checks for notebook 07's exercises: each runs the real toolchain and returns a
`checks.Verdict`; a learner's program that fails to build, panics or hangs is a "not yet"."""

from __future__ import annotations

import statistics
from typing import Any

from .. import programs, validate, workspace
from ..checks import Verdict, exercise
from ..errors import UsageError
from .result import parse_gctrace
from .run import run


def gc_count(source: str, *, timeout: float = 120.0) -> tuple[int, str]:
    """Run a Go program (source text) with gctrace on: (GC cycles, its standard output)."""
    validate.text(source, "source")
    done = programs.run(workspace.snippet(source), env={"GODEBUG": "gctrace=1"},
                        timeout=validate.timeout(timeout))
    return len(parse_gctrace(done.stderr)), done.stdout


@exercise
def check_fewer_gcs(source: str, baseline: str, *, factor: int = 10) -> Verdict:
    """Solved when `source` prints what `baseline` prints with at least `factor` times fewer
    GC cycles (and at most 2). Both run now, one after the other, the same way."""
    validate.count(factor, "factor", minimum=1)
    before, expected = gc_count(baseline)
    after, printed = gc_count(source)
    if printed != expected:
        return Verdict.not_yet(f"the output changed: {printed.strip()!r} instead of "
                               f"{expected.strip()!r}", before=before, after=after)
    aim = max(2, before // factor)
    if after <= aim:
        return Verdict.solved(f"{before} GC cycles before, {after} now", before=before,
                              after=after)
    return Verdict.not_yet(f"{before} GC cycles before, {after} now: aim for at most {aim}",
                           before=before, after=after)


def _goal_ratio(gogc: str) -> tuple[float, int]:
    """Median goal / previous live heap over the settled cycles of one run, and their count."""
    f = run(gogc=gogc, alloc_mib=256).log.frame
    f = f[~f.forced]
    pairs = [(live, goal) for live, goal in zip(f.heap_live_mib.iloc[2:-1], f.goal_mib.iloc[3:],
                                               strict=True) if live > 0]
    if len(pairs) < 2:
        raise AssertionError(f"only {len(f)} GC cycles with this GOGC: too few to measure a "
                             "goal (is the collector on?)")
    return statistics.median(goal / live for live, goal in pairs), len(pairs)


@exercise
def check_goal_ratio(gogc: Any, ratio: float, *, tolerance: float = 0.1) -> Verdict:
    """Solved when, run with this GOGC, the gc sample's heap goal is `ratio` × the previous
    cycle's live heap (the median over settled cycles, within `tolerance` × ratio). The
    solved message names the measured ratio, not the setting."""
    validate.positive(ratio, "ratio")
    validate.positive(tolerance, "tolerance")
    try:
        setting = validate.gogc(gogc)
    except UsageError as error:
        return Verdict.not_yet(str(error))
    measured, pairs = _goal_ratio(setting)
    evidence = {"measured_ratio": measured, "cycle_pairs": pairs}
    target = f"target {ratio:g} ± {tolerance * ratio:.2g}"
    if abs(measured - ratio) <= tolerance * ratio:
        return Verdict.solved(f"the goal is {measured:.2f} × the previous cycle's live heap "
                              f"({target}, over {pairs} cycles)", **evidence)
    return Verdict.not_yet(f"with GOGC={setting} the goal is {measured:.2f} × the previous "
                           f"cycle's live heap ({target})", **evidence)
