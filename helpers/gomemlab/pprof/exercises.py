"""Notebook 05's exercises: each check returns a `checks.Verdict` from the real profile."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from .. import checks, programs, validate, workspace
from ..errors import GoRunError
from .result import Profile, load

READING_KEYS = (
    "most_bytes_allocated_itself",
    "countWasteful_cum_percent",
    "holds_memory_at_the_end",
)
"""The answers exercise 1 asks for, about the notebook's memory profile `mem`."""
RENDER_MAX_ALLOCS = 2
"""Exercise 2: allocations per call of `render` a solution may make, whatever the input."""
RENDER_BENCHTIME = "200x"
"""Calls of `render` the check's benchmark makes: allocs/op is a per-call average, exact for
a `render` that allocates alike on every call, so a fixed count is enough (and quick)."""

RENDER_TEST = """package main

import "testing"

func TestRender(t *testing.T) {
	got := render([]int{3, 14, 159})
	if got != "score=3;score=14;score=159;" {
		t.Fatalf("render = %q", got)
	}
	if render(nil) != "" {
		t.Fatalf("render(nil) = %q, want empty", render(nil))
	}
}

func BenchmarkRender(b *testing.B) {
	scores := make([]int, 100)
	for i := range scores {
		scores[i] = i * 37
	}
	for b.Loop() {
		render(scores)
	}
}
"""
"""The tests and the benchmark exercise 2's `render` must pass."""


def reading_answers(profile: Profile) -> dict[str, Any]:
    """The answers to exercise 1, read off `profile` (the hidden solution)."""
    table = profile.top("alloc_space", None).set_index("function")
    inuse = profile.top("inuse_space", None, sort="cum")
    ours = [f for f in inuse.function if f.startswith("main.") and f != "main.main"]
    return {
        "most_bytes_allocated_itself": profile.top("alloc_space", 1).function[0],
        "countWasteful_cum_percent": float(table.cum_pct["main.countWasteful"]),
        "holds_memory_at_the_end": ours[0] if ours else "",
    }


def holders(profile: Profile) -> list[str]:
    """The functions of package main with the most inuse_space (cum) in `profile`: more than
    one when they tie (main.main and the function it calls that holds everything), every one
    of them a right answer to "which holds the memory at the end"."""
    inuse = profile.top("inuse_space", None, sort="cum")
    ours = inuse[inuse.function.str.startswith("main.")]
    if ours.empty:
        return []
    most = ours.cum.max()
    return sorted(ours.function[ours.cum == most])


def _same_function(answer: Any, truth: str) -> bool:
    """A function name as typed matches the profile's: spaces, pprof's " (inline)" mark and a
    missing "main." prefix are forgiven."""
    if not isinstance(answer, str):
        return False
    name = answer.strip().removesuffix("(inline)").strip()
    return name == truth or (truth.startswith("main.") and "main." + name == truth)


def _percent(answer: Any) -> float:
    """A percentage typed as a number or as text like "79.1%" (NaN when it is neither)."""
    if isinstance(answer, bool):
        return float("nan")
    if isinstance(answer, str):
        answer = answer.strip().removesuffix("%")
    try:
        return float(answer)
    except (TypeError, ValueError):
        return float("nan")


CHAPTER = "05 pprof"
"""The chapter these exercises end (shown by `gm.progress()`)."""

RENDER_START = """package main

import "fmt"

func render(scores []int) string {
	report := ""
	for _, s := range scores {
		report += fmt.Sprintf("score=%d;", s)
	}
	return report
}

func main() { println(render([]int{1, 2, 3})) }
"""
"""The starting code of `check_render`'s exercise, as its notebook cell shows it."""


READING_START = {
    "most_bytes_allocated_itself": "",
    "countWasteful_cum_percent": None,
    "holds_memory_at_the_end": "",
}
"""Exercise 1's answers as its notebook cell starts them (nothing answered yet)."""


def _unanswered(_profile: Any, answers: Any, *_args: Any, **_kwargs: Any) -> bool:
    return isinstance(answers, Mapping) and all(
        answers.get(key) in ("", None) for key in READING_KEYS
    )


