// Command conversions prints the allocations per call of string and byte-slice conversions,
// concatenations and method values, used locally or kept, at 32 and 33 bytes.
package main

import (
	"fmt"
	"strings"
	"testing"
)

var (
	short         = []byte(strings.Repeat("x", 32)) // fits the 32-byte buffer
	long          = []byte(strings.Repeat("x", 33)) // one byte more
	shortS, longS = string(short), string(long)
	counts        = map[string]int{string(short): 1, string(long): 2}
	kept          string
	n             int
)

type counter struct{ n int }

func (c *counter) inc() { c.n++ }

var c = &counter{}
var keptFunc func()

//go:noinline
func toStringLocal(b []byte) int { s := string(b); return len(s) + int(s[0]) }

//go:noinline
func toStringKept(b []byte) { kept = string(b) }

//go:noinline
func toBytesLocal(s string) int { b := []byte(s); b[0]++; return int(b[0]) + len(b) }

//go:noinline
func concatLocal(a, b string) int { s := a + b; return len(s) + int(s[0]) }

//go:noinline
func concatKept(a, b string) { kept = a + b }

//go:noinline
func lookup(b []byte) int { return counts[string(b)] }

//go:noinline
func methodValueLocal() { f := c.inc; f() }

//go:noinline
func methodValueKept() { keptFunc = c.inc }

// allocCase is one row of the report: a conversion and a call that makes it.
type allocCase struct {
	name string
	f    func()
}

func cases() []allocCase {
	return []allocCase{
		{"string(b) used locally, 32 B", func() { n = toStringLocal(short) }},
		{"string(b) used locally, 33 B", func() { n = toStringLocal(long) }},
		{"string(b) kept, 32 B", func() { toStringKept(short) }},
		{"[]byte(s) used locally, 32 B", func() { n = toBytesLocal(shortS) }},
		{"[]byte(s) used locally, 33 B", func() { n = toBytesLocal(longS) }},
		{"a + b used locally, 32 B", func() { n = concatLocal(shortS[:16], shortS[16:]) }},
		{"a + b used locally, 33 B", func() { n = concatLocal(longS[:16], longS[16:]) }},
		{"a + b kept, 32 B", func() { concatKept(shortS[:16], shortS[16:]) }},
		{"m[string(b)] lookup, 33 B", func() { n = lookup(long) }},
		{"method value used locally", methodValueLocal},
		{"method value kept", methodValueKept},
	}
}

func main() {
	for _, r := range cases() {
		fmt.Printf("%s\t%.0f\n", r.name, testing.AllocsPerRun(100, r.f))
	}
}
