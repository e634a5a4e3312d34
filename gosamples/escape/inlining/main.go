// Command inlining has a small function the compiler inlines and one over its budget; age()
// allocates only when newUser is not inlined into it.
package main

import (
	"fmt"
	"testing"
)

type user struct {
	name string
	age  int
}

func newUser(name string) *user { return &user{name: name, age: 1} } // small: inlinable

func greet(name string) { // two fmt.Println calls, each inlined here: over budget
	fmt.Println("hello,", name)
	fmt.Println("bye,", name)
}

//go:noinline
func age() int { return newUser("ana").age }

func main() {
	greet("ana")
	fmt.Println(testing.AllocsPerRun(100, func() { _ = age() }))
}
