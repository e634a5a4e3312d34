package main

import (
	"context"
	"testing"
)

func TestPipelineSumsEveryItem(t *testing.T) {
	want := 0
	for i := range 1000 {
		want += work(i)
	}
	for _, workers := range []int{1, 3} {
		if got := pipeline(context.Background(), 1000, workers); got != want {
			t.Fatalf("%d workers: checksum %d, want %d", workers, got, want)
		}
	}
}

func TestKeepAliveBuildsTheRequestedSize(t *testing.T) {
	heads := keepAlive(1)
	count := 0
	for _, head := range heads {
		for n := head; n != nil; n = n.next {
			count++
		}
	}
	if want := 1 << 20 / 64; count != want {
		t.Fatalf("%d nodes, want %d", count, want)
	}
}

// TestWork is small enough to trace with `go test -run TestWork -trace t.out`.
func TestWork(t *testing.T) {
	for i := range 200 {
		want := 0
		for j := range 16 << 10 {
			want += int(byte(i * j))
		}
		if got := work(i); got != 4*want {
			t.Fatalf("work(%d) = %d, want %d", i, got, 4*want)
		}
	}
}
