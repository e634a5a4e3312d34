package main

import "testing"

func TestZeroSizeVariablesShareAnAddress(t *testing.T) {
	a, b = new(struct{}), new(struct{})
	if a != b {
		t.Fatalf("new(struct{}) twice gave %p and %p: expected one address (runtime.zerobase)", a, b)
	}
}
