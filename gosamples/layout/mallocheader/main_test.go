package main

import "testing"

func TestRuns(t *testing.T) {
	main()
	if sink == nil {
		t.Fatal("main allocated nothing")
	}
}
