"""Self-checks for chapter 09's exercises: each builds the learner's Go with a harness, runs
the real toolchain and returns a `checks.Verdict` (code that fails to build, panics or hangs
is a "not yet" that says so)."""

from __future__ import annotations

import re

from .. import programs, tables, validate, workspace
from ..checks import Verdict, exercise, unchanged
from ..errors import GoRunError, UsageError
from .result import parse

CHAPTER = "09 lifetimes, reuse and leaks"
"""The chapter these exercises end (shown by `gm.progress()`)."""

BENCHTIME = "2000x"
"""Exercise 2's benchtime: allocs/op is the same in every call, time is not judged; the few
buffers a pool's New makes, shared over 2000 calls, round down to 0 allocs/op."""
BENCH_COUNT = 3
DOCUMENTS = 32
"""Exercise 1 loads this many 1 MiB documents and keeps their titles."""

LEAK_BASELINE = r"""package main

import "strings"

// firstLine returns the first line of doc, without its newline.
func firstLine(doc string) string {
	end := strings.IndexByte(doc, '\n')
	return doc[:end]
}
"""
"""Exercise 1's starting point: titles that keep their documents alive."""

_LEAK_HARNESS = """package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/metrics"
	"runtime/pprof"
	"strings"
)

// Sample one allocation per 4 KiB, set before any allocation of main runs.
var _ = func() int { runtime.MemProfileRate = 4096; return 0 }()

// loadDocument returns a fresh 1 MiB document whose first line is its title.
func loadDocument(i int) string {
	title := fmt.Sprintf("document %d\\n", i)
	return title + strings.Repeat("x", 1<<20-len(title))
}

var titles []string

func emit(metric string, value float64, text string) {
	fmt.Printf("{\\"section\\":\\"exercise\\",\\"metric\\":%q,\\"value\\":%g,\\"unit\\":\\"bytes\\","+
		"\\"text\\":%q}\\n", metric, value, text)
}

func main() {
	profile := flag.String("memprofile", "heap.pprof", "in-use heap profile")
	flag.Parse()
	for i := 0; i < DOCUMENTS; i++ {
		titles = append(titles, firstLine(loadDocument(i)))
	}
	for i, t := range titles {
		if want := fmt.Sprintf("document %d", i); t != want {
			emit("wrong_title", float64(i), fmt.Sprintf("firstLine gave %q, want %q", t, want))
			os.Exit(3)
		}
	}
	runtime.GC()
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	emit("live", float64(s[0].Value.Uint64()), "")
	f, err := os.Create(*profile)
	if err != nil {
		panic(err)
	}
	if err := pprof.WriteHeapProfile(f); err != nil {
		panic(err)
	}
	f.Close()
	runtime.KeepAlive(titles)
}
""".replace("DOCUMENTS", str(DOCUMENTS))


@exercise(title="exercise 1: fix the leak", untried=unchanged(LEAK_BASELINE))
def check_leak_fixed(source: str, *, at_most_mib: float = 4.0, timeout: float = 45.0) -> Verdict:
    """Solved when the program, with your `firstLine` (Go source of a file of package main),
    keeps the 32 titles right and the in-use heap profile, after a GC, holds at most
    `at_most_mib` MiB (the 32 documents are 32 MiB)."""
    validate.text(source, "source")
    validate.positive(at_most_mib, "at_most_mib")
    package = workspace.snippet(
        {"main.go": _LEAK_HARNESS, "title.go": source}, label="exercise-leak"
    )
    folder = workspace.scratch_dir("lifetimes-exercise")
    path = folder / "heap.pprof"
    done = programs.run(
        package,
        ["-memprofile", str(path)],
        cwd=folder,
        check=False,
        timeout=validate.timeout(timeout),
    )
    result = parse(done.stdout, sections=("exercise",), provenance=done.provenance)
    if result.has("wrong_title"):
        return Verdict.not_yet(f"the titles are wrong: {result.text('wrong_title')}")
    done.check_run(source_dir=package.dir)  # a panic names title.go, not the scratch path
    from ..pprof.result import load

    inuse = load(path).total("inuse_space")
    live = result.value("live")
    evidence = {"inuse_bytes": inuse, "live_bytes": live}
    message = (
        f"in-use heap profile after a GC: {tables.format_bytes(inuse)} "
        f"(runtime/metrics live heap: {tables.format_bytes(live)}) for {DOCUMENTS} titles "
        f"of {DOCUMENTS} MiB of documents"
    )
    if inuse <= at_most_mib * 2**20:
        return Verdict.solved(message, **evidence)
    return Verdict.not_yet(
        message + f": aim for at most {at_most_mib:g} MiB. What does each title still point into?",
        **evidence,
    )


