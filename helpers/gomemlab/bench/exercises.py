"""Self-checks for the exercises of notebook 04-benchmarks: each runs the learner's Go code
through the real toolchain (tests, then benchmarks or the compiled machine code) and returns a
`checks.Verdict`. A wrong answer, code that does not compile, a failing test, a panic or a run
that does not end is a "not yet" with the reason, never an error panel."""

from __future__ import annotations

import re
from pathlib import Path

from .. import checks, tables, toolchain, validate, workspace
from ..checks import Verdict
from ..errors import GoRunError, WorkspaceError
from ..pprof.result import load
from .disasm import count_multiplies
from .result import parse
from .run import run, run_test_binary

TEST_TIMEOUT = 60.0
"""Seconds for building the learner's package and running its tests and benchmark (an
endless loop ends here)."""
BENCH_TIMEOUT = 120.0
"""Seconds for the benchmark run of a check."""

WORDS_TEST = """package words

import (
	"strings"
	"testing"
)

func TestCountWords(t *testing.T) {
	cases := map[string]int{"": 0, "   ": 0, "go": 1, " go  gc\\tpprof\\n": 3,
		"a b c d e f g h": 8, "héllo wörld": 2}
	for in, want := range cases {
		if got := CountWords(in); got != want {
			t.Errorf("CountWords(%q) = %d, want %d", in, got, want)
		}
	}
}

var text = strings.Repeat("the quick brown fox jumps over the lazy dog ", 8)

func BenchmarkCountWords(b *testing.B) {
	for b.Loop() {
		CountWords(text)
	}
}
"""

WORDS_START = """package words

import "strings"

// CountWords returns the number of words in s (words are separated by white space).
func CountWords(s string) int {
	return len(strings.Fields(s))
}
"""

WORDS_SOLUTION = """package words

import "unicode"

// CountWords returns the number of words in s (words are separated by white space). It walks
// the text once and counts the starts of words, so it allocates nothing.
func CountWords(s string) int {
	n, inWord := 0, false
	for _, r := range s {
		space := unicode.IsSpace(r)
		if !space && !inWord {
			n++
		}
		inWord = !space
	}
	return n
}
"""

TRAP_START = """package hash

import "testing"

func BenchmarkHash(b *testing.B) {
	for i := 0; i < b.N; i++ {
		Hash(uint64(i))
	}
}
"""

TRAP_SOLUTION = """package hash

import "testing"

func BenchmarkHash(b *testing.B) {
	x := uint64(1)
	for b.Loop() {
		Hash(x) // b.Loop keeps the call and its result alive
		x++     // a changing input: a constant one would be folded at compile time
	}
}
"""


def _hash_source() -> str:
    """The Hash function of the bench sample, as a file of package `hash`."""
    text = workspace.sample("bench").source("main.go")
    match = re.search(r"^// Hash mixes.*?^}\n", text, re.MULTILINE | re.DOTALL)
    if match is None:
        raise WorkspaceError(
            "Hash not found in gosamples/bench/main.go: restore the sample "
            "(git checkout gosamples/bench)"
        )
    return "package hash\n\n" + match.group(0)


_TEST_LOG = re.compile(r"^\s+\w+_test\.go:\d+: (.*)$", re.MULTILINE)
_PANIC = re.compile(r"^panic: (.*?)(?: \[recovered[^\]]*\])?$", re.MULTILINE)
_FRAME = re.compile(r"^\t(\S+?/)?(\w+\.go:\d+)", re.MULTILINE)


def _explain(error: GoRunError, what: str) -> Verdict:
    """A "not yet" for a `go test` that failed: the test's complaints, or the panic and the
    first line of the learner's file on its stack (go test prints both on stdout)."""
    output = error.stdout + "\n" + error.stderr
    panic = _PANIC.search(output)
    if panic:
        frames = [
            m.group(2)
            for m in _FRAME.finditer(output, panic.end())
            if "/src/runtime/" not in (m.group(1) or "")
            and not m.group(2).startswith(("testing.go", "benchmark.go"))
        ]
        where = f" at {frames[0]}" if frames else ""
        return Verdict.not_yet(f"{what} panicked: {panic.group(1)}{where}")
    complaints = _TEST_LOG.findall(output)
    if complaints:
        listed = "\n".join(f"  {c}" for c in complaints[:6])
        more = f"\n  … and {len(complaints) - 6} more" if len(complaints) > 6 else ""
        return Verdict.not_yet(
            f"{what} gives wrong answers:\n{listed}{more}", failures=len(complaints)
        )
    return checks.from_error(error)


_COUNT_WORDS = r"\.CountWords$"
"""The learner's function in a memory profile's stacks (BenchmarkCountWords does not match)."""


CHAPTER = "04 benchmarks"
"""The chapter these exercises end (shown by `gm.progress()`)."""


