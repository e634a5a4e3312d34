package main

import "testing"

func TestConversions(t *testing.T) {
	if got := countSpaces("a b c"); got != 2 {
		t.Errorf("countSpaces = %d, want 2", got)
	}
	if got := string(upper("go 1.27")); got != "GO 1.27" {
		t.Errorf("upper = %q, want GO 1.27", got)
	}
}
