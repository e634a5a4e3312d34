package main

import "testing"

func TestFill(t *testing.T) {
	s := fill(3)
	if len(s) != 3 || s[0] == nil || s[0] == s[1] {
		t.Fatal("fill(3) should give three distinct objects")
	}
}
