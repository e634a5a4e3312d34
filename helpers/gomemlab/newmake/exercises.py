"""Notebook 01's exercises: the learner's Go and hidden Go tests, run by `go test`."""

from __future__ import annotations

import re

from .. import checks, programs, validate, workspace
from ..checks import Verdict
from ..errors import GoBuildError, GoRunError

_REASON = re.compile(r"^\s*(solution_test\.go:\d+: .*|panic: .*)$", re.MULTILINE)


CHAPTER = "01 new vs make"
"""The chapter these exercises end (shown by `gm.progress()`)."""

STOCK_START = """package shop

// Stock counts items by name.
type Stock struct {
	counts map[string]int
}

// NewStock returns an empty Stock, ready to use.
func NewStock() *Stock {
	return &Stock{}
}

// Add records n more of item.
func (s *Stock) Add(item string, n int) {
	s.counts[item] += n
}

// Count reports how many of item are in stock.
func (s *Stock) Count(item string) int {
	return s.counts[item]
}
"""
"""The starting code of `check_stock`'s exercise, as its notebook cell shows it."""

ADD_ITEM_START = """package shop

// AddItem should add item to the caller's list.
func AddItem(list []string, item string) {
	list = append(list, item)
}
"""
"""The starting code of `check_add_item`'s exercise, as its notebook cell shows it."""

WITH_EXTRA_START = """package shop

// WithExtra returns base followed by x, never sharing storage with base or other results.
func WithExtra(base []int, x int) []int {
	return append(base, x)
}
"""
"""The starting code of `check_with_extra`'s exercise, as its notebook cell shows it."""


@checks.exercise
def check_with_tests(
    source: str, tests: str, *, label: str = "exercise", timeout: float = 60.0
) -> Verdict:
    """`source` as solution.go beside `tests` as solution_test.go, under `go test`: solved
    when every test passes. A failing test, a compile error, a panic or a run longer than
    `timeout` seconds is a "not yet" with Go's reason. Go's test cache replays a pass for
    code it has already tested unchanged (its output then says `(cached)`)."""
    validate.text(source, "source")
    validate.text(tests, "tests")
    package = workspace.snippet({"solution.go": source, "solution_test.go": tests}, label=label)
    try:
        done = programs.test(package, timeout=validate.timeout(timeout))
    except GoBuildError as error:
        in_tests = [d for d in error.diagnostics if d.file.endswith("solution_test.go")]
        if not in_tests or len(in_tests) < len(error.diagnostics):
            raise  # the learner's own code does not compile: checks says where
        said = "\n".join(f"  {d.message} (test line {d.line})" for d in in_tests[:4])
        return Verdict.not_yet(
            "your code compiles, but Go's test calls it the way the exercise asks, and that "
            f"call does not compile with your code:\n{said}"
        )
    except GoRunError as failed:
        reasons = [m.strip() for m in _REASON.findall(failed.stdout + failed.stderr)]
        if not reasons:
            raise
        said = "\n".join(f"  {_readable(r)}" for r in reasons[:4])
        return Verdict.not_yet(f"Go's tests fail:\n{said}", output=failed.stdout)
    return Verdict.solved("it compiles and Go's tests pass", output=done.stdout)


def _readable(reason: str) -> str:
    """`solution_test.go:12: msg` as `msg (test line 12)`; a panic line as it is."""
    match = re.match(r"solution_test\.go:(\d+): (.*)", reason)
    return f"{match.group(2)} (test line {match.group(1)})" if match else reason


STOCK_TESTS = r"""package shop

import "testing"

func TestStockCounts(t *testing.T) {
	defer func() {
		if r := recover(); r != nil {
			t.Fatalf("NewStock().Add panicked: %v", r)
		}
	}()
	s := NewStock()
	if got := s.Count("pear"); got != 0 {
		t.Fatalf("a new stock should count 0 pears, got %d", got)
	}
	s.Add("apple", 2)
	s.Add("apple", 3)
	if got := s.Count("apple"); got != 5 {
		t.Fatalf("after adding 2 and 3 apples, Count = %d, want 5", got)
	}
	if NewStock().Count("apple") != 0 {
		t.Fatal("two stocks must not share their counts")
	}
}
"""
"""Exercise 1's Go test: a new Stock counts, and two stocks do not share their map."""

APPEND_TESTS = r"""package shop

import "testing"

func TestAddItemReachesCaller(t *testing.T) {
	var list []string
	AddItem(&list, "milk")
	AddItem(&list, "eggs")
	if len(list) != 2 || list[0] != "milk" || list[1] != "eggs" {
		t.Fatalf("after AddItem(&list, \"milk\") and AddItem(&list, \"eggs\"): list = %q", list)
	}
}
"""
"""Exercise 2's Go test: `AddItem(&list, x)` grows the caller's slice."""

EXTRA_TESTS = r"""package shop

import "testing"

func TestWithExtraKeepsResultsApart(t *testing.T) {
	base := make([]int, 3, 10)
	base[0] = 7
	a := WithExtra(base, 1)
	b := WithExtra(base, 2)
	if len(a) == 4 && a[0] == 7 && a[3] == 2 {
		t.Fatalf("WithExtra(base, 1) = %v, want [7 0 0 1]: the second call overwrote it", a)
	}
	if len(a) != 4 || a[0] != 7 || a[3] != 1 {
		t.Fatalf("WithExtra(base, 1) = %v, want [7 0 0 1]", a)
	}
	if len(b) != 4 || b[3] != 2 {
		t.Fatalf("WithExtra(base, 2) = %v, want [7 0 0 2]", b)
	}
	a[0] = 100
	if base[0] != 7 || b[0] != 7 {
		t.Fatalf("writing to one result changed base or the other result: base=%v b=%v", base, b)
	}
}
"""
"""Exercise 3's Go test: results of `WithExtra` share storage with nothing."""


@checks.exercise(title="exercise 1: NewStock", untried=checks.unchanged(STOCK_START))
def check_stock(source: str, *, timeout: float = 60.0) -> Verdict:
    """Exercise 1: `NewStock` returns a Stock whose map is made (STOCK_TESTS pass)."""
    return check_with_tests.__wrapped__(source, STOCK_TESTS, label="ex1-stock", timeout=timeout)


@checks.exercise(title="exercise 2: AddItem", untried=checks.unchanged(ADD_ITEM_START))
def check_add_item(source: str, *, timeout: float = 60.0) -> Verdict:
    """Exercise 2: `AddItem(&list, item)` appends to the caller's slice (APPEND_TESTS pass)."""
    return check_with_tests.__wrapped__(source, APPEND_TESTS, label="ex2-additem", timeout=timeout)


@checks.exercise(title="exercise 3: WithExtra", untried=checks.unchanged(WITH_EXTRA_START))
def check_with_extra(source: str, *, timeout: float = 60.0) -> Verdict:
    """Exercise 3: `WithExtra` returns independent slices (EXTRA_TESTS pass)."""
    return check_with_tests.__wrapped__(source, EXTRA_TESTS, label="ex3-withextra", timeout=timeout)
