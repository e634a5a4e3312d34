"""Self-checks for notebook 06's exercises: each reads a real trace or runs real Go."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from .. import workspace
from ..source import extract
from .model import Trace
from .run import run, sample_args


@dataclass(frozen=True)
class Verdict:
    """The outcome of a self-check: `passed`, and what the trace says either way."""

    passed: bool
    message: str

    def __str__(self) -> str:
        return f"{'✔' if self.passed else '✘'} {self.message}"

    def _repr_html_(self) -> str:
        colour = "#1a7f37" if self.passed else "#b35900"
        mark = "✔ solved" if self.passed else "✘ not yet"
        return (f'<div style="border-left:4px solid {colour};padding-left:8px">'
                f"<b>{mark}</b>: {html.escape(self.message)}</div>")


def _checked(function):
    """Turn a check that raises AssertionError into one that returns a Verdict."""
    def wrapper(*args, **kwargs) -> Verdict:
        try:
            return Verdict(True, function(*args, **kwargs))
        except AssertionError as hint:
            return Verdict(False, str(hint))
    wrapper.__doc__, wrapper.__name__ = function.__doc__, function.__name__
    return wrapper


WORKER = "main.pipeline.func1"
"""The entry function of the sample's worker goroutines."""


def _passed(message: str) -> str:
    return message


@_checked
def check_busiest_assister(trace: Trace, answer: int) -> str:
    """Exercise 1: the goroutine id that spent the most time in mark assists."""
    totals = trace.assists.groupby("g").duration_ns.sum()
    if totals.empty:
        raise AssertionError("this trace has no mark assists: record a longer run")
    best = int(totals.idxmax())
    if answer != best:
        who = trace.goroutine_names.get(answer, "no goroutine of this trace")
        raise AssertionError(
            f"G{answer} ({who}) assisted {totals.get(answer, 0) / 1e6:.2f} ms; another goroutine "
            "assisted longer. Group trace.assists by g and add up duration_ns.")
    name = trace.goroutine_names.get(best, "")
    return _passed(f"G{best} ({name}) assisted the GC for {totals[best] / 1e6:.2f} ms, the most "
                   f"of any goroutine: it allocates, so it is made to help mark.")


@_checked
def check_longest_pause(trace: Trace, reason: str, duration_ms: float) -> str:
    """Exercise 2: the reason and length (ms) of the longest stop-the-world pause."""
    pauses = trace.pauses
    longest = pauses.loc[pauses.duration_ns.idxmax()]
    if reason != longest.reason:
        raise AssertionError(f"{reason!r} is not the reason of the longest pause: look at the "
                             "reason column of the row with the largest duration_ns")
    if abs(duration_ms - longest.duration_ns / 1e6) > 0.001:
        raise AssertionError(f"the longest pause ({reason}) lasted "
                             f"{longest.duration_ns / 1e6:.4f} ms, not {duration_ms} ms")
    mark = trace.gc[trace.gc.complete].mark_ns.median() / 1e6
    return _passed(f"longest pause: {reason}, {duration_ms:.3f} ms; a typical concurrent mark "
                   f"took {mark:.3f} ms while the program kept running.")


def program_with_work(work_source: str) -> workspace.Package:
    """The trace sample with its `work` function replaced by `work_source`, as a snippet."""
    original = workspace.sample("trace").source("main.go")
    if not re.match(r"\s*(//.*\n\s*)*func work\(", work_source):
        raise ValueError("work_source must be the Go declaration `func work(item int) int {...}`")
    return workspace.snippet(original.replace(extract(original, "work"), work_source.strip()),
                             label="trace-exercise")


@_checked
def check_stack_buffers(work_source: str, items: int = 1500) -> str:
    """Exercise 3: a `work` whose buffers stay on the stack: same checksum, no GC cycle."""
    args = sample_args(items=items, live_mib=2)
    before = run("trace", args=args, gomaxprocs=2)
    after = run(program_with_work(work_source), args=args, gomaxprocs=2)
    checksum = re.compile(r"checksum (\d+)")
    want, got = (checksum.search(t.program_output).group(1) for t in (before, after))
    if got != want:
        raise AssertionError(f"your work() changes the result: checksum {got}, want {want}")
    def by_workers(trace: Trace) -> int:  # in the cycles the trace saw from start to end
        complete = set(trace.gc.cycle[trace.gc.complete])
        return int(((trace.assists.name == WORKER) & trace.assists.cycle.isin(complete)).sum())

    cycles, assists = int(after.gc.complete.sum()), by_workers(after)
    if cycles or assists:
        raise AssertionError(
            f"the trace still shows {cycles} complete GC cycle(s) and {assists} mark assist(s) "
            f"by the workers (the original: {int(before.gc.complete.sum())} and "
            f"{by_workers(before)}): the buffers still reach the heap. Keep them inside work, "
            "and do not return them.")
    return _passed(f"same checksum, no GC cycle and no mark assist by the workers (the "
                   f"original had {int(before.gc.complete.sum())} cycles and "
                   f"{by_workers(before)} assists).")
