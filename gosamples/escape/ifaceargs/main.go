// Command ifaceargs passes a value converted to an interface to a callee that only looks at
// it and to one that keeps it, and prints the allocations per call of each.
package main

import (
	"fmt"
	"testing"
)

type file struct{ fd int }

var kept any

// typeSwitch only looks at x.
//
//go:noinline
func typeSwitch(x any) int {
	switch v := x.(type) {
	case file:
		return v.fd
	case int:
		return v
	}
	return 0
}

// keep stores x where it outlives the call.
//
//go:noinline
func keep(x any) { kept = x }

//go:noinline
func passToTypeSwitch(fd int) int {
	f := file{fd: fd}
	return typeSwitch(f)
}

//go:noinline
func passToKeep(fd int) {
	f := file{fd: fd}
	keep(f)
}

func main() {
	fmt.Println("passToTypeSwitch", testing.AllocsPerRun(100, func() { passToTypeSwitch(1000) }))
	fmt.Println("passToKeep", testing.AllocsPerRun(100, func() { passToKeep(1000) }))
	fmt.Println("passToKeep(7)", testing.AllocsPerRun(100, func() { passToKeep(7) }))
}
