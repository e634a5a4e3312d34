"""Notebook 05's exercise checks: Verdicts from the real profile and toolchain."""

from __future__ import annotations

from pathlib import Path

import pytest

import gomemlab as gm
from gomemlab.pprof import exercises

HERE = Path(__file__).parent / "fixtures" / "pprof"


@pytest.fixture(scope="module")
def mem():
    return gm.pprof.load(HERE / "mem.pprof")


def test_reading_right_answers_are_solved(mem):
    answers = exercises.reading_answers(mem)
    assert answers["most_bytes_allocated_itself"] == "strings.Fields"
    assert answers["holds_memory_at_the_end"] == "main.corpus"
    verdict = exercises.check_reading(mem, answers)
    assert isinstance(verdict, gm.Verdict) and verdict.passed
    assert "✔ solved" in str(verdict)


def test_reading_wrong_answers_say_which_and_why(mem):
    answers = {
        **exercises.reading_answers(mem),
        "holds_memory_at_the_end": "main.countWasteful",
        "countWasteful_cum_percent": "lots",
    }
    verdict = exercises.check_reading(mem, answers)
    assert not verdict and verdict.evidence["wrong"] == 2
    assert "countWasteful_cum_percent" in verdict.message
    assert "holds_memory_at_the_end" in verdict.message
    assert "most_bytes" not in verdict.message
    flat_pct = float(
        mem.top("alloc_space", None).set_index("function").flat_pct["main.countWasteful"]
    )
    near_flat = {**exercises.reading_answers(mem), "countWasteful_cum_percent": flat_pct}
    flat_said = exercises.check_reading(mem, near_flat)  # flat% (0) is not cum% (~49)
    assert not flat_said and "that is its flat%; the cum% is asked" in flat_said.message
    said = exercises.check_reading(mem, {**near_flat, "countWasteful_cum_percent": 63.4})
    assert "flat%" not in said.message and "cum%" in said.message, said  # issue 22
    with pytest.raises(gm.UsageError, match="answers must be a dict"):  # a usage mistake
        exercises.check_reading(mem, "strings.Fields")
    assert (
        "✘ not yet" in exercises.check_reading(mem, {"holds_memory_at_the_end": "x"})._repr_html_()
    )
    unanswered = exercises.check_reading(mem, dict(exercises.READING_START))
    assert not unanswered.tried and "not tried yet" in unanswered._repr_html_()  # issue 22
    assert not exercises.check_reading(
        mem, {**exercises.reading_answers(mem), "countWasteful_cum_percent": True}
    )


def test_reading_accepts_every_function_tied_for_the_most_inuse_space(mem):
    # Recorded in mem.pprof: main.main and main.corpus both hold 100% of inuse_space (cum).
    inuse = mem.top("inuse_space", None, sort="cum").set_index("function").cum
    assert inuse["main.main"] == inuse["main.corpus"]
    assert exercises.holders(mem) == ["main.corpus", "main.main"]
    for holder in ("main.main", "corpus"):
        answers = {**exercises.reading_answers(mem), "holds_memory_at_the_end": holder}
        assert exercises.check_reading(mem, answers).passed, holder


def test_reading_forgives_how_a_name_or_percentage_is_typed(mem):
    truth = exercises.reading_answers(mem)
    typed = {
        "most_bytes_allocated_itself": " strings.Fields ",
        "countWasteful_cum_percent": f"{truth['countWasteful_cum_percent']:.1f}%",
        "holds_memory_at_the_end": "corpus",
    }
    assert exercises.check_reading(mem, typed).passed
    assert not exercises.check_reading(mem, {**typed, "holds_memory_at_the_end": "corp"})


STARTING = """package main

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

SOLUTION = """package main

import "strconv"

func render(scores []int) string {
	buf := make([]byte, 0, len(scores)*16)
	for _, s := range scores {
		buf = append(buf, "score="...)
		buf = strconv.AppendInt(buf, int64(s), 10)
		buf = append(buf, ';')
	}
	return string(buf)
}

func main() { println(render([]int{1, 2, 3})) }
"""


@pytest.mark.live
def test_render_starting_code_is_not_yet_with_the_line_to_fix():
    assert not exercises.check_render(STARTING).tried  # issue 22
    verdict = exercises.check_render(STARTING + "\n// run as it is\n")
    assert not verdict and verdict.evidence["allocs"] > exercises.RENDER_MAX_ALLOCS
    assert "report += fmt.Sprintf" in verdict.message


@pytest.mark.live
def test_render_solution_is_solved():
    verdict = exercises.check_render(SOLUTION)
    assert verdict.passed and verdict.evidence["allocs"] <= exercises.RENDER_MAX_ALLOCS


@pytest.mark.live
@pytest.mark.parametrize(
    ("source", "reason"),
    [
        (SOLUTION.replace("return string(buf)", "return string(buf) +"), "does not compile"),
        (SOLUTION.replace("';'", "','"), "the tests fail"),
        (
            SOLUTION.replace("buf := make", "var p *[]byte\n\t_ = *p\n\tbuf := make"),
            "panicked: runtime error: invalid memory address or nil pointer dereference"
            " (at main.go:7)",
        ),
    ],
)
def test_render_broken_answers_are_not_yet_with_the_reason(source, reason):
    verdict = exercises.check_render(source)
    assert not verdict, verdict
    assert reason in verdict.message, verdict.message


@pytest.mark.live
def test_render_that_never_returns_is_not_yet_and_says_it_was_stopped():
    # An empty loop that never ends (and allocates nothing while it spins).
    endless = SOLUTION.replace("\tbuf := make", "\tfor len(scores) >= 0 {\n\t}\n\tbuf := make")
    assert endless != SOLUTION
    verdict = exercises.check_render(endless, timeout=10)
    assert not verdict, verdict
    assert "still running after 10 s" in verdict.message, verdict.message
