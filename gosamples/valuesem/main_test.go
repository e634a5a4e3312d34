package main

import "testing"

func TestValueSemanticsCopies(t *testing.T) {
	u := newUser("ana")
	got := visitByValue(u)
	if u.visits != 0 || got.visits != 1 {
		t.Fatalf("caller %d, copy %d: want 0 and 1", u.visits, got.visits)
	}
}

func TestPointerSemanticsShares(t *testing.T) {
	u := newUser("ana")
	visitByPointer(&u)
	if u.visits != 1 {
		t.Fatalf("caller sees %d visits, want 1", u.visits)
	}
}
