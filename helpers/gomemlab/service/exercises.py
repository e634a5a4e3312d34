"""Notebook 11's exercises: each check returns a `checks.Verdict` from real profiles or a real
`go test` run."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from .. import checks, programs, validate, workspace
from ..errors import GoRunError, UsageError
from ..pprof.result import Profile

CHAPTER = "11 running service"
"""The chapter these exercises end (shown by `gm.progress()`)."""

DIAGNOSIS_KEYS = ("holds_memory", "allocates_most", "leaked_goroutines_wait_in")
"""The answers exercise 1 asks for: a function of package main for each."""
DIAGNOSIS_START = dict.fromkeys(DIAGNOSIS_KEYS, "")
"""Exercise 1's answers as its notebook cell starts them."""


def _ours(profile: Profile, sample_index: str) -> list[str]:
    """The functions of package main on the path to most of `sample_index`: their cum is at
    least 95% of the largest among them (main.main and the middleware `traced` left out).
    Every one is a right answer; the first (most flat, then the longest name) is the
    solution's."""
    table = profile.top(sample_index, None, sort="cum")
    ours = table[
        table.function.str.startswith("main.")
        & (table.function != "main.main")
        & ~table.function.str.contains(r"^main\.(?:\(\*server\)\.)?traced\b", regex=True)
    ]
    if ours.empty or ours.cum.max() <= 0:
        return []
    near = ours[ours.cum >= 0.95 * ours.cum.max()]
    ranked = sorted(near.itertuples(), key=lambda row: (-row.flat, -len(row.function)))
    return [row.function for row in ranked]


def diagnosis(heap: Profile, allocs: Profile, leaks: Profile) -> dict[str, str]:
    """The answers to exercise 1, read off the chapter's profiles (the hidden solution)."""
    found = _found(heap, allocs, leaks)
    return {key: (names or [""])[0] for key, names in found.items()}


def _found(heap: Profile, allocs: Profile, leaks: Profile) -> dict[str, list[str]]:
    return {
        "holds_memory": _ours(heap, "inuse_space"),
        "allocates_most": _ours(allocs, "alloc_space"),
        "leaked_goroutines_wait_in": _ours(leaks, leaks.default_index),
    }


def _same_function(answer: Any, truth: str) -> bool:
    """A function name as typed matches the profile's: spaces, pprof's " (inline)" mark and a
    missing "main." prefix are forgiven."""
    if not isinstance(answer, str) or not truth:
        return False
    name = answer.strip().removesuffix("(inline)").strip()
    return name == truth or "main." + name == truth


def _unanswered(_heap: Any, _allocs: Any, _leaks: Any, answers: Any) -> bool:
    return isinstance(answers, Mapping) and all(
        answers.get(k) in ("", None) for k in DIAGNOSIS_KEYS
    )


_WHERE = {
    "holds_memory": "the heap profile's inuse_space, by cum: which function of main made "
    "what is still live?",
    "allocates_most": "the allocs profile taken during the load (alloc_space, by cum)",
    "leaked_goroutines_wait_in": "the goroutineleak profile: the function of main at the top "
    "of the leaked stacks",
}


@checks.exercise(title="exercise 1: diagnose the service", untried=_unanswered)
def check_diagnosis(
    heap: Profile, allocs: Profile, leaks: Profile, answers: Mapping[str, Any]
) -> checks.Verdict:
    """Exercise 1: the three functions named in `answers` are the ones the profiles show."""
    if not isinstance(answers, Mapping):
        raise UsageError(f"answers must be a dict with the keys {DIAGNOSIS_KEYS}")
    found = _found(heap, allocs, leaks)
    wrong = [
        f"{key}: look at {_WHERE[key]}"
        for key in DIAGNOSIS_KEYS
        if not any(_same_function(answers.get(key), name) for name in found[key])
    ]
    if wrong:
        return checks.Verdict.not_yet("\n".join(wrong), wrong=len(wrong))
    return checks.Verdict.solved(
        "all three agree with the profiles", **{k: v[0] for k, v in found.items()}
    )


