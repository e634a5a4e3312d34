// Command inlined shows a function whose new(int) escapes when analysed alone, yet costs no
// allocation once the compiler inlines it into a caller that only reads the value.
package main

import (
	"fmt"
	"testing"
)

func fresh() *int { return new(int) } // small: the compiler inlines it

//go:noinline
func readFresh() int { return *fresh() }

func main() { fmt.Println(testing.AllocsPerRun(100, func() { readFresh() })) }
