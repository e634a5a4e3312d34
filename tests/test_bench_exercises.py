"""Live tests of notebook 04's exercise checks: right answers are solved, wrong, non-compiling,
panicking and endless ones are "not yet" with the reason (the real toolchain every time)."""

from __future__ import annotations

import re

import pytest

import gomemlab as gm
from gomemlab.bench import exercises

pytestmark = pytest.mark.live


def test_exercise_1_start_is_not_yet_and_the_solution_is_solved():
    assert not exercises.check_zero_allocs(exercises.WORDS_START).tried  # issue 22
    start = exercises.check_zero_allocs(exercises.WORDS_START + "\n// run as it is\n")
    assert not start.passed and start.evidence["allocs_per_op"] == 1, start
    # strings.Fields allocates its slice once per call: 2000 benchmark calls, plus the tests'
    assert start.evidence["own_allocs"] >= 2000, start
    assert re.search(r"still allocates: 20\d\d allocations .* 1 allocs/op", start.message)
    solved = exercises.check_zero_allocs(exercises.WORDS_SOLUTION)
    assert solved.passed, solved
    # B/op is the whole process's and may show the runtime's own allocations under load: the
    # verdict rests on what the profile puts under CountWords
    assert solved.evidence["own_allocs"] == 0 and solved.evidence["own_bytes"] == 0
    assert solved.evidence["allocs_per_op"] == 0
    assert str(solved).startswith("✔ solved: CountWords is correct and allocates nothing")


# An answer that allocates 4 KiB once every 1,000 calls: 0 allocs/op (rounded down), 4 B/op.
OCCASIONAL = exercises.WORDS_SOLUTION.replace(
    "func CountWords(s string) int {\n",
    "var calls int\nvar keep []byte\n\nfunc CountWords(s string) int {\n"
    "\tif calls++; calls%1000 == 0 {\n\t\tkeep = make([]byte, 4096)\n\t}\n",
)

WRONG_WORDS = {
    "compiles, wrong answers": (
        exercises.WORDS_SOLUTION.replace("n++", "n += 2"),
        r"CountWords gives wrong answers:\n  CountWords\(.*want",
    ),
    "does not compile": (
        "package words\n\nfunc CountWords(s string) int { return s }\n",
        r"does not compile:\n  words\.go:3:\d+: ",
    ),
    "panics": (
        "package words\n\nfunc CountWords(s string) int { var m map[string]int; "
        "m[s] = 1; return 0 }\n",
        r"CountWords panicked: assignment to entry in nil map at words\.go:3",
    ),
    "no such function": ("package words\n", r"does not compile:.*undefined: CountWords"),
    "allocates now and then": (
        OCCASIONAL,
        r"still allocates now and then: 2 allocations \(8(\.0)? KiB\) made inside CountWords"
        r".*0 allocs/op, \d+ B/op",
    ),
}


@pytest.mark.parametrize("case", list(WRONG_WORDS))
def test_exercise_1_wrong_answers_are_not_yet_with_the_reason(case):
    source, reason = WRONG_WORDS[case]
    verdict = exercises.check_zero_allocs(source)
    assert isinstance(verdict, gm.Verdict) and not verdict.passed
    assert re.search(reason, verdict.message, re.DOTALL), verdict.message
    assert "site-packages" not in verdict.message and "/tmp/" not in verdict.message


def test_exercise_1_an_endless_loop_is_not_yet(monkeypatch):
    monkeypatch.setattr(exercises, "TEST_TIMEOUT", 8.0)
    verdict = exercises.check_zero_allocs(
        "package words\n\nfunc CountWords(s string) int {\n\tfor {\n\t}\n}\n"
    )
    assert not verdict.passed and "still running after 8 s" in verdict.message, verdict


def test_exercise_2_start_is_not_yet_and_the_solution_is_solved():
    assert not exercises.check_trap_fixed(exercises.TRAP_START).tried  # issue 22
    start = exercises.check_trap_fixed(exercises.TRAP_START + "\n// run as it is\n")
    assert not start.passed and start.evidence["multiplies"] == 0, start
    assert "measures (almost) nothing: its machine code holds 0 of Hash's 5" in start.message
    assert "ns/op" in start.message and str(start.evidence["ns_per_op"]) not in start.message
    fixed = exercises.check_trap_fixed(exercises.TRAP_SOLUTION)
    assert fixed.passed and fixed.evidence["multiplies"] >= 5, fixed
    assert fixed.evidence["ns_per_op"] > 0


def test_exercise_2_a_sink_also_solves_it():
    sink = (
        'package hash\n\nimport "testing"\n\nvar sink uint64\n\n'
        "func BenchmarkHash(b *testing.B) {\n\tvar acc uint64\n"
        "\tfor i := 0; i < b.N; i++ {\n\t\tacc += Hash(uint64(i))\n\t}\n\tsink = acc\n}\n"
    )
    verdict = exercises.check_trap_fixed(sink)
    assert verdict.passed and verdict.evidence["multiplies"] == 5, verdict


TRAP_WRONG = {
    "renamed": (
        'package hash\n\nimport "testing"\n\nfunc BenchmarkH(b *testing.B) '
        "{ for b.Loop() { Hash(1) } }\n",
        "there is no `func BenchmarkHash",
    ),
    "does not compile": (
        'package hash\n\nimport "testing"\n\nfunc BenchmarkHash(b *testing.B) { Hash() }\n',
        r"does not compile:\n  hash_test\.go:5",
    ),
    "panics": (
        'package hash\n\nimport "testing"\n\nfunc BenchmarkHash(b *testing.B) {\n'
        "\tvar p *int\n\tfor b.Loop() {\n\t\tHash(uint64(*p))\n\t}\n}\n",
        r"BenchmarkHash panicked: runtime error: invalid memory address.* at "
        r"hash_test\.go:8",
    ),
    "constant input": (
        'package hash\n\nimport "testing"\n\nfunc BenchmarkHash(b '
        "*testing.B) {\n\tfor b.Loop() {\n\t\tHash(42)\n\t}\n}\n",
        r"measures \(almost\) nothing: its machine code holds 0 of",
    ),
}


@pytest.mark.parametrize("case", list(TRAP_WRONG))
def test_exercise_2_wrong_answers_are_not_yet_with_the_reason(case):
    source, reason = TRAP_WRONG[case]
    verdict = exercises.check_trap_fixed(source)
    assert not verdict.passed and re.search(reason, verdict.message, re.DOTALL), verdict
    assert "/tmp/" not in verdict.message and ".cache" not in verdict.message


def test_exercise_2_an_endless_benchmark_is_not_yet(monkeypatch):
    monkeypatch.setattr(exercises, "BENCH_TIMEOUT", 8.0)
    endless = (
        'package hash\n\nimport "testing"\n\nfunc BenchmarkHash(b *testing.B) {\n'
        "\tx := uint64(1)\n\tfor b.Loop() {\n\t\tfor x != 0 {\n\t\t\tx = Hash(x) | 1\n"
        "\t\t}\n\t}\n}\n"
    )
    verdict = exercises.check_trap_fixed(endless)
    assert not verdict.passed and "still running after 8 s" in verdict.message, verdict
