package main

import "testing"

func TestKeepAliveHoldsTheCleanupBack(t *testing.T) {
	if with(make(chan struct{})) {
		t.Fatal("the cleanup ran while runtime.KeepAlive still kept f reachable")
	}
}
