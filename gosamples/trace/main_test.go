package main

import "testing"

func TestPipelineSumsEveryItem(t *testing.T) {
	want := 0
	for i := range 1000 {
		want += work(i)
	}
	for _, workers := range []int{1, 3} {
		if got := pipeline(1000, workers); got != want {
			t.Fatalf("%d workers: checksum %d, want %d", workers, got, want)
		}
	}
}
