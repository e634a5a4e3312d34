"""Self-checks for notebook 06's exercises: each reads a real trace or runs real Go, and
returns a `checks.Verdict` (a wrong answer, or code that does not compile, is a "not yet")."""

from __future__ import annotations

import re

from .. import checks, programs, workspace
from ..checks import Verdict
from ..errors import GoBuildError, UsageError
from ..gosource import extract_text
from .result import Trace
from .run import run, sample_args

WORKER = "main.pipeline.func1"
"""The entry function of the sample's worker goroutines."""


CHAPTER = "06 trace"
"""The chapter these exercises end (shown by `gm.progress()`)."""

WORK_START = """
func work(item int) int {
	sum := 0
	for range 4 {
		for _, b := range buffer(item) {
			sum += int(b)
		}
	}
	return sum
}
"""
"""The starting code of `check_stack_buffers`'s exercise, as its notebook cell shows it."""


def goroutine_number(answer: int | str) -> int:
    """A goroutine as a learner may type it: 12, "12" or "G12" (AssertionError otherwise)."""
    if isinstance(answer, int) and not isinstance(answer, bool):
        return answer
    text = answer.strip().upper().removeprefix("G") if isinstance(answer, str) else ""
    if not text.isdecimal():
        raise AssertionError(
            f"answer is a goroutine number, such as 12 (the g column), not {answer!r}"
        )
    return int(text)


@checks.exercise(
    title="exercise 1: who helped most?",
    untried=lambda _trace, answer, *_a, **_k: answer == 0 and not isinstance(answer, bool),
)
def check_busiest_assister(trace: Trace, answer: int | str) -> Verdict:
    """Exercise 1: the goroutine id (12, "12" or "G12") that spent the most time in mark
    assists. (0 is the cell's starting value: no goroutine 0 ever assists.)"""
    totals = trace.assists.groupby("g").duration_ns.sum()
    if totals.empty:
        raise AssertionError("this trace has no mark assists: record a longer run")
    best = int(totals.idxmax())
    answer = goroutine_number(answer)
    if answer != best:
        who = trace.goroutine_names.get(answer, "no goroutine of this trace")
        raise AssertionError(
            f"G{answer} ({who}) assisted {totals.get(answer, 0) / 1e6:.2f} ms; another goroutine "
            "assisted longer. Group the trace's assists (t.assists in the notebook) by g and "
            "add up duration_ns."
        )
    name = trace.goroutine_names.get(best, "")
    return Verdict.solved(
        f"G{best} ({name}) assisted the GC for {totals[best] / 1e6:.2f} ms, the most of any "
        "goroutine: it allocates, so it is made to help mark.",
        goroutine=best,
        assist_ms=float(totals[best]) / 1e6,
    )


@checks.exercise(
    title="exercise 2: the longest stop",
    untried=lambda _trace, reason, *_a, **_k: reason == "?",
)
def check_longest_pause(trace: Trace, reason: str, duration_ms: float) -> Verdict:
    """Exercise 2: the reason and length (ms) of the longest stop-the-world pause."""
    pauses = trace.pauses
    if pauses.empty:
        raise AssertionError("this trace has no stop-the-world pause: record a longer run")
    longest = pauses.loc[pauses.duration_ns.idxmax()]
    if reason != longest.reason:
        raise AssertionError(
            f"{reason!r} is not the reason of the longest pause: look at the "
            "reason column of the row with the largest duration_ns"
        )
    off = duration_ms - longest.duration_ns / 1e6
    if abs(off) > 0.001:
        raise AssertionError(
            f"the reason is right, but {duration_ms} ms is too "
            f"{'long' if off > 0 else 'short'} (by more than 0.001 ms): read "
            "duration_ns of that row; it is in nanoseconds (÷ 1e6 for ms)"
        )
    mark = trace.gc[trace.gc.complete].mark_ns.median() / 1e6
    return Verdict.solved(
        f"longest pause: {reason}, {duration_ms:.3f} ms; a typical concurrent mark took "
        f"{mark:.3f} ms while the program kept running.",
        reason=reason,
        pause_ms=float(longest.duration_ns) / 1e6,
        mark_median_ms=float(mark),
    )


