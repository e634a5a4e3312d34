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


CHAPTER = "02 value semantics"
"""The chapter these exercises end (shown by `gm.progress()`)."""

WALLET_START = """package bank

// Wallet holds money in cents.
type Wallet struct {
	cents int
}

// Deposit adds cents to the wallet.
func (w Wallet) Deposit(cents int) {
	w.cents += cents
}

// Balance reports the cents in the wallet.
func (w Wallet) Balance() int {
	return w.cents
}
"""
"""The starting code of `check_wallet`'s exercise, as its notebook cell shows it."""

RAISE_START = """package payroll

// Employee is one member of staff.
type Employee struct {
	Name   string
	Salary int
}

// GiveRaise adds amount to the salary of everyone in staff.
func GiveRaise(staff []Employee, amount int) {
	for _, e := range staff {
		e.Salary += amount
	}
}
"""
"""The starting code of `check_raise`'s exercise, as its notebook cell shows it."""

TEAM_START = """package club

// Team is a list of members that only its methods change.
type Team struct {
	members []string
}

// NewTeam makes a team of the given members.
func NewTeam(names ...string) *Team {
	return &Team{members: names}
}

// Members returns the team's members.
func (t *Team) Members() []string {
	return t.members
}
"""
"""The starting code of `check_team`'s exercise, as its notebook cell shows it."""


@checks.exercise(title="exercise 1: Deposit", untried=checks.unchanged(WALLET_START))
def check_wallet(source: str, *, timeout: float = 60.0) -> Verdict:
    """Exercise 1: deposits add up (WALLET_TESTS pass)."""
    return check_with_tests.__wrapped__(source, WALLET_TESTS, label="ex1-wallet", timeout=timeout)


@checks.exercise(title="exercise 2: GiveRaise", untried=checks.unchanged(RAISE_START))
def check_raise(source: str, *, timeout: float = 60.0) -> Verdict:
    """Exercise 2: every employee gets the raise (RAISE_TESTS pass)."""
    return check_with_tests.__wrapped__(source, RAISE_TESTS, label="ex2-raise", timeout=timeout)


@checks.exercise(title="exercise 3: Team", untried=checks.unchanged(TEAM_START))
def check_team(source: str, *, timeout: float = 60.0) -> Verdict:
    """Exercise 3: a Team cannot be changed from outside (TEAM_TESTS pass)."""
    return check_with_tests.__wrapped__(source, TEAM_TESTS, label="ex3-team", timeout=timeout)
