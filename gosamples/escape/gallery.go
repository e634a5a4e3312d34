// Command escape holds one tiny function per escape-analysis case of notebook 03.
//
// Each gallery function is small on purpose: build with `go build -gcflags=-m=2 ./escape`
// to read the compiler's verdict on it. Running the program prints how many heap
// allocations each case really makes (testing.AllocsPerRun), so the verdicts can be
// compared with what happens at run time.
package main

import (
	"encoding/json"
	"fmt"
	"io"
)

type user struct {
	Name string `json:"name"`
	Age  int    `json:"age"`
}

// --- returning a value vs returning the address of a local ---

//go:noinline
func returnValue() user {
	u := user{Name: "Ada", Age: 36}
	return u // the caller gets a copy: u can stay in this frame
}

//go:noinline
func returnPointer() *user {
	u := user{Name: "Ada", Age: 36}
	return &u // the caller keeps the address after this frame is gone
}

// --- storing an address through a pointer field ---

type holder struct{ p *int }

//go:noinline
func storeInValue() int {
	var i1 int
	var x1 holder
	x1.p = &i1 // x1 is a local struct value: a plain assignment
	return *x1.p
}

//go:noinline
func storeThroughPointer() int {
	var i2 int
	x2 := &holder{}
	x2.p = &i2 // the compiler reads this as (*x2).p = &i2
	return *x2.p
}

// --- interface arguments ---

type reader interface{ Read() int }

type file struct{ fd int }

func (f file) Read() int { return f.fd }

//go:noinline
func readOpaque(r reader) int { return r.Read() }

func readInlinable(r reader) int { return r.Read() }

//go:noinline
func passInterface(fd int) int {
	f := file{fd: fd}
	return readOpaque(f)
}

//go:noinline
func passInterfaceInlined(fd int) int {
	f := file{fd: fd}
	return readInlinable(f)
}

// --- closures ---

//go:noinline
func counter() func() int {
	n := 0
	return func() int { n++; return n }
}

//go:noinline
func sumWithClosure(xs []int) int {
	total := 0
	add := func(x int) { total += x }
	for _, x := range xs {
		add(x)
	}
	return total
}

// --- values too large for the stack ---

// Explicit variables may use up to 128 KiB of stack on this Go version.
const explicitLimit = 128 << 10

// Implicit allocations (new, &T{}, make with a constant size) may use up to 64 KiB.
const implicitLimit = 64 << 10

//go:noinline
func explicitAtLimit() byte {
	var buf [explicitLimit]byte
	return buf[len(buf)-1]
}

//go:noinline
func explicitOverLimit() byte {
	var buf [explicitLimit + 1]byte
	return buf[len(buf)-1]
}

//go:noinline
func implicitAtLimit() byte {
	buf := make([]byte, implicitLimit)
	return buf[len(buf)-1]
}

//go:noinline
func implicitOverLimit() byte {
	buf := make([]byte, implicitLimit+1)
	return buf[len(buf)-1]
}

// --- make with a size known only at run time ---

//go:noinline
func makeVariable(n int) int {
	buf := make([]byte, n)
	return len(buf)
}

// --- pointers stored in a slice, a map, a channel ---

//go:noinline
func appendPointer(list []*int) []*int {
	v := 1
	return append(list, &v)
}

//go:noinline
func storeInMap(m map[string]*int) {
	v := 2
	m["v"] = &v
}

//go:noinline
func sendPointer(ch chan *int) {
	v := 3
	ch <- &v
}

// --- fmt.Println arguments ---

//go:noinline
func printNumber(n int) {
	fmt.Println(n)
}

//go:noinline
func printTo(w io.Writer, n int) {
	fmt.Fprintln(w, n)
}

// --- escape and inlining ---

func newUser(name string) *user {
	return &user{Name: name}
}

//go:noinline
func newUserNoInline(name string) *user {
	return &user{Name: name}
}

//go:noinline
func ageInlined() int {
	u := newUser("Ada")
	return u.Age
}

//go:noinline
func ageNotInlined() int {
	u := newUserNoInline("Ada")
	return u.Age
}

// --- the json pattern: a value whose address is shared, or a pointer from the start ---

//go:noinline
func decodeValue(data []byte) (*user, error) {
	var u user
	err := json.Unmarshal(data, &u)
	return &u, err
}

//go:noinline
func decodePointer(data []byte) (*user, error) {
	u := &user{}
	err := json.Unmarshal(data, u)
	return u, err
}
