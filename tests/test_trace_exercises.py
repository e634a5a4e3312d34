"""Notebook 06's self-checks, each given a wrong and a right answer, on real traces and runs.

The traces are the recorded fixtures of tests/fixtures/trace (see its README), read back by
the pinned `go tool trace`; exercise 3 builds and traces the sample with the answer's `work`.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import gomemlab as gm
from gomemlab.trace import exercises

pytestmark = pytest.mark.live
FIXTURES = Path(__file__).parent / "fixtures" / "trace"

STACK_WORK = """
func work(item int) int {
	sum := 0
	for range 4 {
		var buf [16 << 10]byte
		for i := range buf {
			buf[i] = byte(item * i)
		}
		for _, b := range buf {
			sum += int(b)
		}
	}
	return sum
}
"""
UNEDITED = """
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


@pytest.fixture(scope="module")
def trace() -> gm.trace.Trace:
    return gm.trace.read(FIXTURES / "gomaxprocs2.trace")


def test_busiest_assister_wrong_then_right(trace):
    totals = trace.assists.groupby("g").duration_ns.sum()
    best = int(totals.idxmax())
    wrong = exercises.check_busiest_assister(trace, best + 1000)
    assert not wrong.passed and "another goroutine assisted longer" in wrong.message
    right = exercises.check_busiest_assister(trace, best)
    assert right.passed and f"G{best}" in right.message and right.evidence["goroutine"] == best


def test_longest_pause_wrong_reason_wrong_length_then_right(trace):
    longest = trace.pauses.loc[trace.pauses.duration_ns.idxmax()]
    ms = longest.duration_ns / 1e6
    other = next(r for r in trace.pauses.reason.unique() if r != longest.reason)
    wrong = exercises.check_longest_pause(trace, other, ms)
    assert not wrong.passed and "is not the reason of the longest pause" in wrong.message
    for guess, word in ((ms + 1.0, "too long"), (ms / 2, "too short")):
        off = exercises.check_longest_pause(trace, longest.reason, guess)
        assert not off.passed and word in off.message, off.message
        # no spoiler: neither the measured length nor its digits
        assert f"{ms:.3f}" not in off.message and f"{ms:.2f}" not in off.message, off.message
    right = exercises.check_longest_pause(trace, longest.reason, round(ms, 3))
    assert right.passed and right.evidence["reason"] == longest.reason


def test_stack_buffers_not_yet_says_what_each_count_covers():
    said = exercises._still_on_the_heap(counted=2, before=3, traced=3, assists=1)
    assert "2 cycles finished while its pipeline ran (its own count" in said
    assert "just before: 3)" in said
    assert "from trace.Start to trace.Stop" in said and "shows 3 complete cycles with" in said
    assert "1 mark assist by the workers" in said  # one, not "1 mark assists"
    assert "(s)" not in exercises._still_on_the_heap(1, 1, 1, 0)


def test_stack_buffers_unedited_is_not_yet_with_the_counts():
    assert not exercises.check_stack_buffers(UNEDITED, items=200).tried  # issue 22
    verdict = exercises.check_stack_buffers(UNEDITED + "\n// run as it is\n", items=200)
    assert not verdict.passed
    assert "still ran" in verdict.message and "buffers still reach the heap" in verdict.message
    before = re.search(r"the original, run the same way just before: (\d+)", verdict.message)
    assert before and int(before.group(1)) >= 1, verdict.message


@pytest.mark.parametrize(
    "source, reason",
    [
        ("func work(item int) int { return nope }", "does not compile"),
        ('func work(item int) int { panic("boom") }', "panicked"),
        ("func work(item int) int { return item }", "changes the result"),
        ("return 0", "must be the Go declaration"),
    ],
    ids=["compile-error", "panic", "wrong-result", "not-a-function"],
)
def test_stack_buffers_wrong_answers_say_why(source, reason):
    verdict = exercises.check_stack_buffers(source, items=200)
    assert not verdict.passed and reason in verdict.message, verdict


def test_a_compile_error_names_the_line_of_your_work():
    verdict = exercises.check_stack_buffers(
        "func work(item int) int {\n\tx := item\n\treturn nope + x\n}", items=200
    )
    assert not verdict.passed
    assert "line 3 of your work: undefined: nope" in verdict.message, verdict.message


def test_stack_buffers_an_endless_answer_is_stopped():
    verdict = exercises.check_stack_buffers(
        "func work(item int) int { for {} }", items=200, timeout=8
    )
    assert not verdict.passed and "still running after 8 s" in verdict.message, verdict


def test_stack_buffers_right_answer_is_solved():
    verdict = exercises.check_stack_buffers(STACK_WORK, items=200)
    assert verdict.passed, verdict
    assert verdict.evidence["cycles"] == 0 and verdict.evidence["cycles_before"] >= 1