def _with_work(work_source: str) -> tuple[str, int]:
    """The sample's main.go with `work` replaced by `work_source`, and the line it starts on."""
    original = workspace.sample("trace").source("main.go")
    if not isinstance(work_source, str) or not re.match(r"\s*(//.*\n\s*)*func work\(", work_source):
        raise UsageError("work_source must be the Go declaration `func work(item int) int {...}`")
    old = extract_text(original, "work")
    first_line = original[: original.index(old)].count("\n") + 1
    return original.replace(old, work_source.strip()), first_line


def program_with_work(work_source: str) -> workspace.Package:
    """The trace sample with its `work` function replaced by `work_source`, as a snippet."""
    return workspace.snippet(_with_work(work_source)[0], label="trace-exercise")


def _where_in_your_code(error: GoBuildError, first_line: int, lines: int) -> Verdict:
    """A compile error, each message at its line of the learner's `work` where it is in it."""
    said = []
    for d in error.diagnostics[:5]:
        mine = d.file.endswith("main.go") and first_line <= d.line < first_line + lines
        where = f"line {d.line - first_line + 1} of your work" if mine else f"{d.file}:{d.line}"
        said.append(f"  {where}: {d.message}")
    return Verdict.not_yet(
        "your work does not compile:\n" + "\n".join(said) if said else str(error)
    )


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _still_on_the_heap(counted: int, before: int, traced: int, assists: int) -> str:
    """Exercise 3's "not yet", each number with what it counts. The program counts the cycles
    that finished while its pipeline ran (runtime.MemStats.NumGC before and after it); its
    trace runs from trace.Start to trace.Stop, around the pipeline and the printing after it,
    so it also holds a cycle that finished after the pipeline; assists are those of its
    complete cycles."""
    return (
        f"your version still ran GC: {_count(counted, 'cycle')} finished while its pipeline ran "
        f"(its own count, runtime.MemStats.NumGC; the original, run the same way just before: "
        f"{before}), and its trace, which runs longer (from trace.Start to trace.Stop, the "
        f"printing after the pipeline included), shows {_count(traced, 'complete cycle')} with "
        f"{_count(assists, 'mark assist')} by the workers: the buffers still reach the heap. "
        "Keep them inside work, and do not return them."
    )


@checks.exercise(title="exercise 3: work on the stack", untried=checks.unchanged(WORK_START))
def check_stack_buffers(work_source: str, items: int = 1000, timeout: float = 60.0) -> Verdict:
    """Exercise 3: a `work` whose buffers stay on the stack: same checksum, no GC cycle.

    The original sample runs first, untraced, with the same settings: its checksum, and the GC
    cycles it counts itself (runtime.MemStats.NumGC). Then the learner's version runs traced; it
    passes when it prints the same checksum, counts no GC cycle the same way, and its trace has
    no complete cycle and no worker's mark assist. An
    answer that does not compile, panics or runs past `timeout` seconds is a "not yet".
    """
    args = sample_args(items=items, live_mib=2)  # a usage mistake is refused before Go runs
    try:
        source, first_line = _with_work(work_source)
    except UsageError as error:
        return Verdict.not_yet(str(error))
    program = workspace.snippet(source, label="trace-exercise")
    original = programs.run("trace", args, env={"GOMAXPROCS": "2"}, timeout=timeout)
    try:
        after = run(program, args=args, gomaxprocs=2, timeout=timeout)
    except GoBuildError as error:
        return _where_in_your_code(error, first_line, work_source.strip().count("\n") + 1)
    report = re.compile(r"checksum (\d+), (\d+) GC cycles")
    want, got = report.search(original.stdout), report.search(after.program_output)
    if want is None:
        raise AssertionError(f"the original program printed no checksum: {original.stdout!r}")
    if got is None:
        raise AssertionError("your program no longer prints its checksum: keep main as it is")
    if got.group(1) != want.group(1):
        raise AssertionError(
            f"your work() changes the result: checksum {got.group(1)}, want {want.group(1)}"
        )
    cycles_before, cycles_now = int(want.group(2)), int(got.group(2))
    complete = set(after.gc.cycle[after.gc.complete])
    assists = int(((after.assists.name == WORKER) & after.assists.cycle.isin(complete)).sum())
    traced = int(after.gc.complete.sum())
    if cycles_now or traced or assists:
        raise AssertionError(_still_on_the_heap(cycles_now, cycles_before, traced, assists))
    return Verdict.solved(
        f"same checksum, no GC cycle and no mark assist by the workers (the original, run the "
        f"same way just before: {cycles_before} GC cycles).",
        cycles=cycles_now,
        cycles_before=cycles_before,
    )
