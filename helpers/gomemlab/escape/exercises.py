"""The escape notebook's exercises: self-checks against the real compiler, as Verdicts."""

from __future__ import annotations

from .. import checks, programs, validate, workspace
from ..checks import Verdict
from ..errors import UsageError
from .run import run

CHAPTER = "03 escape analysis"
"""The chapter these exercises end (shown by `gm.progress()`)."""


@checks.exercise
def check_no_heap(
    source: str, function: str, *, same_output_as: str | None = None, timeout: float = 60.0
) -> Verdict:
    """Compile `source` (-m=2) and check that `function` is still there and sends nothing to
    the heap. With `same_output_as` (the original program), both programs are also run and
    must print the same (stdout and stderr, where `println` writes), so an answer that drops
    the work does not count. Code that does not compile, panics or takes longer than `timeout`
    seconds is a "not yet" saying so; the report the check read is `evidence["report"]`."""
    validate.text(source, "source")
    if not isinstance(function, str) or not function.isidentifier():
        raise UsageError(f"function must be the name of a Go function, not {function!r}")
    if same_output_as is not None:
        validate.text(same_output_as, "same_output_as")
    timeout = validate.timeout(timeout)
    report = run(source, level=2, timeout=timeout)
    if function not in report.functions():
        return Verdict.not_yet(
            f"there is no function {function} in the code any more: keep its name", report=report
        )
    heap = report.about(function=function, kinds=("moved_to_heap", "escapes_to_heap"))
    if heap:
        said = "\n".join(f"  line {m.line}: {m.message}" for m in heap)
        return Verdict.not_yet(
            f"{function} still sends values to the heap:\n{said}", report=report, heap=tuple(heap)
        )
    if same_output_as is not None:
        wanted, got = (_printed(text, timeout) for text in (same_output_as, source))
        if got != wanted:
            return Verdict.not_yet(
                f"{function} is heap-free now, but the program prints {got.strip()[:80]!r} "
                f"instead of {wanted.strip()[:80]!r}: keep what it computes",
                report=report,
                printed=got,
                wanted=wanted,
            )
        return Verdict.solved(
            f"the compiler keeps everything in {function} off the heap, "
            "and the program prints the same as before",
            report=report,
            printed=got,
        )
    return Verdict.solved(
        f"the compiler keeps everything in {function} off the heap", report=report
    )


def _printed(source: str, timeout: float) -> str:
    """What a program prints, stdout then stderr."""
    done = programs.run(workspace.snippet(source), timeout=timeout)
    return done.stdout + done.stderr


POINT_TASK = """
package main

type point struct{ x, y int }

//go:noinline
func newPoint() *point {
	p := point{1, 2}
	return &p
}

func main() { println(newPoint().x) }
"""
"""Exercise 1 of notebook 03 as given: `newPoint` returns the address of a local."""

SHAPES_TASK = """
package main

type shape interface{ Area() int }

type rect struct{ w, h int }

func (r rect) Area() int { return r.w * r.h }

//go:noinline
func area(s shape) int { return s.Area() }

//go:noinline
func total(w, h int) int {
	r := rect{w, h}
	return area(r)
}

func main() { println(total(2, 3)) }
"""
"""Exercise 2 of notebook 03 as given: `area`'s interface parameter leaks, so `total` boxes."""

CHECKSUM_TASK = """
package main

//go:noinline
func checksum(seed byte) int {
	buf := make([]byte, 100<<10)
	for i := range buf {
		buf[i] = seed + byte(i)
	}
	sum := 0
	for _, b := range buf {
		sum += int(b)
	}
	return sum
}

func main() { println(checksum(1)) }
"""
"""Exercise 3 of notebook 03 as given: `checksum`'s 100 KiB `make` goes to the heap."""


def _keeps_output(source: str, function: str, task: str, timeout: float) -> Verdict:
    return check_no_heap.__wrapped__(source, function, same_output_as=task, timeout=timeout)


@checks.exercise(title="exercise 1: newPoint", untried=checks.unchanged(POINT_TASK))
def check_new_point(source: str, *, timeout: float = 60.0) -> Verdict:
    """Exercise 1: `newPoint` in `source` is heap-free and the program prints what
    POINT_TASK prints."""
    return _keeps_output(source, "newPoint", POINT_TASK, timeout)


@checks.exercise(title="exercise 2: total", untried=checks.unchanged(SHAPES_TASK))
def check_total(source: str, *, timeout: float = 60.0) -> Verdict:
    """Exercise 2: `total` in `source` is heap-free and the program prints what SHAPES_TASK
    prints."""
    return _keeps_output(source, "total", SHAPES_TASK, timeout)


@checks.exercise(title="exercise 3: checksum", untried=checks.unchanged(CHECKSUM_TASK))
def check_checksum(source: str, *, timeout: float = 60.0) -> Verdict:
    """Exercise 3: `checksum` in `source` is heap-free and the program prints what
    CHECKSUM_TASK prints."""
    return _keeps_output(source, "checksum", CHECKSUM_TASK, timeout)
