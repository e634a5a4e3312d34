"""Self-checks for the exercises of notebook 04-benchmarks: each runs the learner's Go code
through the real toolchain (tests, then benchmarks or the compiled machine code)."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from .. import programs, workspace
from .disasm import count_multiplies, disassemble
from .run import run

WORDS_TEST = '''package words

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
'''

WORDS_START = '''package words

import "strings"

// CountWords returns the number of words in s (words are separated by white space).
func CountWords(s string) int {
	return len(strings.Fields(s))
}
'''

WORDS_SOLUTION = '''package words

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
'''

TRAP_START = '''package hash

import "testing"

func BenchmarkHash(b *testing.B) {
	for i := 0; i < b.N; i++ {
		Hash(uint64(i))
	}
}
'''

TRAP_SOLUTION = '''package hash

import "testing"

func BenchmarkHash(b *testing.B) {
	x := uint64(1)
	for b.Loop() {
		Hash(x) // b.Loop keeps the call and its result alive
		x++     // a changing input: a constant one would be folded at compile time
	}
}
'''


def _hash_source() -> str:
    """The Hash function of the bench sample, as a file of package `hash`."""
    text = workspace.sample("bench").source("main.go")
    match = re.search(r"^// Hash mixes.*?^}\n", text, re.MULTILINE | re.DOTALL)
    if match is None:
        raise RuntimeError("Hash not found in gosamples/bench/main.go")
    return "package hash\n\n" + match.group(0)


@dataclass
class Verdict:
    """The outcome of a self-check: passed or not, and what the toolchain measured."""

    passed: bool
    message: str

    def _repr_html_(self) -> str:
        mark, color = ("✔ PASSED", "#2ca02c") if self.passed else ("✘ NOT YET", "#d62728")
        return (f'<div><b style="color:{color}">{mark}</b> {html.escape(self.message)}</div>')

    def __repr__(self) -> str:
        return ("PASSED: " if self.passed else "NOT YET: ") + self.message


def check_zero_allocs(source: str) -> Verdict:
    """Exercise 1: CountWords must stay correct and allocate nothing (0 allocs/op)."""
    package = workspace.snippet({"words.go": source, "words_test.go": WORDS_TEST},
                                label="words")
    programs.test(package, "-run", "^TestCountWords$", "-count=1")
    result = run(package, "^BenchmarkCountWords$", benchtime="2000x", count=1, progress=False)
    allocs = result.median("CountWords", "allocs/op")
    size = result.median("CountWords", "B/op")
    speed = result.median("CountWords", "ns/op")
    measured = f"{allocs:g} allocs/op, {size:g} B/op, {speed:,.0f} ns/op"
    if allocs == 0:
        return Verdict(True, f"CountWords is correct and allocates nothing: {measured}")
    return Verdict(False, f"CountWords is correct but still allocates: {measured}. "
                          "Count the words without building a slice of them.")


def check_trap_fixed(benchmark_source: str) -> Verdict:
    """Exercise 2: BenchmarkHash must really run Hash: its machine code must hold Hash's five
    multiplications (the compiler deletes them when the result is dropped)."""
    package = workspace.snippet({"hash.go": _hash_source(), "hash_test.go": benchmark_source},
                                label="hash")
    listing = disassemble(package, "^BenchmarkHash$").get("BenchmarkHash", "")
    multiplies = count_multiplies(listing)
    result = run(package, "^BenchmarkHash$", benchtime="100000x", count=1, progress=False)
    speed = result.median("Hash", "ns/op")
    if multiplies >= 5:
        return Verdict(True, f"BenchmarkHash runs Hash: {multiplies} multiply instructions in "
                             f"its machine code, {speed:.2f} ns/op")
    return Verdict(False, f"BenchmarkHash measures (almost) nothing: {multiplies} multiply "
                          f"instructions in its machine code, {speed:.2f} ns/op. Keep the "
                          "result alive, with a changing input.")
