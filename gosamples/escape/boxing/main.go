// Command boxing converts values of many kinds to an interface and prints the allocations
// per conversion: values the runtime can share cost none.
package main

import (
	"fmt"
	"testing"
)

type file struct{ fd int }

var (
	sink                 any // a package variable: every conversion below escapes
	small, large         = 7, 1000
	negative             = -1
	negativeByte         = int8(-1)
	smallFile, largeFile = file{7}, file{1000}
	oneByte, yes         = byte(200), true
	nothing              struct{}
	emptyString, word    = "", "hello"
	zeroFloat, someFloat = 0.0, 1.5
	pair                 = [2]int{1, 2}
	numbers              = []int{1, 2, 3}
	nilSlice             []int
	target               = 42
	pointer              = &target
	onePointer           = struct{ p *int }{&target}
)

// conversion is one row of the report: a value and a function converting it to any.
type conversion struct {
	name string
	box  func()
}

func conversions() []conversion {
	return []conversion{
		{"pointer", func() { sink = pointer }},
		{"struct{p *int}", func() { sink = onePointer }},
		{"struct{}", func() { sink = nothing }},
		{"empty string", func() { sink = emptyString }},
		{"nil slice", func() { sink = nilSlice }},
		{"bool", func() { sink = yes }},
		{"byte 200", func() { sink = oneByte }},
		{"int8 -1", func() { sink = negativeByte }},
		{"int 7", func() { sink = small }},
		{"file{7}", func() { sink = smallFile }},
		{"float64 0", func() { sink = zeroFloat }},
		{"constant 1000", func() { sink = 1000 }},
		{"constant file{1000}", func() { sink = file{1000} }},
		{"constant string", func() { sink = "hello" }},
		{"int 1000", func() { sink = large }},
		{"int -1", func() { sink = negative }},
		{"file{1000}", func() { sink = largeFile }},
		{"float64 1.5", func() { sink = someFloat }},
		{"string hello", func() { sink = word }},
		{"[2]int", func() { sink = pair }},
		{"[]int", func() { sink = numbers }},
	}
}

func main() {
	for _, c := range conversions() {
		fmt.Printf("%s\t%.0f\n", c.name, testing.AllocsPerRun(100, c.box))
	}
}
