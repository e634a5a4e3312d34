"""The escape notebook's exercises, checked against the real compiler: the unedited task and
wrong answers get "not yet" with the reason, the notebook's solutions are solved."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from gomemlab import Verdict
from gomemlab.errors import UsageError
from gomemlab.escape import check_no_heap
from gomemlab.escape.exercises import (
    CHECKSUM_TASK,
    POINT_TASK,
    SHAPES_TASK,
    check_checksum,
    check_new_point,
    check_total,
)

pytestmark = pytest.mark.live

CHECKSUM = """package main

//go:noinline
func checksum(seed byte) int {
	BODY
	sum := 0
	for _, b := range buf {
		sum += int(b)
	}
	return sum
}

func main() { println(checksum(1)) }
"""
TASK = CHECKSUM.replace(
    "BODY", "buf := make([]byte, 100<<10)\n\tfor i := range buf {\n\t\tbuf[i] = seed + byte(i)\n\t}"
)
SOLUTION = CHECKSUM.replace(
    "BODY", "var buf [100 << 10]byte\n\tfor i := range buf {\n\t\tbuf[i] = seed + byte(i)\n\t}"
)


def test_the_unedited_task_is_not_yet_and_quotes_the_compiler():
    verdict = check_no_heap(TASK, "checksum", same_output_as=TASK)
    assert isinstance(verdict, Verdict) and not verdict
    assert verdict.mark == "✘ not yet"
    assert "line 5: make([]byte, 102400) escapes to heap" in verdict.message


def test_the_solution_is_solved_and_prints_the_same():
    verdict = check_no_heap(SOLUTION, "checksum", same_output_as=TASK)
    assert verdict and verdict.mark == "✔ solved"
    assert "prints the same" in verdict.message
    assert verdict.evidence["printed"].strip() == str(sum((1 + i) % 256 for i in range(100 << 10)))


def test_a_heap_free_answer_that_computes_something_else_is_not_yet():
    small = CHECKSUM.replace(
        "BODY", "var buf [10]byte\n\tfor i := range buf {\n\t\tbuf[i] = seed + byte(i)\n\t}"
    )
    verdict = check_no_heap(small, "checksum", same_output_as=TASK)
    assert (
        not verdict
        and "instead of" in verdict.message
        and "keep what it computes" in (verdict.message)
    )


def test_a_panicking_answer_is_not_yet_saying_it_panicked():
    panics = CHECKSUM.replace("BODY", "var buf [100 << 10]byte\n\tbuf[int(seed)+len(buf)-1] = 1")
    verdict = check_no_heap(panics, "checksum", same_output_as=TASK)
    assert not verdict and "panicked" in verdict.message
    assert "index out of range" in verdict.message


def test_a_slow_answer_is_not_yet_saying_it_was_stopped():
    endless = CHECKSUM.replace("BODY", "var buf [8]byte\n\tfor seed > 0 {\n\t\tbuf[0]++\n\t}")
    verdict = check_no_heap(endless, "checksum", same_output_as=TASK, timeout=4)
    assert not verdict and "still running after 4 s" in verdict.message


def test_an_answer_that_does_not_compile_is_not_yet_with_the_compiler_message():
    broken = SOLUTION.replace("sum := 0", "sum := undefinedThing")
    verdict = check_no_heap(broken, "checksum", same_output_as=TASK)
    assert not verdict and "does not compile" in verdict.message
    assert "undefined: undefinedThing" in verdict.message


POINT = """package main

type point struct{ x, y int }

//go:noinline
func newPoint() RESULT {
	p := point{1, 2}
	return RETURN
}

func main() { println(newPoint().x) }
"""


def test_exercise_one_wrong_then_right():
    wrong = check_no_heap(POINT.replace("RESULT", "*point").replace("RETURN", "&p"), "newPoint")
    assert not wrong and "line 7: moved to heap: p" in wrong.message
    right = check_no_heap(POINT.replace("RESULT", "point").replace("RETURN", "p"), "newPoint")
    assert right
    renamed = POINT.replace("RESULT", "point").replace("RETURN", "p").replace("newPoint", "np")
    gone = check_no_heap(renamed, "newPoint")
    assert not gone and "no function newPoint" in gone.message


SHAPES = """package main

type shape interface{ Area() int }

type rect struct{ w, h int }

func (r rect) Area() int { return r.w * r.h }

//go:noinline
func area(s PARAM) int { return s.Area() }

//go:noinline
func total(w, h int) int {
	r := rect{w, h}
	return area(r)
}

func main() { println(total(2, 3)) }
"""


def test_exercise_two_wrong_then_right():
    wrong = check_no_heap(SHAPES.replace("PARAM", "shape"), "total")
    assert not wrong and "line 15: r escapes to heap" in wrong.message
    right = check_no_heap(
        SHAPES.replace("PARAM", "rect"), "total", same_output_as=SHAPES.replace("PARAM", "shape")
    )
    assert right and right.evidence["printed"].strip() == "6"


def test_misuse_is_a_usage_error():
    with pytest.raises(UsageError, match="same_output_as must be text"):
        check_no_heap(SOLUTION, "checksum", same_output_as=b"package main")
    with pytest.raises(UsageError, match="timeout"):
        check_no_heap(SOLUTION, "checksum", timeout=-1)


NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "03-escape-analysis.ipynb"


@pytest.mark.parametrize("number, task", [(1, POINT_TASK), (2, SHAPES_TASK), (3, CHECKSUM_TASK)])
def test_the_notebook_gives_the_task_the_check_compares_with(number, task):
    cells = [
        c.source
        for c in nbformat.read(NOTEBOOK, as_version=4).cells
        if c.cell_type == "code" and f"exercise_{number} = " in c.source
    ]
    assert re.search(r'"""(.*)"""', cells[0], re.DOTALL).group(1) == task


def test_exercise_checks_wrong_then_right():
    for check, task, fixed, said in [
        (
            check_new_point,
            POINT_TASK,
            POINT_TASK.replace("*point", "point").replace("&p", "p"),
            "line 8: moved to heap: p",
        ),
        (
            check_total,
            SHAPES_TASK,
            SHAPES_TASK.replace("area(s shape)", "area(s rect)"),
            "line 16: r escapes to heap",
        ),
        (check_checksum, CHECKSUM_TASK, SOLUTION, "make([]byte, 102400) escapes to heap"),
    ]:
        assert not check(task).tried  # the starting code: not an attempt (issue 22)
        wrong = check(task + "\n// run as it is\n")
        assert not wrong and said in wrong.message, (check.__name__, wrong)
        right = check(fixed)
        assert right and "prints the same" in right.message, (check.__name__, right)


def test_exercise_one_answer_that_prints_something_else_is_not_yet():
    other = POINT_TASK.replace("*point", "point").replace("&p", "p").replace("{1, 2}", "{3, 4}")
    verdict = check_new_point(other)
    assert not verdict and "'3' instead of '1'" in verdict.message
