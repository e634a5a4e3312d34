//go:build go1.25

package main

func answer() *int { return new(42) }
