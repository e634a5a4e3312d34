// Command newexpr uses new with an expression, which Go 1.26 allows: new(42) is a *int
// pointing at a fresh 42.
package main

import "fmt"

// Answer returns a pointer to a new int holding 42.
func Answer() *int {
	return new(42)
}

func main() {
	fmt.Println("new(42) points at", *Answer())
}
