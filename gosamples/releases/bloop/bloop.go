// Package bloop holds a benchmark written with testing.B.Loop, which Go 1.24 added.
package bloop

// Square returns n*n.
func Square(n int) int { return n * n }
