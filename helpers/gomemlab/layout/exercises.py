"""Self-checks for notebook 08's exercises: each runs the real compiler and runtime."""

from __future__ import annotations

import functools
from collections import Counter

from .. import checks
from ..checks import Verdict
from .optimize import go_type
from .result import ScanReport
from .run import run, working_set

READING_TARGET_BYTES = 32
"""Exercise 1's goal: `Reading` in the 32-byte size class (it starts in the 48-byte one)."""
SCAN_SHARE = 0.10
"""Exercise 2's goal: at most this share of the baseline's scannable heap."""
WORKING_SET_ELEMENTS = 1 << 17

WORKING_SET_BASELINE = """import "strconv"

// Particle is one element of the hot loop's working set.
type Particle struct {
	Name string // a label for log lines; the hot loop never reads it
	X, Y float64
	Mass int
}

// WorkingSet holds every particle the hot loop touches, one heap object each.
type WorkingSet []*Particle

func newWorkingSet(n int) WorkingSet {
	ws := make(WorkingSet, n)
	for i := range ws {
		ws[i] = &Particle{Name: "p" + strconv.Itoa(i), X: float64(i), Y: float64(-i), Mass: i % 7}
	}
	return ws
}

// Sum is the hot loop.
func (w WorkingSet) Sum() int {
	total := 0
	for _, p := range w {
		total += p.Mass + int(p.X) - int(p.Y)
	}
	return total
}
"""
"""Exercise 2's starting point: a slice of pointers to structs that hold a string."""


def _fields(layout, name: str) -> Counter:
    return Counter((f.name, go_type(f.type)) for f in layout.struct(name).fields)


@functools.lru_cache(maxsize=1)
def _sample_layout():
    """The sample's layouts, once per process (they are the compiler's constants)."""
    return run()


CHAPTER = "08 memory layout"
"""The chapter these exercises end (shown by `gm.progress()`)."""

READING_START = """
type Reading struct {
	Valid  bool
	Value  float64
	Unit   uint16
	Stamp  int64
	Stale  bool
	Count  int32
	Source *Reading
}
"""
"""The starting code of `check_smaller_class`'s exercise, as its notebook cell shows it."""


@checks.exercise(
    title="exercise 1: a smaller Reading",
    untried=checks.unchanged(READING_START),
    hint="padding goes where a field must start at a multiple of its size: order the fields "
    "from the largest alignment to the smallest (8-byte ones first, then 4, 2 and 1).",
)
def check_smaller_class(source: str) -> Verdict:
    """Exercise 1: `source` declares `type Reading struct` with the sample's fields, in an
    order whose `unsafe.Sizeof` fits the 32-byte size class and whose `new(Reading)` costs
    32 B/op in `testing.Benchmark`."""
    sample = _sample_layout()
    mine = run(source, names=["Reading"])
    want, got = _fields(sample, "Reading"), _fields(mine, "Reading")
    if want != got:
        missing = sorted(f"{n} {t}" for n, t in (want - got))
        extra = sorted(f"{n} {t}" for n, t in (got - want))
        raise AssertionError(
            "keep exactly the sample's fields (reorder them only): "
            f"missing {missing or 'none'}, new {extra or 'none'}"
        )
    size = mine.struct("Reading").size
    row = mine.allocs.iloc[0]
    b_per_op, before = int(row.b_per_op), sample.struct("Reading").size
    evidence = {"sizeof_before": before, "sizeof": size, "b_per_op": b_per_op}
    if size > READING_TARGET_BYTES or b_per_op > READING_TARGET_BYTES:
        return Verdict.not_yet(
            f"unsafe.Sizeof(Reading{{}}) is {size} B and new(Reading) costs {b_per_op} B/op; "
            f"the goal is the {READING_TARGET_BYTES}-byte class (stuck? "
            "gm.layout.exercises.check_smaller_class.hint())",
            **evidence,
        )
    return Verdict.solved(
        f"unsafe.Sizeof(Reading{{}}) went from {before} B to {size} B, and new(Reading) now "
        f"costs {b_per_op} B/op (was 48): {48 - b_per_op} B less per object, "
        f"{(48 - b_per_op):,} MB per million objects.",
        **evidence,
    )


@functools.lru_cache(maxsize=4)
def _measured(source: str) -> tuple[ScanReport, int]:
    """A working set's scan report and Sum(), once per source and process (the scan bytes of
    a given program do not change from run to run; only its timings would)."""
    return working_set(source, n=WORKING_SET_ELEMENTS)


def _unchanged_working_set(
    source: object, baseline: object = WORKING_SET_BASELINE, *_a, **_k
) -> bool:
    return (
        isinstance(source, str) and isinstance(baseline, str) and source.strip() == baseline.strip()
    )


@checks.exercise(
    title="exercise 2: a working set the collector skips", untried=_unchanged_working_set
)
def check_pointer_free(
    source: str, baseline: str = WORKING_SET_BASELINE, *, timeout: float = 45.0
) -> Verdict:
    """Exercise 2: `source` keeps the same `Sum()` as `baseline` with a working set the
    collector need not scan: /gc/scan/heap:bytes at most 10% of the baseline's. An answer
    still running after `timeout` seconds (build included; the baseline takes about one) is a
    "not yet"."""
    base, base_sum = _measured(baseline)
    mine, my_sum = working_set(source, n=WORKING_SET_ELEMENTS, timeout=timeout)
    b, m = base.frame.iloc[0], mine.frame.iloc[0]
    evidence = {
        "sum": my_sum,
        "baseline_sum": base_sum,
        "heap_scan_mib": round(float(m.heap_scan_mib), 3),
        "baseline_heap_scan_mib": round(float(b.heap_scan_mib), 3),
        "gc_cpu_ms": round(float(m.gc_cpu_ms), 3),
        "baseline_gc_cpu_ms": round(float(b.gc_cpu_ms), 3),
    }
    if my_sum != base_sum:
        return Verdict.not_yet(
            f"Sum() is {my_sum}, the baseline's is {base_sum}: the hot "
            "loop must compute the same thing",
            **evidence,
        )
    if m.heap_scan_mib > SCAN_SHARE * b.heap_scan_mib:
        return Verdict.not_yet(
            f"the collector still has {m.heap_scan_mib:.2f} MiB to scan with {m['shape']} "
            f"live (baseline {b.heap_scan_mib:.2f} MiB); the goal is at most "
            f"{SCAN_SHARE:.0%}. Hint: a slice of values, and no string or pointer inside.",
            **evidence,
        )
    return Verdict.solved(
        f"{m['shape']}: {m.heap_scan_mib:.2f} MiB to scan instead of {b.heap_scan_mib:.2f} "
        f"MiB; GC CPU of the cheapest cycle {m.gc_cpu_ms:.2f} ms instead of {b.gc_cpu_ms:.2f} ms "
        "(timings vary with load; the scan bytes do not).",
        **evidence,
    )
