"""Notebook 01's self-checks against the real toolchain: wrong, non-compiling, panicking,
slow and right answers (the Go tests themselves live in gomemlab.newmake.exercises)."""

from __future__ import annotations

import pytest

import gomemlab as gm
from gomemlab.newmake import exercises

pytestmark = pytest.mark.live

STOCK = """package shop

type Stock struct{ counts map[string]int }

func NewStock() *Stock { return &Stock{} }

func (s *Stock) Add(item string, n int) { s.counts[item] += n }

func (s *Stock) Count(item string) int { return s.counts[item] }
"""
STOCK_FIXED = STOCK.replace("&Stock{}", "&Stock{counts: make(map[string]int)}")


def test_stock_unedited_is_not_yet_with_the_panic():
    assert not exercises.check_stock(exercises.STOCK_START).tried  # issue 22
    verdict = exercises.check_stock(STOCK)
    assert isinstance(verdict, gm.Verdict) and not verdict
    assert "assignment to entry in nil map" in verdict.message
    assert "(test line " in verdict.message and "solution_test.go" not in verdict.message


def test_stock_fixed_is_solved():
    verdict = exercises.check_stock(STOCK_FIXED)
    assert verdict and verdict.mark == "✔ solved", verdict


def test_stock_that_does_not_compile_says_where():
    verdict = exercises.check_stock(STOCK.replace("return &Stock{}", "return &Stok{}"))
    assert not verdict and "does not compile" in verdict.message
    assert "undefined: Stok" in verdict.message


def test_a_shared_map_is_caught():
    shared = STOCK.replace(
        "func NewStock() *Stock { return &Stock{} }",
        "var one = map[string]int{}\n\nfunc NewStock() *Stock { return &Stock{counts: one} }",
    )
    verdict = exercises.check_stock(shared)
    assert not verdict and "must not share" in verdict.message, verdict


def test_an_endless_answer_is_stopped():
    verdict = exercises.check_stock(STOCK.replace("return &Stock{}", "for {\n\t}"), timeout=8)
    assert not verdict and "still running after 8 s" in verdict.message


def test_append_item_and_with_extra():
    wrong = (
        "package shop\n\nfunc AddItem(list []string, item string) { list = append(list, item) }\n"
    )
    assert "does not compile" in exercises.check_add_item(wrong).message  # the test calls &list
    right = (
        "package shop\n\nfunc AddItem(list *[]string, item string) "
        "{ *list = append(*list, item) }\n"
    )
    assert exercises.check_add_item(right)
    shares = "package shop\n\nfunc WithExtra(base []int, x int) []int { return append(base, x) }\n"
    verdict = exercises.check_with_extra(shares)
    assert not verdict and "WithExtra(base, 1) = [7 0 0 2]" in verdict.message, verdict
    assert "the second call overwrote it" in verdict.message
    longer = (
        "package shop\n\nfunc WithExtra(base []int, x int) []int "
        "{ return append(append([]int{}, base...), x, x) }\n"
    )
    wrong = exercises.check_with_extra(longer)
    assert not wrong and "want [7 0 0 1]" in wrong.message and "overwrote" not in wrong.message
    clipped = (
        "package shop\n\nfunc WithExtra(base []int, x int) []int "
        "{ return append(base[:len(base):len(base)], x) }\n"
    )
    assert exercises.check_with_extra(clipped)


def test_arguments_are_checked():
    with pytest.raises(gm.UsageError):
        exercises.check_with_tests(None, exercises.STOCK_TESTS)


def test_add_item_with_the_old_signature_says_the_test_cannot_call_it():
    verdict = exercises.check_add_item(exercises.ADD_ITEM_START + "// my first try\n")
    assert not verdict and "your code compiles, but Go's test calls it" in verdict.message
    assert "cannot use &list" in verdict.message and "(test line 7)" in verdict.message, verdict
    assert "solution_test.go" not in verdict.message
