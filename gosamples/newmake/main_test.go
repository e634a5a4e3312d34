package main

import "testing"

func TestZeroCounterIsFreshAndZero(t *testing.T) {
	a, b := zeroCounter(), zeroCounter()
	if *a != 0 || a == b {
		t.Fatalf("new(int) should give distinct zeroed ints, got %p=%d and %p=%d", a, *a, b, *b)
	}
}

func TestTagWritesThroughToCaller(t *testing.T) {
	labels := make(map[string]string)
	tag(labels, "k", "v")
	if labels["k"] != "v" {
		t.Fatalf("caller's map misses the write made inside tag: %v", labels)
	}
}

func TestGrowSharesArrayNotHeader(t *testing.T) {
	values := make([]int, 3, 8)
	grown := grow(values)
	if len(values) != 3 || len(grown) != 4 {
		t.Fatalf("lengths: caller %d, grown %d; want 3 and 4", len(values), len(grown))
	}
	if values[0] != -1 {
		t.Fatalf("write through the shared backing array was lost: values[0]=%d", values[0])
	}
}

func TestNilMapWritePanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("writing to a nil map should panic")
		}
	}()
	var m map[string]int
	m["x"] = 1
}