@checks.exercise(title="exercise 1: read a profile", untried=_unanswered)
def check_reading(profile: Profile, answers: Mapping[str, Any]) -> checks.Verdict:
    """Exercise 1: compare answers about a memory profile of the sample with the profile.
    Where functions tie for the most inuse_space (cum), each of them is right."""
    truth = reading_answers(profile)
    problems = []
    if not _same_function(
        answers.get("most_bytes_allocated_itself"), truth["most_bytes_allocated_itself"]
    ):
        problems.append("most_bytes_allocated_itself: look at the flat column of alloc_space")
    share = _percent(answers.get("countWasteful_cum_percent"))
    if not abs(share - truth["countWasteful_cum_percent"]) <= 5:
        flat = profile.top("alloc_space", None).set_index("function").flat_pct
        if abs(share - float(flat.get("main.countWasteful", float("nan")))) <= 5:
            problems.append("countWasteful_cum_percent: that is its flat%; the cum% is asked")
        else:
            problems.append(
                "countWasteful_cum_percent: read main.countWasteful's cum% in the alloc_space "
                "table (within 5 points)"
            )
    held = answers.get("holds_memory_at_the_end")
    if not any(_same_function(held, name) for name in holders(profile)):
        problems.append(
            "holds_memory_at_the_end: which function of package main has the most "
            "inuse_space (cum)?"
        )
    if problems:
        return checks.Verdict.not_yet("\n".join(problems), wrong=len(problems))
    return checks.Verdict.solved("all three answers agree with the profile", **truth)


def _line_with_most(profile: Profile, function: str) -> int | None:
    """The line of `function` that the most allocated objects come from (directly or not)."""
    per_line: dict[int, int] = {}
    frame = profile.frame
    for stack, lines, n in zip(frame.callstack, frame.lines, frame.alloc_objects, strict=True):
        if function in stack:
            line = int(lines[stack.index(function)].rsplit(":", 1)[1])
            per_line[line] = per_line.get(line, 0) + int(n)
    return max(per_line, key=per_line.__getitem__) if per_line else None


def _test_failure(output: str) -> str:
    """What went wrong in `go test`'s output, in a line or two."""
    panic = re.search(r"^panic: (.*?)(?: \[recovered.*)?$", output, re.M)
    if panic:
        where = re.search(r"^\s+\S*?\b(main\.go:\d+)", output, re.M)
        return f"it panicked: {panic[1]}" + (f" (at {where[1]})" if where else "")
    failed = [line.strip() for line in output.splitlines() if "main_test.go:" in line]
    return "the tests fail: " + ("; ".join(failed[:3]) or output.strip()[-500:])


@checks.exercise(title="exercise 2: render", untried=checks.unchanged(RENDER_START))
def check_render(go_source: str, *, timeout: float = 90.0) -> checks.Verdict:
    """Exercise 2: `render` passes its tests and makes at most RENDER_MAX_ALLOCS allocations
    per call. One `go test` runs TestRender, then (only if it passes) BenchmarkRender
    RENDER_BENCHTIME with -benchmem and every allocation profiled (-memprofilerate=1), so the
    line that allocates most can be named. `timeout` (seconds) bounds build, tests and
    benchmark: an answer still running then is "not yet"."""
    validate.text(go_source, "go_source")
    timeout = validate.timeout(timeout)
    package = workspace.snippet({"main.go": go_source, "main_test.go": RENDER_TEST})
    folder = workspace.scratch_dir("pprof-render")
    path = folder / "mem.pprof"
    try:
        done = programs.test(
            package,
            "-run",
            "^TestRender$",
            "-bench",
            "^BenchmarkRender$",
            "-benchmem",
            "-benchtime",
            RENDER_BENCHTIME,
            "-count=1",
            "-memprofilerate=1",
            f"-memprofile={path}",
            f"-outputdir={folder}",
            "-o",
            str(folder / "render.test"),
            timeout=timeout,
        )
    except GoRunError as error:
        return checks.Verdict.not_yet(_test_failure(error.stdout + error.stderr))
    output = done.stdout + done.stderr
    found = re.search(r"^BenchmarkRender\S*\s+\d+\s.*?(\d+) allocs/op", output, re.M)
    if not found or not path.is_file():
        return checks.Verdict.not_yet(f"no allocs/op in the benchmark's output:\n{output[-500:]}")
    allocs = int(found[1])
    if allocs <= RENDER_MAX_ALLOCS:
        return checks.Verdict.solved(
            f"{allocs} allocation{'' if allocs == 1 else 's'} per call to render", allocs=allocs
        )
    worst = _line_with_most(load(path, output=output), "snippet.render")
    lines = go_source.splitlines()
    where = (
        f"; most of them come from line {worst}: {lines[worst - 1].strip()}"
        if worst and worst <= len(lines)
        else ""
    )
    return checks.Verdict.not_yet(
        f"{allocs} allocations per call to render (at most {RENDER_MAX_ALLOCS} wanted){where}",
        allocs=allocs,
    )
