package main

import "testing"

func TestInlinedNewUserStaysInTheFrame(t *testing.T) {
	if got := testing.AllocsPerRun(100, func() { _ = age() }); got != 0 {
		t.Errorf("age(): %v allocs/call, want 0 (newUser inlined)", got)
	}
}
