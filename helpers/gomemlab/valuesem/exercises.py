"""Notebook 02's exercises: the learner's Go and hidden Go tests, run by `go test`."""

from __future__ import annotations

from .. import checks
from ..checks import Verdict
from ..newmake.exercises import check_with_tests

WALLET_TESTS = r"""package bank

import "testing"

func TestDepositsAddUp(t *testing.T) {
	var w Wallet
	w.Deposit(250)
	w.Deposit(50)
	if got := w.Balance(); got != 300 {
		t.Fatalf("after depositing 250 and 50 cents, Balance() = %d, want 300", got)
	}
	p := &Wallet{}
	p.Deposit(7)
	if got := p.Balance(); got != 7 {
		t.Fatalf("through a pointer: Balance() = %d, want 7", got)
	}
}
"""
"""Exercise 1's Go test: deposits into a Wallet add up."""

RAISE_TESTS = r"""package payroll

import "testing"

func TestEveryoneGetsTheRaise(t *testing.T) {
	staff := []Employee{{"ana", 100}, {"bo", 200}}
	GiveRaise(staff, 10)
	if staff[0].Salary != 110 || staff[1].Salary != 210 {
		t.Fatalf("after GiveRaise(staff, 10): %+v, want salaries 110 and 210", staff)
	}
}
"""
"""Exercise 2's Go test: `GiveRaise` changes the slice's elements."""

TEAM_TESTS = r"""package club

import "testing"

func TestTeamKeepsItsOwnCopy(t *testing.T) {
	names := []string{"ana", "bo"}
	team := NewTeam(names...)
	names[0] = "eve"
	if got := team.Members()[0]; got != "ana" {
		t.Fatalf("changing the caller's slice after NewTeam changed the team: first member %q", got)
	}
	members := team.Members()
	members[1] = "mallory"
	if got := team.Members()[1]; got != "bo" {
		t.Fatalf("changing the slice Members() returned changed the team: second member %q", got)
	}
}
"""
"""Exercise 3's Go test: a Team keeps and hands out copies of its members."""


@checks.exercise
def check_wallet(source: str, *, timeout: float = 60.0) -> Verdict:
    """Exercise 1: deposits add up (WALLET_TESTS pass)."""
    return check_with_tests.__wrapped__(source, WALLET_TESTS, label="ex1-wallet", timeout=timeout)


@checks.exercise
def check_raise(source: str, *, timeout: float = 60.0) -> Verdict:
    """Exercise 2: every employee gets the raise (RAISE_TESTS pass)."""
    return check_with_tests.__wrapped__(source, RAISE_TESTS, label="ex2-raise", timeout=timeout)


@checks.exercise
def check_team(source: str, *, timeout: float = 60.0) -> Verdict:
    """Exercise 3: a Team cannot be changed from outside (TEAM_TESTS pass)."""
    return check_with_tests.__wrapped__(source, TEAM_TESTS, label="ex3-team", timeout=timeout)
