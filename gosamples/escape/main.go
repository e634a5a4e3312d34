package main

import (
	"fmt"
	"io"
	"testing"
)

// allocCase is one row of the program's report: a gallery case and one call of it.
type allocCase struct {
	name string
	call func()
}

func cases() []allocCase {
	ch := make(chan *int, 1)
	m := map[string]*int{}
	data := []byte(`{"name":"Ada","age":36}`)
	return []allocCase{
		{"returnValue", func() { returnValue() }},
		{"returnPointer", func() { returnPointer() }},
		{"storeInValue", func() { storeInValue() }},
		{"storeThroughPointer", func() { storeThroughPointer() }},
		{"passInterface", func() { passInterface(1000) }},
		{"passInterfaceInlined", func() { passInterfaceInlined(1000) }},
		{"counter", func() { counter() }},
		{"sumWithClosure", func() { sumWithClosure([]int{1, 2, 3}) }},
		{"explicitAtLimit", func() { explicitAtLimit() }},
		{"explicitOverLimit", func() { explicitOverLimit() }},
		{"implicitAtLimit", func() { implicitAtLimit() }},
		{"implicitOverLimit", func() { implicitOverLimit() }},
		{"makeVariable(32)", func() { makeVariable(32) }},
		{"makeVariable(33)", func() { makeVariable(33) }},
		{"makeVariable(1024)", func() { makeVariable(1024) }},
		{"appendPointer", func() { appendPointer(make([]*int, 0, 1)) }},
		{"storeInMap", func() { storeInMap(m) }},
		{"sendPointer", func() { sendPointer(ch); <-ch }},
		{"printTo(7)", func() { printTo(io.Discard, 7) }},
		{"printTo(1000)", func() { printTo(io.Discard, 1000) }},
		{"ageInlined", func() { ageInlined() }},
		{"ageNotInlined", func() { ageNotInlined() }},
		{"decodeValue", func() { _, _ = decodeValue(data) }},
		{"decodePointer", func() { _, _ = decodePointer(data) }},
	}
}

// allocsPerCall measures the average number of heap allocations of one call.
func allocsPerCall(c allocCase) float64 {
	return testing.AllocsPerRun(200, c.call)
}

func main() {
	fmt.Println("case\tallocs/op")
	for _, c := range cases() {
		fmt.Printf("%s\t%g\n", c.name, allocsPerCall(c))
	}
	printNumber(42)
}