@checks.exercise(
    title="exercise 1: CountWords with 0 allocs/op",
    untried=checks.unchanged(WORDS_START),
    hint="walk the string once and count where a word starts",
)
def check_zero_allocs(source: str) -> Verdict:
    """Exercise 1: CountWords must stay correct and allocate nothing (0 allocs/op).

    One `go test` builds the package once, runs TestCountWords and, only when it passes,
    BenchmarkCountWords for a fixed 2000 iterations (so every check measures the same work),
    with every allocation recorded in a memory profile (-memprofilerate=1).

    The verdict counts only the allocations whose stack runs through CountWords. B/op and
    allocs/op count the whole process (runtime.MemStats deltas): anything else that allocates
    during the loop counts too (the runtime itself, e.g. a new OS thread's `m` and `g` records,
    `allocm` in runtime/proc.go), so on a busy machine "0 allocs/op, 2 B/op" was seen beside a
    function that allocates nothing."""
    source = validate.text(source, "source")
    package = workspace.snippet({"words.go": source, "words_test.go": WORDS_TEST}, label="words")
    try:
        # The later -run wins over run()'s own -run '^$': the tests run first, and go test
        # runs no benchmark when a test fails.
        result = run(
            package,
            "^BenchmarkCountWords$",
            benchtime="2000x",
            count=1,
            progress=False,
            timeout=TEST_TIMEOUT,
            profile="mem",
            extra=["-run", "^TestCountWords$", "-memprofilerate=1"],
        )
    except GoRunError as error:
        return _explain(error, "CountWords")
    allocs = result.median("CountWords", "allocs/op")
    size = result.median("CountWords", "B/op")
    speed = result.median("CountWords", "ns/op")
    profile = load(result.profiles["mem"])
    own_objects = profile.value("alloc_objects", under=_COUNT_WORDS)
    own_bytes = profile.value("alloc_space", under=_COUNT_WORDS)
    measured = (
        f"{own_objects} allocations ({tables.format_bytes(own_bytes)}) made inside CountWords "
        f"(its tests and 2000 benchmark calls); the benchmark says {allocs:g} allocs/op, "
        f"{tables.format_bytes(size)}/op (whole process), {tables.format_number(speed)} ns/op"
    )
    evidence = {
        "own_allocs": own_objects,
        "own_bytes": own_bytes,
        "allocs_per_op": allocs,
        "bytes_per_op": size,
        "ns_per_op": speed,
    }
    if own_objects == 0:
        return Verdict.solved(
            f"CountWords is correct and allocates nothing: {measured}", **evidence
        )
    if allocs == 0:  # averages rounded down: an occasional allocation shows as 0 allocs/op
        return Verdict.not_yet(
            f"CountWords is correct but still allocates now and then: {measured}. "
            "Allocate nothing.",
            **evidence,
        )
    return Verdict.not_yet(
        f"CountWords is correct but still allocates: {measured}. "
        "Count the words without building a slice of them.",
        **evidence,
    )


def _compile_tests(package: workspace.Package) -> Path:
    """The package's test binary, built once into scratch (compile errors: GoBuildError)."""
    binary = workspace.scratch_dir(f"check-{package.name}") / f"{package.name}.test"
    toolchain.go(
        "test",
        "-c",
        "-o",
        str(binary),
        package.pattern,
        cwd=package.module_dir,
        timeout=BENCH_TIMEOUT,
    ).check_build()
    return binary


def _listing(binary: Path, function: str) -> str | None:
    """The machine code of the package-level `function` in `binary` (None when absent)."""
    done = toolchain.go(
        "tool", "objdump", "-s", rf"\.{function}$", str(binary), timeout=BENCH_TIMEOUT
    ).check_run()
    text = done.stdout.strip()
    return text if text.startswith("TEXT ") else None


@checks.exercise(
    title="exercise 2: BenchmarkHash",
    untried=checks.unchanged(TRAP_START),
    hint="keep the call alive and give it an input the compiler cannot predict",
)
def check_trap_fixed(benchmark_source: str) -> Verdict:
    """Exercise 2: BenchmarkHash must really run Hash: its machine code must hold Hash's five
    multiplications (the compiler deletes them when the result is dropped), and it must run to
    the end. The test binary is built once: read with `go tool objdump`, then run."""
    benchmark_source = validate.text(benchmark_source, "benchmark_source")
    package = workspace.snippet(
        {"hash.go": _hash_source(), "hash_test.go": benchmark_source}, label="hash"
    )
    binary = _compile_tests(package)
    listing = _listing(binary, "BenchmarkHash")
    if listing is None:
        return Verdict.not_yet(
            "there is no `func BenchmarkHash(b *testing.B)` in your code: keep the benchmark's name"
        )
    multiplies = count_multiplies(listing)
    try:
        done = run_test_binary(
            [
                str(binary),
                "-test.run=^$",
                "-test.bench=^BenchmarkHash$",
                "-test.benchmem",
                "-test.benchtime=100000x",
                "-test.count=1",
            ],
            cwd=binary.parent,
            timeout=BENCH_TIMEOUT,
        )
    except GoRunError as error:
        return _explain(error, "BenchmarkHash")
    speed = parse(done.stdout).median("Hash", "ns/op")
    evidence = {"multiplies": multiplies, "ns_per_op": speed}
    if multiplies >= 5:
        return Verdict.solved(
            f"BenchmarkHash runs Hash: {multiplies} multiply instructions in "
            f"its machine code, {speed:.2f} ns/op",
            **evidence,
        )
    return Verdict.not_yet(
        f"BenchmarkHash measures (almost) nothing: its machine code holds {multiplies} of "
        "Hash's 5 multiply instructions, so the compiler deleted Hash's work and its "
        "ns/op times little more than the loop. Keep the result alive, with a changing input.",
        **evidence,
    )