POOL_BASELINE = r"""package main

import (
	"io"
	"strconv"
)

// render writes the report for id to w, in a fresh 4 KiB buffer every call.
func render(w io.Writer, id int) {
	buf := make([]byte, 0, 4096)
	for line := 0; line < 64; line++ {
		buf = append(buf, "row "...)
		buf = strconv.AppendInt(buf, int64(id*64+line), 10)
		buf = append(buf, ": ok\n"...)
	}
	w.Write(buf)
}
"""
"""Exercise 2's starting point: one 4 KiB allocation per call."""

_POOL_MAIN = """package main

import "os"

func main() { render(os.Stdout, 1) }
"""

_POOL_TEST = """package main

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"testing"
)

func want(id int) string {
	var b strings.Builder
	for line := 0; line < 64; line++ {
		fmt.Fprintf(&b, "row %d: ok\\n", id*64+line)
	}
	return b.String()
}

var sink io.Writer = io.Discard

func BenchmarkRender(b *testing.B) {
	for id := 0; id < 3; id++ {
		var got bytes.Buffer
		render(&got, id)
		render(&got, id) // twice: a reused buffer must start empty
		if got.String() != want(id)+want(id) {
			text := got.String()
			if len(text) > 60 {
				text = text[:60] + "..."
			}
			b.Fatalf("render(w, %d) twice wrote %q, not the report twice", id, text)
		}
	}
	for i := 0; b.Loop(); i++ {
		render(sink, i)
	}
}
"""


def _panic(output: str) -> str | None:
    """ "it panicked: MESSAGE / at render.go:N" from a test binary's output, or None."""
    # `go test -bench` prints the benchmark's name without a newline before it runs, so the
    # panic may start mid-line ("BenchmarkRender-2   panic: boom"), depending on timing
    found = re.search(r"(?:^|\s)panic: (.+)$", output, re.M)
    if found is None:
        return None
    message = found.group(1)
    where = re.search(r"(render\.go:\d+)", output)
    return f"it panicked: {message}" + (f"\n  at {where.group(1)}" if where else "")


@exercise(title="exercise 2: pool it", untried=unchanged(POOL_BASELINE))
def check_pooled(source: str, *, target_allocs: float = 0.0, timeout: float = 90.0) -> Verdict:
    """Solved when your `render` (Go source of a file of package main) uses a sync.Pool,
    still writes the right report, and `BenchmarkRender` reaches at most `target_allocs`
    allocs/op (median of the runs; the starting point makes one 4 KiB allocation per call)."""
    validate.text(source, "source")
    if target_allocs < 0:
        raise UsageError(f"target_allocs must be a number ≥ 0, not {target_allocs!r}")
    if "sync.Pool" not in source:
        return Verdict.not_yet(
            "render does not use a sync.Pool yet: keep buffers in one "
            "(hint: store *[]byte, so that Put does not allocate)"
        )
    from ..bench.run import run as run_benchmarks

    package = workspace.snippet(
        {"main.go": _POOL_MAIN, "render.go": source, "main_test.go": _POOL_TEST},
        label="exercise-pool",
    )
    try:
        result = run_benchmarks(
            package,
            "^BenchmarkRender$",
            benchtime=BENCHTIME,
            count=BENCH_COUNT,
            progress=False,
            timeout=validate.timeout(timeout),
        )
    except GoRunError as error:
        panicked = _panic(error.stdout + "\n" + error.stderr)
        if panicked is None:
            raise
        return Verdict.not_yet(panicked)
    allocs = result.median("Render", "allocs/op")
    per_op = result.median("Render", "B/op")
    evidence = {"allocs_per_op": allocs, "bytes_per_op": per_op}
    message = f"BenchmarkRender: {allocs:g} allocs/op, {per_op:g} B/op (median)"
    if allocs <= target_allocs:
        return Verdict.solved(message, **evidence)
    hint = (
        "a fresh buffer is still made on every call"
        if per_op >= 1024
        else "something small still allocates on every call: does Put box a slice header "
        "into an interface? Pool *[]byte instead"
    )
    return Verdict.not_yet(
        message + f": aim for at most {target_allocs:g} allocs/op; {hint}", **evidence
    )
