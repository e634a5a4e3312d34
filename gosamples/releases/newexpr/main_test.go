package main

import "testing"

func TestAnswer(t *testing.T) {
	if *Answer() != 42 {
		t.Fatal("*new(42) != 42")
	}
}
