package main

import "testing"

func TestRuns(t *testing.T) { main() }
