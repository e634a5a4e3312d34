package main

import (
	"maps"
	"os"
	"testing"
)

func TestBothCountsAgree(t *testing.T) {
	text := corpus(500)
	wasteful, frugal := countWasteful(text), countFrugal(text)
	if !maps.Equal(wasteful, frugal) {
		t.Fatalf("the two ways disagree:\nwasteful %v\nfrugal   %v", wasteful, frugal)
	}
	if len(frugal) != len(vocabulary) {
		t.Fatalf("%d distinct words, want %d (lower-cased vocabulary)", len(frugal), len(vocabulary))
	}
	if frugal["stack"] == 0 || frugal["Stack"] != 0 {
		t.Fatalf("words are not lower-cased: %v", frugal)
	}
}

func TestFrugalAllocatesLess(t *testing.T) {
	text := corpus(200)
	wasteful := testing.AllocsPerRun(5, func() { countWasteful(text) })
	frugal := testing.AllocsPerRun(5, func() { countFrugal(text) })
	if frugal*10 > wasteful {
		t.Fatalf("allocs per run: frugal %v, wasteful %v; want frugal at least 10x fewer", frugal, wasteful)
	}
	// Wasteful: one []string per line plus one string per capitalised word (4 of 8 words).
	if wasteful < 200*(1+12/2) {
		t.Fatalf("wasteful allocs per run %v, want at least %d", wasteful, 200*(1+12/2))
	}
}

func TestFrugalAllocationsDoNotGrowWithText(t *testing.T) {
	short, long := corpus(100), corpus(2000)
	a := testing.AllocsPerRun(5, func() { countFrugal(short) })
	b := testing.AllocsPerRun(5, func() { countFrugal(long) })
	if a != b {
		t.Fatalf("frugal allocs per run: %v for 100 lines, %v for 2000", a, b)
	}
}

func TestAppendLower(t *testing.T) {
	if got := string(appendLower([]byte("x:"), "GoLang")); got != "x:golang" {
		t.Fatalf("appendLower = %q", got)
	}
}

func TestTopIsOrdered(t *testing.T) {
	got := top(map[string]int{"a": 1, "b": 3, "c": 3}, 2)
	if len(got) != 2 || got[0] != "b" || got[1] != "c" {
		t.Fatalf("top = %v, want [b c]", got)
	}
}

func BenchmarkCountWasteful(b *testing.B) {
	text := corpus(1000)
	for b.Loop() {
		countWasteful(text)
	}
}

func BenchmarkCountFrugal(b *testing.B) {
	text := corpus(1000)
	for b.Loop() {
		countFrugal(text)
	}
}

func TestProfileToStandardOutput(t *testing.T) {
	out, err := os.CreateTemp(t.TempDir(), "stdout")
	if err != nil {
		t.Fatal(err)
	}
	stdout, args := os.Stdout, os.Args
	defer func() { os.Stdout, os.Args = stdout, args }()
	os.Stdout = out
	os.Args = []string{"app", "-lines", "100", "-rounds", "1", "-memprofile", "-"}
	main()
	data, err := os.ReadFile(out.Name())
	if err != nil {
		t.Fatal(err)
	}
	if len(data) < 2 || data[0] != 0x1f || data[1] != 0x8b {
		t.Fatalf("standard output does not start with a gzip-compressed profile: % x", data[:min(8, len(data))])
	}
}