FANOUT_START = """package main

import (
	"fmt"
	"time"
)

// ask stands for a call to a backend: backend b answers after b+1 milliseconds.
func ask(backend int, query string) string {
	time.Sleep(time.Duration(backend+1) * time.Millisecond)
	return fmt.Sprintf("backend %d: %q", backend, query)
}

// first asks three backends at once and returns the first answer.
func first(query string) string {
	replies := make(chan string)
	for b := range 3 {
		go func() { replies <- ask(b, query) }()
	}
	return <-replies
}

func main() { fmt.Println(first("go")) }
"""
"""Exercise 2's starting code: the service's search, small."""

FANOUT_TEST = """package main

import (
	"fmt"
	"runtime"
	"runtime/pprof"
	"strings"
	"testing"
	"time"
)

func TestFirstLeavesNothingBehind(t *testing.T) {
	before := runtime.NumGoroutine()
	for i := range 50 {
		q := fmt.Sprint("q", i)
		if got := first(q); !strings.HasPrefix(got, "backend ") || !strings.Contains(got, q) {
			t.Fatalf("first(%q) = %q, want a backend's answer to it", q, got)
		}
	}
	// The slower backends of a right answer finish within milliseconds; wait for them (on a
	// busy machine longer), at most 2 s: goroutines that never end are still there then.
	deadline := time.Now().Add(2 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	var text strings.Builder
	if err := pprof.Lookup("goroutineleak").WriteTo(&text, 1); err != nil {
		t.Fatal(err)
	}
	var leaked int
	fmt.Sscanf(text.String(), "goroutineleak profile: total %d", &leaked)
	fmt.Printf("leaked %d, still running %d\\n", leaked, runtime.NumGoroutine()-before)
}
"""
"""The test exercise 2's `first` runs under: 50 calls, then (once the goroutines are back to
their number before, or after 2 s) the leak profile's count and the goroutines still alive
(printed, for the check to read)."""

_COUNTS = re.compile(r"^leaked (\d+), still running (-?\d+)$", re.M)


@checks.exercise(
    title="exercise 2: a fan-out that leaks nothing", untried=checks.unchanged(FANOUT_START)
)
def check_fanout(go_source: str, *, timeout: float = 120.0) -> checks.Verdict:
    """Exercise 2: 50 calls of `first` answer right and leave no goroutine behind, counted by
    the goroutineleak profile (blocked forever) and by runtime.NumGoroutine (still alive
    2 s later, whatever they wait for)."""
    validate.text(go_source, "go_source")
    timeout = validate.timeout(timeout)
    package = workspace.snippet({"main.go": go_source, "main_test.go": FANOUT_TEST})
    try:
        done = programs.test(
            package, "-run", "^TestFirstLeavesNothingBehind$", "-count=1", "-v", timeout=timeout
        )
    except GoRunError as error:
        said = [
            line.strip()
            for line in (error.stdout + error.stderr).splitlines()
            if "main_test.go:" in line or "panic:" in line
        ]
        return checks.Verdict.not_yet("; ".join(said[:3]) or (error.stdout + error.stderr)[-400:])
    found = _COUNTS.search(done.stdout)
    if not found:
        return checks.Verdict.not_yet(f"the test printed no counts:\n{done.stdout[-400:]}")
    leaked, alive = int(found[1]), int(found[2])
    if leaked or alive > 0:
        return checks.Verdict.not_yet(
            f"after 50 calls, {leaked} goroutines are leaked (blocked forever on something nobody "
            f"else can reach) and {alive} more than before are still alive",
            leaked=leaked,
            alive=alive,
        )
    return checks.Verdict.solved(
        "50 calls, every answer right, no goroutine left behind", leaked=0, alive=alive
    )
